"""Restore an account from its export: the JSON a person downloads from her account page.

The file is untrusted. Every record is checked with the rules the app applies to the same data
typed in a form (the evidence and review forms themselves, the models' field rules otherwise),
and the first broken rule refuses the whole file with one message naming the record and the
field, e.g. "evidence #3, field 'happened_on': This date is in the future.". Nothing is written
unless every record is valid.

Nothing in a file links the person to anyone already here: she gets no manager (an
administrator sets reporting lines), and each review she received keeps its manager's name as
text only, so nobody here is shown as the author of a review they never wrote.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DataError, IntegrityError, models, transaction
from django.utils import timezone

from leadership.models import User
from transitions.forms import EvidenceForm, ReviewTextForm
from transitions.models import (
    CheckIn,
    Evidence,
    Focus,
    Framework,
    NotificationPreference,
    Rating,
    Review,
    ReviewRating,
    Shift,
    ShiftRevision,
)

FORMAT_VERSION = 1

#: What an export holds that an import leaves in the file, and why: (key, record label,
#: one, many, reason). The command prints "Not imported: 2 1:1s: each is shared …".
LEFT_OUT = [
    (
        "one_on_ones",
        "1:1",
        "1:1",
        "1:1s",
        "each is shared with another person, who is not linked here",
    ),
    (
        "feedback_requests",
        "feedback request",
        "feedback request",
        "feedback requests",
        "their links and the people asked belong to the other installation",
    ),
    (
        "feedback_given",
        "feedback given",
        "answer to colleagues' feedback requests",
        "answers to colleagues' feedback requests",
        "they belong to the colleagues' requests there",
    ),
    (
        "notifications",
        "notification",
        "notification",
        "notifications",
        "they told of events in the other installation",
    ),
]
MAX_FILE_BYTES = 5 * 1024 * 1024


class AccountImportError(ValueError):
    """The file cannot be imported; the message says why, and where."""


def read_export(path: str | os.PathLike[str]) -> Any:
    """The JSON in `path`; a file over MAX_FILE_BYTES is refused before it is parsed."""
    too_big = AccountImportError(
        f"{path} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; an account export is "
        "much smaller."
    )
    try:
        with open(path, "rb") as handle:
            if os.fstat(handle.fileno()).st_size > MAX_FILE_BYTES:
                raise too_big
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise AccountImportError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    if len(raw) > MAX_FILE_BYTES:
        raise too_big
    try:
        return json.loads(raw.decode("utf-8-sig"), parse_constant=_refuse_constant)
    except UnicodeDecodeError:
        raise AccountImportError(f"Cannot read {path}: it is not UTF-8 text.") from None
    except RecursionError:
        raise AccountImportError(f"Cannot read {path}: it is nested too deeply.") from None
    except ValueError as exc:
        raise AccountImportError(f"Cannot read {path}: it is not valid JSON ({exc}).") from None


@dataclass(frozen=True)
class Imported:
    user: User
    #: What the file held that was not restored, and why, e.g. "2 1:1s: each is shared …".
    left_out: list[str]


def account_import(data: Any) -> Imported:
    """Check everything in `data`, then create the person and her records in one transaction.

    Shifts are matched by slug. The person gets no usable password: she sets one through
    "Forgot your password?". Her 1:1s, feedback requests and notifications stay in the file (see
    `left_out`).
    """
    plan = _Plan.from_export(data)
    try:
        with transaction.atomic():
            return Imported(user=plan.write(), left_out=plan.left_out)
    except (IntegrityError, DataError) as exc:
        raise AccountImportError(f"The database refused the file: {exc}") from None


# Reading the file's records, with their types


_MISSING = object()


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object"


_EXPECTED = {
    str: "text",
    int: "a whole number",
    bool: "true or false",
    list: "a list",
    dict: "an object",
}


def _shown(value: str) -> str:
    """A value quoted in a message, cut short: a message never repeats a huge value."""
    return repr(value if len(value) <= 40 else value[:40] + "…")


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number JSON allows")


class _Record:
    """One object of the file, named for messages: "evidence #3", "check-in #1, rating #2"."""

    def __init__(self, label: str, value: object) -> None:
        if not isinstance(value, dict):
            raise AccountImportError(f"{label}: expected an object, found {_kind(value)}.")
        self.label = label
        self.data = value

    def error(self, name: str | None, message: str) -> AccountImportError:
        where = [self.label] if self.label else []
        if name and name != NON_FIELD_ERRORS:
            where.append(f"field {name!r}")
        return AccountImportError(f"{', '.join(where)}: {message}" if where else message)

    def value(self, name: str, kind: type, *, null: bool = False, default: Any = _MISSING) -> Any:
        if name not in self.data:
            if default is not _MISSING:
                return default
            raise self.error(name, "missing.")
        value = self.data[name]
        if value is None and null:
            return None
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            expected = _EXPECTED[kind] + (" or null" if null else "")
            raise self.error(name, f"expected {expected}, found {_kind(value)}.")
        if isinstance(value, str):
            self._check_text(name, value)
        return value

    def _check_text(self, name: str, value: str) -> None:
        """Text any database stores: no NUL character, no lone surrogate."""
        if "\x00" in value:
            raise self.error(name, "Null characters are not allowed.")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise self.error(name, "this is not valid Unicode text.") from None

    def text(self, name: str, *, default: Any = _MISSING) -> str:
        return self.value(name, str, default=default)

    def moment(self, name: str, *, null: bool = False) -> datetime | None:
        value = self.value(name, str, null=null)
        if value is None:
            return None
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise self.error(
                name, f"{_shown(value)} is not a date and time like 2026-03-14T09:30:00+00:00."
            ) from None
        if moment.tzinfo is None:
            raise self.error(name, "the date and time has no UTC offset (e.g. +00:00).")
        try:
            moment = moment.astimezone(UTC)
        except OverflowError:
            raise self.error(name, f"{_shown(value)} is out of range.") from None
        if moment > timezone.now():
            raise self.error(name, f"{_shown(value)} is in the future.")
        return moment

    def record(self, name: str, label: str) -> _Record:
        return _Record(label, self.value(name, dict))

    def records(self, name: str, label: str, *, default: Any = _MISSING) -> list[_Record]:
        prefix = f"{self.label}, " if self.label else ""
        items = self.value(name, list, default=default)
        return [_Record(f"{prefix}{label} #{n}", item) for n, item in enumerate(items, 1)]

    def texts(self, name: str) -> list[str]:
        items = self.value(name, list)
        for n, item in enumerate(items, 1):
            if not isinstance(item, str):
                raise self.error(name, f"item #{n}: expected text, found {_kind(item)}.")
            self._check_text(name, item)
        return items

    def check_model(self, instance: models.Model) -> None:
        """The model's own field rules: lengths, choices, blanks, formats. Relations are
        resolved by the caller, so they are left out."""
        fields = instance._meta.concrete_fields
        try:
            instance.clean_fields(exclude=[f.name for f in fields if f.is_relation])
        except ValidationError as exc:
            name, messages = next(iter(exc.message_dict.items()))
            raise self.error(name, " ".join(messages)) from None
        for model_field in fields:
            # A TextField's max_length binds only its form field; it binds imports too.
            value = getattr(instance, model_field.attname)
            limit = model_field.max_length
            if isinstance(model_field, models.TextField) and limit and len(value) > limit:
                raise self.error(
                    model_field.name,
                    f"Ensure this value has at most {limit} characters (it has {len(value)}).",
                )

    def check_form(self, form: Any) -> dict[str, Any]:
        if not form.is_valid():
            name, messages = next(iter(form.errors.items()))
            raise self.error(name, " ".join(messages))
        return form.cleaned_data


# Checking every record, then writing them


@dataclass
class _Plan:
    """The person and her records, checked and not yet saved."""

    user: User
    checkins: list[tuple[CheckIn, datetime, list[Rating]]] = field(default_factory=list)
    evidence: list[tuple[Evidence, datetime, list[Shift]]] = field(default_factory=list)
    focus: list[tuple[Focus, datetime]] = field(default_factory=list)
    reviews: list[tuple[Review, list[ReviewRating]]] = field(default_factory=list)
    preferences: list[NotificationPreference] = field(default_factory=list)
    #: What the file holds that is not restored, and why (the command says so).
    left_out: list[str] = field(default_factory=list)

    @classmethod
    def from_export(cls, data: Any) -> _Plan:
        format_ = data.get("format") if isinstance(data, dict) else None
        if type(format_) is not int or format_ != FORMAT_VERSION:
            raise AccountImportError(f"This is not an account export (format {FORMAT_VERSION}).")
        root = _Record("", data)
        content = _Content.load()
        plan = cls(user=_user(root.record("user", "user")))
        plan._checkins(root.records("checkins", "check-in", default=[]), content)
        evidence = root.records("evidence", "evidence", default=[])
        focus = root.records("focus", "focus", default=[])
        if evidence or focus:
            framework = content.default_framework(root)
            plan._evidence(evidence, content, framework)
            plan._focus(focus, content, framework)
        plan._reviews(root.records("reviews_received", "review", default=[]), content)
        plan._preferences(root.records("notification_preferences", "preference", default=[]))
        for name, label, one, many, why in LEFT_OUT:
            records = root.records(name, label, default=[])
            if records:
                what = one if len(records) == 1 else many
                plan.left_out.append(f"{len(records)} {what}: {why}")
        return plan

    def _checkins(self, records: list[_Record], content: _Content) -> None:
        drafts: set[int] = set()
        for record in records:
            framework = content.framework(record)
            checkin = CheckIn(
                framework=framework,
                status=record.text("status"),
                submitted_at=record.moment("submitted_at", null=True),
            )
            created_at = record.moment("created_at")
            record.check_model(checkin)
            if checkin.is_draft:
                if checkin.submitted_at is not None:
                    raise record.error("submitted_at", "a draft has no date of submission.")
                if framework.pk in drafts:
                    raise record.error(
                        None,
                        "a second check-in in progress for this framework; there can be only one.",
                    )
                drafts.add(framework.pk)
            elif checkin.submitted_at is None:
                raise record.error(
                    "submitted_at", "a submitted check-in has the date it was submitted."
                )
            ratings: list[Rating] = []
            for item in record.records("ratings", "rating"):
                shift = content.shift(item, "shift", framework, item.text("shift"))
                if any(rating.shift_id == shift.pk for rating in ratings):
                    raise item.error("shift", "rated twice in one check-in.")
                number = item.value("revision", int)
                rating = Rating(
                    shift=shift,
                    revision_id=content.revisions.get(
                        (shift.pk, number), shift.current_revision_id
                    ),
                    level=item.value("level", int, null=True),
                    note=item.text("note"),
                )
                item.check_model(rating)
                if rating.level is None and not checkin.is_draft:
                    raise item.error("level", "every rating of a submitted check-in has a level.")
                ratings.append(rating)
            self.checkins.append((checkin, created_at, ratings))

    def _evidence(self, records: list[_Record], content: _Content, framework: Framework) -> None:
        for record in records:
            form = EvidenceForm(
                data={
                    name: record.text(name)
                    for name in ("happened_on", "title", "body", "link", "visibility")
                },
                framework=framework,
            )
            del form.fields["shifts"]  # matched by slug below, retired shifts included
            cleaned = record.check_form(form)
            slugs = record.texts("shifts")
            if not slugs:
                raise record.error("shifts", "Pick at least one shift this evidence shows.")
            shifts = {slug: content.shift(record, "shifts", framework, slug) for slug in slugs}
            created_at = record.moment("created_at")
            evidence = Evidence(
                happened_on=cleaned["happened_on"],
                title=cleaned["title"],
                body=cleaned["body"],
                link=cleaned["link"],
                visibility=cleaned["visibility"],
            )
            self.evidence.append((evidence, created_at, list(shifts.values())))

    def _focus(self, records: list[_Record], content: _Content, framework: Framework) -> None:
        active: set[int] = set()
        for record in records:
            shift = content.shift(record, "shift", framework, record.text("shift"))
            focus = Focus(
                shift=shift,
                next_step=record.text("next_step"),
                cleared_at=record.moment("cleared_at", null=True),
            )
            set_at = record.moment("set_at")
            record.check_model(focus)
            if focus.is_active:
                if shift.pk in active:
                    raise record.error("shift", "this shift is already in focus.")
                if len(active) >= Focus.MAX_ACTIVE:
                    raise record.error(
                        None, f"at most {Focus.MAX_ACTIVE} shifts can be in focus at once."
                    )
                active.add(shift.pk)
            self.focus.append((focus, set_at))

    def _reviews(self, records: list[_Record], content: _Content) -> None:
        for record in records:
            framework = content.framework(record)
            manager = record.value("manager", str, null=True)
            manager_name = record.value("manager_name", str, null=True, default=None)
            text = record.check_form(
                ReviewTextForm(
                    data={name: record.text(name) for name in ("summary", "agreed_focus")}
                )
            )
            if not text["summary"]:
                raise record.error("summary", "a completed review has an overall summary.")
            acknowledged_at = (
                record.moment("acknowledged_at", null=True)
                if "acknowledged_at" in record.data
                else None
            )
            review = Review(
                framework=framework,
                manager=None,
                manager_name=manager_name or manager or "",
                status=Review.Status.COMPLETED,
                completed_at=record.moment("completed_at"),
                summary=text["summary"],
                agreed_focus=text["agreed_focus"],
                acknowledged_at=acknowledged_at,
                response=record.text("response", default=""),
            )
            record.check_model(review)
            if review.response and acknowledged_at is None:
                raise record.error("response", "a response is given with an acknowledgement.")
            ratings: list[ReviewRating] = []
            for item in record.records("ratings", "rating"):
                shift = content.shift(item, "shift", framework, item.text("shift"))
                if any(rating.shift_id == shift.pk for rating in ratings):
                    raise item.error("shift", "rated twice in one review.")
                rating = ReviewRating(
                    shift=shift,
                    revision_id=shift.current_revision_id,
                    level=item.value("level", int, null=True),
                    comment=item.text("comment"),
                    response=item.text("response", default=""),
                )
                item.check_model(rating)
                if rating.response and acknowledged_at is None:
                    raise item.error("response", "a response is given with an acknowledgement.")
                if rating.level is None:
                    raise item.error("level", "every rating of a completed review has a level.")
                ratings.append(rating)
            self.reviews.append((review, ratings))

    def _preferences(self, records: list[_Record]) -> None:
        for record in records:
            preference = NotificationPreference(
                kind=record.text("kind"),
                enabled=record.value("enabled", bool),
                email=record.text("email"),
            )
            record.check_model(preference)
            if any(other.kind == preference.kind for other in self.preferences):
                raise record.error("kind", "a second preference for the same kind.")
            self.preferences.append(preference)

    def write(self) -> User:
        user = self.user
        user.save()
        for checkin, created_at, ratings in self.checkins:
            checkin.person = user
            checkin.save()
            CheckIn.objects.filter(pk=checkin.pk).update(created_at=created_at)
            for rating in ratings:
                rating.checkin = checkin
            Rating.objects.bulk_create(ratings)
        for evidence, created_at, shifts in self.evidence:
            evidence.author = user
            evidence.save()
            evidence.shifts.set(shifts)
            Evidence.objects.filter(pk=evidence.pk).update(created_at=created_at)
        for focus, set_at in self.focus:
            focus.person = user
            focus.save()
            Focus.objects.filter(pk=focus.pk).update(set_at=set_at)
        for review, review_ratings in self.reviews:
            review.person = user
            review.save()
            for review_rating in review_ratings:
                review_rating.review = review
            ReviewRating.objects.bulk_create(review_ratings)
        for preference in self.preferences:
            preference.person = user
        NotificationPreference.objects.bulk_create(self.preferences)
        return user


def _user(record: _Record) -> User:
    """The person, checked like any user here (username rules, uniqueness, interval range).

    Her manager in the file is never looked up: the person starts without one."""
    user = User(
        username=record.text("username"),
        first_name=record.text("first_name", default=""),
        last_name=record.text("last_name", default=""),
        email=record.text("email", default=""),
        checkin_interval_days=record.value("checkin_interval_days", int, default=30),
        manager=None,
    )
    record.value("manager", str, null=True, default=None)  # checked, never looked up
    user.set_unusable_password()
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        name, messages = next(iter(exc.message_dict.items()))
        raise record.error(name, " ".join(messages)) from None
    return user


@dataclass
class _Content:
    """This installation's frameworks, shifts and wordings, read once."""

    frameworks: dict[str, Framework]
    shifts: dict[tuple[int, str], Shift]
    revisions: dict[tuple[int, int], int]

    @classmethod
    def load(cls) -> _Content:
        return cls(
            frameworks={f.slug: f for f in Framework.objects.all()},
            shifts={
                (s.area.framework_id, s.slug): s
                for s in Shift.objects.select_related("area").with_current_revision()
            },
            revisions={
                (r.shift_id, r.number): r.pk
                for r in ShiftRevision.objects.only("pk", "shift_id", "number")
            },
        )

    def framework(self, record: _Record) -> Framework:
        slug = record.text("framework")
        framework = self.frameworks.get(slug)
        if framework is None:
            raise record.error("framework", f"there is no framework {_shown(slug)} here.")
        return framework

    def default_framework(self, record: _Record) -> Framework:
        """Evidence and focus name shifts of the framework the person follows: the default."""
        framework = next((f for f in self.frameworks.values() if f.is_default), None)
        if framework is None:
            raise record.error(
                None, "This installation has no default framework for evidence and focus."
            )
        return framework

    def shift(self, record: _Record, name: str, framework: Framework, slug: str) -> Shift:
        shift = self.shifts.get((framework.pk, slug))
        if shift is None:
            raise record.error(
                name, f"the framework {framework.slug!r} has no shift {_shown(slug)} here."
            )
        return shift
