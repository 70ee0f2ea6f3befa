from sqlalchemy import select

from portal.extensions import db
from portal.models import Job, Role
from tests.conftest import text_of
from tests.jobs.builders import make_job
from tests.security.registry import ActCase, CrossOrgCase, acts, cross_org, expect

expect("jobs.index", "jobs.show", "jobs.file", roles=tuple(Role))


def _job_state(job_id):
    return lambda: db.session.execute(
        select(Job.status, Job.stored_name, Job.expires_at).where(Job.id == job_id)
    ).one()


@cross_org("jobs.show", "jobs.file")
def company_asks_for_another_companys_export(world):
    job = make_job(world.others["company"])
    return CrossOrgCase(world.users["company"], {"job_id": job.id}, _job_state(job.id))


@cross_org("jobs.show", "jobs.file")
def the_amoi_asks_for_a_buyers_export(world):
    """Even the AMOI, who sees every organisation's data, gets 404 on someone else's job."""
    job = make_job(world.users["buyer_ccvg"])
    return CrossOrgCase(world.users["facilitator"], {"job_id": job.id}, _job_state(job.id))


@cross_org("jobs.show", "jobs.file")
def a_colleague_asks_for_an_export_of_the_same_organisation(world):
    job = make_job(world.users["facilitator_admin"])
    return CrossOrgCase(world.users["facilitator"], {"job_id": job.id}, _job_state(job.id))


# --- admitted personas act on real objects (tests/security/test_admitted_roles_act.py) ------


@acts("jobs.show")
def the_persona_follows_its_own_export(world, persona):
    job = make_job(world.users[persona])
    return ActCase(
        {"job_id": job.id},
        check=lambda response: (
            "le fichier est prêt" in text_of(response) and job.file_name in text_of(response)
        ),
    )


@acts("jobs.file")
def the_persona_downloads_its_own_export(world, persona):
    job = make_job(world.users[persona])
    return ActCase(
        {"job_id": job.id},
        check=lambda response: response.get_data().startswith("\ufeffAcheteur;".encode()),
    )
