"""The recruitment flow through its services and pages: the machines, the candidacy created
when the company retains, the outbox messages (diffusion, outcomes, post-mission
feedback), the CV checks and their deletion."""

from datetime import date
from decimal import Decimal
from email import message_from_bytes, policy

import pytest
from sqlalchemy import select

from portal.extensions import db as sa
from portal.models import Application, AuditEvent, Candidacy, OfferDiffusion, OrgKind
from portal.people import proofs
from portal.people import services as people
from portal.recruitment import services
from portal.refusals import Refused
from portal.rules.workflow import TransitionNotAllowed
from tests.conftest import CONFIRMED, outbox_messages, versioned, words_of
from tests.factories import make_org, make_user
from tests.people.builders import PDF, PNG, amoi_user
from tests.recruitment.builders import candidate, make_application, make_offer


def _mails(app):
    return [message_from_bytes(p.read_bytes(), policy=policy.default) for p in outbox_messages(app)]


def test_the_company_retains_and_the_candidacy_is_created_without_typing_again(app, db):
    application = make_application(stage="presented", who=candidate(last_name="Durand"))
    company_user = make_user(application.offer.lot.holder)
    candidacy = services.retain(application, company_user, date(2026, 12, 5))
    sa.session.commit()
    assert application.status == "hired"
    assert application.candidacy_id == candidacy.id
    assert candidacy.status == "pending"
    assert candidacy.declarer_id == application.offer.lot.holder_id
    assert candidacy.lot_id == application.offer.lot_id
    assert candidacy.participant.last_name == "Durand"
    assert candidacy.participant.birth_date == application.birth_date
    assert candidacy.modality == "direct_hire"
    assert candidacy.weekly_hours == Decimal("35")
    assert candidacy.referent_organisation == application.prescriber.name
    assert [c.code for c in candidacy.criteria] == ["rsa"]


def test_the_machine_refuses_to_skip_a_stage(app, db):
    application = make_application()
    with pytest.raises(TransitionNotAllowed):
        services.present(application, amoi_user(), note="Trop tôt")
    with pytest.raises(TransitionNotAllowed):
        services.retain(application, amoi_user(), date(2026, 12, 5))


def test_a_company_cannot_set_aside_a_candidate_not_presented(app, db):
    application = make_application(stage="preselected")
    company_user = make_user(application.offer.lot.holder)
    with pytest.raises(Refused):
        services.reject(application, company_user, reason="profile", detail="")


def test_the_other_reason_needs_a_free_text(app, db):
    application = make_application()
    with pytest.raises(Refused):
        services.reject(application, amoi_user(), reason="other", detail=" ")
    with pytest.raises(Refused):
        services.reject(application, amoi_user(), reason="unknown", detail="x")


def test_nobody_is_positioned_on_a_draft_or_closed_offer(app, db):
    for status in ("draft", "filled", "cancelled"):
        offer = make_offer(status=status)
        prescriber = make_org(OrgKind.PRESCRIBER)
        with pytest.raises(Refused):
            services.propose(offer, make_user(prescriber), prescriber, candidate())


def test_the_referent_is_told_at_each_outcome_never_with_the_name(app, db):
    application = make_application(stage="presented", who=candidate(last_name="Zidane"))
    services.reject(application, amoi_user(), reason="availability", detail="Parti en formation")
    sa.session.commit()
    to_referent = [m for m in _mails(app) if m["To"] == "referente@ml.example"]
    subjects = [m["Subject"] for m in to_referent]
    assert any(s.endswith("bien reçue") for s in subjects)
    assert any(s.endswith("présélectionnée") for s in subjects)
    assert any(s.endswith("présentée à l'entreprise") for s in subjects)
    assert any(s.endswith("non retenue") for s in subjects)
    last = next(m for m in to_referent if m["Subject"].endswith("non retenue"))
    assert "Indisponibilité du candidat" in last.get_content()
    for message in _mails(app):
        assert "Zidane" not in message.get_content() and "ZIDANE" not in message["Subject"]


def test_the_company_is_told_when_a_candidate_is_presented(app, db):
    application = make_application(stage="preselected")
    company_user = make_user(application.offer.lot.holder)
    services.present(application, amoi_user(), note="Solide")
    sa.session.commit()
    assert any(company_user.email in m["To"] for m in _mails(app))


