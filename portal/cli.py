"""Flask commands: seed-demo, create-admin, purge-jobs, jobs-worker, anonymise-expired,
send-reminders."""

from __future__ import annotations

import click
from flask import Flask, current_app
from sqlalchemy import delete, select

from portal.clock import today
from portal.demo import (
    DEMO_PASSWORD,
    USERS,
    DemoRefused,
    database_is_empty,
    is_demo_instance,
    seed_demo,
)
from portal.extensions import db
from portal.formatting import day
from portal.french import plural
from portal.models import Organisation, OrgKind, TokenPurpose, User
from portal.models.base import utcnow
from portal.privacy import anonymisation

LABELS = {
    "organisations": ("organisation", "organisations"),
    "users": ("compte", "comptes"),
    "declarations": ("déclaration de recensement", "déclarations de recensement"),
    "operations": ("opération", "opérations"),
    "markets": ("marché", "marchés"),
    "lots": ("lot", "lots"),
    "quotes": ("devis", "devis"),
    "invoices": ("facture", "factures"),
    "people": ("personne", "personnes"),
    "placements": ("embauche", "embauches"),
    "statements": ("relevé d'heures", "relevés d'heures"),
    "offers": ("offre d'emploi", "offres d'emploi"),
    "applications": ("candidat positionné", "candidats positionnés"),
    "escalations": ("procédure de relance", "procédures de relance"),
    "meetings": ("réunion", "réunions"),
    "reports": ("bilan", "bilans"),
}
"""French words of the demo's counts, singular and plural (« 1 bilan », « 2 bilans »)."""


@click.command("seed-demo")
@click.option(
    "--if-empty", is_flag=True, help="Ne rien faire si la base contient déjà des données."
)
def seed_demo_command(if_empty: bool) -> None:
    """Charge les données de démonstration (refuse une base de production)."""
    if if_empty and not database_is_empty() and not is_demo_instance():
        # A real database is never touched; a demo one may still lack the year's data.
        click.echo("Base déjà remplie : données de démonstration non rechargées.")
        return
    try:
        counts = seed_demo()
    except DemoRefused as refused:
        raise click.ClickException(str(refused)) from refused
    if any(counts.values()):
        loaded = ", ".join(f"{n} {plural(n, *LABELS[k])}" for k, n in counts.items() if n)
        click.echo(f"Données de démonstration chargées : {loaded}.")
    else:
        click.echo("Les données de démonstration sont déjà chargées.")


@click.command("demo-logins")
def demo_logins_command() -> None:
    """Affiche les comptes de démonstration."""
    click.echo(f"Comptes de démonstration (mot de passe commun : {DEMO_PASSWORD}) :")
    for user in USERS:
        click.echo(f"  {user.role_label:<32} {user.email}")


@click.command("create-admin")
@click.option("--organisation", "org_name", default="Sud-Ouest Emploi", show_default=True)
@click.option("--siret", default=None, help="SIRET de l'AMO Insertion (création seulement).")
@click.option("--name", required=True, help="Prénom et nom de l'administrateur.")
@click.option("--email", required=True)
def create_admin_command(org_name: str, siret: str | None, name: str, email: str) -> None:
    """Crée le premier administrateur de l'AMOI et affiche son lien d'invitation."""

    from portal.auth import services as accounts

    facilitator = db.session.scalars(
        select(Organisation).where(Organisation.kind == OrgKind.FACILITATOR)
    ).first()
    if facilitator is None:
        facilitator = Organisation(
            kind=OrgKind.FACILITATOR.value, name=org_name, siret=siret, active=True
        )
        db.session.add(facilitator)
        db.session.flush()
    if accounts.email_taken(email):
        raise click.ClickException("Un compte existe déjà avec cette adresse e-mail.")
    user = User(
        organisation=facilitator,
        name=name,
        email=accounts.normalise_email(email),
        is_admin=True,
        active=True,
    )
    db.session.add(user)
    db.session.flush()
    link = accounts.issue_link(user, TokenPurpose.INVITATION, None)  # a PUBLIC_URL link
    db.session.commit()
    click.echo(f"Administrateur créé. Lien pour choisir le mot de passe (7 jours) :\n{link.url}")


@click.command("purge-jobs")
def purge_jobs_command() -> None:
    """Supprimer les fichiers d'export expirés (idempotent ; pour cron)."""
    from portal.french import plural
    from portal.jobs.services import purge
    from portal.models.base import utcnow

    count = purge(utcnow())
    db.session.commit()
    click.echo(f"{count} {plural(count, 'fichier expiré supprimé', 'fichiers expirés supprimés')}.")


