"""The Head of Product's view (/org/): everyone under her at any depth, in aggregate only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from leadership.models import User
from tests.factories import EvidenceFactory, UserFactory, submitted_checkin
from transitions import org, services
from transitions.models import Review, ReviewRating, Shift


def completed_review(
    person: User, manager: User, levels: dict[Shift, int], *, days_ago: int = 10
) -> Review:
    """A completed review of `person` by `manager`, dated `days_ago`, rating `levels`."""
    when = timezone.now() - timedelta(days=days_ago)
    review = Review.objects.create(
        person=person,
        manager=manager,
        framework=next(iter(levels)).area.framework,
        status=Review.Status.COMPLETED,
        completed_at=when,
        summary="Fine.",
    )
    revisions = dict(
        Shift.objects.filter(pk__in=[s.pk for s in levels])
        .with_current_revision()
        .values_list("pk", "current_revision_id")
    )
    ReviewRating.objects.bulk_create(
        ReviewRating(review=review, shift=shift, revision_id=revisions[shift.pk], level=level)
        for shift, level in levels.items()
    )
    return review


@pytest.fixture
def nina(head: User) -> User:
    """A second manager under the head, with a lead under her who has a report of his own:
    helena → nina → omar → zoe is three levels deep."""
    return UserFactory(username="nina", first_name="Nina", manager=head)


@pytest.fixture
def omar(nina: User) -> User:
    return UserFactory(username="omar", first_name="Omar", manager=nina)


@pytest.fixture
def zoe(omar: User) -> User:
    return UserFactory(username="zoe", first_name="Zoe", manager=omar)


@pytest.fixture
def head_client(client: Client, head: User) -> Client:
    client.force_login(head)
    return client


@pytest.fixture
def org_people(head: User, manager: User, pm: User, nina: User, omar: User, zoe: User) -> set[str]:
    return {"marco", "priya", "nina", "omar", "zoe"}


def _people(response) -> set[str]:
    return {row.person.username for row in response.context["org"].people}


# Who is in the organisation


def test_it_lists_exactly_the_people_under_the_head_at_any_depth(
    head_client: Client, org_people: set[str], other_pm: User, superuser: User
) -> None:
    UserFactory(username="gone", first_name="Gonzalo", manager=User.objects.get(username="omar"))
    User.objects.filter(username="gone").update(is_active=False)
    response = head_client.get("/org/")
    assert _people(response) == org_people
    assertContains(response, "5 people under you, in 4 teams")
    for name in ("Priya", "Zoe", "Omar"):
        assertContains(response, name)
    assertNotContains(response, "Gonzalo")


def test_everyone_under_is_the_one_query_of_the_organisation(
    head: User, org_people: set[str], django_assert_num_queries
) -> None:
    with django_assert_num_queries(1):
        assert {u.username for u in User.objects.under(head)} == org_people
    omar = User.objects.get(username="omar")
    assert {u.username for u in User.objects.under(omar)} == {"zoe"}


def test_a_loop_in_the_reporting_lines_ends(head: User, org_people: set[str]) -> None:
    # The admin refuses a loop (User.clean); the data could still hold one.
    User.objects.filter(pk=head.pk).update(manager=User.objects.get(username="zoe"))
    assert {u.username for u in User.objects.under(head)} == org_people


def test_a_manager_without_reports_of_reports_gets_404(
    client: Client, manager: User, pm: User, other_manager: User, other_pm: User
) -> None:
    for person in (manager, pm, other_manager, other_pm):
        client.force_login(person)
        assert client.get("/org/").status_code == 404


def test_another_head_of_product_sees_nothing_of_this_org(
    client: Client, org_people: set[str], other_manager: User, other_pm: User
) -> None:
    hugo = UserFactory(username="hugo", first_name="Hugo")
    User.objects.filter(pk=other_manager.pk).update(manager=hugo)
    client.force_login(hugo)
    response = client.get("/org/")
    assert _people(response) == {"olga", "sam"}
    for name in ("Priya", "Marco", "Nina", "Omar", "Zoe"):
        assertNotContains(response, name)


def test_the_navigation_offers_the_organisation_to_a_head_only(
    client: Client, head: User, manager: User, pm: User
) -> None:
    client.force_login(head)
    assertContains(client.get("/"), '<a href="/org/"')
    for person in (manager, pm):
        client.force_login(person)
        assertNotContains(client.get("/"), 'href="/org/"')


# What it shows, and what it never shows


PRIVATE_WORDS = [
    "zqEvidenceTitleShared",
    "zqEvidenceBodyShared",
    "zqEvidenceTitlePrivate",
    "zqCheckinNote",
    "zqDraftCheckinNote",
    "zqReviewSummary",
    "zqReviewFocus",
    "zqReviewComment",
    "zqDraftReviewSummary",
    "zqDraftReviewComment",
    "zqFocusStep",
    "zqOneOnOneNotes",
]


def test_it_shows_no_text_of_theirs(
    head_client: Client,
    org_people: set[str],
    manager: User,
    pm: User,
    shifts: list[Shift],
) -> None:
    framework = shifts[0].area.framework
    shift, revision = shifts[0], shifts[0].revisions.latest()
    EvidenceFactory(
        author=pm,
        shifts=[shift],
        visibility="shared",
        title=PRIVATE_WORDS[0],
        body=PRIVATE_WORDS[1],
    )
    EvidenceFactory(author=pm, shifts=[shift], title=PRIVATE_WORDS[2])
    checkin = submitted_checkin(pm, dict.fromkeys(shifts, 4), days_ago=3)
    checkin.ratings.filter(shift=shift).update(note="zqCheckinNote")
    draft, _ = services.checkin_start(person=pm, framework=framework)
    services.rating_save(
        checkin=draft,
        shift=shift,
        revision=revision,
        changes={"level": 1, "note": "zqDraftCheckinNote"},
    )
    review = completed_review(pm, manager, dict.fromkeys(shifts, 4))
    Review.objects.filter(pk=review.pk).update(
        summary="zqReviewSummary", agreed_focus="zqReviewFocus"
    )
    review.ratings.filter(shift=shift).update(comment="zqReviewComment")
    open_review, _ = services.review_start(person=pm, manager=manager, framework=framework)
    services.review_write(review=open_review, summary="zqDraftReviewSummary", agreed_focus="")
    services.review_rate(
        review=open_review,
        shift=shift,
        revision=revision,
        changes={"level": 1, "comment": "zqDraftReviewComment"},
    )
    services.focus_set(person=pm, shift=shift, next_step="zqFocusStep")
    meeting = services.one_on_one_start(manager=manager, person=pm)
    services.shared_notes_write(meeting=meeting, text="zqOneOnOneNotes", seen_version=None)

    for url, headers in [
        ("/org/", {}),
        ("/org/?levels=self", {}),
        ("/org/?levels=self&sort=readiness", {"HX-Request": "true"}),
        ("/org/?team=marco", {}),
    ]:
        response = head_client.get(url, headers=headers)
        assert response.status_code == 200
        for word in PRIVATE_WORDS:
            assertNotContains(response, word)
    # Levels of the draft check-in (1) and of the open review (1) are not counted either.
    [row] = [r for r in response.context["org"].people if r.person == pm]
    assert row.self_levels[shift.pk] == 4
    assert row.manager_levels[shift.pk] == 4


def test_heatmap_cells_read_as_text(
    head_client: Client, org_people: set[str], manager: User, pm: User, shifts: list[Shift]
) -> None:
    submitted_checkin(pm, dict.fromkeys(shifts, 2), days_ago=3)
    completed_review(pm, manager, {**dict.fromkeys(shifts, 3), shifts[0]: 4})
    response = head_client.get("/org/?team=marco")
    assertContains(
        response, '<span class="heat__level">4</span> <span class="heat__label">Consistent</span>'
    )
    assertContains(
        response,
        '<span class="heat__level">3</span> <span class="heat__label">Practising</span>',
        count=len(shifts) - 1,
    )
    response = head_client.get("/org/?team=marco&levels=self")
    assertContains(
        response,
        '<span class="heat__level">2</span> <span class="heat__label">Exploring</span>',
        count=len(shifts),
    )
    # Each column names its shift for a screen reader, not only by number.
    assertContains(response, f"Shift 1: {shifts[0].to_text}")


def test_the_heatmap_filters_by_team_and_sorts(
    head_client: Client, org_people: set[str], manager: User, pm: User, shifts: list[Shift]
) -> None:
    rows = lambda response: [r.person.username for r in response.context["page"]]  # noqa: E731
    assert rows(head_client.get("/org/?team=nina")) == ["omar"]
    assert rows(head_client.get("/org/?team=omar")) == ["zoe"]
    assert rows(head_client.get("/org/?sort=team")) == ["marco", "nina", "priya", "omar", "zoe"]
    for person in ("priya", "zoe"):
        EvidenceFactory(
            author=User.objects.get(username=person), shifts=shifts[:9], visibility="shared"
        )
    completed_review(pm, manager, dict.fromkeys(shifts, 4))
    omar, zoe = User.objects.get(username="omar"), User.objects.get(username="zoe")
    completed_review(zoe, omar, dict.fromkeys(shifts[:5], 4))
    assert rows(head_client.get("/org/?sort=readiness"))[:2] == ["priya", "zoe"]
    # The filters in force stay in the form and in the sort links.
    response = head_client.get("/org/?team=marco&levels=self")
    assertContains(response, 'href="/org/?team=marco&amp;levels=self&amp;sort=readiness"')
    assertContains(response, '<option value="marco" selected>Marco\u2019s team</option>')
    assertContains(response, '<option value="helena">Your direct reports</option>')
    assertContains(head_client.get("/org/?team=helena"), "2 people reporting to you")


def test_a_form_sent_without_javascript_is_bookmarked_with_only_the_filters_in_use(
    head_client: Client, org_people: set[str]
) -> None:
    response = head_client.get("/org/?team=&sort=name&levels=self")
    assert response.status_code == 302
    assert response["Location"] == "/org/?levels=self"
    response = head_client.get("/org/?team=nobody&sort=sideways")
    assert response["Location"] == "/org/"
    assert head_client.get("/org/?levels=self").status_code == 200


def test_htmx_swaps_the_heatmap_in_place_and_pushes_the_bookmarkable_address(
    head_client: Client, org_people: set[str]
) -> None:
    response = head_client.get(
        "/org/?team=nina&sort=name&levels=manager", headers={"HX-Request": "true"}
    )
    assertContains(response, 'id="heatmap"')
    assertNotContains(response, "<html")
    assertNotContains(response, "Coverage")
    assert response["HX-Push-Url"] == "/org/?team=nina"


def test_a_row_links_to_the_packet_only_for_the_direct_manager(
    head_client: Client, org_people: set[str]
) -> None:
    response = head_client.get("/org/")
    assertContains(response, 'href="/team/marco/packet/"')
    assertContains(response, 'href="/team/nina/packet/"')
    for person in ("priya", "omar", "zoe"):
        assertNotContains(response, f"/team/{person}/")


def test_her_own_open_review_keeps_a_direct_reports_self_levels_hidden(
    head_client: Client, head: User, manager: User, org_people: set[str], shifts: list[Shift]
) -> None:
    submitted_checkin(manager, dict.fromkeys(shifts, 5), days_ago=2)
    review, _ = services.review_start(
        person=manager, manager=head, framework=shifts[0].area.framework
    )
    services.review_rate(
        review=review, shift=shifts[0], revision=shifts[0].revisions.latest(), changes={"level": 2}
    )
    response = head_client.get("/org/?levels=self&team=helena")
    row = next(r for r in response.context["page"] if r.person == manager)
    assert [cell.label for cell in row.cells] == ["Role model"] + ["Hidden"] * (len(shifts) - 1)
    assertContains(response, "stays hidden until you rate that shift")
    assertNotContains(head_client.get("/org/?levels=self&team=marco"), "stays hidden")
    [first, *_] = response.context["org"].distributions
    assert first.self_levels.counts == (0, 0, 0, 0, 1)
    assert response.context["org"].distributions[1].self_levels.counts == (0, 0, 0, 0, 0)


# Coverage and readiness, at their boundaries


def test_coverage_lists_who_is_behind_at_the_boundaries(
    head_client: Client,
    head: User,
    manager: User,
    pm: User,
    nina: User,
    omar: User,
    zoe: User,
    shifts: list[Shift],
) -> None:
    levels = dict.fromkeys(shifts, 3)
    submitted_checkin(pm, levels, days_ago=29)  # due in a day
    submitted_checkin(omar, levels, days_ago=31)  # due since yesterday
    completed_review(pm, manager, levels, days_ago=182)
    completed_review(omar, nina, levels, days_ago=184)
    today = timezone.localdate()
    EvidenceFactory(author=pm, visibility="shared", happened_on=today - timedelta(days=90))
    EvidenceFactory(author=omar, visibility="shared", happened_on=today - timedelta(days=91))
    EvidenceFactory(author=zoe, happened_on=today)  # private: not counted
    found = head_client.get("/org/").context["org"]
    due = {r.person.username for r in found.checkin_due}
    assert "omar" in due
    assert "priya" not in due
    stale = {r.person.username for r in found.review_stale}
    assert stale == {"omar", "zoe", "marco", "nina"}
    quiet = {r.person.username for r in found.evidence_quiet}
    assert quiet == {"omar", "zoe", "marco", "nina"}


def _ready_setup(
    pm: User,
    manager: User,
    shifts: list[Shift],
    *,
    at_four: int,
    backed: int,
    backed_days_ago: int = 10,
    visibility: str = "shared",
) -> None:
    completed_review(pm, manager, {s: 4 if n < at_four else 3 for n, s in enumerate(shifts)})
    EvidenceFactory(
        author=pm,
        shifts=shifts[:backed],
        visibility=visibility,
        happened_on=timezone.localdate() - timedelta(days=backed_days_ago),
    )


@pytest.mark.parametrize(
    ("at_four", "backed", "days_ago", "visibility", "ready"),
    [
        (9, 9, 10, "shared", True),
        (12, 12, 10, "shared", True),
        (8, 12, 10, "shared", False),  # eight shifts at Consistent
        (12, 8, 10, "shared", False),  # eight of them backed
        (9, 9, 10, "private", False),  # backed by private evidence only
        (9, 9, 183, "shared", True),  # six months ago to the day
        (9, 9, 184, "shared", False),  # older than six months
    ],
)
def test_readiness_needs_nine_shifts_at_consistent_each_backed(
    head_client: Client,
    org_people: set[str],
    manager: User,
    pm: User,
    shifts: list[Shift],
    at_four: int,
    backed: int,
    days_ago: int,
    visibility: str,
    ready: bool,
) -> None:
    _ready_setup(
        pm,
        manager,
        shifts,
        at_four=at_four,
        backed=backed,
        backed_days_ago=days_ago,
        visibility=visibility,
    )
    response = head_client.get("/org/")
    assert [r.person.username for r in response.context["org"].ready] == (
        ["priya"] if ready else []
    )
    if ready:
        assertContains(response, '<h2 id="readiness-title">Ready for the next step</h2>')
        assertContains(response, "Priya")


def test_close_to_ready_is_listed_with_how_far_there_is_to_go(
    head_client: Client, org_people: set[str], manager: User, pm: User, shifts: list[Shift]
) -> None:
    _ready_setup(pm, manager, shifts, at_four=8, backed=12)
    response = head_client.get("/org/")
    assertContains(response, "8 of 9 needed (8 at Consistent or above, 1 more to go)")


def test_backed_shifts_is_the_one_home_of_backing(pm: User, shifts: list[Shift]) -> None:
    today = timezone.localdate()
    EvidenceFactory(author=pm, shifts=shifts[:2], visibility="shared", happened_on=today)
    EvidenceFactory(author=pm, shifts=shifts[2:3], happened_on=today)
    EvidenceFactory(
        author=pm, shifts=shifts[3:4], visibility="shared", happened_on=today - timedelta(days=9)
    )
    since = today - timedelta(days=8)
    assert org.backed_shifts([pm.pk], since) == {pm.pk: {shifts[0].pk, shifts[1].pk}}


# Charts


def test_the_distributions_and_quarterly_averages_count_the_latest_levels(
    head_client: Client,
    org_people: set[str],
    manager: User,
    pm: User,
    omar: User,
    zoe: User,
    shifts: list[Shift],
) -> None:
    submitted_checkin(pm, dict.fromkeys(shifts, 1), days_ago=40)
    submitted_checkin(pm, dict.fromkeys(shifts, 3), days_ago=0)  # the latest counts
    submitted_checkin(zoe, dict.fromkeys(shifts, 5), days_ago=0)
    completed_review(zoe, omar, dict.fromkeys(shifts, 4), days_ago=0)
    response = head_client.get("/org/")
    first = response.context["org"].distributions[0]
    assert first.self_levels.counts == (0, 0, 1, 0, 1)
    assert first.manager_levels.counts == (0, 0, 0, 1, 0)
    area = response.context["org"].areas[0]
    assert len(area.labels) == 8
    assert area.manager_averages[-1] == 4.0
    assert area.self_averages[-1] is not None
    assertContains(response, "Average level by quarter")
    assertContains(response, '<th scope="row">' + area.labels[-1] + "</th>")


# Speed


def test_the_query_count_is_constant_in_the_number_of_people(
    head_client: Client, head: User, manager: User, shifts: list[Shift], django_assert_num_queries
) -> None:
    teams = [manager, UserFactory(manager=head), UserFactory(manager=head)]

    def add_people(count: int) -> None:
        for n in range(count):
            person = UserFactory(manager=teams[n % 3])
            submitted_checkin(person, dict.fromkeys(shifts, 1 + n % 5), days_ago=n % 60 + 1)
            completed_review(person, person.manager, dict.fromkeys(shifts, 1 + n % 4))
            EvidenceFactory(author=person, shifts=shifts[:2], visibility="shared")

    def count() -> int:
        # 1 session, 2 user, 3 whether she has reports of reports, 4 the people with their
        # latest check-in, review and shared evidence, 5 those check-ins' ratings, 6 those
        # reviews' ratings, 7 the backed shifts, 8 her open reviews (blind rule), 9 self
        # averages by quarter, 10 manager averages by quarter, 11 nav (framework: cached),
        # 12 the reporting lines' token, 13 who is under her (both: to key the page cache),
        # 14 the version tokens of everyone in her organisation (page cache)
        with django_assert_num_queries(14):
            response = head_client.get("/org/")
        # The heatmap alone (htmx) has no navigation: 10
        with django_assert_num_queries(10):
            head_client.get("/org/?levels=self&sort=readiness", headers={"HX-Request": "true"})
        return len(response.context["org"].people)

    add_people(7)
    head_client.get("/org/")  # the framework content is then in the cache
    assert count() == 10
    add_people(190)
    assert count() == 200


def _attestation(pm: User, shift: Shift, *, shared: bool) -> None:
    request = services.feedback_request_create(
        requester=pm,
        shifts=[shift],
        question="How did the pricing alignment go?",
        name="Jane Doe",
        email="jane@example.org",
        role="VP Sales",
    )
    request = services.feedback_answer_save(
        request=request,
        data={
            "example": "She aligned us.",
            "frequency": "",
            "giver_name": "Jane Doe",
            "giver_role": "VP Sales",
        },
        send=True,
    )
    services.feedback_attest(request=request, shift=shift)
    if shared:
        services.feedback_share(request=request, shared=True)


def test_a_shared_attestation_backs_its_shift_and_a_private_one_does_not(
    pm: User, shifts: list[Shift]
) -> None:
    _attestation(pm, shifts[4], shared=True)
    _attestation(pm, shifts[5], shared=False)
    since = timezone.localdate() - timedelta(days=183)
    assert org.backed_shifts([pm.pk], since) == {pm.pk: {shifts[4].pk}}
    assert org.backed_shifts([pm.pk], timezone.localdate() + timedelta(days=1)) == {}
