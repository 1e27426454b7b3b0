"""Flow (d): the content editor retires a shift in the admin; the PM's next check-in leaves
it out while her submitted check-in still shows it — with and without JavaScript."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from leadership.models import User
from tests.factories import submitted_checkin
from transitions.models import CheckIn, Shift

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.parametrize("js", [pytest.param(True, id="js"), pytest.param(False, id="no-js")])
def test_retired_shift_leaves_new_check_ins_and_stays_in_history(
    open_page: Any, editor: User, pm: User, shifts: list[Shift], js: bool
) -> None:
    earlier = submitted_checkin(pm, dict.fromkeys(shifts, 3), days_ago=40)
    retired = shifts[4]

    admin = open_page(editor, js=js)
    admin.goto("/admin/transitions/shift/")
    admin.get_by_role("checkbox", name=f"Select this object for an action - {retired}").check()
    admin.get_by_role("combobox", name=re.compile("^Action")).select_option("retire")
    admin.get_by_role("button", name="Go").click()
    expect(admin.locator(".messagelist")).to_contain_text("Retired 1.")

    page = open_page(pm, js=js)
    page.goto("/check-ins/")
    page.get_by_role("button", name="Start a check-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check-in in progress")
    page.wait_for_load_state()  # htmx listens once the deferred script has run
    active = len(shifts) - 1
    expect(page.locator("#progress-count")).to_have_text(f"0 of {active} shifts rated")
    expect(page.locator("fieldset.rating")).to_have_count(active)
    expect(page.get_by_role("main")).not_to_contain_text(retired.to_text)
    assert CheckIn.objects.of(pm).drafts().count() == 1

    page.goto("/framework/")
    expect(page.get_by_role("main")).not_to_contain_text(retired.to_text)

    # Her history keeps the shift, with the wording she rated.
    page.goto("/check-ins/")
    page.get_by_role("link", name=re.compile("^View")).click()
    expect(page).to_have_url(re.compile(f"/check-ins/{earlier.pk}/$"))
    expect(page.get_by_role("main")).to_contain_text(retired.to_text)
    expect(page.locator(".shift-card")).to_have_count(len(shifts))
