"""The evidence log, through its views."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from leadership.models import User
from tests.factories import EvidenceFactory
from transitions.models import Evidence, Shift

HTMX = {"HX-Request": "true"}


@pytest.fixture
def pm_client(client: Client, pm: User) -> Client:
    client.force_login(pm)
    return client


def _form(chosen: list[Shift], **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "happened_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "title": "Ran the first joint discovery review",
        "body": "Three teams shared findings.\nTwo dropped duplicate research.",
        "link": "https://wiki.example.com/discovery-review",
        "shifts": [s.pk for s in chosen],
        "visibility": "private",
        "submission_key": str(uuid.uuid4()),
    }
    data.update(changes)
    return data


# Adding


def test_the_new_form_is_prefilled_with_a_shift(pm_client: Client, shifts: list[Shift]) -> None:
    response = pm_client.get(f"/evidence/new/?shift={shifts[3].slug}")
    assert response.status_code == 200
    body = response.content.decode()
    assert f'value="{shifts[3].pk}" id="id_shifts_0_3" checked' in body
    assert body.count(" checked") == 2  # the shift, and "private" visibility by default


def test_the_new_form_offers_only_active_shifts_grouped_by_area(
    pm_client: Client, shifts: list[Shift]
) -> None:
    Shift.objects.filter(pk=shifts[0].pk).update(retired_at=timezone.now())
    body = pm_client.get("/evidence/new/").content.decode()
    assert "<legend>Lead People and Processes</legend>" in body
    assert shifts[0].to_text.capitalize() not in body
    assert shifts[1].to_text.capitalize() in body


def test_adding_evidence_saves_it_and_returns_to_the_list(
    pm_client: Client, pm: User, shifts: list[Shift]
) -> None:
    response = pm_client.post("/evidence/new/", _form(shifts[:2]))
    assert response.status_code == 302
    assert response["Location"] == "/evidence/"
    evidence = Evidence.objects.get()
    assert evidence.author == pm
    assert evidence.visibility == Evidence.Visibility.PRIVATE
    assert set(evidence.shifts.all()) == set(shifts[:2])
    assert "Ran the first joint discovery review" in pm_client.get("/evidence/").content.decode()


def test_adding_with_htmx_redirects_the_client(pm_client: Client, shifts: list[Shift]) -> None:
    response = pm_client.post("/evidence/new/", _form(shifts[:1], next="/"), headers=HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"/?added={Evidence.objects.get().pk}"


def test_a_double_submitted_new_entry_is_saved_once(pm_client: Client, shifts: list[Shift]) -> None:
    data = _form(shifts[:1])
    first = pm_client.post("/evidence/new/", data)
    second = pm_client.post("/evidence/new/", data)
    assert first.status_code == second.status_code == 302
    assert Evidence.objects.count() == 1


def test_two_separate_new_entries_are_both_saved(pm_client: Client, shifts: list[Shift]) -> None:
    pm_client.post("/evidence/new/", _form(shifts[:1]))
    pm_client.post("/evidence/new/", _form(shifts[:1]))
    assert Evidence.objects.count() == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"happened_on": (date.today() + timedelta(days=2)).isoformat()},
            "This date is in the future",
        ),
        ({"happened_on": "2026-02-31"}, "Enter a real date"),
        ({"link": "javascript:alert(1)"}, "starts with http:// or https://"),
        ({"link": "ftp://files.example.com/x"}, "starts with http:// or https://"),
        ({"shifts": []}, "Pick at least one shift this evidence shows."),
        ({"title": ""}, "Give the evidence a title."),
        ({"title": "x" * 201}, "Keep the title to 200 characters (it has 201)."),
        ({"body": "y" * 5001}, "Keep this to 5000 characters (it has 5001)."),
        ({"visibility": "public"}, "Select a valid choice"),
    ],
)
def test_invalid_evidence_is_refused_with_a_clear_message(
    pm_client: Client, shifts: list[Shift], changes: dict[str, Any], message: str
) -> None:
    data = _form(shifts[:1], **changes)
    response = pm_client.post("/evidence/new/", data)
    assert response.status_code == 422
    body = response.content.decode()
    assert message in body
    assert Evidence.objects.count() == 0
    if "title" not in changes:
        assert "Ran the first joint discovery review" in body  # what was typed is kept


def test_invalid_evidence_with_htmx_returns_the_form_partial(
    pm_client: Client, shifts: list[Shift]
) -> None:
    response = pm_client.post("/evidence/new/", _form([], title="Kept title"), headers=HTMX)
    assert response.status_code == 422
    body = response.content.decode()
    assert "<html" not in body
    assert 'id="evidence-form"' in body
    assert "Kept title" in body
    assert "Pick at least one shift" in body


def test_a_shift_of_another_framework_is_refused(pm_client: Client, shifts: list[Shift]) -> None:
    from tests.factories import ShiftFactory

    foreign = ShiftFactory()
    response = pm_client.post("/evidence/new/", _form([foreign]))
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()


def test_html_in_evidence_is_shown_escaped(
    pm_client: Client, pm: User, shifts: list[Shift]
) -> None:
    evidence = EvidenceFactory(
        author=pm,
        shifts=[shifts[0]],
        title="<b>bold</b>",
        body="<script>alert('x')</script>\nsecond line",
    )
    for url in ("/evidence/", f"/evidence/{evidence.pk}/", f"/shifts/{shifts[0].slug}/", "/"):
        response = pm_client.get(url)
        assertNotContains(response, "<script>alert")
        assertContains(response, "&lt;b&gt;bold&lt;/b&gt;")
    listing = pm_client.get("/evidence/").content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;<br>second line" in listing


# The list, filters and pagination


@pytest.fixture
def logged(pm: User, shifts: list[Shift]) -> dict[str, Evidence]:
    today = timezone.localdate()
    return {
        "hiring": EvidenceFactory(
            author=pm,
            shifts=[shifts[2]],
            title="Hired a senior PM",
            body="Ran the loop end to end.",
            happened_on=today - timedelta(days=40),
            visibility=Evidence.Visibility.SHARED,
        ),
        "strategy": EvidenceFactory(
            author=pm,
            shifts=[shifts[4], shifts[8]],
            title="Wrote the product strategy",
            body="Teams now align their OKRs with it.",
            happened_on=today - timedelta(days=10),
        ),
        "exec": EvidenceFactory(
            author=pm,
            shifts=[shifts[9]],
            title="Leadership update",
            body="Presented the plan for the migration.",
            happened_on=today - timedelta(days=200),
            visibility=Evidence.Visibility.SHARED,
        ),
    }


def _titles(response: Any) -> list[str]:
    """The titles of the listed entries, in page order, as the HTML shows them."""
    return re.findall(
        r'class="evidence-item__title"><a href="[^"]+">([^<]*)</a>', response.content.decode()
    )


def test_the_list_shows_my_evidence_newest_first(
    pm_client: Client, logged: dict[str, Evidence], other_pm: User
) -> None:
    EvidenceFactory(author=other_pm, title="Someone else's")
    response = pm_client.get("/evidence/")
    assert _titles(response) == [
        "Wrote the product strategy",
        "Hired a senior PM",
        "Leadership update",
    ]
    assert "Someone else&#x27;s" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=okrs", ["Wrote the product strategy"]),
        ("q=SENIOR", ["Hired a senior PM"]),
        ("area=partner-of-senior-executives", ["Leadership update"]),
        ("area=collaborate-across-the-organization", ["Wrote the product strategy"]),
        ("shift=hire-and-onboard", ["Hired a senior PM"]),
        ("visibility=shared", ["Hired a senior PM", "Leadership update"]),
        ("visibility=private", ["Wrote the product strategy"]),
        ("date_from={d60}", ["Wrote the product strategy", "Hired a senior PM"]),
        ("date_to={d30}", ["Hired a senior PM", "Leadership update"]),
        ("date_from={d60}&date_to={d30}", ["Hired a senior PM"]),
        ("q=strategy&visibility=shared", []),
    ],
)
def test_filters_narrow_the_list(
    pm_client: Client, logged: dict[str, Evidence], query: str, expected: list[str]
) -> None:
    today = timezone.localdate()
    query = query.format(
        d60=(today - timedelta(days=60)).isoformat(), d30=(today - timedelta(days=30)).isoformat()
    )
    page = pm_client.get(f"/evidence/?{query}")
    assert page.status_code == 200
    assert _titles(page) == expected
    assert "<html" in page.content.decode()  # without JavaScript: the whole page

    partial = pm_client.get(f"/evidence/?{query}", headers=HTMX)
    assert _titles(partial) == expected
    body = partial.content.decode()
    assert "<html" not in body
    assert body.lstrip().startswith('<section id="results"')


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("", "3 entries"),
        ("visibility=private", "1 entry matches your filters"),
        ("visibility=shared", "2 entries match your filters"),
        ("q=nothing-matches-this", "0 entries match your filters"),
    ],
)
def test_the_count_agrees_with_its_number(
    pm_client: Client, logged: dict[str, Evidence], query: str, count: str
) -> None:
    response = pm_client.get(f"/evidence/?{query}")
    assertContains(response, '<p class="results__count">')
    shown = re.search(r'<p class="results__count">(.*?)</p>', response.content.decode(), re.S)
    assert shown is not None
    assert " ".join(shown.group(1).split()) == count


def test_an_empty_filter_result_explains_itself(
    pm_client: Client, logged: dict[str, Evidence]
) -> None:
    body = pm_client.get("/evidence/?q=nothing-matches-this").content.decode()
    assert "No evidence matches these filters" in body


@pytest.fixture
def searchable(pm: User, shifts: list[Shift]) -> None:
    today = timezone.localdate()
    EvidenceFactory(
        author=pm,
        shifts=[shifts[1]],  # to: "motivating, coaching and mentoring other product managers"
        title="Jonas promoted to senior PM",
        body="Wrote the case with him.",
        happened_on=today - timedelta(days=30),
    )
    EvidenceFactory(
        author=pm,
        shifts=[shifts[10]],  # to: "looking at business cases that could be tackled …"
        title="Sized the payouts opportunity",
        body="One page on revenue, cost and risk; Jonas checked the numbers.",
        happened_on=today - timedelta(days=5),
    )


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("Jonas promoted", ["Jonas promoted to senior PM"]),
        ("promoted Jonas", ["Jonas promoted to senior PM"]),  # any order
        ("jonas", ["Jonas promoted to senior PM", "Sized the payouts opportunity"]),
        ("mentoring", ["Jonas promoted to senior PM"]),  # only in the linked shift's wording
        ("Jonas mentoring", ["Jonas promoted to senior PM"]),  # the title and the shift
        ("numbers tackled", ["Sized the payouts opportunity"]),  # the body and the shift
        ("promoted Jonas astronaut", []),  # every word must be found
        ("mentoring revenue", []),  # in one entry, not one word in each
    ],
)
def test_the_search_finds_every_word_in_any_order(
    pm_client: Client, searchable: None, q: str, expected: list[str]
) -> None:
    response = pm_client.get("/evidence/", {"q": q})
    assert sorted(_titles(response)) == sorted(expected)  # the order is tested below
    if not expected:
        assertContains(response, "No evidence matches these filters")


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="relevance ranking is PostgreSQL's full-text search"
)
def test_the_search_puts_title_matches_first_on_postgresql(
    pm_client: Client, pm: User, shifts: list[Shift]
) -> None:
    today = timezone.localdate()
    for days_ago, title, body in [
        (3, "Quarterly business review", "Walked the executives through the roadmap."),
        (90, "Roadmap for payments", "Agreed with the three teams."),
        (1, "Team offsite", "Nothing about plans."),
    ]:
        EvidenceFactory(
            author=pm,
            shifts=[shifts[0]],
            title=title,
            body=body,
            happened_on=today - timedelta(days=days_ago),
        )
    response = pm_client.get("/evidence/", {"q": "roadmaps"})  # stemmed: finds "roadmap"
    assert _titles(response) == ["Roadmap for payments", "Quarterly business review"]


def test_invalid_filters_are_reported_and_ignored(
    pm_client: Client, logged: dict[str, Evidence]
) -> None:
    response = pm_client.get("/evidence/?date_from=2026-05-01&date_to=2026-01-01&shift=nope")
    assert response.status_code == 200
    body = response.content.decode()
    assert "The end date is before the start date." in body
    assert "Select a valid choice" in body
    assert len(_titles(response)) == 3


def test_the_list_is_paginated_keeping_the_filters(
    pm_client: Client, pm: User, shifts: list[Shift]
) -> None:
    for i in range(45):
        EvidenceFactory(
            author=pm,
            shifts=[shifts[0]],
            title=f"Entry {i:02d}",
            happened_on=date(2025, 1, 1) + timedelta(days=i),
        )
    first = pm_client.get("/evidence/?shift=" + shifts[0].slug)
    assert len(_titles(first)) == 20
    assert _titles(first)[0] == "Entry 44"
    body = first.content.decode()
    assert f"?shift={shifts[0].slug}&amp;page=2" in body
    third = pm_client.get(f"/evidence/?shift={shifts[0].slug}&page=3", headers=HTMX)
    assert _titles(third) == [f"Entry {i:02d}" for i in range(4, -1, -1)]
    assert "page 3 of 3" in third.content.decode()
    # A page past the end is the last one, at its own address.
    beyond = pm_client.get("/evidence/?page=99")
    assert (beyond.status_code, beyond["Location"]) == (302, "/evidence/?page=3")
    assert _titles(pm_client.get(beyond["Location"])) == _titles(third)


EMPTY_FILTERS = "q=&area=&date_from=&date_to=&visibility="


def test_a_filter_address_carries_only_the_filters_in_use(
    pm_client: Client, pm: User, shifts: list[Shift]
) -> None:
    # The form sent without JavaScript carries every field: the address keeps those in use.
    slug = shifts[0].slug
    response = pm_client.get(f"/evidence/?{EMPTY_FILTERS}&shift={slug}")
    assert (response.status_code, response["Location"]) == (302, f"/evidence/?shift={slug}")
    response = pm_client.get(f"/evidence/?{EMPTY_FILTERS}&shift=&page=1&utm_source=mail")
    assert (response.status_code, response["Location"]) == (302, "/evidence/")
    response = pm_client.get("/evidence/?q=+launch+&visibility=")
    assert response["Location"] == "/evidence/?q=launch"
    # An address of filters in use is served as it is, a wrong value with its error.
    assertContains(pm_client.get(f"/evidence/?shift={slug}&visibility=shared"), "entries")
    assertContains(pm_client.get("/evidence/?shift=nope"), "Select a valid choice")


def test_htmx_filtering_pushes_the_short_address(
    pm_client: Client, pm: User, shifts: list[Shift]
) -> None:
    for i in range(25):
        EvidenceFactory(author=pm, shifts=[shifts[0]], title=f"Entry {i:02d}")
    slug = shifts[0].slug
    response = pm_client.get(f"/evidence/?{EMPTY_FILTERS}&shift={slug}", headers=HTMX)
    assert response.status_code == 200
    assert response["HX-Push-Url"] == f"/evidence/?shift={slug}"
    # The pages' links too: not the empty fields the form sent.
    assertContains(response, f'href="/evidence/?shift={slug}&amp;page=2"')
    assertNotContains(response, "q=&amp;")
    everything = pm_client.get(f"/evidence/?{EMPTY_FILTERS}&shift=", headers=HTMX)
    assert everything["HX-Push-Url"] == "/evidence/"


@pytest.mark.parametrize(
    "query",
    [
        "visibility=private",
        "q=leading+what+happened&visibility=private",  # a text search, in the shift's wording too
    ],
)
def test_the_list_needs_the_same_queries_for_few_and_many_entries(
    pm_client: Client, pm: User, shifts: list[Shift], django_assert_num_queries, query: str
) -> None:
    EvidenceFactory(author=pm, shifts=[shifts[0]])

    def run(count: int) -> None:
        # 1 session, 2 user, 3 count, 4 the page of evidence, 5 their shifts with areas
        # (prefetch), 6 has reports (nav); framework and shifts come from the cache
        with django_assert_num_queries(7):
            response = pm_client.get(f"/evidence/?{query}")
        assert len(_titles(response)) == count

    pm_client.get("/evidence/")  # fills the framework cache
    run(1)
    for _ in range(30):
        EvidenceFactory(author=pm, shifts=shifts[:6])
    run(20)


# Editing, conflicts, visibility, deleting


def test_editing_saves_the_changes(
    pm_client: Client, logged: dict[str, Evidence], shifts: list[Shift]
) -> None:
    evidence = logged["strategy"]
    page = pm_client.get(f"/evidence/{evidence.pk}/edit/")
    assert page.status_code == 200
    assert 'name="version" value="1"' in page.content.decode()
    response = pm_client.post(
        f"/evidence/{evidence.pk}/edit/",
        _form([shifts[4]], title="Wrote the strategy v2", version=1),
    )
    assert response.status_code == 302
    evidence.refresh_from_db()
    assert evidence.title == "Wrote the strategy v2"
    assert list(evidence.shifts.all()) == [shifts[4]]
    assert evidence.version == 2


def test_a_second_tab_cannot_silently_overwrite(
    pm_client: Client, logged: dict[str, Evidence], shifts: list[Shift]
) -> None:
    evidence = logged["strategy"]
    tab_one = _form([shifts[4]], title="Tab one title", version=1)
    tab_two = _form([shifts[4]], title="Tab two title", body="Typed in tab two", version=1)
    assert pm_client.post(f"/evidence/{evidence.pk}/edit/", tab_one).status_code == 302

    response = pm_client.post(f"/evidence/{evidence.pk}/edit/", tab_two)
    assert response.status_code == 409
    body = response.content.decode()
    assert "changed in another tab or window" in body
    assert "Tab one title" in body  # the saved version is shown
    assert "Typed in tab two" in body  # what was typed is kept
    assert 'name="version" value="2"' in body
    evidence.refresh_from_db()
    assert evidence.title == "Tab one title"

    # Having seen the conflict, saving again replaces it knowingly.
    tab_two["version"] = 2
    assert pm_client.post(f"/evidence/{evidence.pk}/edit/", tab_two).status_code == 302
    evidence.refresh_from_db()
    assert evidence.title == "Tab two title"


def test_visibility_switches_with_one_click(pm_client: Client, logged: dict[str, Evidence]) -> None:
    evidence = logged["strategy"]
    response = pm_client.post(
        f"/evidence/{evidence.pk}/visibility/", {"visibility": "shared"}, headers=HTMX
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Shared with manager" in body
    assert "Make private" in body
    assert "<html" not in body
    evidence.refresh_from_db()
    assert evidence.is_shared

    response = pm_client.post(
        f"/evidence/{evidence.pk}/visibility/", {"visibility": "private", "next": "/evidence/?q=x"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/evidence/?q=x"
    evidence.refresh_from_db()
    assert not evidence.is_shared


def test_visibility_refuses_nonsense_and_get(
    pm_client: Client, logged: dict[str, Evidence]
) -> None:
    evidence = logged["strategy"]
    assert (
        pm_client.post(f"/evidence/{evidence.pk}/visibility/", {"visibility": "public"}).status_code
        == 400
    )
    assert pm_client.get(f"/evidence/{evidence.pk}/visibility/").status_code == 405


def test_delete_asks_first_then_deletes(pm_client: Client, logged: dict[str, Evidence]) -> None:
    evidence = logged["hiring"]
    page = pm_client.get(f"/evidence/{evidence.pk}/delete/")
    assert page.status_code == 200
    assert "Delete “Hired a senior PM”?" in page.content.decode()
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    response = pm_client.post(f"/evidence/{evidence.pk}/delete/")
    assert response.status_code == 302
    assert not Evidence.objects.filter(pk=evidence.pk).exists()


def test_an_external_next_is_ignored(pm_client: Client, logged: dict[str, Evidence]) -> None:
    evidence = logged["hiring"]
    response = pm_client.post(f"/evidence/{evidence.pk}/delete/", {"next": "https://evil.example/"})
    assert response["Location"] == "/evidence/"


# Who may see what


def test_the_manager_reads_shared_evidence_of_her_report(
    client: Client, manager: User, logged: dict[str, Evidence]
) -> None:
    client.force_login(manager)
    response = client.get(f"/evidence/{logged['hiring'].pk}/")
    assert response.status_code == 200
    assert "Hired a senior PM" in response.content.decode()
    assert "Edit" not in response.content.decode()


def test_the_manager_gets_404_for_private_evidence(
    client: Client, manager: User, logged: dict[str, Evidence]
) -> None:
    client.force_login(manager)
    assert client.get(f"/evidence/{logged['strategy'].pk}/").status_code == 404


def test_unsharing_hides_evidence_from_the_manager_at_once(
    client: Client, pm: User, manager: User, logged: dict[str, Evidence]
) -> None:
    evidence = logged["hiring"]
    client.force_login(manager)
    assert client.get(f"/evidence/{evidence.pk}/").status_code == 200
    client.force_login(pm)
    client.post(f"/evidence/{evidence.pk}/visibility/", {"visibility": "private"})
    client.force_login(manager)
    assert client.get(f"/evidence/{evidence.pk}/").status_code == 404


@pytest.mark.parametrize("persona", ["other_pm", "other_manager", "editor", "manager", "superuser"])
@pytest.mark.parametrize("action", ["edit", "delete", "visibility"])
def test_nobody_but_the_author_may_change_evidence(
    client: Client,
    request: pytest.FixtureRequest,
    logged: dict[str, Evidence],
    persona: str,
    action: str,
) -> None:
    client.force_login(request.getfixturevalue(persona))
    for evidence in logged.values():
        url = f"/evidence/{evidence.pk}/{action}/"
        if action != "visibility":
            assert client.get(url).status_code == 404
        assert client.post(url, {"visibility": "private"}).status_code == 404
    assert Evidence.objects.count() == 3


@pytest.mark.parametrize("persona", ["other_pm", "other_manager", "editor", "superuser"])
def test_others_get_404_for_someone_elses_evidence(
    client: Client, request: pytest.FixtureRequest, logged: dict[str, Evidence], persona: str
) -> None:
    client.force_login(request.getfixturevalue(persona))
    for evidence in logged.values():
        assert client.get(f"/evidence/{evidence.pk}/").status_code == 404
    assert client.get("/evidence/").context["page"].paginator.count == 0


def test_a_former_manager_loses_access_when_the_manager_changes(
    client: Client, pm: User, manager: User, other_manager: User, logged: dict[str, Evidence]
) -> None:
    pm.manager = other_manager
    pm.save()
    client.force_login(manager)
    assert client.get(f"/evidence/{logged['hiring'].pk}/").status_code == 404
    client.force_login(other_manager)
    assert client.get(f"/evidence/{logged['hiring'].pk}/").status_code == 200


def test_evidence_pages_need_login(client: Client, logged: dict[str, Evidence]) -> None:
    for url in ("/evidence/", "/evidence/new/", f"/evidence/{logged['hiring'].pk}/edit/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
