from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertNotContains

from leadership.models import User
from transitions.models import Focus, Shift


@pytest.fixture
def pm_client(client: Client, pm: User) -> Client:
    client.force_login(pm)
    return client


def _add(client: Client, shift: Shift, step: str = "Run the planning session") -> object:
    return client.post("/focus/", {"shift": shift.slug, "next_step": step})


def test_the_pm_picks_up_to_three_focus_shifts(
    pm_client: Client, pm: User, shifts: list[Shift]
) -> None:
    assert "No focus yet" in pm_client.get("/focus/").content.decode()
    for shift in shifts[:3]:
        assert _add(pm_client, shift).status_code == 302
    response = _add(pm_client, shifts[3])
    assert response.status_code == 422
    assert "You already focus on 3 shifts" in response.content.decode()
    assert Focus.objects.filter(person=pm, cleared_at__isnull=True).count() == 3
    dashboard = pm_client.get("/").content.decode()
    assert "Next step: Run the planning session" in dashboard


def test_changing_a_next_step_keeps_the_earlier_one(
    pm_client: Client, pm: User, shifts: list[Shift]
) -> None:
    _add(pm_client, shifts[0], "First idea")
    _add(pm_client, shifts[0], "Better idea")
    focus = list(Focus.objects.filter(person=pm).order_by("set_at", "pk"))
    assert [f.next_step for f in focus] == ["First idea", "Better idea"]
    assert focus[0].cleared_at is not None
    assert focus[1].cleared_at is None
    page = pm_client.get("/focus/").content.decode()
    assert "Earlier focus" in page
    assert "First idea" in page


def test_clearing_focus_keeps_history(pm_client: Client, pm: User, shifts: list[Shift]) -> None:
    _add(pm_client, shifts[0])
    focus = Focus.objects.get(person=pm)
    assert pm_client.get(f"/focus/{focus.pk}/clear/").status_code == 405
    assert pm_client.post(f"/focus/{focus.pk}/clear/").status_code == 302
    focus.refresh_from_db()
    assert focus.cleared_at is not None
    assert _add(pm_client, shifts[3]).status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"shift": "", "next_step": "x"}, "Choose the shift you want to work on."),
        ({"shift": "lead-a-team-of-pms", "next_step": ""}, "Write down the next step"),
        ({"shift": "nope", "next_step": "x"}, "Choose one of the active shifts"),
        ({"shift": "lead-a-team-of-pms", "next_step": "x" * 301}, "Keep the next step to 300"),
    ],
)
def test_bad_focus_input_is_explained(
    pm_client: Client, shifts: list[Shift], data: dict, message: str
) -> None:
    response = pm_client.post("/focus/", data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Focus.objects.exists()


def test_a_retired_shift_cannot_become_focus(pm_client: Client, shifts: list[Shift]) -> None:
    Shift.objects.filter(pk=shifts[0].pk).update(retired_at=timezone.now())
    assert _add(pm_client, shifts[0]).status_code == 422


def test_others_cannot_clear_my_focus(
    client: Client, pm: User, other_pm: User, manager: User, shifts: list[Shift]
) -> None:
    client.force_login(pm)
    _add(client, shifts[0])
    focus = Focus.objects.get()
    for person in (other_pm, manager):
        client.force_login(person)
        assert client.post(f"/focus/{focus.pk}/clear/").status_code == 404
        assertNotContains(client.get("/focus/"), "Run the planning session")
    focus.refresh_from_db()
    assert focus.is_active
