from __future__ import annotations

import re
from functools import reduce
from operator import or_

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections, models
from django.db.models import Exists, OuterRef, Q
from django.db.models.lookups import Exact
from django.utils import timezone


class FrameworkQuerySet(models.QuerySet["Framework"]):
    def default(self) -> Framework | None:
        return self.filter(is_default=True).first()

    def followed_by(self, user: AbstractBaseUser) -> Framework | None:
        """The framework a person follows: her own if an admin set one, else the default."""
        framework_id = getattr(user, "framework_id", None)
        if framework_id is not None:
            return self.filter(pk=framework_id).first()
        return self.default()


class Framework(models.Model):
    """A named set of areas and shifts that people assess themselves against."""

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(
        blank=True,
        help_text="The framing shown above the areas (plain text, blank lines split paragraphs).",
    )
    source_title = models.CharField(max_length=200, blank=True)
    source_url = models.URLField(blank=True)
    is_default = models.BooleanField(
        "default framework",
        default=False,
        help_text="People without a framework of their own follow the default one.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FrameworkQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="framework_single_default",
                violation_error_message="Only one framework can be the default.",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class AreaQuerySet(models.QuerySet["Area"]):
    def active(self) -> AreaQuerySet:
        return self.filter(retired_at__isnull=True)


class Area(models.Model):
    """One of a framework's areas, e.g. "Lead People and Processes"."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="areas")
    slug = models.SlugField(max_length=80)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    retired_at = models.DateTimeField(
        null=True, blank=True, help_text="Retired areas are hidden from new check-ins."
    )

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "slug"], name="area_unique_slug_in_framework"
            ),
            models.UniqueConstraint(
                fields=["framework", "order"], name="area_unique_order_in_framework"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class AreaRevision(models.Model):
    """An area's title as it stood from `created_at` until the next revision, so a past
    rating is shown under the heading it was made under."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["area", "-number"]
        get_latest_by = "number"
        constraints = [
            models.UniqueConstraint(fields=["area", "number"], name="area_revision_unique_number"),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="area_revision_number_positive"
            ),
        ]
        indexes = [models.Index(fields=["area", "created_at"], name="area_revision_by_time")]

    def __str__(self) -> str:
        return f"Revision {self.number} of area {self.area_id}"


class ShiftQuerySet(models.QuerySet["Shift"]):
    def active(self) -> ShiftQuerySet:
        """Shifts offered in new check-ins: neither the shift nor its area is retired."""
        return self.filter(retired_at__isnull=True, area__retired_at__isnull=True)

    def of_framework(self, framework: Framework) -> ShiftQuerySet:
        return self.filter(area__framework=framework)

    def in_order(self) -> ShiftQuerySet:
        return self.select_related("area").order_by("area__order", "order")

    def with_current_revision(self) -> ShiftQuerySet:
        """Annotate `current_revision_id` and `current_revision_number`: the revision holding
        today's wording."""
        latest = ShiftRevision.objects.filter(shift=models.OuterRef("pk")).order_by("-number")
        return self.annotate(
            current_revision_id=models.Subquery(latest.values("pk")[:1]),
            current_revision_number=models.Subquery(latest.values("number")[:1]),
        )


