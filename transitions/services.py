"""Writes that span models, each in one transaction."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Model, QuerySet
from django.utils import timezone

from leadership import security_log
from leadership.models import User
from transitions import content, framework_file
from transitions.models import (
    Area,
    CheckIn,
    Evidence,
    Focus,
    Framework,
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
                area = Area.objects.create(
                    framework=framework,
                    slug=area_data["slug"],
                    title=area_data["title"],
                    summary=area_data.get("summary", ""),
                    order=top + 1,
                )
                existing_areas[area.slug] = area
                report.created.append(f"area {area.slug}")
            elif _update_fields(
                area, {"title": area_data["title"], "summary": area_data.get("summary", "")}
            ):
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
        for name in _EVIDENCE_FIELDS:
            setattr(current, name, data[name])
        current.version += 1
        current.save()
        current.shifts.set(data["shifts"])
    return current


def evidence_set_visibility(*, evidence: Evidence, visibility: str) -> Evidence:
    """Share or unshare evidence; it counts as an edit, so open forms learn of it."""
    Evidence.objects.filter(pk=evidence.pk).exclude(visibility=visibility).update(
        visibility=visibility, version=F("version") + 1, updated_at=timezone.now()
    )
    evidence.refresh_from_db(fields=["visibility", "version", "updated_at"])
    return evidence


class CheckInClosed(Exception):
    """The check-in was submitted: it is history now and cannot change."""


class CheckInIncomplete(Exception):
    """Some active shifts have no rating yet."""

    def __init__(self, missing: list[Shift]) -> None:
        super().__init__(f"{len(missing)} shift(s) not rated yet.")
        self.missing = missing


class TooMuchFocus(Exception):
    """A person works on at most Focus.MAX_ACTIVE shifts at once."""


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


def rating_save(
    *, checkin: CheckIn, shift: Shift, revision: ShiftRevision, changes: dict[str, Any]
) -> Rating:
    """Save one shift's level and/or note in a draft (an upsert: one row per shift).

    `changes` holds "level" and/or "note"; what it leaves out stays as it was.
    """
    if revision.shift_id != shift.pk:
        raise ValueError("The wording does not belong to this shift.")
    with transaction.atomic():
        locked = CheckIn.objects.select_for_update().get(pk=checkin.pk)
        if not locked.is_draft:
            raise CheckInClosed
        rating, _ = Rating.objects.update_or_create(
            checkin=locked, shift=shift, defaults={"revision": revision, **changes}
        )
        CheckIn.objects.filter(pk=locked.pk).update(updated_at=timezone.now())
    return rating


def checkin_submit(*, checkin: CheckIn) -> CheckIn:
    """Submit a draft once every active shift is rated; from then on it is immutable."""
    with transaction.atomic():
        locked = CheckIn.objects.select_for_update().get(pk=checkin.pk)
        if not locked.is_draft:
            raise CheckInClosed
        active = list(Shift.objects.of_framework(locked.framework).active().in_order())
        rated = set(locked.ratings.filter(level__isnull=False).values_list("shift_id", flat=True))
        missing = [shift for shift in active if shift.pk not in rated]
        if missing:
            raise CheckInIncomplete(missing)
        # Shifts retired while the draft was open are no longer part of the check-in.
        locked.ratings.exclude(shift__in=active).delete()
        locked.status = CheckIn.Status.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.save(update_fields=["status", "submitted_at", "updated_at"])
    return locked


def checkin_discard(*, checkin: CheckIn) -> None:
    with transaction.atomic():
        locked = CheckIn.objects.select_for_update().get(pk=checkin.pk)
        if not locked.is_draft:
            raise CheckInClosed
        locked.delete()


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


def focus_clear(*, focus: Focus) -> None:
    Focus.objects.filter(pk=focus.pk, cleared_at__isnull=True).update(cleared_at=timezone.now())


class ReviewClosed(Exception):
    """The review was completed: it is a dated snapshot now and cannot change."""


class ReviewIncomplete(Exception):
    """Some shifts are unrated, or the summary is missing."""

    def __init__(self, missing: list[Shift], needs_summary: bool) -> None:
        super().__init__("The review is not complete.")
        self.missing = missing
        self.needs_summary = needs_summary


def review_start(*, person: User, manager: User, framework: Framework) -> tuple[Review, bool]:
    """Resume the manager's open review of `person`, or start one prefilled from her last
    completed review of that person. Returns the review and whether it is new."""
    draft = Review.objects.drafts().filter(person=person, manager=manager).first()
    if draft is not None:
        return draft, False
    last = (
        Review.objects.completed()
        .filter(person=person, manager=manager, framework=framework)
        .order_by("-completed_at")
        .first()
    )
    try:
        with transaction.atomic():
            review = Review.objects.create(
                person=person,
                manager=manager,
                framework=framework,
                summary=last.summary if last else "",
                agreed_focus=last.agreed_focus if last else "",
            )
            if last is not None:
                active = Shift.objects.of_framework(framework).active()
                ReviewRating.objects.bulk_create(
                    ReviewRating(
                        review=review,
                        shift_id=old.shift_id,
                        revision_id=old.revision_id,
                        level=old.level,
                        comment=old.comment,
                    )
                    for old in last.ratings.filter(shift__in=active)
                )
    except IntegrityError:
        return Review.objects.drafts().get(person=person, manager=manager), False
    return review, True


def _locked_draft(review: Review) -> Review:
    locked = Review.objects.select_for_update().get(pk=review.pk)
    if not locked.is_draft:
        raise ReviewClosed
    return locked


def review_rate(
    *, review: Review, shift: Shift, revision: ShiftRevision, changes: dict[str, Any]
) -> ReviewRating:
    """Save the manager's level and/or comment for one shift (an upsert)."""
    if revision.shift_id != shift.pk:
        raise ValueError("The wording does not belong to this shift.")
    with transaction.atomic():
        locked = _locked_draft(review)
        rating, _ = ReviewRating.objects.update_or_create(
            review=locked, shift=shift, defaults={"revision": revision, **changes}
        )
        Review.objects.filter(pk=locked.pk).update(updated_at=timezone.now())
    return rating


