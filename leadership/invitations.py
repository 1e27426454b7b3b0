"""Invitations: who may invite whom, the single-use links, accepting, resending, revoking.

A link's token is made when its email is sent (leadership/tasks.py), so it exists only in that
email: the database keeps its SHA-256 hash, and the task queue never sees it. Sending again
makes a new token, and the old link stops working.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from leadership.models import Invitation, User

VALID_FOR = timedelta(days=7)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh token and its hash."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def may_invite(person: User) -> bool:
    """Administrators invite anyone; a manager (someone with reports) invites to her team."""
    if not person.is_active:
        return False
    return person.is_superuser or User.objects.direct_reports_of(person).exists()


def invitation_for(viewer: User, pk: int) -> Invitation:
    """The invitation, if the viewer may act on it (an administrator, or the manager it names);
    404 otherwise."""
    try:
        return Invitation.objects.seen_by(viewer).get(pk=pk)
    except Invitation.DoesNotExist:
        raise Http404("No such invitation.") from None


def _account_for(email: str) -> User | None:
    return User.objects.filter(email__iexact=email).first()


def claimable(person: User) -> bool:
    """An account made for someone who has never signed in (an org-chart import): an
    invitation opens it rather than making another."""
    return person.is_active and person.last_login is None and not person.has_usable_password()


@dataclass
class Invited:
    """What inviting a list of addresses did, address by address, as the inviter may know it."""

    sent: list[str] = field(default_factory=list)
    renewed: list[str] = field(default_factory=list)
    # Only for an administrator, or for a manager when the account is on her own team.
    have_account: list[str] = field(default_factory=list)


def invite(*, emails: list[str], by: User, manager: User | None, framework: Any | None) -> Invited:
    """Invite each address to join `manager`'s team, in one transaction; the emails go out
    through the task queue once it commits.

    An address that has an account already is told so, by the administrator who invites
    (she sees every account anyway) or by a manager inviting her own report. A manager who
    invites anyone else's address learns nothing from the answer: the invitation is recorded
    and sent like any other, its email tells the recipient she has an account already, and
    its link cannot make a second one."""
    if not by.is_superuser and manager != by:
        raise PermissionError("A manager invites people to her own team only.")
    from leadership import tasks

    result = Invited()
    now = timezone.now()
    with transaction.atomic():
        for email in emails:
            account, opens = _account_for(email), None
            if account is not None:
                knows = by.is_superuser or account.manager_id == by.pk
                if knows and claimable(account):
                    opens = account  # imported, never signed in: the invitation opens it
                elif knows:
                    result.have_account.append(email)
                    continue
                # Anyone else's account: recorded and sent like any other invitation; the
                # email tells its owner she has an account, and the link opens nothing.
            existing = (
                Invitation.objects.open()
                .select_for_update()
                .filter(email__iexact=email, manager=manager)
                .first()
            )
            if existing is not None:
                existing.framework = framework
                existing.invited_by = by
                existing.save(update_fields=["framework", "invited_by"])
                invitation = existing
                result.renewed.append(email)
            else:
                invitation = Invitation.objects.create(
                    email=email,
                    user=opens,
                    token_hash=new_token()[1],  # replaced by the email's own token
                    invited_by=by,
                    manager=manager,
                    framework=framework,
                    created_at=now,
                    sent_at=now,
                    expires_at=now + VALID_FOR,
                )
                result.sent.append(email)
            transaction.on_commit(
                lambda pk=invitation.pk: tasks.send_invitation.enqueue(pk), robust=True
            )
    return result


def resend(*, invitation: Invitation) -> None:
    """Send the invitation again with a new link, valid 7 days; the old link stops working."""
    from leadership import tasks

    if not invitation.is_open:
        raise ValueError("Only a pending or expired invitation can be sent again.")
    with transaction.atomic():
        # The old link dies now, before the new email is even sent.
        Invitation.objects.filter(pk=invitation.pk).update(token_hash=new_token()[1])
        transaction.on_commit(lambda: tasks.send_invitation.enqueue(invitation.pk), robust=True)


def revoke(*, invitation: Invitation) -> None:
    if not invitation.is_open:
        raise ValueError("Only a pending or expired invitation can be revoked.")
    Invitation.objects.filter(pk=invitation.pk).update(
        revoked_at=timezone.now(), token_hash=new_token()[1]
    )


def by_token(token: str) -> Invitation | None:
    """The open, unexpired invitation this link's token opens, if any."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.usable()
        .select_related("manager", "invited_by")
        .filter(token_hash=hash_token(token))
        .first()
    )


