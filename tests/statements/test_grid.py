"""The company's typed grid (issue 10, « Submitting »; docs/domain.md §7): its rows, every
check inline and on save, draft → submit → reopen, validated read-only, 409 on a stale
page, scoping company ↔ company, the AMOI on a company's behalf."""

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.extensions import db as _db
from portal.models import AuditEvent, HourLine, HourStatement, OrgKind
from portal.models.base import utcnow
from portal.refusals import Refused
from portal.statements import grid as grids
from tests.conftest import CONFIRMED, text_of, words_of
from tests.factories import make_lot, make_org, make_user
from tests.people.builders import amoi_user, identity
from tests.statements.builders import structure_placement
from tests.statements.grid_builders import MONTH, direct_hire, grid_form, make_share


def _statement(company, month=MONTH):
    return _db.session.scalar(
        select(HourStatement).where(
            HourStatement.organisation_id == company.id, HourStatement.month == month
        )
    )


def _check(company, month=MONTH, **typed):
    values = {int(pid): (h, t) for pid, (h, t) in typed.items()}
    return grids.check(company, month, values)


# --- services ------------------------------------------------------------------------------


def test_one_row_per_direct_hire_active_in_the_month_on_lots_and_shares(app):
    company = make_org(OrgKind.COMPANY)
    on_lot = direct_hire(company)
    share = make_share(company)
    on_share = direct_hire(company, share=share)
    ended = direct_hire(company, start_date=date(2026, 6, 15), planned_end=date(2026, 7, 31))
    later = direct_hire(company, start_date=date(2026, 10, 5), planned_end=None)
    structure = make_org(OrgKind.STRUCTURE)
    carried = structure_placement(structure, lot=make_lot(holder=company))
    other = direct_hire(make_org(OrgKind.COMPANY))

    ids = {row.id for row in grids.grid(company, MONTH).rows}

    assert ids == {on_lot.id, on_share.id}
    assert later.id in {row.id for row in grids.grid(company, date(2026, 10, 1)).rows}
    assert ended.id in {row.id for row in grids.grid(company, date(2026, 7, 1)).rows}
    assert carried.id not in ids and other.id not in ids
    [share_row] = [row for row in grids.grid(company, MONTH).rows if row.id == on_share.id]
    assert share_row.target == "Groupe scolaire des Tilleuls – part TCE Maçonnerie / gros œuvre"


@pytest.mark.parametrize(
    ("hours", "training", "expected"),
    [
        ("abc", "", "Heures travaillées : « abc » n'est pas un nombre"),
        ("12,345", "", "plus de 2 décimales"),
        ("-3", "", "Les heures travaillées sont négatives"),
        ("251", "", "au-delà des 250 h possibles"),
        ("10", "12", "Les heures de formation (12 h) dépassent les heures travaillées (10 h)"),
        ("", "7", "Indiquez les heures travaillées"),
        ("10", "-1", "Les heures de formation sont négatives"),
    ],
)
def test_each_line_check_shows_on_its_row(app, hours, training, expected):
    company = make_org(OrgKind.COMPANY)
    placement = direct_hire(company)

    result = _check(company, **{str(placement.id): (hours, training)})

    [row] = result.rows
    assert any(expected in problem for problem in row.problems), row.problems
    assert not result.ok
    assert row.hours_text == hours and row.training_text == training


def test_a_month_outside_the_eligibility_is_refused_on_its_row(app):
    company = make_org(OrgKind.COMPANY)
    placement = direct_hire(company, start_date=date(2026, 6, 15), planned_end=date(2026, 9, 30))
    placement.decision.eligible_until = date(2026, 8, 31)  # the eligibility ended in August
    _db.session.commit()

    result = _check(company, **{str(placement.id): ("100", "")})

    assert any("en dehors de la validité de l'éligibilité" in p for p in result.rows[0].problems)


def test_a_cdi_past_its_countable_months_is_refused_on_its_row(app):
    company = make_org(OrgKind.COMPANY)
    placement = direct_hire(company, contract_type="cdi", planned_end=None)
    placement.start_date = date(2024, 1, 8)  # started long before: past its 12 months
    placement.decision.eligible_from = date(2024, 1, 1)
    placement.decision.eligible_until = date(2027, 12, 31)
    _db.session.commit()

    result = _check(company, **{str(placement.id): ("100", "")})

    assert any("premiers mois d'un CDI" in p for p in result.rows[0].problems)


