"""Who sees which candidates (docs/domain.md §10): a prescriber only its own, a company only
those presented for the offers of its lots, buyers and structures nothing; every read
audited."""

from sqlalchemy import func, select

from portal.access import scoped
from portal.models import Application, AuditEvent, JobOffer, OrgKind
from tests.conftest import words_of
from tests.factories import make_org, make_user
from tests.recruitment.builders import candidate, make_application, make_offer


def _ids(model, user):
    from portal.extensions import db

    return set(db.session.scalars(scoped(model, user).with_only_columns(model.id)))


def test_a_prescriber_never_sees_another_prescribers_candidates(app, db, login_as):
    offer = make_offer()
    mine = make_application(offer, who=candidate(last_name="Martin"))
    theirs = make_application(offer, who=candidate(last_name="Bernard"))
    user = mine.prescriber and make_user(mine.prescriber)
    assert _ids(Application, user) == {mine.id}
    client = login_as(user)
    assert client.get(f"/candidats/{theirs.id}").status_code == 404
    assert client.get(f"/candidats/{theirs.id}/cv").status_code == 404
    listing = words_of(client.get("/mes-candidats"))
    assert "MARTIN" in listing and "BERNARD" not in listing
    offer_page = words_of(client.get(f"/offres/{offer.id}"))
    assert "MARTIN" in offer_page and "BERNARD" not in offer_page


def test_a_company_sees_only_candidates_presented_for_its_own_offers(app, db, login_as):
    company = make_org(OrgKind.COMPANY)
    offer = make_offer(company)
    received = make_application(offer, who=candidate(last_name="Recu"))
    presented = make_application(offer, stage="presented", who=candidate(last_name="Presente"))
    elsewhere = make_application(stage="presented", who=candidate(last_name="Ailleurs"))
    user = make_user(company)
    assert _ids(Application, user) == {presented.id}
    client = login_as(user)
    page = words_of(client.get(f"/offres/{offer.id}"))
    assert "PRESENTE" in page and "RECU" not in page
    assert client.get(f"/candidats/{received.id}").status_code == 404
    assert client.get(f"/candidats/{elsewhere.id}").status_code == 404
    assert client.get(f"/offres/{elsewhere.offer_id}").status_code == 404
    shown = client.get(f"/candidats/{presented.id}")
    assert shown.status_code == 200
    assert "Expérience sur chantier" in words_of(shown)  # the AMOI's note
    cv = client.get(f"/candidats/{presented.id}/cv")
    assert cv.status_code == 200 and cv.headers["Cache-Control"] == "no-store"


def test_a_candidate_set_aside_before_presentation_stays_hidden_from_the_company(app, db):
    company = make_org(OrgKind.COMPANY)
    offer = make_offer(company)
    make_application(offer, stage="not_retained")
    assert _ids(Application, make_user(company)) == set()


def test_buyers_and_structures_see_no_offer_and_no_candidate(app, db, login_as):
    application = make_application(stage="presented")
    for kind in (OrgKind.BUYER, OrgKind.STRUCTURE):
        user = make_user(make_org(kind))
        assert _ids(Application, user) == set()
        assert _ids(JobOffer, user) == set()
        client = login_as(user)
        assert client.get("/offres/").status_code == 403
        assert client.get(f"/candidats/{application.id}").status_code == 403


def test_a_prescriber_sees_open_offers_not_drafts(app, db, login_as):
    open_offer = make_offer(title="Poste ouvert")
    draft = make_offer(status="draft", title="Poste en brouillon")
    user = make_user(make_org(OrgKind.PRESCRIBER))
    assert _ids(JobOffer, user) == {open_offer.id}
    page = words_of(login_as(user).get("/offres/"))
    assert "Poste ouvert" in page and "Poste en brouillon" not in page
    assert login_as(user).get(f"/offres/{draft.id}").status_code == 404


def test_every_read_of_a_candidate_is_audited(app, db, login_as):
    from portal.extensions import db as sa

    application = make_application(stage="presented")
    client = login_as(make_user(application.prescriber))
    client.get(f"/candidats/{application.id}")
    client.get(f"/candidats/{application.id}/cv")
    actions = set(
        sa.session.scalars(
            select(AuditEvent.action).where(AuditEvent.object_id == str(application.id))
        )
    )
    assert {"application.viewed", "application.cv_downloaded"} <= actions
    details = sa.session.scalars(select(AuditEvent.detail)).all()
    assert not any(application.last_name in (d or "") for d in details)
    assert sa.session.scalar(select(func.count(AuditEvent.id))) > 0


def test_the_lists_make_no_query_per_row(app, db, login_as, assert_max_queries):
    offer = make_offer()
    for n in range(12):
        make_application(offer, who=candidate(last_name=f"Nombre{n}"), cv=None)
    for _ in range(6):
        make_offer()
    amoi = login_as(make_user(make_org(OrgKind.FACILITATOR)))
    with assert_max_queries(12):
        assert amoi.get("/offres/").status_code == 200
    with assert_max_queries(14):
        assert amoi.get(f"/offres/{offer.id}/candidats").status_code == 200
    prescriber = login_as(make_user(db.session.get(Application, 1).prescriber))
    with assert_max_queries(12):
        assert prescriber.get("/mes-candidats").status_code == 200