def review_write(*, review: Review, summary: str, agreed_focus: str) -> None:
    with transaction.atomic():
        locked = _locked_draft(review)
        locked.summary, locked.agreed_focus = summary, agreed_focus
        locked.save(update_fields=["summary", "agreed_focus", "updated_at"])


def review_complete(*, review: Review) -> Review:
    """Complete a review once every active shift is rated and there is a summary."""
    with transaction.atomic():
        locked = _locked_draft(review)
        active = list(Shift.objects.of_framework(locked.framework).active().in_order())
        rated = set(locked.ratings.filter(level__isnull=False).values_list("shift_id", flat=True))
        missing = [shift for shift in active if shift.pk not in rated]
        if missing or not locked.summary.strip():
            raise ReviewIncomplete(missing, needs_summary=not locked.summary.strip())
        locked.ratings.exclude(shift__in=active).delete()
        locked.status = Review.Status.COMPLETED
        locked.completed_at = timezone.now()
        locked.save(update_fields=["status", "completed_at", "updated_at"])
    return locked


def review_discard(*, review: Review) -> None:
    with transaction.atomic():
        _locked_draft(review).delete()


def account_delete(*, user: User) -> None:
    """Delete a person and everything that is hers: check-ins, evidence, focus, the reviews
    of her, the reviews she had not finished, her sessions and sign-in records. Her reports
    are left without a manager; reviews she completed of others stay in their history, and
    the admin log keeps changes to her account, both without her name."""
    from leadership.erasure import erase_traces

    with transaction.atomic():
        User.objects.filter(manager=user).update(manager=None)
        Review.objects.drafts().filter(manager=user).delete()
        erase_traces(user)
        user_id, username = user.pk, user.username
        user.delete()
    security_log.account_deleted(user_id, username)