def test_one_person_on_two_lots_stays_within_250_hours_in_total(app):
    company = make_org(OrgKind.COMPANY)
    who = identity(last_name="Double", first_name="Lot", birth_date=date(1988, 3, 4))
    first = direct_hire(company, who=who)
    second = direct_hire(company, who=who)
    assert first.participant_id == second.participant_id

    within = _check(company, **{str(first.id): ("120", ""), str(second.id): ("130", "")})
    beyond = _check(company, **{str(first.id): ("120", ""), str(second.id): ("131", "")})

    assert within.ok
    assert not beyond.ok
    assert all("totalise 251 h" in row.problems[0] for row in beyond.rows)


def test_empty_rows_store_no_line_and_a_draft_keeps_the_rest(app):
    company = make_org(OrgKind.COMPANY)
    typed, empty = direct_hire(company), direct_hire(company)
    user = make_user(company)

    result = _check(company, **{str(typed.id): ("151,67", "7"), str(empty.id): ("", "")})
    statement = grids.save(result, user, utcnow(), submit=False)
    _db.session.commit()

    assert (statement.status, statement.source, statement.entered_by_amoi) == (
        "draft",
        "typed",
        False,
    )
    [line] = statement.lines
    assert (line.placement_id, line.hours, line.training_hours, line.status) == (
        typed.id,
        Decimal("151.67"),
        Decimal("7"),
        "draft",
    )


def test_a_grid_with_errors_stores_nothing(app):
    company = make_org(OrgKind.COMPANY)
    placement = direct_hire(company)
    result = _check(company, **{str(placement.id): ("300", "")})

    with pytest.raises(Refused):
        grids.save(result, make_user(company), utcnow(), submit=True)
    _db.session.rollback()

    assert _statement(company) is None


def test_submit_reopen_and_resubmit_replace_the_lines_then_validated_is_final(app):
    company = make_org(OrgKind.COMPANY)
    placement = direct_hire(company)
    user = make_user(company)
    key = str(placement.id)

    grids.save(_check(company, **{key: ("100", "")}), user, utcnow(), submit=True)
    _db.session.commit()
    statement = _statement(company)
    assert statement.status == "submitted" and statement.submitted_by_id == user.id
    version = statement.version

    grids.save(_check(company, **{key: ("90", "")}), user, utcnow(), submit=False)
    _db.session.commit()
    assert statement.status == "draft" and statement.version > version
    assert [line.hours for line in statement.lines] == [Decimal(90)]

    grids.save(_check(company, **{key: ("80", "")}), user, utcnow(), submit=True)
    _db.session.commit()
    assert statement.status == "submitted"
    assert _db.session.scalars(select(HourLine.hours)).all() == [Decimal(80)]
    actions = _db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type == "HourStatement")
    ).all()
    assert actions == ["statement.submitted", "statement.reopened", "statement.submitted"]

    statement.status = "validated"
    _db.session.commit()
    result = _check(company, **{key: ("70", "")})
    assert not result.editable
    with pytest.raises(Refused, match="ne peut plus être modifié"):
        grids.save(result, user, utcnow(), submit=True)


def test_the_amoi_typing_is_recorded(app):
    company = make_org(OrgKind.COMPANY)
    placement = direct_hire(company)
    statement = grids.save(
        _check(company, **{str(placement.id): ("35", "")}), amoi_user(), utcnow(), submit=True
    )
    assert statement.entered_by_amoi is True


def test_months_to_type(app):
    today = date(2026, 12, 3)
    assert grids.default_month(today) == date(2026, 11, 1)
    assert grids.month_problem(date(2026, 12, 1), today) is None
    assert "pas encore commencé" in grids.month_problem(date(2027, 1, 1), today)
    assert grids.parse_month("2026-03") == date(2026, 3, 1)
    assert grids.parse_month("03/2026") == date(2026, 3, 1)
    assert grids.parse_month("2026-13") is None
    assert grids.parse_month("mars") is None


# --- pages ---------------------------------------------------------------------------------


