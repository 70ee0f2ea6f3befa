from __future__ import annotations

import pytest
from sqlalchemy import func, select
from stdnum.fr import siret

from portal.demo import DEMO_PASSWORD, ORGANISATIONS, USERS, DemoRefused, seed_demo
from portal.models import Organisation, OrgKind, User
from tests.factories import make_org


def test_seed_demo_loads_the_parties(app, db):
    counts = seed_demo()
    assert counts == {"organisations": len(ORGANISATIONS), "users": len(USERS)}
    names = set(db.session.scalars(select(Organisation.name)))
    assert "Sud-Ouest Emploi" in names
    for commune in ("Brignais", "Chaponost", "Vourles", "Millery", "Montagny"):
        assert f"Commune de {commune}" in names
    soe = db.session.scalars(
        select(Organisation).where(Organisation.name == "Sud-Ouest Emploi")
    ).one()
    assert soe.siret == "44023823600028"
    ccvg = db.session.scalars(select(Organisation).where(Organisation.name.like("%CCVG%"))).one()
    assert len(ccvg.members) == 5
    for org in db.session.scalars(select(Organisation).where(Organisation.siret.is_not(None))):
        assert siret.is_valid(org.siret), org.name
    structures = db.session.scalars(
        select(Organisation.structure_kind).where(Organisation.kind == "structure")
    ).all()
    assert sorted(structures) == ["ACI", "ETTI", "GEIQ"]
    orgs_without_users = db.session.scalar(
        select(func.count()).select_from(Organisation).where(~Organisation.users.any())
    )
    assert orgs_without_users == 0


def test_seed_demo_is_idempotent(app, db):
    seed_demo()
    assert seed_demo() == {"organisations": 0, "users": 0}
    assert db.session.scalar(select(func.count()).select_from(User)) == len(USERS)


def test_seed_demo_refuses_real_data(app):
    make_org(OrgKind.COMPANY, name="Vraie entreprise")
    with pytest.raises(DemoRefused):
        seed_demo()


def test_every_demo_login_works_and_banner_shows(app, db):
    seed_demo()
    for spec in USERS:
        client = app.test_client()
        assert (
            client.post_form(
                "/connexion", {"email": spec.email, "password": DEMO_PASSWORD}
            ).status_code
            == 303
        )
        assert "Instance de démonstration" in client.get("/").get_data(as_text=True)


def test_cli_seed_demo(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "Données de démonstration chargées" in result.output
    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "non rechargées" in again.output


def test_cli_seed_demo_refuses_real_data(app):
    make_org(OrgKind.COMPANY)
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "refuse" in result.output