class Shift(models.Model):
    """One "From … → To …" pair.

    `from_text` and `to_text` are the current wording; every wording ever shown lives in
    `ShiftRevision`, so a rating can point at the exact text the person saw.
    """

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="shifts")
    slug = models.SlugField(
        max_length=80,
        help_text="Stable identifier used in links and imports. Unique per framework.",
    )
    order = models.PositiveSmallIntegerField(default=0)
    from_text = models.CharField("from", max_length=300)
    to_text = models.CharField("to", max_length=300)
    guidance = models.TextField(
        blank=True,
        help_text="What good looks like, questions to reflect on (plain text).",
    )
    retired_at = models.DateTimeField(
        null=True, blank=True, help_text="Retired shifts are hidden from new check-ins."
    )

    objects = ShiftQuerySet.as_manager()

    class Meta:
        ordering = ["area__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["area", "slug"], name="shift_unique_slug_in_area"),
            models.UniqueConstraint(fields=["area", "order"], name="shift_unique_order_in_area"),
            models.CheckConstraint(
                condition=~Q(from_text="") & ~Q(to_text=""), name="shift_has_wording"
            ),
        ]

    def __str__(self) -> str:
        return f"From {self.from_text} → To {self.to_text}"

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class ShiftRevision(models.Model):
    """The wording of a shift as it stood from `created_at` until the next revision."""

    class Kind(models.TextChoices):
        INITIAL = "initial", "First wording"
        WORDING_FIX = "wording_fix", "Wording fix (same meaning)"
        MEANING_CHANGE = "meaning_change", "Change of meaning"

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    from_text = models.CharField("from", max_length=300)
    to_text = models.CharField("to", max_length=300)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["shift", "-number"]
        get_latest_by = "number"
        constraints = [
            models.UniqueConstraint(fields=["shift", "number"], name="revision_unique_number"),
            models.CheckConstraint(
                condition=Q(kind__in=["initial", "wording_fix", "meaning_change"]),
                name="revision_kind_valid",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="revision_number_positive"),
        ]

    def __str__(self) -> str:
        return f"Revision {self.number} of {self.shift.slug}"


class EvidenceQuerySet(models.QuerySet["Evidence"]):
    def by(self, author: AbstractBaseUser) -> EvidenceQuerySet:
        return self.filter(author=author)

    def shared(self) -> EvidenceQuerySet:
        return self.filter(visibility=Evidence.Visibility.SHARED)

    def newest_first(self) -> EvidenceQuerySet:
        return self.order_by("-happened_on", "-created_at", "-pk")

    def with_shifts(self) -> EvidenceQuerySet:
        """Prefetch the linked shifts (with their areas) in one query for any number of rows."""
        return self.prefetch_related(
            models.Prefetch(
                "shifts",
                queryset=Shift.objects.select_related("area").order_by("area__order", "order"),
            )
        )

    def search(self, text: str) -> EvidenceQuerySet:
        """Entries where every word of `text` is found, in any order, in the title, the body
        or the wording (from or to) of a linked shift.

        On PostgreSQL by full-text search: English stems ("promotion" finds "promoted"),
        stop words ignored, title and body through the GIN index of migration 0009, and
        ordered by relevance (a title match above a body match), then newest. Elsewhere each
        word is a case-insensitive substring and the order is left as it was.
        """
        words = _search_words(text)
        if not words:
            return self
        if connections[self.db].vendor != "postgresql":
            matched = self
            for word in words:
                in_shifts = EvidenceShift.objects.filter(
                    Q(shift__from_text__icontains=word) | Q(shift__to_text__icontains=word),
                    evidence=OuterRef("pk"),
                )
                matched = matched.filter(
                    Q(title__icontains=word) | Q(body__icontains=word) | Q(Exists(in_shifts))
                )
            return matched
        queries = [
            SearchQuery(word, config=SEARCH_CONFIG, search_type="websearch") for word in words
        ]
        matched = self
        for query in queries:
            in_text = self.alias(search_vector=EVIDENCE_SEARCH_VECTOR).filter(search_vector=query)
            in_shifts = (
                EvidenceShift.objects.filter(evidence=OuterRef("pk"))
                .alias(search_vector=SHIFT_SEARCH_VECTOR)
                .filter(search_vector=query)
            )
            # A stop word ("the", "to") has no lexeme: it is ignored rather than matching nothing.
            stop_word = Exact(models.Func(query, function="numnode"), 0)
            matched = matched.filter(
                Q(pk__in=in_text.values("pk")) | Q(Exists(in_shifts)) | Q(stop_word)
            )
        rank = SearchRank(EVIDENCE_SEARCH_VECTOR, reduce(or_, queries))
        return matched.annotate(search_rank=rank).order_by(
            "-search_rank", "-happened_on", "-created_at", "-pk"
        )


def _search_words(text: str) -> list[str]:
    """The words of a search, without punctuation or operators: "Jonas's 30-60-90 plan!"
    gives ["Jonas's", "30-60-90", "plan"]."""
    return re.findall(r"\w+(?:[-'\u2019]\w+)*", text)  # \u2019: a typographic apostrophe