def test_the_company_sees_its_grid_and_the_view_is_audited(app, login_as):
    company = make_org(OrgKind.COMPANY)
    placement = direct_hire(company)
    other = direct_hire(make_org(OrgKind.COMPANY))
    client = login_as(make_user(company))

    page = client.get(f"/releves/saisie?mois={MONTH:%Y-%m}")

    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert f'name="hours-{placement.id}"' in body
    assert f'name="hours-{other.id}"' not in body
    assert other.participant.last_name.upper() not in body
    assert "Enregistrer le brouillon" in words_of(page) and "Transmettre" in words_of(page)
    assert _db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "statement.grid_viewed")
    )


def test_a_future_month_is_refused(app, login_as):
    company = make_org(OrgKind.COMPANY)
    client = login_as(make_user(company))

    page = client.get("/releves/saisie?mois=2099-01")

    assert page.status_code == 422
    assert "n'est pas encore commencé" in text_of(page)


def test_the_inline_check_answers_each_rows_problems_out_of_band(app, login_as):
    company = make_org(OrgKind.COMPANY)
    wrong, right = direct_hire(company), direct_hire(company)
    client = login_as(make_user(company))

    answer = client.post_form(
        "/releves/saisie/verifier",
        grid_form(**{f"hours_{wrong.id}": "10", f"training_{wrong.id}": "12"}),
        htmx=True,
    )

    assert answer.status_code == 200
    body = answer.get_data(as_text=True)
    assert f'id="problems-{wrong.id}"' in body and f'id="problems-{right.id}"' in body
    assert 'hx-swap-oob="true"' in body
    assert "dépassent les heures travaillées" in body
    assert "1 erreur à corriger" in words_of(answer)
    assert _statement(company) is None


def test_save_with_an_error_brings_back_the_typed_values(app, login_as):
    company = make_org(OrgKind.COMPANY)
    wrong, right = direct_hire(company), direct_hire(company)
    client = login_as(make_user(company))

    page = client.post_form(
        "/releves/saisie",
        grid_form(
            action="draft",
            **{
                f"hours_{wrong.id}": "260",
                f"hours_{right.id}": "42,5",
                f"training_{right.id}": "3",
            },
        ),
    )

    assert page.status_code == 422
    body = page.get_data(as_text=True)
    assert 'value="42,5"' in body and 'value="260"' in body and 'value="3"' in body
    assert "au-delà des 250 h possibles" in text_of(page)
    assert _statement(company) is None


def test_draft_then_confirmed_submission(app, login_as):
    company = make_org(OrgKind.COMPANY)
    placement = direct_hire(company)
    client = login_as(make_user(company))
    values = {f"hours_{placement.id}": "151,67"}

    saved = client.post_form("/releves/saisie", grid_form(action="draft", **values))
    assert saved.status_code == 303
    statement = _statement(company)
    assert statement.status == "draft" and len(statement.lines) == 1

    asked = client.post_form(
        "/releves/saisie", grid_form(version=statement.version, action="submit", **values)
    )
    assert asked.status_code == 200
    assert "l'AMOI, qui va les valider" in text_of(asked)
    assert "une fois validé, il ne pourra plus être modifié" in text_of(asked)
    _db.session.refresh(statement)
    assert statement.status == "draft"

    done = client.post_form(
        "/releves/saisie",
        grid_form(version=statement.version, action="submit", **values, **CONFIRMED),
    )
    assert done.status_code == 303
    _db.session.refresh(statement)
    assert statement.status == "submitted"
    shown = client.get(done.location)
    assert "transmis" in text_of(shown) and 'value="151,67"' in shown.get_data(as_text=True)


def test_the_dialogs_confirmation_alone_submits(app, login_as):
    company = make_org(OrgKind.COMPANY)
    placement = direct_hire(company)
    client = login_as(make_user(company))

    done = client.post_form(
        "/releves/saisie", grid_form(**{f"hours_{placement.id}": "35"}, **CONFIRMED)
    )

    assert done.status_code == 303
    assert _statement(company).status == "submitted"


def test_a_stale_page_answers_409(app, login_as):
    company = make_org(OrgKind.COMPANY)
    placement = direct_hire(company)
    client = login_as(make_user(company))
    values = {f"hours_{placement.id}": "35"}
    client.post_form("/releves/saisie", grid_form(action="draft", **values))
    statement = _statement(company)

    without_version = client.post_form("/releves/saisie", grid_form(action="draft", **values))
    older = client.post_form(
        "/releves/saisie", grid_form(version=statement.version - 1, action="draft", **values)
    )

    assert without_version.status_code == 409 and older.status_code == 409
    assert "modifié" in text_of(older)


