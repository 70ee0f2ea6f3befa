"""TCE shares in the upload (docs/domain.md §7.1): a placement on a subcontractor's share has
no lot; the *Lot* column names the share as the portal shows it, « <operation> – part TCE
<trade> »."""

from datetime import UTC, datetime
from io import BytesIO

import pytest

from portal.models import OrgKind
from portal.statements import services
from portal.statements.reader import read_statement
from tests.conftest import text_of
from tests.factories import make_org, make_user
from tests.people.builders import identity
from tests.statements.builders import csv_file
from tests.statements.grid_builders import direct_hire, make_share

NOW = datetime(2026, 10, 3, 9, 0, tzinfo=UTC)


def _share_placement(structure=None, share=None):
    company = make_org(OrgKind.COMPANY)
    share = share or make_share(company)
    structure = structure or make_org(OrgKind.STRUCTURE)
    placement = direct_hire(
        company,
        share=share,
        employer=structure,
        modality="temp_insertion",
        who=identity(last_name="Part", first_name="Tcé"),
    )
    return placement


def _row(placement, lot: str, month="09/2026", hours="120") -> str:
    person = placement.participant
    return f"{person.last_name};{person.first_name};{person.birth_date:%d/%m/%Y};{lot};{month};{hours};0"


@pytest.mark.parametrize(
    "written",
    [
        "Groupe scolaire des Tilleuls – part TCE Maçonnerie / gros œuvre",
        "GROUPE SCOLAIRE DES TILLEULS - PART TCE MACONNERIE GROS OEUVRE",
        "Groupe scolaire des Tilleuls TCE Maçonnerie / gros œuvre",
        "Groupe scolaire des Tilleuls Maçonnerie / gros œuvre",
    ],
)
def test_a_line_on_a_share_matches_its_placement(app, written):
    placement = _share_placement()
    assert placement.lot_id is None and placement.share_id is not None

    result = services.preview(
        read_statement(csv_file(_row(placement, written)), "releve.csv"), placement.employer
    )

    assert result.errors == []
    [line] = result.lines
    assert line.placement.id == placement.id
    assert services.target_label(placement) == (
        "Groupe scolaire des Tilleuls – part TCE Maçonnerie / gros œuvre"
    )


def test_another_share_or_a_share_not_carried_is_a_line_error(app):
    placement = _share_placement()
    other = make_share(make_org(OrgKind.COMPANY), name="Médiathèque")
    rows = (
        _row(placement, "Médiathèque – part TCE Maçonnerie / gros œuvre"),
        _row(placement, "Groupe scolaire des Tilleuls – part TCE Plomberie"),
    )

    result = services.preview(read_statement(csv_file(*rows), "releve.csv"), placement.employer)

    assert result.lines == [] and len(result.errors) == 2
    assert all("part TCE" in error.message for error in result.errors)
    assert other.id != placement.share_id


def test_a_share_statement_is_stored_and_shown(app, login_as):
    placement = _share_placement()
    user = make_user(placement.employer)
    result = services.preview(
        read_statement(
            csv_file(
                _row(placement, "Groupe scolaire des Tilleuls – part TCE Maçonnerie / gros œuvre")
            ),
            "releve.csv",
        ),
        placement.employer,
    )
    [statement] = services.submit(result, user, NOW)
    from portal.extensions import db

    db.session.commit()
    client = login_as(user)

    page = client.get(f"/releves/{statement.id}")
    preview = client.post_form(
        "/releves/depot",
        {
            "file": (
                BytesIO(
                    csv_file(
                        _row(
                            placement,
                            "Groupe scolaire des Tilleuls TCE Maçonnerie / gros œuvre",
                            month="08/2026",
                        )
                    )
                ),
                "releve.csv",
            )
        },
        content_type="multipart/form-data",
    )

    assert "Groupe scolaire des Tilleuls – part TCE Maçonnerie / gros œuvre" in text_of(page)
    assert preview.status_code == 200
    assert "Confirmer le dépôt" in text_of(preview)


def test_a_refusal_on_a_share_goes_to_its_operations_buyer(app, login_as):
    """A share has no lot: the buyer of its operation decides the refusal the AMOI proposes
    (convention art. 4), another buyer gets a 404, and nobody sees the person's name."""
    from portal.extensions import db
    from portal.models import HourLine
    from tests.conftest import CONFIRMED, outbox_messages, versioned
    from tests.factories import make_ccvg_with_communes
    from tests.people.builders import amoi_user

    _ccvg, (commune, other_commune) = make_ccvg_with_communes("Alpha", "Beta")
    company = make_org(OrgKind.COMPANY)
    share = make_share(company)
    share.operation.buyer = commune
    db.session.commit()
    placement = _share_placement(share=share)
    written = "Groupe scolaire des Tilleuls – part TCE Maçonnerie / gros œuvre"
    result = services.preview(
        read_statement(csv_file(_row(placement, written)), "releve.csv"), placement.employer
    )
    [statement] = services.submit(result, make_user(placement.employer), NOW)
    db.session.commit()
    [line] = statement.lines
    buyer = make_user(commune)
    amoi = login_as(amoi_user())
    before = set(outbox_messages(app))
    reason = "Heures hors de la période du chantier"
    proposed = amoi.post_form(
        f"/releves/{statement.id}/refus",
        versioned(statement, {"refuser": str(line.id), f"motif-{line.id}": reason, **CONFIRMED}),
    )
    assert proposed.status_code == 303
    notices = [m.read_bytes().decode() for m in outbox_messages(app) if m not in before]
    assert any(buyer.email in m for m in notices)

    db.session.expire_all()
    line = db.session.get(HourLine, line.id)
    outsider = login_as(make_user(other_commune))
    assert reason not in text_of(outsider.get("/releves/refus-a-decider"))
    denied = outsider.post_form(
        f"/releves/lignes/{line.id}/decision",
        versioned(line, {"decision": "confirmer", "commentaire": "Non", **CONFIRMED}),
    )
    assert denied.status_code == 404
    client = login_as(buyer)
    page = text_of(client.get("/releves/refus-a-decider"))
    assert reason in page and written in page and "Tcé" not in page
    decided = client.post_form(
        f"/releves/lignes/{line.id}/decision",
        versioned(line, {"decision": "ecarter", "commentaire": "Accepté", **CONFIRMED}),
    )
    assert decided.status_code == 303
    db.session.expire_all()
    assert db.session.get(HourLine, line.id).status == "validated"