def test_diffusion_sends_the_offer_with_its_pdf_and_records_whom_and_when(app, db, login_as):
    offer = make_offer()
    ml = make_org(OrgKind.PRESCRIBER, name="Mission locale Foix", contact_email="ml@foix.example")
    geiq = make_org(OrgKind.STRUCTURE, structure_kind="GEIQ", contact_email="geiq@btp.example")
    amoi = login_as(amoi_user())
    page = amoi.get(f"/offres/{offer.id}/diffusion")
    assert "Mission locale Foix" in words_of(page)
    response = amoi.post_form(
        f"/offres/{offer.id}/diffusion",
        versioned(offer, {"organisations": [str(ml.id), str(geiq.id)]}),
    )
    assert response.status_code == 303
    rows = sa.session.scalars(select(OfferDiffusion).order_by(OfferDiffusion.id)).all()
    assert [(r.organisation_id, r.email) for r in rows] == [
        (ml.id, "ml@foix.example"),
        (geiq.id, "geiq@btp.example"),
    ]
    assert all(r.sent_at is not None for r in rows)
    mails = [m for m in _mails(app) if "Offre d'emploi" in m["Subject"]]
    assert {m["To"] for m in mails} == {"ml@foix.example", "geiq@btp.example"}
    attachments = list(mails[0].iter_attachments())
    assert attachments[0].get_filename() == f"offre-{offer.id}.pdf"
    assert attachments[0].get_content().startswith(b"%PDF-")
    shown = words_of(amoi.get(f"/offres/{offer.id}"))
    assert "Mission locale Foix (ml@foix.example) – envoyée le" in shown


def test_a_draft_offer_is_not_diffused(app, db):
    offer = make_offer(status="draft")
    ml = make_org(OrgKind.PRESCRIBER, contact_email="ml@foix.example")
    with pytest.raises(Refused):
        services.diffuse(offer, amoi_user(), [ml], b"%PDF-")


def test_a_cv_must_be_a_pdf_checked_by_its_content(app, db):
    offer = make_offer()
    prescriber = make_org(OrgKind.PRESCRIBER)
    with pytest.raises(Refused, match="PDF"):
        services.propose(offer, make_user(prescriber), prescriber, candidate(), cv=PNG)
    sa.session.rollback()
    assert sa.session.scalar(select(sa.func.count(Application.id))) == 0
    assert list(proofs.folder().iterdir()) == []


def _closed(application, action, closed_on):
    offer = application.offer
    services.change_offer(offer, amoi_user(), action, closed_on)
    sa.session.commit()


def test_cvs_are_deleted_six_months_after_the_offer_closes(app, db):
    gone = make_application(who=candidate(last_name="Ancien"))
    kept = make_application()
    still_open = make_application()
    _closed(gone, "fill", date(2026, 5, 1))
    _closed(kept, "cancel", date(2026, 11, 1))
    path = proofs.path_of(gone.cv_file)
    assert path is not None
    runner = app.test_cli_runner()
    result = runner.invoke(args=["anonymise-expired"])
    assert result.exit_code == 0, result.output
    assert f"CV et identité effacés (n° {gone.id})" in result.output
    db.session.expire_all()
    gone = db.session.get(Application, gone.id)
    assert gone.cv_file is None and gone.last_name == "" and gone.birth_date is None
    assert gone.anonymised_at is not None and gone.cv_deleted_at is not None
    assert gone.status == "received" and gone.birth_year == 1995
    assert not path.exists()
    assert db.session.get(Application, kept.id).cv_file is not None
    assert db.session.get(Application, still_open.id).cv_file is not None
    again = runner.invoke(args=["anonymise-expired"])
    assert "CV et identité effacés" not in again.output
    assert (
        db.session.scalar(
            select(sa.func.count(AuditEvent.id)).where(
                AuditEvent.action == "application.anonymised"
            )
        )
        == 1
    )


def test_the_retention_reads_the_setting(app, db):
    application = make_application()
    _closed(application, "fill", date(2026, 5, 1))
    app.config["RECRUITMENT_CV_RETENTION_MONTHS"] = 12
    app.test_cli_runner().invoke(args=["anonymise-expired"])
    db.session.expire_all()
    assert db.session.get(Application, application.id).cv_file is not None


