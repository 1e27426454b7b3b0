from __future__ import annotations

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.db.models import Q


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


class ShiftQuerySet(models.QuerySet["Shift"]):
    def active(self) -> ShiftQuerySet:
        """Shifts offered in new check-ins: neither the shift nor its area is retired."""
        return self.filter(retired_at__isnull=True, area__retired_at__isnull=True)

    def of_framework(self, framework: Framework) -> ShiftQuerySet:
        return self.filter(area__framework=framework)

    def in_order(self) -> ShiftQuerySet:
        return self.select_related("area").order_by("area__order", "order")


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
        return self.filter(Q(title__icontains=text) | Q(body__icontains=text))


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