# The text search on PostgreSQL. Migration 0009 indexes exactly this expression (keep them
# the same, or the index is no longer used); the title weighs more than the body in ranking.
SEARCH_CONFIG = "english"
EVIDENCE_SEARCH_VECTOR = SearchVector("title", weight="A", config=SEARCH_CONFIG) + SearchVector(
    "body", weight="B", config=SEARCH_CONFIG
)
SHIFT_SEARCH_VECTOR = SearchVector("shift__from_text", "shift__to_text", config=SEARCH_CONFIG)


class Evidence(models.Model):
    """A dated example of the PM living a shift, private or shared with her manager."""

    class Visibility(models.TextChoices):
        PRIVATE = "private", "Private — only me"
        SHARED = "shared", "Shared with my manager"

    TITLE_MAX = 200
    BODY_MAX = 5000

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="evidence"
    )
    happened_on = models.DateField("date it happened")
    title = models.CharField(max_length=TITLE_MAX)
    body = models.TextField("what happened", max_length=BODY_MAX, blank=True)
    link = models.URLField(max_length=500, blank=True)
    shifts = models.ManyToManyField(Shift, through="EvidenceShift", related_name="evidence")
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    submission_key = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "evidence"
        ordering = ["-happened_on", "-created_at"]
        indexes = [
            models.Index(fields=["author", "-happened_on"], name="evidence_author_date"),
            models.Index(
                fields=["author", "visibility", "-happened_on"], name="evidence_author_vis"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(visibility__in=["private", "shared"]), name="evidence_visibility_valid"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="evidence_has_title"),
            models.CheckConstraint(
                condition=Q(link="")
                | Q(link__startswith="http://")
                | Q(link__startswith="https://"),
                name="evidence_link_is_http",
            ),
            models.UniqueConstraint(
                fields=["author", "submission_key"], name="evidence_unique_submission"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_shared(self) -> bool:
        return self.visibility == self.Visibility.SHARED


class EvidenceShift(models.Model):
    """Links evidence to a shift. A shift with evidence is protected from deletion."""

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="shift_links")
    shift = models.ForeignKey(Shift, on_delete=models.PROTECT, related_name="evidence_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["evidence", "shift"], name="evidence_shift_unique"),
        ]
        indexes = [models.Index(fields=["shift", "evidence"], name="evidence_shift_by_shift")]

    def __str__(self) -> str:
        return f"{self.evidence_id} → {self.shift_id}"


class Level(models.IntegerChoices):
    """The five steps between a shift's "from" and its "to"."""

    MOSTLY_FROM = 1, "Mostly “from”"
    EXPLORING = 2, "Exploring"
    PRACTISING = 3, "Practising"
    CONSISTENT = 4, "Consistent"
    ROLE_MODEL = 5, "Role model"

    @property
    def description(self) -> str:
        return LEVEL_DESCRIPTIONS[self.value]


LEVEL_DESCRIPTIONS = {
    1: "I still mostly work the “from” way.",
    2: "I have tried the “to” a few times, with mixed results.",
    3: "I do the “to” regularly, but not yet by default.",
    4: "The “to” is how I work now, week in, week out.",
    5: "I do the “to” and help others do it.",
}


class CheckInQuerySet(models.QuerySet["CheckIn"]):
    def of(self, person: AbstractBaseUser) -> CheckInQuerySet:
        return self.filter(person=person)

    def submitted(self) -> CheckInQuerySet:
        return self.filter(status=CheckIn.Status.SUBMITTED)

    def drafts(self) -> CheckInQuerySet:
        return self.filter(status=CheckIn.Status.DRAFT)


class CheckIn(models.Model):
    """One pass over every active shift by one person: a draft until she submits it."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkins"
    )
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="checkins")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    objects = CheckInQuerySet.as_manager()

    class Meta:
        verbose_name = "check-in"
        ordering = ["-submitted_at", "-created_at"]
        indexes = [
            models.Index(
                fields=["person", "status", "-submitted_at"], name="checkin_person_status"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "framework"],
                condition=Q(status="draft"),
                name="checkin_one_open_draft",
                violation_error_message="You already have a check-in in progress.",
            ),
            models.CheckConstraint(
                condition=Q(status="draft", submitted_at__isnull=True)
                | Q(status="submitted", submitted_at__isnull=False),
                name="checkin_submitted_has_date",
            ),
        ]

    def __str__(self) -> str:
        if self.submitted_at:
            return f"Check-in of {self.submitted_at:%-d %b %Y}"
        return "Check-in in progress"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class Rating(models.Model):
    """One shift's level and note in one check-in, against the wording that was on screen."""

    NOTE_MAX = 2000

    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="ratings")
    shift = models.ForeignKey(Shift, on_delete=models.PROTECT, related_name="ratings")
    revision = models.ForeignKey(ShiftRevision, on_delete=models.PROTECT, related_name="ratings")
    level = models.PositiveSmallIntegerField(choices=Level.choices, null=True, blank=True)
    note = models.TextField(max_length=NOTE_MAX, blank=True)
    version = models.PositiveIntegerField(
        default=1, help_text="Moves on every save, so a stale form cannot overwrite it."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["checkin", "shift"], name="rating_one_per_shift"),
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(level__gte=1, level__lte=5),
                name="rating_level_in_scale",
            ),
        ]
        indexes = [models.Index(fields=["shift", "checkin"], name="rating_by_shift")]

    def __str__(self) -> str:
        return f"{self.shift.slug}: {self.level}"


