from portal.extensions import db
from portal.models import Participant, Role
from tests.conftest import text_of
from tests.privacy.builders import make_file
from tests.security.registry import ActCase, acts, exempt_cross_org, expect, versioned

PRIVACY = ("privacy.person", "privacy.export_json", "privacy.export_pdf", "privacy.erase")
expect(*PRIVACY, roles=(Role.FACILITATOR,))
exempt_cross_org(
    "a person's rights are answered by the AMOI alone, which sees every file "
    "(docs/gdpr-record.md §9); every other role gets 403",
    *PRIVACY,
)


@acts("privacy.person")
def the_amoi_reads_a_persons_privacy_page(world, persona):
    person = make_file(world.company)
    return ActCase(
        {"participant_id": person.id},
        check=lambda response: f"personne n° {person.id}" in text_of(response),
    )


@acts("privacy.export_json")
def the_amoi_exports_a_persons_file(world, persona):
    person = make_file(world.company)
    return ActCase(
        {"participant_id": person.id},
        check=lambda response: response.json["personne"]["nom"] == "Fictif-Exemple",
    )


@acts("privacy.erase", method="POST")
def the_amoi_erases_a_persons_file(world, persona):
    person = make_file(world.company)
    person_id = person.id
    return ActCase(
        {"participant_id": person.id},
        data=versioned(person, reason="erasure_request", confirmation="1"),
        check=lambda response: db.session.get(Participant, person_id).anonymised_at is not None,
    )
