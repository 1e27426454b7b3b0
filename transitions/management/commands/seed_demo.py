from __future__ import annotations

import secrets
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from leadership import invitations
from leadership.models import Invitation, User
from transitions import feedback, services
from transitions.management.commands._demo_content import (
    DEMO_ACKNOWLEDGEMENTS,
    DEMO_REVIEWS,
    GRACE_EVIDENCE,
    OMAR_EVIDENCE,
    PRIYA_EVIDENCE,
    PRIYA_FEEDBACK,
    PRIYA_FOCUS,
    PRIYA_NOTES,
    PRIYA_ONE_ON_ONES,
    SAM_EVIDENCE,
)
from transitions.models import (
    ActionItem,
    AgendaItem,
    CheckIn,
    Evidence,
    FeedbackRequest,
    FeedbackRequestShift,
    Focus,
    Framework,
    Notification,
    NotificationKind,
    OneOnOne,
    PrivateNote,
    Rating,
    Review,
    ReviewRating,
    Shift,
)

DEMO_INVITEE = "leo@example.com"  # invited by marco, not joined yet
PASSWORD = "leadership-demo"  # noqa: S105 — the documented demo password
EDITORS_GROUP = "Content editors"
DEMO_NAMESPACE = uuid.UUID("5d1c7a52-4f0e-4b8e-9a57-6c1f3f0d2b11")

# username, first name, last name, manager's username: helena, the Head of Product, above
# two managers (marco and nina) with two PMs each.
PEOPLE = [
    ("helena", "Helena", "Berg", None),
    ("marco", "Marco", "Rossi", "helena"),
    ("priya", "Priya", "Sharma", "marco"),
    ("sam", "Sam", "Okafor", "marco"),
    ("nina", "Nina", "Moreau", "helena"),
    ("omar", "Omar", "Haddad", "nina"),
    ("grace", "Grace", "Hughes", "nina"),
    ("alex", "Alex", "Kim", None),
    ("admin", "Ada", "Admin", None),
]
# Grace checks in every two weeks (and is behind).
CHECKIN_INTERVAL_DAYS = {"grace": 14}


