"""Your data is yours: download it, delete it, bring it to another installation."""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from pytest_django.asserts import assertContains

from leadership.models import User
from tests.factories import EvidenceFactory, UserFactory, submitted_checkin
from transitions import account_data, notifications, services
from transitions.models import (
    CheckIn,
    EmailChoice,
    Evidence,
    Focus,
    NotificationKind,
    NotificationPreference,
    Review,
    Shift,
)


@pytest.fixture
def rich(pm: User, manager: User, shifts: list[Shift]) -> User:
    """The PM with check-ins, a draft, evidence, focus and a completed review she
    acknowledged with a response, overall and on one shift."""
    submitted_checkin(pm, dict.fromkeys(shifts, 2), days_ago=60)
    submitted_checkin(pm, dict.fromkeys(shifts, 3), days_ago=20)
    CheckIn.objects.create(person=pm, framework=shifts[0].area.framework)
    EvidenceFactory(
        author=pm, shifts=[shifts[0], shifts[3]], title="Hired Mei", visibility="shared"
    )
    EvidenceFactory(author=pm, shifts=[shifts[5]], title="Private, with ünïcode ✓", body="a\nb")
    services.focus_set(person=pm, shift=shifts[1], next_step="Coach Jonas")
    review, _ = services.review_start(
        person=pm, manager=manager, framework=shifts[0].area.framework
    )
    for shift in shifts:
        services.review_rate(
            review=review, shift=shift, revision=shift.revisions.latest(), changes={"level": 3}
        )
    services.review_write(review=review, summary="Good year.", agreed_focus="Strategy")
    services.review_complete(review=review)
    services.review_acknowledge(
        review=review,
        by=pm,
        response="Thanks, fair.",
        shift_responses={shifts[2].pk: "I hired two people since."},
    )
    return pm


def test_the_account_page_sets_the_reminder_interval(client: Client, pm: User) -> None:
    client.force_login(pm)
    assert "Remind me to check in" in client.get("/account/").content.decode()
    assert client.post("/account/", {"checkin_interval_days": 14}).status_code == 302
    pm.refresh_from_db()
    assert pm.checkin_interval_days == 14
    response = client.post("/account/", {"checkin_interval_days": 3})
    assert response.status_code == 422
    assert "Choose one of the offered intervals." in response.content.decode()


def test_the_json_export_holds_everything_of_mine(
    client: Client, rich: User, other_pm: User
) -> None:
    EvidenceFactory(author=other_pm, title="Not mine")
    client.force_login(rich)
    response = client.get("/account/export.json")
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["user"]["username"] == "priya"
    assert data["user"]["manager"] == "marco"
    assert [c["status"] for c in data["checkins"]] == ["submitted", "submitted", "draft"]
    assert len(data["checkins"][0]["ratings"]) == 12
    assert {e["title"] for e in data["evidence"]} == {"Hired Mei", "Private, with ünïcode ✓"}
    assert data["focus"][0]["next_step"] == "Coach Jonas"
    focus_shift = Shift.objects.get(slug=data["focus"][0]["shift"])
    assert data["shift_wording"][focus_shift.slug] == str(focus_shift)  # "From … → To …"
    [review] = data["reviews_received"]
    assert review["summary"] == "Good year."
    assert review["acknowledged_at"] is not None
    assert review["response"] == "Thanks, fair."
    assert [r["response"] for r in review["ratings"] if r["response"]] == [
        "I hired two people since."
    ]
    assert "password" not in json.dumps(data["user"])


def test_the_csv_export_is_one_table(client: Client, rich: User) -> None:
    client.force_login(rich)
    response = client.get("/account/export.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    kinds = [row["record"] for row in rows]
    assert kinds.count("check-in rating") == 24
    assert kinds.count("evidence") == 2
    assert kinds.count("focus") == 1
    assert kinds.count("manager review rating") == 12
    assert any(row["title_or_note"] == "Private, with ünïcode ✓" for row in rows)
    [acknowledgement] = [row for row in rows if row["record"] == "review acknowledgement"]
    assert (acknowledgement["status"], acknowledgement["text"]) == ("acknowledged", "Thanks, fair.")
    responses = [row["text"] for row in rows if row["record"] == "manager review rating"]
    assert [text for text in responses if text] == ["I hired two people since."]


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}")


