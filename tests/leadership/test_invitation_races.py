"""Two tabs posting one invitation link at the same moment make one account, with real
threads and connections. PostgreSQL only: SQLite serialises every write."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from leadership import invitations
from leadership.models import Invitation, User
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrency needs PostgreSQL (CI runs the suite on it too)",
    ),
]

PASSWORD = "a-long-and-unusual-passphrase-17"


def test_two_tabs_accepting_one_link_make_one_account() -> None:
    manager = UserFactory(username="marco")
    token = "a-link-two-tabs-post-at-once-" + "x" * 20
    Invitation.objects.create(
        email="nora@example.com",
        token_hash=invitations.hash_token(token),
        invited_by=manager,
        manager=manager,
        expires_at=timezone.now() + timedelta(days=7),
    )
    barrier = threading.Barrier(2)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def join(i: int) -> None:
        try:
            barrier.wait()
            response = Client().post(
                f"/invitations/{token}/",
                {"first_name": f"Tab{i}", "password1": PASSWORD, "password2": PASSWORD},
            )
            statuses.append(response.status_code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=join, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sorted(statuses) == [302, 410]
    assert User.objects.filter(email="nora@example.com").count() == 1
