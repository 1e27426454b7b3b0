"""Nothing typed is lost: a note followed at once by a reload is saved, and a stale tab's
answer never silently replaces a newer one from another tab."""

from __future__ import annotations

import time
from typing import Any

import pytest
from playwright.sync_api import expect

from leadership.models import User
from tests.browser.test_checkin_flow import rate, shift_group
from transitions import services
from transitions.models import CheckIn, Rating, Shift

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _saved_note(checkin: CheckIn, shift: Shift, *, within: float = 5.0) -> str:
    """The note as saved, waiting a little for a request the closing page sent."""
    deadline = time.monotonic() + within
    while True:
        note = Rating.objects.filter(checkin=checkin, shift=shift).values_list("note", flat=True)
        if (note and note[0]) or time.monotonic() > deadline:
            return note[0] if note else ""
        time.sleep(0.1)


def test_a_note_typed_just_before_a_reload_is_saved(
    open_page: Any, pm: User, shifts: list[Shift]
) -> None:
    checkin, _ = services.checkin_start(person=pm, framework=shifts[0].area.framework)
    page = open_page(pm)
    page.goto(f"/check-ins/{checkin.pk}/")
    shift_group(page, shifts[0]).get_by_text("Add a note").click()
    note = shift_group(page, shifts[0]).get_by_label("Note")
    note.fill("Typed, then reloaded at once")
    page.reload()  # well within htmx's one-second autosave delay
    assert _saved_note(checkin, shifts[0]) == "Typed, then reloaded at once"
    page.reload()
    expect(shift_group(page, shifts[0]).get_by_label("Note")).to_have_value(
        "Typed, then reloaded at once"
    )


def test_a_note_typed_just_before_leaving_the_page_is_saved(
    open_page: Any, pm: User, shifts: list[Shift]
) -> None:
    checkin, _ = services.checkin_start(person=pm, framework=shifts[0].area.framework)
    page = open_page(pm)
    page.goto(f"/check-ins/{checkin.pk}/")
    shift_group(page, shifts[1]).get_by_text("Add a note").click()
    shift_group(page, shifts[1]).get_by_label("Note").fill("Typed, then the tab was closed")
    page.goto("/evidence/")
    assert _saved_note(checkin, shifts[1]) == "Typed, then the tab was closed"


def test_a_stale_tab_shows_both_answers_and_overwrites_nothing(
    open_page: Any, pm: User, shifts: list[Shift]
) -> None:
    checkin, _ = services.checkin_start(person=pm, framework=shifts[0].area.framework)
    first = shifts[0]
    stale = open_page(pm)
    stale.goto(f"/check-ins/{checkin.pk}/")
    fresh = stale.context.new_page()
    fresh.goto(f"/check-ins/{checkin.pk}/")
    rate(fresh, first, 4)
    expect(fresh.locator(f"#status-{first.slug}")).to_contain_text("Saved: Consistent.")

    # A click, not check(): check() verifies the radio is checked afterwards and, when the
    # row was already swapped for the saved answer, clicks the new row's radio again.
    shift_group(stale, first).get_by_role("radio", name="2 Exploring").click()
    group = shift_group(stale, first)
    expect(group).to_contain_text("Not saved: this shift was changed in another tab or window.")
    expect(group.get_by_role("radio", name="4 Consistent")).to_be_checked()
    assert Rating.objects.get(checkin=checkin, shift=first).level == 4

    # Having seen the saved answer, choosing her own again replaces it.
    rate(stale, first, 2)
    expect(stale.locator(f"#status-{first.slug}")).to_contain_text("Saved: Exploring.")
    assert Rating.objects.get(checkin=checkin, shift=first).level == 2