def test_the_end_of_the_mission_asks_the_referent_for_feedback(app, db, login_as):
    application = make_application(stage="hired")
    candidacy = application.candidacy
    amoi = amoi_user()
    people.decide(
        candidacy,
        amoi,
        date(2026, 12, 6),
        eligible=True,
        retained=["rsa"],
        countable_hours=Decimal("300"),
        reason="",
    )
    placement = people.hire(
        candidacy,
        amoi,
        contract_type="cdd",
        start_date=date(2026, 12, 7),
        planned_end=None,
        weekly_hours=Decimal("35"),
    )
    sa.session.commit()
    people.end_placement(
        placement, amoi, day=date(2027, 3, 31), exit_kind="job_seeking", duration_months=None
    )
    sa.session.commit()
    asked = [m for m in _mails(app) if m["Subject"].endswith("bilan de fin de mission")]
    assert len(asked) == 1 and asked[0]["To"] == "referente@ml.example"
    assert f"/candidats/{application.id}/bilan" in asked[0].get_content()
    client = login_as(make_user(application.prescriber))
    response = client.post_form(
        f"/candidats/{application.id}/bilan",
        {"progress": "Autonome sur le chantier", "obstacles": "Mobilité"},
    )
    assert response.status_code == 303
    db.session.expire_all()
    saved = db.session.get(Application, application.id)
    assert saved.feedback_progress == "Autonome sur le chantier" and saved.feedback_at


def test_the_company_answers_retained_through_the_page(app, db, login_as):
    application = make_application(stage="presented")
    client = login_as(make_user(application.offer.lot.holder))
    asked = client.post_form(f"/candidats/{application.id}/retenir", versioned(application))
    assert asked.status_code == 200 and "Retenir le candidat" in words_of(asked)
    assert db.session.get(Application, application.id).status == "presented"
    done = client.post_form(
        f"/candidats/{application.id}/retenir", versioned(application, CONFIRMED)
    )
    assert done.status_code == 303
    db.session.expire_all()
    assert (
        db.session.scalar(select(Candidacy.id))
        == db.session.get(Application, application.id).candidacy_id
    )


def test_a_stale_page_is_refused(app, db, login_as):
    application = make_application()
    amoi = login_as(amoi_user())
    response = amoi.post_form(
        f"/candidats/{application.id}/preselection",
        {"version": str(application.version - 1), "interview_on": "04/12/2026", "outcome": "x"},
    )
    assert response.status_code == 409