class AccountImportError(ValueError):
    """The file cannot be imported; the message says why."""


def account_import(data: dict[str, Any]) -> User:
    """Restore an account from its export into this installation, matching shifts by slug.

    The person gets no usable password: she sets one through "forgot password".
    """
    if not isinstance(data, dict) or data.get("format") != 1:
        raise AccountImportError("This is not an account export (format 1).")
    person = data.get("user") or {}
    username = person.get("username")
    if not username or User.objects.filter(username=username).exists():
        raise AccountImportError(
            f"A user {username!r} already exists here (or the name is missing)."
        )
    frameworks = {f.slug: f for f in Framework.objects.all()}
    shifts = {
        (s.area.framework.slug, s.slug): s
        for s in Shift.objects.select_related("area__framework").with_current_revision()
    }
    revisions = {
        (r.shift_id, r.number): r.pk for r in ShiftRevision.objects.only("pk", "shift_id", "number")
    }

    def shift_of(framework: str, slug: str) -> Shift:
        shift = shifts.get((framework, slug))
        if shift is None:
            raise AccountImportError(f"The shift {slug!r} of {framework!r} does not exist here.")
        return shift

    default = Framework.objects.default()
    with transaction.atomic():
        user = User(
            username=username,
            first_name=person.get("first_name", ""),
            last_name=person.get("last_name", ""),
            email=person.get("email", ""),
            checkin_interval_days=person.get("checkin_interval_days", 30),
            manager=User.objects.filter(username=person.get("manager") or "").first(),
        )
        user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        for entry in data.get("checkins", []):
            framework = frameworks.get(entry["framework"])
            if framework is None:
                raise AccountImportError(
                    f"The framework {entry['framework']!r} does not exist here."
                )
            checkin = CheckIn.objects.create(
                person=user,
                framework=framework,
                status=entry["status"],
                submitted_at=entry["submitted_at"],
            )
            CheckIn.objects.filter(pk=checkin.pk).update(created_at=entry["created_at"])
            rows = []
            for rating in entry["ratings"]:
                shift = shift_of(framework.slug, rating["shift"])
                revision = revisions.get((shift.pk, rating["revision"]), shift.current_revision_id)
                rows.append(
                    Rating(
                        checkin=checkin,
                        shift=shift,
                        revision_id=revision,
                        level=rating["level"],
                        note=rating["note"],
                    )
                )
            Rating.objects.bulk_create(rows)
        framework_slug = (Framework.objects.followed_by(user) or default).slug
        for entry in data.get("evidence", []):
            linked = [shift_of(framework_slug, slug) for slug in entry["shifts"]]
            evidence = Evidence.objects.create(
                author=user,
                happened_on=entry["happened_on"],
                title=entry["title"],
                body=entry["body"],
                link=entry["link"],
                visibility=entry["visibility"],
            )
            evidence.shifts.set(linked)
            Evidence.objects.filter(pk=evidence.pk).update(created_at=entry["created_at"])
        for entry in data.get("focus", []):
            focus = Focus.objects.create(
                person=user,
                shift=shift_of(framework_slug, entry["shift"]),
                next_step=entry["next_step"],
                cleared_at=entry["cleared_at"],
            )
            Focus.objects.filter(pk=focus.pk).update(set_at=entry["set_at"])
        for entry in data.get("reviews_received", []):
            framework = frameworks[entry["framework"]]
            review = Review.objects.create(
                person=user,
                manager=User.objects.filter(username=entry.get("manager") or "").first(),
                framework=framework,
                status=Review.Status.COMPLETED,
                completed_at=entry["completed_at"],
                summary=entry["summary"],
                agreed_focus=entry["agreed_focus"],
            )
            ReviewRating.objects.bulk_create(
                ReviewRating(
                    review=review,
                    shift=(shift := shift_of(framework.slug, rating["shift"])),
                    revision_id=shift.current_revision_id,
                    level=rating["level"],
                    comment=rating["comment"],
                )
                for rating in entry["ratings"]
            )
    return user
