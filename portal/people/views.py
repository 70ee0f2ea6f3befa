"""People, candidacies, eligibility decisions and hires (docs/domain.md §5 and §6).

Every page that shows a person's data, and every download, writes an audit line (ids
only). Buyers never see a person: their page is counts per lot. The AMOI searches people
by POST, so that no name travels in a URL or a log line.
"""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from portal.access import Role, allow, get_or_404, scoped
from portal.audit import ACTION_LABELS
from portal.clock import today
from portal.extensions import db
from portal.models import (
    Candidacy,
    Lot,
    Organisation,
    Participant,
    Placement,
)
from portal.people import bp, queries
from portal.people import services as service
from portal.people.confirmations import (
    confirm_merge,
    confirm_split,
)
from portal.people.forms import (
    ReferentForm,
    SearchForm,
)
from portal.people.view_common import (
    DECLARERS,
    candidacy_action,
    visible_criteria,
)
from portal.refusals import Refused
from portal.rules.eligibility import normalise_name
from portal.rules.workflow import STATUS_LABELS, CandidacyStatus
from portal.web import confirm
from portal.web.actions import object_action
from portal.web.htmx import render
from portal.web.listing import Filter, FilterSet, pairs
from portal.web.params import int_arg, parse_int

# --- lists -----------------------------------------------------------------------------------


INDEX_FILTERS = FilterSet(
    Filter(
        "statut",
        "Statut",
        "choice",
        list(STATUS_LABELS["candidacy"].items()),
        "Tous les statuts",
    ),
)


@bp.route("/personnes/")
@allow(Role.FACILITATOR, Role.BUYER, Role.COMPANY, Role.STRUCTURE)
def index():
    """Declarers and the AMOI: the candidacies (the people proposed). Buyers: counts per
    lot, never a name."""
    if g.role is Role.BUYER:
        return render_template("people/counts.html", rows=queries.lot_counts(g.user))
    filters = INDEX_FILTERS.read()
    stmt = (
        scoped(Candidacy)
        .options(
            joinedload(Candidacy.participant),
            joinedload(Candidacy.declarer),
            joinedload(Candidacy.lot).joinedload(Lot.market),
            joinedload(Candidacy.share),
        )
        .order_by(Candidacy.submitted_at.desc(), Candidacy.id.desc())
    )
    if filters.parsed["statut"]:
        stmt = stmt.where(Candidacy.status == filters.parsed["statut"])
    pagination = filters.paginate(stmt)
    service.record_view("participants.listed", None, g.user, detail=f"rows={len(pagination.items)}")
    db.session.commit()
    return render(
        "people/index.html",
        "people/_partials/_table.html",
        pagination=pagination,
        filters=filters,
        search_form=SearchForm(),
    )


@bp.route("/personnes/recherche", methods=["POST"])
@allow(Role.FACILITATOR)
def search():
    """The AMOI's people search, by POST (no name in a URL or a log)."""
    form = SearchForm()
    people = []
    if form.validate():
        term = form.q.data.strip()
        # Each pattern is one bound value, built here: SQLAlchemy's icontains/contains
        # write « '%' || lower(?) || '%' », which SQLite computes again on every row
        # (tests/benchmarks/bench_people.py: about twice the time at 30,000 people).
        lowered = _contains_pattern(term.lower())
        clauses = [
            func.lower(Participant.last_name).like(lowered, escape="/"),
            func.lower(Participant.first_name).like(lowered, escape="/"),
        ]
        if folded := normalise_name(term):  # accents, case and hyphens ignored
            clauses.append(Participant.match_key.like(_contains_pattern(folded), escape="/"))
        people = db.session.scalars(
            scoped(Participant)
            .where(or_(*clauses), Participant.anonymised_at.is_(None))
            .order_by(Participant.last_name, Participant.first_name, Participant.id)
            .limit(50)
        ).all()
        service.record_view("participants.searched", None, g.user, detail=f"rows={len(people)}")
    status = 200 if not form.errors else 422
    page = render(
        "people/search.html",
        "people/_partials/_search_results.html",
        status=status,
        form=form,
        people=people,
    )
    # after rendering: a commit expires the rows, and the page would reload each one
    db.session.commit()
    return page


