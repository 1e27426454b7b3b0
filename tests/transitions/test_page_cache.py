"""The page cache never serves a stale page, nor one person's page to another.

The oracle: after any write, every cached page, for every viewer, is exactly the page built
afresh from the database (the page cache emptied), apart from the per-response CSRF token and
submission keys. Each write path below runs once against every page of every persona, with
all of them cached beforehand; markers then check that the writes do show where they must
and not where they must not.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from unittest import mock

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from leadership.models import User
from tests.factories import EvidenceFactory, UserFactory, submitted_checkin
from transitions import pagecache, services, versions
from transitions.models import (
    AreaRevision,
    CheckIn,
    Evidence,
    Framework,
    Notification,
    OneOnOne,
    PersonVersion,
    Review,
    Shift,
    ShiftRevision,
)

MARK = "Marker-7f3a"


@dataclass
class World:
    pm: User
    manager: User
    head: User
    other_pm: User
    shifts: list[Shift]
    draft: CheckIn
    submitted: CheckIn
    review: Review
    meeting: OneOnOne
    private: Evidence
    shared: Evidence
    clients: dict[str, Client]

    def views(self) -> list[tuple[str, str]]:
        pm, manager, slug = self.pm.username, self.manager.username, self.shifts[0].slug
        return [
            ("pm", "/"),
            ("pm", f"/check-ins/{self.submitted.pk}/"),
            ("pm", f"/check-ins/{self.draft.pk}/"),
            ("pm", "/evidence/"),
            ("pm", f"/shifts/{slug}/"),
            ("pm", "/packet/"),
            ("pm", f"/one-on-ones/{manager}/"),
            ("pm", "/notifications/"),
            ("manager", "/"),
            ("manager", "/team/"),
            ("manager", f"/team/{pm}/"),
            ("manager", f"/team/{pm}/packet/"),
            ("manager", f"/one-on-ones/{pm}/"),
            ("head", "/"),
            ("head", "/org/"),
            ("other_pm", "/"),
            ("other_pm", "/packet/"),
        ]

    def get(self, who: str, url: str) -> tuple[int, str]:
        response = self.clients[who].get(url)
        return response.status_code, _normalised(response.content.decode())


def _normalised(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", html)
    html = re.sub(r'"X-CSRFToken": "[^"]+"', "CSRF", html)
    return re.sub(r'name="submission_key" value="[^"]+"', "KEY", html)


@pytest.fixture
def world(framework: Framework, shifts: list[Shift], pm: User, manager: User, head: User) -> World:
    other_manager = UserFactory(username="olga")
    other_pm = UserFactory(username="otto", manager=other_manager)
    submitted = submitted_checkin(pm, dict.fromkeys(shifts, 2), days_ago=40)
    submitted_checkin(other_pm, dict.fromkeys(shifts, 3), days_ago=6)
    draft, _ = services.checkin_start(person=pm, framework=framework)
    review, _ = services.review_start(person=pm, manager=manager, framework=framework)
    services.review_rate(
        review=review,
        shift=shifts[0],
        revision=shifts[0].revisions.latest(),
        changes={"level": 3},
    )
    meeting = services.one_on_one_start(manager=manager, person=pm)
    private = EvidenceFactory(author=pm, shifts=[shifts[0]], title="Private entry")
    shared = EvidenceFactory(
        author=pm, shifts=[shifts[0]], title="Shared entry", visibility="shared"
    )
    EvidenceFactory(author=other_pm, shifts=[shifts[1]], title="Otto's entry")
    clients = {}
    for who, user in (("pm", pm), ("manager", manager), ("head", head), ("other_pm", other_pm)):
        clients[who] = Client()
        clients[who].force_login(user)
    return World(
        pm=pm,
        manager=manager,
        head=head,
        other_pm=other_pm,
        shifts=shifts,
        draft=draft,
        submitted=submitted,
        review=review,
        meeting=meeting,
        private=private,
        shared=shared,
        clients=clients,
    )


def _evidence_data(world: World, title: str, visibility: str) -> dict:
    return {
        "title": title,
        "body": "What happened.",
        "happened_on": timezone.localdate(),
        "visibility": visibility,
        "link": "",
        "shifts": [world.shifts[0]],
    }


def _add_shared(w: World) -> None:
    services.evidence_create(
        author=w.pm, data=_evidence_data(w, MARK, "shared"), submission_key=None
    )


def _add_private(w: World) -> None:
    services.evidence_create(
        author=w.pm, data=_evidence_data(w, MARK, "private"), submission_key=None
    )


def _edit(w: World) -> None:
    data = {**_evidence_data(w, MARK, "shared"), "body": w.shared.body}
    services.evidence_update(evidence=w.shared, data=data, expected_version=w.shared.version)


def _share(w: World) -> None:
    Evidence.objects.filter(pk=w.private.pk).update(title=MARK)  # a bulk write, no signals
    services.evidence_set_visibility(evidence=w.private, visibility="shared")


def _unshare(w: World) -> None:
    services.evidence_set_visibility(evidence=w.shared, visibility="private")


def _delete(w: World) -> None:
    w.shared.delete()


def _autosave(w: World) -> None:
    services.rating_save(
        checkin=w.draft,
        shift=w.shifts[0],
        revision=w.shifts[0].revisions.latest(),
        changes={"level": 4, "note": MARK},
    )


def _submit(w: World) -> None:
    for shift in w.shifts:
        note = MARK if shift == w.shifts[0] else ""
        services.rating_save(
            checkin=w.draft,
            shift=shift,
            revision=shift.revisions.latest(),
            changes={"level": 4, "note": note},
        )
    services.checkin_submit(checkin=w.draft)


def _review_rate(w: World) -> None:
    services.review_rate(
        review=w.review,
        shift=w.shifts[1],
        revision=w.shifts[1].revisions.latest(),
        changes={"level": 5, "comment": MARK},
    )


def _review_complete(w: World) -> None:
    for shift in w.shifts:
        services.review_rate(
            review=w.review,
            shift=shift,
            revision=shift.revisions.latest(),
            changes={"level": 3},
        )
    services.review_write(review=w.review, summary=MARK, agreed_focus="")
    services.review_complete(review=w.review)


def _focus(w: World) -> None:
    services.focus_set(person=w.pm, shift=w.shifts[2], next_step=MARK)


def _framework_edit(w: World) -> None:
    shift = w.shifts[0]
    shift.to_text = f"{MARK} lead the team"
    services.shift_save(shift=shift, kind=ShiftRevision.Kind.WORDING_FIX, note="Clearer.")


def _area_rename(w: World) -> None:
    area = w.shifts[0].area
    area.title = MARK
    services.area_save(area=area)


def _manager_change(w: World) -> None:
    w.pm.manager = UserFactory(username="newboss", first_name=MARK)
    w.pm.save()


def _manager_rename(w: World) -> None:
    w.manager.first_name = MARK
    w.manager.save(update_fields=["first_name"])


def _account_deleted(w: World) -> None:
    services.account_delete(user=w.other_pm)


def _manager_deleted(w: World) -> None:
    services.account_delete(user=w.manager)


def _agenda_item(w: World) -> None:
    services.agenda_item_add(meeting=w.meeting, by=w.pm, text=MARK)


def _private_note(w: World) -> None:
    services.private_note_write(meeting=w.meeting, author=w.manager, text=MARK, seen_version=0)


def _feedback_attested(w: World) -> None:
    asked = services.feedback_request_create(
        requester=w.pm,
        shifts=[w.shifts[0]],
        question="How did it go?",
        name="Jane Doe",
        email="jane@example.org",
    )
    data = {"example": MARK, "frequency": "", "giver_name": "Jane Doe", "giver_role": ""}
    services.feedback_answer_save(request=asked, data=data, send=True)
    services.feedback_share(request=asked, shared=True)
    services.feedback_attest(request=asked, shift=w.shifts[0])


def _notified_then_read(w: World) -> None:
    Notification.objects.create(recipient=w.pm, kind="review_completed", text=MARK)
    w.get("pm", "/notifications/")
    Notification.objects.filter(recipient=w.pm).update(read_at=timezone.now())


def _new_report(w: World) -> None:
    UserFactory(username="newbie", first_name=MARK, manager=w.manager)


WRITES: dict[str, Callable[[World], None]] = {
    "evidence added, shared": _add_shared,
    "evidence added, private": _add_private,
    "evidence edited": _edit,
    "evidence shared (after a bulk update)": _share,
    "evidence unshared": _unshare,
    "evidence deleted": _delete,
    "check-in autosaved": _autosave,
    "check-in submitted": _submit,
    "review rated": _review_rate,
    "review completed": _review_complete,
    "focus set": _focus,
    "framework shift reworded": _framework_edit,
    "framework area renamed": _area_rename,
    "manager changed": _manager_change,
    "manager renamed": _manager_rename,
    "another person's account deleted": _account_deleted,
    "the manager's account deleted": _manager_deleted,
    "1:1 agenda item added": _agenda_item,
    "1:1 private note written": _private_note,
    "feedback answered, shared and attested": _feedback_attested,
    "a report joined the team": _new_report,
    "a notification arrived and was read": _notified_then_read,
}

# Where each write's marker must show (viewer, url) and where it must not.
SHOWN: dict[str, list[tuple[str, str]]] = {
    "evidence added, shared": [
        ("pm", "/"),
        ("pm", "/evidence/"),
        ("manager", "/team/priya/packet/"),
    ],
    "evidence added, private": [("pm", "/"), ("pm", "/evidence/")],
    "evidence edited": [("pm", "/evidence/"), ("manager", "/team/priya/packet/")],
    "evidence shared (after a bulk update)": [("manager", "/team/priya/packet/")],
    "check-in autosaved": [("pm", "draft")],
    "review rated": [("manager", "/team/priya/")],
    "focus set": [("pm", "/")],
    "framework shift reworded": [("pm", "/"), ("head", "/org/")],
    "framework area renamed": [("pm", "/"), ("head", "/org/")],
    "manager renamed": [("pm", "/one-on-ones/marco/"), ("head", "/org/")],
    "1:1 agenda item added": [("pm", "/one-on-ones/marco/"), ("manager", "/one-on-ones/priya/")],
    "1:1 private note written": [("manager", "/one-on-ones/priya/")],
    "a report joined the team": [("manager", "/team/"), ("head", "/org/")],
    "a notification arrived and was read": [("pm", "/notifications/")],
}
HIDDEN: dict[str, list[tuple[str, str]]] = {
    "evidence added, private": [("manager", "/team/priya/packet/"), ("head", "/org/")],
    "1:1 private note written": [("pm", "/one-on-ones/marco/")],
    "check-in autosaved": [("manager", "/team/priya/"), ("manager", "/team/")],
}


@pytest.mark.parametrize("write", list(WRITES))
def test_after_a_write_every_cached_page_is_the_page_built_afresh(world: World, write: str) -> None:
    views = world.views()
    for who, url in views:
        world.get(who, url)  # cached

    WRITES[write](world)

    served = {view: world.get(*view) for view in views}
    caches["pages"].clear()
    fresh = {view: world.get(*view) for view in views}
    stale = [view for view in views if served[view] != fresh[view]]
    assert stale == [], f"served from the cache, not as built now: {stale}"

    def page(who: str, url: str) -> str:
        url = f"/check-ins/{world.draft.pk}/" if url == "draft" else url
        return fresh[(who, url)][1]

    for who, url in SHOWN.get(write, []):
        assert MARK in page(who, url), (who, url)
    for who, url in HIDDEN.get(write, []):
        assert MARK not in page(who, url), (who, url)


def test_the_same_address_is_never_answered_with_another_viewers_page(world: World) -> None:
    for _ in range(2):
        pm_home = world.get("pm", "/")[1]
        other_home = world.get("other_pm", "/")[1]
        assert "Otto" not in pm_home
        assert "Hello, Priya" in pm_home
        assert "Private entry" in pm_home
        assert "Private entry" not in other_home
        own_packet = world.get("pm", "/packet/?include_private=1")[1]
        managers_packet = world.get("manager", "/team/priya/packet/?include_private=1")[1]
        assert "Private entry" in own_packet
        assert "Private entry" not in managers_packet


def test_a_cached_page_costs_its_access_check_and_the_tokens(world: World) -> None:
    """Pinned: a page served from the cache reads the session, the user and the version
    tokens — whatever the page shows, its navigation included — and, for a page about someone
    named in its address, who that is (the access check)."""
    expected = {
        ("pm", "/"): 3,
        ("pm", f"/check-ins/{world.submitted.pk}/"): 3,
        ("pm", "/evidence/"): 3,
        ("pm", f"/shifts/{world.shifts[0].slug}/"): 3,
        ("pm", "/packet/"): 3,
        ("pm", "/one-on-ones/marco/"): 4,
        ("manager", "/team/"): 3,
        ("manager", "/team/priya/"): 4,
        ("manager", "/team/priya/packet/"): 4,
        ("head", "/org/"): 4,
        ("pm", "/notifications/"): 3,
    }
    counts = {}
    for (who, url), _ in expected.items():
        world.get(who, url)
        with CaptureQueriesContext(connection) as queries:
            world.get(who, url)
        counts[(who, url)] = len(queries)
    assert counts == expected


def test_a_cached_page_carries_the_viewers_own_csrf_token_and_fresh_submission_keys(
    world: World, pm: User
) -> None:
    world.get("pm", "/")
    second = Client()
    second.force_login(pm)
    html = second.get("/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
    keys = re.findall(r'name="submission_key" value="([^"]+)"', html)
    again = second.get("/").content.decode()
    assert keys
    assert set(keys).isdisjoint(re.findall(r'name="submission_key" value="([^"]+)"', again))
    # The token works: a quick add from the cached page is accepted.
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.cookies = second.cookies
    response = csrf_client.post(
        "/evidence/quick/",
        {
            "csrfmiddlewaretoken": token,
            "title": "From a cached page",
            "shift": world.shifts[0].slug,
            "submission_key": keys[0],
        },
    )
    assert response.status_code in (200, 302)
    assert Evidence.objects.filter(author=pm, title="From a cached page").exists()


def test_pages_are_the_same_cached_and_with_the_cache_off(world: World, settings) -> None:
    views = world.views()
    built = {view: world.get(*view) for view in views}
    cached = {view: world.get(*view) for view in views}
    assert cached == built
    settings.PAGE_CACHE_ALIAS = ""
    assert {view: world.get(*view) for view in views} == cached


def test_what_a_page_says_about_due_dates_changes_with_the_date(world: World) -> None:
    """The date is part of the key: a check-in falling due tomorrow is due on the page
    tomorrow, though nothing was written."""
    world.other_pm.checkin_interval_days = 7  # her last check-in was 6 days ago
    world.other_pm.save(update_fields=["checkin_interval_days"])
    today = world.get("other_pm", "/")[1]
    assert "Next one due" in today
    assert "A check-in is due" not in today
    real = timezone

    class Tomorrow:
        def localdate(self) -> date:
            return real.localdate() + timedelta(days=1)

        def localtime(self) -> datetime:
            return real.localtime() + timedelta(days=1)

    with mock.patch.object(pagecache, "timezone", Tomorrow()):
        assert "A check-in is due" in world.get("other_pm", "/")[1]


# The triggers themselves


def test_every_table_a_page_may_show_moves_tokens() -> None:
    """A new table must say whether pages show it: a trigger (versions.SOURCES and a
    migration) or a reason (versions.NOT_SHOWN_ON_CACHED_PAGES)."""
    from django.apps import apps

    tables = {
        model._meta.db_table
        for config in ("leadership", "transitions")
        for model in apps.get_app_config(config).get_models(include_auto_created=True)
    }
    tables -= {"leadership_user_groups", "leadership_user_user_permissions"}
    covered = set(versions.SOURCES) | versions.NOT_SHOWN_ON_CACHED_PAGES
    assert tables - covered == set()


def _token(person: User) -> int:
    return PersonVersion.objects.get(person=person).token


def test_a_write_moves_only_the_tokens_of_the_people_it_is_about(world: World) -> None:
    before = {u: _token(u) for u in (world.pm, world.manager, world.other_pm, world.head)}
    EvidenceFactory(author=world.pm)
    after = {u: _token(u) for u in before}
    assert after[world.pm] != before[world.pm]
    assert after[world.other_pm] == before[world.other_pm]
    assert after[world.head] == before[world.head]


def test_a_rolled_back_write_leaves_the_token_as_it_was(world: World) -> None:
    from django.db import transaction

    before = _token(world.pm)
    inside = []

    def write_then_fail() -> None:
        with transaction.atomic():
            EvidenceFactory(author=world.pm)
            inside.append(_token(world.pm))
            raise RuntimeError

    with pytest.raises(RuntimeError):
        write_then_fail()
    assert inside[0] != before
    assert _token(world.pm) == before


def test_content_edits_move_everyones_token(world: World) -> None:
    before = {u: _token(u) for u in (world.pm, world.other_pm, world.head)}
    AreaRevision.objects.filter(area=world.shifts[0].area).update(title="Changed")
    assert all(_token(u) != before[u] for u in before)


def test_a_person_without_a_token_is_never_served_from_the_cache(world: World) -> None:
    PersonVersion.objects.filter(person=world.pm).delete()
    world.get("pm", "/")
    EvidenceFactory(author=world.pm, title=MARK)  # moves no token: she has none
    assert MARK in world.get("pm", "/")[1]


def test_a_flash_message_is_shown_once_and_never_cached(world: World) -> None:
    world.get("pm", "/evidence/")
    response = world.clients["pm"].post(f"/evidence/{world.private.pk}/delete/", follow=True)
    assert "Deleted “Private entry”." in response.content.decode()
    again = world.get("pm", "/evidence/")[1]
    assert "Deleted “Private entry”." not in again
    assert "Private entry" not in again
    assert world.get("pm", "/evidence/")[1] == again


def test_the_reporting_lines_token_moves_with_who_is_under_whom(world: World) -> None:
    before = versions.lines_token()
    world.pm.first_name = "Renamed"
    world.pm.save()
    assert versions.lines_token() == before
    world.pm.manager = world.head
    world.pm.save()
    moved = versions.lines_token()
    assert moved != before
    world.other_pm.is_active = False
    world.other_pm.save()
    assert versions.lines_token() != moved


def test_pages_are_kept_compressed_and_served_whole(world: World) -> None:
    """A process keeps thousands of pages: each is stored compressed, and what is served from
    it is the page as built."""
    cache = caches["pages"]
    with mock.patch.object(cache, "set", wraps=cache.set) as stored:
        _, built = world.get("pm", "/packet/")
    [kept] = [c.args[1] for c in stored.call_args_list if isinstance(c.args[1], bytes)]
    assert len(kept) * 3 < len(built.encode())
    assert _normalised(zlib.decompress(kept).decode()) == built
    assert world.get("pm", "/packet/") == (200, built)
