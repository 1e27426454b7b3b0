"""1:1s through the views: the agenda the pair shares, suggestions from the data, action items
that carry over, private notes, closed meetings, and who may reach any of it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from leadership.models import User
from tests.factories import EvidenceFactory, submitted_checkin
from transitions import services
from transitions.models import ActionItem, AgendaItem, CheckIn, OneOnOne, Review, Shift

HTMX = {"HX-Request": "true"}


@pytest.fixture
def meeting(pm: User, manager: User) -> OneOnOne:
    return services.one_on_one_start(manager=manager, person=pm)


def _url(meeting: OneOnOne, partner: str) -> str:
    return f"/one-on-ones/{partner}/{meeting.pk}/"


def _complete_review(
    pm: User, manager: User, shifts: list[Shift], levels: dict[int, int]
) -> Review:
    review, _ = services.review_start(
        person=pm, manager=manager, framework=shifts[0].area.framework
    )
    for shift in shifts:
        services.review_rate(
            review=review,
            shift=shift,
            revision=shift.revisions.latest(),
            changes={"level": levels.get(shift.pk, 3)},
        )
    services.review_write(review=review, summary="Fine.", agreed_focus="")
    return services.review_complete(review=review)


# The list and the agenda


def test_the_list_shows_my_manager_and_my_reports(client: Client, pm: User, manager: User) -> None:
    client.force_login(manager)
    response = client.get("/one-on-ones/")
    assertContains(response, 'href="/one-on-ones/priya/"')
    assertContains(response, "You have no manager here.")
    client.force_login(pm)
    assertContains(client.get("/one-on-ones/"), 'href="/one-on-ones/marco/"')


def test_the_nav_links_to_1_1s_for_people_in_a_pair(
    client: Client, pm: User, manager: User, editor: User
) -> None:
    for person in (pm, manager):
        client.force_login(person)
        assertContains(client.get("/"), 'href="/one-on-ones/"')
    client.force_login(editor)
    assertNotContains(client.get("/"), 'href="/one-on-ones/"')


def test_either_person_starts_the_first_1_1(client: Client, pm: User, manager: User) -> None:
    client.force_login(pm)
    assertContains(client.get("/one-on-ones/marco/"), "Start a 1:1")
    response = client.post("/one-on-ones/marco/")
    assert response.status_code == 302
    meeting = OneOnOne.objects.get()
    assert (meeting.manager, meeting.person, meeting.is_open) == (manager, pm, True)
    client.force_login(manager)
    assertContains(client.get("/one-on-ones/priya/"), "Open agenda")


def test_either_person_adds_reorders_and_checks_off_items(
    client: Client, pm: User, manager: User, meeting: OneOnOne, shifts: list[Shift]
) -> None:
    client.force_login(pm)
    url = _url(meeting, "marco")
    response = client.post(
        url, {"action": "add_item", "item-text": "Hiring plan", "item-shift": shifts[0].slug}
    )
    assert response.status_code == 302
    client.force_login(manager)
    url = _url(meeting, "priya")
    response = client.post(url, {"action": "add_item", "item-text": "Roadmap"}, headers=HTMX)
    assertContains(response, "Roadmap")
    assertNotContains(response, "<html")
    first, second = AgendaItem.objects.order_by("order")
    assert (first.text, first.author, first.shift) == ("Hiring plan", pm, shifts[0])
    assert (second.text, second.author) == ("Roadmap", manager)

    client.post(url, {"action": "up", "item": second.pk})
    assert list(AgendaItem.objects.order_by("order").values_list("text", flat=True)) == [
        "Roadmap",
        "Hiring plan",
    ]
    client.force_login(pm)
    client.post(_url(meeting, "marco"), {"action": "down", "item": second.pk})
    assert list(AgendaItem.objects.order_by("order").values_list("text", flat=True)) == [
        "Hiring plan",
        "Roadmap",
    ]
    client.post(_url(meeting, "marco"), {"action": "check_item", "item": first.pk, "done": "1"})
    first.refresh_from_db()
    assert first.done
    page = client.get(_url(meeting, "marco"))
    assertContains(page, "Reopen")


def test_an_empty_item_is_refused_with_the_error_shown(
    client: Client, pm: User, meeting: OneOnOne
) -> None:
    client.force_login(pm)
    response = client.post(_url(meeting, "marco"), {"action": "add_item", "item-text": "  "})
    assertContains(response, "This field is required.", status_code=422)
    assert not AgendaItem.objects.exists()


def test_an_item_is_added_through_the_one_service_that_tells_the_other_person(
    client: Client, pm: User, meeting: OneOnOne, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where notifications will hook in: every added item, own or suggested, goes through
    services.agenda_item_add."""
    calls = []
    real = services.agenda_item_add
    monkeypatch.setattr(services, "agenda_item_add", lambda **kw: calls.append(kw) or real(**kw))
    client.force_login(pm)
    client.post(_url(meeting, "marco"), {"action": "add_item", "item-text": "Hiring"})
    assert [call["by"] for call in calls] == [pm]