class Focus(models.Model):
    """A shift the person chose to work on next. Cleared focus stays as history."""

    MAX_ACTIVE = 3
    NEXT_STEP_MAX = 300

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="focus"
    )
    shift = models.ForeignKey(Shift, on_delete=models.PROTECT, related_name="focus")
    next_step = models.CharField(max_length=NEXT_STEP_MAX)
    set_at = models.DateTimeField(auto_now_add=True)
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "focus"
        ordering = ["-set_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "shift"],
                condition=Q(cleared_at__isnull=True),
                name="focus_one_active_per_shift",
            ),
            models.CheckConstraint(condition=~Q(next_step=""), name="focus_has_next_step"),
        ]
        indexes = [models.Index(fields=["person", "cleared_at"], name="focus_person_active")]

    def __str__(self) -> str:
        return f"{self.shift.slug}: {self.next_step}"

    @property
    def is_active(self) -> bool:
        return self.cleared_at is None


class ReviewQuerySet(models.QuerySet["Review"]):
    def completed(self) -> ReviewQuerySet:
        return self.filter(status=Review.Status.COMPLETED)

    def drafts(self) -> ReviewQuerySet:
        return self.filter(status=Review.Status.DRAFT)


class Review(models.Model):
    """A manager's rating of one report on every shift, with a summary and agreed focus."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        COMPLETED = "completed", "Completed"

    TEXT_MAX = 5000

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews_received"
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="reviews_written",
    )
    manager_name = models.CharField(
        "manager's name",
        max_length=300,
        blank=True,
        help_text="Only for a review imported from another installation: its manager's name, "
        "as text, since nobody here wrote it.",
    )
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="reviews")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    summary = models.TextField("overall summary", max_length=TEXT_MAX, blank=True)
    agreed_focus = models.TextField(max_length=TEXT_MAX, blank=True)
    text_version = models.PositiveIntegerField(
        default=1, help_text="Moves on every save of the summary or agreed focus."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the person acknowledged the completed review; it is read-only since.",
    )
    response = models.TextField(
        "the person's response",
        max_length=TEXT_MAX,
        blank=True,
        help_text="Her overall answer to the review, given with her acknowledgement.",
    )

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-completed_at", "-created_at"]
        indexes = [
            models.Index(fields=["person", "status", "-completed_at"], name="review_person_status"),
            models.Index(fields=["manager", "status"], name="review_manager_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "manager"],
                condition=Q(status="draft"),
                name="review_one_open_draft",
                violation_error_message="There is already a review in progress.",
            ),
            models.CheckConstraint(
                condition=Q(status="draft", completed_at__isnull=True)
                | Q(status="completed", completed_at__isnull=False),
                name="review_completed_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(person=models.F("manager")), name="review_not_of_oneself"
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True) | Q(status="completed"),
                name="review_acknowledged_only_when_completed",
            ),
            models.CheckConstraint(
                condition=Q(response="") | Q(acknowledged_at__isnull=False),
                name="review_response_only_with_acknowledgement",
            ),
        ]

    def __str__(self) -> str:
        if self.completed_at:
            return f"Review of {self.completed_at:%-d %b %Y}"
        return "Review in progress"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    @property
    def manager_display_name(self) -> str:
        """Who wrote the review: the manager here, or the name an imported review kept."""
        return self.manager.display_name if self.manager_id else self.manager_name


class ReviewRating(models.Model):
    """The manager's level and comment for one shift in one review."""

    COMMENT_MAX = 2000

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="ratings")
    shift = models.ForeignKey(Shift, on_delete=models.PROTECT, related_name="review_ratings")
    revision = models.ForeignKey(
        ShiftRevision, on_delete=models.PROTECT, related_name="review_ratings"
    )
    level = models.PositiveSmallIntegerField(choices=Level.choices, null=True, blank=True)
    comment = models.TextField(max_length=COMMENT_MAX, blank=True)
    response = models.TextField(
        "the person's response",
        max_length=COMMENT_MAX,
        blank=True,
        help_text="Her answer to this shift's rating, given when she acknowledged the review.",
    )
    version = models.PositiveIntegerField(
        default=1, help_text="Moves on every save, so a stale form cannot overwrite it."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "shift"], name="review_rating_one_per_shift"),
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(level__gte=1, level__lte=5),
                name="review_rating_level_in_scale",
            ),
        ]
        indexes = [models.Index(fields=["shift", "review"], name="review_rating_by_shift")]

    def __str__(self) -> str:
        return f"{self.shift.slug}: {self.level}"


