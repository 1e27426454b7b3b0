from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from leadership.models import User
from transitions.models import Focus, Shift

HTMX = {"HX-Request": "true"}


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


def test_the_picker_offers_only_shifts_not_in_focus(
    pm_client: Client, pm: User, shifts: list[Shift]
) -> None:
    _add(pm_client, shifts[0])
    page = pm_client.get("/focus/")
    assertContains(page, f'<option value="{shifts[1].slug}"')
    assertNotContains(page, f'<option value="{shifts[0].slug}"')
    # A second tab still offering it: refused, with the way to change its step instead.
    response = _add(pm_client, shifts[0], "Another step")
    assertContains(response, "is in your focus already", status_code=422)
    assert list(Focus.objects.values_list("next_step", flat=True)) == ["Run the planning session"]


def test_a_full_focus_says_how_to_make_room(
    pm_client: Client, pm: User, shifts: list[Shift]
) -> None:
    for shift in shifts[:3]:
        _add(pm_client, shift)
    page = pm_client.get("/focus/")
    assertContains(page, "Focus is full")
    assertContains(page, "You focus on 3 shifts, the most at once.")
    assertNotContains(page, "Add focus</button>")


def _focus(pm: User) -> Focus:
    return Focus.objects.get(person=pm, cleared_at__isnull=True)


def test_the_next_step_is_edited_on_its_own_page_without_javascript(
    pm_client: Client, pm: User, shifts: list[Shift]
) -> None:
    _add(pm_client, shifts[0], "First idea")
    focus = _focus(pm)
    page = pm_client.get(f"/focus/{focus.pk}/edit/")
    assertContains(page, "<title>Change a next step")
    assertContains(page, 'name="step-next_step"')
    assertContains(page, 'value="First idea"')
    assertContains(page, f'href="/focus/#focus-{focus.pk}" hx-get="/focus/{focus.pk}/"')
    response = pm_client.post(f"/focus/{focus.pk}/edit/", {"step-next_step": "Better idea"})
    new = _focus(pm)
    assert response.status_code == 302
    assert response["Location"] == f"/focus/#focus-{new.pk}"
    # History is kept: the earlier step is a cleared row, never deleted or overwritten.
    rows = list(Focus.objects.filter(person=pm).order_by("set_at", "pk"))
    assert [(f.next_step, f.is_active) for f in rows] == [
        ("First idea", False),
        ("Better idea", True),
    ]
    page = pm_client.get("/focus/")
    assertContains(page, "Saved the next step")
    assertContains(page, "Earlier focus")
    assertContains(page, "<td>First idea</td>", html=False)


def test_the_next_step_is_edited_in_place_with_htmx(
    pm_client: Client, pm: User, shifts: list[Shift]
) -> None:
    _add(pm_client, shifts[0], "First idea")
    focus = _focus(pm)
    form = pm_client.get(f"/focus/{focus.pk}/edit/", headers=HTMX)
    assertContains(form, f'<li class="shift-card focus-item" id="focus-{focus.pk}"')
    assertContains(form, "data-escape-cancels")
    assertNotContains(form, "<html")
    cancel = pm_client.get(f"/focus/{focus.pk}/", headers=HTMX)
    assertContains(cancel, f'id="focus-{focus.pk}-edit"')
    assertContains(cancel, f'data-focus-after-swap="#focus-{focus.pk}-edit"')
    assertNotContains(cancel, "<html")
    saved = pm_client.post(
        f"/focus/{focus.pk}/edit/", {"step-next_step": "Better idea"}, headers=HTMX
    )
    new = _focus(pm)
    # The whole section comes back (the history changed too), focus on the edited row.
    assert saved["HX-Retarget"] == "#focus-page"
    assert saved["HX-Reswap"] == "outerHTML"
    assertContains(saved, f'data-focus-after-swap="#focus-{new.pk}-edit"')
    assertContains(saved, "Saved the next step for")
    assertContains(saved, "<td>First idea</td>", html=False)
    assertNotContains(saved, "<html")


def test_a_blank_next_step_is_explained_in_place(
    pm_client: Client, pm: User, shifts: list[Shift]
) -> None:
    _add(pm_client, shifts[0])
    focus = _focus(pm)
    for headers in ({}, HTMX):
        response = pm_client.post(
            f"/focus/{focus.pk}/edit/", {"step-next_step": ""}, headers=headers
        )
        assertContains(response, "Write down the next step", status_code=422)
    assertContains(response, 'aria-invalid="true"', status_code=422)
    page = pm_client.post(f"/focus/{focus.pk}/edit/", {"step-next_step": ""})
    assertContains(page, "<title>Error: Change a next step", status_code=422)
    assert _focus(pm).pk == focus.pk


def test_a_step_changed_in_another_tab_is_not_overwritten(
    pm_client: Client, pm: User, shifts: list[Shift]
) -> None:
    _add(pm_client, shifts[0], "First idea")
    stale = _focus(pm)
    pm_client.post(f"/focus/{stale.pk}/edit/", {"step-next_step": "From tab one"})
    current = _focus(pm)
    for headers in ({}, HTMX):
        response = pm_client.post(
            f"/focus/{stale.pk}/edit/", {"step-next_step": "From tab two"}, headers=headers
        )
        # Both values shown; the form now saves over the current row, knowingly.
        assertContains(response, "was changed in another tab", status_code=409)
        assertContains(response, "Saved now: “From tab one”", status_code=409)
        assertContains(response, 'value="From tab two"', status_code=409)
        assertContains(response, f'action="/focus/{current.pk}/edit/"', status_code=409)
    assert _focus(pm).next_step == "From tab one"
    pm_client.post(f"/focus/{current.pk}/edit/", {"step-next_step": "From tab two"})
    assert _focus(pm).next_step == "From tab two"


