"""The dashboard's evidence panels and the shift page's timeline."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from leadership.models import User
from tests.factories import EvidenceFactory
from transitions.models import Shift


@pytest.fixture
def pm_client(client: Client, pm: User) -> Client:
    client.force_login(pm)
    return client


def test_a_new_user_sees_what_to_do_first(pm_client: Client, framework: object) -> None:
    body = pm_client.get("/").content.decode()
    assert "No evidence yet" in body
    assert "12 of 12 shifts" in body


def test_the_dashboard_lists_recent_evidence_and_shifts_without_it(
    pm_client: Client, pm: User, other_pm: User, shifts: list[Shift]
) -> None:
    today = timezone.localdate()
    EvidenceFactory(author=pm, shifts=[shifts[0]], title="Recent one", happened_on=today)
    EvidenceFactory(
        author=pm, shifts=[shifts[1]], title="Old one", happened_on=today - timedelta(days=120)
    )
    EvidenceFactory(author=other_pm, shifts=[shifts[2]], title="Not mine")
    response = pm_client.get("/")
    body = response.content.decode()
    assert "Recent one" in body
    assert "Not mine" not in body
    gaps = [standing.shift for standing in response.context["evidence_gaps"]]
    assert shifts[0] not in gaps
    assert shifts[1] in gaps  # its only evidence is older than 90 days
    assert shifts[2] in gaps  # another person's evidence does not count
    assert len(gaps) == 11
    assert f"/evidence/new/?shift={shifts[1].slug}" in body
    assertContains(response, '<h2 id="gaps-title">Shifts without recent evidence</h2>')
    assertContains(response, "11 of 12 shifts have no evidence from the last 90 days.")


def test_the_evidence_gaps_panel_says_so_when_every_shift_has_evidence(
    pm_client: Client, pm: User, shifts: list[Shift]
) -> None:
    EvidenceFactory(author=pm, shifts=shifts, happened_on=timezone.localdate())
    response = pm_client.get("/")
    assertContains(response, '<h2 id="gaps-title">Shifts without recent evidence</h2>')
    assertContains(response, "Every shift has evidence from the last 90 days. Well done.")
    assertNotContains(response, "No evidence in the last")


def test_the_dashboard_shows_only_the_five_newest(
    pm_client: Client, pm: User, shifts: list[Shift]
) -> None:
    for i in range(7):
        EvidenceFactory(
            author=pm,
            shifts=[shifts[0]],
            title=f"Item {i}",
            happened_on=timezone.localdate() - timedelta(days=i),
        )
    body = pm_client.get("/").content.decode()
    assert "Item 4" in body
    assert "Item 5" not in body


def test_the_dashboard_query_count_does_not_grow(
    pm_client: Client, pm: User, shifts: list[Shift], django_assert_num_queries
) -> None:
    EvidenceFactory(author=pm, shifts=[shifts[0]])
    pm_client.get("/")  # framework content is then served from the cache
    # 1 session, 2 user, 3 levels in the last two check-ins, 4 last evidence per shift,
    # 5 area averages per check-in, 6 last check-in, 7 open draft, 8 her reports for the
    # team section (none), 9 focus, 10 latest review, 11 recent evidence, 12 their shifts
    # (prefetch), 13 unread notifications and has reports (nav)
    with django_assert_num_queries(14):
        pm_client.get("/")
    for _ in range(20):
        EvidenceFactory(author=pm, shifts=shifts[:4])
    with django_assert_num_queries(14):
        pm_client.get("/")


def test_the_shift_page_shows_wording_guidance_and_my_timeline(
    pm_client: Client, pm: User, other_pm: User, shifts: list[Shift]
) -> None:
    shift = shifts[2]
    today = timezone.localdate()
    EvidenceFactory(
        author=pm, shifts=[shift], title="Older", happened_on=today - timedelta(days=30)
    )
    EvidenceFactory(author=pm, shifts=[shift], title="Newer", happened_on=today)
    EvidenceFactory(author=pm, shifts=[shifts[3]], title="Other shift")
    EvidenceFactory(author=other_pm, shifts=[shift], title="Someone else")
    body = pm_client.get(f"/shifts/{shift.slug}/").content.decode()
    assert shift.from_text in body
    assert shift.to_text in body
    assert "Good looks like" in body
    assert body.index("Newer") < body.index("Older")
    assert "Other shift" not in body
    assert "Someone else" not in body
    assert f"/evidence/new/?shift={shift.slug}" in body


def test_a_retired_shift_page_still_shows_history(
    pm_client: Client, pm: User, shifts: list[Shift]
) -> None:
    EvidenceFactory(author=pm, shifts=[shifts[0]], title="Before retirement")
    Shift.objects.filter(pk=shifts[0].pk).update(retired_at=timezone.now())
    body = pm_client.get(f"/shifts/{shifts[0].slug}/").content.decode()
    assert "retired shift" in body
    assert "Before retirement" in body
    assert "Add evidence for this shift" not in body


def test_a_shift_of_another_framework_is_404(pm_client: Client, framework: object) -> None:
    from tests.factories import ShiftFactory

    foreign = ShiftFactory()
    assert pm_client.get(f"/shifts/{foreign.slug}/").status_code == 404
    assert pm_client.get("/shifts/no-such-shift/").status_code == 404


def test_the_shift_page_shows_my_rating_history_and_notes(
    pm_client: Client, pm: User, shifts: list[Shift]
) -> None:
    from tests.factories import submitted_checkin
    from transitions.models import Rating

    shift = shifts[0]
    submitted_checkin(pm, {shift: 2}, days_ago=60)
    latest = submitted_checkin(pm, {shift: 4}, days_ago=5)
    Rating.objects.filter(checkin=latest).update(note="Delegated the redesign")
    body = pm_client.get(f"/shifts/{shift.slug}/").content.decode()
    assert "<svg" in body
    assert (
        '<title id="shift-history-title">My rating of this shift in each check-in</title>' in body
    )
    assert "4 · Consistent" in body
    assert "2 · Exploring" in body
    assert "Delegated the redesign" in body


def test_the_shift_page_shows_the_wording_i_rated_when_it_changed(
    pm_client: Client, pm: User, shifts: list[Shift], editor: User
) -> None:
    from tests.factories import submitted_checkin
    from transitions import services
    from transitions.models import ShiftRevision

    shift = shifts[0]
    old_to = shift.to_text
    submitted_checkin(pm, {shift: 3}, days_ago=5)
    shift.to_text = "leading a team of PMs"
    services.shift_save(shift=shift, kind=ShiftRevision.Kind.MEANING_CHANGE, by=editor)
    body = pm_client.get(f"/shifts/{shift.slug}/").content.decode()
    assert "The wording changed since you last rated it" in body
    assert old_to in body
    assert "leading a team of PMs" in body


def test_the_dashboard_draws_the_trend_with_a_table(
    pm_client: Client, pm: User, shifts: list[Shift]
) -> None:
    from tests.factories import submitted_checkin

    submitted_checkin(pm, dict.fromkeys(shifts, 2), days_ago=60)
    submitted_checkin(pm, dict.fromkeys(shifts, 4), days_ago=30)
    body = pm_client.get("/").content.decode()
    assert '<svg class="chart__svg"' in body
    assert '<title id="trend-title">Average level per area in each check-in</title>' in body
    assert "Average level per area in each submitted check-in</caption>" in body
    assert body.count("<td>4.0</td>") == 3
    assert "A check-in is due" in body  # the last one was 30 days ago, cadence monthly


def test_the_check_in_nudge_follows_the_personal_cadence(
    pm_client: Client, pm: User, shifts: list[Shift]
) -> None:
    from tests.factories import submitted_checkin

    submitted_checkin(pm, dict.fromkeys(shifts, 3), days_ago=20)
    assertNotContains(pm_client.get("/"), "A check-in is due")
    pm.checkin_interval_days = 14
    pm.save()
    assert "A check-in is due" in pm_client.get("/").content.decode()


@pytest.mark.parametrize(("page", "lines"), [("/", 3), ("/shifts/{slug}/", 1)])
def test_the_charts_place_check_ins_by_their_dates(
    pm_client: Client, pm: User, shifts: list[Shift], page: str, lines: int
) -> None:
    from tests.factories import submitted_checkin

    # Two check-ins on one day, the third two months later: the first two share the left
    # edge (x 36) instead of being drawn a third of the chart apart.
    submitted_checkin(pm, dict.fromkeys(shifts, 2), days_ago=60)
    submitted_checkin(pm, dict.fromkeys(shifts, 3), days_ago=60)
    submitted_checkin(pm, dict.fromkeys(shifts, 4), days_ago=0)
    body = pm_client.get(page.format(slug=shifts[0].slug)).content.decode()
    assert body.count('<circle cx="36.0"') == 2 * lines
    assert body.count('<circle cx="628.0"') == lines
    assert '<circle cx="332.0"' not in body


def test_the_packet_sparklines_place_check_ins_by_their_dates(
    pm_client: Client, pm: User, shifts: list[Shift]
) -> None:
    from tests.factories import submitted_checkin

    submitted_checkin(pm, dict.fromkeys(shifts, 2), days_ago=60)
    submitted_checkin(pm, dict.fromkeys(shifts, 3), days_ago=60)
    submitted_checkin(pm, dict.fromkeys(shifts, 4), days_ago=0)
    body = pm_client.get("/packet/").content.decode()
    # 120 wide with 4 of padding: the left edge is x 4, the right edge x 116.
    assert body.count('points="4.0,25.0 4.0,18.0 116.0,11.0"') == len(shifts)


def test_the_packet_trend_is_labelled_with_its_levels_as_text_on_its_own_row(
    pm_client: Client, pm: User, shifts: list[Shift]
) -> None:
    from tests.factories import submitted_checkin

    submitted_checkin(pm, dict.fromkeys(shifts, 2), days_ago=60)
    submitted_checkin(pm, dict.fromkeys(shifts, 4), days_ago=0)
    response = pm_client.get("/packet/")
    caption = (
        '<figcaption><span class="packet__trend-label">Self rating over the year:</span> 2, 4 '
        '<span class="muted">(oldest first)</span></figcaption>'
    )
    assertContains(response, caption, count=len(shifts))
    body = response.content.decode()
    # Not inside the row of levels: after it, a row of its own (a figure, in print too).
    levels = body.index('<div class="packet__levels">')
    assert body.index("</div>", levels) < body.index('<figure class="packet__trend">', levels)
    assertContains(response, 'class="sparkline" viewBox="0 0 120 36" aria-hidden="true"')
