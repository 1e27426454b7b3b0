"""The promises people rely on, each pinned where it could break: a manager rates blind on
every review, a past rating is shown with the wording it was made against, nothing typed is
lost to a stale tab, and "due", "direct reports" and "disconnect" mean one thing each."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client, TestCase
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from leadership.models import User
from tests.factories import EvidenceFactory, UserFactory, submitted_checkin
from transitions import progress, services
from transitions.models import Area, CheckIn, Rating, Review, ReviewRating, Shift, ShiftRevision

HTMX = {"HX-Request": "true"}


def _login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def _complete_review(
    pm: User, manager: User, shifts: list[Shift], level: int = 3, summary: str = "Doing well."
) -> Review:
    review, _ = services.review_start(
        person=pm, manager=manager, framework=shifts[0].area.framework
    )
    for shift in shifts:
        services.review_rate(
            review=review, shift=shift, revision=shift.revisions.latest(), changes={"level": level}
        )
    services.review_write(review=review, summary=summary, agreed_focus="Hiring.")
    return services.review_complete(review=review)


def _change_meaning(shift: Shift, from_text: str, to_text: str) -> None:
    shift.from_text, shift.to_text = from_text, to_text
    services.shift_save(shift=shift, kind=ShiftRevision.Kind.MEANING_CHANGE, note="Reframed")


# Blind on every review


@pytest.fixture
def reviewed_once(pm: User, manager: User, shifts: list[Shift]) -> Review:
    """Priya checked in (5 on the first shift), was reviewed (3 everywhere), then checked in
    again and shared new evidence."""
    submitted_checkin(pm, dict.fromkeys(shifts, 2), days_ago=60)
    old = EvidenceFactory(
        author=pm, shifts=[shifts[0]], title="Old shared win", visibility="shared"
    )
    first = _complete_review(pm, manager, shifts)
    Review.objects.filter(pk=first.pk).update(completed_at=timezone.now() - timedelta(days=30))
    type(old).objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    first.refresh_from_db()
    submitted_checkin(pm, {**dict.fromkeys(shifts, 3), shifts[0]: 5}, days_ago=5)
    EvidenceFactory(author=pm, shifts=[shifts[0]], title="New shared win", visibility="shared")
    EvidenceFactory(author=pm, shifts=[shifts[0]], title="Private doubt", visibility="private")
    return first


def test_the_second_review_is_as_blind_as_the_first(
    client: Client, manager: User, shifts: list[Shift], reviewed_once: Review
) -> None:
    _login(client, manager)
    client.post("/team/priya/reviews/new/")
    page = client.get("/team/priya/")
    assertContains(page, f"0 of {len(shifts)} shifts rated")
    assertNotContains(page, "self-rating:")
    assertNotContains(page, "Gap ")
    assertNotContains(page, "New shared win")

    slug = shifts[0].slug
    reveal = client.post(f"/team/priya/rate/{slug}/", {f"{slug}-level": 3}, headers=HTMX)
    assertContains(reveal, "Priya's self-rating:</strong> 5 · Role model")
    assertContains(reveal, "Gap 2:</strong> Real disconnect")
    # His own drift: what he said last time, dated.
    last_on = timezone.localtime(reviewed_once.completed_at).strftime("%-d %b %Y")
    assertContains(reveal, f"You rated 3 · Practising on {last_on}")
    # Evidence shared since the last completed review, not before it, never the private one.
    assertContains(reveal, "New shared win")
    assertNotContains(reveal, "Old shared win")
    assertNotContains(reveal, "Private doubt")
    page = client.get("/team/priya/")
    assert page.content.decode().count("self-rating:") == 1


def test_the_reveal_is_computed_only_for_rated_shifts(
    manager: User, pm: User, shifts: list[Shift], reviewed_once: Review
) -> None:
    draft, _ = services.review_start(person=pm, manager=manager, framework=shifts[0].area.framework)
    services.review_rate(
        review=draft, shift=shifts[1], revision=shifts[1].revisions.latest(), changes={"note": "x"}
    )
    services.review_rate(
        review=draft, shift=shifts[0], revision=shifts[0].revisions.latest(), changes={"level": 2}
    )
    rows = {row.shift.pk: row for row in progress.review_rows(draft)}
    assert rows[shifts[0].pk].reveal is not None
    assert rows[shifts[0].pk].reveal.self_level == 5
    # A comment without a level is not a rating: nothing is revealed for it.
    assert rows[shifts[1].pk].reveal is None
    assert all(row.reveal is None for pk, row in rows.items() if pk != shifts[0].pk)


def test_an_open_review_hides_unrated_self_ratings_on_every_manager_page(
    client: Client, manager: User, shifts: list[Shift], reviewed_once: Review
) -> None:
    _login(client, manager)
    client.post("/team/priya/reviews/new/")
    slug = shifts[0].slug
    team = client.get("/team/")
    assertContains(team, "self-ratings hidden until you rate those shifts")
    assertNotContains(team, "self 3.")
    timeline = client.get(f"/team/priya/shifts/{slug}/")
    assertContains(timeline, "Self-ratings stay hidden until you have rated this shift")
    packet = client.get("/team/priya/packet/")
    assertContains(packet, "hidden until you rate this shift in your review in progress")
    assertNotContains(packet, "5 · Role model")
    markdown = client.get("/team/priya/packet/?format=md")
    assertNotContains(markdown, "Self: 5")

    client.post(f"/team/priya/rate/{slug}/", {f"{slug}-level": 3}, headers=HTMX)
    # One shift of the area rated: its self-rating is not shown as the area's average.
    team = client.get("/team/")
    assertContains(team, "self hidden")
    assertNotContains(team, "self 5.0")
    timeline = client.get(f"/team/priya/shifts/{slug}/")
    assertNotContains(timeline, "Self-ratings stay hidden")
    assertContains(client.get("/team/priya/packet/?format=md"), "Self: 5 (Role model)")


def test_the_last_review_is_shown_for_reference_never_copied(
    client: Client, manager: User, shifts: list[Shift], reviewed_once: Review
) -> None:
    _login(client, manager)
    client.post("/team/priya/reviews/new/")
    draft = Review.objects.drafts().get()
    assert (draft.summary, draft.agreed_focus, draft.ratings.count()) == ("", "", 0)
    page = client.get("/team/priya/")
    assertContains(page, "(for reference)")
    assertContains(page, "<p>Doing well.</p>", html=False)
    assertContains(page, '<textarea name="summary"', html=False)
    assertNotContains(page, ">Doing well.</textarea>")


def test_shared_evidence_counts_never_include_private_entries(
    client: Client, manager: User, pm: User, shifts: list[Shift]
) -> None:
    EvidenceFactory(author=pm, shifts=[shifts[0]], visibility="shared")
    EvidenceFactory(author=pm, shifts=[shifts[0]], visibility="private")
    EvidenceFactory(author=pm, shifts=[shifts[1]], visibility="private")
    _login(client, manager)
    team = client.get("/team/")
    assert [row.shared_since for row in team.context["rows"]] == [1]
    assertContains(team, '<td data-label="Shared evidence since last review">1</td>', html=True)
    client.post("/team/priya/reviews/new/")
    assertContains(client.get("/team/priya/"), "1 evidence entry shared with you")


def test_a_disconnect_is_two_steps_everywhere(shifts: list[Shift]) -> None:
    assert progress.DISCONNECT_GAP == 2
    assert [progress.is_disconnect(gap) for gap in (None, 0, 1, 2, 4)] == [
        False,
        False,
        False,
        True,
        True,
    ]
    row = progress.ReviewRow(shift=shifts[0], level=1, reveal=progress.Reveal(self_level=3))
    gap = progress.Gap(shift_slug="x", shift_text="x", self_level=3, manager_level=1)
    assert row.is_disconnect
    assert gap.is_disconnect
    assert row.gap_words == gap.words == "Real disconnect — talk it through"


# The rated wording everywhere


@pytest.fixture
def reworded(pm: User, manager: User, shifts: list[Shift]) -> dict[str, Any]:
    """Priya checked in and was reviewed; then an editor changed the first shift's meaning
    and renamed its area."""
    old_from, old_to = shifts[0].from_text, shifts[0].to_text
    checkin = submitted_checkin(pm, dict.fromkeys(shifts, 3), days_ago=20)
    review = _complete_review(pm, manager, shifts, level=4)
    area = shifts[0].area
    old_title = area.title
    _change_meaning(shifts[0], "running one squad", "running a whole product group")
    area.title = "Lead the product organisation"
    services.area_save(area=area)
    return {
        "checkin": checkin,
        "review": review,
        "old": (old_from, old_to),
        "old_title": old_title,
    }


def test_a_submitted_check_in_keeps_the_wording_and_area_title_it_was_rated_under(
    client: Client, pm: User, reworded: dict[str, Any]
) -> None:
    _login(client, pm)
    page = client.get(f"/check-ins/{reworded['checkin'].pk}/")
    assertContains(page, reworded["old"][1])
    assertContains(page, reworded["old_title"])
    assertNotContains(page, "Lead the product organisation")
    assertContains(page, "Rated against earlier wording.")
    assertContains(page, "today it reads: From running one squad → To running a whole product")
    assertNotContains(page, '<span class="shift-wording__label">To</span> running a whole')


def test_a_completed_review_keeps_its_wording_for_both_readers(
    client: Client, pm: User, manager: User, reworded: dict[str, Any]
) -> None:
    review = reworded["review"]
    old_to = reworded["old"][1]
    for user, url in (
        (pm, f"/reviews/{review.pk}/"),
        (manager, f"/team/priya/reviews/{review.pk}/"),
    ):
        _login(client, user)
        page = client.get(url)
        assertContains(page, old_to)
        assertContains(page, reworded["old_title"])
        assertContains(page, "Rated against earlier wording.")
        assertNotContains(page, '<span class="shift-wording__label">To</span> running a whole')


def test_both_packets_say_which_ratings_were_made_against_earlier_wording(
    client: Client, pm: User, manager: User, reworded: dict[str, Any]
) -> None:
    old_to = reworded["old"][1]
    for user, url in ((pm, "/packet/"), (manager, "/team/priya/packet/")):
        _login(client, user)
        html = client.get(url)
        assertContains(html, f"Self rating made against earlier wording: From {reworded['old'][0]}")
        assertContains(html, "Manager rating made against earlier wording")
        assertNotContains(html, "Wording revision")
        markdown = client.get(url + "?format=md")
        assertContains(markdown, f"rated against earlier wording: From {reworded['old'][0]}")
        assertContains(markdown, old_to)


def test_the_timeline_and_the_team_page_mark_ratings_made_against_earlier_wording(
    client: Client, pm: User, manager: User, shifts: list[Shift], reworded: dict[str, Any]
) -> None:
    _login(client, manager)
    timeline = client.get(f"/team/priya/shifts/{shifts[0].slug}/")
    assertContains(timeline, "(earlier wording*)")
    assertContains(timeline, "Rated against earlier wording")
    _login(client, pm)
    own = client.get(f"/shifts/{shifts[0].slug}/")
    assertContains(own, "(earlier wording*)")


def test_two_check_ins_under_the_same_wording_stay_comparable_after_a_change(
    client: Client, pm: User, shifts: list[Shift]
) -> None:
    submitted_checkin(pm, dict.fromkeys(shifts, 2), days_ago=40)
    before = submitted_checkin(pm, dict.fromkeys(shifts, 3), days_ago=20)
    _change_meaning(shifts[0], "running one squad", "running a whole product group")
    after = submitted_checkin(pm, dict.fromkeys(shifts, 4), days_ago=1)
    _login(client, pm)
    both_old = {r.shift.pk: r for r in progress.submitted_rows(before)}[shifts[0].pk]
    assert both_old.change == 1
    across = {r.shift.pk: r for r in progress.submitted_rows(after)}[shifts[0].pk]
    assert across.change is None
    assert across.earlier is not None
    assert across.earlier.meaning_changed
    assertContains(client.get(f"/check-ins/{after.pk}/"), "against different wording")
    assertContains(client.get(f"/check-ins/{before.pk}/"), "↑ up 1 from Exploring")


def test_the_dashboard_marks_a_standing_rated_against_earlier_wording(
    client: Client, pm: User, reworded: dict[str, Any]
) -> None:
    _login(client, pm)
    assertContains(
        client.get("/"), "(rated against earlier wording; the meaning has changed since)"
    )


def test_a_draft_never_compares_a_rating_across_a_change_of_meaning(
    client: Client, pm: User, shifts: list[Shift], reworded: dict[str, Any]
) -> None:
    _login(client, pm)
    client.post("/check-ins/new/")
    draft = CheckIn.objects.drafts().get(person=pm)
    slug = shifts[0].slug
    status = client.post(
        f"/check-ins/{draft.pk}/shifts/{slug}/", {f"{slug}-level": 3}, headers=HTMX
    )
    assertContains(status, "against earlier wording")
    assertContains(status, "not compared")
    assertNotContains(status, "No change.")
    other = shifts[1].slug
    status = client.post(
        f"/check-ins/{draft.pk}/shifts/{other}/", {f"{other}-level": 3}, headers=HTMX
    )
    assertContains(status, "No change.")


def test_the_export_carries_the_wording_each_rating_was_made_against(
    client: Client, pm: User, reworded: dict[str, Any], shifts: list[Shift]
) -> None:
    _login(client, pm)
    data = client.get("/account/export.json").json()
    first = next(r for r in data["checkins"][0]["ratings"] if r["shift"] == shifts[0].slug)
    assert (first["from"], first["to"]) == reworded["old"]
    judged = next(r for r in data["reviews_received"][0]["ratings"] if r["shift"] == shifts[0].slug)
    assert judged["to"] == reworded["old"][1]
    assert judged["meaning_changed_since"] is True
    assert first["area"] == reworded["old_title"]
    table = client.get("/account/export.csv").content.decode()
    assert f"To {reworded['old'][1]} (the meaning has changed since)" in table


# Nothing lost


def _draft_form(checkin: CheckIn, shifts: list[Shift], **overrides: Any) -> dict[str, Any]:
    """The check-in form as the page rendered it (versions included), with changes."""
    saved = {r.shift_id: r for r in checkin.ratings.all()}
    data: dict[str, Any] = {"action": "save"}
    for shift in shifts:
        rating = saved.get(shift.pk)
        data[f"{shift.slug}-level"] = rating.level if rating and rating.level else ""
        data[f"{shift.slug}-note"] = rating.note if rating else ""
        data[f"{shift.slug}-version"] = rating.version if rating else 0
    data.update(overrides)
    return data


def test_a_stale_tab_cannot_overwrite_a_newer_rating(
    client: Client, pm: User, shifts: list[Shift]
) -> None:
    _login(client, pm)
    client.post("/check-ins/new/")
    checkin = CheckIn.objects.drafts().get(person=pm)
    slug = shifts[0].slug
    stale = _draft_form(checkin, shifts)  # tab A opened the form
    client.post(  # tab B autosaves
        f"/check-ins/{checkin.pk}/shifts/{slug}/",
        {f"{slug}-level": 4, f"{slug}-note": "Newer, from tab B", f"{slug}-version": 0},
        headers=HTMX,
    )
    stale.update({f"{slug}-level": 2, f"{slug}-note": "Older, from tab A"})
    response = client.post(f"/check-ins/{checkin.pk}/", stale)
    assert response.status_code == 409
    assertContains(response, "Nothing was saved", status_code=409)
    assertContains(response, "Newer, from tab B", status_code=409)
    assertContains(response, "Older, from tab A", status_code=409)
    rating = checkin.ratings.get(shift=shifts[0])
    assert (rating.level, rating.note) == (4, "Newer, from tab B")
    # The same stale value sent by autosave is refused too, showing both.
    again = client.post(
        f"/check-ins/{checkin.pk}/shifts/{slug}/",
        {f"{slug}-level": 2, f"{slug}-note": "Older, from tab A", f"{slug}-version": 0},
        headers=HTMX,
    )
    assertContains(again, "changed in another tab or window", status_code=409)
    assert checkin.ratings.get(shift=shifts[0]).level == 4
    # A fresh form (with the version it shows) saves.
    fresh = _draft_form(checkin, shifts, **{f"{slug}-level": 2})
    assert client.post(f"/check-ins/{checkin.pk}/", fresh).status_code == 302
    assert checkin.ratings.get(shift=shifts[0]).level == 2


def test_a_stale_review_form_overwrites_nothing(
    client: Client, manager: User, pm: User, shifts: list[Shift]
) -> None:
    _login(client, manager)
    client.post("/team/priya/reviews/new/")
    review = Review.objects.drafts().get()
    slug = shifts[0].slug
    stale: dict[str, Any] = {"action": "save", "summary": "Tab A summary", "text_version": 1}
    for shift in shifts:
        stale.update({f"{shift.slug}-level": "", f"{shift.slug}-version": 0})
    client.post(
        f"/team/priya/rate/{slug}/", {f"{slug}-level": 4, f"{slug}-version": 0}, headers=HTMX
    )
    client.post("/team/priya/", {"summary": "Tab B summary", "text_version": 1}, headers=HTMX)
    stale[f"{slug}-level"] = 2
    response = client.post("/team/priya/", stale)
    assertContains(response, "Nothing was saved", status_code=409)
    assertContains(response, "Tab A summary", status_code=409)
    review.refresh_from_db()
    assert review.summary == "Tab B summary"
    assert review.ratings.get(shift=shifts[0]).level == 4


def test_a_whole_form_save_is_all_or_nothing(client: Client, pm: User, shifts: list[Shift]) -> None:
    _login(client, pm)
    client.post("/check-ins/new/")
    checkin = CheckIn.objects.drafts().get(person=pm)
    services.rating_save(
        checkin=checkin,
        shift=shifts[1],
        revision=shifts[1].revisions.latest(),
        changes={"level": 5},
    )
    form = _draft_form(checkin, shifts)
    form[f"{shifts[1].slug}-version"] = 0  # this row is stale
    form[f"{shifts[1].slug}-level"] = 1
    form[f"{shifts[0].slug}-level"] = 3  # this one is fine on its own
    assert client.post(f"/check-ins/{checkin.pk}/", form).status_code == 409
    assert not checkin.ratings.filter(shift=shifts[0]).exists()


def test_the_service_refuses_any_write_to_a_submitted_check_in(
    pm: User, shifts: list[Shift]
) -> None:
    checkin = submitted_checkin(pm, dict.fromkeys(shifts, 3))
    row = services.RowInput(
        shift=shifts[0], revision=shifts[0].revisions.latest(), level=1, text="rewritten"
    )
    with pytest.raises(services.CheckInClosed):
        services.rating_save(
            checkin=checkin, shift=shifts[0], revision=row.revision, changes={"level": 1}
        )
    with pytest.raises(services.CheckInClosed):
        services.checkin_save(checkin=checkin, rows=[row])
    with pytest.raises(services.CheckInClosed):
        services.checkin_discard(checkin=checkin)
    assert set(Rating.objects.filter(checkin=checkin).values_list("level", flat=True)) == {3}


def test_a_draft_row_shows_no_earlier_rating_until_it_is_rated_again(
    client: Client, pm: User, shifts: list[Shift]
) -> None:
    submitted_checkin(pm, dict.fromkeys(shifts, 4), days_ago=10)
    _login(client, pm)
    client.post("/check-ins/new/")
    draft = CheckIn.objects.drafts().get(person=pm)
    rows = progress.draft_rows(draft)
    assert all(row.earlier is None for row in rows)
    page = client.get(f"/check-ins/{draft.pk}/")
    assertNotContains(page, "Last check-in (")
    assertNotContains(page, "Consistent.")


# One home per rule: when a check-in is due, who someone's reports are


def _send_reminders() -> None:
    """Run the reminders as cron would: each reminder's email leaves once it is committed."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("send_checkin_reminders", stdout=io.StringIO())


