// Small behaviours that must not live in inline attributes (strict CSP, no hx-on).
(function () {
  "use strict";
  // After htmx swaps a form with errors, move focus to its error summary so that
  // keyboard and screen-reader users land on the explanation.
  document.addEventListener("htmx:afterSettle", function () {
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
})();