# Suggestions


def _suggestions(client: Client, user: User, meeting: OneOnOne, partner: str) -> str:
    client.force_login(user)
    response = client.get(_url(meeting, partner))
    assert response.status_code == 200
    return response.content.decode()


def test_a_disconnect_of_two_steps_is_suggested_with_a_link_to_the_review(
    client: Client, pm: User, manager: User, shifts: list[Shift]
) -> None:
    submitted_checkin(pm, {shifts[0]: 5, shifts[1]: 4, **dict.fromkeys(shifts[2:], 3)}, days_ago=5)
    review = _complete_review(pm, manager, shifts, {shifts[0].pk: 3, shifts[1].pk: 3})
    meeting = services.one_on_one_start(manager=manager, person=pm)
    page = _suggestions(client, manager, meeting, "priya")
    assert f"disconnect:{review.pk}:{shifts[0].pk}" in page  # 5 against 3
    assert f"disconnect:{review.pk}:{shifts[1].pk}" not in page  # 4 against 3: a gap of one
    assert f'href="/team/priya/reviews/{review.pk}/"' in page
    page = _suggestions(client, pm, meeting, "marco")
    assert f"disconnect:{review.pk}:{shifts[0].pk}" in page
    assert f'href="/reviews/{review.pk}/"' in page


def test_a_rise_without_shared_evidence_since_is_suggested_until_evidence_backs_it(
    client: Client, pm: User, manager: User, meeting: OneOnOne, shifts: list[Shift]
) -> None:
    submitted_checkin(pm, {shifts[0]: 2, shifts[1]: 2}, days_ago=40)
    latest = submitted_checkin(pm, {shifts[0]: 3, shifts[1]: 2}, days_ago=2)
    key = f"rise:{latest.pk}:{shifts[0].pk}"
    page = _suggestions(client, manager, meeting, "priya")
    assert key in page
    assert f'href="/team/priya/shifts/{shifts[0].slug}/"' in page
    assert f"rise:{latest.pk}:{shifts[1].pk}" not in page  # no rise
    EvidenceFactory(author=pm, shifts=[shifts[0]], visibility="private")
    assert key in _suggestions(client, manager, meeting, "priya")  # private: not backing
    EvidenceFactory(author=pm, shifts=[shifts[0]], visibility="shared")
    assert key not in _suggestions(client, manager, meeting, "priya")


def test_a_rise_stays_hidden_from_the_manager_while_his_review_has_not_rated_it(
    client: Client, pm: User, manager: User, meeting: OneOnOne, shifts: list[Shift]
) -> None:
    submitted_checkin(pm, {shifts[0]: 2}, days_ago=40)
    latest = submitted_checkin(pm, {shifts[0]: 3}, days_ago=2)
    services.review_start(person=pm, manager=manager, framework=shifts[0].area.framework)
    assert f"rise:{latest.pk}:{shifts[0].pk}" not in _suggestions(client, pm, meeting, "marco")


def test_evidence_shared_since_the_last_1_1_is_suggested(
    client: Client, pm: User, manager: User, shifts: list[Shift]
) -> None:
    before = EvidenceFactory(author=pm, shifts=[shifts[0]], visibility="shared", title="Old one")
    services.one_on_one_start(manager=manager, person=pm)
    shared = EvidenceFactory(author=pm, shifts=[shifts[0]], visibility="shared", title="New one")
    private = EvidenceFactory(author=pm, shifts=[shifts[0]], title="Kept to myself")
    meeting = services.one_on_one_start(manager=manager, person=pm)
    page = _suggestions(client, manager, meeting, "priya")
    assert f'href="/evidence/{shared.pk}/"' in page
    assert f"evidence:{before.pk}" not in page
    assert f"evidence:{private.pk}" not in page
    assert "Kept to myself" not in page


