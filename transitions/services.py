"""Writes that span models, each in one transaction."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Model, QuerySet
from django.utils import timezone

from leadership import erasure, security_log
from leadership.models import User
from transitions import content, feedback, framework_file, notifications, tasks
from transitions.models import (
    ActionItem,
    AgendaItem,
    Area,
    AreaRevision,
    CheckIn,
    DismissedSuggestion,
    Evidence,
    FeedbackRequest,
    FeedbackRequestShift,
    Focus,
    Framework,
    OneOnOne,
    PrivateNote,
    Rating,
    Review,
    ReviewRating,
    Shift,
    ShiftRevision,
)


def shift_save(
    *,
    shift: Shift,
    kind: str = "",
    note: str = "",
    by: User | None = None,
) -> ShiftRevision | None:
    """Save a shift; a new shift or a changed from/to wording gets a new revision.

    The earlier wording stays in `ShiftRevision`, so nothing rated against it is rewritten.
    `kind` says whether a changed wording is a wording fix or a change of meaning.
    Returns the new revision, or None when the wording did not change.
    """
    with transaction.atomic():
        if shift.pk is None:
            if not shift.order:
                shift.order = (shift.area.shifts.aggregate(top=Max("order"))["top"] or 0) + 1
            shift.save()
            number, kind, note = 1, ShiftRevision.Kind.INITIAL, ""
        else:
            saved = Shift.objects.select_for_update().get(pk=shift.pk)
            shift.save()
            if (saved.from_text, saved.to_text) == (shift.from_text, shift.to_text):
                return None
            if kind not in (ShiftRevision.Kind.WORDING_FIX, ShiftRevision.Kind.MEANING_CHANGE):
                raise ValueError(
                    f"A rewording is a wording fix or a change of meaning, not {kind!r}."
                )
            number = (saved.revisions.aggregate(top=Max("number"))["top"] or 0) + 1
        return ShiftRevision.objects.create(
            shift=shift,
            number=number,
            from_text=shift.from_text,
            to_text=shift.to_text,
            kind=kind,
            note=note,
            created_by=by,
        )


def area_save(*, area: Area, by: User | None = None) -> AreaRevision | None:
    """Save an area; a new area or a changed title gets a new revision, so check-ins and
    reviews made under the earlier title keep showing it. Returns the new revision, if any."""
    with transaction.atomic():
        if area.pk is None:
            area.save()
            return AreaRevision.objects.create(area=area, number=1, title=area.title, created_by=by)
        saved = Area.objects.select_for_update().get(pk=area.pk)
        area.save()
        if saved.title == area.title:
            return None
        number = (saved.revisions.aggregate(top=Max("number"))["top"] or 0) + 1
        if number == 1:
            # An area made before titles were kept: its first title is the one replaced now.
            AreaRevision.objects.create(
                area=area, number=1, title=saved.title, created_at=area.framework.created_at
            )
            number = 2
        return AreaRevision.objects.create(
            area=area, number=number, title=area.title, created_by=by
        )


def set_retired(*, objects: QuerySet[Area] | QuerySet[Shift], retired: bool) -> int:
    """Retire (hide from new check-ins, keep in history) or reinstate areas or shifts."""
    if retired:
        changed = objects.filter(retired_at__isnull=True).update(retired_at=timezone.now())
    else:
        changed = objects.filter(retired_at__isnull=False).update(retired_at=None)
    content.content_changed()
    return changed


def apply_order(siblings: QuerySet[Any], wanted: dict[int, int]) -> None:
    """Give the rows `wanted` (pk → order) their new order among `siblings`.

    Orders are unique among siblings, so rows move through free, temporary positions
    first; a swap of two rows never trips the constraint. Call inside a transaction.
    """
    current = dict(siblings.values_list("pk", "order"))
    moving = {pk: order for pk, order in wanted.items() if current.get(pk) != order}
    if not moving:
        return
    top = max([*current.values(), *moving.values(), 0])
    for offset, pk in enumerate(moving, start=1):
        siblings.filter(pk=pk).update(order=top + offset)
    for pk, order in moving.items():
        siblings.filter(pk=pk).update(order=order)
    content.content_changed()


def framework_export(framework: Framework) -> dict[str, Any]:
    """The framework as a file-format dictionary (current wording, retired items left out)."""
    areas = framework.areas.active().prefetch_related("shifts").order_by("order")
    return {
        "format": framework_file.FORMAT_VERSION,
        "slug": framework.slug,
        "title": framework.title,
        "source": {"title": framework.source_title, "url": framework.source_url},
        "description": framework.description,
        "areas": [
            {
                "slug": area.slug,
                "title": area.title,
                "summary": area.summary,
                "shifts": [
                    {
                        "slug": shift.slug,
                        "from": shift.from_text,
                        "to": shift.to_text,
                        "guidance": shift.guidance,
                    }
                    for shift in sorted(area.shifts.all(), key=lambda s: s.order)
                    if not shift.is_retired
                ],
            }
            for area in areas
        ],
    }


@dataclass
class ImportReport:
    framework: Framework
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    reworded: list[str] = field(default_factory=list)
    not_in_file: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.reworded)


def _update_fields(obj: Model, values: dict[str, Any]) -> bool:
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save(update_fields=changed)
    return bool(changed)


def framework_import(
    data: dict[str, Any],
    *,
    by: User | None = None,
    change_kind: str = ShiftRevision.Kind.MEANING_CHANGE,
    make_default: bool = False,
) -> ImportReport:
    """Create or update a framework from a file-format dictionary, keyed on slugs.

    Importing the same file twice changes nothing. A changed from/to wording becomes a new
    revision of `change_kind`; areas and shifts missing from the file are kept, after the
    imported ones, and listed in the report.
    """
    framework_file.check(data)
    source = data.get("source", {})
    with transaction.atomic():
        framework, created = Framework.objects.get_or_create(
            slug=data["slug"],
            defaults={"title": data["title"]},
        )
        report = ImportReport(framework=framework)
        if created:
            report.created.append(f"framework {framework.slug}")
        values = {
            "title": data["title"],
            "description": data.get("description", ""),
            "source_title": source.get("title", ""),
            "source_url": source.get("url", ""),
        }
        if _update_fields(framework, values) and not created:
            report.updated.append(f"framework {framework.slug}")
        if make_default and not framework.is_default:
            Framework.objects.filter(is_default=True).update(is_default=False)
            framework.is_default = True
            framework.save(update_fields=["is_default"])

        existing_areas = {area.slug: area for area in framework.areas.all()}
        area_order: dict[int, int] = {}
        for position, area_data in enumerate(data["areas"], start=1):
            area = existing_areas.get(area_data["slug"])
            if area is None:
                top = framework.areas.aggregate(top=Max("order"))["top"] or 0
                area = Area(
                    framework=framework,
                    slug=area_data["slug"],
                    title=area_data["title"],
                    summary=area_data.get("summary", ""),
                    order=top + 1,
                )
                area_save(area=area, by=by)
                existing_areas[area.slug] = area
                report.created.append(f"area {area.slug}")
            elif (area.title, area.summary) != (area_data["title"], area_data.get("summary", "")):
                area.title, area.summary = area_data["title"], area_data.get("summary", "")
                area_save(area=area, by=by)
                report.updated.append(f"area {area.slug}")
            area_order[area.pk] = position
            _import_shifts(area, area_data["shifts"], by=by, kind=change_kind, report=report)
        extras = [area for slug, area in existing_areas.items() if area.pk not in area_order]
        for offset, area in enumerate(sorted(extras, key=lambda a: a.order), start=1):
            area_order[area.pk] = len(data["areas"]) + offset
            report.not_in_file.append(f"area {area.slug}")
        before = dict(framework.areas.values_list("pk", "order"))
        apply_order(framework.areas.all(), area_order)
        if any(before[pk] != order for pk, order in area_order.items()):
            report.updated.append("area order")
    return report


def _import_shifts(
    area: Area,
    shifts: Iterable[dict[str, Any]],
    *,
    by: User | None,
    kind: str,
    report: ImportReport,
) -> None:
    existing = {shift.slug: shift for shift in area.shifts.all()}
    # A shift slug is unique in its framework; one moved between areas is found there.
    elsewhere = {
        shift.slug: shift
        for shift in Shift.objects.filter(area__framework_id=area.framework_id).exclude(area=area)
    }
    wanted: dict[int, int] = {}
    shifts = list(shifts)
    for position, shift_data in enumerate(shifts, start=1):
        slug = shift_data["slug"]
        shift = existing.get(slug) or elsewhere.get(slug)
        if shift is None:
            shift = Shift(
                area=area,
                slug=slug,
                from_text=shift_data["from"],
                to_text=shift_data["to"],
                guidance=shift_data.get("guidance", ""),
            )
            shift_save(shift=shift, by=by)
            existing[slug] = shift
            report.created.append(f"shift {slug}")
        else:
            if shift.area_id != area.pk:
                top = area.shifts.aggregate(top=Max("order"))["top"] or 0
                Shift.objects.filter(pk=shift.pk).update(area=area, order=top + 1)
                shift.area, shift.order = area, top + 1
                existing[slug] = shift
                report.updated.append(f"shift {slug} (moved to {area.slug})")
            if _update_fields(shift, {"guidance": shift_data.get("guidance", "")}):
                report.updated.append(f"shift {slug}")
            shift.from_text, shift.to_text = shift_data["from"], shift_data["to"]
            if shift_save(shift=shift, kind=kind, note="Imported", by=by):
                report.reworded.append(f"shift {slug}")
        wanted[shift.pk] = position
    extras = [shift for slug, shift in existing.items() if shift.pk not in wanted]
    for offset, shift in enumerate(sorted(extras, key=lambda s: s.order), start=1):
        wanted[shift.pk] = len(shifts) + offset
        report.not_in_file.append(f"shift {shift.slug}")
    before = dict(area.shifts.values_list("pk", "order"))
    apply_order(area.shifts.all(), wanted)
    if any(before.get(pk) != order for pk, order in wanted.items()):
        report.updated.append(f"shift order in {area.slug}")


class EditConflict(Exception):
    """The entry changed (in another tab or window) since the form was opened."""

    def __init__(self, current: Evidence) -> None:
        super().__init__("The entry changed since it was opened.")
        self.current = current


_EVIDENCE_FIELDS = ["happened_on", "title", "body", "link", "visibility"]


def evidence_create(
    *, author: User, data: dict[str, Any], submission_key: uuid.UUID | None
) -> tuple[Evidence, bool]:
    """Create evidence with its shifts. A repeated submission (same key) returns the first.

    Returns the evidence and whether it was created now.
    """
    if submission_key is not None:
        existing = Evidence.objects.filter(author=author, submission_key=submission_key).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            evidence = Evidence.objects.create(
                author=author,
                submission_key=submission_key,
                **{name: data[name] for name in _EVIDENCE_FIELDS},
            )
            evidence.shifts.set(data["shifts"])
            if evidence.visibility == Evidence.Visibility.SHARED:
                notifications.after_commit(notifications.evidence_shared, evidence_id=evidence.pk)
    except IntegrityError:
        # Two identical submissions raced; the other one won and holds the same content.
        existing = Evidence.objects.filter(author=author, submission_key=submission_key).first()
        if existing is None:
            raise
        return existing, False
    return evidence, True


def evidence_update(*, evidence: Evidence, data: dict[str, Any], expected_version: int) -> Evidence:
    """Save an edit unless the entry changed since version `expected_version` was read."""
    with transaction.atomic():
        current = Evidence.objects.select_for_update().get(pk=evidence.pk)
        if current.version != expected_version:
            raise EditConflict(current)
        was_shared = current.visibility == Evidence.Visibility.SHARED
        for name in _EVIDENCE_FIELDS:
            setattr(current, name, data[name])
        current.version += 1
        current.save()
        current.shifts.set(data["shifts"])
        if not was_shared and current.visibility == Evidence.Visibility.SHARED:
            notifications.after_commit(notifications.evidence_shared, evidence_id=current.pk)
    return current


def evidence_set_visibility(*, evidence: Evidence, visibility: str) -> Evidence:
    """Share or unshare evidence; it counts as an edit, so open forms learn of it."""
    with transaction.atomic():
        changed = (
            Evidence.objects.filter(pk=evidence.pk)
            .exclude(visibility=visibility)
            .update(visibility=visibility, version=F("version") + 1, updated_at=timezone.now())
        )
        if changed and visibility == Evidence.Visibility.SHARED:
            notifications.after_commit(notifications.evidence_shared, evidence_id=evidence.pk)
    evidence.refresh_from_db(fields=["visibility", "version", "updated_at"])
    return evidence


class CheckInClosed(Exception):
    """The check-in was submitted: it is history now and cannot change."""


class DraftGone(Exception):
    """The draft was discarded (in another tab, or by a second click) and no longer exists."""


class CheckInIncomplete(Exception):
    """Some active shifts have no rating yet."""

    def __init__(self, missing: list[Shift]) -> None:
        super().__init__(f"{len(missing)} shift(s) not rated yet.")
        self.missing = missing


class TooMuchFocus(Exception):
    """A person works on at most Focus.MAX_ACTIVE shifts at once."""


@dataclass
class RowInput:
    """One shift's level and text as a form sent them, with the version of the saved row the
    form was showing (0: not rated yet; None: the sender did not say, so no check)."""

    shift: Shift
    revision: ShiftRevision
    level: int | None
    text: str
    seen_version: int | None = None


@dataclass
class RowConflict:
    """A row changed elsewhere since the form was loaded, and the form holds other values."""

    shift: Shift
    saved_level: int | None
    saved_text: str
    sent_level: int | None
    sent_text: str


class DraftConflict(Exception):
    """Rows (or a review's text) changed since the form was loaded; nothing was written."""

    def __init__(self, rows: list[RowConflict], *, text: dict[str, str] | None = None) -> None:
        super().__init__("The draft changed since it was opened.")
        self.rows = rows
        self.text = text


@dataclass
class SaveOutcome:
    """What a whole-form save did: whether it closed the draft, and what blocked that."""

    closed: bool = False
    missing: list[Shift] = field(default_factory=list)
    needs_summary: bool = False


def _row_action(saved: Rating | ReviewRating | None, row: RowInput, text_field: str) -> str:
    """ "write", "keep" (nothing to change) or "conflict", for one row of a draft.

    A row saved since the form was loaded is never overwritten with other values: the
    sender gets both to choose from. A row sent blank by a form that did not show its saved
    answer (a stale one, or one that does not say what it showed) was not touched there."""
    saved_values = (saved.level, getattr(saved, text_field)) if saved else (None, "")
    saved_version = saved.version if saved else 0
    current = row.seen_version in (None, saved_version)
    if saved_values == (row.level, row.text):
        # Nothing new, unless the same answer is now given against newer wording.
        reworded = saved is not None and saved.revision_id != row.revision.pk
        return "write" if reworded and current else "keep"
    if (row.level, row.text) == (None, "") and row.seen_version != saved_version:
        return "keep"
    return "write" if current else "conflict"


def _conflict(saved: Rating | ReviewRating | None, row: RowInput, text_field: str) -> RowConflict:
    return RowConflict(
        shift=row.shift,
        saved_level=saved.level if saved else None,
        saved_text=getattr(saved, text_field) if saved else "",
        sent_level=row.level,
        sent_text=row.text,
    )


RowPlan = list[tuple[RowInput, str, Any]]


def _plan_rows(
    model: type[Rating] | type[ReviewRating],
    parent: dict[str, Any],
    rows: list[RowInput],
    text_field: str,
) -> tuple[RowPlan, list[RowConflict]]:
    """What to do with each row, and the rows in conflict (call with the draft locked)."""
    for row in rows:
        if row.revision.shift_id != row.shift.pk:
            raise ValueError("The wording does not belong to this shift.")
    saved = {
        r.shift_id: r for r in model.objects.filter(**parent, shift__in=[r.shift for r in rows])
    }
    plan = [
        (row, _row_action(saved.get(row.shift.pk), row, text_field), saved.get(row.shift.pk))
        for row in rows
    ]
    conflicts = [
        _conflict(current, row, text_field) for row, action, current in plan if action == "conflict"
    ]
    return plan, conflicts


def _apply_rows(
    model: type[Rating] | type[ReviewRating],
    parent: dict[str, Any],
    plan: RowPlan,
    text_field: str,
) -> list[Any]:
    written = []
    for row, action, current in plan:
        if action == "write":
            values = {"revision": row.revision, "level": row.level, text_field: row.text}
            if current is None:
                current = model.objects.create(**parent, shift=row.shift, **values)
            else:
                for name, value in values.items():
                    setattr(current, name, value)
                current.version += 1
                current.save()
        if current is not None:
            written.append(current)
    return written


def _write_rows(
    model: type[Rating] | type[ReviewRating],
    parent: dict[str, Any],
    rows: list[RowInput],
    text_field: str,
) -> list[Any]:
    """Write every row or none (call with the draft locked). Raises DraftConflict."""
    plan, conflicts = _plan_rows(model, parent, rows, text_field)
    if conflicts:
        raise DraftConflict(conflicts)
    return _apply_rows(model, parent, plan, text_field)


def checkin_start(*, person: User, framework: Framework) -> tuple[CheckIn, bool]:
    """Resume the open draft, or start one. Returns the check-in and whether it is new."""
    draft = CheckIn.objects.of(person).drafts().filter(framework=framework).first()
    if draft is not None:
        return draft, False
    try:
        with transaction.atomic():
            return CheckIn.objects.create(person=person, framework=framework), True
    except IntegrityError:
        # A second tab started one at the same moment: the database keeps one draft.
        return CheckIn.objects.of(person).drafts().get(framework=framework), False


def _locked_draft_checkin(checkin: CheckIn) -> CheckIn:
    """The check-in, locked for this transaction, if it is still an open draft: the one
    guard that keeps a submitted check-in unchanged."""
    locked = CheckIn.objects.select_for_update().filter(pk=checkin.pk).first()
    if locked is None:
        raise DraftGone
    if not locked.is_draft:
        raise CheckInClosed
    return locked


def _one_row(
    model: type[Rating] | type[ReviewRating],
    parent: dict[str, Any],
    text_field: str,
    *,
    shift: Shift,
    revision: ShiftRevision,
    changes: dict[str, Any],
    seen_version: int | None,
) -> Any:
    """Write one row of a draft; what `changes` leaves out stays as it was."""
    saved = model.objects.filter(**parent, shift=shift).first()
    row = RowInput(
        shift=shift,
        revision=revision,
        level=changes["level"] if "level" in changes else getattr(saved, "level", None),
        text=changes[text_field] if text_field in changes else getattr(saved, text_field, ""),
        seen_version=seen_version,
    )
    written = _write_rows(model, parent, [row], text_field)
    return written[0] if written else None


def rating_save(
    *,
    checkin: CheckIn,
    shift: Shift,
    revision: ShiftRevision,
    changes: dict[str, Any],
    seen_version: int | None = None,
) -> Rating | None:
    """Save one shift's level and/or note in a draft (autosave; one row per shift).
    Raises DraftConflict when the row changed elsewhere since `seen_version`."""
    with transaction.atomic():
        locked = _locked_draft_checkin(checkin)
        rating = _one_row(
            Rating,
            {"checkin": locked},
            "note",
            shift=shift,
            revision=revision,
            changes=changes,
            seen_version=seen_version,
        )
        CheckIn.objects.filter(pk=locked.pk).update(updated_at=timezone.now())
    return rating


def _missing_ratings(checkin: CheckIn) -> tuple[list[Shift], list[Shift]]:
    active = list(Shift.objects.of_framework(checkin.framework).active().in_order())
    rated = set(checkin.ratings.filter(level__isnull=False).values_list("shift_id", flat=True))
    return active, [shift for shift in active if shift.pk not in rated]


def _submit(locked: CheckIn) -> None:
    active, missing = _missing_ratings(locked)
    if missing:
        raise CheckInIncomplete(missing)
    # Shifts retired while the draft was open are no longer part of the check-in.
    locked.ratings.exclude(shift__in=active).delete()
    locked.status = CheckIn.Status.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.save(update_fields=["status", "submitted_at", "updated_at"])
    notifications.after_commit(notifications.checkin_submitted, checkin_id=locked.pk)


def checkin_submit(*, checkin: CheckIn) -> CheckIn:
    """Submit a draft once every active shift is rated; from then on it is immutable."""
    with transaction.atomic():
        locked = _locked_draft_checkin(checkin)
        _submit(locked)
    return locked


def checkin_save(*, checkin: CheckIn, rows: list[RowInput], submit: bool = False) -> SaveOutcome:
    """Save the whole check-in form in one transaction, and submit it if asked and complete.

    Raises DraftConflict (nothing written) when a row changed elsewhere since the form was
    loaded, CheckInClosed when it was submitted meanwhile, DraftGone when discarded."""
    with transaction.atomic():
        locked = _locked_draft_checkin(checkin)
        _write_rows(Rating, {"checkin": locked}, rows, "note")
        locked.save(update_fields=["updated_at"])
        if not submit:
            return SaveOutcome()
        _, missing = _missing_ratings(locked)
        if missing:
            return SaveOutcome(missing=missing)
        _submit(locked)
    return SaveOutcome(closed=True)


def checkin_discard(*, checkin: CheckIn) -> None:
    with transaction.atomic():
        _locked_draft_checkin(checkin).delete()


def focus_set(*, person: User, shift: Shift, next_step: str) -> Focus:
    """Focus on a shift with a next step; a changed next step keeps the earlier one as history."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=person.pk).first()
        active = Focus.objects.filter(person=person, cleared_at__isnull=True)
        current = active.filter(shift=shift).first()
        if current is None and active.count() >= Focus.MAX_ACTIVE:
            raise TooMuchFocus
        if current is not None:
            if current.next_step == next_step:
                return current
            current.cleared_at = timezone.now()
            current.save(update_fields=["cleared_at"])
        return Focus.objects.create(person=person, shift=shift, next_step=next_step)


class FocusChanged(Exception):
    """The focus a form was showing was changed or moved to history elsewhere since (in
    another tab). `current` is the shift's focus as it stands now, or None when the shift is
    no longer in focus."""

    def __init__(self, current: Focus | None) -> None:
        super().__init__("The focus changed since the form was loaded.")
        self.current = current


def focus_edit(*, focus: Focus, next_step: str) -> Focus:
    """Change a focus's next step. The row keeps the earlier step and goes to history; a new
    row carries the new step (as `focus_set` does). The row the form was showing is its
    version: when it is no longer active, nothing is written and FocusChanged tells what the
    shift's focus is now, unless that already says the same."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=focus.person_id).first()
        locked = Focus.objects.select_for_update().select_related("shift__area").get(pk=focus.pk)
        if locked.cleared_at is not None:
            current = (
                Focus.objects.filter(
                    person_id=locked.person_id, shift_id=locked.shift_id, cleared_at__isnull=True
                )
                .select_related("shift__area")
                .first()
            )
            if current is not None and current.next_step == next_step:
                return current
            raise FocusChanged(current)
        if locked.next_step == next_step:
            return locked
        locked.cleared_at = timezone.now()
        locked.save(update_fields=["cleared_at"])
        return Focus.objects.create(
            person_id=locked.person_id, shift=locked.shift, next_step=next_step
        )


def focus_clear(*, focus: Focus) -> bool:
    """Move a focus to history (it is kept, with the day it was cleared). False when it was
    not active any more (cleared or changed elsewhere): nothing is written."""
    cleared = Focus.objects.filter(pk=focus.pk, cleared_at__isnull=True).update(
        cleared_at=timezone.now()
    )
    return cleared == 1


class ReviewClosed(Exception):
    """The review was completed: it is a dated snapshot now and cannot change."""


class ReviewIncomplete(Exception):
    """Some shifts are unrated, or the summary is missing."""

    def __init__(self, missing: list[Shift], needs_summary: bool) -> None:
        super().__init__("The review is not complete.")
        self.missing = missing
        self.needs_summary = needs_summary


def review_start(*, person: User, manager: User, framework: Framework) -> tuple[Review, bool]:
    """Resume the manager's open review of `person`, or start an empty one: every review is
    rated blind, so nothing is copied from the last one. Returns the review and whether it
    is new."""
    draft = Review.objects.drafts().filter(person=person, manager=manager).first()
    if draft is not None:
        return draft, False
    try:
        with transaction.atomic():
            review = Review.objects.create(person=person, manager=manager, framework=framework)
    except IntegrityError:
        return Review.objects.drafts().get(person=person, manager=manager), False
    return review, True


def _locked_draft(review: Review) -> Review:
    locked = Review.objects.select_for_update().filter(pk=review.pk).first()
    if locked is None:
        raise DraftGone
    if not locked.is_draft:
        raise ReviewClosed
    return locked


def review_rate(
    *,
    review: Review,
    shift: Shift,
    revision: ShiftRevision,
    changes: dict[str, Any],
    seen_version: int | None = None,
) -> ReviewRating | None:
    """Save the manager's level and/or comment for one shift (autosave; an upsert).
    Raises DraftConflict when the row changed elsewhere since `seen_version`."""
    with transaction.atomic():
        locked = _locked_draft(review)
        rating = _one_row(
            ReviewRating,
            {"review": locked},
            "comment",
            shift=shift,
            revision=revision,
            changes=changes,
            seen_version=seen_version,
        )
        Review.objects.filter(pk=locked.pk).update(updated_at=timezone.now())
    return rating


def _text_action(locked: Review, summary: str, agreed_focus: str, seen: int | None) -> str:
    """ "write", "keep" or "conflict" for the summary and agreed focus, as for rows."""
    if (locked.summary, locked.agreed_focus) == (summary, agreed_focus):
        return "keep"
    if seen is None or seen == locked.text_version:
        return "write"
    return "conflict" if summary or agreed_focus else "keep"


def _write_text(locked: Review, summary: str, agreed_focus: str) -> None:
    locked.summary, locked.agreed_focus = summary, agreed_focus
    locked.text_version += 1
    locked.save(update_fields=["summary", "agreed_focus", "text_version", "updated_at"])


def _saved_text(review: Review) -> dict[str, str]:
    return {"summary": review.summary, "agreed_focus": review.agreed_focus}


def review_write(
    *, review: Review, summary: str, agreed_focus: str, seen_version: int | None = None
) -> Review:
    """Save the summary and agreed focus (autosave). Returns the review as saved."""
    with transaction.atomic():
        locked = _locked_draft(review)
        action = _text_action(locked, summary, agreed_focus, seen_version)
        if action == "conflict":
            raise DraftConflict([], text=_saved_text(locked))
        if action == "write":
            _write_text(locked, summary, agreed_focus)
    return locked


def _review_gaps(locked: Review) -> tuple[list[Shift], list[Shift]]:
    active = list(Shift.objects.of_framework(locked.framework).active().in_order())
    rated = set(locked.ratings.filter(level__isnull=False).values_list("shift_id", flat=True))
    return active, [shift for shift in active if shift.pk not in rated]


def _complete(locked: Review) -> None:
    active, missing = _review_gaps(locked)
    if missing or not locked.summary.strip():
        raise ReviewIncomplete(missing, needs_summary=not locked.summary.strip())
    locked.ratings.exclude(shift__in=active).delete()
    locked.status = Review.Status.COMPLETED
    locked.completed_at = timezone.now()
    locked.save(update_fields=["status", "completed_at", "updated_at"])
    notifications.after_commit(notifications.review_completed, review_id=locked.pk)


def review_complete(*, review: Review) -> Review:
    """Complete a review once every active shift is rated and there is a summary."""
    with transaction.atomic():
        locked = _locked_draft(review)
        _complete(locked)
    return locked


def review_save(
    *,
    review: Review,
    rows: list[RowInput],
    summary: str,
    agreed_focus: str,
    text_version: int | None = None,
    complete: bool = False,
) -> SaveOutcome:
    """Save the whole review form in one transaction, and complete it if asked and ready.

    Raises DraftConflict (nothing written) when something changed elsewhere since the form
    was loaded, ReviewClosed when it was completed meanwhile, DraftGone when discarded."""
    with transaction.atomic():
        locked = _locked_draft(review)
        plan, conflicts = _plan_rows(ReviewRating, {"review": locked}, rows, "comment")
        text_action = _text_action(locked, summary, agreed_focus, text_version)
        if conflicts or text_action == "conflict":
            raise DraftConflict(
                conflicts, text=_saved_text(locked) if text_action == "conflict" else None
            )
        _apply_rows(ReviewRating, {"review": locked}, plan, "comment")
        if text_action == "write":
            _write_text(locked, summary, agreed_focus)
        else:
            locked.save(update_fields=["updated_at"])
        if not complete:
            return SaveOutcome()
        _, missing = _review_gaps(locked)
        if missing or not locked.summary.strip():
            return SaveOutcome(missing=missing, needs_summary=not locked.summary.strip())
        _complete(locked)
    return SaveOutcome(closed=True)


def review_discard(*, review: Review) -> None:
    with transaction.atomic():
        _locked_draft(review).delete()


class ReviewAcknowledged(Exception):
    """The review was acknowledged already: the review and the response are read-only."""


def review_acknowledge(
    *, review: Review, by: User, response: str, shift_responses: dict[int, str]
) -> Review:
    """The person acknowledges her completed review, with an optional response overall
    (`response`) and per shift (`shift_responses`: shift id → text; shifts the review did not
    rate are ignored). One transaction with the review locked: a second acknowledgement, from
    another tab or a double click, raises ReviewAcknowledged and changes nothing. Her manager
    is told after the commit."""
    if review.person_id != by.pk:
        raise ValueError("Only the person reviewed acknowledges her review.")
    with transaction.atomic():
        locked = Review.objects.select_for_update().filter(pk=review.pk).first()
        if locked is None or locked.is_draft:
            raise DraftGone
        if locked.is_acknowledged:
            raise ReviewAcknowledged
        answered = {shift_id: text for shift_id, text in shift_responses.items() if text.strip()}
        ratings = list(locked.ratings.filter(shift_id__in=answered))
        for rating in ratings:
            rating.response = answered[rating.shift_id]
        ReviewRating.objects.bulk_update(ratings, ["response"])
        locked.acknowledged_at = timezone.now()
        locked.response = response
        locked.save(update_fields=["acknowledged_at", "response", "updated_at"])
        notifications.after_commit(notifications.review_acknowledged, review_id=locked.pk)
    return locked


def unfinished_reviews_erase(user: User) -> None:
    """The reviews a person was writing and had not completed go with her account (they are
    drafts nobody else may see); registered with leadership.erasure."""
    Review.objects.drafts().filter(manager=user).delete()


def feedback_giver_erase(user: User) -> None:
    """A colleague's account is deleted. Her answers belong to the people who asked her (a
    giver's name, address and answer are the asker's data, as an outside giver's are): each
    answered request is kept as one answered by an outside person of her name and address,
    with a link nobody holds, so an attestation stays in the asker's packet. Requests she
    never answered go with her account. Registered with leadership.erasure."""
    asked = FeedbackRequest.objects.select_for_update().filter(recipient=user)
    asked.filter(answered_at__isnull=True).delete()
    for request in asked.filter(answered_at__isnull=False):
        request.recipient = None
        request.recipient_name = request.giver_name or user.display_name
        request.recipient_email = user.email or "deleted-account@example.invalid"
        request.link_nonce = secrets.token_hex(32)
        request.token_hash = secrets.token_hex(32)  # matches no link: links come from the key
        request.save()


def account_delete(*, user: User) -> None:
    """Delete a person and everything that is hers: check-ins, evidence, focus, the reviews
    of her, the reviews she had not finished, her sessions and sign-in records. Her reports
    are left without a manager; reviews she completed of others stay in their history, and
    the admin log keeps changes to her account, both without her name."""
    with transaction.atomic():
        User.objects.filter(manager=user).update(manager=None)
        erasure.erase_traces(user)
        user_id, username = user.pk, user.username
        user.delete()
    security_log.account_deleted(user_id, username)


# 1:1s. Every write takes the meeting's row lock and refuses a closed meeting.


class OneOnOneClosed(Exception):
    """The 1:1 was closed (the next one started): it is a read-only record now."""


class NotesConflict(Exception):
    """The notes changed (in another tab, or by the other person) since they were loaded."""

    def __init__(self, saved: str) -> None:
        super().__init__("The notes changed since they were opened.")
        self.saved = saved


def _locked_open(meeting: OneOnOne) -> OneOnOne:
    locked = OneOnOne.objects.select_for_update().get(pk=meeting.pk)
    if not locked.is_open:
        raise OneOnOneClosed()
    return locked


def one_on_one_start(*, manager: User, person: User) -> OneOnOne:
    """Start the pair's next 1:1: the open one (if any) closes as a dated record. Open
    action items are not copied: they stay open and show on every 1:1 until done."""
    with transaction.atomic():
        now = timezone.now()
        for current in (
            OneOnOne.objects.of_pair(manager=manager, person=person).open().select_for_update()
        ):
            current.closed_at = max(now, current.started_at)
            current.save(update_fields=["closed_at"])
        return OneOnOne.objects.create(manager=manager, person=person, started_at=now)


def agenda_item_add(
    *,
    meeting: OneOnOne,
    by: User,
    text: str,
    shift: Shift | None = None,
    suggestion: str = "",
    link: str = "",
) -> AgendaItem:
    """Put a talking point on the agenda (own, or a suggestion added), at the end. The one
    write through which an item is added; the other person is told after the commit."""
    with transaction.atomic():
        locked = _locked_open(meeting)
        if suggestion:
            existing = locked.items.filter(suggestion=suggestion).first()
            if existing is not None:
                return existing
        top = locked.items.aggregate(top=Max("order"))["top"] or 0
        item = AgendaItem.objects.create(
            meeting=locked,
            author=by,
            text=text,
            shift=shift,
            order=top + 1,
            suggestion=suggestion,
            link=link,
        )
        notifications.after_commit(notifications.agenda_item_added, item_id=item.pk)
    return item


def suggestion_dismiss(*, meeting: OneOnOne, key: str) -> None:
    with transaction.atomic():
        locked = _locked_open(meeting)
        DismissedSuggestion.objects.get_or_create(meeting=locked, key=key)


def agenda_item_move(*, meeting: OneOnOne, item: AgendaItem, up: bool) -> None:
    """Swap an item with the one above (or below) it; at either end nothing moves."""
    with transaction.atomic():
        locked = _locked_open(meeting)
        siblings = locked.items.all()
        neighbour = (
            siblings.filter(order__lt=item.order).order_by("-order")
            if up
            else siblings.filter(order__gt=item.order).order_by("order")
        ).first()
        if neighbour is None:
            return
        top = (siblings.aggregate(top=Max("order"))["top"] or 0) + 1
        siblings.filter(pk=item.pk).update(order=top)
        siblings.filter(pk=neighbour.pk).update(order=item.order)
        siblings.filter(pk=item.pk).update(order=neighbour.order)


def agenda_item_check(*, meeting: OneOnOne, item: AgendaItem, done: bool) -> None:
    with transaction.atomic():
        locked = _locked_open(meeting)
        locked.items.filter(pk=item.pk).update(done=done)


def action_item_add(
    *,
    meeting: OneOnOne,
    owner: User,
    text: str,
    due_on: Any,
    shift: Shift | None = None,
) -> ActionItem:
    """An action item agreed in this 1:1, owned by either of the pair."""
    if owner.pk not in (meeting.manager_id, meeting.person_id):
        raise ValueError("An action item belongs to one of the pair.")
    with transaction.atomic():
        locked = _locked_open(meeting)
        return ActionItem.objects.create(
            meeting=locked, owner=owner, text=text, due_on=due_on, shift=shift
        )


def action_item_check(*, meeting: OneOnOne, item: ActionItem, done: bool) -> None:
    """Check an action item off (or reopen it) in the open 1:1, wherever it was agreed."""
    with transaction.atomic():
        _locked_open(meeting)
        ActionItem.objects.filter(pk=item.pk).update(done_at=timezone.now() if done else None)


def shared_notes_write(*, meeting: OneOnOne, text: str, seen_version: int | None) -> OneOnOne:
    """Save the pair's notes unless they changed since version `seen_version` was read."""
    with transaction.atomic():
        locked = _locked_open(meeting)
        if locked.shared_notes == text:
            return locked
        if seen_version is not None and seen_version != locked.notes_version:
            raise NotesConflict(locked.shared_notes)
        locked.shared_notes = text
        locked.notes_version += 1
        locked.save(update_fields=["shared_notes", "notes_version"])
    return locked


def private_note_write(
    *, meeting: OneOnOne, author: User, text: str, seen_version: int | None
) -> PrivateNote:
    """Save the author's own notes on a 1:1 (0: she had none when the form was loaded)."""
    with transaction.atomic():
        locked = _locked_open(meeting)
        note = PrivateNote.objects.select_for_update().filter(meeting=locked, author=author).first()
        if note is None:
            if seen_version not in (None, 0) and text:
                raise NotesConflict("")
            return PrivateNote.objects.create(meeting=locked, author=author, text=text)
        if note.text == text:
            return note
        if seen_version is not None and seen_version != note.version:
            raise NotesConflict(note.text)
        note.text = text
        note.version += 1
        note.save(update_fields=["text", "version", "updated_at"])
    return note


# Feedback requests. Each write locks the request's row (or, to ask, the requester's), so a
# double click or two tabs cannot answer twice, remind twice or exceed the open requests.


class TooManyOpenRequests(Exception):
    """The PM has FeedbackRequest.MAX_OPEN requests waiting for an answer already."""


class FeedbackClosed(Exception):
    """The request was answered, declined, revoked or has expired: it cannot change."""


class AlreadyReminded(Exception):
    """The request's one reminder was sent already."""


def feedback_request_create(
    *,
    requester: User,
    shifts: list[Shift],
    question: str,
    recipient: User | None = None,
    name: str = "",
    email: str = "",
    role: str = "",
) -> FeedbackRequest:
    """Ask a colleague (`recipient`) or an outside person (`name`, `email`) about one to
    three shifts. She is told after the commit: a colleague by a notification, anyone else
    by an email with the link. Raises TooManyOpenRequests past FeedbackRequest.MAX_OPEN."""
    if not 1 <= len(shifts) <= FeedbackRequest.MAX_SHIFTS:
        raise ValueError(f"Ask about one to {FeedbackRequest.MAX_SHIFTS} shifts.")
    if recipient is not None and recipient.pk == requester.pk:
        raise ValueError("Nobody asks herself for feedback.")
    with transaction.atomic():
        # Her own row, locked: two requests at once cannot both pass the count.
        User.objects.select_for_update().filter(pk=requester.pk).first()
        if FeedbackRequest.objects.of(requester).open().count() >= FeedbackRequest.MAX_OPEN:
            raise TooManyOpenRequests
        now = timezone.now()
        request = FeedbackRequest(
            requester=requester,
            recipient=recipient,
            recipient_name="" if recipient else name,
            recipient_email="" if recipient else email,
            recipient_role=role,
            question=question,
            created_at=now,
            expires_at=feedback.expires_at_from(now),
            giver_name=recipient.display_name if recipient else name,
            giver_role=role,
        )
        if recipient is None:
            request.link_nonce = secrets.token_hex(32)
            request.token_hash = feedback.token_hash(feedback.token_for(request))
        request.save()
        FeedbackRequestShift.objects.bulk_create(
            [FeedbackRequestShift(request=request, shift=shift) for shift in shifts]
        )
        _tell_recipient(request)
    return request


def _tell_recipient(request: FeedbackRequest) -> None:
    if request.recipient_id:
        notifications.after_commit(notifications.feedback_requested, request_id=request.pk)
    else:
        transaction.on_commit(partial(tasks.send_feedback_request.enqueue, request.pk), robust=True)


def _locked_request(request: FeedbackRequest) -> FeedbackRequest:
    locked = FeedbackRequest.objects.select_for_update().filter(pk=request.pk).first()
    if locked is None:
        raise FeedbackClosed
    return locked


def _locked_open_request(request: FeedbackRequest) -> FeedbackRequest:
    locked = _locked_request(request)
    if not locked.is_open:
        raise FeedbackClosed
    return locked


def feedback_revoke(*, request: FeedbackRequest) -> FeedbackRequest:
    """The PM withdraws an open request: its link answers 404 from now on."""
    with transaction.atomic():
        locked = _locked_open_request(request)
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
    return locked


def feedback_remind(*, request: FeedbackRequest) -> FeedbackRequest:
    """Send the request's one reminder (the same link, or a new notification)."""
    with transaction.atomic():
        locked = _locked_open_request(request)
        if locked.reminded_at is not None:
            raise AlreadyReminded
        locked.reminded_at = timezone.now()
        locked.save(update_fields=["reminded_at"])
        _tell_recipient(locked)
    return locked


def feedback_answer_save(
    *, request: FeedbackRequest, data: dict[str, Any], send: bool
) -> FeedbackRequest:
    """Save the giver's answer; `send` makes it final (the link is used up) and tells the
    PM after the commit. Raises FeedbackClosed once it was sent, declined, revoked or expired."""
    with transaction.atomic():
        locked = _locked_open_request(request)
        for name in ("example", "frequency", "giver_name", "giver_role"):
            setattr(locked, name, data[name])
        fields = ["example", "frequency", "giver_name", "giver_role"]
        if send:
            locked.answered_at = timezone.now()
            fields.append("answered_at")
            notifications.after_commit(notifications.feedback_received, request_id=locked.pk)
        locked.save(update_fields=fields)
    return locked


def feedback_decline(*, request: FeedbackRequest) -> FeedbackRequest:
    """The person asked says no; whatever she had drafted is dropped."""
    with transaction.atomic():
        locked = _locked_open_request(request)
        locked.declined_at = timezone.now()
        locked.example = locked.frequency = locked.giver_role = ""
        locked.save(update_fields=["declined_at", "example", "frequency", "giver_role"])
    return locked


def feedback_share(*, request: FeedbackRequest, shared: bool) -> FeedbackRequest:
    """The PM shares an answer with her manager, or takes it back."""
    with transaction.atomic():
        locked = _locked_request(request)
        if locked.answered_at is None:
            raise FeedbackClosed
        if shared != locked.is_shared:
            locked.shared_at = timezone.now() if shared else None
            locked.save(update_fields=["shared_at"])
    return locked


def feedback_attest(*, request: FeedbackRequest, shift: Shift | None) -> FeedbackRequest:
    """Attach an answer to one of the shifts it was asked about, as an attestation in the
    PM's packet (None takes it off)."""
    with transaction.atomic():
        locked = _locked_request(request)
        if locked.answered_at is None:
            raise FeedbackClosed
        if shift is not None and not locked.shift_links.filter(shift=shift).exists():
            raise ValueError("An attestation confirms a shift the request asked about.")
        locked.attested_shift = shift
        locked.save(update_fields=["attested_shift"])
    return locked