@click.command("jobs-worker")
@click.option("--workers", type=int, default=None, help="Nombre de fils (défaut : JOBS_WORKERS).")
def jobs_worker_command(workers: int | None) -> None:
    """Lancer le worker des exports (huey), à une priorité inférieure au serveur web."""
    import os

    from flask import current_app

    from portal.jobs.queue import huey

    if huey.immediate:
        raise click.ClickException("JOBS_URL=immediate : aucun worker à lancer.")
    nice = int(current_app.config["JOBS_WORKER_NICE"])
    if nice:
        os.nice(nice)
    count = workers or int(current_app.config["JOBS_WORKERS"])
    huey.create_consumer(workers=count, worker_type="thread").run()


@click.command("anonymise-expired")
def anonymise_expired_command() -> None:
    """Anonymise les dossiers des personnes dont la durée de conservation est écoulée.

    Idempotente, faite pour cron (une fois par nuit) : un dossier déjà anonymisé est laissé
    tel quel. Affiche les numéros des dossiers traités, jamais un nom
    (docs/gdpr-record.md §8)."""
    from portal.recruitment.services import expire_cvs

    years = current_app.config["PEOPLE_RETENTION_YEARS"]
    months = int(current_app.config["RECRUITMENT_CV_RETENTION_MONTHS"])
    done = anonymisation.anonymise_expired(today(), utcnow(), years)
    cvs = expire_cvs(today(), utcnow(), months)
    db.session.commit()
    if cvs:
        count = len(cvs)
        click.echo(
            f"{count} {plural(count, 'candidature', 'candidatures')} d'offres closes depuis "
            f"plus de {months} mois : CV et identité effacés "
            f"(n° {', '.join(str(i) for i in cvs)})."
        )
    if not done:
        click.echo(
            f"Aucun dossier à anonymiser (identité conservée {years} {plural(years, 'an')})."
        )
        return
    count = len(done)
    click.echo(f"{count} {plural(count, 'dossier anonymisé', 'dossiers anonymisés')} :")
    for item in done:
        click.echo(
            f"  personne n° {item.participant_id} (conservée jusqu'au {day(item.kept_until)})"
        )


@click.command("send-reminders")
def send_reminders_command() -> None:
    """Relancer les organisations dont des relevés d'heures sont en retard (pour cron).

    Un message par organisation, à ses comptes actifs, listant les mois et les lots (jamais
    un nom) ; relancée deux fois le même jour, la commande n'envoie rien de nouveau
    (docs/domain.md §7)."""
    from portal.statements.reminders import late_statements, send_reminders

    sent = send_reminders(today())
    db.session.commit()
    waiting = [org for org in late_statements(today()) if not org.emails]
    count = len(sent)
    if not count:
        click.echo("Aucune relance à envoyer aujourd'hui.")
    else:
        click.echo(f"{count} {plural(count, 'organisation relancée', 'organisations relancées')} :")
        for org in sent:
            months = len(org.months)
            click.echo(f"  {org.name} : {months} {plural(months, 'mois', 'mois')} en retard")
    for org in waiting:
        click.echo(f"  {org.name} : relevés en retard, mais aucun compte actif à relancer")


@click.command("refresh-progress")
@click.option(
    "--tout",
    "everything",
    is_flag=True,
    help="Reconstruire aussi les cumuls d'heures validées de tous les lots (après un "
    "chargement en masse).",
)
def refresh_progress_command(everything: bool) -> None:
    """Recalculer l'avancement stocké des lots pour aujourd'hui (pour cron, après minuit).

    Le worker des tâches le fait lui-même chaque nuit ; seuls les lots dont l'avancement
    stocké date d'un autre jour sont recalculés (docs/domain.md §7.4)."""
    from portal.statements.progress_store import refresh_stale
    from portal.statements.rollups import rebuild_all

    if everything:
        rebuilt = rebuild_all()
        click.echo(f"Cumuls d'heures reconstruits pour {rebuilt} lot{'s' if rebuilt > 1 else ''}.")
        from portal.models import StoredLotProgress

        db.session.execute(delete(StoredLotProgress))
        db.session.commit()
    count = refresh_stale(today())
    lots = "lot recalculé" if count <= 1 else "lots recalculés"
    click.echo(f"{count} {lots}.")


def register_cli(app: Flask) -> None:
    for command in (
        refresh_progress_command,
        seed_demo_command,
        demo_logins_command,
        create_admin_command,
        purge_jobs_command,
        jobs_worker_command,
        anonymise_expired_command,
        send_reminders_command,
    ):
        app.cli.add_command(command)