def test_the_same_step_saved_in_two_tabs_is_no_conflict(
    pm_client: Client, pm: User, shifts: list[Shift]
) -> None:
    _add(pm_client, shifts[0], "First idea")
    stale = _focus(pm)
    pm_client.post(f"/focus/{stale.pk}/edit/", {"step-next_step": "Same"})
    response = pm_client.post(f"/focus/{stale.pk}/edit/", {"step-next_step": "Same"})
    assert response.status_code == 302
    assert Focus.objects.filter(person=pm).count() == 2


def test_a_step_for_a_focus_stopped_in_another_tab_is_kept_to_add_again(
    pm_client: Client, pm: User, shifts: list[Shift]
) -> None:
    _add(pm_client, shifts[0], "First idea")
    focus = _focus(pm)
    pm_client.post(f"/focus/{focus.pk}/clear/")
    response = pm_client.post(f"/focus/{focus.pk}/edit/", {"step-next_step": "Kept"})
    assertContains(response, "You stopped focusing on this shift in another tab", status_code=409)
    assertContains(response, 'value="Kept"', status_code=409)
    assertContains(response, f'name="shift" value="{shifts[0].slug}"', status_code=409)
    assert not Focus.objects.filter(cleared_at__isnull=True).exists()
    assert _add(pm_client, shifts[0], "Kept").status_code == 302
    assert _focus(pm).next_step == "Kept"


def test_stopping_a_focus_asks_first_and_keeps_it_in_history(
    pm_client: Client, pm: User, shifts: list[Shift]
) -> None:
    _add(pm_client, shifts[0])
    focus = _focus(pm)
    confirm = pm_client.get(f"/focus/{focus.pk}/clear/")
    assertContains(confirm, "<title>Stop focusing on a shift")
    assertContains(confirm, "Stop focusing on this shift?")
    assertContains(confirm, "It moves to Earlier focus with its next step")
    assertContains(confirm, "Yes, stop focusing")
    focus.refresh_from_db()
    assert focus.is_active  # asking wrote nothing
    response = pm_client.post(f"/focus/{focus.pk}/clear/")
    assert response.status_code == 302
    focus.refresh_from_db()
    assert focus.cleared_at is not None
    page = pm_client.get("/focus/")
    assertContains(page, "to Earlier focus")
    assertContains(page, "<td>Run the planning session</td>", html=False)
    assert _add(pm_client, shifts[3]).status_code == 302


def test_stopping_a_focus_in_place_with_htmx(
    pm_client: Client, pm: User, shifts: list[Shift]
) -> None:
    _add(pm_client, shifts[0])
    focus = _focus(pm)
    confirm = pm_client.get(f"/focus/{focus.pk}/clear/", headers=HTMX)
    assertContains(confirm, f'data-focus-after-swap="#focus-{focus.pk}-confirm"')
    assertContains(confirm, "data-cancel>Keep it in focus</a>")
    assertNotContains(confirm, "<html")
    done = pm_client.post(f"/focus/{focus.pk}/clear/", headers=HTMX)
    assert done["HX-Retarget"] == "#focus-page"
    assertContains(done, 'data-focus-after-swap="#current-title"')
    assertContains(done, "to Earlier focus")
    assertContains(done, "No focus yet")
    # A second click, or another tab: nothing more is written, and it says so.
    again = pm_client.post(f"/focus/{focus.pk}/clear/", headers=HTMX)
    assertContains(again, "nothing was moved")
    assert Focus.objects.filter(person=pm).count() == 1


def test_a_row_changed_elsewhere_says_so_instead_of_a_form(
    pm_client: Client, pm: User, shifts: list[Shift]
) -> None:
    _add(pm_client, shifts[0])
    focus = _focus(pm)
    pm_client.post(f"/focus/{focus.pk}/clear/")
    for url in (f"/focus/{focus.pk}/edit/", f"/focus/{focus.pk}/clear/", f"/focus/{focus.pk}/"):
        assertContains(pm_client.get(url, headers=HTMX), "changed in another tab or window")
    assert pm_client.get(f"/focus/{focus.pk}/edit/").status_code == 302
    assert pm_client.get(f"/focus/{focus.pk}/").status_code == 302


@pytest.mark.parametrize("count", [1, 3])
def test_the_focus_page_reads_in_a_fixed_number_of_queries(
    pm_client: Client,
    pm: User,
    shifts: list[Shift],
    count: int,
    django_assert_num_queries: Any,
) -> None:
    for shift in shifts[:count]:
        _add(pm_client, shift)
        focus = _focus_on(pm, shift)
        pm_client.post(f"/focus/{focus.pk}/edit/", {"step-next_step": "Changed"})
    with django_assert_num_queries(4):
        # 1-2. the session and the user
        # 3. her focus, now and earlier, with shifts and areas (the framework and its
        #    shifts, for the picker, come from the content cache)
        # 4. the navigation: whether she has reports, unread notifications
        pm_client.get("/focus/")


def _focus_on(pm: User, shift: Shift) -> Focus:
    return Focus.objects.get(person=pm, shift=shift, cleared_at__isnull=True)


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
        assert client.post(f"/focus/{focus.pk}/edit/", {"step-next_step": "x"}).status_code == 404
        for url in (f"/focus/{focus.pk}/", f"/focus/{focus.pk}/edit/", f"/focus/{focus.pk}/clear/"):
            assert client.get(url, headers=HTMX).status_code == 404
        assertNotContains(client.get("/focus/"), "Run the planning session")
    focus.refresh_from_db()
    assert focus.is_active
