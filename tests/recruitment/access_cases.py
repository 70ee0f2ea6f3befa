"""Access expectations of pre-recruitment (tests/security): who may call each endpoint,
what another organisation's object answers, and what each admitted persona really does."""

from datetime import date

from sqlalchemy import select

from portal.extensions import db
from portal.models import Application, JobOffer, OrgKind, Role
from portal.recruitment import services
from tests.conftest import text_of
from tests.factories import make_org
from tests.people.builders import amoi_user
from tests.recruitment.builders import make_application, make_offer
from tests.security.registry import (
    ActCase,
    CrossOrgCase,
    acts,
    cross_org,
    exempt_cross_org,
    expect,
    versioned,
)

READERS = (Role.FACILITATOR, Role.COMPANY, Role.PRESCRIBER)
expect(
    "recruitment.index",
    "recruitment.show",
    "recruitment.sheet",
    "recruitment.application",
    "recruitment.cv",
    roles=READERS,
)
expect("recruitment.create", roles=(Role.FACILITATOR, Role.COMPANY))
expect("recruitment.retain", "recruitment.reject", roles=(Role.FACILITATOR, Role.COMPANY))
expect("recruitment.propose", "recruitment.feedback", roles=(Role.FACILITATOR, Role.PRESCRIBER))
expect("recruitment.mine", roles=(Role.PRESCRIBER,))
expect(
    "recruitment.offer_status",
    "recruitment.diffuse",
    "recruitment.board",
    "recruitment.sessions",
    "recruitment.create_session",
    "recruitment.session",
    "recruitment.preselect",
    "recruitment.present",
    roles=(Role.FACILITATOR,),
)
exempt_cross_org(
    "the AMOI alone opens, diffuses and closes offers, runs the board, preselects, presents "
    "and holds the information sessions (docs/domain.md §10); other roles get 403",
    "recruitment.offer_status",
    "recruitment.diffuse",
    "recruitment.board",
    "recruitment.session",
    "recruitment.preselect",
    "recruitment.present",
)


def _offer_state(offer_id):
    return lambda: db.session.execute(
        select(JobOffer.status, JobOffer.version).where(JobOffer.id == offer_id)
    ).one()


def _application_state(application_id):
    return lambda: db.session.execute(
        select(Application.status, Application.version, Application.feedback_at).where(
            Application.id == application_id
        )
    ).one()


def _count_applications():
    return lambda: db.session.scalar(select(db.func.count(Application.id)))


# --- cross-organisation cases ----------------------------------------------------------------


@cross_org("recruitment.show", "recruitment.sheet")
def company_reads_another_companys_offer(world):
    offer = make_offer(world.other_company)
    return CrossOrgCase(world.users["company"], {"offer_id": offer.id}, _offer_state(offer.id))


@cross_org("recruitment.show", "recruitment.sheet", "recruitment.propose")
def prescriber_reads_a_draft_offer(world):
    offer = make_offer(world.company, status="draft")
    return CrossOrgCase(world.users["prescriber"], {"offer_id": offer.id}, _count_applications())


@cross_org("recruitment.application", "recruitment.cv", "recruitment.feedback")
def prescriber_reads_another_prescribers_candidate(world):
    application = make_application(
        make_offer(world.company), world.other_prescriber, user=world.others["prescriber"]
    )
    return CrossOrgCase(
        world.users["prescriber"],
        {"application_id": application.id},
        _application_state(application.id),
    )


@cross_org("recruitment.application", "recruitment.cv", "recruitment.retain", "recruitment.reject")
def company_reads_a_candidate_not_yet_presented(world):
    application = make_application(make_offer(world.company), world.prescriber, stage="preselected")
    return CrossOrgCase(
        world.users["company"],
        {"application_id": application.id},
        _application_state(application.id),
    )


@cross_org("recruitment.application", "recruitment.cv", "recruitment.retain", "recruitment.reject")
def company_reads_another_companys_presented_candidate(world):
    application = make_application(
        make_offer(world.other_company), world.prescriber, stage="presented"
    )
    return CrossOrgCase(
        world.users["company"],
        {"application_id": application.id},
        _application_state(application.id),
    )


# --- admitted personas act on real objects ---------------------------------------------------


