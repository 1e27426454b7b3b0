"""Reporting lines: nobody manages herself, and no chain loops back."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client

from leadership.models import User
from tests.factories import UserFactory


def test_the_database_refuses_a_person_managing_herself(pm: User) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=pm.pk).update(manager=pm)


def test_validation_refuses_a_person_managing_herself(pm: User) -> None:
    pm.manager = pm
    with pytest.raises(ValidationError, match="cannot be her own manager"):
        pm.full_clean()


def test_validation_refuses_a_loop_in_the_reporting_line(pm: User, manager: User) -> None:
    director = UserFactory(username="dana")
    manager.manager = director
    manager.save()
    director.manager = pm  # pm → marco → dana → pm
    with pytest.raises(ValidationError, match="would make a loop"):
        director.full_clean()


def test_validation_accepts_a_normal_reporting_line(pm: User, manager: User) -> None:
    director = UserFactory(username="dana")
    manager.manager = director
    manager.full_clean()


def test_the_admin_refuses_a_loop_with_a_message(superuser: User, pm: User, manager: User) -> None:
    client = Client()
    client.force_login(superuser)
    response = client.post(
        f"/admin/leadership/user/{manager.pk}/change/",
        {
            "username": manager.username,
            "manager": pm.pk,
            "checkin_interval_days": 30,
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 200
    assert "would make a loop" in response.content.decode()
    manager.refresh_from_db()
    assert manager.manager is None


def test_the_admin_changes_a_reporting_line(superuser: User, pm: User, other_manager: User) -> None:
    client = Client()
    client.force_login(superuser)
    response = client.post(
        f"/admin/leadership/user/{pm.pk}/change/",
        {
            "username": pm.username,
            "manager": other_manager.pk,
            "checkin_interval_days": 30,
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302
    pm.refresh_from_db()
    assert pm.manager == other_manager


def _admin_saves(client: Client, person: User, *, active: bool) -> None:
    data = {
        "username": person.username,
        "checkin_interval_days": 30,
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }
    if active:
        data["is_active"] = "on"
    response = client.post(f"/admin/leadership/user/{person.pk}/change/", data)
    assert response.status_code == 302


def test_deactivating_in_the_admin_ends_her_sessions_for_good(superuser: User, pm: User) -> None:
    laptop = Client()
    laptop.post("/accounts/login/", {"username": "priya", "password": "pw-for-tests"})
    assert laptop.get("/").status_code == 200
    admin = Client()
    admin.force_login(superuser)

    _admin_saves(admin, pm, active=False)
    _admin_saves(admin, pm, active=True)

    # Reactivated, she signs in again; the cookie from before the deactivation is dead.
    assert laptop.get("/").status_code == 302
    assert admin.get("/admin/").status_code == 200  # the administrator's own session stays


def test_saving_an_active_person_in_the_admin_keeps_her_signed_in(
    superuser: User, pm: User
) -> None:
    laptop = Client()
    laptop.force_login(pm)
    admin = Client()
    admin.force_login(superuser)
    _admin_saves(admin, pm, active=True)
    assert laptop.get("/").status_code == 200


def test_deleting_a_person_in_the_admin_leaves_no_sign_in_records_or_name(
    superuser: User, pm: User
) -> None:
    from axes.models import AccessLog
    from django.contrib.admin.models import LogEntry
    from django.contrib.sessions.models import Session

    laptop = Client()
    laptop.post("/accounts/login/", {"username": "priya", "password": "pw-for-tests"})
    admin = Client()
    admin.force_login(superuser)
    response = admin.post(f"/admin/leadership/user/{pm.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(username="priya").exists()
    assert not AccessLog.objects.filter(username="priya").exists()
    assert [s.get_decoded()["_auth_user_id"] for s in Session.objects.all()] == [str(superuser.pk)]
    deletion = LogEntry.objects.get(object_id=str(pm.pk))
    assert "Priya" not in deletion.object_repr


def test_deleting_a_manager_in_the_admin_takes_her_unfinished_reviews_with_her(
    superuser: User, manager: User, pm: User
) -> None:
    from transitions import services
    from transitions.models import Framework, Review

    framework = Framework.objects.get(slug="ic-to-product-leader")
    services.review_start(person=pm, manager=manager, framework=framework)
    admin = Client()
    admin.force_login(superuser)
    response = admin.post(f"/admin/leadership/user/{manager.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Review.objects.filter(person=pm).exists()
