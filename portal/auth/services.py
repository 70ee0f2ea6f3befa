"""Account life cycle: invitation, password reset links, (de)activation.

Links are single-use and expire (``ACCOUNT_LINK_LIFETIME``, 7 days); only the SHA-256 of
the secret is stored, so a database leak does not leak usable links. The link's e-mail is
queued (``mail.queue``) and leaves when the caller commits; until e-mail is configured it
is written to the outbox and the link shown to the admin. Every function that acts on
behalf of someone takes that person (``by``) explicitly, for the audit trail.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select, update

from portal import audit
from portal.documents import mail
from portal.extensions import db
from portal.links import external_url
from portal.models import AccountToken, Organisation, TokenPurpose, User
from portal.models.base import utcnow
from portal.passwords import hash_password


@dataclass(frozen=True)
class IssuedLink:
    url: str
    token: AccountToken


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def email_taken(email: str, except_user_id: int | None = None) -> bool:
    stmt = select(User.id).where(User.email == normalise_email(email))
    if except_user_id is not None:
        stmt = stmt.where(User.id != except_user_id)
    return db.session.execute(stmt).first() is not None


def revoke_links(user_ids: list[int]) -> None:
    """Every unused link of these users stops working (a new link, a deactivation)."""
    db.session.execute(
        update(AccountToken)
        .where(
            AccountToken.user_id.in_(user_ids),
            AccountToken.used_at.is_(None),
            AccountToken.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def issue_link(user: User, purpose: TokenPurpose, created_by: User | None) -> IssuedLink:
    """A fresh link for ``user``; earlier unused links of the user stop working."""
    now = utcnow()
    revoke_links([user.id])
    secret = secrets.token_urlsafe(32)
    token = AccountToken(
        user_id=user.id,
        purpose=purpose.value,
        token_hash=_digest(secret),
        created_at=now,
        expires_at=now + current_app.config["ACCOUNT_LINK_LIFETIME"],
        created_by_id=created_by.id if created_by else None,
    )
    db.session.add(token)
    url = external_url("auth.set_password", token=secret)
    _queue_link_mail(user, purpose, url, token)
    return IssuedLink(url=url, token=token)


def _queue_link_mail(user: User, purpose: TokenPurpose, url: str, token: AccountToken) -> None:
    expires = token.expires_at.strftime("%d/%m/%Y")
    if purpose is TokenPurpose.INVITATION:
        subject = "Votre accès au portail Passerelle"
        intro = (
            f"Bonjour {user.name},\n\nSud-Ouest Emploi vous a ouvert un compte sur Passerelle, "
            "le portail de suivi des clauses sociales d'insertion.\n"
            "Pour choisir votre mot de passe, ouvrez ce lien"
        )
    else:
        subject = "Réinitialisation de votre mot de passe Passerelle"
        intro = (
            f"Bonjour {user.name},\n\nUne réinitialisation de votre mot de passe a été demandée.\n"
            "Pour choisir un nouveau mot de passe, ouvrez ce lien"
        )
    body = (
        f"{intro} (valable une seule fois, jusqu'au {expires}) :\n\n{url}\n\n"
        "Si vous n'attendiez pas ce message, ignorez-le.\n\n-- \nPasserelle"
    )
    mail.queue(user.email, subject, body)


def find_valid_token(secret: str) -> AccountToken | None:
    """The token matching ``secret`` if it is unused, not revoked, not expired, and its
    account and organisation are active (a deactivation revokes links, and this holds
    even for one that was missed)."""
    token = db.session.execute(
        select(AccountToken).where(AccountToken.token_hash == _digest(secret))
    ).scalar_one_or_none()
    if token is None or token.used_at or token.revoked_at or token.expires_at <= utcnow():
        return None
    if not (token.user.active and token.user.organisation.active):
        return None
    return token


def invite(
    organisation: Organisation, name: str, email: str, is_admin: bool, by: User
) -> tuple[User, IssuedLink]:
    """Create an account without password and issue its invitation link."""
    user = User(
        organisation=organisation,
        name=name.strip(),
        email=normalise_email(email),
        is_admin=is_admin,
        active=True,
    )
    db.session.add(user)
    db.session.flush()
    link = issue_link(user, TokenPurpose.INVITATION, by)
    audit.record("user.invited", user, detail=f"organisation={organisation.id}", actor=by)
    return user, link


def set_password(token: AccountToken, password: str) -> User:
    """Consume the link: set the password and end every existing session."""
    user = token.user
    now = utcnow()
    token.used_at = now
    user.password_hash = hash_password(password)
    user.password_changed_at = now
    user.failed_login_count = 0
    user.end_sessions()
    audit.record("auth.password_set", user, actor=user, detail=f"via={token.purpose}")
    return user


def deactivate(user: User, by: User) -> None:
    """No session and no pending link survives a deactivation (issue 8, finding 9)."""
    user.active = False
    user.end_sessions()
    revoke_links([user.id])
    audit.record("user.deactivated", user, actor=by)


def deactivate_organisation(organisation: Organisation, by: User) -> None:
    """Its people are logged out at once and their pending links revoked."""
    organisation.active = False
    for user in organisation.users:
        user.end_sessions()
    revoke_links([user.id for user in organisation.users])
    audit.record("organisation.deactivated", organisation, actor=by)


def reactivate(user: User, by: User) -> None:
    user.active = True
    audit.record("user.reactivated", user, actor=by)