def test_someone_who_never_checked_in_is_due_one_interval_after_joining(
    client: Client, manager: User, pm: User, shifts: list[Shift]
) -> None:
    pm.email = "priya@example.com"
    pm.save()
    now = timezone.now()
    assert progress.checkin_due_at(pm, None) == pm.date_joined + timedelta(days=30)
    assert not progress.is_checkin_due(pm, None, now=now)
    _login(client, manager)
    assertNotContains(client.get("/team/"), "Check-in due")
    _login(client, pm)
    assertNotContains(client.get("/account/"), "A check-in is due now.")
    _send_reminders()
    assert mail.outbox == []

    User.objects.filter(pk=pm.pk).update(date_joined=now - timedelta(days=31))
    pm.refresh_from_db()
    assert progress.is_checkin_due(pm, None, now=now)
    _login(client, manager)
    assertContains(client.get("/team/"), "Check-in due")
    _login(client, pm)
    assertContains(client.get("/account/"), "A check-in is due now.")
    _send_reminders()
    assert len(mail.outbox) == 1


def test_the_dashboard_team_page_and_reminders_agree_on_due(
    client: Client, manager: User, pm: User, shifts: list[Shift]
) -> None:
    pm.email = "priya@example.com"
    pm.save()
    submitted_checkin(pm, dict.fromkeys(shifts, 3), days_ago=31)
    _login(client, pm)
    dashboard = client.get("/")
    assert dashboard.context["is_due"] is True
    assertContains(dashboard, "A check-in is due.")
    _login(client, manager)
    assertContains(client.get("/team/"), "Check-in due")
    _send_reminders()
    assert len(mail.outbox) == 1