def test_focus_is_suggested_to_the_pm_only(
    client: Client, pm: User, manager: User, meeting: OneOnOne, shifts: list[Shift]
) -> None:
    focus = services.focus_set(person=pm, shift=shifts[0], next_step="Delegate the demo")
    page = _suggestions(client, pm, meeting, "marco")
    assert f"focus:{focus.pk}" in page
    assert 'href="/focus/"' in page
    assert "Delegate the demo" not in _suggestions(client, manager, meeting, "priya")


def test_an_overdue_check_in_is_suggested_exactly_when_due(
    client: Client, pm: User, manager: User, meeting: OneOnOne, shifts: list[Shift]
) -> None:
    checkin = submitted_checkin(pm, {shifts[0]: 3}, days_ago=pm.checkin_interval_days - 1)
    assert "checkin-due:" not in _suggestions(client, manager, meeting, "priya")
    assert "checkin-due:" not in _suggestions(client, pm, meeting, "marco")
    CheckIn.objects.filter(pk=checkin.pk).update(
        submitted_at=timezone.now() - timedelta(days=pm.checkin_interval_days, seconds=1)
    )
    page = _suggestions(client, manager, meeting, "priya")
    assert "checkin-due:" in page
    assert 'href="/team/"' in page
    page = _suggestions(client, pm, meeting, "marco")
    assert "checkin-due:" in page
    assert 'href="/check-ins/new/"' in page


def test_a_suggestion_is_added_or_dismissed_with_one_click(
    client: Client, pm: User, manager: User, meeting: OneOnOne, shifts: list[Shift]
) -> None:
    one = EvidenceFactory(author=pm, shifts=[shifts[0]], visibility="shared", title="Demo day")
    two = EvidenceFactory(author=pm, shifts=[shifts[0]], visibility="shared", title="Offsite")
    client.force_login(manager)
    url = _url(meeting, "priya")
    response = client.post(
        url, {"action": "add_suggestion", "key": f"evidence:{one.pk}"}, headers=HTMX
    )
    assertContains(response, "Evidence shared: Demo day")
    item = AgendaItem.objects.get()
    assert (item.suggestion, item.link, item.author) == (
        f"evidence:{one.pk}",
        f"/evidence/{one.pk}/",
        manager,
    )
    assert client.post(url, {"action": "dismiss", "key": f"evidence:{two.pk}"}).status_code == 302
    page = client.get(url).content.decode()
    assert 'value="evidence:' not in page  # neither is suggested any more
    # A key that is not (or no longer) suggested is not found.
    assert (
        client.post(url, {"action": "add_suggestion", "key": f"evidence:{two.pk}"}).status_code
        == 404
    )
    assert (
        client.post(url, {"action": "add_suggestion", "key": "evidence:999999"}).status_code == 404
    )


# Action items


def test_action_items_carry_over_until_done(
    client: Client, pm: User, manager: User, meeting: OneOnOne
) -> None:
    client.force_login(manager)
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    response = client.post(
        _url(meeting, "priya"),
        {
            "action": "add_action",
            "action-text": "Write the hiring plan",
            "action-owner": "priya",
            "action-due_on": due,
        },
    )
    assert response.status_code == 302
    action = ActionItem.objects.get()
    assert (action.owner, action.meeting) == (pm, meeting)

    client.post("/one-on-ones/priya/")  # the next 1:1
    second = OneOnOne.objects.open().get()
    client.force_login(pm)
    page = client.get("/one-on-ones/marco/")
    assertContains(page, "Write the hiring plan")
    assertContains(page, "carried over")
    client.post(_url(second, "marco"), {"action": "check_action", "item": action.pk, "done": "1"})
    action.refresh_from_db()
    assert action.is_done
    client.post("/one-on-ones/marco/")  # and the one after: done items stay behind
    assertNotContains(client.get("/one-on-ones/marco/"), "Write the hiring plan")
    # The records keep them: where it was agreed, and where it was checked off.
    assertContains(client.get(_url(meeting, "marco")), "Write the hiring plan")
    assertContains(client.get(_url(second, "marco")), "Write the hiring plan")