def test_a_prescriber_positions_a_candidate_with_a_cv(app, db, login_as):
    import io

    offer = make_offer()
    prescriber = make_org(OrgKind.PRESCRIBER)
    client = login_as(make_user(prescriber))
    data = {
        "last_name": "Petit",
        "first_name": "Léa",
        "birth_date": "12/04/1999",
        "sex": "F",
        "commune": "Foix",
        "postal_code": "09000",
        "qualification": "level_3",
        "criteria": ["rsa"],
        "referent_name": "Jo Ref",
        "referent_email": "jo@ml.example",
        "cv": (io.BytesIO(PDF), "cv.pdf"),
    }
    response = client.post_form(
        f"/offres/{offer.id}/candidats/nouveau", data, content_type="multipart/form-data"
    )
    assert response.status_code == 303, words_of(response)[:500]
    application = db.session.scalar(select(Application))
    assert application.prescriber_id == prescriber.id and application.cv_file
    bad = client.post_form(
        f"/offres/{offer.id}/candidats/nouveau",
        {**data, "cv": (io.BytesIO(b"not a pdf"), "cv.pdf"), "last_name": "Autre"},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422 and "PDF" in words_of(bad)


def test_the_board_filters_by_stage_with_htmx(app, db, login_as):
    offer = make_offer()
    make_application(offer, who=candidate(last_name="Recu"))
    make_application(offer, stage="preselected", who=candidate(last_name="Choisi"))
    amoi = login_as(amoi_user())
    page = amoi.get(
        f"/offres/{offer.id}/candidats?etape=preselected", headers={"HX-Request": "true"}
    )
    text = words_of(page)
    assert "<html" not in page.get_data(as_text=True)
    assert "CHOISI" in text and "RECU" not in text


def test_a_company_writes_an_offer_for_its_own_lot_only_and_the_amoi_opens_it(app, db, login_as):
    from tests.factories import make_lot

    amoi_account = amoi_user()
    company = make_org(OrgKind.COMPANY)
    own, other = make_lot(holder=company), make_lot(holder=make_org(OrgKind.COMPANY))
    client = login_as(make_user(company))
    form = {
        "title": "Peintre",
        "trade_label": "Peintre en bâtiment",
        "posts": "1",
        "contract_type": "cdd",
        "weekly_hours": "35",
        "place": "Brignais",
    }
    refused = client.post_form("/offres/nouvelle", {**form, "lot": str(other.id)})
    assert refused.status_code == 422
    assert "Choisissez un lot dont vous êtes titulaire" in words_of(refused)
    created = client.post_form("/offres/nouvelle", {**form, "lot": str(own.id)})
    assert created.status_code == 303
    from portal.models import JobOffer

    offer = sa.session.scalar(select(JobOffer))
    assert offer.status == "draft" and offer.author_id == company.id
    assert any(m["Subject"] == f"Offre d'emploi n° {offer.id} à vérifier" for m in _mails(app))
    assert (
        client.post_form(
            f"/offres/{offer.id}/etat", versioned(offer, {"action": "open"})
        ).status_code
        == 403
    )
    amoi = login_as(amoi_account)
    opened = amoi.post_form(
        f"/offres/{offer.id}/etat", versioned(offer, {"action": "open", **CONFIRMED})
    )
    assert opened.status_code == 303
    sa.session.expire_all()
    assert sa.session.get(JobOffer, offer.id).status == "open"


def test_an_information_session_gathers_invited_candidates_and_their_attendance(app, db, login_as):
    from portal.models import InfoSession

    offer = make_offer()
    first = make_application(offer, who=candidate(last_name="Venu"))
    second = make_application(offer, who=candidate(last_name="Absent"))
    amoi = login_as(amoi_user())
    form = amoi.get("/offres/informations-collectives/nouvelle")
    assert "VENU" in words_of(form)
    missing = amoi.post_form(
        "/offres/informations-collectives/nouvelle",
        {"held_on": "15/12/2026", "starts_at": "09h30", "place": "Foix"},
    )
    assert missing.status_code == 422 and "Choisissez au moins une offre" in words_of(missing)
    created = amoi.post_form(
        "/offres/informations-collectives/nouvelle",
        {
            "held_on": "15/12/2026",
            "starts_at": "09h30",
            "place": "Maison de l'emploi, Foix",
            "offers": [str(offer.id)],
            "invited": [str(first.id), str(second.id)],
        },
    )
    assert created.status_code == 303
    info = sa.session.scalar(select(InfoSession))
    assert info.starts_at == "09:30" and len(info.invites) == 2
    present = next(i for i in info.invites if i.application_id == first.id)
    saved = amoi.post_form(
        f"/offres/informations-collectives/{info.id}", {"present": [str(present.id)]}
    )
    assert saved.status_code == 303
    sa.session.expire_all()
    attended = {i.application_id: i.attended for i in sa.session.get(InfoSession, info.id).invites}
    assert attended == {first.id: True, second.id: False}
    assert (
        login_as(make_user(first.prescriber)).get("/offres/informations-collectives").status_code
        == 403
    )


def test_erasing_a_hired_person_erases_its_application_and_cv_and_the_export_lists_it(app, db):
    """RGPD art. 15 and 17: the application that led to a person's candidacy is in the
    export of its data, and anonymising the person blanks it and deletes its CV."""
    from datetime import UTC, datetime

    from portal.privacy.anonymisation import anonymise_participant
    from portal.privacy.export import person_data

    application = make_application(stage="hired", who=candidate(last_name="Durand"))
    participant = application.candidacy.participant
    path = proofs.path_of(application.cv_file)
    assert path is not None and path.exists()

    exported = person_data(participant, exported_on=date(2026, 12, 6), kept_until=None)
    [listed] = exported["candidatures_aux_offres"]
    assert listed["offre"] == application.offer.title and listed["cv_conserve"] is True

    assert anonymise_participant(
        participant, amoi_user(), "erasure_request", datetime(2026, 12, 6, tzinfo=UTC)
    )
    sa.session.commit()
    sa.session.expire_all()
    application = sa.session.get(Application, application.id)
    assert application.last_name == "" and application.cv_file is None
    assert application.anonymised_at is not None
    assert not path.exists()