def test_direct_reports_are_the_active_people_she_manages(
    manager: User, pm: User, other_pm: User
) -> None:
    UserFactory(manager=manager, is_active=False)
    UserFactory(manager=pm)
    assert list(User.objects.direct_reports_of(manager)) == [pm]


def test_a_deactivated_report_s_shared_evidence_is_no_longer_the_manager_s_to_read(
    client: Client, manager: User, pm: User, shifts: list[Shift]
) -> None:
    entry = EvidenceFactory(author=pm, shifts=[shifts[0]], visibility="shared")
    _login(client, manager)
    assert client.get(f"/evidence/{entry.pk}/").status_code == 200
    User.objects.filter(pk=pm.pk).update(is_active=False)
    assert client.get(f"/evidence/{entry.pk}/").status_code == 404


# Every race answers cleanly (sequential here; with real threads in test_concurrency)


def test_completing_a_completed_review_again_says_so(
    client: Client, manager: User, pm: User, shifts: list[Shift]
) -> None:
    _login(client, manager)
    client.post("/team/priya/reviews/new/")
    draft = Review.objects.drafts().get()
    for shift in shifts:
        services.review_rate(
            review=draft, shift=shift, revision=shift.revisions.latest(), changes={"level": 3}
        )
    services.review_write(review=draft, summary="Done.", agreed_focus="")
    services.review_complete(review=draft)
    # The loser of the race reached the view while the draft still existed.
    draft.status = Review.Status.DRAFT
    with pytest.raises(services.ReviewClosed):
        services.review_save(review=draft, rows=[], summary="Done.", agreed_focus="")


