"""What Django and django-axes keep about a person outside her own records, erased."""

from __future__ import annotations

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from leadership.models import User
from leadership.sessions import end_sessions

# What the admin log shows instead of the name of a person whose account is deleted.
DELETED_ACCOUNT = "(deleted account)"


def erase_traces(user: User) -> None:
    """Before deleting her account: sign her out everywhere, delete her sign-in records
    (username, address, browser), and take her name out of the admin log, which keeps
    that her account was changed. Entries she made herself go with her account."""
    end_sessions(user)
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username=user.get_username()).delete()
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ).update(object_repr=DELETED_ACCOUNT)