def test_a_validated_month_is_read_only(app, login_as):
    company = make_org(OrgKind.COMPANY)
    placement = direct_hire(company)
    client = login_as(make_user(company))
    client.post_form(
        "/releves/saisie",
        grid_form(action="submit", **{f"hours_{placement.id}": "35"}, **CONFIRMED),
    )
    statement = _statement(company)
    statement.status = "validated"
    _db.session.commit()

    page = client.get(f"/releves/saisie?mois={MONTH:%Y-%m}")
    write = client.post_form(
        "/releves/saisie",
        grid_form(version=statement.version, action="draft", **{f"hours_{placement.id}": "1"}),
    )

    assert page.status_code == 200
    assert "ne peut plus être modifié" in text_of(page)
    assert f'name="hours-{placement.id}"' not in page.get_data(as_text=True)
    assert write.status_code == 409
    assert [line.hours for line in statement.lines] == [Decimal(35)]


def test_a_company_cannot_type_for_another_company(app, login_as):
    company, other = make_org(OrgKind.COMPANY), make_org(OrgKind.COMPANY)
    theirs = direct_hire(other)
    client = login_as(make_user(company))

    # the organisation field is the AMOI's: a company always types its own grid
    answer = client.post_form(
        "/releves/saisie",
        grid_form(organisation=other, action="draft", **{f"hours_{theirs.id}": "35"}),
    )

    assert answer.status_code == 303
    assert _statement(other) is None
    mine = _statement(company)
    assert mine is not None and mine.lines == []


def test_a_structure_cannot_use_the_grid(app, login_as):
    structure = make_org(OrgKind.STRUCTURE)
    client = login_as(make_user(structure))

    assert client.get("/releves/saisie").status_code == 403
    assert client.post_form("/releves/saisie", grid_form(action="draft")).status_code == 403


def test_the_amoi_types_on_a_companys_behalf(app, login_as):
    company = make_org(OrgKind.COMPANY)
    placement = direct_hire(company)
    client = login_as(amoi_user())

    choose = client.get("/releves/saisie")
    page = client.get(f"/releves/saisie?mois={MONTH:%Y-%m}&organisation={company.id}")
    done = client.post_form(
        "/releves/saisie",
        grid_form(
            organisation=company, action="submit", **{f"hours_{placement.id}": "35"}, **CONFIRMED
        ),
    )
    structure = make_org(OrgKind.STRUCTURE)
    not_a_company = client.get(f"/releves/saisie?organisation={structure.id}")

    assert "Choisissez l'entreprise" in text_of(choose)
    assert f'name="hours-{placement.id}"' in page.get_data(as_text=True)
    assert done.status_code == 303
    assert _statement(company).entered_by_amoi is True
    assert not_a_company.status_code == 404


def test_the_upload_form_shows_its_progress_and_still_posts_without_javascript(app, login_as):
    client = login_as(make_user(make_org(OrgKind.STRUCTURE)))

    page = client.get("/releves/depot")

    body = page.get_data(as_text=True)
    assert 'method="post"' in body and 'enctype="multipart/form-data"' in body
    assert 'hx-indicator="#upload-reading"' in body and 'id="upload-reading"' in body
    assert "Lecture du fichier…" in body
    assert 'hx-disabled-elt="find button[type=submit]"' in body


def test_a_company_never_sees_another_companys_statement_of_the_month(app, login_as):
    company, other = make_org(OrgKind.COMPANY), make_org(OrgKind.COMPANY)
    mine = direct_hire(company)
    theirs = direct_hire(other)
    grids.save(
        _check(other, **{str(theirs.id): ("77", "")}), make_user(other), utcnow(), submit=True
    )
    _db.session.commit()
    their_statement = _statement(other)
    client = login_as(make_user(company))

    page = client.get(f"/releves/saisie?mois={MONTH:%Y-%m}")

    body = page.get_data(as_text=True)
    assert f'name="hours-{mine.id}"' in body
    assert f"/releves/{their_statement.id}" not in body and 'value="77"' not in body
    assert re.search(r'name="version"\s+value=""', body)
    assert client.get(f"/releves/{their_statement.id}").status_code == 404
