from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone


class UserQuerySet(models.QuerySet["User"]):
    def direct_reports_of(self, manager: User) -> UserQuerySet:
        """The manager's current direct reports: active people whose manager she is.
        The one definition of "direct reports" used by every page, check and count."""
        return self.filter(manager=manager, is_active=True)

    def second_line_of(self, manager: User | Any) -> UserQuerySet:
        """The reports of the manager's direct reports. Someone with any is a Head of Product
        for everyone under her. `manager` may be an `OuterRef`."""
        return self.filter(is_active=True, manager__is_active=True, manager__manager=manager)

    def under(self, head: User) -> UserQuerySet:
        """Everyone under `head` at any depth: her direct reports, theirs, and so on. The one
        definition of "her organisation". One query (a recursive CTE, on PostgreSQL and
        SQLite alike) whatever the depth; like `direct_reports_of`, the chain runs through
        active people only. UNION (not UNION ALL) stops at a loop in the reporting lines."""
        table = self.model._meta.db_table
        people = RawSQL(  # noqa: S611 — no input in the text; the id is a parameter
            f"""WITH RECURSIVE org(id) AS (
                SELECT id FROM {table} WHERE manager_id = %s AND is_active
                UNION
                SELECT person.id FROM {table} person JOIN org ON person.manager_id = org.id
                WHERE person.is_active
            ) SELECT id FROM org""",  # noqa: S608 — the table name is the model's own
            [head.pk],
        )
        return self.filter(pk__in=people).exclude(pk=head.pk)


class PeopleManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    """A person using the app. Roles follow from data: anyone with reports is a manager."""

    manager = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        help_text="The person this user reports to. Leave empty for nobody.",
    )
    framework = models.ForeignKey(
        "transitions.Framework",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="followers",
        help_text="The framework this person follows. Leave empty for the default framework.",
    )
    checkin_interval_days = models.PositiveSmallIntegerField(
        "check-in every (days)",
        default=30,
        help_text="How often this person is nudged to do a check-in. 30 is monthly.",
    )

    checkin_reminded_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the last check-in reminder was sent."
    )

    objects = PeopleManager()

    class Meta:
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(manager=models.F("pk")),
                name="user_is_not_own_manager",
                violation_error_message="A person cannot be her own manager.",
            ),
            models.CheckConstraint(
                condition=models.Q(checkin_interval_days__gte=7, checkin_interval_days__lte=365),
                name="user_checkin_interval_in_range",
                violation_error_message="The check-in interval must be between 7 and 365 days.",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def display_name(self) -> str:
        return str(self)

    def clean(self) -> None:
        super().clean()
        self._check_reporting_line()

    def _check_reporting_line(self) -> None:
        """Refuse a manager chain that leads back to this person."""
        if self.manager_id is None:
            return
        if self.pk is not None and self.manager_id == self.pk:
            raise ValidationError({"manager": "A person cannot be her own manager."})
        seen: set[int] = set()
        current = self.manager_id
        chain = dict(User.objects.filter(manager__isnull=False).values_list("pk", "manager_id"))
        while current is not None and current not in seen:
            if self.pk is not None and current == self.pk:
                raise ValidationError(
                    {
                        "manager": "This would make a loop: the chosen manager already "
                        "reports, directly or indirectly, to this person."
                    }
                )
            seen.add(current)
            current = chain.get(current)


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def open(self) -> InvitationQuerySet:
        """Neither accepted nor revoked: pending, or expired and waiting to be resent."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)

    def usable(self) -> InvitationQuerySet:
        """Open and not yet expired: the link works."""
        return self.open().filter(expires_at__gt=timezone.now())

    def seen_by(self, viewer: User) -> InvitationQuerySet:
        """The invitations a person may list and act on: all of them for an administrator,
        those to her own team for anyone else."""
        if viewer.is_active and viewer.is_superuser:
            return self.all()
        return self.filter(manager=viewer)


class Invitation(models.Model):
    """An email invitation to join, with a single-use link. Only a hash of the link's token is
    kept: the token itself exists only in the email sent to the invitee."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"

    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="invitations_sent"
    )
    manager = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations_to_team",
        help_text="The person the invitee will report to.",
    )
    framework = models.ForeignKey(
        "transitions.Framework",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The framework the invitee will follow. Empty: the default framework.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations",
        help_text="The account this invitation opens: made by accepting it, or beforehand by "
        "an org-chart import (then accepting sets its name and password).",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(accepted_at__isnull=True) | models.Q(revoked_at__isnull=True),
                name="invitation_not_accepted_and_revoked",
                violation_error_message="An invitation is either accepted or revoked.",
            ),
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("sent_at")),
                name="invitation_expires_after_sending",
                violation_error_message="An invitation expires after it is sent.",
            ),
            # One open invitation per address and team: inviting again renews it.
            models.UniqueConstraint(
                Lower("email"),
                Coalesce("manager", models.Value(0)),
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_address_and_team",
                violation_error_message="This address already has an open invitation.",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.email}"

    @property
    def status(self) -> str:
        if self.accepted_at is not None:
            return self.Status.ACCEPTED
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None