class NotificationKind(models.TextChoices):
    """Every event someone may be told about. Defaults per kind are in `notifications.KINDS`."""

    CHECKIN_SUBMITTED = "checkin_submitted", "A report submitted a check-in"
    EVIDENCE_SHARED = "evidence_shared", "A report shared evidence"
    REVIEW_ACKNOWLEDGED = "review_acknowledged", "A report acknowledged a review"
    REVIEW_COMPLETED = "review_completed", "Your manager completed a review"
    ONE_ON_ONE_ITEM_ADDED = "one_on_one_item_added", "A 1:1 agenda item was added"
    ACTION_ITEM_DUE = "action_item_due", "An action item is due"
    CHECKIN_DUE = "checkin_due", "Your check-in is due"
    FEEDBACK_REQUESTED = "feedback_requested", "A colleague asked for your feedback"
    FEEDBACK_RECEIVED = "feedback_received", "Feedback you asked for arrived"


class EmailChoice(models.TextChoices):
    IMMEDIATELY = "immediately", "Immediately"
    DIGEST = "digest", "In a daily digest"
    NEVER = "never", "Never"


class NotificationQuerySet(models.QuerySet["Notification"]):
    def for_recipient(self, user: AbstractBaseUser) -> NotificationQuerySet:
        return self.filter(recipient=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def digest_pending(self) -> NotificationQuerySet:
        """Told by digest and not yet emailed: what happened since the last digest."""
        return self.filter(email=EmailChoice.DIGEST, emailed_at__isnull=True)


class Notification(models.Model):
    """An event told to one person. Its text is built without private content, and its link
    goes through the target page's own access check, so it reveals nothing its recipient may
    not see (if she loses access, the link answers 404)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40, choices=NotificationKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    target_type = models.ForeignKey(
        "contenttypes.ContentType", null=True, blank=True, on_delete=models.CASCADE
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    email = models.CharField(
        max_length=12,
        choices=EmailChoice.choices,
        help_text="How it is emailed, from the recipient's preference when it was created.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(
        null=True, blank=True, help_text="When it left by email, alone or in a digest: sent once."
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_type__isnull=True, target_id__isnull=True)
                | Q(target_type__isnull=False, target_id__isnull=False),
                name="notification_target_whole",
            ),
            models.CheckConstraint(
                condition=Q(emailed_at__isnull=True) | ~Q(email=EmailChoice.NEVER),
                name="notification_never_emailed_when_never",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"


class NotificationPreference(models.Model):
    """One person's choice for one kind; without a row, the kind's default applies."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=40, choices=NotificationKind.choices)
    enabled = models.BooleanField(default=True)
    email = models.CharField(max_length=12, choices=EmailChoice.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "kind"], name="notification_preference_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.email}"


# 1:1s: a running agenda shared by a PM and her manager, one meeting at a time.


class OneOnOneQuerySet(models.QuerySet["OneOnOne"]):
    def of_pair(self, *, manager: AbstractBaseUser, person: AbstractBaseUser) -> OneOnOneQuerySet:
        return self.filter(manager=manager, person=person)

    def open(self) -> OneOnOneQuerySet:
        return self.filter(closed_at__isnull=True)


class OneOnOne(models.Model):
    """One meeting of a PM and her manager: open until the next one is started, then a dated,
    read-only record."""

    NOTES_MAX = 10000

    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="one_on_ones_led"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="one_on_ones"
    )
    started_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    shared_notes = models.TextField(max_length=NOTES_MAX, blank=True)
    notes_version = models.PositiveIntegerField(
        default=1, help_text="Moves on every save, so a stale form cannot overwrite the notes."
    )

    objects = OneOnOneQuerySet.as_manager()

    class Meta:
        verbose_name = "1:1"
        ordering = ["-started_at", "-pk"]
        indexes = [
            models.Index(fields=["manager", "person", "-started_at"], name="one_on_one_pair"),
            models.Index(fields=["person", "-started_at"], name="one_on_one_person"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["manager", "person"],
                condition=Q(closed_at__isnull=True),
                name="one_on_one_one_open_per_pair",
            ),
            models.CheckConstraint(
                condition=~Q(person=models.F("manager")), name="one_on_one_not_with_oneself"
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(closed_at__gte=models.F("started_at")),
                name="one_on_one_closed_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"1:1 of {self.started_at:%-d %b %Y}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class AgendaItem(models.Model):
    """A talking point on a 1:1's agenda: written by either person, or a suggestion added."""

    TEXT_MAX = 300

    meeting = models.ForeignKey(OneOnOne, on_delete=models.CASCADE, related_name="items")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.CharField(max_length=TEXT_MAX)
    shift = models.ForeignKey(
        Shift, null=True, blank=True, on_delete=models.PROTECT, related_name="agenda_items"
    )
    order = models.PositiveIntegerField()
    done = models.BooleanField(default=False)
    suggestion = models.CharField(
        max_length=100, blank=True, help_text="The key of the suggestion it was added from."
    )
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "order"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "order"], name="agenda_item_unique_order"),
            models.UniqueConstraint(
                fields=["meeting", "suggestion"],
                condition=~Q(suggestion=""),
                name="agenda_item_suggestion_once",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="agenda_item_has_text"),
        ]

    def __str__(self) -> str:
        return self.text


