"""The AMOI's settings of the people area: harmonisation rules and referents (docs/domain.md
§5)."""

from __future__ import annotations

from decimal import Decimal

from flask import abort, flash, g, redirect, render_template, request, url_for

from portal.access import Role, allow
from portal.clock import today
from portal.extensions import db
from portal.people import bp
from portal.people import services as service
from portal.people.forms import (
    ReferentForm,
    RulesForm,
)
from portal.refusals import Refused
from portal.rules.eligibility import CRITERIA, HarmonisationRules
from portal.web.actions import perform
from portal.web.formflow import render_form, submitted_and_valid

# --- AMOI settings: harmonisation rules and referents ----------------------------------------


@bp.route("/personnes/regles", methods=["GET", "POST"])
@allow(Role.FACILITATOR, admin=True)
def rules():
    """Versions of the departmental harmonisation rules; a new one from a date."""
    _row, current = service.rules_on(today())
    form = RulesForm(
        data={
            "criteria": sorted(current.criteria),
            "proof_max_age_months": Decimal(current.proof_max_age_months),
            "eligibility_months": Decimal(current.eligibility_months),
            "cdi_cap_months": None
            if current.cdi_cap_months is None
            else Decimal(current.cdi_cap_months),
        }
        if request.method == "GET"
        else None
    )
    if submitted_and_valid(form):
        try:
            version = HarmonisationRules(
                effective_from=form.effective_from.data,
                criteria=frozenset(form.criteria.data),
                proof_max_age_months=int(form.proof_max_age_months.data),
                eligibility_months=int(form.eligibility_months.data),
                cdi_cap_months=int(form.cdi_cap_months.data)
                if form.cdi_cap_months.data is not None
                else None,
            )
            service.record_rules_version(g.user, version, (form.note.data or "").strip())
        except (Refused, ValueError) as refused:
            db.session.rollback()
            form.effective_from.errors = [*form.effective_from.errors, str(refused)]
        else:
            db.session.commit()
            flash("La nouvelle version des règles d'harmonisation est enregistrée.", "success")
            return redirect(url_for("people.rules"), code=303)
    return render_form(
        "people/rules.html",
        "people/_partials/_rules_form.html",
        form,
        versions=service.rules_versions(),
        current=current,
        criteria=CRITERIA,
    )


@bp.route("/personnes/referents", methods=["GET", "POST"])
@allow(Role.FACILITATOR)
def referents():
    """The AMOI's *référent unique* of each company and structure (convention annex 1 §1)."""
    orgs = service.declarers()
    users = service.amoi_users()
    if request.method == "POST":
        form = ReferentForm()
        form.validate()
        org_id = request.form.get("organisation", "")
        org = next((o for o in orgs if str(o.id) == org_id), None)
        if org is None:
            abort(404)
        raw = form.referent.data or ""

        def act():
            service.set_organisation_referent(org, g.user, int(raw) if raw.isdigit() else None)

        perform(org, act)
        flash(f"Le référent unique de {org.name} est enregistré.", "success")
        return redirect(url_for("people.referents"), code=303)
    current = service.organisation_referents()
    return render_template(
        "people/referents.html", orgs=orgs, users=users, current=current, form=ReferentForm()
    )