def test_the_csv_export_names_shifts_by_their_wording_and_dates_in_iso(
    client: Client, rich: User, shifts: list[Shift]
) -> None:
    client.force_login(rich)
    rows = list(csv.DictReader(io.StringIO(client.get("/account/export.csv").content.decode())))
    by_record: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_record.setdefault(row["record"], []).append(row)
    [focus] = by_record["focus"]
    assert focus["shift"] == f"From {shifts[1].from_text} → To {shifts[1].to_text}"
    hired = next(row for row in by_record["evidence"] if row["title_or_note"] == "Hired Mei")
    assert set(hired["shift"].split("; ")) == {str(shifts[0]), str(shifts[3])}
    assert {row["shift"] for row in by_record["check-in rating"]} == {str(s) for s in shifts}
    assert not any(shift.slug in row["shift"] for row in rows for shift in shifts)
    # Dates as dates, moments to the second with their offset: ISO 8601 throughout.
    assert all(ISO_DATE.fullmatch(row["date"]) for row in by_record["evidence"])
    moments = [row["date"] for row in rows if row["record"] not in ("evidence", "1:1 action item")]
    assert all(ISO_MOMENT.fullmatch(moment) for moment in moments if moment), moments
    [acknowledgement] = by_record["review acknowledgement"]
    assert ISO_DATE.fullmatch(acknowledgement["title_or_note"].removeprefix("Review of "))


def test_the_csv_export_has_each_reviews_summary_and_agreed_focus(
    client: Client, rich: User
) -> None:
    client.force_login(rich)
    rows = list(csv.DictReader(io.StringIO(client.get("/account/export.csv").content.decode())))
    [review] = [row for row in rows if row["record"] == "manager review"]
    assert review["status"] == "completed"
    assert review["title_or_note"] == "Good year."
    assert review["text"] == "Agreed focus: Strategy"
    [rated] = {row["date"] for row in rows if row["record"] == "manager review rating"}
    assert review["date"] == rated