class DismissedSuggestion(models.Model):
    """A suggested talking point one of the pair dismissed for this meeting."""

    meeting = models.ForeignKey(OneOnOne, on_delete=models.CASCADE, related_name="dismissed")
    key = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "key"], name="dismissed_suggestion_once"),
        ]

    def __str__(self) -> str:
        return self.key


class ActionItem(models.Model):
    """Something one of the pair will do by a date; open ones carry over to the next 1:1."""

    TEXT_MAX = 300

    meeting = models.ForeignKey(OneOnOne, on_delete=models.CASCADE, related_name="actions")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="action_items"
    )
    text = models.CharField(max_length=TEXT_MAX)
    due_on = models.DateField()
    shift = models.ForeignKey(
        Shift, null=True, blank=True, on_delete=models.PROTECT, related_name="action_items"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When its owner was told it is due."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="action_item_has_text"),
        ]
        indexes = [models.Index(fields=["meeting", "done_at"], name="action_item_meeting")]

    def __str__(self) -> str:
        return self.text

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class PrivateNote(models.Model):
    """One person's own notes on a 1:1, never shown to the other."""

    TEXT_MAX = 10000

    meeting = models.ForeignKey(OneOnOne, on_delete=models.CASCADE, related_name="private_notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="private_one_on_one_notes"
    )
    text = models.TextField(max_length=TEXT_MAX, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "author"], name="private_note_one_each"),
        ]

    def __str__(self) -> str:
        return f"Private note {self.pk}"


