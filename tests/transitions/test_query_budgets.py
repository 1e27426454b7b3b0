"""Query budgets of the pages not pinned elsewhere, at two data sizes each.

(The dashboard, check-in, evidence list, team and review pages are pinned in their own
feature tests.)"""

from __future__ import annotations

from django.test import Client

from leadership.models import User
from tests.factories import EvidenceFactory, submitted_checkin
from transitions import services
from transitions.models import Shift


def _history(pm: User, manager: User, shifts: list[Shift], months: int) -> None:
    for month in range(months):
        checkin = submitted_checkin(
            pm,
            {s: 1 + (month + n) % 5 for n, s in enumerate(shifts)},
            days_ago=30 * (months - month),
        )
        EvidenceFactory(
            author=pm, shifts=shifts[:3], visibility="shared", title=f"Entry {checkin.pk}"
        )
        _attested_feedback(pm, shifts[month % 3 : month % 3 + 2], month)
    framework = shifts[0].area.framework
    review, _ = services.review_start(person=pm, manager=manager, framework=framework)
    for shift in shifts:
        services.review_rate(
            review=review, shift=shift, revision=shift.revisions.latest(), changes={"level": 3}
        )
    services.review_write(review=review, summary="Fine.", agreed_focus="")
    services.review_complete(review=review)


def _attested_feedback(pm: User, shifts: list[Shift], n: int) -> None:
    """An outside person's answer, shared and attached to the first shift asked about."""
    asked = services.feedback_request_create(
        requester=pm,
        shifts=shifts,
        question="How did it go?",
        name=f"Giver {n}",
        email=f"giver{n}@example.org",
    )
    data = {"example": "Well.", "frequency": "", "giver_name": f"Giver {n}", "giver_role": ""}
    services.feedback_answer_save(request=asked, data=data, send=True)
    services.feedback_share(request=asked, shared=True)
    services.feedback_attest(request=asked, shift=shifts[0])


def _count(client: Client, url: str, django_assert_num_queries, expected: int) -> None:
    client.get(url)  # the framework content is then in the cache
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200


def test_the_shift_page_budget_is_the_same_with_little_and_much_history(
    client: Client, pm: User, manager: User, shifts: list[Shift], django_assert_num_queries
) -> None:
    client.force_login(pm)
    url = f"/shifts/{shifts[0].slug}/"
    # 1 session, 2 user, 3 the shift, 4 my ratings of it, 5 my evidence for it, 6 their
    # shifts, 7 review comments, 8-10 the quarter timeline (self, manager, evidence dates),
    # 11 has reports (nav)
    _history(pm, manager, shifts, 1)
    _count(client, url, django_assert_num_queries, 12)
    _history(pm, manager, shifts, 24)
    _count(client, url, django_assert_num_queries, 12)


def test_the_packet_budget_is_the_same_with_little_and_much_history(
    client: Client, pm: User, manager: User, shifts: list[Shift], django_assert_num_queries
) -> None:
    # 1 session, 2 user, 3 levels in her last two check-ins, 4 last evidence per shift,
    # 5 the latest completed review, 6 its ratings, 7 a year of her ratings, 8 evidence,
    # 9 its shifts, 10 attestations, 11 has reports (nav); the manager's view adds 12 the
    # report and 13 his open review of her (whose unrated shifts keep their self-ratings
    # hidden)
    _history(pm, manager, shifts, 1)
    client.force_login(pm)
    _count(client, "/packet/", django_assert_num_queries, 12)
    client.force_login(manager)
    _count(client, "/team/priya/packet/", django_assert_num_queries, 14)
    _history(pm, manager, shifts, 24)
    client.force_login(pm)
    _count(client, "/packet/", django_assert_num_queries, 12)
    client.force_login(manager)
    _count(client, "/team/priya/packet/", django_assert_num_queries, 14)


def test_without_the_content_cache_each_piece_of_content_is_read_once_per_request(
    client: Client, manager: User, shifts: list[Shift], settings
) -> None:
    """Deployments without Redis run with CACHE_FRAMEWORK_CONTENT off: the team page reads
    the framework and its wording history once per request, however many reports it lists."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import UserFactory

    settings.CACHE_FRAMEWORK_CONTENT = False
    client.force_login(manager)

    def report(n: int) -> None:
        person = UserFactory(manager=manager)
        _history(person, manager, shifts, 2)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/team/").status_code == 200
        return len(captured)

    report(0)
    few = queries()
    for n in range(1, 8):
        report(n)
    assert queries() == few
