"""What Django and django-axes keep about a person outside her own records, erased."""

from __future__ import annotations

from collections.abc import Callable

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from leadership.models import Invitation, User
from leadership.sessions import end_sessions

# What the admin log shows instead of the name of a person whose account is deleted.
DELETED_ACCOUNT = "(deleted account)"

# What other apps keep of a person that dies with her account but is not hers by a foreign
# key that cascades (e.g. the unfinished reviews she was writing of others). They register
# here from their AppConfig.ready, so this module needs to know nothing of them.
_erasers: list[Callable[[User], None]] = []


def register(eraser: Callable[[User], None]) -> Callable[[User], None]:
    if eraser not in _erasers:
        _erasers.append(eraser)
    return eraser


def erase_traces(user: User) -> None:
    """Before deleting her account: sign her out everywhere, run the registered erasers,
    delete the invitations to her address and her sign-in records (username, address,
    browser), and take her name out of the admin log, which keeps that her account was
    changed. Entries she made herself go with her account. Whoever deletes a person (the
    account page, the admin) calls this."""
    end_sessions(user)
    for eraser in _erasers:
        eraser(user)
    # Invitations to her address (accepted or not) keep it: they go with her account.
    Invitation.objects.filter(user=user).delete()
    if user.email:
        Invitation.objects.filter(email__iexact=user.email).delete()
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username=user.get_username()).delete()
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ).update(object_repr=DELETED_ACCOUNT)