def test_an_action_item_belongs_to_one_of_the_pair(
    client: Client, manager: User, meeting: OneOnOne, other_pm: User
) -> None:
    client.force_login(manager)
    due = timezone.localdate().isoformat()
    response = client.post(
        _url(meeting, "priya"),
        {"action": "add_action", "action-text": "X", "action-owner": "sam", "action-due_on": due},
    )
    assert response.status_code == 422
    assert not ActionItem.objects.exists()


# Notes


def test_shared_notes_autosave_and_refuse_a_stale_overwrite(
    client: Client, pm: User, manager: User, meeting: OneOnOne
) -> None:
    client.force_login(pm)
    url = _url(meeting, "marco")
    response = client.post(
        url, {"action": "shared", "shared-notes": "We agreed", "shared-version": "1"}, headers=HTMX
    )
    assertContains(response, "Saved.")
    assertContains(response, 'name="shared-version" value="2"')
    client.force_login(manager)
    response = client.post(
        url.replace("marco", "priya"),
        {"action": "shared", "shared-notes": "Stale text", "shared-version": "1"},
        headers=HTMX,
    )
    assertContains(response, "We agreed", status_code=409)
    meeting.refresh_from_db()
    assert meeting.shared_notes == "We agreed"


def test_private_notes_reach_their_author_only(
    client: Client, pm: User, manager: User, meeting: OneOnOne
) -> None:
    client.force_login(manager)
    response = client.post(
        _url(meeting, "priya"), {"action": "private", "private-notes": "zqMarcoPrivate"}
    )
    assert response.status_code == 302
    client.force_login(pm)
    client.post(_url(meeting, "marco"), {"action": "private", "private-notes": "zqPriyaPrivate"})
    services.one_on_one_start(manager=manager, person=pm)  # closed: the record shows them too
    pages = [
        "/one-on-ones/",
        "/one-on-ones/marco/",
        _url(meeting, "marco"),
        "/packet/",
        "/packet/?format=md",
        "/account/export.json",
        "/account/export.csv",
    ]
    for page in pages:
        assertNotContains(client.get(page), "zqMarcoPrivate")
    assertContains(client.get(_url(meeting, "marco")), "zqPriyaPrivate")
    assertContains(client.get("/account/export.json"), "zqPriyaPrivate")
    client.force_login(manager)
    for page in [_url(meeting, "priya"), "/team/priya/packet/", "/account/export.json"]:
        assertNotContains(client.get(page), "zqPriyaPrivate")
    assertContains(client.get(_url(meeting, "priya")), "zqMarcoPrivate")
    assertContains(client.get("/account/export.json"), "zqMarcoPrivate")
    assertContains(client.get("/account/export.csv"), "zqMarcoPrivate")


def test_the_pairs_shared_1_1_data_is_in_both_exports(
    client: Client, pm: User, manager: User, meeting: OneOnOne
) -> None:
    services.agenda_item_add(meeting=meeting, by=manager, text="zqSharedItem")
    services.shared_notes_write(meeting=meeting, text="zqSharedNotes", seen_version=None)
    for person in (pm, manager):
        client.force_login(person)
        response = client.get("/account/export.json")
        assertContains(response, "zqSharedItem")
        assertContains(response, "zqSharedNotes")


# A closed 1:1


WRITES = [
    {"action": "add_item", "item-text": "Late"},
    {"action": "add_suggestion", "key": "x"},
    {"action": "dismiss", "key": "x"},
    {"action": "up", "item": "1"},
    {"action": "down", "item": "1"},
    {"action": "check_item", "item": "1", "done": "1"},
    {
        "action": "add_action",
        "action-text": "Late",
        "action-owner": "priya",
        "action-due_on": "2030-01-01",
    },
    {"action": "check_action", "item": "1", "done": "1"},
    {"action": "shared", "shared-notes": "Late"},
    {"action": "private", "private-notes": "Late"},
    {"action": "nonsense"},
]


