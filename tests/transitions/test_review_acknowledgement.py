"""The PM answers a completed review: she acknowledges it, with a response overall and per
shift; her manager reads both, dated; afterwards the review and the response are read-only."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from leadership.models import User
from tests.factories import UserFactory, submitted_checkin
from transitions import services
from transitions.models import Notification, Review, ReviewRating, Shift
from transitions.templatetags.isotime import isotime


def _completed(pm: User, manager: User, shifts: list[Shift], level: int = 3) -> Review:
    review, _ = services.review_start(
        person=pm, manager=manager, framework=shifts[0].area.framework
    )
    for shift in shifts:
        services.review_rate(
            review=review, shift=shift, revision=shift.revisions.latest(), changes={"level": level}
        )
    services.review_write(review=review, summary="Doing well.", agreed_focus="Hiring.")
    return services.review_complete(review=review)


@pytest.fixture
def review(pm: User, manager: User, shifts: list[Shift]) -> Review:
    submitted_checkin(pm, dict.fromkeys(shifts, 2), days_ago=5)
    return _completed(pm, manager, shifts)


def _answer(shifts: list[Shift], overall: str = "Fair, thank you.", **per_shift: str) -> dict:
    return {"response": overall, **{f"{slug}-response": text for slug, text in per_shift.items()}}


def test_the_pm_acknowledges_with_a_response_overall_and_per_shift(
    client: Client, pm: User, review: Review, shifts: list[Shift]
) -> None:
    client.force_login(pm)
    page = client.get(f"/reviews/{review.pk}/")
    assertContains(page, "Not acknowledged yet")
    assertContains(page, f'name="{shifts[0].slug}-response"')
    assertContains(page, "Acknowledge the review")

    response = client.post(
        f"/reviews/{review.pk}/",
        _answer(shifts, **{shifts[0].slug: "I delegate more than you saw."}),
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.acknowledged_at is not None
    assert review.response == "Fair, thank you."
    responses = dict(review.ratings.values_list("shift_id", "response"))
    assert responses[shifts[0].pk] == "I delegate more than you saw."
    assert {text for shift_id, text in responses.items() if shift_id != shifts[0].pk} == {""}

    page = client.get(f"/reviews/{review.pk}/")
    assertContains(page, "Acknowledged</strong> by you")
    assertContains(page, "I delegate more than you saw.")
    assertContains(page, "Fair, thank you.")
    # Read-only now: no form left to answer with.
    assertNotContains(page, "Acknowledge the review")
    assertNotContains(page, f'name="{shifts[0].slug}-response"')


def test_the_manager_sees_the_acknowledgement_and_the_response_with_their_dates(
    client: Client, pm: User, manager: User, review: Review, shifts: list[Shift]
) -> None:
    client.force_login(manager)
    url = f"/team/priya/reviews/{review.pk}/"
    assertContains(client.get(url), "Awaiting acknowledgement")
    services.review_acknowledge(
        review=review,
        by=pm,
        response="Mostly agree.",
        shift_responses={shifts[1].pk: "Here I disagree."},
    )
    review.refresh_from_db()
    page = client.get(url)
    assertContains(page, "Acknowledged</strong> by Priya")
    assertContains(page, "Priya's response")
    assertContains(page, "Mostly agree.")
    assertContains(page, "Here I disagree.")
    assertContains(page, f'datetime="{isotime(review.acknowledged_at)}"')
    assertContains(page, f"Completed {review.completed_at:%-d %b %Y}")
    assertNotContains(page, "Awaiting acknowledgement")
    assertNotContains(page, "<textarea")


def test_an_acknowledged_review_refuses_a_second_answer_with_409_and_keeps_the_first(
    client: Client, pm: User, review: Review, shifts: list[Shift]
) -> None:
    client.force_login(pm)
    first = client.post(f"/reviews/{review.pk}/", _answer(shifts, "First answer."))
    assert first.status_code == 302
    review.refresh_from_db()
    when = review.acknowledged_at
    # A stale tab (the form still on screen) or a double click sends it again.
    again = client.post(
        f"/reviews/{review.pk}/", _answer(shifts, "Second answer.", **{shifts[0].slug: "Late."})
    )
    assertContains(again, "already acknowledged", status_code=409)
    assertContains(again, "First answer.", status_code=409)
    review.refresh_from_db()
    assert review.acknowledged_at == when
    assert review.response == "First answer."
    assert not review.ratings.exclude(response="").exists()


def test_the_service_refuses_a_second_acknowledgement_cleanly(
    pm: User, review: Review, shifts: list[Shift]
) -> None:
    services.review_acknowledge(review=review, by=pm, response="One.", shift_responses={})
    with pytest.raises(services.ReviewAcknowledged):
        services.review_acknowledge(
            review=review, by=pm, response="Two.", shift_responses={shifts[0].pk: "x"}
        )
    review.refresh_from_db()
    assert review.response == "One."


def test_only_the_person_reviewed_may_acknowledge_through_the_service(
    manager: User, review: Review
) -> None:
    with pytest.raises(ValueError, match="Only the person reviewed"):
        services.review_acknowledge(review=review, by=manager, response="", shift_responses={})
    review.refresh_from_db()
    assert review.acknowledged_at is None


def test_a_too_long_response_is_refused_with_422_and_nothing_is_saved(
    client: Client, pm: User, review: Review, shifts: list[Shift]
) -> None:
    client.force_login(pm)
    too_long = "x" * (ReviewRating.COMMENT_MAX + 1)
    response = client.post(
        f"/reviews/{review.pk}/", _answer(shifts, "Fine.", **{shifts[2].slug: too_long})
    )
    assertContains(response, "Keep this response to 2000 characters", status_code=422)
    assertContains(response, "Fine.", status_code=422)  # what she typed is kept
    review.refresh_from_db()
    assert review.acknowledged_at is None


@pytest.mark.parametrize("persona", ["other_pm", "manager", "other_manager", "editor"])
def test_nobody_but_the_pm_reaches_her_review_to_acknowledge_it(
    client: Client,
    request: pytest.FixtureRequest,
    review: Review,
    shifts: list[Shift],
    persona: str,
) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.get(f"/reviews/{review.pk}/").status_code == 404
    assert client.post(f"/reviews/{review.pk}/", _answer(shifts, "Hijack")).status_code == 404
    review.refresh_from_db()
    assert review.acknowledged_at is None


@pytest.mark.parametrize("persona", ["other_pm", "other_manager", "editor"])
def test_nobody_but_the_pm_and_her_manager_reads_the_response(
    client: Client,
    request: pytest.FixtureRequest,
    pm: User,
    review: Review,
    persona: str,
) -> None:
    services.review_acknowledge(review=review, by=pm, response="zqSecret", shift_responses={})
    client.force_login(request.getfixturevalue(persona))
    assert client.get(f"/team/priya/reviews/{review.pk}/").status_code == 404
    assert client.get(f"/reviews/{review.pk}/").status_code == 404


def test_a_draft_cannot_be_acknowledged(
    client: Client, pm: User, manager: User, shifts: list[Shift]
) -> None:
    draft, _ = services.review_start(person=pm, manager=manager, framework=shifts[0].area.framework)
    client.force_login(pm)
    assert client.post(f"/reviews/{draft.pk}/", {"response": "Early"}).status_code == 404
    draft.refresh_from_db()
    assert draft.acknowledged_at is None


def test_the_database_refuses_impossible_acknowledgements(
    pm: User, manager: User, review: Review, shifts: list[Shift]
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.filter(pk=review.pk).update(response="A response without acknowledgement")
    draft, _ = services.review_start(person=pm, manager=manager, framework=shifts[0].area.framework)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.filter(pk=draft.pk).update(acknowledged_at=timezone.now())


# The team page: which reviews await acknowledgement, and which are in progress.


def test_the_team_page_shows_a_review_awaiting_acknowledgement_until_it_is_acknowledged(
    client: Client, pm: User, manager: User, review: Review
) -> None:
    client.force_login(manager)
    page = client.get("/team/")
    assertContains(page, "Awaiting acknowledgement")
    assertContains(page, f'href="/team/priya/reviews/{review.pk}/"')
    services.review_acknowledge(review=review, by=pm, response="", shift_responses={})
    page = client.get("/team/")
    assertNotContains(page, "Awaiting acknowledgement")
    assertContains(page, "Last review acknowledged")


def test_the_team_page_shows_a_review_in_progress_with_how_many_shifts_are_rated(
    client: Client, pm: User, manager: User, shifts: list[Shift]
) -> None:
    client.force_login(manager)
    assertNotContains(client.get("/team/"), "Review in progress")
    draft, _ = services.review_start(person=pm, manager=manager, framework=shifts[0].area.framework)
    for shift in shifts[:3]:
        services.review_rate(
            review=draft, shift=shift, revision=shift.revisions.latest(), changes={"level": 4}
        )
    # A comment without a level is not a rating yet.
    services.review_rate(
        review=draft,
        shift=shifts[3],
        revision=shifts[3].revisions.latest(),
        changes={"comment": "Hm"},
    )
    page = client.get("/team/")
    assertContains(page, f"Review in progress: 3 of {len(shifts)} rated")
    assertContains(page, 'href="/team/priya/"')
    assertNotContains(page, "Awaiting acknowledgement")  # no completed review yet


def test_the_team_page_query_count_stays_constant_with_reviews_in_every_state(
    client: Client, manager: User, shifts: list[Shift], django_assert_num_queries
) -> None:
    framework = shifts[0].area.framework

    def add_report(n: int) -> None:
        person = UserFactory(manager=manager)
        submitted_checkin(person, dict.fromkeys(shifts, 1 + n % 5), days_ago=n + 1)
        done = _completed(person, manager, shifts)
        if n % 2:
            services.review_acknowledge(review=done, by=person, response="ok", shift_responses={})
        draft, _ = services.review_start(person=person, manager=manager, framework=framework)
        services.review_rate(
            review=draft,
            shift=shifts[0],
            revision=shifts[0].revisions.latest(),
            changes={"level": 2},
        )

    client.force_login(manager)
    add_report(0)
    add_report(1)
    client.get("/team/")  # the framework's shifts are cached from here on
    # 1 session, 2 user, 3 reports with their latest check-in and review (and whether it was
    # acknowledged), 4 the ratings of those check-ins, 5 the ratings of those reviews,
    # 6 evidence shared since the review, 7 his open reviews with their ratings (blind;
    # progress), 8 has reports (nav), 9 the version tokens (page cache)
    with django_assert_num_queries(9):
        client.get("/team/")
    for n in range(2, 8):
        add_report(n)
    with django_assert_num_queries(9):
        page = client.get("/team/")
    assertContains(page, f"Review in progress: 1 of {len(shifts)} rated", count=8)
    assertContains(page, "Awaiting acknowledgement", count=4)


# The packet carries her answer to the review it draws on.


@pytest.mark.parametrize(("who", "url"), [("pm", "/packet/"), ("manager", "/team/priya/packet/")])
def test_the_packet_shows_her_response_to_the_latest_review(
    client: Client,
    request: pytest.FixtureRequest,
    pm: User,
    review: Review,
    shifts: list[Shift],
    who: str,
    url: str,
) -> None:
    client.force_login(request.getfixturevalue(who))
    assertNotContains(client.get(url), "Priya's response")
    services.review_acknowledge(
        review=review,
        by=pm,
        response="# Not a heading <b>nor bold</b>",
        shift_responses={shifts[0].pk: "Shift answer [link](http://x.test)"},
    )
    page = client.get(url)
    assertContains(page, "Priya's response", count=2)
    assertContains(page, "&lt;b&gt;nor bold&lt;/b&gt;")
    assertContains(page, "Shift answer [link](http://x.test)")
    markdown = client.get(f"{url}?format=md").content.decode()
    assert "> \\# Not a heading &lt;b&gt;nor bold&lt;/b&gt;" in markdown
    assert "Shift answer \\[link\\](http://x.test)" in markdown
    assert "\n# Not a heading" not in markdown


def test_her_manager_is_told_of_the_acknowledgement_after_commit_and_not_what_she_wrote(
    client: Client,
    pm: User,
    manager: User,
    review: Review,
    shifts: list[Shift],
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(pm)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/reviews/{review.pk}/", _answer(shifts, overall="zqPrivateAnswer"))
    [told] = Notification.objects.filter(kind="review_acknowledged")
    assert told.recipient == manager
    assert "acknowledged the review" in told.text
    assert "zqPrivateAnswer" not in told.text
    client.force_login(manager)
    page = client.get(f"/notifications/{told.pk}/", follow=True)
    assertContains(page, "zqPrivateAnswer")  # the review page itself, which he may read
    assert not Notification.objects.filter(recipient=pm, kind="review_acknowledged").exists()
