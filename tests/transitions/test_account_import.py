"""`import_account` treats its file as untrusted: every record is checked like a form, a broken
file is refused with one message naming the record and the field, and nothing is written."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from leadership.models import User
from transitions.models import (
    CheckIn,
    Evidence,
    Focus,
    NotificationPreference,
    Rating,
    Review,
    ReviewRating,
    Shift,
)


def _ago(days: int) -> str:
    return (timezone.now() - timedelta(days=days)).isoformat()


def _export(shifts: list[Shift]) -> dict[str, Any]:
    """A small, valid export of a person nobody here knows."""
    framework = shifts[0].area.framework.slug
    return {
        "format": 1,
        "exported_at": _ago(0),
        "user": {
            "username": "nia",
            "first_name": "Nia",
            "last_name": "Okafor",
            "email": "nia@example.com",
            "checkin_interval_days": 30,
            "manager": None,
        },
        "checkins": [
            {
                "framework": framework,
                "status": "submitted",
                "created_at": _ago(41),
                "submitted_at": _ago(40),
                "ratings": [
                    {"shift": s.slug, "revision": 1, "level": 3, "note": ""} for s in shifts
                ],
            },
            {
                "framework": framework,
                "status": "draft",
                "created_at": _ago(2),
                "submitted_at": None,
                "ratings": [
                    {"shift": shifts[0].slug, "revision": 1, "level": None, "note": "Thinking"}
                ],
            },
        ],
        "evidence": [
            {
                "happened_on": (timezone.localdate() - timedelta(days=3)).isoformat(),
                "title": "Hired Mei",
                "body": "Ran the loop.",
                "link": "https://example.com/hiring",
                "visibility": "shared",
                "shifts": [shifts[0].slug],
                "created_at": _ago(3),
            }
        ],
        "focus": [
            {
                "shift": shifts[1].slug,
                "next_step": "Coach Jonas",
                "set_at": _ago(9),
                "cleared_at": None,
            }
        ],
        "reviews_received": [
            {
                "framework": framework,
                "manager": "boss",
                "manager_name": "Bea Boss",
                "completed_at": _ago(20),
                "summary": "Good year.",
                "agreed_focus": "Strategy",
                "ratings": [{"shift": s.slug, "level": 3, "comment": ""} for s in shifts],
            }
        ],
        "notification_preferences": [{"kind": "checkin_due", "enabled": True, "email": "digest"}],
    }


def _import(tmp_path: Path, data: Any) -> str:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    call_command("import_account", str(path))
    return str(path)


def _counts() -> list[int]:
    models = [User, CheckIn, Rating, Evidence, Focus, Review, ReviewRating, NotificationPreference]
    return [model.objects.count() for model in models]


def _set(*path: Any) -> Callable[[Any], Any]:
    *keys, value = path

    def change(data: Any) -> Any:
        target = data
        for key in keys[:-1]:
            target = target[key]
        if value is _DELETE:
            del target[keys[-1]]
        else:
            target[keys[-1]] = value
        return data

    return change


_DELETE = object()


def _second_draft(data: dict[str, Any]) -> Any:
    data["checkins"].append(copy.deepcopy(data["checkins"][1]))
    return data


def _rated_twice(data: dict[str, Any]) -> Any:
    ratings = data["checkins"][0]["ratings"]
    ratings[1]["shift"] = ratings[0]["shift"]
    return data


def _focus_on(count: int, same_shift: bool = False) -> Callable[[dict[str, Any]], Any]:
    def change(data: dict[str, Any]) -> Any:
        slugs = [r["shift"] for r in data["checkins"][0]["ratings"]]
        data["focus"] = [
            {
                "shift": slugs[0 if same_shift else n],
                "next_step": f"Step {n}",
                "set_at": _ago(5),
                "cleared_at": None,
            }
            for n in range(count)
        ]
        return data

    return change


FUTURE = "2099-01-01T00:00:00+00:00"
D = _DELETE

MALFORMED: list[tuple[str, Callable[[Any], Any], str]] = [
    # The document itself
    ("a list at the top", lambda d: [d], "This is not an account export (format 1)."),
    ("format 2", _set("format", 2), "This is not an account export (format 1)."),
    ("format missing", _set("format", D), "This is not an account export (format 1)."),
    ("format true", _set("format", True), "This is not an account export (format 1)."),
    (
        "checkins an object",
        _set("checkins", {}),
        "field 'checkins': expected a list, found an object",
    ),
    ("evidence a string", _set("evidence", "x"), "field 'evidence': expected a list, found text"),
    # The person
    ("user missing", _set("user", D), "field 'user': missing"),
    ("user a string", _set("user", "nia"), "field 'user': expected an object, found text"),
    ("username missing", _set("user", "username", D), "user, field 'username': missing"),
    (
        "username a number",
        _set("user", "username", 42),
        "user, field 'username': expected text, found a whole number",
    ),
    (
        "username invalid",
        _set("user", "username", "no spaces!"),
        "user, field 'username': Enter a valid username",
    ),
    (
        "username huge",
        _set("user", "username", "x" * 151),
        "user, field 'username': Ensure this value has at most 150 characters",
    ),
    (
        "first name a list",
        _set("user", "first_name", ["Nia"]),
        "user, field 'first_name': expected text, found a list",
    ),
    (
        "email invalid",
        _set("user", "email", "not-an-email"),
        "user, field 'email': Enter a valid email address.",
    ),
    (
        "interval as text",
        _set("user", "checkin_interval_days", "30"),
        "user, field 'checkin_interval_days': expected a whole number, found text",
    ),
    (
        "interval a bool",
        _set("user", "checkin_interval_days", True),
        "user, field 'checkin_interval_days': expected a whole number, found true/false",
    ),
    (
        "interval out of range",
        _set("user", "checkin_interval_days", 3),
        "user: The check-in interval must be between 7 and 365 days.",
    ),
    (
        "interval enormous",
        _set("user", "checkin_interval_days", 10**30),
        "user, field 'checkin_interval_days': Ensure this value is less than or equal to",
    ),
    (
        "manager a number",
        _set("user", "manager", 7),
        "user, field 'manager': expected text or null, found a whole number",
    ),
    # Check-ins and their ratings
    (
        "check-in a number",
        _set("checkins", 0, 5),
        "check-in #1: expected an object, found a whole number",
    ),
    (
        "unknown framework",
        _set("checkins", 0, "framework", "nope"),
        "check-in #1, field 'framework': there is no framework 'nope' here.",
    ),
    (
        "framework a number",
        _set("checkins", 0, "framework", 1),
        "check-in #1, field 'framework': expected text, found a whole number",
    ),
    (
        "unknown status",
        _set("checkins", 0, "status", "done"),
        "check-in #1, field 'status': Value 'done' is not a valid choice.",
    ),
    (
        "submitted without a date",
        _set("checkins", 0, "submitted_at", None),
        "check-in #1, field 'submitted_at': a submitted check-in has the date",
    ),
    (
        "draft with a date",
        _set("checkins", 1, "submitted_at", _ago(1)),
        "check-in #2, field 'submitted_at': a draft has no",
    ),
    (
        "timestamp not a date",
        _set("checkins", 0, "created_at", "yesterday"),
        "check-in #1, field 'created_at': 'yesterday' is not a date and time",
    ),
    (
        "timestamp without offset",
        _set("checkins", 0, "created_at", "2025-01-01T10:00:00"),
        "check-in #1, field 'created_at': the date and time has no UTC offset",
    ),
    (
        "timestamp in the future",
        _set("checkins", 0, "submitted_at", FUTURE),
        "check-in #1, field 'submitted_at': '2099-01-01T00:00:00+00:00' is in the future.",
    ),
    (
        "timestamp a number",
        _set("checkins", 0, "created_at", 1700000000),
        "check-in #1, field 'created_at': expected text, found a whole number",
    ),
    (
        "timestamp out of range",
        _set("checkins", 0, "created_at", "0001-01-01T00:00:00+05:00"),
        "check-in #1, field 'created_at': '0001-01-01T00:00:00+05:00' is out of range.",
    ),
    ("two drafts", _second_draft, "check-in #3: a second check-in in progress"),
    ("ratings missing", _set("checkins", 0, "ratings", D), "check-in #1, field 'ratings': missing"),
    (
        "level 6",
        _set("checkins", 0, "ratings", 0, "level", 6),
        "check-in #1, rating #1, field 'level': Value 6 is not a valid choice.",
    ),
    (
        "level 0",
        _set("checkins", 0, "ratings", 0, "level", 0),
        "check-in #1, rating #1, field 'level': Value 0 is not a valid choice.",
    ),
    (
        "level as text",
        _set("checkins", 0, "ratings", 0, "level", "3"),
        "check-in #1, rating #1, field 'level': expected a whole number or null, found text",
    ),
    (
        "level a fraction",
        _set("checkins", 0, "ratings", 0, "level", 2.5),
        "check-in #1, rating #1, field 'level': "
        "expected a whole number or null, found a decimal number",
    ),
    (
        "level missing when submitted",
        _set("checkins", 0, "ratings", 0, "level", None),
        "check-in #1, rating #1, field 'level': every rating of a submitted check-in has a level",
    ),
    (
        "note too long",
        _set("checkins", 0, "ratings", 0, "note", "x" * 2001),
        "check-in #1, rating #1, field 'note': "
        "Ensure this value has at most 2000 characters (it has 2001).",
    ),
    (
        "note with a NUL character",
        _set("checkins", 0, "ratings", 0, "note", "a\x00b"),
        "check-in #1, rating #1, field 'note': Null characters are not allowed.",
    ),
    (
        "title with a lone surrogate",
        _set("evidence", 0, "title", "a\ud800b"),
        "evidence #1, field 'title': this is not valid Unicode text.",
    ),
    (
        "note null",
        _set("checkins", 0, "ratings", 0, "note", None),
        "check-in #1, rating #1, field 'note': expected text, found null",
    ),
    (
        "unknown shift",
        _set("checkins", 0, "ratings", 0, "shift", "nope"),
        "check-in #1, rating #1, field 'shift': "
        "the framework 'ic-to-product-leader' has no shift 'nope' here.",
    ),
    (
        "shift rated twice",
        _rated_twice,
        "check-in #1, rating #2, field 'shift': rated twice in one check-in",
    ),
    (
        "revision as text",
        _set("checkins", 0, "ratings", 0, "revision", "1"),
        "check-in #1, rating #1, field 'revision': expected a whole number, found text",
    ),
    # Evidence: the rules of the evidence form
    (
        "evidence in 2099",
        _set("evidence", 0, "happened_on", "2099-01-01"),
        "evidence #1, field 'happened_on': This date is in the future.",
    ),
    (
        "evidence bad date",
        _set("evidence", 0, "happened_on", "2024-13-40"),
        "evidence #1, field 'happened_on': Enter a real date",
    ),
    (
        "evidence huge body",
        _set("evidence", 0, "body", "x" * 200_000),
        "evidence #1, field 'body': Keep this to 5000 characters (it has 200000).",
    ),
    (
        "evidence no title",
        _set("evidence", 0, "title", ""),
        "evidence #1, field 'title': Give the evidence a title.",
    ),
    (
        "evidence long title",
        _set("evidence", 0, "title", "x" * 201),
        "evidence #1, field 'title': Keep the title to 200 characters (it has 201).",
    ),
    (
        "evidence title an object",
        _set("evidence", 0, "title", {"a": 1}),
        "evidence #1, field 'title': expected text, found an object",
    ),
    (
        "evidence javascript link",
        _set("evidence", 0, "link", "javascript:alert(1)"),
        "evidence #1, field 'link': Enter a web address that starts with http:// or https://.",
    ),
    (
        "evidence unknown visibility",
        _set("evidence", 0, "visibility", "public"),
        "evidence #1, field 'visibility': Select a valid choice.",
    ),
    (
        "evidence without shifts",
        _set("evidence", 0, "shifts", []),
        "evidence #1, field 'shifts': Pick at least one shift this evidence shows.",
    ),
    (
        "evidence shifts as text",
        _set("evidence", 0, "shifts", "a-slug"),
        "evidence #1, field 'shifts': expected a list, found text",
    ),
    (
        "evidence shift a number",
        _set("evidence", 0, "shifts", [1]),
        "evidence #1, field 'shifts': item #1: expected text, found a whole number",
    ),
    (
        "evidence nested garbage",
        _set("evidence", 0, "shifts", [[[["deep"]]]]),
        "evidence #1, field 'shifts': item #1: expected text, found a list",
    ),
    (
        "evidence unknown shift",
        _set("evidence", 0, "shifts", ["nope"]),
        "evidence #1, field 'shifts': "
        "the framework 'ic-to-product-leader' has no shift 'nope' here.",
    ),
    (
        "evidence created in 2099",
        _set("evidence", 0, "created_at", FUTURE),
        "evidence #1, field 'created_at': '2099-01-01T00:00:00+00:00' is in the future.",
    ),
    # Focus
    ("five active focus", _focus_on(5), "focus #4: at most 3 shifts can be in focus at once."),
    (
        "two focus on one shift",
        _focus_on(2, same_shift=True),
        "focus #2, field 'shift': this shift is already in focus.",
    ),
    (
        "focus without a step",
        _set("focus", 0, "next_step", ""),
        "focus #1, field 'next_step': This field cannot be blank.",
    ),
    (
        "focus long step",
        _set("focus", 0, "next_step", "x" * 301),
        "focus #1, field 'next_step': Ensure this value has at most 300 characters (it has 301).",
    ),
    (
        "focus unknown shift",
        _set("focus", 0, "shift", "nope"),
        "focus #1, field 'shift': the framework 'ic-to-product-leader' has no shift 'nope' here.",
    ),
    (
        "focus cleared_at a number",
        _set("focus", 0, "cleared_at", 5),
        "focus #1, field 'cleared_at': expected text or null, found a whole number",
    ),
    # Reviews received
    (
        "review garbage",
        _set("reviews_received", [[1, {"a": None}]]),
        "review #1: expected an object, found a list",
    ),
    (
        "review unknown framework",
        _set("reviews_received", 0, "framework", "nope"),
        "review #1, field 'framework': there is no framework 'nope' here.",
    ),
    (
        "review not completed",
        _set("reviews_received", 0, "completed_at", None),
        "review #1, field 'completed_at': expected text, found null",
    ),
    (
        "review without summary",
        _set("reviews_received", 0, "summary", "  "),
        "review #1, field 'summary': a completed review has an overall summary.",
    ),
    (
        "review long summary",
        _set("reviews_received", 0, "summary", "x" * 5001),
        "review #1, field 'summary': Keep the summary to 5000 characters (it has 5001).",
    ),
    (
        "review agreed focus a number",
        _set("reviews_received", 0, "agreed_focus", 5),
        "review #1, field 'agreed_focus': expected text, found a whole number",
    ),
    (
        "review manager a list",
        _set("reviews_received", 0, "manager", ["marco"]),
        "review #1, field 'manager': expected text or null, found a list",
    ),
    (
        "review manager name huge",
        _set("reviews_received", 0, "manager_name", "x" * 301),
        "review #1, field 'manager_name': "
        "Ensure this value has at most 300 characters (it has 301).",
    ),
    (
        "review level 9",
        _set("reviews_received", 0, "ratings", 0, "level", 9),
        "review #1, rating #1, field 'level': Value 9 is not a valid choice.",
    ),
    (
        "review level missing",
        _set("reviews_received", 0, "ratings", 0, "level", None),
        "review #1, rating #1, field 'level': every rating of a completed review has a level",
    ),
    (
        "review comment too long",
        _set("reviews_received", 0, "ratings", 0, "comment", "x" * 2001),
        "review #1, rating #1, field 'comment': "
        "Ensure this value has at most 2000 characters (it has 2001).",
    ),
    (
        "review response without acknowledgement",
        _set("reviews_received", 0, "response", "Agreed."),
        "review #1, field 'response': a response is given with an acknowledgement.",
    ),
    (
        "review shift response without acknowledgement",
        _set("reviews_received", 0, "ratings", 0, "response", "Agreed."),
        "review #1, rating #1, field 'response': a response is given with an acknowledgement.",
    ),
    (
        "review acknowledged in the future",
        _set("reviews_received", 0, "acknowledged_at", "2999-01-01T00:00:00+00:00"),
        "review #1, field 'acknowledged_at': '2999-01-01T00:00:00+00:00' is in the future.",
    ),
    (
        "review response too long",
        _set("reviews_received", 0, "ratings", 0, "response", "x" * 2001),
        "review #1, rating #1, field 'response': "
        "Ensure this value has at most 2000 characters (it has 2001).",
    ),
    (
        "preference of an unknown kind",
        _set("notification_preferences", 0, "kind", "spam"),
        "preference #1, field 'kind': Value 'spam' is not a valid choice.",
    ),
    (
        "preference switched on in words",
        _set("notification_preferences", 0, "enabled", "yes"),
        "preference #1, field 'enabled': expected true or false, found text.",
    ),
    (
        "preference given twice",
        lambda data: (
            data["notification_preferences"].append(dict(data["notification_preferences"][0]))
            or data
        ),
        "preference #2, field 'kind': a second preference for the same kind.",
    ),
    (
        "review rating unknown shift",
        _set("reviews_received", 0, "ratings", 0, "shift", "nope"),
        "review #1, rating #1, field 'shift': "
        "the framework 'ic-to-product-leader' has no shift 'nope' here.",
    ),
]


def test_the_valid_example_imports(shifts: list[Shift], tmp_path: Path) -> None:
    _import(tmp_path, _export(shifts))
    nia = User.objects.get(username="nia")
    assert nia.checkins.count() == 2
    assert nia.evidence.get().title == "Hired Mei"
    assert nia.focus.get().next_step == "Coach Jonas"
    preference = NotificationPreference.objects.get(person=nia)
    assert (preference.kind, preference.enabled) == ("checkin_due", True)
    assert preference.email == "digest"


@pytest.mark.parametrize(
    ("change", "message"),
    [pytest.param(change, message, id=name) for name, change, message in MALFORMED],
)
def test_a_malformed_file_is_refused_with_a_message_naming_the_record_and_field(
    shifts: list[Shift], tmp_path: Path, change: Callable[[Any], Any], message: str
) -> None:
    before = _counts()
    with pytest.raises(CommandError) as refused:
        _import(tmp_path, change(_export(shifts)))
    assert str(refused.value).startswith("Not imported: ")
    assert message in str(refused.value)
    assert len(str(refused.value)) < 300  # never the whole offending value
    assert _counts() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(b"{nope", "is not valid JSON", id="not JSON"),
        pytest.param(b"", "is not valid JSON", id="empty"),
        pytest.param(b'{"format": 1, "user": \xff\xfe}', "is not UTF-8 text", id="not UTF-8"),
        pytest.param(b'{"format": NaN}', "is not valid JSON", id="NaN"),
        pytest.param(b'{"format": ' + b"9" * 5000 + b"}", "is not valid JSON", id="huge number"),
        pytest.param(b"[" * 100_000 + b"]" * 100_000, "is nested too deeply", id="deep nesting"),
    ],
)
def test_a_file_that_is_not_json_is_refused(
    db: None, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "export.json"
    path.write_bytes(content)
    with pytest.raises(CommandError, match="Cannot read") as refused:
        call_command("import_account", str(path))
    assert message in str(refused.value)


def test_a_missing_file_or_a_folder_is_refused(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_account", str(tmp_path / "nothing.json"))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_account", str(tmp_path))


@pytest.mark.parametrize("megabytes", [5.001, 14])
def test_a_file_over_5_mb_is_refused_before_it_is_parsed(
    db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, megabytes: float
) -> None:
    path = tmp_path / "export.json"
    path.write_bytes(b'{"format": 1}' + b" " * int(megabytes * 1024 * 1024))
    monkeypatch.setattr(json, "loads", _never_called)
    with pytest.raises(CommandError, match="larger than 5 MB"):
        call_command("import_account", str(path))


def _never_called(*args: object, **kwargs: object) -> None:
    raise AssertionError("a file over the limit was parsed")


def test_an_import_links_the_person_to_nobody_already_here(
    client: Client, shifts: list[Shift], manager: User, pm: User, tmp_path: Path, capsys
) -> None:
    data = _export(shifts)
    data["user"]["manager"] = "marco"
    data["reviews_received"][0]["manager"] = "marco"  # an existing manager, forged
    del data["reviews_received"][0]["manager_name"]  # a file written before manager_name
    _import(tmp_path, data)
    assert "not set" in capsys.readouterr().out

    nia = User.objects.get(username="nia")
    assert nia.manager is None
    review = Review.objects.get(person=nia)
    assert review.manager is None
    assert review.manager_name == "marco"
    assert not manager.reviews_written.exists()

    client.force_login(manager)
    assertNotContains(client.get("/team/"), "Nia")
    assert client.get(f"/team/nia/reviews/{review.pk}/").status_code == 404

    client.force_login(nia)
    assertContains(client.get(f"/reviews/{review.pk}/"), "by marco.")
    assertContains(client.get("/"), "by marco.")
