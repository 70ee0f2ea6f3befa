"""The AMOI's list of late statements and the reminders sent from it (``/releves/retards``;
issue 10; docs/domain.md §7). Same list and same sending as ``flask send-reminders``."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for

from portal.access import Role, allow
from portal.clock import today
from portal.extensions import db
from portal.french import plural
from portal.statements import confirmations
from portal.statements.progress import settings
from portal.statements.reminders import late_statements, send_reminders, to_remind
from portal.statements.views import bp
from portal.web import confirm

assert confirmations  # the confirmation builders are registered on import


@bp.route("/releves/retards")
@allow(Role.FACILITATOR)
def late():
    """Late statements per organisation (months, lots; no person's name), with the button
    that sends the reminders not sent yet today."""
    late_orgs = late_statements(today())
    return render_template(
        "statements/late.html",
        late_orgs=late_orgs,
        pending=to_remind(late_orgs),
        due_day=settings()[1],
    )


@bp.route("/releves/retards/relancer", methods=["POST"])
@allow(Role.FACILITATOR)
def send_late_reminders():
    """Send the reminders (after the confirmation stating how many organisations get one);
    idempotent the same day."""
    page = url_for("statements.late")
    pending = to_remind(late_statements(today()))
    if (asked := confirm.step(confirmations.confirm_send_reminders(pending), page)) is not None:
        return asked
    sent = send_reminders(today(), g.user)
    db.session.commit()
    if sent:
        count = len(sent)
        flash(
            f"{count} {plural(count, 'organisation relancée', 'organisations relancées')}.",
            "success",
        )
    else:
        flash(
            "Aucune relance à envoyer : chaque organisation en retard a déjà été relancée "
            "aujourd'hui.",
            "info",
        )
    return redirect(page, code=303)
