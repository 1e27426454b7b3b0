"""Quick capture: back where she was after "Add evidence", the one-line quick add, and the
evidence form prefilled from an address (share sheet, bookmarklet, "More details")."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from leadership.models import User
from tests.factories import EvidenceFactory, submitted_checkin
from transitions import services
from transitions.models import Evidence, Shift

HTMX = {"HX-Request": "true"}


@pytest.fixture
def pm_client(client: Client, pm: User) -> Client:
    client.force_login(pm)
    return client


def _entry(chosen: list[Shift], **changes: Any) -> dict[str, Any]:
    return {
        "happened_on": timezone.localdate().isoformat(),
        "title": "Let Jonas run the planning",
        "shifts": [s.pk for s in chosen],
        "visibility": "private",
        "submission_key": str(uuid.uuid4()),
        **changes,
    }


def _quick(shift: Shift | None, **changes: Any) -> dict[str, Any]:
    return {
        "title": "Aligned search and payments on one roadmap",
        "shift": shift.slug if shift else "",
        "submission_key": str(uuid.uuid4()),
        "next": "/",
        **changes,
    }


# Back where she was


def test_add_evidence_from_a_check_in_row_returns_to_that_row_saying_what_was_added(
    pm_client: Client, pm: User, shifts: list[Shift]
) -> None:
    submitted_checkin(pm, dict.fromkeys(shifts, 2), days_ago=40)
    draft, _ = services.checkin_start(person=pm, framework=shifts[0].area.framework)
    services.rating_save(
        checkin=draft, shift=shifts[0], revision=shifts[0].revisions.latest(), changes={"level": 4}
    )
    here = f"/check-ins/{draft.pk}/"
    page = pm_client.get(here)
    nudge = f"/evidence/new/?shift={shifts[0].slug}&amp;next={here}%23shift-{shifts[0].slug}"
    assertContains(page, nudge)

    response = pm_client.post(
        "/evidence/new/", {**_entry([shifts[0]]), "next": f"{here}#shift-{shifts[0].slug}"}
    )
    added = Evidence.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{here}?added={added.pk}#shift-{shifts[0].slug}"
    back = pm_client.get(response["Location"])
    assertContains(back, "Saved “Let Jonas run the planning”.")  # the flash names it
    assertContains(back, 'Evidence added: <a href="/evidence/', count=1)  # on its row only


def test_add_evidence_from_a_dashboard_gap_returns_to_that_gap(
    pm_client: Client, shifts: list[Shift]
) -> None:
    page = pm_client.get("/")
    assertContains(page, f'id="gap-{shifts[2].slug}"')
    assertContains(page, f"shift={shifts[2].slug}&amp;next=/%23gap-{shifts[2].slug}")
    response = pm_client.post(
        "/evidence/new/", {**_entry([shifts[2]]), "next": f"/#gap-{shifts[2].slug}"}
    )
    added = Evidence.objects.get()
    assert response["Location"] == f"/?added={added.pk}#gap-{shifts[2].slug}"
    back = pm_client.get(response["Location"])
    # No longer a gap, yet the row stays to say what was added.
    assertContains(back, f'id="gap-{shifts[2].slug}"')
    assertContains(back, "Evidence added: <a", count=1)


def test_add_evidence_from_a_shift_page_returns_to_its_evidence(
    pm_client: Client, shifts: list[Shift]
) -> None:
    url = f"/shifts/{shifts[1].slug}/"
    assertContains(pm_client.get(url), f"next=/shifts/{shifts[1].slug}/%23timeline-title")
    response = pm_client.post(
        "/evidence/new/", {**_entry([shifts[1]]), "next": f"{url}#timeline-title"}
    )
    added = Evidence.objects.get()
    assert response["Location"] == f"{url}?added={added.pk}#timeline-title"
    assertContains(pm_client.get(response["Location"]), "Evidence added: <a")


def test_the_return_keeps_the_query_and_refuses_other_sites(
    pm_client: Client, shifts: list[Shift]
) -> None:
    response = pm_client.post(
        "/evidence/new/", {**_entry([shifts[0]]), "next": "/evidence/?q=x&added=7#results"}
    )
    added = Evidence.objects.get()
    assert response["Location"] == f"/evidence/?q=x&added={added.pk}#results"
    response = pm_client.post(
        "/evidence/new/", {**_entry([shifts[0]]), "next": "https://evil.example.com/#x"}
    )
    assert response["Location"] == "/evidence/"  # the list, as with no address to go back to


def test_someone_elses_entry_in_added_is_never_shown(
    pm_client: Client, pm: User, other_pm: User, shifts: list[Shift]
) -> None:
    theirs = EvidenceFactory(author=other_pm, shifts=[shifts[0]], title="zqTheirTitle")
    draft, _ = services.checkin_start(person=pm, framework=shifts[0].area.framework)
    for url in (
        f"/?added={theirs.pk}",
        f"/check-ins/{draft.pk}/?added={theirs.pk}",
        f"/shifts/{shifts[0].slug}/?added={theirs.pk}",
    ):
        page = pm_client.get(url)
        assertNotContains(page, "zqTheirTitle")
        assertNotContains(page, "Evidence added")
    for junk in ("abc", "-1", "9" * 40, ""):
        assertNotContains(pm_client.get(f"/?added={junk}"), "Evidence added")


def test_the_added_entry_costs_one_query(pm_client: Client, pm: User, shifts: list[Shift]) -> None:
    from django.core.cache import caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    mine = EvidenceFactory(author=pm, shifts=shifts[:2])
    pm_client.get("/")  # the framework's content is cached from here on
    caches["pages"].clear()
    with CaptureQueriesContext(connection) as plain:
        pm_client.get("/")
    caches["pages"].clear()
    with CaptureQueriesContext(connection) as acknowledged:
        pm_client.get(f"/?added={mine.pk}")
    # the entry's title and shifts, in one query
    assert len(acknowledged) == len(plain) + 1


# Quick add


def test_quick_add_saves_today_private_and_returns_where_she_was(
    pm_client: Client, pm: User, shifts: list[Shift]
) -> None:
    page = pm_client.get("/")
    assertContains(page, 'action="/evidence/quick/"')
    assertContains(page, '<label for="quick-title">What happened?</label>', html=False)
    response = pm_client.post("/evidence/quick/", _quick(shifts[3]))
    evidence = Evidence.objects.get()
    assert (evidence.title, evidence.happened_on, evidence.visibility) == (
        "Aligned search and payments on one roadmap",
        timezone.localdate(),
        "private",
    )
    assert list(evidence.shifts.all()) == [shifts[3]]
    assert response.status_code == 302
    assert response["Location"] == f"/?added={evidence.pk}"
    assertContains(pm_client.get(response["Location"]), "Saved “Aligned search")


def test_quick_add_with_htmx_answers_with_a_fresh_line_and_the_entry_for_the_list(
    pm_client: Client, shifts: list[Shift]
) -> None:
    response = pm_client.post("/evidence/quick/", _quick(shifts[0]), headers=HTMX)
    evidence = Evidence.objects.get()
    assertContains(response, "<html", count=0)
    assertContains(response, f'Added “<a href="/evidence/{evidence.pk}/">')
    assertContains(response, 'hx-swap-oob="afterbegin:#recent-evidence"')
    assertContains(response, f'id="evidence-{evidence.pk}"')
    assertContains(response, 'name="title" value=', count=0)  # the line is empty again
    # On a shift page, an entry about another shift does not join that page's list.
    other = pm_client.post(
        "/evidence/quick/",
        _quick(shifts[1], list_shift=shifts[0].slug, next="/shifts/x/"),
        headers=HTMX,
    )
    assertContains(other, "Added “")
    assertNotContains(other, "hx-swap-oob")
    # The shift page's line keeps its shift chosen for the next entry.
    assertContains(other, f'value="{shifts[0].slug}" selected')


@pytest.mark.parametrize("htmx", [False, True])
def test_quick_add_refuses_an_incomplete_line_keeping_what_was_typed(
    pm_client: Client, shifts: list[Shift], htmx: bool
) -> None:
    headers = HTMX if htmx else {}
    response = pm_client.post("/evidence/quick/", _quick(None, title="Kept words"), headers=headers)
    assertContains(response, "Pick the shift this evidence shows.", status_code=422)
    assertContains(response, 'value="Kept words"', status_code=422)
    assertContains(response, 'aria-describedby="quick-shift_error"', status_code=422)
    assertContains(response, "<html", count=0 if htmx else 1, status_code=422)
    response = pm_client.post("/evidence/quick/", _quick(shifts[0], title=""), headers=headers)
    assertContains(response, "Give the evidence a title.", status_code=422)
    assertContains(response, f'value="{shifts[0].slug}" selected', status_code=422)
    response = pm_client.post(
        "/evidence/quick/", {**_quick(None), "shift": "not-a-shift"}, headers=headers
    )
    assertContains(response, "Pick one of the shifts in the list.", status_code=422)
    assert not Evidence.objects.exists()


def test_quick_add_sent_twice_saves_once(pm_client: Client, shifts: list[Shift]) -> None:
    data = _quick(shifts[0])
    first = pm_client.post("/evidence/quick/", data)
    second = pm_client.post("/evidence/quick/", data)
    assert Evidence.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_quick_add_offers_no_retired_shift(pm_client: Client, shifts: list[Shift]) -> None:
    Shift.objects.filter(pk=shifts[0].pk).update(retired_at=timezone.now())
    response = pm_client.post("/evidence/quick/", _quick(shifts[0]))
    assert response.status_code == 422


@pytest.mark.parametrize("htmx", [False, True])
def test_more_details_opens_the_full_form_with_what_was_typed(
    pm_client: Client, shifts: list[Shift], htmx: bool
) -> None:
    response = pm_client.post(
        "/evidence/quick/",
        {**_quick(shifts[2], title="Half a thought"), "action": "details", "next": "/shifts/a/"},
        headers=HTMX if htmx else {},
    )
    target = response["HX-Redirect"] if htmx else response["Location"]
    assert parse_qs(urlsplit(target).query) == {
        "title": ["Half a thought"],
        "shift": [shifts[2].slug],
        "next": ["/shifts/a/"],
    }
    assert not Evidence.objects.exists()
    form = pm_client.get(target)
    assertContains(form, 'value="Half a thought"')
    assertContains(form, f'value="{shifts[2].pk}" id="id_shifts_', count=1)
    assertContains(form, 'name="next" value="/shifts/a/"')


def test_the_shift_page_offers_the_quick_add_with_its_shift_chosen(
    pm_client: Client, shifts: list[Shift]
) -> None:
    page = pm_client.get(f"/shifts/{shifts[4].slug}/")
    assertContains(page, f'<option value="{shifts[4].slug}" selected>')
    assertContains(page, f'name="list_shift" value="{shifts[4].slug}"')


# Prefilled from an address: the share sheet (Web Share Target) and the bookmarklet


def _values(response: Any) -> dict[str, str]:
    form = response.context["form"]
    return {name: form[name].value() or "" for name in ("title", "body", "link")}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (  # a shared link: its page's title and address
            {"title": "Roadmap review notes", "url": "https://docs.example.com/r"},
            {"title": "Roadmap review notes", "body": "", "link": "https://docs.example.com/r"},
        ),
        (  # shared text: its first line is the title, the address in it the link
            {"text": "Coached Jonas on the offsite\nHe ran it. https://wiki.example.com/o."},
            {
                "title": "Coached Jonas on the offsite",
                "body": "Coached Jonas on the offsite\nHe ran it. https://wiki.example.com/o.",
                "link": "https://wiki.example.com/o",
            },
        ),
        (  # the bookmarklet's names
            {"title": "Q3 strategy: Docs", "link": "https://docs.example.com/q3"},
            {"title": "Q3 strategy: Docs", "body": "", "link": "https://docs.example.com/q3"},
        ),
        (  # only a web address is taken as a link
            {"title": "x", "url": "javascript:alert(1)"},
            {"title": "x", "body": "", "link": ""},
        ),
    ],
)
def test_the_form_is_prefilled_from_the_address(
    pm_client: Client, query: dict[str, str], expected: dict[str, str]
) -> None:
    response = pm_client.get("/evidence/new/", query)
    assert response.status_code == 200
    assert _values(response) == expected
    assert not Evidence.objects.exists()


def test_a_share_while_logged_out_comes_back_after_login_with_its_parameters(
    client: Client, pm: User
) -> None:
    response = client.get(
        "/evidence/new/", {"title": "Notes", "text": "Hi", "url": "https://e.com/a"}
    )
    assert response.status_code == 302
    login = response["Location"]
    assert login.startswith("/accounts/login/")
    back = parse_qs(urlsplit(login).query)["next"][0]
    assert back == "/evidence/new/?title=Notes&text=Hi&url=https%3A%2F%2Fe.com%2Fa"
    client.force_login(pm)
    assertContains(client.get(back), 'value="https://e.com/a"')


def test_the_evidence_page_offers_a_bookmarklet_for_this_installation(
    pm_client: Client,
) -> None:
    page = pm_client.get("/evidence/")
    assertContains(page, "http://testserver/evidence/new/?title=")
    assertContains(page, "encodeURIComponent(location.href)")


# The installable web app


def test_the_manifest_is_public_and_says_how_to_install_and_share(client: Client) -> None:
    from django.conf import settings

    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["start_url"] == manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert (manifest["theme_color"], manifest["background_color"]) == ("#2f5d8a", "#f7f8fa")
    sizes = {icon["sizes"]: icon["src"] for icon in manifest["icons"]}
    assert sizes["192x192"] == "/static/icons/icon-192.png"
    assert sizes["512x512"] == "/static/icons/icon-512.png"
    assert manifest["share_target"] == {
        "action": "/evidence/new/",
        "method": "GET",
        "enctype": "application/x-www-form-urlencoded",
        "params": {"title": "title", "text": "text", "url": "url"},
    }
    for size in (192, 512):  # PNGs of their stated size
        icon = (settings.BASE_DIR / "static" / "icons" / f"icon-{size}.png").read_bytes()
        assert icon[:8] == b"\x89PNG\r\n\x1a\n"
        assert icon[16:24] == size.to_bytes(4, "big") * 2


def test_the_manifest_colours_are_the_stylesheets(client: Client) -> None:
    from django.conf import settings

    css = (settings.BASE_DIR / "static" / "css" / "app.css").read_text()
    manifest = client.get("/manifest.webmanifest").json()
    assert f"--color-primary: {manifest['theme_color']};" in css
    assert f"--color-bg: {manifest['background_color']};" in css


def test_every_page_links_the_manifest(pm_client: Client) -> None:
    assertContains(pm_client.get("/"), '<link rel="manifest" href="/manifest.webmanifest">')
