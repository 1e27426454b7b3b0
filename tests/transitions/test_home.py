"""Home: a manager's team comes first; a check-in can be started at any time."""

from __future__ import annotations

import pytest
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains

from leadership.models import User
from tests.factories import UserFactory, submitted_checkin
from transitions import services
from transitions.models import Review, Shift


def _completed(pm: User, manager: User, shifts: list[Shift]) -> Review:
    review, _ = services.review_start(
        person=pm, manager=manager, framework=shifts[0].area.framework
    )
    for shift in shifts:
        services.review_rate(
            review=review, shift=shift, revision=shift.revisions.latest(), changes={"level": 3}
        )
    services.review_write(review=review, summary="Fine.", agreed_focus="")
    return services.review_complete(review=review)


def test_a_manager_lands_on_her_team_first_with_what_waits_for_her(
    client: Client, pm: User, manager: User, shifts: list[Shift]
) -> None:
    sam = UserFactory(username="samir", first_name="Samir", manager=manager)
    submitted_checkin(sam, dict.fromkeys(shifts, 3), days_ago=1)  # not due
    submitted_checkin(pm, dict.fromkeys(shifts, 3), days_ago=400)  # due
    review = _completed(pm, manager, shifts)
    draft, _ = services.review_start(
        person=sam, manager=manager, framework=shifts[0].area.framework
    )
    services.review_rate(
        review=draft, shift=shifts[0], revision=shifts[0].revisions.latest(), changes={"level": 2}
    )
    client.force_login(manager)
    page = client.get("/")
    body = page.content.decode()
    assertContains(page, "Your team")
    assert body.index("Your team") < body.index("Where you stand")  # team first
    assertContains(page, "Check-in due", count=1)  # Priya's
    assertContains(page, f"Review in progress: 1 of {len(shifts)} rated")  # Samir's
    assertContains(page, f'href="/team/priya/reviews/{review.pk}/"')
    assertContains(page, "awaiting acknowledgement")
    # Her own dashboard is still there, below.
    assertContains(page, 'href="#standing-title"')
    assertContains(page, 'id="standing-title"')
    services.review_acknowledge(review=review, by=pm, response="", shift_responses={})
    assertNotContains(client.get("/"), "awaiting acknowledgement")


def test_a_pm_without_reports_has_no_team_section(client: Client, pm: User) -> None:
    client.force_login(pm)
    page = client.get("/")
    assertNotContains(page, "Your team")
    assertNotContains(page, 'href="/team/"')  # nor the Team page in the navigation


def test_the_manager_home_query_count_does_not_grow_with_reports(
    client: Client, manager: User, shifts: list[Shift], django_assert_num_queries
) -> None:
    def add_report() -> None:
        person = UserFactory(manager=manager)
        submitted_checkin(person, dict.fromkeys(shifts, 2), days_ago=3)
        _completed(person, manager, shifts)

    add_report()
    client.force_login(manager)
    client.get("/")  # framework content is then served from the cache
    # 1 session, 2 user, 3 levels in the last two check-ins, 4 last evidence per shift,
    # 5 area averages per check-in, 6 last check-in, 7 open draft, 8 focus, 9 latest review,
    # 10 recent evidence, 11 reports with their latest check-in and review (also: has
    # reports, for the navigation), 12 the ratings of those check-ins, 13 of those reviews,
    # 14 evidence shared since, 15 his open reviews, 16 his unread notifications (navigation);
    # no evidence of his own to prefetch shifts
    with django_assert_num_queries(17):
        client.get("/")
    for _ in range(5):
        add_report()
    with django_assert_num_queries(17):
        page = client.get("/")
    assert len(page.context["team"]) == 6


@pytest.mark.parametrize("days_ago", [1, 400])
def test_a_pm_can_start_a_check_in_at_any_time_when_she_has_no_draft(
    client: Client, pm: User, shifts: list[Shift], days_ago: int
) -> None:
    submitted_checkin(pm, dict.fromkeys(shifts, 3), days_ago=days_ago)
    client.force_login(pm)
    page = client.get("/")
    assertContains(page, "Start a check-in</button>")
    assertContains(page, 'action="/check-ins/new/"')
    response = client.post("/check-ins/new/")
    assert response.status_code == 302
    page = client.get("/")
    assertNotContains(page, "Start a check-in</button>")
    assertContains(page, "Continue your check-in")