@pytest.mark.parametrize("data", WRITES, ids=[w["action"] for w in WRITES])
@pytest.mark.parametrize("who", ["pm", "manager"])
def test_a_closed_1_1_is_read_only_through_every_url(
    client: Client,
    request: pytest.FixtureRequest,
    pm: User,
    manager: User,
    meeting: OneOnOne,
    data: dict[str, str],
    who: str,
) -> None:
    item = services.agenda_item_add(meeting=meeting, by=pm, text="Before")
    action = services.action_item_add(
        meeting=meeting, owner=pm, text="Act", due_on=timezone.localdate()
    )
    services.one_on_one_start(manager=manager, person=pm)
    meeting.refresh_from_db()
    data = {
        **data,
        **(
            {"item": str(action.pk if "action" in data["action"] else item.pk)}
            if "item" in data
            else {}
        ),
    }
    client.force_login(request.getfixturevalue(who))
    url = _url(meeting, "marco" if who == "pm" else "priya")
    before = (
        list(AgendaItem.objects.values()),
        list(ActionItem.objects.values()),
        meeting.shared_notes,
    )
    for headers in ({}, HTMX):
        response = client.post(url, data, headers=headers)
        assert response.status_code == 409
    meeting.refresh_from_db()
    assert (
        list(AgendaItem.objects.values()),
        list(ActionItem.objects.values()),
        meeting.shared_notes,
    ) == before
    assertContains(client.get(url), "read-only")


# Query budgets


def _meetings(pm: User, manager: User, shifts: list[Shift], count: int) -> OneOnOne:
    """`count` 1:1s (all but the last closed), each with items, actions and notes, and a
    month of history behind each: check-ins, shared evidence, a completed review, focus."""
    for month in range(count):
        submitted_checkin(
            pm,
            {s: 1 + (month + n) % 5 for n, s in enumerate(shifts)},
            days_ago=30 * (count - month),
        )
        EvidenceFactory(author=pm, shifts=shifts[:2], visibility="shared")
        meeting = services.one_on_one_start(manager=manager, person=pm)
        services.agenda_item_add(meeting=meeting, by=pm, text=f"Item {month}", shift=shifts[0])
        services.agenda_item_add(meeting=meeting, by=manager, text=f"Other {month}")
        services.action_item_add(
            meeting=meeting,
            owner=pm,
            text=f"Act {month}",
            due_on=timezone.localdate(),
            shift=shifts[1],
        )
        services.private_note_write(meeting=meeting, author=pm, text="Mine", seen_version=None)
    _complete_review(pm, manager, shifts, {shifts[0].pk: 1, shifts[1].pk: 5})
    services.focus_set(person=pm, shift=shifts[2], next_step="Next")
    return meeting


def _count(client: Client, url: str, django_assert_num_queries, expected: int) -> None:
    client.get(url)  # the framework content is then in the cache
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200


# The agenda: 1 session, 2 user, 3 the partner (the pair), 4 the meeting, 5 its action
# items and those carried over, 6 its agenda items; suggestions: 7 the last completed
# review, 8-9 her standings when it was completed (levels, last evidence), 10 its ratings,
# 11 her latest two check-ins, 12 the manager's open review (blind rule), 13 shared evidence
# per shift, 14-15 her standings now, 16 the 1:1 before, 17 evidence shared since, 18 her
# focus (for her only), 19 the suggestions added or dismissed; then 20 my private note,
# 21 the pair's 1:1s (history), 22 has reports (nav).
AGENDA_QUERIES = {"pm": 22, "manager": 21}


@pytest.mark.parametrize("who", ["pm", "manager"])
def test_the_agenda_budget_is_the_same_with_little_and_much_history(
    client: Client,
    request: pytest.FixtureRequest,
    pm: User,
    manager: User,
    shifts: list[Shift],
    django_assert_num_queries,
    who: str,
) -> None:
    client.force_login(request.getfixturevalue(who))
    partner = "marco" if who == "pm" else "priya"
    meeting = _meetings(pm, manager, shifts, 1)
    _count(client, _url(meeting, partner), django_assert_num_queries, AGENDA_QUERIES[who])
    meeting = _meetings(pm, manager, shifts, 6)
    _count(client, _url(meeting, partner), django_assert_num_queries, AGENDA_QUERIES[who])
    # The running agenda is the same page, found by the pair: the meeting's query differs,
    # and it reads the pair's version tokens for the page cache (one more query).
    agenda = f"/one-on-ones/{partner}/"
    _count(client, agenda, django_assert_num_queries, AGENDA_QUERIES[who] + 1)
    # A closed meeting computes no suggestions: 4 meeting, 5 actions, 6 items, 7 private
    # note, 8 history, 9 has reports.
    closed = OneOnOne.objects.exclude(pk=meeting.pk).first()
    _count(client, _url(closed, partner), django_assert_num_queries, 9)


