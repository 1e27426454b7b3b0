"""Signing a person out everywhere, wherever the session engine keeps her sessions."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ImproperlyConfigured


def end_sessions(user: AbstractBaseUser) -> int:
    """Delete every session signed in as this person; return how many there were.

    Call it wherever an account is deactivated or deleted. Django refuses an inactive
    person's session, but the same cookie works again once she is reactivated, and a deleted
    person's session rows would keep her id. Both engines the app uses (db, and cached_db
    with Redis) keep a row per session in the database; deleting through the engine's
    store also drops the cached copy.
    """
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store_class, "get_model_class"):
        raise ImproperlyConfigured(
            f"{settings.SESSION_ENGINE} keeps no session rows in the database, so a person's "
            "sessions cannot be found to end them. Use the db or cached_db engine."
        )
    user_id = str(user.pk)
    rows = store_class.get_model_class().objects.values_list("session_key", "session_data")
    keys = [
        key
        for key, data in rows.iterator()
        if store_class().decode(data).get(SESSION_KEY) == user_id
    ]
    for key in keys:
        store_class(session_key=key).delete()
    return len(keys)