def test_a_discarded_draft_answers_autosaves_and_saves_with_a_message(
    client: Client, pm: User, shifts: list[Shift]
) -> None:
    _login(client, pm)
    client.post("/check-ins/new/")
    draft = CheckIn.objects.drafts().get(person=pm)
    services.checkin_discard(checkin=draft)
    with pytest.raises(services.DraftGone):
        services.rating_save(
            checkin=draft, shift=shifts[0], revision=shifts[0].revisions.latest(), changes={}
        )
    with pytest.raises(services.DraftGone):
        services.checkin_discard(checkin=draft)


def test_a_second_discard_of_a_review_redirects_with_a_message(
    client: Client, manager: User, pm: User
) -> None:
    _login(client, manager)
    client.post("/team/priya/reviews/new/")
    client.post("/team/priya/reviews/discard/")
    again = client.post("/team/priya/reviews/discard/", follow=True)
    assertContains(again, "already discarded or completed")


def test_a_nul_byte_in_a_query_string_is_a_clear_404(client: Client, pm: User) -> None:
    _login(client, pm)
    response = client.get("/evidence/new/?shift=%00")
    assertContains(response, "Not found", status_code=404)
    listed = client.get("/evidence/?shift=%00&area=%00&q=%00")
    assert listed.status_code < 500


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_a_login_with_an_overlong_username_is_refused_clearly(
    client: Client, pm: User, url: str
) -> None:
    response = client.post(url, {"username": "u" * 300, "password": "wrong"})
    assert response.status_code == 200
    assertContains(response, "correct username and password")