def has_account(invitation: Invitation) -> bool:
    """Whether the address has an account this invitation cannot open."""
    accounts = User.objects.filter(email__iexact=invitation.email)
    if invitation.user_id is not None:
        accounts = accounts.exclude(pk=invitation.user_id)
    return accounts.exists()


def clean_username(email: str) -> str:
    """A username made from the address's local part: priya.k@example.com → priya.k."""
    return re.sub(r"[^\w.@+-]", "", email.split("@", 1)[0].lower())[:140] or "person"


def username_for(email: str) -> str:
    """A free username made from the address's local part: priya.k, else priya.k2, …"""
    base = clean_username(email)
    taken = set(
        User.objects.filter(username__iregex=rf"^{re.escape(base)}[0-9]*$").values_list(
            "username", flat=True
        )
    )
    taken = {name.lower() for name in taken}
    if base not in taken:
        return base
    number = 2
    while f"{base}{number}" in taken:
        number += 1
    return f"{base}{number}"


def new_person(
    *, invitation: Invitation, first_name: str, last_name: str, password: str | None
) -> User:
    """The person an invitation brings in, unsaved: on the inviter's team, following the
    invitation's framework. Without a password (signing in through the company's provider)
    she has no usable one."""
    person = User(
        username=username_for(invitation.email),
        email=invitation.email,
        first_name=first_name,
        last_name=last_name,
        manager=invitation.manager if invitation.manager and invitation.manager.is_active else None,
        framework_id=invitation.framework_id,
    )
    if password is None:
        person.set_unusable_password()
    else:
        validate_password(password, person)
        person.set_password(password)
    return person


class InvitationGone(Exception):
    """The link was used, revoked, expired or resent meanwhile, or the address has an account."""


def accept(
    *, invitation: Invitation, first_name: str, last_name: str, password: str | None
) -> User:
    """Make the invitee's account and close the invitation, once: the row is locked, so two
    tabs posting the same link make one account."""
    with transaction.atomic():
        locked = (
            Invitation.objects.usable()
            .select_for_update(of=("self",))
            .select_related("manager")
            .filter(pk=invitation.pk, token_hash=invitation.token_hash)
            .first()
        )
        if locked is None or has_account(locked):
            raise InvitationGone
        if locked.user_id is not None:
            person = User.objects.select_for_update().get(pk=locked.user_id)
            if not claimable(person):
                raise InvitationGone
            person.first_name, person.last_name = first_name, last_name
            if locked.manager is not None and locked.manager.is_active:
                person.manager = locked.manager
            if locked.framework_id is not None:
                person.framework_id = locked.framework_id
            if password is None:
                person.set_unusable_password()
            else:
                validate_password(password, person)
                person.set_password(password)
        else:
            person = new_person(
                invitation=locked, first_name=first_name, last_name=last_name, password=password
            )
        person.save()
        _close(locked, person)
    return person


def _close(invitation: Invitation, person: User) -> None:
    """Accepted by this person: the link dies, and her other open invitations too."""
    now = timezone.now()
    Invitation.objects.filter(pk=invitation.pk).update(
        accepted_at=now, user=person, token_hash=new_token()[1]
    )
    for other in Invitation.objects.open().filter(email__iexact=person.email):
        other.revoked_at = now
        other.token_hash = new_token()[1]
        other.save(update_fields=["revoked_at", "token_hash"])


def accept_for_existing(*, invitation: Invitation, person: User) -> None:
    """An account made another way (the company's provider) closes its pending invitation."""
    _close(invitation, person)


def pending_for(email: str) -> Invitation | None:
    """The most recent usable invitation for this address, if any."""
    return (
        Invitation.objects.usable()
        .select_related("manager")
        .filter(email__iexact=email)
        .order_by("-sent_at", "-pk")
        .first()
    )


def set_active(*, person: User, active: bool) -> None:
    """Deactivate (signed out everywhere at once) or reactivate a person. Her history stays."""
    from leadership.sessions import end_sessions

    with transaction.atomic():
        User.objects.filter(pk=person.pk).update(is_active=active)
        person.is_active = active
        if not active:
            end_sessions(person)
