"""The statements' pages: templates, upload → preview → confirmation, the list (issue 10;
docs/adding-an-area.md §7)."""

import re
from datetime import date
from io import BytesIO
from pathlib import Path

from sqlalchemy import func, select

from portal.extensions import db as _db
from portal.models import AuditEvent, HourLine, HourStatement, OrgKind
from portal.statements import uploads
from portal.statements.reader import read_statement
from tests.conftest import text_of, words_of
from tests.factories import make_org, make_user
from tests.people.builders import amoi_user
from tests.statements.builders import csv_file, line_for, structure_placement

TOKEN_RE = re.compile(r'name="token" type="hidden" value="([^"]+)"')


def _count(model) -> int:
    return _db.session.scalar(select(func.count(model.id)))


def _upload(client, data: bytes, name: str = "releve.csv", **fields):
    return client.post_form(
        "/releves/depot",
        {"file": (BytesIO(data), name), **fields},
        content_type="multipart/form-data",
    )


def _token(response) -> str:
    match = TOKEN_RE.search(response.get_data(as_text=True))
    assert match, "the preview carries no confirmation form"
    return match.group(1)


def _waiting_files(app) -> list[Path]:
    folder = Path(app.config["STATEMENT_UPLOAD_FOLDER"])
    return list(folder.iterdir()) if folder.exists() else []


def test_the_templates_download_in_both_formats_and_read_back(app, db, login_as):
    client = login_as(make_user(make_org(OrgKind.STRUCTURE)))
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/releves/modele.{fmt}")
        assert response.status_code == 200
        assert "attachment" in response.headers["Content-Disposition"]
        [row] = read_statement(response.data, f"modele.{fmt}").rows
        assert (row.last_name, row.month) == ("EXEMPLE", date(2026, 3, 1))
    assert client.get("/releves/modele.pdf").status_code == 404


def test_a_file_with_a_bad_line_is_previewed_with_its_error_and_nothing_is_kept(app, db, login_as):
    placement = structure_placement()
    client = login_as(make_user(placement.employer))
    response = _upload(
        client, csv_file(line_for(placement), line_for(placement, "02/2027", hours="300"))
    )
    assert response.status_code == 422
    words = words_of(response)
    assert "1 ligne en erreur : rien n'a été enregistré" in words
    assert "300 h travaillées dans le mois" in words
    assert "Confirmer le dépôt" not in words
    assert _count(HourStatement) == 0 and _waiting_files(app) == []


def test_fixed_file_previews_then_confirmation_stores_it(app, db, login_as):
    placement = structure_placement()
    user = make_user(placement.employer)
    client = login_as(user)
    preview = _upload(client, csv_file(line_for(placement)))
    assert preview.status_code == 200
    words = words_of(preview)
    assert "1 ligne reconnue, 151,67 h au total" in words
    assert "Zoé LEFÈVRE-DUPONT" in words
    assert _count(HourStatement) == 0  # nothing before the confirmation
    assert len(_waiting_files(app)) == 1
    confirmed = client.post_form(
        "/releves/depot/confirmer",
        {"token": _token(preview), "organisation": str(placement.employer_id)},
    )
    assert confirmed.status_code == 303 and confirmed.location.endswith("/releves/")
    statement = _db.session.scalar(select(HourStatement))
    assert (statement.month, statement.status, statement.submitted_by_id) == (
        date(2027, 1, 1),
        "submitted",
        user.id,
    )
    assert _count(HourLine) == 1 and _waiting_files(app) == []
    event = _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "statement.submitted"))
    assert event.actor_id == user.id and "Lef" not in event.detail
    listing = words_of(client.get("/releves/"))
    assert "Janvier 2027" in listing and "Déposé" in listing and "1 ligne" in listing


def test_a_token_of_another_user_or_a_forged_path_stores_nothing(app, db, login_as):
    placement = structure_placement()
    owner = make_user(placement.employer)
    token = uploads.keep(owner.id, csv_file(line_for(placement)), "releve.csv")
    colleague = login_as(make_user(placement.employer))
    for forged in (token, "../../etc/passwd", f"../{owner.id}-{token}"):
        response = colleague.post_form(
            "/releves/depot/confirmer",
            {"token": forged, "organisation": str(placement.employer_id)},
        )
        assert response.status_code == 303 and response.location.endswith("/releves/depot")
    assert _count(HourStatement) == 0
    assert len(_waiting_files(app)) == 1  # the owner's file is untouched


def test_a_file_refused_whole_says_why(app, db, login_as):
    client = login_as(make_user(make_org(OrgKind.STRUCTURE)))
    response = _upload(client, b"%PDF-1.4 not a statement", "releve.csv")
    assert response.status_code == 422
    assert "PDF" in words_of(response)
    response = _upload(client, b"Nom;Prenom\nA;B\n")
    assert response.status_code == 422 and "colonne" in words_of(response).lower()


