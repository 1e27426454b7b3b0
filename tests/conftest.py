"""Personas shared by every test: a PM, her manager, another PM and manager, the editor."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.contrib.auth.models import Group
from hypothesis import settings as hypothesis_settings

from leadership.models import User
from tests.factories import UserFactory
from transitions.models import Framework, Shift

# Hypothesis in CI (CI=true): the same examples on every run, so that a red build is
# reproducible and a green one means the same thing each time; a failure prints the blob to
# replay it with @reproduce_failure. Locally it stays random, to keep finding new cases.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
hypothesis_settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "default")
)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Each test starts with empty caches (the database starts fresh too)."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture
def framework(db: None) -> Framework:
    """The article's framework, loaded by the data migration."""
    return Framework.objects.get(slug="ic-to-product-leader")


@pytest.fixture
def shifts(framework: Framework) -> list[Shift]:
    return list(Shift.objects.of_framework(framework).in_order())


@pytest.fixture
def manager(db: None) -> User:
    return UserFactory(username="marco", first_name="Marco")


@pytest.fixture
def pm(manager: User) -> User:
    return UserFactory(username="priya", first_name="Priya", manager=manager)


@pytest.fixture
def other_manager(db: None) -> User:
    return UserFactory(username="olga", first_name="Olga")


@pytest.fixture
def other_pm(other_manager: User) -> User:
    return UserFactory(username="sam", first_name="Sam", manager=other_manager)


@pytest.fixture
def editor(db: None) -> User:
    user = UserFactory(username="alex", first_name="Alex", is_staff=True)
    user.groups.add(Group.objects.get(name="Content editors"))
    return user


@pytest.fixture
def superuser(db: None) -> User:
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def head(manager: User) -> User:
    """Helena, the Head of Product: the manager reports to her, so his reports are hers too."""
    helena = UserFactory(username="helena", first_name="Helena")
    manager.manager = helena
    manager.save(update_fields=["manager"])
    return helena


# The real OpenID Connect provider and the app switched to it (tests/leadership/oidc_provider.py).
from tests.leadership.oidc_provider import oidc_provider, sso  # noqa: E402, F401


@pytest.fixture
def django_assert_num_queries(django_assert_num_queries: Any) -> Any:
    """Query budgets pin a page as it is built: the page cache is emptied as the count
    starts, so a cached answer cannot hide queries (tests/transitions/test_page_cache.py
    pins the cached answers)."""
    from django.core.cache import caches

    @contextmanager
    def counting(*args: Any, **kwargs: Any) -> Iterator[Any]:
        caches["pages"].clear()
        with django_assert_num_queries(*args, **kwargs) as context:
            yield context

    return counting
