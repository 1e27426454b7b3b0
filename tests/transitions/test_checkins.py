"""Check-ins through the views: start, autosave, resume, submit, history, discard."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from leadership.models import User
from tests.factories import EvidenceFactory, ShiftFactory, UserFactory, submitted_checkin
from transitions import services
from transitions.models import CheckIn, Rating, Shift, ShiftRevision

HTMX = {"HX-Request": "true"}


@pytest.fixture
def pm_client(client: Client, pm: User) -> Client:
    client.force_login(pm)
    return client


def _start(client: Client) -> CheckIn:
    response = client.post("/check-ins/new/")
    assert response.status_code == 302
    return CheckIn.objects.get(pk=int(response["Location"].strip("/").split("/")[-1]))


def _rate(
    client: Client, checkin: CheckIn, shift: Shift, level: Any = "", note: str = "", **extra: Any
) -> Any:
    data = {f"{shift.slug}-level": level, f"{shift.slug}-note": note, **extra}
    return client.post(f"/check-ins/{checkin.pk}/shifts/{shift.slug}/", data, headers=HTMX)


def _all_levels(shifts: list[Shift], level: int = 3) -> dict[str, Any]:
    return {f"{s.slug}-level": level for s in shifts}


def test_the_scale_is_enforced_by_the_database(
    pm: User, framework: Any, shifts: list[Shift]
) -> None:
    from django.db import IntegrityError, transaction

    checkin, _ = services.checkin_start(person=pm, framework=framework)
    revision = shifts[0].revisions.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(checkin=checkin, shift=shifts[0], revision=revision, level=6)


def test_the_database_allows_one_open_draft(pm: User, framework: Any) -> None:
    from django.db import IntegrityError, transaction

    CheckIn.objects.create(person=pm, framework=framework)
    with pytest.raises(IntegrityError), transaction.atomic():
        CheckIn.objects.create(person=pm, framework=framework)


def test_a_new_user_rates_leaves_returns_submits_and_sees_the_dashboard_change(
    pm_client: Client, shifts: list[Shift]
) -> None:
    dashboard = pm_client.get("/").content.decode()
    assert "Start your first check-in" in dashboard
    assert pm_client.get("/check-ins/new/").status_code == 200  # the start page

    checkin = _start(pm_client)
    page = pm_client.get(f"/check-ins/{checkin.pk}/").content.decode()
    assert page.count('class="scale"') == 12
    assert "Mostly “from”" in page
    assert "I do the “to” and help others do it." in page

    for i, shift in enumerate(shifts):
        response = _rate(pm_client, checkin, shift, level=1 + i % 5, note=f"note {i}")
        assert response.status_code == 200
        assert "Saved" in response.content.decode()
        assert "<html" not in response.content.decode()

    # Leave and come back: everything is kept.
    again = pm_client.get("/check-ins/new/")
    assert again["Location"] == f"/check-ins/{checkin.pk}/"
    page = pm_client.get(f"/check-ins/{checkin.pk}/").content.decode()
    for i, shift in enumerate(shifts):
        assert f'id="{shift.slug}-level-{1 + i % 5}" value="{1 + i % 5}" checked' in page
        assert f"note {i}</textarea>" in page
    assert "12 of 12 shifts rated" in page

    response = pm_client.post(
        f"/check-ins/{checkin.pk}/",
        {
            "action": "submit",
            **{f"{s.slug}-level": 1 + i % 5 for i, s in enumerate(shifts)},
            **{f"{s.slug}-note": f"note {i}" for i, s in enumerate(shifts)},
        },
    )
    assert response.status_code == 302
    checkin.refresh_from_db()
    assert checkin.status == CheckIn.Status.SUBMITTED
    assert checkin.submitted_at is not None

    dashboard = pm_client.get("/").content.decode()
    assert "Start your first check-in" not in dashboard
    assert "Next one due" in dashboard
    assert "1 · Mostly “from”" in dashboard
    assert "one submitted check-in: your baseline" in dashboard


def test_rating_without_javascript_saves_the_whole_form(
    pm_client: Client, shifts: list[Shift]
) -> None:
    checkin = _start(pm_client)
    data = {**_all_levels(shifts[:4], 2), f"{shifts[0].slug}-note": "kept", "action": "save"}
    response = pm_client.post(f"/check-ins/{checkin.pk}/", data)
    assert response.status_code == 302
    assert checkin.ratings.filter(level=2).count() == 4
    assert checkin.ratings.get(shift=shifts[0]).note == "kept"
    assert CheckIn.objects.get(pk=checkin.pk).is_draft


def test_each_rating_records_the_wording_on_screen(
    pm_client: Client, shifts: list[Shift], editor: User
) -> None:
    checkin = _start(pm_client)
    shift = shifts[0]
    shown = shift.revisions.get()
    page = pm_client.get(f"/check-ins/{checkin.pk}/").content.decode()
    assert f'name="{shift.slug}-revision" value="{shown.pk}"' in page
    # The editor rewords the shift while the PM has the page open.
    shift.to_text = "reworded"
    services.shift_save(shift=shift, kind=ShiftRevision.Kind.MEANING_CHANGE, by=editor)
    _rate(pm_client, checkin, shift, level=3, **{f"{shift.slug}-revision": shown.pk})
    assert checkin.ratings.get(shift=shift).revision == shown
    # A reload shows the new wording, and the next save records it.
    newer = shift.revisions.get(number=2)
    _rate(pm_client, checkin, shift, level=4, **{f"{shift.slug}-revision": newer.pk})
    assert checkin.ratings.get(shift=shift).revision == newer


def test_the_previous_rating_is_hidden_until_rated_again(
    pm_client: Client, pm: User, shifts: list[Shift]
) -> None:
    submitted_checkin(pm, dict.fromkeys(shifts, 2), days_ago=40)
    checkin = _start(pm_client)
    assertNotContains(pm_client.get(f"/check-ins/{checkin.pk}/"), "Last check-in")

    response = _rate(pm_client, checkin, shifts[0], level=2).content.decode()
    assert "Last check-in" in response
    assert "Exploring" in response
    assert "No change" in response
    page = pm_client.get(f"/check-ins/{checkin.pk}/").content.decode()
    assert page.count("Last check-in (") == 1


def test_a_rise_without_new_evidence_gets_a_nudge(
    pm_client: Client, pm: User, shifts: list[Shift]
) -> None:
    submitted_checkin(pm, dict.fromkeys(shifts, 2), days_ago=40)
    EvidenceFactory(author=pm, shifts=[shifts[1]], happened_on=timezone.localdate())
    checkin = _start(pm_client)

    bare = _rate(pm_client, checkin, shifts[0], level=4).content.decode()
    assert "Up 2 steps" in bare
    assert "you have logged no evidence for this shift since" in bare
    assert f"/evidence/new/?shift={shifts[0].slug}" in bare

    backed = _rate(pm_client, checkin, shifts[1], level=4).content.decode()
    assert "no evidence" not in backed

    same = _rate(pm_client, checkin, shifts[2], level=2).content.decode()
    assert "no evidence" not in same
    assert checkin.ratings.filter(level=4).count() == 2  # a nudge, not a block


def test_submitting_names_the_missing_shifts(pm_client: Client, shifts: list[Shift]) -> None:
    checkin = _start(pm_client)
    data = {**_all_levels(shifts[:10]), "action": "submit"}
    response = pm_client.post(f"/check-ins/{checkin.pk}/", data)
    assert response.status_code == 422
    body = response.content.decode()
    assert "2 still need a rating" in body
    assert shifts[10].to_text.capitalize() in body
    assert shifts[11].to_text.capitalize() in body
    checkin.refresh_from_db()
    assert checkin.is_draft
    assert checkin.ratings.filter(level__isnull=False).count() == 10  # what was given is kept


@pytest.mark.parametrize(
    ("level", "message"),
    [
        ("6", "Choose one of the five levels, 1 to 5."),
        ("0", "Choose one of the five levels"),
        ("x", "Choose one of the five levels"),
    ],
)
def test_a_level_outside_the_scale_is_refused(
    pm_client: Client, shifts: list[Shift], level: str, message: str
) -> None:
    checkin = _start(pm_client)
    response = _rate(pm_client, checkin, shifts[0], level=level)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not checkin.ratings.exists()

    full = pm_client.post(
        f"/check-ins/{checkin.pk}/", {f"{shifts[0].slug}-level": level, "action": "save"}
    )
    assert full.status_code == 422
    assert message in full.content.decode()
    assert not checkin.ratings.exists()


def test_an_overlong_note_is_refused(pm_client: Client, shifts: list[Shift]) -> None:
    checkin = _start(pm_client)
    response = _rate(pm_client, checkin, shifts[0], level=3, note="n" * 2001)
    assert response.status_code == 422
    assert "Keep the note to 2000 characters (it has 2001)." in response.content.decode()


def test_a_retired_shift_or_one_of_another_framework_is_refused(
    pm_client: Client, shifts: list[Shift]
) -> None:
    checkin = _start(pm_client)
    Shift.objects.filter(pk=shifts[0].pk).update(retired_at=timezone.now())
    retired = _rate(pm_client, checkin, shifts[0], level=3)
    assert retired.status_code == 422
    assert "retired" in retired.content.decode()

    foreign = ShiftFactory()
    response = _rate(pm_client, checkin, foreign, level=3)
    assert response.status_code == 404
    assert "not part of your framework" in response.content.decode()
    assert not checkin.ratings.exists()


def test_autosave_finds_the_shift_in_her_own_framework_when_another_has_the_same_slug(
    pm_client: Client, shifts: list[Shift]
) -> None:
    checkin = _start(pm_client)
    ShiftFactory(slug=shifts[0].slug)  # same slug, another framework
    response = _rate(pm_client, checkin, shifts[0], level=4)
    assertContains(response, "Saved: Consistent.")
    assert checkin.ratings.get().shift == shifts[0]


def test_a_retired_shift_leaves_the_draft_but_stays_in_history(
    pm_client: Client, pm: User, shifts: list[Shift]
) -> None:
    old = submitted_checkin(pm, dict.fromkeys(shifts, 3), days_ago=40)
    Shift.objects.filter(pk=shifts[0].pk).update(retired_at=timezone.now())
    checkin = _start(pm_client)
    page = pm_client.get(f"/check-ins/{checkin.pk}/").content.decode()
    assert page.count('class="scale"') == 11
    assert shifts[0].to_text not in page
    response = pm_client.post(
        f"/check-ins/{checkin.pk}/", {**_all_levels(shifts[1:]), "action": "submit"}
    )
    assert response.status_code == 302
    assert shifts[0].to_text in pm_client.get(f"/check-ins/{old.pk}/").content.decode()


def test_a_second_draft_cannot_be_created(pm_client: Client, pm: User) -> None:
    first = _start(pm_client)
    second = _start(pm_client)
    assert first == second
    assert CheckIn.objects.filter(person=pm).count() == 1


def test_a_submitted_check_in_shows_changes_and_cannot_change(
    pm_client: Client, pm: User, shifts: list[Shift]
) -> None:
    submitted_checkin(pm, dict.fromkeys(shifts, 2), days_ago=60)
    checkin = submitted_checkin(
        pm, {**dict.fromkeys(shifts, 2), shifts[0]: 4, shifts[1]: 1}, days_ago=10
    )
    page = pm_client.get(f"/check-ins/{checkin.pk}/").content.decode()
    assert "↑ up 2 from Exploring" in page
    assert "↓ down 1 from Exploring" in page
    assert page.count("no change") == 10

    before = list(checkin.ratings.values_list("shift_id", "level", "note"))
    attempts = [
        pm_client.post(f"/check-ins/{checkin.pk}/", {**_all_levels(shifts, 5), "action": "submit"}),
        _rate(pm_client, checkin, shifts[0], level=5, note="changed"),
        pm_client.post(f"/check-ins/{checkin.pk}/discard/"),
    ]
    assert [r.status_code for r in attempts] == [409, 409, 409]
    assert "can no longer change" in attempts[0].content.decode()
    assert list(checkin.ratings.values_list("shift_id", "level", "note")) == before
    assert CheckIn.objects.get(pk=checkin.pk).status == CheckIn.Status.SUBMITTED
    with pytest.raises(services.CheckInClosed):
        services.checkin_submit(checkin=checkin)


def test_a_draft_is_discarded_after_confirmation(pm_client: Client, shifts: list[Shift]) -> None:
    checkin = _start(pm_client)
    _rate(pm_client, checkin, shifts[0], level=3)
    page = pm_client.get(f"/check-ins/{checkin.pk}/discard/")
    assert "Discard this check-in?" in page.content.decode()
    assert "rated 1 shift" in page.content.decode()
    assert CheckIn.objects.filter(pk=checkin.pk).exists()
    assert pm_client.post(f"/check-ins/{checkin.pk}/discard/")["Location"] == "/check-ins/"
    assert not CheckIn.objects.filter(pk=checkin.pk).exists()


@pytest.mark.parametrize("persona", ["other_pm", "manager", "other_manager", "editor", "superuser"])
def test_nobody_else_reads_or_writes_a_check_in(
    client: Client, request: pytest.FixtureRequest, pm: User, shifts: list[Shift], persona: str
) -> None:
    draft = CheckIn.objects.create(person=pm, framework=shifts[0].area.framework)
    done = submitted_checkin(pm, dict.fromkeys(shifts, 3), days_ago=5)
    client.force_login(request.getfixturevalue(persona))
    for checkin in (draft, done):
        assert client.get(f"/check-ins/{checkin.pk}/").status_code == 404
        assert client.post(f"/check-ins/{checkin.pk}/", {"action": "submit"}).status_code == 404
        assert _rate(client, checkin, shifts[0], level=1).status_code == 404
        assert client.get(f"/check-ins/{checkin.pk}/discard/").status_code == 404
        assert client.post(f"/check-ins/{checkin.pk}/discard/").status_code == 404
    assert not Rating.objects.filter(checkin=draft).exists()
    assert CheckIn.objects.filter(pk=draft.pk).exists()


def test_the_list_shows_drafts_and_history(
    pm_client: Client, pm: User, shifts: list[Shift]
) -> None:
    assert "No submitted check-ins yet" in pm_client.get("/check-ins/").content.decode()
    submitted_checkin(pm, dict.fromkeys(shifts, 4), days_ago=10)
    _start(pm_client)
    body = pm_client.get("/check-ins/").content.decode()
    assert "Continue your check-in" in body
    assert "4.0 of 5" in body


@pytest.mark.parametrize("count", [1, 36])
def test_query_counts_do_not_grow_with_history(
    client: Client, shifts: list[Shift], count: int, django_assert_num_queries
) -> None:
    person = UserFactory()
    for i in range(count):
        submitted_checkin(
            person, {s: 1 + (i + n) % 5 for n, s in enumerate(shifts)}, days_ago=30 * (count - i)
        )
    latest = CheckIn.objects.of(person).submitted().order_by("-submitted_at").first()
    client.force_login(person)
    client.get("/framework/")  # fills the framework cache
    client.get(f"/check-ins/{latest.pk}/")  # and the wording history
    # 1 session, 2 user, 3 levels in the last two check-ins, 4 last evidence per shift,
    # 5 area averages, 6 last check-in, 7 draft, 8 her reports for the team section (none),
    # 9 focus, 10 latest review, 11 recent evidence (none: no prefetch), 12 unread
    # notifications and has reports (nav)
    with django_assert_num_queries(13):
        client.get("/")
    # 1 session, 2 user, 3 check-in, 4 its ratings with wording,
    # 5 the previous check-in's ratings, 6 has reports (nav)
    with django_assert_num_queries(7):
        client.get(f"/check-ins/{latest.pk}/")
    draft = CheckIn.objects.create(person=person, framework=latest.framework)
    # 1 session, 2 user, 3 check-in, 4 ratings (shifts with wording: cached),
    # 5 the previous check-in's ratings, 6 evidence since then, 7 has reports (nav)
    with django_assert_num_queries(8):
        client.get(f"/check-ins/{draft.pk}/")