def test_the_amoi_uploads_for_a_structure_it_chooses(app, db, login_as):
    placement = structure_placement()
    client = login_as(amoi_user())
    page = client.get("/releves/depot")
    assert placement.employer.name in text_of(page)
    missing = _upload(client, csv_file(line_for(placement)))
    assert missing.status_code == 422
    assert "Choisissez la structure dont c'est le relevé." in words_of(missing)
    company = make_org(OrgKind.COMPANY)
    assert (
        _upload(client, csv_file(line_for(placement)), organisation=str(company.id)).status_code
        == 404
    )
    preview = _upload(
        client, csv_file(line_for(placement)), organisation=str(placement.employer_id)
    )
    assert preview.status_code == 200
    client.post_form(
        "/releves/depot/confirmer",
        {"token": _token(preview), "organisation": str(placement.employer_id)},
    )
    statement = _db.session.scalar(select(HourStatement))
    assert statement.organisation_id == placement.employer_id and statement.entered_by_amoi


def test_a_structure_sees_only_its_own_statements(app, db, login_as):
    placement = structure_placement()
    client = login_as(make_user(placement.employer))
    preview = _upload(client, csv_file(line_for(placement)))
    client.post_form(
        "/releves/depot/confirmer",
        {"token": _token(preview), "organisation": str(placement.employer_id)},
    )
    other = login_as(make_user(make_org(OrgKind.STRUCTURE)))
    listing = words_of(other.get("/releves/"))
    assert "Janvier 2027" not in listing
    assert "Aucun relevé d'heures n'a encore été déposé." in listing
    company = login_as(make_user(make_org(OrgKind.COMPANY)))
    assert "Déposer un relevé" not in words_of(company.get("/releves/"))
    assert company.get("/releves/depot").status_code == 403


def test_the_list_does_not_grow_its_queries_with_its_rows(app, db, login_as, assert_max_queries):
    from datetime import UTC, datetime

    from portal.statements import services

    placement = structure_placement(planned_end=None)
    user = make_user(placement.employer)
    rows = [line_for(placement, f"{month:02d}/2027") for month in range(1, 5)]
    result = services.preview(read_statement(csv_file(*rows), "r.csv"), placement.employer)
    services.submit(result, user, datetime(2027, 5, 2, tzinfo=UTC))
    _db.session.commit()
    client = login_as(user)
    client.get("/releves/")
    with assert_max_queries(12):
        response = client.get("/releves/")
    assert words_of(response).count("1 ligne") == 4


def test_a_statement_page_shows_its_lines_and_is_audited(app, db, login_as):
    placement = structure_placement()
    user = make_user(placement.employer)
    client = login_as(user)
    preview = _upload(client, csv_file(line_for(placement, training="7,5")))
    client.post_form(
        "/releves/depot/confirmer",
        {"token": _token(preview), "organisation": str(placement.employer_id)},
    )
    statement = _db.session.scalar(select(HourStatement))
    page = words_of(client.get(f"/releves/{statement.id}"))
    assert "Relevé d'heures de janvier 2027" in page
    assert "Zoé LEFÈVRE-DUPONT" in page
    assert "151,67 h, dont 7,5 h de formation, sur 1 ligne" in page
    viewed = _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "statement.viewed"))
    assert viewed.actor_id == user.id and viewed.object_id == str(statement.id)
    other = login_as(make_user(make_org(OrgKind.STRUCTURE)))
    assert other.get(f"/releves/{statement.id}").status_code == 404


def test_an_xlsx_statement_is_previewed_like_a_csv(app, db, login_as):
    from openpyxl import Workbook

    placement = structure_placement()
    book = Workbook()
    sheet = book.active
    sheet.append(["PRÉNOM", "nom", "Lot", "Date de naissance", "Mois", "Heures travaillées"])
    person = placement.participant
    sheet.append(
        [
            person.first_name,
            person.last_name,
            f"{placement.lot.market.reference} lot {placement.lot.number}",
            person.birth_date,
            "02/2027",
            120.5,
        ]
    )
    buffer = BytesIO()
    book.save(buffer)
    client = login_as(make_user(placement.employer))
    response = _upload(client, buffer.getvalue(), "paie-fevrier.xlsx")
    assert response.status_code == 200
    assert "1 ligne reconnue, 120,5 h au total" in words_of(response)
    _token(response)


def test_a_same_month_stored_meanwhile_answers_409_and_keeps_nothing(
    app, db, login_as, monkeypatch
):
    from sqlalchemy.exc import IntegrityError

    from portal.statements import services

    placement = structure_placement()
    client = login_as(make_user(placement.employer))
    preview = _upload(client, csv_file(line_for(placement)))
    real_submit = services.submit

    def racing_submit(result, user, now):
        real_submit(result, user, now)
        raise IntegrityError("INSERT INTO hour_statements", {}, Exception("unique"))

    monkeypatch.setattr(services, "submit", racing_submit)
    response = client.post_form(
        "/releves/depot/confirmer",
        {"token": _token(preview), "organisation": str(placement.employer_id)},
    )
    assert response.status_code == 409
    assert "Un autre relevé du même mois vient d'être enregistré" in words_of(response)
    assert _count(HourStatement) == 0 and _count(HourLine) == 0
