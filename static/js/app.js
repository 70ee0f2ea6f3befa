// Small behaviours that must not live in inline attributes (strict CSP, no hx-on).
// Every page works without this file: it only makes things faster or more comfortable.
(function () {
  "use strict";

  // --- confirmation dialogs (templates/_layout/confirm.html) ---------------------------
  // The form's button opens its <dialog>; without JavaScript (or <dialog>) it posts the
  // form and the server answers a confirmation step page with the same text.
  var lastTrigger = null;

  function openConfirmation(event) {
    var button = event.target.closest("button[data-confirm]");
    if (!button || !button.form) {
      return;
    }
    var dialog = document.getElementById(button.getAttribute("data-confirm"));
    if (!dialog || typeof dialog.showModal !== "function") {
      return; // let the form post: the server asks on its confirmation step
    }
    event.preventDefault();
    if (!button.form.reportValidity()) {
      return; // a missing reason or date is shown on its field, not behind the dialog
    }
    lastTrigger = button;
    dialog.showModal(); // focus goes to the dialog's « Annuler » button (autofocus)
  }

  document.addEventListener("click", function (event) {
    if (event.target.closest("button[data-confirm-cancel]")) {
      event.target.closest("dialog").close();
      return;
    }
    openConfirmation(event);
  });

  // Escape closes a modal <dialog> natively; whichever way it closes, focus returns to
  // the button that opened it.
  document.addEventListener(
    "close",
    function (event) {
      if (event.target.classList && event.target.classList.contains("confirm-dialog")) {
        if (lastTrigger && document.body.contains(lastTrigger)) {
          lastTrigger.focus();
        }
      }
    },
    true
  );

  // Once confirmed, the dialog closes while the form is sent (an error answered by htmx
  // then shows in the alert region instead of behind a modal). It closes after the submit
  // handlers ran: htmx reads the clicked button (confirmation=1) during the event, and
  // closing moves the focus away from that button, which htmx takes as « no button ».
  document.addEventListener("submit", function (event) {
    var open = event.target.querySelector("dialog.confirm-dialog[open]");
    if (open) {
      window.setTimeout(function () {
        open.close();
      }, 0);
    }
  });

  // --- menu button on narrow screens ---------------------------------------------------
  // Without JavaScript the menu stays visible; with it, narrow screens fold the menu
  // behind a button whose aria-expanded says whether it is open.
  function setupMenu() {
    var toggle = document.querySelector("button[data-menu-toggle]");
    if (!toggle) {
      return;
    }
    var menu = document.getElementById(toggle.getAttribute("aria-controls"));
    if (!menu) {
      return;
    }
    document.documentElement.classList.add("js-menu");
    function setOpen(open) {
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("is-open", open);
    }
    toggle.addEventListener("click", function () {
      setOpen(toggle.getAttribute("aria-expanded") !== "true");
    });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        toggle.focus();
      }
    });
  }

  // --- tables scroll inside their own box ----------------------------------------------
  // Templates wrap their tables with the scroll_table macro (templates/_layout/tables.html);
  // a table rendered without it gets the same wrapper here.
  function wrapTables(root) {
    var tables = (root || document).querySelectorAll("table.table");
    Array.prototype.forEach.call(tables, function (table) {
      if (table.parentElement.classList.contains("table-scroll")) {
        return;
      }
      var box = document.createElement("div");
      box.className = "table-scroll";
      box.setAttribute("role", "region");
      box.setAttribute("tabindex", "0");
      var caption = table.querySelector("caption");
      box.setAttribute("aria-label", caption ? caption.textContent.trim() : "Tableau");
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
    });
  }

  // --- after htmx swaps -------------------------------------------------------------------
  // After htmx swaps a form with errors, move focus to its error summary so that
  // keyboard and screen-reader users land on the explanation.
  document.addEventListener("htmx:afterSettle", function (event) {
    wrapTables(event.target);
    var summary = document.querySelector("[data-focus]");
    if (summary) {
      summary.focus();
    }
  });

  // Select the whole link when an admin focuses an issued invitation link.
  document.addEventListener("focusin", function (event) {
    if (event.target.classList && event.target.classList.contains("link-issued__url")) {
      event.target.select();
    }
  });

  function ready() {
    setupMenu();
    wrapTables(document);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
