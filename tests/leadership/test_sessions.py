"""Ending a person's sessions: all of hers, none of anyone else's, cached copies too."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from leadership.models import User
from leadership.sessions import end_sessions

ENGINES = ["django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"]


def _session_of(engine: str, user: User) -> str:
    store = import_module(engine).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store.create()
    return store.session_key


@pytest.mark.parametrize("engine", ENGINES)
def test_it_ends_every_session_of_hers_and_no_other(engine: str, pm: User, other_pm: User) -> None:
    store_class = import_module(engine).SessionStore
    with override_settings(SESSION_ENGINE=engine):
        hers = [_session_of(engine, pm), _session_of(engine, pm)]
        his = _session_of(engine, other_pm)
        assert end_sessions(pm) == 2
    # exists() asks the cache first with cached_db: the cached copy is gone too.
    assert not any(store_class().exists(key) for key in hers)
    assert store_class().exists(his)


def test_it_refuses_an_engine_it_cannot_search(pm: User) -> None:
    with (
        override_settings(SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies"),
        pytest.raises(ImproperlyConfigured, match="Use the db or cached_db engine"),
    ):
        end_sessions(pm)
