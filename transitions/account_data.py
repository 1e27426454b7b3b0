"""A person's own data as a portable document: what the export writes and the import reads.

Pure conversion from model rows to plain dictionaries and CSV; `account_import` reads them back.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone

from leadership.csv_safety import safe_cell
from leadership.models import User
from transitions import content
from transitions.models import (
    CheckIn,
    Evidence,
    FeedbackRequest,
    Focus,
    Notification,
    NotificationPreference,
    OneOnOne,
    PrivateNote,
    Rating,
    Review,
    ReviewRating,
    Shift,
)

FORMAT_VERSION = 1


def export(user: User) -> dict[str, Any]:
    """Everything the person owns or may read about herself."""
    checkins = (
        CheckIn.objects.of(user)
        .select_related("framework")
        .prefetch_related("ratings__shift__area", "ratings__revision")
        .order_by("created_at", "pk")
    )
    evidence = Evidence.objects.by(user).prefetch_related("shifts").order_by("happened_on", "pk")
    focus = Focus.objects.filter(person=user).select_related("shift").order_by("set_at", "pk")
    reviews = (
        Review.objects.completed()
        .filter(person=user)
        .select_related("manager", "framework")
        .prefetch_related("ratings__shift__area", "ratings__revision")
        .order_by("completed_at")
    )
    data = {
        "format": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "user": {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "checkin_interval_days": user.checkin_interval_days,
            "manager": user.manager.username if user.manager_id else None,
        },
        "checkins": [
            {
                "framework": checkin.framework.slug,
                "status": checkin.status,
                "created_at": checkin.created_at.isoformat(),
                "submitted_at": _iso(checkin.submitted_at),
                "ratings": [
                    {
                        "shift": rating.shift.slug,
                        "revision": rating.revision.number,
                        **_wording(rating, checkin.submitted_at),
                        "level": rating.level,
                        "note": rating.note,
                    }
                    for rating in sorted(checkin.ratings.all(), key=_shift_order)
                ],
            }
            for checkin in checkins
        ],
        "evidence": [
            {
                "happened_on": item.happened_on.isoformat(),
                "title": item.title,
                "body": item.body,
                "link": item.link,
                "visibility": item.visibility,
                "shifts": sorted(shift.slug for shift in item.shifts.all()),
                "created_at": item.created_at.isoformat(),
            }
            for item in evidence
        ],
        "focus": [
            {
                "shift": item.shift.slug,
                "next_step": item.next_step,
                "set_at": item.set_at.isoformat(),
                "cleared_at": _iso(item.cleared_at),
            }
            for item in focus
        ],
        "reviews_received": [
            {
                "framework": review.framework.slug,
                "manager": review.manager.username if review.manager_id else None,
                "manager_name": review.manager_display_name,
                "completed_at": review.completed_at.isoformat(),
                "summary": review.summary,
                "agreed_focus": review.agreed_focus,
                "acknowledged_at": _iso(review.acknowledged_at),
                "response": review.response,
                "ratings": [
                    {
                        "shift": r.shift.slug,
                        "revision": r.revision.number,
                        **_wording(r, review.completed_at),
                        "level": r.level,
                        "comment": r.comment,
                        "response": r.response,
                    }
                    for r in sorted(review.ratings.all(), key=_shift_order)
                ],
            }
            for review in reviews
        ],
        "one_on_ones": _one_on_ones(user),
        "feedback_requests": _feedback_requests(user),
        "feedback_given": _feedback_given(user),
        "notification_preferences": [
            {"kind": pref.kind, "enabled": pref.enabled, "email": pref.email}
            for pref in NotificationPreference.objects.filter(person=user).order_by("kind")
        ],
        "notifications": [
            {
                "kind": n.kind,
                "text": n.text,
                "created_at": n.created_at.isoformat(),
                "read_at": _iso(n.read_at),
                "emailed_at": _iso(n.emailed_at),
            }
            for n in Notification.objects.for_recipient(user).order_by("created_at", "pk")
        ],
    }
    data["shift_wording"] = _shift_wording(user, data)
    return data


def _named_shifts(data: dict[str, Any]) -> set[str]:
    """The slugs of every shift the export names."""
    slugs: set[str] = set()
    for checkin in data["checkins"]:
        slugs.update(rating["shift"] for rating in checkin["ratings"])
    for item in data["evidence"]:
        slugs.update(item["shifts"])
    slugs.update(item["shift"] for item in data["focus"])
    for review in data["reviews_received"]:
        slugs.update(rating["shift"] for rating in review["ratings"])
    for meeting in data["one_on_ones"]:
        slugs.update(row["shift"] for row in [*meeting["agenda"], *meeting["action_items"]])
    for asked in data["feedback_requests"]:
        slugs.update(asked["shifts"])
        slugs.add((asked["answer"] or {}).get("attested_shift"))
    slugs.discard(None)
    return slugs


def _shift_wording(user: User, data: dict[str, Any]) -> dict[str, str]:
    """Today's wording ("From … → To …") of every shift the export names by its slug, for
    whoever reads the file or its CSV. A slug two frameworks share reads as in the framework
    the person follows. One query."""
    followed = content.framework(user.framework_id)
    rows = Shift.objects.filter(slug__in=_named_shifts(data)).values_list(
        "slug", "from_text", "to_text", "area__framework_id", "pk"
    )
    wording: dict[str, str] = {}
    followed_first = sorted(
        rows, key=lambda row: (followed is None or row[3] != followed.pk, *row[3:])
    )
    for slug, from_text, to_text, *_ in followed_first:
        wording.setdefault(slug, f"From {from_text} → To {to_text}")
    return dict(sorted(wording.items()))


def _one_on_ones(user: User) -> list[dict[str, Any]]:
    """The 1:1s the person was in: what the pair shared, and her own private notes only
    (never the other person's). Four queries."""
    meetings = (
        OneOnOne.objects.filter(Q(manager=user) | Q(person=user))
        .select_related("manager", "person")
        .prefetch_related("items__shift", "actions__owner", "actions__shift")
        .order_by("started_at", "pk")
    )
    mine = dict(
        PrivateNote.objects.filter(author=user, meeting__in=meetings).values_list(
            "meeting_id", "text"
        )
    )
    return [
        {
            "manager": meeting.manager.username,
            "person": meeting.person.username,
            "started_at": meeting.started_at.isoformat(),
            "closed_at": _iso(meeting.closed_at),
            "shared_notes": meeting.shared_notes,
            "my_private_notes": mine.get(meeting.pk, ""),
            "agenda": [
                {
                    "text": item.text,
                    "shift": item.shift.slug if item.shift else None,
                    "done": item.done,
                }
                for item in sorted(meeting.items.all(), key=lambda item: item.order)
            ],
            "action_items": [
                {
                    "text": action.text,
                    "owner": action.owner.username,
                    "due_on": action.due_on.isoformat(),
                    "shift": action.shift.slug if action.shift else None,
                    "done_at": _iso(action.done_at),
                }
                for action in meeting.actions.all()
            ],
        }
        for meeting in meetings
    ]


def _feedback_requests(user: User) -> list[dict[str, Any]]:
    """The feedback she asked for: whom (their name and email are hers to keep), about what,
    and the answers. Two queries."""
    requests = (
        FeedbackRequest.objects.of(user)
        .select_related("recipient", "attested_shift")
        .prefetch_related("shifts")
        .order_by("created_at", "pk")
    )
    return [
        {
            "recipient": request.recipient_display,
            "recipient_username": request.recipient.username if request.recipient_id else None,
            "recipient_email": request.recipient_email,
            "recipient_role": request.recipient_role,
            "shifts": [
                shift.slug for shift in sorted(request.shifts.all(), key=_in_framework_order)
            ],
            "question": request.question,
            "status": request.status,
            "created_at": request.created_at.isoformat(),
            "expires_at": request.expires_at.isoformat(),
            "reminded_at": _iso(request.reminded_at),
            "revoked_at": _iso(request.revoked_at),
            "declined_at": _iso(request.declined_at),
            "answered_at": _iso(request.answered_at),
            "answer": {
                "example": request.example,
                "frequency": request.frequency,
                "giver_name": request.giver_name,
                "giver_role": request.giver_role,
                "shared_at": _iso(request.shared_at),
                "attested_shift": request.attested_shift.slug
                if request.attested_shift_id
                else None,
            }
            if request.answered_at
            else None,
        }
        for request in requests
    ]


def _feedback_given(user: User) -> list[dict[str, Any]]:
    """What colleagues asked her, and what she answered (her own words). One query."""
    asked = (
        FeedbackRequest.objects.filter(recipient=user)
        .select_related("requester")
        .order_by("created_at", "pk")
    )
    return [
        {
            "asked_by": request.requester.display_name,
            "question": request.question,
            "created_at": request.created_at.isoformat(),
            "answered_at": _iso(request.answered_at),
            "declined_at": _iso(request.declined_at),
            "example": request.example,
            "frequency": request.frequency,
            "giver_name": request.giver_name,
            "giver_role": request.giver_role,
        }
        for request in asked
    ]


CSV_HEADER = [
    "record",
    "date",
    "status",
    "shift",
    "level",
    "title_or_note",
    "text",
    "link",
    "visibility",
    "area_as_rated",
    "wording_as_rated",
]


def export_csv(data: dict[str, Any]) -> str:
    """The export as one table: a row per rating, evidence entry, focus, completed review
    (its summary, and the agreed focus in `text`), review rating (with her response to it in
    `text`), review acknowledgement (her overall response), 1:1 record, feedback and
    notification.

    Shifts are named by their wording ("From … → To …"; several joined by "; "), dates and
    times are ISO 8601 (2026-03-14, 2026-03-14T09:30:00+00:00). Every cell is written through
    `safe_cell`, so a manager's comment or a note starting with "=" opens as text in a
    spreadsheet, not as a formula.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    writer.writerows([safe_cell(cell) for cell in row] for row in _csv_rows(data))
    return out.getvalue()


def _csv_rows(data: dict[str, Any]) -> Iterator[list[Any]]:
    wording = data.get("shift_wording", {})

    def shifts(*slugs: str | None) -> str:
        return "; ".join(wording.get(slug, slug) for slug in slugs if slug)

    for checkin in data["checkins"]:
        when = _csv_moment(checkin["submitted_at"] or checkin["created_at"])
        for rating in checkin["ratings"]:
            yield [
                "check-in rating",
                when,
                checkin["status"],
                shifts(rating["shift"]),
                rating["level"],
                rating["note"],
                "",
                "",
                "",
                *_as_rated(rating),
            ]
    for item in data["evidence"]:
        yield [
            "evidence",
            item["happened_on"],
            "",
            shifts(*item["shifts"]),
            "",
            item["title"],
            item["body"],
            item["link"],
            item["visibility"],
        ]
    for item in data["focus"]:
        yield [
            "focus",
            _csv_moment(item["set_at"]),
            f"cleared {_csv_moment(item['cleared_at'])}" if item["cleared_at"] else "active",
            shifts(item["shift"]),
            "",
            item["next_step"],
            "",
            "",
            "",
        ]
    for review in data["reviews_received"]:
        completed = _csv_moment(review["completed_at"])
        yield [
            "manager review",
            completed,
            "completed",
            "",
            "",
            review["summary"],
            f"Agreed focus: {review['agreed_focus']}" if review["agreed_focus"] else "",
            "",
            "",
        ]
        for rating in review["ratings"]:
            yield [
                "manager review rating",
                completed,
                "completed",
                shifts(rating["shift"]),
                rating["level"],
                rating["comment"],
                rating["response"],  # my response to it, given with the acknowledgement
                "",
                "",
                *_as_rated(rating),
            ]
        if review["acknowledged_at"]:
            yield [
                "review acknowledgement",
                _csv_moment(review["acknowledged_at"]),
                "acknowledged",
                "",
                "",
                f"Review of {completed[:10]}",
                review["response"],
                "",
                "",
            ]
    for meeting in data.get("one_on_ones", []):
        with_whom = f"{meeting['manager']} and {meeting['person']}"
        started = _csv_moment(meeting["started_at"])
        yield [
            "1:1",
            started,
            "closed" if meeting["closed_at"] else "open",
            "",
            "",
            with_whom,
            meeting["shared_notes"],
            "",
            "shared",
        ]
        if meeting["my_private_notes"]:
            yield [
                "1:1 private notes",
                started,
                "",
                "",
                "",
                with_whom,
                meeting["my_private_notes"],
                "",
                "private",
            ]
        for item in meeting["agenda"]:
            yield [
                "1:1 agenda item",
                started,
                "done" if item["done"] else "",
                shifts(item["shift"]),
                "",
                item["text"],
                "",
                "",
                "shared",
            ]
        for action in meeting["action_items"]:
            yield [
                "1:1 action item",
                action["due_on"],
                "done" if action["done_at"] else "open",
                shifts(action["shift"]),
                "",
                action["text"],
                f"owner: {action['owner']}",
                "",
                "shared",
            ]
    for asked in data.get("feedback_requests", []):
        answer = asked["answer"] or {}
        yield [
            "feedback request",
            _csv_moment(asked["created_at"]),
            asked["status"],
            shifts(*asked["shifts"]),
            answer.get("frequency", ""),
            f"to {asked['recipient']}"
            + (f" <{asked['recipient_email']}>" if asked["recipient_email"] else "")
            + f": {asked['question']}",
            (
                f"{answer['giver_name']}"
                + (f", {answer['giver_role']}" if answer["giver_role"] else "")
                + f": {answer['example']}"
            )
            if answer
            else "",
            "",
            "shared" if answer.get("shared_at") else "private",
        ]
    for given in data.get("feedback_given", []):
        status = "answered" if given["answered_at"] else "declined" if given["declined_at"] else ""
        yield [
            "feedback given",
            _csv_moment(given["answered_at"] or given["declined_at"] or given["created_at"]),
            status or "not answered",
            "",
            given["frequency"],
            f"asked by {given['asked_by']}: {given['question']}",
            given["example"],
            "",
            "",
        ]
    for pref in data.get("notification_preferences", []):
        yield [
            "notification preference",
            "",
            "on" if pref["enabled"] else "off",
            "",
            "",
            pref["kind"],
            f"email: {pref['email']}",
            "",
            "",
        ]
    for notification in data.get("notifications", []):
        yield [
            "notification",
            _csv_moment(notification["created_at"]),
            "read" if notification["read_at"] else "unread",
            "",
            "",
            notification["kind"],
            notification["text"],
            "",
            "",
        ]


def _csv_moment(value: str | None) -> str:
    """An ISO 8601 date and time from the export, to the second: 2026-03-14T09:30:00+00:00."""
    if not value:
        return ""
    return datetime.fromisoformat(value).isoformat(timespec="seconds")


def _as_rated(rating: dict[str, Any]) -> list[str]:
    changed = " (the meaning has changed since)" if rating["meaning_changed_since"] else ""
    return [rating["area"], f"From {rating['from']} → To {rating['to']}{changed}"]


def _wording(rating: Rating | ReviewRating, when: datetime | None) -> dict[str, Any]:
    """The wording and area title a rating was made against, and whether the shift's
    meaning changed since."""
    history = content.wording_history(rating.shift.area.framework_id)
    return {
        "area": history.area_title_at(rating.shift.area_id, when, rating.shift.area.title),
        "from": rating.revision.from_text,
        "to": rating.revision.to_text,
        "meaning_changed_since": history.meaning_changed_since(
            rating.shift_id, rating.revision.number
        ),
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _shift_order(row: Rating | Any) -> tuple[int, int]:
    return (row.shift.area_id, row.shift.order)


def _in_framework_order(shift: Any) -> tuple[int, int]:
    return (shift.area_id, shift.order)