FORMULAS = ['=HYPERLINK("http://x.test")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


def test_the_csv_export_neutralises_formulas_in_every_text_column(
    client: Client, pm: User, manager: User, shifts: list[Shift]
) -> None:
    # Each column a person (or her manager) writes in, starting with a formula character.
    checkin = submitted_checkin(pm, {shifts[0]: 3, shifts[1]: 4})
    checkin.ratings.filter(shift=shifts[0]).update(note=FORMULAS[0])
    checkin.ratings.filter(shift=shifts[1]).update(note="Plain note - with = signs")
    EvidenceFactory(author=pm, shifts=[shifts[0]], title=FORMULAS[1], body=FORMULAS[2])
    services.focus_set(person=pm, shift=shifts[1], next_step=FORMULAS[3])
    review, _ = services.review_start(
        person=pm, manager=manager, framework=shifts[0].area.framework
    )
    for shift in shifts:
        services.review_rate(
            review=review,
            shift=shift,
            revision=shift.revisions.latest(),
            changes={"level": 3, "comment": FORMULAS[4] if shift == shifts[0] else FORMULAS[5]},
        )
    services.review_write(review=review, summary="Fine.", agreed_focus="")
    services.review_complete(review=review)
    services.review_acknowledge(
        review=review, by=pm, response=FORMULAS[0], shift_responses={shifts[0].pk: FORMULAS[1]}
    )

    client.force_login(pm)
    rows = list(csv.DictReader(io.StringIO(client.get("/account/export.csv").content.decode())))
    cells = {(row["record"], column): row[column] for row in rows for column in row}
    notes = {row["title_or_note"] for row in rows if row["record"] == "check-in rating"}
    assert notes == {"'" + FORMULAS[0], "Plain note - with = signs"}
    assert cells["evidence", "title_or_note"] == "'" + FORMULAS[1]
    assert cells["evidence", "text"] == "'" + FORMULAS[2]
    assert cells["focus", "title_or_note"] == "'" + FORMULAS[3]
    comments = {row["title_or_note"] for row in rows if row["record"] == "manager review rating"}
    assert comments == {"'" + FORMULAS[4], "'" + FORMULAS[5]}
    responses = {row["text"] for row in rows if row["record"] == "manager review rating"}
    assert responses == {"'" + FORMULAS[1], ""}
    assert cells["review acknowledgement", "text"] == "'" + FORMULAS[0]
    # Ordinary cells are untouched: levels, dates, shifts' wording, links.
    assert {row["level"] for row in rows if row["record"] == "check-in rating"} == {"3", "4"}
    assert all(not value.startswith("'") for value in (row["date"] for row in rows))


def test_only_json_and_csv_exist(client: Client, pm: User) -> None:
    client.force_login(pm)
    assert client.get("/account/export.xml").status_code == 404


def test_deleting_needs_the_password(client: Client, rich: User) -> None:
    client.force_login(rich)
    page = client.get("/account/delete/").content.decode()
    assert "Delete your account?" in page
    response = client.post("/account/delete/", {"password": "not-it"})
    assert response.status_code == 422
    assert "That is not your password. Nothing was deleted." in response.content.decode()
    assert User.objects.filter(pk=rich.pk).exists()


def test_the_account_pages_say_what_deleting_keeps_and_why(client: Client, pm: User) -> None:
    client.force_login(pm)
    kept = "stay in their history, without your name: they are part of their record."
    assertContains(client.get("/account/"), kept)
    page = client.get("/account/delete/")
    assertContains(page, "your sessions on every device; and the record of your sign-ins")
    assertContains(page, "What is kept, and why")
    assertContains(page, kept)
    assertContains(
        page, "keeps that your account was created, changed or deleted, without your name"
    )


def test_deleting_removes_my_data_and_unassigns_my_reports(
    client: Client, rich: User, manager: User, caplog
) -> None:
    report = UserFactory(username="junior", manager=rich)
    client.force_login(rich)
    caplog.set_level(logging.WARNING, logger="leadership.security")
    response = client.post("/account/delete/", {"password": "pw-for-tests"})
    assert response.status_code == 302
    assert not User.objects.filter(username="priya").exists()
    assert not CheckIn.objects.exists()
    assert not Evidence.objects.exists()
    assert not Focus.objects.exists()
    assert not Review.objects.exists()  # the reviews of her
    report.refresh_from_db()
    assert report.manager is None
    assert "account deleted" in caplog.text
    assert "pw-for-tests" not in caplog.text
    assert client.get("/").status_code == 302  # signed out


def test_reviews_she_wrote_stay_with_her_reports(client: Client, rich: User, manager: User) -> None:
    client.force_login(manager)
    client.post("/account/delete/", {"password": "pw-for-tests"})
    # marco is gone; priya's review by him stays in her history, without his name.
    review = Review.objects.get(person=rich)
    assert review.manager is None
    assert User.objects.get(pk=rich.pk).manager is None


def test_a_deleted_managers_unfinished_review_goes_with_her(
    client: Client, rich: User, manager: User, shifts: list[Shift]
) -> None:
    draft, _ = services.review_start(
        person=rich, manager=manager, framework=shifts[0].area.framework
    )
    services.review_write(review=draft, summary="Half-formed thoughts", agreed_focus="")
    client.force_login(manager)
    client.post("/account/delete/", {"password": "pw-for-tests"})
    # The draft nobody could see or finish any more is gone; the completed review stays.
    assert list(Review.objects.values_list("status", "manager")) == [("completed", None)]


def test_deleting_leaves_no_sign_in_records_sessions_or_name_in_the_admin_log(
    rich: User, superuser: User, other_pm: User
) -> None:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.admin.models import LogEntry
    from django.contrib.sessions.models import Session

    phone, laptop = Client(headers={"User-Agent": "Priya's phone"}), Client()
    for device in (phone, laptop):
        device.post("/accounts/login/", {"username": "priya", "password": "pw-for-tests"})
    Client().post("/accounts/login/", {"username": "priya", "password": "typo"})
    AccessFailureLog.objects.create(
        username="priya", ip_address="203.0.113.9", user_agent="Priya's phone"
    )
    Client().post("/accounts/login/", {"username": "sam", "password": "pw-for-tests"})
    Client().post("/accounts/login/", {"username": "sam", "password": "typo"})
    admin = Client()
    admin.force_login(superuser)
    admin.post(
        f"/admin/leadership/user/{rich.pk}/change/",
        {
            "username": "priya",
            "first_name": "Priya",
            "last_name": "Sharma",
            "checkin_interval_days": 14,
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert LogEntry.objects.filter(object_repr="Priya Sharma").exists()
    assert AccessLog.objects.filter(username="priya").exists()
    assert AccessAttempt.objects.filter(username="priya").exists()

    assert laptop.post("/account/delete/", {"password": "pw-for-tests"}).status_code == 302

    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        assert not model.objects.filter(username="priya").exists(), model
    assert AccessAttempt.objects.filter(username="sam").exists()  # others' records stay
    assert AccessLog.objects.filter(username="sam").exists()
    signed_in = {s.get_decoded().get("_auth_user_id") for s in Session.objects.all()}
    assert str(rich.pk) not in signed_in
    assert str(superuser.pk) in signed_in
    # The admin log keeps that the account was changed, without her name.
    entry = LogEntry.objects.get(object_id=str(rich.pk))
    assert "Priya" not in entry.object_repr
    assert "Sharma" not in entry.object_repr


def test_an_export_imports_into_a_fresh_installation(
    rich: User, manager: User, tmp_path: Path, capsys
) -> None:
    NotificationPreference.objects.create(
        person=rich, kind=NotificationKind.CHECKIN_DUE, enabled=True, email=EmailChoice.DIGEST
    )
    NotificationPreference.objects.create(
        person=rich, kind=NotificationKind.ONE_ON_ONE_ITEM_ADDED, enabled=False, email="never"
    )
    meeting = services.one_on_one_start(manager=manager, person=rich)
    services.agenda_item_add(meeting=meeting, by=rich, text="Hiring plan")
    notifications.notify(
        NotificationKind.REVIEW_COMPLETED, recipient=rich, text="Marco completed a review."
    )
    before = account_data.export(rich)
    assert len(before["one_on_ones"]) == len(before["notifications"]) == 1
    path = tmp_path / "priya.json"
    path.write_text(json.dumps(before), encoding="utf-8")
    services.account_delete(user=rich)

    call_command("import_account", str(path))
    out = capsys.readouterr().out
    assert "Imported priya: 3 check-ins, 2 evidence entries, 1 focus." in out
    # A 1:1 belongs to two people, and a notification to the installation that sent it: both
    # stay in the file, and the command says so.
    assert "Not imported: 1 1:1: each is shared with another person" in out
    assert "Not imported: 1 notification: " in out
    before["one_on_ones"] = before["notifications"] = []
    restored = User.objects.get(username="priya")
    assert not restored.has_usable_password()
    after = account_data.export(restored)
    for data in (before, after):
        data.pop("exported_at")
    # Nobody here is linked to her: no manager, and her review keeps its manager's name as text.
    assert (before["user"].pop("manager"), after["user"].pop("manager")) == ("marco", None)
    assert [review.pop("manager") for review in before["reviews_received"]] == ["marco"]
    assert [review.pop("manager") for review in after["reviews_received"]] == [None]
    assert [review["manager_name"] for review in after["reviews_received"]] == ["Marco"]
    assert after == before


def test_an_import_refuses_an_existing_user_or_a_bad_file(rich: User, tmp_path: Path) -> None:
    from django.core.management.base import CommandError

    path = tmp_path / "priya.json"
    path.write_text(json.dumps(account_data.export(rich)), encoding="utf-8")
    with pytest.raises(CommandError, match="already exists"):
        call_command("import_account", str(path))
    path.write_text("{nope", encoding="utf-8")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_account", str(path))
