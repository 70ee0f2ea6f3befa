"""Avenants of the convention and the payee block, kept by facilitator admins."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from portal.admin.settings_forms import BillingForm
from portal.convention.payee import PAYEE_FIELDS
from portal.convention.periods import convention_periods
from portal.models import Amendment, AuditEvent, OrgKind, Setting
from tests.conftest import HTMX, text_of
from tests.factories import make_admin, make_user

AVENANT = {
    "reference": "Avenant n°1",
    "label": "Renouvellement de la convention 2025-2027",
    "signed_on": "16/12/2024",
    "period_start": "2025-01-01",
    "period_end": "31/12/2027",
    "note": "Signé par le président de la CCVG.",
}
# Fictitious: bank code 99999 does not exist; the check digits are valid.
IBAN = "FR76 9999 9000 0000 0000 0000 130"
PAYEE = {
    "payee_name": "Sud-Ouest Emploi",
    "payee_address": "Saint-Genis-Laval (69230)",
    "payee_siret": "440 238 236 00028",
    "payee_vat_regime": "not_subject",
    "payee_vat_number": "",
    "payee_vat": "TVA non applicable",
    "payee_iban": IBAN.replace(" ", ""),
    "payee_bic": "agrifrpp",
    "payee_contact": "facturation@sud-ouest-emploi.example",
}


def _amendment(**overrides) -> Amendment:
    from portal.extensions import db

    values = {
        "reference": "Avenant n°1",
        "label": "Renouvellement 2025-2027",
        "period_start": date(2025, 1, 1),
        "period_end": date(2027, 12, 31),
        "note": "",
    }
    values.update(overrides)
    amendment = Amendment(**values)
    db.session.add(amendment)
    db.session.commit()
    return amendment


def _events(db, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# --- avenants ---------------------------------------------------------------------------


def test_admin_creates_an_avenant(login_as, db):
    client = login_as(make_admin())
    response = client.post_form("/admin/avenants/nouveau", AVENANT)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/admin/avenants")
    amendment = db.session.scalars(select(Amendment)).one()
    assert amendment.reference == "Avenant n°1"
    assert amendment.signed_on == date(2024, 12, 16)
    assert (amendment.period_start, amendment.period_end) == (date(2025, 1, 1), date(2027, 12, 31))
    assert amendment.note == "Signé par le président de la CCVG."
    [event] = _events(db, "amendment.created")
    assert event.object_type == "Amendment" and event.object_id == str(amendment.id)
    assert event.detail.startswith("fields=") and "reference" in event.detail
    assert "Avenant" not in event.detail and "2025" not in event.detail  # names, not values
    page = text_of(client.get("/admin/avenants"))
    assert "Avenant n°1" in page and "31/12/2027" in page
    assert "Convention cadre de coopération 2022-2024" in page  # the convention's own period


def test_admin_edits_an_avenant(login_as, db):
    client = login_as(make_admin())
    amendment = _amendment()
    form = text_of(client.get(f"/admin/avenants/{amendment.id}/modifier"))
    assert 'value="Avenant n°1"' in form and 'value="2027-12-31"' in form
    response = client.post_form(
        f"/admin/avenants/{amendment.id}/modifier",
        {**AVENANT, "period_end": "2027-06-30", "signed_on": ""},
    )
    assert response.status_code == 303
    db.session.refresh(amendment)
    assert amendment.period_end == date(2027, 6, 30) and amendment.signed_on is None
    [event] = _events(db, "amendment.updated")
    fields = set(event.detail.removeprefix("fields=").split(","))
    assert {"period_end", "label", "note"} <= fields and "reference" not in fields
    assert "2027" not in event.detail


def test_unchanged_avenant_is_not_audited(login_as, db):
    client = login_as(make_admin())
    amendment = _amendment(signed_on=None)
    response = client.post_form(
        f"/admin/avenants/{amendment.id}/modifier",
        {
            "reference": "Avenant n°1",
            "label": "Renouvellement 2025-2027",
            "period_start": "01/01/2025",
            "period_end": "31/12/2027",
        },
    )
    assert response.status_code == 303
    assert _events(db, "amendment.updated") == []


def test_end_before_start_is_refused_in_french(login_as, db):
    client = login_as(make_admin())
    response = client.post_form(
        "/admin/avenants/nouveau",
        {**AVENANT, "period_start": "2025-01-01", "period_end": "2024-12-31"},
    )
    assert response.status_code == 422
    assert "La fin de la période doit être postérieure ou égale à son début." in text_of(response)
    assert db.session.scalar(select(func.count()).select_from(Amendment)) == 0


def test_duplicate_reference_is_refused(login_as, db):
    client = login_as(make_admin())
    _amendment(reference="Avenant n°1")
    other = _amendment(
        reference="Avenant n°2", period_start=date(2028, 1, 1), period_end=date(2030, 12, 31)
    )
    response = client.post_form("/admin/avenants/nouveau", {**AVENANT, "reference": "avenant n°1"})
    assert response.status_code == 422
    assert "Un avenant porte déjà cette référence." in text_of(response)
    renamed = client.post_form(f"/admin/avenants/{other.id}/modifier", {**AVENANT})
    assert renamed.status_code == 422
    assert "Un avenant porte déjà cette référence." in text_of(renamed)
    # Its own reference is not a duplicate of itself.
    kept = client.post_form(
        f"/admin/avenants/{other.id}/modifier", {**AVENANT, "reference": "Avenant n°2"}
    )
    assert kept.status_code == 303


def test_missing_fields_and_bad_dates_are_refused_in_french(login_as, db):
    client = login_as(make_admin())
    response = client.post_form(
        "/admin/avenants/nouveau", {"reference": "", "label": "", "signed_on": "32/13/2024"}
    )
    assert response.status_code == 422
    html = text_of(response)
    assert "Le formulaire contient des erreurs" in html
    assert "Saisissez la référence de l'avenant." in html
    assert "Saisissez l'intitulé de la période." in html
    assert "Saisissez le début de la période." in html
    assert "Saisissez la fin de la période." in html
    assert "Cette date n'est pas valide. Saisissez-la au format jj/mm/aaaa." in html
    assert db.session.scalar(select(func.count()).select_from(Amendment)) == 0


def test_inline_validation_answers_the_form_without_saving(login_as, db):
    client = login_as(make_admin())
    _amendment()
    response = client.post_form(
        "/admin/avenants/nouveau",
        {"reference": "Avenant n°1", "_validate": "reference"},
        htmx=True,
    )
    assert response.status_code == 200
    html = text_of(response)
    assert "<html" not in html
    assert "Un avenant porte déjà cette référence." in html
    assert "Saisissez le début de la période." not in html  # untouched fields stay quiet
    assert db.session.scalar(select(func.count()).select_from(Amendment)) == 1


def test_htmx_submit_redirects(login_as, db):
    client = login_as(make_admin())
    response = client.post_form("/admin/avenants/nouveau", AVENANT, htmx=True)
    assert response.headers.get("HX-Redirect", "").endswith("/admin/avenants")


def test_renewal_prefill_follows_the_convention(login_as):
    client = login_as(make_admin())
    html = text_of(client.get("/admin/avenants/nouveau"))
    assert "Proposer un renouvellement" in html and "renouvellement=1" in html
    html = text_of(client.get("/admin/avenants/nouveau?renouvellement=1"))
    assert 'value="2025-01-01"' in html and 'value="2027-12-31"' in html
    assert 'value="Avenant n°1"' in html
    assert "Période proposée : du 01/01/2025 au 31/12/2027" in html
    assert "Convention cadre de coopération 2022-2024" in html


def test_renewal_prefill_follows_the_last_avenant(login_as):
    client = login_as(make_admin())
    _amendment()
    html = text_of(client.get("/admin/avenants/nouveau?renouvellement=1"))
    assert 'value="2028-01-01"' in html and 'value="2030-12-31"' in html
    assert 'value="Avenant n°2"' in html


def test_renewal_of_a_period_of_odd_length_is_not_proposed(login_as):
    client = login_as(make_admin())
    _amendment(period_end=date(2027, 12, 15))
    response = client.get("/admin/avenants/nouveau?renouvellement=1")
    assert response.status_code == 200
    assert "ne couvre pas un nombre entier de mois" in text_of(response)


def test_list_says_whether_today_is_covered(login_as, monkeypatch):
    client = login_as(make_admin())
    monkeypatch.setattr("portal.admin.settings.today", lambda: date(2026, 11, 25))
    assert "Aucune période de la convention ne couvre le 25/11/2026" in text_of(
        client.get("/admin/avenants")
    )
    _amendment()
    html = text_of(client.get("/admin/avenants"))
    assert "Le 25/11/2026 est couvert par" in html and "Renouvellement 2025-2027" in html
    assert "/admin/facturation" in html  # the billing page is linked from here


def test_convention_periods_include_the_avenant(app):
    amendment = _amendment()
    periods = convention_periods()
    assert [p.start for p in periods] == [date(2022, 1, 1), date(2025, 1, 1)]
    assert periods[-1].amendment == "Avenant n°1"
    assert periods[-1].code == f"amendment_{amendment.id}"


def test_edit_unknown_avenant_is_404(login_as):
    assert login_as(make_admin()).get("/admin/avenants/999999/modifier").status_code == 404


@pytest.mark.parametrize(
    "url", ["/admin/avenants", "/admin/avenants/nouveau", "/admin/facturation"]
)
def test_non_admins_are_refused(login_as, db, url):
    facilitator = make_user(kind=OrgKind.FACILITATOR)
    assert login_as(facilitator).get(url).status_code == 403
    assert login_as(make_user(kind=OrgKind.BUYER)).get(url).status_code == 403
    if url != "/admin/avenants":  # the list answers GET only
        buyer = login_as(make_user(kind=OrgKind.BUYER))
        assert buyer.post_form(url, AVENANT | PAYEE).status_code == 403
        assert login_as(facilitator).post_form(url, AVENANT | PAYEE).status_code == 403
        assert db.session.scalar(select(func.count()).select_from(Amendment)) == 0
        assert db.session.scalar(select(func.count()).select_from(Setting)) == 0


def test_non_admin_cannot_edit_an_avenant(login_as, db):
    amendment = _amendment()
    client = login_as(make_user(kind=OrgKind.FACILITATOR))
    url = f"/admin/avenants/{amendment.id}/modifier"
    assert client.get(url).status_code == 403
    assert client.post_form(url, {**AVENANT, "label": "Changé"}).status_code == 403
    db.session.refresh(amendment)
    assert amendment.label == "Renouvellement 2025-2027"


def test_nav_link_only_for_admins(login_as):
    admin_page = text_of(login_as(make_admin()).get("/"))
    assert "Avenants et facturation" in admin_page
    facilitator = make_user(kind=OrgKind.FACILITATOR)
    assert "Avenants et facturation" not in text_of(login_as(facilitator).get("/"))


# --- payee block --------------------------------------------------------------------------


def test_billing_form_covers_every_payee_field(app):
    with app.test_request_context():
        form = BillingForm()
    assert set(PAYEE_FIELDS) <= set(form._fields)
    for key, label in PAYEE_FIELDS.items():
        assert form[key].label.text == label


def test_billing_settings_are_saved_and_displayed(login_as, db):
    client = login_as(make_admin())
    response = client.post_form("/admin/facturation", PAYEE)
    assert response.status_code == 303
    stored = dict(db.session.execute(select(Setting.key, Setting.value)).all())
    assert stored["payee_siret"] == "44023823600028"
    assert stored["payee_iban"] == IBAN
    assert stored["payee_bic"] == "AGRIFRPP"
    assert stored["payee_name"] == "Sud-Ouest Emploi"
    html = text_of(client.get("/admin/facturation"))
    assert IBAN in html and "AGRIFRPP" in html and "Saint-Genis-Laval (69230)" in html
    [event] = _events(db, "settings.payee_updated")
    keys = set(event.detail.removeprefix("keys=").split(","))
    assert keys == set(PAYEE_FIELDS) - {"payee_vat_number"}  # left empty: not subject to VAT
    assert stored["payee_vat_regime"] == "not_subject"
    assert "FR76" not in event.detail and "AGRI" not in event.detail  # never values


def test_billing_settings_update_existing_rows(login_as, db):
    db.session.add(Setting(key="payee_bic", value="AGRIFRPP"))
    db.session.add(Setting(key="payee_name", value="Ancien nom"))
    db.session.commit()
    client = login_as(make_admin())
    form = text_of(client.get("/admin/facturation"))
    assert 'value="Ancien nom"' in form
    assert client.post_form("/admin/facturation", PAYEE).status_code == 303
    assert db.session.get(Setting, "payee_name").value == "Sud-Ouest Emploi"
    [event] = _events(db, "settings.payee_updated")
    assert "payee_name" in event.detail and "payee_bic" not in event.detail
    # Saving the same values again changes nothing and writes no audit line.
    assert client.post_form("/admin/facturation", PAYEE).status_code == 303
    assert len(_events(db, "settings.payee_updated")) == 1
    assert db.session.scalar(select(func.count()).select_from(Setting)) == len(PAYEE_FIELDS) - 1


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("payee_iban", "FR7699999000000000000000131", "la clé de contrôle est fausse"),
        ("payee_iban", "FR76999990000000", "Un IBAN français comporte 27 caractères"),
        ("payee_iban", "12 3456", "n'a pas le bon format"),
        ("payee_bic", "AGRI", "Le BIC doit comporter 8 ou 11 caractères."),
        ("payee_bic", "1GRIFRPP", "Ce BIC n'a pas le bon format"),
        ("payee_bic", "AGRIXXPP", "Le code pays de ce BIC"),
        ("payee_siret", "44023823600029", "la clé de contrôle est fausse"),
        ("payee_siret", "4402382360", "Le SIRET doit comporter 14 chiffres."),
        ("payee_name", "", "Saisissez la raison sociale."),
        ("payee_vat", "", "sans TVA, la facture doit dire pourquoi"),
        ("payee_vat_number", "FR00999000003", "numéro de TVA intracommunautaire n'est pas valide"),
        ("payee_vat_regime", "exonere", "pas un choix valide"),
    ],
)
def test_bad_payee_values_are_refused_in_french(login_as, db, key, value, message):
    client = login_as(make_admin())
    response = client.post_form("/admin/facturation", {**PAYEE, key: value})
    assert response.status_code == 422
    assert message in text_of(response)
    assert db.session.scalar(select(func.count()).select_from(Setting)) == 0
    assert _events(db, "settings.payee_updated") == []


def test_a_payee_subject_to_vat_gives_its_vat_number(login_as, db):
    client = login_as(make_admin())
    subject = {**PAYEE, "payee_vat_regime": "subject", "payee_vat": ""}
    refused = client.post_form("/admin/facturation", subject)
    assert refused.status_code == 422
    assert "Saisissez le numéro de TVA intracommunautaire" in text_of(refused)
    saved = client.post_form(
        "/admin/facturation", {**subject, "payee_vat_number": "fr 42 999000003"}
    )
    assert saved.status_code == 303
    assert db.session.get(Setting, "payee_vat_number").value == "FR42999000003"
    assert db.session.get(Setting, "payee_vat_regime").value == "subject"


def test_billing_inline_validation_is_a_fragment(login_as):
    client = login_as(make_admin())
    response = client.post_form(
        "/admin/facturation", {"payee_iban": "FR00", "_validate": "payee_iban"}, headers=HTMX
    )
    assert response.status_code == 200
    html = text_of(response)
    assert "<html" not in html and 'id="field-payee_iban"' in html
    assert "IBAN" in html and "Saisissez la raison sociale." not in html


def test_audit_page_labels_the_new_actions(login_as):
    client = login_as(make_admin())
    client.post_form("/admin/avenants/nouveau", AVENANT)
    client.post_form("/admin/facturation", PAYEE)
    html = text_of(client.get("/admin/journal"))
    assert "Avenant enregistré" in html
    assert "Coordonnées de facturation modifiées" in html


# --- an avenant's price grid (issue 8) ---------------------------------------------------------

GRID_FIELDS = {
    "has_grid": "y",
    "day_rate": "550",
    "bracket1_max": "455",
    "bracket1_days": "1,5",
    "bracket1_amount": "825",
    "bracket2_max": "1820",
    "bracket2_days": "2,5",
    "bracket2_amount": "1375",
    "bracket3_max": "3640",
    "bracket3_days": "4",
    "bracket3_amount": "2200",
    "award_criterion_days": "2",
    "calibration": "250",
    "sourcing": "200",
    "dce_support": "250",
    "analysis": "500",
    "kickoff": "500",
    "reserved_annual_amount": "1000",
    "pilotage_days": "3",
}


def test_an_avenant_brings_a_grid_used_from_its_start_then_locked(app, db, login_as):
    from decimal import Decimal

    from portal.models import QuoteKind
    from portal.quotes import services as service
    from tests.factories import make_org
    from tests.quotes.builders import priced_operation

    admin = make_admin()
    client = login_as(admin)
    holes = client.post_form(
        "/admin/avenants/nouveau", {**AVENANT, **GRID_FIELDS, "bracket2_max": "400"}
    )
    assert holes.status_code == 422 and "Grille incohérente" in text_of(holes)
    created = client.post_form("/admin/avenants/nouveau", {**AVENANT, **GRID_FIELDS})
    assert created.status_code == 303
    amendment = db.session.scalars(select(Amendment)).one()
    assert amendment.grid_from == date(2025, 1, 1)  # empty: the avenant's start
    assert "Nouvelle grille à partir du 01/01/2025" in text_of(client.get("/admin/avenants"))
    operation = priced_operation(make_org(OrgKind.BUYER), hours=(300,))
    quote = service.create_quote(
        kind=QuoteKind.OPERATION, quote_date=date(2025, 5, 5), user=admin, operation=operation
    )
    assert quote.total == Decimal("825.00")
    service.submit(quote, admin)
    db.session.commit()
    assert "Avenant n°1 – grille du 01/01/2025" in text_of(client.get(f"/devis/{quote.id}"))
    locked = client.post_form(
        f"/admin/avenants/{amendment.id}/modifier", {**AVENANT, **GRID_FIELDS, "day_rate": "600"}
    )
    assert locked.status_code == 422
    assert f"déjà servi au devis {quote.number}" in text_of(locked)