class Command(BaseCommand):
    help = (
        "Create the demo accounts (priya and sam reporting to marco, omar and grace to nina, "
        "marco and nina to helena, the Head of Product; alex the content editor, admin the "
        f"superuser; password {PASSWORD!r}) and their history. Safe to run twice: existing "
        "accounts are left as they are, except that a marco or nina reporting to nobody is put "
        "under helena. Refused when DEBUG is off unless --force is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off (the demo password is public).",
        )

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with a public password, so it only runs with "
                "DJANGO_DEBUG=1. Use --force to run it anyway."
            )
        with transaction.atomic():
            created, moved = self._people()
            users = {
                user.username: user
                for user in User.objects.filter(username__in=[p[0] for p in PEOPLE])
            }
            added = self._evidence(users["priya"], PRIYA_EVIDENCE)
            added += self._evidence(users["sam"], SAM_EVIDENCE)
            added += self._evidence(users["omar"], OMAR_EVIDENCE)
            added += self._evidence(users["grace"], GRACE_EVIDENCE)
            checkins = self._checkins(users["priya"], months=12, draft=True, notes=PRIYA_NOTES)
            checkins += self._checkins(users["sam"], months=3, draft=False, pace=1)
            checkins += self._checkins(users["omar"], months=12, draft=False, pace=2)
            checkins += self._checkins(users["grace"], months=4, draft=False, pace=1)
            focus = self._focus(users["priya"], PRIYA_FOCUS)
            marco, nina = users["marco"], users["nina"]
            # Close to ready on /org/: a generous latest review, most of it backed.
            reviews = self._reviews(
                users["priya"], marco, completed_days_ago=[180, 30], draft=True, lift_latest=1
            )
            reviews += self._reviews(users["sam"], marco, completed_days_ago=[20], draft=False)
            reviews += self._reviews(users["omar"], nina, completed_days_ago=[200], draft=False)
            reviews += self._reviews(users["grace"], nina, completed_days_ago=[40], draft=False)
            told = self._notifications(users["priya"], users["sam"], marco)
            acknowledged = self._acknowledgement(users["priya"])
            meetings = self._one_on_ones(users["priya"], marco, PRIYA_ONE_ON_ONES)
            invited = self._invitation(marco)
            asked = self._feedback(users["priya"], PRIYA_FEEDBACK)
        if created:
            self.stdout.write(self.style.SUCCESS(f"Created {', '.join(created)}."))
        for username in moved:
            self.stdout.write(self.style.SUCCESS(f"{username} now reports to helena."))
        if added:
            self.stdout.write(self.style.SUCCESS(f"Added {added} evidence entries."))
        if checkins:
            self.stdout.write(self.style.SUCCESS(f"Added {checkins} check-ins."))
        if focus:
            self.stdout.write(self.style.SUCCESS(f"Added {focus} focus shifts."))
        if reviews:
            self.stdout.write(self.style.SUCCESS(f"Added {reviews} reviews."))
        if acknowledged:
            self.stdout.write(
                self.style.SUCCESS("Acknowledged a review of priya's, with a response.")
            )
        if told:
            self.stdout.write(self.style.SUCCESS(f"Added {told} notifications."))
        if meetings:
            self.stdout.write(self.style.SUCCESS(f"Added {meetings} 1:1s."))
        if invited:
            self.stdout.write(
                self.style.SUCCESS(f"Invited {DEMO_INVITEE} to marco's team (see /people/).")
            )
        if asked:
            self.stdout.write(self.style.SUCCESS(f"Added {asked} feedback requests."))
        if not (
            created
            or moved
            or added
            or checkins
            or focus
            or reviews
            or acknowledged
            or told
            or meetings
            or invited
            or asked
        ):
            self.stdout.write("Demo data already present; nothing changed.")

    def _checkins(
        self,
        person: User,
        *,
        months: int,
        draft: bool,
        pace: int = 0,
        notes: dict[tuple[int, str], str] | None = None,
    ) -> int:
        """Monthly submitted check-ins with a believable upward trend, and maybe a draft."""
        if CheckIn.objects.of(person).exists():
            return 0
        framework = Framework.objects.followed_by(person)
        if framework is None:
            return 0
        shifts = list(Shift.objects.of_framework(framework).active().in_order())
        revisions = dict(
            Shift.objects.filter(pk__in=[s.pk for s in shifts])
            .with_current_revision()
            .values_list("pk", "current_revision_id")
        )
        now = timezone.now()
        made = 0
        for month in range(months):
            submitted_at = now - timedelta(days=30 * (months - month) - 2)
            checkin = CheckIn.objects.create(
                person=person,
                framework=framework,
                status=CheckIn.Status.SUBMITTED,
                submitted_at=submitted_at,
            )
            CheckIn.objects.filter(pk=checkin.pk).update(created_at=submitted_at)
            Rating.objects.bulk_create(
                Rating(
                    checkin=checkin,
                    shift=shift,
                    revision_id=revisions[shift.pk],
                    level=_demo_level(i + pace, month, months),
                    note=(notes or {}).get((month, shift.slug), ""),
                )
                for i, shift in enumerate(shifts)
            )
            made += 1
        if draft:
            checkin = CheckIn.objects.create(person=person, framework=framework)
            Rating.objects.bulk_create(
                Rating(
                    checkin=checkin,
                    shift=shift,
                    revision_id=revisions[shift.pk],
                    level=min(5, _demo_level(i, months - 1, months) + (i % 3 == 0)),
                )
                for i, shift in enumerate(shifts[:5])
            )
            made += 1
        return made

    def _reviews(
        self,
        person: User,
        manager: User,
        *,
        completed_days_ago: list[int],
        draft: bool,
        lift_latest: int = 0,
    ) -> int:
        """Completed reviews near the person's self-ratings of the time (the latest one
        `lift_latest` steps above them: her manager sees more than she claims), with the words
        written for her (DEMO_REVIEWS), and maybe a draft."""
        if Review.objects.filter(person=person).exists():
            return 0
        framework = Framework.objects.followed_by(person)
        if framework is None:
            return 0
        shifts = list(
            Shift.objects.of_framework(framework).active().in_order().with_current_revision()
        )
        now = timezone.now()
        made = 0
        written = DEMO_REVIEWS[person.username]
        for n, days_ago in enumerate(completed_days_ago):
            summary, agreed_focus, comments = written[n]
            lift = lift_latest if n == len(completed_days_ago) - 1 else 0
            when = now - timedelta(days=days_ago)
            own = dict(
                Rating.objects.filter(
                    checkin__person=person,
                    checkin__status=CheckIn.Status.SUBMITTED,
                    checkin__submitted_at__lte=when,
                )
                .order_by("checkin__submitted_at")
                .values_list("shift_id", "level")
            )
            review = Review.objects.create(
                person=person,
                manager=manager,
                framework=framework,
                status=Review.Status.COMPLETED,
                completed_at=when,
                summary=summary,
                agreed_focus=agreed_focus,
            )
            Review.objects.filter(pk=review.pk).update(created_at=when - timedelta(days=3))
            ReviewRating.objects.bulk_create(
                ReviewRating(
                    review=review,
                    shift=shift,
                    revision_id=shift.current_revision_id,
                    level=max(1, min(5, own.get(shift.pk, 2) + _demo_offset(i) + lift)),
                    comment=comments.get(shift.slug, ""),
                )
                for i, shift in enumerate(shifts)
            )
            made += 1
        if draft:
            review = Review.objects.create(person=person, manager=manager, framework=framework)
            ReviewRating.objects.bulk_create(
                ReviewRating(
                    review=review,
                    shift=shift,
                    revision_id=shift.current_revision_id,
                    level=3 + i % 2,
                )
                for i, shift in enumerate(shifts[:4])
            )
            made += 1
        return made

    def _notifications(self, priya: User, sam: User, marco: User) -> int:
        """What the events of the demo history told each person, the latest ones unread:
        marco of his reports' check-ins and shared evidence, priya and sam of their reviews.
        Emailed already (the shared evidence waits for marco's digest)."""
        people = [priya, sam, marco]
        if Notification.objects.filter(recipient__in=people).exists():
            return 0
        now = timezone.now()
        rows: list[Notification] = []

        def told(recipient: User, kind: str, actor: User, text: str, url: str, when: Any) -> None:
            digest = kind == NotificationKind.EVIDENCE_SHARED
            rows.append(
                Notification(
                    recipient=recipient,
                    kind=kind,
                    actor=actor,
                    text=text,
                    url=url,
                    email="digest" if digest else "immediately",
                    created_at=when,
                    emailed_at=None if digest else when,
                    read_at=None if now - when < timedelta(days=45) else when + timedelta(hours=2),
                )
            )

        for report in (priya, sam):
            checkins = CheckIn.objects.of(report).submitted().order_by("-submitted_at")[:2]
            for checkin in checkins:
                told(
                    marco,
                    NotificationKind.CHECKIN_SUBMITTED,
                    report,
                    f"{report.display_name} submitted a check-in.",
                    reverse("team_review", args=[report.username]),
                    checkin.submitted_at,
                )
            for review in Review.objects.completed().filter(person=report):
                told(
                    report,
                    NotificationKind.REVIEW_COMPLETED,
                    marco,
                    f"{marco.display_name} completed a review of your progress.",
                    reverse("my_review", args=[review.pk]),
                    review.completed_at,
                )
        shared = Evidence.objects.by(priya).shared().order_by("-created_at")[:2]
        for evidence in shared:
            told(
                marco,
                NotificationKind.EVIDENCE_SHARED,
                priya,
                f"{priya.display_name} shared evidence from {evidence.happened_on:%-d %B %Y}.",
                reverse("evidence_detail", args=[evidence.pk]),
                evidence.created_at,
            )
        Notification.objects.bulk_create(rows)
        return len(rows)

    def _acknowledgement(self, person: User) -> bool:
        """The person's acknowledgement of one completed review, with her response overall and
        on a few shifts (DEMO_ACKNOWLEDGEMENTS), dated some days after the review; her manager
        was told of it then and has read it. Not when she has acknowledged any review already.
        Written as history: nobody is told of it now."""
        position, days_after, response, per_shift = DEMO_ACKNOWLEDGEMENTS[person.username]
        reviews = list(Review.objects.completed().filter(person=person).order_by("completed_at"))
        if len(reviews) <= position or any(review.is_acknowledged for review in reviews):
            return False
        review = reviews[position]
        when = review.completed_at + timedelta(days=days_after)
        for slug, text in per_shift.items():
            review.ratings.filter(shift__slug=slug).update(response=text)
        Review.objects.filter(pk=review.pk).update(acknowledged_at=when, response=response)
        if review.manager is not None:
            Notification.objects.create(
                recipient=review.manager,
                kind=NotificationKind.REVIEW_ACKNOWLEDGED,
                actor=person,
                target=review,
                text=f"{person.display_name} acknowledged the review of "
                f"{review.completed_at:%-d %B %Y} and responded.",
                url=reverse("team_review_detail", args=[person.username, review.pk]),
                email="immediately",
                created_at=when,
                emailed_at=when,
                read_at=when + timedelta(hours=3),
            )
        return True

    def _one_on_ones(self, person: User, manager: User, meetings: list[dict]) -> int:
        """The pair's 1:1s, the oldest first: each closed when the next started, the last one
        open (its suggestions come from the rest of the demo data)."""
        if OneOnOne.objects.of_pair(manager=manager, person=person).exists():
            return 0
        framework = Framework.objects.followed_by(person)
        shifts = {s.slug: s for s in Shift.objects.of_framework(framework)} if framework else {}
        now = timezone.now()
        starts = [now - timedelta(days=m["days_ago"]) for m in meetings]
        for n, (data, started) in enumerate(zip(meetings, starts, strict=True)):
            meeting = OneOnOne.objects.create(
                manager=manager,
                person=person,
                started_at=started,
                closed_at=starts[n + 1] if n + 1 < len(starts) else None,
                shared_notes=data["notes"],
            )
            if data["private"]:
                PrivateNote.objects.create(meeting=meeting, author=manager, text=data["private"])
            AgendaItem.objects.bulk_create(
                AgendaItem(
                    meeting=meeting,
                    author=manager if by_manager else person,
                    text=text,
                    shift=shifts.get(slug),
                    order=order,
                    done=meeting.closed_at is not None,
                )
                for order, (text, by_manager, slug) in enumerate(data["items"], start=1)
            )
            for text, by_person, due_in, slug, done_in in data["actions"]:
                action = ActionItem.objects.create(
                    meeting=meeting,
                    owner=person if by_person else manager,
                    text=text,
                    due_on=(started + timedelta(days=due_in)).date(),
                    shift=shifts.get(slug),
                    done_at=None if done_in is None else started + timedelta(days=done_in),
                )
                ActionItem.objects.filter(pk=action.pk).update(created_at=started)
        return len(meetings)

    def _feedback(self, person: User, requests: list[tuple[Any, ...]]) -> int:
        """Her requests to outside people, as they stand today: answered (one shared and
        attached to its first shift as an attestation), declined, and one still waiting.
        Written directly, so no email leaves; their links are new random ones nobody has."""
        if FeedbackRequest.objects.of(person).exists():
            return 0
        framework = Framework.objects.followed_by(person)
        shifts = {s.slug: s for s in Shift.objects.of_framework(framework)} if framework else {}
        now = timezone.now()
        made = 0
        for days_ago, slugs, question, name, email, role, outcome, answer in requests:
            linked = [shifts[slug] for slug in slugs if slug in shifts]
            if not linked:
                continue
            asked_at = now - timedelta(days=days_ago)
            closed_at = asked_at + timedelta(days=3)
            request = FeedbackRequest(
                requester=person,
                recipient_name=name,
                recipient_email=email,
                recipient_role=role,
                question=question,
                link_nonce=secrets.token_hex(32),
                created_at=asked_at,
                expires_at=feedback.expires_at_from(asked_at),
                emails_sent=1,
                giver_name=name,
                giver_role=role,
            )
            request.token_hash = feedback.token_hash(feedback.token_for(request))
            if answer is not None:
                request.example, request.frequency = answer
                request.answered_at = closed_at
            if outcome == "declined":
                request.giver_role = ""
                request.declined_at = closed_at
            if outcome == "attested":
                request.shared_at = closed_at + timedelta(hours=2)
                request.attested_shift = linked[0]
            request.save()
            FeedbackRequestShift.objects.bulk_create(
                FeedbackRequestShift(request=request, shift=shift) for shift in linked
            )
            made += 1
        return made

    def _focus(self, person: User, chosen: list[tuple[str, str, int, int | None]]) -> int:
        """Focus set (and some cleared) on the days given, the oldest first."""
        if Focus.objects.filter(person=person).exists():
            return 0
        shifts = {s.slug: s for s in Shift.objects.filter(slug__in=[f[0] for f in chosen])}
        now = timezone.now()
        made = 0
        for slug, next_step, set_days_ago, cleared_days_ago in chosen:
            if slug in shifts:
                focus = Focus.objects.create(
                    person=person,
                    shift=shifts[slug],
                    next_step=next_step,
                    cleared_at=None
                    if cleared_days_ago is None
                    else now - timedelta(days=cleared_days_ago),
                )
                Focus.objects.filter(pk=focus.pk).update(set_at=now - timedelta(days=set_days_ago))
                made += 1
        return made

    def _evidence(self, author: User, entries: list[tuple[int, list[str], str, str, bool]]) -> int:
        """Add the demo evidence; each entry has a fixed key, so a second run adds nothing."""
        framework = Framework.objects.followed_by(author)
        shifts = {s.slug: s for s in Shift.objects.of_framework(framework)} if framework else {}
        today = timezone.localdate()
        added = 0
        for days_ago, slugs, title, body, shared in entries:
            key = uuid.uuid5(DEMO_NAMESPACE, f"{author.username}:{title}")
            linked = [shifts[slug] for slug in slugs if slug in shifts]
            if not linked or Evidence.objects.filter(author=author, submission_key=key).exists():
                continue
            evidence, _ = services.evidence_create(
                author=author,
                submission_key=key,
                data={
                    "happened_on": today - timedelta(days=days_ago),
                    "title": title,
                    "body": body,
                    "link": "",
                    "visibility": Evidence.Visibility.PRIVATE,
                    "shifts": linked,
                },
            )
            # Logged on the day it happened, as a diligent PM would; shared then too, so it
            # is history and nobody is notified of it now (_notifications tells of it).
            logged_at = timezone.now() - timedelta(days=days_ago)
            Evidence.objects.filter(pk=evidence.pk).update(
                created_at=logged_at,
                updated_at=logged_at,
                visibility=Evidence.Visibility.SHARED if shared else Evidence.Visibility.PRIVATE,
            )
            added += 1
        return added

    def _invitation(self, marco: User) -> bool:
        """One pending invitation, from marco to his team. Like all seeded history it sends
        nothing: "Send again" on /people/ emails a working link."""
        if Invitation.objects.filter(email=DEMO_INVITEE).exists():
            return False
        now = timezone.now()
        Invitation.objects.create(
            email=DEMO_INVITEE,
            token_hash=invitations.new_token()[1],
            invited_by=marco,
            manager=marco,
            created_at=now - timedelta(days=2),
            sent_at=now - timedelta(days=2),
            expires_at=now - timedelta(days=2) + invitations.VALID_FOR,
        )
        return True

    def _people(self) -> tuple[list[str], list[str]]:
        """The demo accounts: (those created, those put under helena)."""
        created: list[str] = []
        moved: list[str] = []
        users: dict[str, User] = {}
        for username, first, last, manager in PEOPLE:
            user, was_created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@example.com",
                    "manager": users.get(manager) if manager else None,
                },
            )
            users[username] = user
            if not was_created and manager == "helena" and user.manager_id is None:
                # Seeded before the Head of Product existed: the reporting line she needs.
                user.manager = users[manager]
                user.save(update_fields=["manager"])
                moved.append(username)
            if was_created:
                user.set_password(PASSWORD)
                user.checkin_interval_days = CHECKIN_INTERVAL_DAYS.get(username, 30)
                if username == "alex":
                    user.is_staff = True
                elif username == "admin":
                    user.is_staff = user.is_superuser = True
                user.save()
                if username == "alex":
                    user.groups.add(Group.objects.get(name=EDITORS_GROUP))
                created.append(username)
        return created, moved


def _demo_level(shift_index: int, month: int, months: int) -> int:
    """A level that starts low and climbs, at a pace that differs from shift to shift."""
    start = 1 + shift_index % 2
    gain = 1 + (shift_index * 7) % 3  # 1, 2 or 3 steps over the year
    progress = month / max(months - 1, 1)
    return min(5, start + int(gain * progress + 0.4))


def _demo_offset(shift_index: int) -> int:
    """How the manager's view differs from the self-rating: mostly agreeing, a few gaps."""
    return {2: -2, 5: 1, 9: -1, 11: 2}.get(shift_index, 0)