def test_the_list_budget_is_the_same_with_few_and_many_1_1s(
    client: Client, pm: User, manager: User, shifts: list[Shift], django_assert_num_queries
) -> None:
    # 1 session, 2 user, 3 my manager and my reports, 4 our 1:1s, 5 has reports (nav)
    client.force_login(manager)
    _meetings(pm, manager, shifts, 1)
    _count(client, "/one-on-ones/", django_assert_num_queries, 5)
    _meetings(pm, manager, shifts, 5)
    _count(client, "/one-on-ones/", django_assert_num_queries, 5)


# Access beyond the matrix (tests/test_access_matrix.py has every URL for every persona)


def test_a_meeting_of_another_pair_is_not_found_through_my_own_pair(
    client: Client, meeting: OneOnOne, other_manager: User, other_pm: User
) -> None:
    services.one_on_one_start(manager=other_manager, person=other_pm)
    client.force_login(other_manager)
    assert client.get(f"/one-on-ones/sam/{meeting.pk}/").status_code == 404
    assert client.post(f"/one-on-ones/sam/{meeting.pk}/", {"action": "dismiss"}).status_code == 404


def test_a_former_manager_loses_the_1_1s_with_her_report(
    client: Client, pm: User, manager: User, meeting: OneOnOne, other_manager: User
) -> None:
    pm.manager = other_manager
    pm.save()
    client.force_login(manager)
    assert client.get("/one-on-ones/priya/").status_code == 404
    assert client.get(_url(meeting, "priya")).status_code == 404
    client.force_login(pm)
    assert client.get(_url(meeting, "marco")).status_code == 404
    assert client.get(_url(meeting, "olga")).status_code == 404  # another pair's meeting


def test_an_added_item_tells_the_other_person_after_commit_without_its_text(
    client: Client,
    pm: User,
    manager: User,
    meeting: OneOnOne,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from transitions.models import Notification

    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url(meeting, "priya"), {"action": "add_item", "item-text": "zqItemText"})
    [told] = Notification.objects.all()
    assert (told.recipient, told.actor, told.kind) == (pm, manager, "one_on_one_item_added")
    assert "zqItemText" not in told.text
    client.force_login(pm)
    assertContains(client.get(f"/notifications/{told.pk}/", follow=True), "zqItemText")

    client.force_login(pm)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url(meeting, "marco"), {"action": "add_item", "item-text": "Hers"})
    assert Notification.objects.filter(recipient=manager, actor=pm).count() == 1


def test_an_action_item_due_is_told_to_its_owner_once(
    pm: User, manager: User, meeting: OneOnOne, django_capture_on_commit_callbacks: Any
) -> None:
    import io

    from django.core.management import call_command

    from transitions.models import Notification

    today = timezone.localdate()
    due = services.action_item_add(meeting=meeting, owner=pm, text="zqDueText", due_on=today)
    services.action_item_add(
        meeting=meeting, owner=manager, text="Later", due_on=today + timedelta(days=3)
    )
    done = services.action_item_add(meeting=meeting, owner=manager, text="Done", due_on=today)
    ActionItem.objects.filter(pk=done.pk).update(done_at=timezone.now())
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_action_item_reminders", stdout=out)
    assert "Told 1 action item owner." in out.getvalue()
    [told] = Notification.objects.filter(kind="action_item_due")
    assert (told.recipient, told.target) == (pm, meeting)
    assert "due today" in told.text
    assert "zqDueText" not in told.text
    call_command("send_action_item_reminders", stdout=io.StringIO())
    assert Notification.objects.filter(kind="action_item_due").count() == 1
    due.refresh_from_db()
    assert due.reminded_at is not None
