"""Proofs: checked by their first bytes, stored outside static/ under a random name,
served to the AMOI only, deleted once it decides; hostile files refused with nothing
written (docs/domain.md §5)."""

import hashlib
from io import BytesIO
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.models import CandidacyCriterion
from tests.conftest import versioned, words_of
from tests.people.builders import JPEG, PDF, PNG, amoi_user, make_candidacy


def _folder(app) -> Path:
    return Path(app.config["PEOPLE_PROOF_FOLDER"])


def _files(app) -> list[Path]:
    folder = _folder(app)
    return sorted(folder.iterdir()) if folder.exists() else []


def _upload(client, candidacy, data: bytes, name: str, code: str = "rsa"):
    return client.post_form(
        f"/candidatures/{candidacy.id}/justificatifs",
        {
            "code": code,
            "proof_type": "Attestation CAF",
            "proof_date": "01/12/2026",
            "file": (BytesIO(data), name),
        },
        content_type="multipart/form-data",
    )


def _declarer_client(login_as, candidacy):
    return login_as(candidacy.submitted_by)


@pytest.mark.parametrize(
    ("data", "name"), [(PDF, "attestation-caf.pdf"), (PNG, "scan.png"), (JPEG, "photo.jpg")]
)
def test_a_proof_is_stored_under_a_random_name_outside_static(app, db, login_as, data, name):
    candidacy = make_candidacy()
    response = _upload(_declarer_client(login_as, candidacy), candidacy, data, name)
    assert response.status_code == 303, words_of(response)[:1500]
    row = db.session.scalars(
        select(CandidacyCriterion).where(CandidacyCriterion.code == "rsa")
    ).one()
    (stored,) = _files(app)
    assert stored.name == row.proof_file and name not in stored.name  # no part of the name sent
    assert "static" not in stored.parts
    assert stored.read_bytes() == data
    assert row.proof_sha256 == hashlib.sha256(data).hexdigest()
    assert (stored.stat().st_mode & 0o777) == 0o600


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"MZ\x90\x00 this is a program", "attestation.pdf", "ni un PDF, ni une image"),
        (b"<html><script>alert(1)</script></html>", "scan.png", "ni un PDF, ni une image"),
        (b"", "vide.pdf", "Le fichier est vide"),
        (b"%PDF-" + b"x" * 2048, "gros.pdf", "dépasse la taille maximale"),
    ],
    ids=["renamed-executable", "html-as-png", "empty", "oversized"],
)
def test_hostile_uploads_are_refused_and_nothing_is_written(app, db, login_as, data, name, message):
    app.config["PEOPLE_PROOF_MAX_BYTES"] = 1024
    candidacy = make_candidacy()
    response = _upload(_declarer_client(login_as, candidacy), candidacy, data, name)
    assert response.status_code == 422
    assert message in words_of(response)
    assert _files(app) == []
    row = db.session.scalars(select(CandidacyCriterion)).one()
    assert row.proof_file is None and row.proof_sha256 is None


def test_an_rqth_proof_is_never_stored(app, db, login_as):
    candidacy = make_candidacy(criteria=("disabled_worker",))
    response = _upload(
        _declarer_client(login_as, candidacy), candidacy, PDF, "mdph.pdf", "disabled_worker"
    )
    assert response.status_code == 422
    assert "jamais déposée" in words_of(response)
    assert _files(app) == []


def test_only_the_amoi_downloads_a_proof_as_an_uncached_attachment(app, db, login_as):
    candidacy = make_candidacy()
    _upload(_declarer_client(login_as, candidacy), candidacy, PDF, "a.pdf")
    row = db.session.scalars(select(CandidacyCriterion)).one()
    url = f"/candidatures/{candidacy.id}/justificatifs/{row.id}"
    assert _declarer_client(login_as, candidacy).get(url).status_code == 403
    response = login_as(amoi_user()).get(url)
    assert response.status_code == 200
    assert response.data == PDF
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "no-store" in response.headers["Cache-Control"]
    assert response.mimetype == "application/pdf"


def test_the_proof_folder_is_empty_once_the_amoi_decides(app, db, login_as):
    candidacy = make_candidacy(criteria=("rsa", "qpv_resident"))
    declarer = _declarer_client(login_as, candidacy)
    _upload(declarer, candidacy, PDF, "caf.pdf")
    _upload(declarer, candidacy, PNG, "facture.png", "qpv_resident")
    assert len(_files(app)) == 2
    hashes = {hashlib.sha256(PDF).hexdigest(), hashlib.sha256(PNG).hexdigest()}
    amoi = amoi_user()
    response = login_as(amoi).post_form(
        f"/candidatures/{candidacy.id}/decision",
        versioned(
            candidacy,
            {"outcome": "eligible", "retained": ["rsa"], "countable_hours": "143"},
        ),
    )
    assert response.status_code == 303, words_of(response)[:1500]
    assert _files(app) == []
    rows = db.session.scalars(select(CandidacyCriterion)).all()
    assert {r.proof_sha256 for r in rows} == hashes
    assert all(r.proof_file is None and r.proof_deleted_at for r in rows)
    assert all(r.checked_by_id == amoi.id and r.proof_date for r in rows)
    assert {r.code: r.retained for r in rows} == {"rsa": True, "qpv_resident": False}


def test_a_refused_decision_keeps_the_proofs(app, db, login_as):
    candidacy = make_candidacy()
    _upload(_declarer_client(login_as, candidacy), candidacy, PDF, "caf.pdf")
    response = login_as(amoi_user()).post_form(
        f"/candidatures/{candidacy.id}/decision",
        versioned(candidacy, {"outcome": "ineligible", "reason": ""}),
    )
    assert response.status_code == 422
    assert len(_files(app)) == 1


def test_no_upload_once_decided(app, db, login_as):
    from tests.people.builders import decide

    candidacy = make_candidacy()
    decide(candidacy)
    response = _upload(_declarer_client(login_as, candidacy), candidacy, PDF, "a.pdf")
    assert response.status_code == 409
    assert _files(app) == []
