from portal.models import Role
from portal.models.accounts import CLAUSE_ROLES
from tests.conftest import text_of
from tests.people.builders import make_placement
from tests.security.registry import ActCase, acts, expect

expect("placements.exports", "placements.counts", roles=CLAUSE_ROLES)
expect("placements.export", roles=(Role.FACILITATOR, Role.COMPANY, Role.STRUCTURE))
# no object id in these URLs: the rows come from scoped(Placement) / scoped(Lot)


@acts("placements.exports")
def the_persona_opens_the_export_page(world, persona):
    return ActCase({}, check=lambda response: "Exports des embauches" in text_of(response))


@acts("placements.export")
def the_persona_exports_its_own_placements(world, persona):
    user = world.users[persona]
    declarer = user.organisation if persona in ("company", "structure") else world.company
    placement = make_placement(declarer)
    name = placement.participant.last_name.upper()
    return ActCase(
        {"fmt": "csv"},
        check=lambda response: name in response.get_data(as_text=True),
    )