# Feedback requests: a PM asks a colleague (with an account) or anyone by email (through a
# signed link) about one to three shifts; the answer is hers, private until she shares it.


class FeedbackRequestQuerySet(models.QuerySet["FeedbackRequest"]):
    def of(self, requester: AbstractBaseUser) -> FeedbackRequestQuerySet:
        return self.filter(requester=requester)

    def open(self) -> FeedbackRequestQuerySet:
        """Waiting for an answer: not answered, declined, revoked nor expired."""
        return self.filter(
            answered_at__isnull=True,
            declined_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )

    def answered(self) -> FeedbackRequestQuerySet:
        return self.filter(answered_at__isnull=False)

    def shared(self) -> FeedbackRequestQuerySet:
        """Answers the PM shared with her manager."""
        return self.filter(answered_at__isnull=False, shared_at__isnull=False)


class FeedbackRequest(models.Model):
    """One question about one to three shifts, to one person, and that person's answer.

    The recipient is a colleague with an account (`recipient`), or an outside person
    (`recipient_name`, `recipient_email`) who answers through a link whose token is kept
    only as its SHA-256 (`token_hash`). The answer is editable until it is sent; sent,
    declined, revoked or expired, the request is closed for good."""

    class Frequency(models.TextChoices):
        NEVER = "never", "Never"
        SOMETIMES = "sometimes", "Sometimes"
        OFTEN = "often", "Often"
        CONSISTENTLY = "consistently", "Consistently"

    MAX_SHIFTS = 3
    MAX_OPEN = 10
    LIFETIME_DAYS = 30
    QUESTION_MAX = 1000
    EXAMPLE_MAX = 5000
    NAME_MAX = 150
    ROLE_MAX = 150

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feedback_requests"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="feedback_asked",
        help_text="A colleague with an account; empty for an outside person asked by email.",
    )
    recipient_name = models.CharField(max_length=NAME_MAX, blank=True)
    recipient_email = models.EmailField(blank=True)
    recipient_role = models.CharField("role or title", max_length=ROLE_MAX, blank=True)
    shifts = models.ManyToManyField(
        Shift, through="FeedbackRequestShift", related_name="feedback_requests"
    )
    question = models.TextField(max_length=QUESTION_MAX)
    token_hash = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="SHA-256 of the link's token (the token itself is never stored).",
    )
    link_nonce = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="Random; with the secret key it makes the link's token.",
    )
    emails_sent = models.PositiveSmallIntegerField(
        default=0, editable=False, help_text="The request's email, then its one reminder."
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    # The answer: a draft until `answered_at`.
    example = models.TextField("a concrete example", max_length=EXAMPLE_MAX, blank=True)
    frequency = models.CharField(max_length=12, choices=Frequency.choices, blank=True)
    giver_name = models.CharField("your name", max_length=NAME_MAX, blank=True)
    giver_role = models.CharField("your role or title", max_length=ROLE_MAX, blank=True)
    # What the PM does with the answer.
    shared_at = models.DateTimeField(
        null=True, blank=True, help_text="When she shared the answer with her manager."
    )
    attested_shift = models.ForeignKey(
        Shift,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attestations",
        help_text="The shift the answer confirms in her packet.",
    )

    objects = FeedbackRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["requester", "-created_at"], name="feedback_by_requester"),
            models.Index(fields=["recipient", "-created_at"], name="feedback_by_recipient"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["token_hash"], condition=~Q(token_hash=""), name="feedback_token_unique"
            ),
            models.CheckConstraint(
                condition=Q(
                    recipient__isnull=False,
                    recipient_email="",
                    token_hash="",
                    link_nonce="",
                )
                | (
                    Q(recipient__isnull=True)
                    & ~Q(recipient_email="")
                    & ~Q(recipient_name="")
                    & ~Q(token_hash="")
                    & ~Q(link_nonce="")
                ),
                name="feedback_one_kind_of_recipient",
            ),
            models.CheckConstraint(
                condition=~Q(recipient=models.F("requester")), name="feedback_not_to_oneself"
            ),
            models.CheckConstraint(condition=~Q(question=""), name="feedback_has_question"),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="feedback_expires_after_creation",
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | Q(declined_at__isnull=True),
                name="feedback_answered_or_declined",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True)
                | Q(answered_at__isnull=True, declined_at__isnull=True),
                name="feedback_revoked_only_when_open",
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | (~Q(example="") & ~Q(giver_name="")),
                name="feedback_answer_whole",
            ),
            models.CheckConstraint(
                condition=Q(declined_at__isnull=True) | Q(example="", frequency="", giver_role=""),
                name="feedback_declined_keeps_nothing",
            ),
            models.CheckConstraint(
                condition=Q(frequency__in=["", "never", "sometimes", "often", "consistently"]),
                name="feedback_frequency_valid",
            ),
            models.CheckConstraint(
                condition=Q(shared_at__isnull=True, attested_shift__isnull=True)
                | Q(answered_at__isnull=False),
                name="feedback_shared_or_attested_only_answered",
            ),
            models.CheckConstraint(
                condition=Q(reminded_at__isnull=True) | Q(reminded_at__gte=models.F("created_at")),
                name="feedback_reminded_after_creation",
            ),
            models.CheckConstraint(
                condition=Q(emails_sent__lte=2), name="feedback_at_most_one_reminder_email"
            ),
        ]

    def __str__(self) -> str:
        return f"Feedback request {self.pk}"

    @property
    def recipient_display(self) -> str:
        if self.recipient_id:
            return self.recipient.display_name
        return self.recipient_name

    @property
    def status(self) -> str:
        if self.answered_at:
            return "answered"
        if self.declined_at:
            return "declined"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "waiting"

    @property
    def is_open(self) -> bool:
        return self.status == "waiting"

    @property
    def is_shared(self) -> bool:
        return self.shared_at is not None

    @property
    def attribution(self) -> str:
        """ "Jane Doe, VP Sales, 12 Mar 2026": who confirmed it, as the packet says."""
        parts = [self.giver_name, self.giver_role]
        if self.answered_at:
            parts.append(f"{timezone.localtime(self.answered_at):%-d %b %Y}")
        return ", ".join(part for part in parts if part)


