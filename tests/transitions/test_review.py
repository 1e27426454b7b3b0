"""The manager's side: team page, review, timeline and packet, and who may see them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from leadership.models import User
from tests.factories import EvidenceFactory, UserFactory, submitted_checkin
from transitions import services
from transitions.models import Evidence, Review, ReviewRating, Shift

HTMX = {"HX-Request": "true"}


@pytest.fixture
def manager_client(client: Client, manager: User) -> Client:
    client.force_login(manager)
    return client


@pytest.fixture
def history(pm: User, shifts: list[Shift]) -> None:
    """Two check-ins for the PM, one shared and one private entry on the first shift."""
    submitted_checkin(pm, dict.fromkeys(shifts, 2), days_ago=60)
    submitted_checkin(pm, {**dict.fromkeys(shifts, 3), shifts[0]: 5}, days_ago=10)
    EvidenceFactory(author=pm, shifts=[shifts[0]], title="Shared win", visibility="shared")
    EvidenceFactory(author=pm, shifts=[shifts[0]], title="Private doubt", visibility="private")


def _start(client: Client, username: str = "priya") -> Review:
    response = client.post(f"/team/{username}/reviews/new/")
    assert response.status_code == 302
    return Review.objects.drafts().get(person__username=username)


def _rate(
    client: Client, shift: Shift, level: Any, comment: str = "", username: str = "priya"
) -> Any:
    return client.post(
        f"/team/{username}/rate/{shift.slug}/",
        {f"{shift.slug}-level": level, f"{shift.slug}-note": comment},
        headers=HTMX,
    )


def _complete(review: Review, shifts: list[Shift], level: int = 3) -> Review:
    for shift in shifts:
        services.review_rate(
            review=review, shift=shift, revision=shift.revisions.latest(), changes={"level": level}
        )
    services.review_write(review=review, summary="Doing well.", agreed_focus="Hiring.")
    return services.review_complete(review=review)


# The team page


def test_the_team_page_lists_exactly_the_direct_reports(
    manager_client: Client, pm: User, manager: User, other_pm: User, history: None
) -> None:
    UserFactory(username="skip", manager=pm)  # reports to priya, not to marco
    UserFactory(username="left", manager=manager, is_active=False)
    sam2 = UserFactory(username="zed", first_name="Zed", manager=manager)
    response = manager_client.get("/team/")
    assert response.status_code == 200
    assert [row.person for row in response.context["rows"]] == [pm, sam2]
    body = response.content.decode()
    # zed joined today and never checked in: not due before one interval has passed
    assert "Check-in due" not in body
    assert "self 3.3" in body  # priya's latest self level in the first area (5,3,3,3,3,3,3)


def test_the_team_page_sorts_by_name_and_last_check_in(
    manager_client: Client, pm: User, manager: User, shifts: list[Shift]
) -> None:
    early = UserFactory(username="aaron", first_name="Aaron", manager=manager)
    submitted_checkin(early, {shifts[0]: 3}, days_ago=100)
    submitted_checkin(pm, {shifts[0]: 3}, days_ago=1)

    def order(query: str) -> list[str]:
        return [r.person.username for r in manager_client.get(f"/team/{query}").context["rows"]]

    assert order("") == ["aaron", "priya"]
    assert order("?sort=-name") == ["priya", "aaron"]
    assert order("?sort=-last_checkin") == ["priya", "aaron"]
    assert order("?sort=last_checkin") == ["aaron", "priya"]
    assert order("?sort=bogus") == ["aaron", "priya"]


def test_the_team_page_shows_gaps_and_evidence_since_the_last_review(
    manager_client: Client, manager: User, pm: User, shifts: list[Shift], history: None
) -> None:
    review = _start(manager_client)
    _complete(review, shifts, level=3)
    EvidenceFactory(author=pm, shifts=[shifts[1]], visibility="shared", title="After review")
    row = manager_client.get("/team/").context["rows"][0]
    assert row.shared_since == 1
    assert [(g.shift_slug, g.self_level, g.manager_level) for g in row.gaps] == [
        (shifts[0].slug, 5, 3)
    ]
    assert "Real disconnect" in manager_client.get("/team/").content.decode()


def test_the_team_page_is_404_for_people_without_reports(
    client: Client, pm: User, editor: User
) -> None:
    for person in (pm, editor):
        client.force_login(person)
        assert client.get("/team/").status_code == 404
        assertNotContains(client.get("/"), 'href="/team/"')


def test_the_team_page_query_count_is_constant_in_reports(
    manager_client: Client, manager: User, shifts: list[Shift], django_assert_num_queries
) -> None:
    def add_report(n: int) -> None:
        person = UserFactory(manager=manager)
        submitted_checkin(person, dict.fromkeys(shifts, 1 + n % 5), days_ago=n + 1)
        EvidenceFactory(author=person, shifts=[shifts[0]], visibility="shared")

    add_report(0)
    # 1 session, 2 user, 3 reports with their latest check-in and review (and whether it was
    # acknowledged), 4 the ratings of those check-ins, 5 evidence shared since the review,
    # 6 his open reviews with their ratings (blind; progress), 7 has reports (nav); with no
    # completed review yet there are no manager ratings to read
    with django_assert_num_queries(8):
        manager_client.get("/team/")
    for n in range(1, 20):
        add_report(n)
    with django_assert_num_queries(8):
        response = manager_client.get("/team/")
    assert len(response.context["rows"]) == 20


# The review page


def test_the_manager_rates_before_seeing_the_self_rating(
    manager_client: Client, shifts: list[Shift], history: None
) -> None:
    _start(manager_client)
    page = manager_client.get("/team/priya/").content.decode()
    assert "self-rating:" not in page
    assert "Shared win" not in page
    assert "Rate it to see Priya's own rating and evidence." in page

    response = _rate(manager_client, shifts[0], 3, "Solid, not yet role model")
    assert response.status_code == 200
    reveal = response.content.decode()
    assert "Priya's self-rating:</strong> 5 · Role model" in reveal
    assert "Gap 2:</strong> Real disconnect — talk it through" in reveal
    assert "Shared win" in reveal
    assert "Private doubt" not in reveal
    assert "<html" not in reveal

    page = manager_client.get("/team/priya/").content.decode()
    assert page.count("Priya's self-rating:") == 1
    assert "Private doubt" not in page


def test_rated_shifts_are_ordered_by_disagreement(
    manager_client: Client, shifts: list[Shift], history: None
) -> None:
    _start(manager_client)
    _rate(manager_client, shifts[1], 3)  # gap 0
    _rate(manager_client, shifts[2], 4)  # gap 1
    _rate(manager_client, shifts[0], 2)  # gap 3
    rated = manager_client.get("/team/priya/").context["rated"]
    assert [(row.shift, row.gap) for row in rated] == [
        (shifts[0], 3),
        (shifts[2], 1),
        (shifts[1], 0),
    ]
    words = [row.gap_words for row in rated]
    assert words == [
        "Real disconnect — talk it through",
        "Close — a short discussion",
        "Aligned — no discussion needed",
    ]


def test_autosave_refuses_bad_levels(
    manager_client: Client, shifts: list[Shift], history: None
) -> None:
    review = _start(manager_client)
    response = _rate(manager_client, shifts[0], 9)
    assert response.status_code == 422
    assert "Choose one of the five levels" in response.content.decode()
    assert not review.ratings.exists()


def test_completing_needs_every_shift_and_a_summary(
    manager_client: Client, shifts: list[Shift], history: None
) -> None:
    review = _start(manager_client)
    data = {f"{s.slug}-level": 3 for s in shifts[:11]}
    response = manager_client.post("/team/priya/", {**data, "summary": "", "action": "complete"})
    assert response.status_code == 422
    body = response.content.decode()
    assert shifts[11].to_text.capitalize() in body
    assert "Write the overall summary" in body
    review.refresh_from_db()
    assert review.is_draft
    assert review.ratings.filter(level=3).count() == 11  # what was given is kept

    data[f"{shifts[11].slug}-level"] = 4
    response = manager_client.post(
        "/team/priya/",
        {**data, "summary": "Strong half-year.", "agreed_focus": "Hiring", "action": "complete"},
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == Review.Status.COMPLETED
    assert review.summary == "Strong half-year."
    detail = manager_client.get(response["Location"]).content.decode()
    assert "Strong half-year." in detail


def test_the_summary_autosaves(manager_client: Client, history: None) -> None:
    review = _start(manager_client)
    response = manager_client.post(
        "/team/priya/", {"summary": "Draft thoughts", "agreed_focus": ""}, headers=HTMX
    )
    assert response.status_code == 200
    assert "Saved." in response.content.decode()
    review.refresh_from_db()
    assert review.summary == "Draft thoughts"


def test_a_completed_review_cannot_change_through_any_url(
    manager_client: Client, shifts: list[Shift], history: None
) -> None:
    review = _complete(_start(manager_client), shifts)
    before = list(
        ReviewRating.objects.filter(review=review).values_list("shift_id", "level", "comment")
    )
    attempts = [
        _rate(manager_client, shifts[0], 1, "changed"),
        manager_client.post("/team/priya/", {"summary": "changed", "action": "complete"}),
        manager_client.post("/team/priya/", {"summary": "changed"}, headers=HTMX),
        manager_client.post("/team/priya/reviews/discard/", follow=True),
    ]
    assert [r.status_code for r in attempts] == [409, 409, 409, 200]
    assert "already discarded or completed" in attempts[3].content.decode()
    review.refresh_from_db()
    assert review.summary == "Doing well."
    assert (
        list(ReviewRating.objects.filter(review=review).values_list("shift_id", "level", "comment"))
        == before
    )
    with pytest.raises(services.ReviewClosed):
        services.review_write(review=review, summary="x", agreed_focus="y")


def test_the_next_review_starts_blind_with_the_last_one_for_reference(
    manager_client: Client, shifts: list[Shift], history: None
) -> None:
    first = _complete(_start(manager_client), shifts, level=4)
    second = _start(manager_client)
    assert second.pk != first.pk
    assert (second.summary, second.agreed_focus) == ("", "")
    assert not second.ratings.exists()
    assert manager_client.post("/team/priya/reviews/new/").status_code == 302
    assert Review.objects.drafts().count() == 1
    page = manager_client.get("/team/priya/")
    assertContains(page, f"0 of {len(shifts)} shifts rated")
    assertNotContains(page, "self-rating:")
    assertNotContains(page, "Gap ")
    # The last review is there to read, not copied into the new one.
    assertContains(page, "The last review,")
    assertContains(page, "Doing well.")
    assertNotContains(page, ">Doing well.</textarea>")


def test_a_draft_review_is_discarded_after_confirmation(
    manager_client: Client, history: None
) -> None:
    review = _start(manager_client)
    assert (
        "Discard this review" in manager_client.get("/team/priya/reviews/discard/").content.decode()
    )
    assert Review.objects.filter(pk=review.pk).exists()
    manager_client.post("/team/priya/reviews/discard/")
    assert not Review.objects.filter(pk=review.pk).exists()


def test_the_review_page_query_count_does_not_grow_with_history(
    manager_client: Client, pm: User, shifts: list[Shift], django_assert_num_queries
) -> None:
    submitted_checkin(pm, dict.fromkeys(shifts, 3), days_ago=5)
    EvidenceFactory(author=pm, shifts=shifts[:2], visibility="shared")
    review = _start(manager_client)
    _rate(manager_client, shifts[0], 3)
    manager_client.get("/team/priya/")  # the wording history is then in the cache

    def count() -> None:
        # 1 session, 2 user, 3 the report, 4 the draft, 5 her last completed review (none),
        # 6 ratings (shifts: cached), 7 self levels in her last two check-ins, 8 her last
        # evidence per shift, 9 shared evidence, 10 its shifts, 11 shared feedback per shift,
        # 12 shared evidence count, 13 has reports (nav)
        with django_assert_num_queries(14):
            manager_client.get("/team/priya/")

    count()
    for n in range(30):
        submitted_checkin(pm, dict.fromkeys(shifts, 1 + n % 5), days_ago=400 - n)
        EvidenceFactory(author=pm, shifts=shifts[:3], visibility="shared")
        asked = services.feedback_request_create(
            requester=pm, shifts=shifts[:2], question="Q?", name="G", email=f"g{n}@example.org"
        )
        answer = {"example": "Yes.", "frequency": "", "giver_name": "G", "giver_role": ""}
        services.feedback_answer_save(request=asked, data=answer, send=True)
        services.feedback_share(request=asked, shared=True)
    count()
    assert review.ratings.count() == 1


# The report reads her completed reviews


def test_the_report_reads_completed_reviews_but_not_drafts(
    client: Client, manager: User, pm: User, shifts: list[Shift], history: None
) -> None:
    client.force_login(manager)
    completed = _complete(_start(client), shifts)
    ReviewRating.objects.filter(review=completed, shift=shifts[0]).update(
        comment="Great hiring loop"
    )
    draft = _start(client)

    client.force_login(pm)
    assert client.get(f"/reviews/{completed.pk}/").status_code == 200
    assert client.get(f"/reviews/{draft.pk}/").status_code == 404
    dashboard = client.get("/").content.decode()
    assert "Your latest review" in dashboard
    assert f"/reviews/{completed.pk}/" in dashboard
    shift_page = client.get(f"/shifts/{shifts[0].slug}/").content.decode()
    assert "Great hiring loop" in shift_page
    assert "Quarter by quarter" in shift_page


# Timeline and packet


def test_the_manager_sees_a_shift_quarter_by_quarter(
    manager_client: Client, shifts: list[Shift], history: None
) -> None:
    _complete(_start(manager_client), shifts)
    response = manager_client.get(f"/team/priya/shifts/{shifts[0].slug}/")
    assert response.status_code == 200
    quarters = response.context["timeline"].quarters
    assert len(quarters) >= 4
    latest = quarters[-1]
    assert (latest.self_level, latest.manager_level, latest.evidence_count) == (5, 3, 1)
    assert "Private doubt" not in response.content.decode()


def test_the_packet_for_the_pm_and_her_manager(
    client: Client, manager: User, pm: User, shifts: list[Shift], history: None
) -> None:
    client.force_login(manager)
    _complete(_start(client), shifts)
    body = client.get("/team/priya/packet/").content.decode()
    assert "Promotion packet" in body
    assert "Shared win" in body
    assert "Private doubt" not in body
    assert "From Individual Contributor to Product Leader" in body
    assert "Self rating over the year:</span> 2, 5 " in body

    client.force_login(pm)
    own = client.get("/packet/").content.decode()
    assert "Private doubt" not in own
    assert "Private doubt" in client.get("/packet/?include_private=1").content.decode()

    markdown = client.get("/packet/?format=md&include_private=1")
    assert markdown["Content-Type"] == "text/markdown; charset=utf-8"
    assert "attachment" in markdown["Content-Disposition"]
    text = markdown.content.decode()
    assert text.startswith("# Promotion packet: ")
    assert "### From working with a team in some dedicated product area → To leading" in text
    assert "Private doubt" in text
    client.force_login(manager)
    assertNotContains(client.get("/team/priya/packet/?include_private=1"), "Private doubt")


# Who may see what


def _review_urls(review: Review, shift: Shift) -> list[tuple[str, str]]:
    return [
        ("get", "/team/priya/"),
        ("post", "/team/priya/"),
        ("post", "/team/priya/reviews/new/"),
        ("get", "/team/priya/reviews/discard/"),
        ("post", "/team/priya/reviews/discard/"),
        ("get", f"/team/priya/reviews/{review.pk}/"),
        ("post", f"/team/priya/rate/{shift.slug}/"),
        ("get", f"/team/priya/shifts/{shift.slug}/"),
        ("get", "/team/priya/packet/"),
        ("get", "/team/priya/packet/?format=md"),
    ]


@pytest.mark.parametrize("persona", ["other_manager", "other_pm", "editor", "pm", "superuser"])
def test_nobody_but_the_current_manager_reaches_a_review(
    client: Client,
    request: pytest.FixtureRequest,
    manager: User,
    shifts: list[Shift],
    history: None,
    persona: str,
) -> None:
    client.force_login(manager)
    completed = _complete(_start(client), shifts)
    draft = _start(client)
    client.force_login(request.getfixturevalue(persona))
    for method, url in _review_urls(completed, shifts[0]):
        assert getattr(client, method)(url).status_code == 404, (method, url)
    if persona != "pm":
        assert client.get(f"/reviews/{completed.pk}/").status_code == 404
    assert client.get(f"/reviews/{draft.pk}/").status_code == 404
    assert Review.objects.drafts().count() == 1


def test_a_manager_change_moves_access_at_once(
    client: Client, manager: User, other_manager: User, pm: User, shifts: list[Shift], history: None
) -> None:
    client.force_login(manager)
    completed = _complete(_start(client), shifts)
    draft = _start(client)
    pm.manager = other_manager
    pm.save()

    for method, url in _review_urls(completed, shifts[0]):
        assert getattr(client, method)(url).status_code == 404, (method, url)
    shared = Evidence.objects.get(title="Shared win")
    assert client.get(f"/evidence/{shared.pk}/").status_code == 404

    client.force_login(other_manager)
    assert client.get("/team/priya/").status_code == 200
    assert client.get(f"/team/priya/reviews/{completed.pk}/").status_code == 200
    assert client.get(f"/team/priya/reviews/{draft.pk}/").status_code == 404  # not her draft
    assert client.get(f"/evidence/{shared.pk}/").status_code == 200


def test_drafts_are_visible_to_the_drafting_manager_alone(
    manager_client: Client, manager: User, pm: User, history: None
) -> None:
    draft = _start(manager_client)
    assert manager_client.get(f"/team/priya/reviews/{draft.pk}/")["Location"] == "/team/priya/"
    pm_review = Review.objects.drafts().get()
    assert pm_review.manager == manager
    assert timezone.now() >= pm_review.created_at