def _reachable_application(world, persona, stage="presented"):
    """An application the persona may reach: its company's offer, its prescriber's
    candidate (presented, so that the company sees it too)."""
    offer = make_offer(world.company)
    return make_application(
        offer,
        world.prescriber,
        user=world.users["prescriber"],
        stage=stage,
        who=services.Candidate(
            "Lefèvre-Vidal",
            "Inès",
            date(1988, 3, 2),
            "F",
            "Foix",
            "09000",
            True,
            "none",
            ("rsa",),
            "Claire Référente",
            "referente@ml.example",
        ),
    )


@acts("recruitment.show", "recruitment.sheet")
def an_open_offer_of_the_companys_lot(world, persona):
    offer = make_offer(world.company, title="Coffreur bancheur")
    return ActCase(
        {"offer_id": offer.id},
        check=lambda r: r.mimetype == "application/pdf" or "Coffreur bancheur" in text_of(r),
    )


@acts("recruitment.propose")
def the_form_to_position_a_candidate(world, persona):
    offer = make_offer(world.company)
    return ActCase({"offer_id": offer.id}, check=lambda r: "Positionner" in text_of(r))


@acts("recruitment.application")
def a_presented_candidate(world, persona):
    application = _reachable_application(world, persona)
    return ActCase(
        {"application_id": application.id},
        check=lambda r: "LEFÈVRE-VIDAL" in text_of(r),
    )


@acts("recruitment.cv")
def the_cv_of_a_presented_candidate(world, persona):
    application = _reachable_application(world, persona)
    return ActCase(
        {"application_id": application.id},
        check=lambda r: (
            r.headers.get("Cache-Control") == "no-store" and r.data.startswith(b"%PDF-")
        ),
    )


@acts("recruitment.feedback")
def the_feedback_form_after_the_mission(world, persona):
    application = _reachable_application(world, persona)
    application.feedback_requested_at = application.created_at
    db.session.commit()
    return ActCase({"application_id": application.id}, check=lambda r: "Bilan" in text_of(r))


@acts("recruitment.retain", method="POST")
def the_company_retains_a_presented_candidate(world, persona):
    application = _reachable_application(world, persona)
    application_id = application.id
    return ActCase(
        {"application_id": application_id},
        data=versioned(application),
        check=lambda r: db.session.get(Application, application_id).candidacy_id is not None,
    )


@acts("recruitment.reject", method="POST")
def the_company_does_not_retain_a_presented_candidate(world, persona):
    application = _reachable_application(world, persona)
    application_id = application.id
    return ActCase(
        {"application_id": application_id},
        data=versioned(application, reason="availability", detail=""),
        check=lambda r: db.session.get(Application, application_id).status == "not_retained",
    )


@acts("recruitment.offer_status", method="POST")
def the_amoi_opens_a_draft_offer(world, persona):
    offer = make_offer(world.company, status="draft")
    offer_id = offer.id
    return ActCase(
        {"offer_id": offer_id},
        data=versioned(offer, action="open"),
        check=lambda r: db.session.get(JobOffer, offer_id).status == "open",
    )


@acts("recruitment.diffuse")
def the_diffusion_form(world, persona):
    make_org(OrgKind.PRESCRIBER, name="Mission locale de Foix", contact_email="ml@foix.example")
    offer = make_offer(world.company)
    return ActCase({"offer_id": offer.id}, check=lambda r: "Mission locale de Foix" in text_of(r))


@acts("recruitment.board")
def the_board_of_an_offer(world, persona):
    application = _reachable_application(world, persona, stage="received")
    return ActCase(
        {"offer_id": application.offer_id}, check=lambda r: "LEFÈVRE-VIDAL" in text_of(r)
    )


@acts("recruitment.session")
def an_information_session(world, persona):
    application = _reachable_application(world, persona, stage="received")
    info = services.create_session(
        amoi_user(),
        held_on=date(2026, 12, 15),
        starts_at="09:30",
        place="Maison de l'emploi, Foix",
        note="",
        offers=[application.offer],
        applications=[application],
    )
    db.session.commit()
    return ActCase({"session_id": info.id}, check=lambda r: "LEFÈVRE-VIDAL" in text_of(r))


@acts("recruitment.preselect", method="POST")
def the_amoi_preselects(world, persona):
    application = _reachable_application(world, persona, stage="received")
    application_id = application.id
    return ActCase(
        {"application_id": application_id},
        data=versioned(application, interview_on="04/12/2026", outcome="Motivé"),
        check=lambda r: db.session.get(Application, application_id).status == "preselected",
    )
