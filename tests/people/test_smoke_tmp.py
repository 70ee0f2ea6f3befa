from tests.people.builders import make_placement, make_candidacy, amoi_user, PDF
from tests.conftest import text_of, CONFIRMED, versioned
from portal.models import OrgKind
from tests.factories import make_org, make_user, make_lot


def test_pages(app, login_as):
    p = make_placement()
    amoi = login_as(amoi_user())
    for url in ["/personnes/", "/candidatures/a-decider", "/embauches/suivis-6-mois", f"/personnes/{p.participant_id}",
                f"/candidatures/{p.candidacy_id}", "/personnes/referents", "/candidatures/nouvelle",
                f"/candidatures/{p.candidacy_id}/notification.pdf",
                f"/embauches/{p.id}/modification", f"/embauches/{p.id}/rupture", f"/embauches/{p.id}/fin"]:
        r = amoi.get(url)
        assert r.status_code == 200, (url, r.status_code, text_of(r)[:3000])
    admin = login_as(amoi_user(is_admin=True))
    assert admin.get("/personnes/regles").status_code == 200
    c = make_candidacy()
    r = amoi.get(f"/candidatures/{c.id}/decision")
    assert r.status_code == 200, text_of(r)[:3000]