class FeedbackRequestShift(models.Model):
    """A shift a request asks about (one to three, checked when the request is made)."""

    request = models.ForeignKey(
        FeedbackRequest, on_delete=models.CASCADE, related_name="shift_links"
    )
    shift = models.ForeignKey(Shift, on_delete=models.PROTECT, related_name="feedback_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "shift"], name="feedback_shift_unique"),
        ]
        indexes = [models.Index(fields=["shift", "request"], name="feedback_shift_by_shift")]

    def __str__(self) -> str:
        return f"{self.request_id} → {self.shift_id}"


class PersonVersion(models.Model):
    """A token that changes whenever anything shown about the person is written, in the same
    transaction as the write: database triggers set it (transitions/versions.py), the app only
    reads it. Page caches are keyed by these tokens, never by time."""

    # No foreign key in the database (on PostgreSQL, migration 0022): a second token update in
    # one transaction would check it (FOR KEY SHARE on her account) and wait on services that
    # lock the account as a mutex while they wait on the writer — a deadlock. Django still
    # deletes the row with her.
    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        db_constraint=False,
    )
    token = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.person_id}: {self.token}"


class ReportingLines(models.Model):
    """One row: a token that changes, in the same transaction, whenever anyone's manager or
    active state changes, or someone joins or leaves — whenever who is under whom may have
    changed. Database triggers set it (migration 0020); the page cache keys the list of
    people under a Head of Product by it."""

    token = models.BigIntegerField()

    class Meta:
        verbose_name_plural = "reporting lines"

    def __str__(self) -> str:
        return str(self.token)