def _contains_pattern(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, its own ``%``, ``_`` and ``/`` escaped
    (with ``escape="/"``)."""
    escaped = text.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"


def _queue_lots():
    rows = db.session.execute(
        select(Lot.id, Lot.number, Lot.title)
        .join(Candidacy, Candidacy.lot_id == Lot.id)
        .where(Candidacy.status == CandidacyStatus.PENDING.value)
        .distinct()
        .order_by(Lot.id)
    ).all()
    return [(row.id, f"Lot {row.number} – {row.title}") for row in rows]


def _queue_declarers():
    rows = db.session.execute(
        select(Organisation.id, Organisation.name)
        .join(Candidacy, Candidacy.declarer_id == Organisation.id)
        .where(Candidacy.status == CandidacyStatus.PENDING.value)
        .distinct()
        .order_by(Organisation.name)
    ).all()
    return [(row.id, row.name) for row in rows]


QUEUE_FILTERS = FilterSet(
    Filter("lot", "Lot", "id", _queue_lots, "Tous les lots"),
    Filter("declarant", "Déclarant", "id", _queue_declarers, "Tous les déclarants"),
    Filter(
        "referent",
        "Référent AMOI",
        "id",
        lambda: pairs(service.amoi_users()),
        "Tous les référents",
    ),
    Filter("mes", "Dossiers", "choice", [("1", "Mes dossiers")], "Tous les dossiers"),
)


@bp.route("/candidatures/a-decider")
@allow(Role.FACILITATOR)
def queue():
    """Pending candidacies, oldest first (convention annex 1 §3)."""
    filters = QUEUE_FILTERS.read()
    stmt = (
        scoped(Candidacy)
        .join(Candidacy.participant)
        .options(
            joinedload(Candidacy.participant).joinedload(Participant.amoi_referent),
            joinedload(Candidacy.declarer),
            joinedload(Candidacy.lot).joinedload(Lot.market),
            joinedload(Candidacy.share),
        )
        .where(Candidacy.status == CandidacyStatus.PENDING.value)
        .order_by(Candidacy.submitted_at, Candidacy.id)
    )
    if filters.parsed["lot"]:
        stmt = stmt.where(Candidacy.lot_id == filters.parsed["lot"])
    if filters.parsed["declarant"]:
        stmt = stmt.where(Candidacy.declarer_id == filters.parsed["declarant"])
    if filters.parsed["referent"]:
        stmt = stmt.where(Participant.amoi_referent_id == filters.parsed["referent"])
    if filters.parsed["mes"]:
        stmt = stmt.where(Participant.amoi_referent_id == g.user.id)
    pagination = filters.paginate(stmt)
    service.record_view(
        "candidacies.queue_viewed", None, g.user, detail=f"rows={len(pagination.items)}"
    )
    page = render(
        "people/queue.html",
        "people/_partials/_queue_table.html",
        pagination=pagination,
        filters=filters,
    )
    # after rendering: a commit expires the rows, and the page would reload each one
    db.session.commit()
    return page


@bp.route("/embauches/suivis-6-mois")
@allow(Role.FACILITATOR)
def followups():
    """Placements whose +6-month situation is due (docs/domain.md §6)."""
    stmt = service.followups_due(today()).options(
        joinedload(Placement.participant), joinedload(Placement.employer)
    )
    pagination = db.paginate(stmt, per_page=50, error_out=False)
    service.record_view("placements.followups_listed", None, g.user)
    db.session.commit()
    return render_template("people/followups.html", pagination=pagination)


# --- a person --------------------------------------------------------------------------------


@bp.route("/personnes/<int:participant_id>")
@allow(*DECLARERS)
def show(participant_id: int):
    """A person: identity and, for the AMOI, every candidacy, decision and placement; for a
    declarer, only its own candidacies and placements."""
    participant = get_or_404(Participant, participant_id)
    candidacies = db.session.scalars(
        scoped(Candidacy)
        .where(Candidacy.participant_id == participant.id)
        .options(
            selectinload(Candidacy.criteria),
            joinedload(Candidacy.decision),
            joinedload(Candidacy.placement),
            joinedload(Candidacy.declarer),
        )
        .order_by(Candidacy.submitted_at.desc())
    ).all()
    history = service.history(participant, candidacies) if g.role is Role.FACILITATOR else []
    service.record_view("participant.viewed", participant, g.user)
    db.session.commit()
    return render_template(
        "people/show.html",
        participant=participant,
        candidacies=candidacies,
        history=history,
        action_labels=ACTION_LABELS,
        visible_criteria=visible_criteria,
        referent_form=ReferentForm(data={"referent": participant.amoi_referent_id or ""}),
        amoi_users=service.amoi_users(),
    )


@bp.route("/lots/<int:lot_id>/personnes")
@allow(Role.FACILITATOR, Role.BUYER, Role.COMPANY, Role.STRUCTURE)
def lot_people(lot_id: int):
    """The people hired on one lot. The AMOI and the employers see the placements they may
    see (names, modality, contract, dates: audited); the lot's buyer sees counts only, never
    a name (docs/domain.md §5)."""
    lot = get_or_404(Lot, lot_id)
    if g.role is Role.BUYER:
        counts = queries.lot_counts(g.user, lot.id)
        return render_template(
            "people/lot.html", lot=lot, counts=counts[0] if counts else None, placements=None
        )
    placements = db.session.scalars(
        service.placements_in_scope(g.user)
        .where(Placement.lot_id == lot.id)
        .options(joinedload(Placement.participant), joinedload(Placement.employer))
    ).all()
    service.record_view("placements.listed", lot, g.user, detail=f"rows={len(placements)}")
    db.session.commit()
    return render_template("people/lot.html", lot=lot, counts=None, placements=placements)


@bp.route("/personnes/<int:participant_id>/referent", methods=["POST"])
@allow(Role.FACILITATOR)
@object_action(Participant)
def referent(participant: Participant):
    form = ReferentForm()
    form.validate()
    raw = form.referent.data or ""
    referent_id = int(raw) if raw.isdigit() else None
    service.set_participant_referent(participant, g.user, referent_id)
    flash("Le référent unique de la personne est enregistré.", "success")
    return redirect(url_for("people.show", participant_id=participant.id), code=303)


@bp.route("/personnes/<int:participant_id>/fusion", methods=["POST"])
@allow(Role.FACILITATOR)
@object_action(Participant)
def merge(participant: Participant):
    """The AMOI merges this record into another (the same person entered twice)."""
    into = int_arg("fiche") or parse_int(request.form.get("fiche"), minimum=1)
    target = get_or_404(Participant, into) if into else None
    if target is None:
        raise Refused("Indiquez le numéro de la fiche dans laquelle fusionner celle-ci.")
    page = url_for("people.show", participant_id=participant.id)
    if (asked := confirm.step(confirm_merge(participant, target), page)) is not None:
        return asked
    service.merge_participants(participant, target, g.user)
    flash(f"La fiche est fusionnée dans la fiche n° {target.id}.", "success")
    return redirect(url_for("people.show", participant_id=target.id), code=303)


@bp.route("/candidatures/<int:candidacy_id>/separer", methods=["POST"])
@allow(Role.FACILITATOR)
@candidacy_action
def split(candidacy: Candidacy):
    """The AMOI detaches a candidacy wrongly linked to a known person."""
    page = url_for("people.candidacy", candidacy_id=candidacy.id)
    if (asked := confirm.step(confirm_split(candidacy), page)) is not None:
        return asked
    new = service.split_candidacy(candidacy, g.user)
    flash("La candidature a désormais sa propre fiche de personne.", "success")
    return redirect(url_for("people.show", participant_id=new.id), code=303)