# Area titles keep their history


def test_renaming_an_area_in_the_admin_keeps_its_earlier_title(
    client: Client, editor: User, shifts: list[Shift]
) -> None:
    area = Area.objects.get(pk=shifts[0].area_id)
    before = area.title
    _login(client, editor)
    url = f"/admin/transitions/area/{area.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update({"title": "Renamed", "slug": area.slug, "framework": area.framework_id})
    inlines = client.get(url).context["inline_admin_formsets"]
    for inline in inlines:
        management = inline.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
        for index, inline_form in enumerate(inline.formset.forms):
            for name in inline_form.fields:
                value = inline_form[name].value()
                if value is not None:
                    data[f"{inline.formset.prefix}-{index}-{name}"] = value
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    titles = list(area.revisions.order_by("number").values_list("title", flat=True))
    assert titles == [before, "Renamed"]
    page = client.get(url)
    assertContains(page, "Title history (newest first)")
    assertContains(page, before)
    assert ReviewRating.objects.count() == 0  # nothing of people's was touched


def test_the_loser_of_a_race_to_complete_a_review_is_told_it_was_already_completed(
    client: Client, manager: User, pm: User, shifts: list[Shift], monkeypatch: Any
) -> None:
    done = _complete_review(pm, manager, shifts)
    _login(client, manager)
    client.post("/team/priya/reviews/new/")

    def completed_meanwhile(**kwargs: Any) -> Any:
        raise services.ReviewClosed

    monkeypatch.setattr(services, "review_save", completed_meanwhile)
    response = client.post("/team/priya/", {"action": "complete", "summary": "x"}, follow=True)
    assertContains(response, "already completed")
    assert response.redirect_chain[-1][0] == f"/team/priya/reviews/{done.pk}/"


def test_a_second_click_arriving_after_the_review_was_completed_shows_the_completed_review(
    client: Client, manager: User, pm: User, shifts: list[Shift]
) -> None:
    _login(client, manager)
    client.post("/team/priya/reviews/new/")
    draft_page = client.get("/team/priya/")
    done = _complete_review(pm, manager, shifts)  # the first click, already committed
    assertContains(draft_page, f'name="review" value="{done.pk}"')
    response = client.post(
        "/team/priya/", {"action": "complete", "summary": "x", "review": done.pk}, follow=True
    )
    assertContains(response, "already completed")
    assert response.redirect_chain[-1][0] == f"/team/priya/reviews/{done.pk}/"


def test_a_post_from_a_discarded_review_is_refused_not_taken_for_a_completed_one(
    client: Client, manager: User, pm: User, shifts: list[Shift]
) -> None:
    earlier = _complete_review(pm, manager, shifts)
    _login(client, manager)
    client.post("/team/priya/reviews/new/")
    discarded = Review.objects.drafts().get(person=pm)
    client.post("/team/priya/reviews/discard/")
    for sent in (discarded.pk, earlier.pk + 1000, "x"):
        response = client.post("/team/priya/", {"action": "complete", "review": sent})
        assertContains(response, "There is no review in progress", status_code=409)


def test_words_a_second_tab_sent_after_the_review_was_completed_are_given_back(
    client: Client, manager: User, pm: User, shifts: list[Shift]
) -> None:
    _login(client, manager)
    client.post("/team/priya/reviews/new/")
    done = _complete_review(pm, manager, shifts, summary="Doing well.")  # the other tab
    form = {
        "action": "complete",
        "review": done.pk,
        "summary": "Ready to lead the <b>pricing</b> squad.",
        "agreed_focus": "Hiring.",  # the same as completed: nothing to give back
    }
    response = client.post("/team/priya/", form, follow=True)
    assert response.redirect_chain[-1][0] == f"/team/priya/reviews/{done.pk}/"
    assertContains(response, "not in the completed review")
    assertContains(response, "summary: “Ready to lead the &lt;b&gt;pricing&lt;/b&gt; squad.”")
    assertNotContains(response, "agreed focus: “Hiring.”")
    same = client.post("/team/priya/", {**form, "summary": "Doing well."}, follow=True)
    assertContains(same, "already completed")
    assertNotContains(same, "not in the completed review")
