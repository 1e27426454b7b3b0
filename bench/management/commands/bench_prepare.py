"""Put the benchmark database in its starting state and write the plan of what to request.

Run after `bench_data`. It
- checks that the benchmark password still logs in (and rehashes it if the password
  hashers changed since the build);
- clears what an earlier run left behind: sessions, login throttling records, the scale-out
  check's draft check-in and evidence, and the mixed scenario's evidence (and the
  notifications it sent), draft check-ins and review ratings;
- makes sure each manager on the review page has an open draft review of her report (started
  by the app's own `review_start`, empty: every review is rated blind);
- makes sure each of those managers has an open 1:1 with a third report, with talking points,
  action items and notes, and that each PM who requests a page has a page of notifications;
- writes the plan (JSON): per page, the accounts that request it and their URLs.
"""

from __future__ import annotations

import contextlib
import json
from datetime import timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from bench import data
from leadership.models import User
from transitions import services
from transitions.models import (
    CheckIn,
    EmailChoice,
    Evidence,
    Framework,
    Notification,
    NotificationKind,
    OneOnOne,
    Review,
    Shift,
)

#: Distinct accounts per page; locust user i logs in as actor i % len(actors).
ACTORS = 4
#: The scale-out check writes as this person (used by no page).
SCALEOUT_USER = data.pm_username(data.PEOPLE - data.MANAGERS)
SCALEOUT_TITLE = "bench scale-out check"
#: The mixed scenario's evidence titles (and notes and comments) start with this.
MIXED_MARKER = "mix-"
#: Notifications per PM: more than one page of /notifications/ (the list pages by 25).
NOTIFICATIONS = 60


class Command(BaseCommand):
    help = "Reset the benchmark's mutable state and write the plan (JSON) for the load run."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--out", required=True, help="Where to write the plan (JSON).")
        parser.add_argument("--actors", type=int, default=ACTORS)

    def handle(self, *args: Any, **options: Any) -> None:
        framework = Framework.objects.default()
        if framework is None or not User.objects.filter(username=data.BIG_MANAGER).exists():
            raise CommandError("No benchmark data here: run bench_data first.")
        self._password()
        self._reset()
        n = options["actors"]
        pms = list(
            User.objects.filter(username__startswith="pm")
            .select_related("manager")
            .order_by("username")[:n]
        )
        shifts = list(Shift.objects.of_framework(framework).active().in_order())
        managers = self._managers_of(10, n)
        self._reset_mixed(pms, managers)
        big = User.objects.get(username=data.BIG_MANAGER)
        head = User.objects.get(username=data.ORG_HEAD)
        if (size := User.objects.under(head).count()) != data.ORG_SIZE:
            raise CommandError(f"{head.username} has {size} people under her, not {data.ORG_SIZE}.")

        reviewed = []
        packets = []
        meetings = []
        for manager in managers:
            reports = User.objects.direct_reports_of(manager).order_by("username")
            first, second, third = list(reports[:3])
            services.review_start(person=first, manager=manager, framework=framework)
            reviewed.append((manager, first))
            packets.append((manager, second))
            meetings.append((manager, third, self._one_on_one(manager, third, shifts)))
        for pm in pms:
            self._notifications(pm)

        def latest_checkin(person: User) -> int:
            return (
                CheckIn.objects.of(person)
                .submitted()
                .order_by("-submitted_at")
                .values_list("pk", flat=True)[0]
            )

        pages = [
            ("baseline", "baseline", [(pm, "/bench/baseline/") for pm in pms]),
            ("dashboard", "dashboard /", [(pm, "/") for pm in pms]),
            (
                "checkin",
                "check-in /check-ins/<id>/ (submitted)",
                [(pm, f"/check-ins/{latest_checkin(pm)}/") for pm in pms],
            ),
            (
                "evidence_search",
                f"evidence /evidence/?q={data.SEARCH_WORD}",
                [(pm, f"/evidence/?q={data.SEARCH_WORD}") for pm in pms],
            ),
            (
                "shift",
                "shift /shifts/<slug>/",
                [(pm, f"/shifts/{shifts[i % len(shifts)].slug}/") for i, pm in enumerate(pms)],
            ),
            ("team_10", "team /team/ (10 reports)", [(m, "/team/") for m in managers]),
            ("team_50", "team /team/ (50 reports)", [(big, "/team/")] * n),
            ("org", "org /org/ (1,000 people)", [(head, "/org/")] * n),
            (
                "review",
                "review /team/<username>/ (open draft)",
                [(m, f"/team/{r.username}/") for m, r in reviewed],
            ),
            (
                "team_packet",
                "packet /team/<username>/packet/",
                [(m, f"/team/{r.username}/packet/") for m, r in packets],
            ),
            ("packet", "own packet /packet/", [(pm, "/packet/") for pm in pms]),
            (
                "one_on_one",
                "1:1 agenda /one-on-ones/<username>/ (open, manager)",
                [(m, f"/one-on-ones/{r.username}/") for m, r, _ in meetings],
            ),
            (
                "one_on_one_pm",
                "1:1 agenda /one-on-ones/<username>/ (open, PM)",
                [(r, f"/one-on-ones/{m.username}/") for m, r, _ in meetings],
            ),
            (
                "notifications",
                f"notifications /notifications/ ({NOTIFICATIONS})",
                [(pm, "/notifications/") for pm in pms],
            ),
        ]
        scaleout = User.objects.get(username=SCALEOUT_USER)
        plan = {
            "password": data.PASSWORD,
            "search_word": data.SEARCH_WORD,
            "pages": [
                {
                    "name": name,
                    "label": label,
                    "actors": [{"username": user.username, "path": path} for user, path in actors],
                }
                for name, label, actors in pages
            ],
            "scaleout": {
                "username": scaleout.username,
                "title": SCALEOUT_TITLE,
                "shifts": [{"id": s.pk, "slug": s.slug} for s in shifts[:2]],
            },
            "mixed": {
                "marker": MIXED_MARKER,
                "pms": [{"username": pm.username, "manager": pm.manager.username} for pm in pms],
                "managers": [{"username": m.username, "report": r.username} for m, r in reviewed],
                "shifts": [{"id": s.pk, "slug": s.slug} for s in shifts],
            },
            "server_settings": {
                "DEBUG": settings.DEBUG,
                "SESSION_ENGINE": settings.SESSION_ENGINE,
                "CACHE_BACKEND": settings.CACHES["default"]["BACKEND"],
                "PASSWORD_HASHER": settings.PASSWORD_HASHERS[0],
                "CONN_MAX_AGE": settings.DATABASES["default"].get("CONN_MAX_AGE"),
                "MIDDLEWARE": settings.MIDDLEWARE,
            },
            "dataset": {
                "people": User.objects.count(),
                "checkins": CheckIn.objects.count(),
                "evidence": Evidence.objects.count(),
            },
        }
        with open(options["out"], "w", encoding="utf-8") as out:
            json.dump(plan, out, indent=2)
        self.stdout.write(f"Plan written to {options['out']}.")

    def _one_on_one(self, manager: User, person: User, shifts: list[Shift]) -> OneOnOne:
        """The pair's open 1:1, as a week of use leaves it (made once, then kept)."""
        meeting = OneOnOne.objects.of_pair(manager=manager, person=person).open().first()
        if meeting is not None:
            return meeting
        meeting = services.one_on_one_start(manager=manager, person=person)
        for n, shift in enumerate(shifts[:4]):
            services.agenda_item_add(
                meeting=meeting, by=person, text=f"How the {data.SEARCH_WORD} went", shift=shift
            )
            services.agenda_item_add(meeting=meeting, by=manager, text=f"Hiring plan, part {n}")
            services.action_item_add(
                meeting=meeting,
                owner=person if n % 2 else manager,
                text=f"Follow up on part {n}",
                due_on=timezone.localdate() + timedelta(days=n),
                shift=shift,
            )
        for author in (manager, person):
            services.private_note_write(
                meeting=meeting, author=author, text="Prepare the numbers.", seen_version=None
            )
        return meeting

    def _notifications(self, person: User) -> None:
        """A long inbox, half of it read (made once, then kept)."""
        have = Notification.objects.for_recipient(person).count()
        now = timezone.now()
        Notification.objects.bulk_create(
            Notification(
                recipient=person,
                kind=NotificationKind.ONE_ON_ONE_ITEM_ADDED,
                text=f"Your manager added an item to your 1:1 agenda ({n}).",
                url="/one-on-ones/",
                email=EmailChoice.NEVER,
                created_at=now - timedelta(hours=n),
                read_at=now if n % 2 else None,
            )
            for n in range(have, NOTIFICATIONS)
        )

    def _managers_of(self, size: int, n: int) -> list[User]:
        """n managers with exactly `size` active reports, from the middle of the list."""
        found = []
        for manager in User.objects.filter(username__startswith="mgr").order_by("username")[49:]:
            if User.objects.direct_reports_of(manager).count() == size:
                found.append(manager)
            if len(found) == n:
                return found
        raise CommandError(f"Fewer than {n} managers with {size} reports.")

    def _password(self) -> None:
        """The hashers may have changed since the build (e.g. a new default): rehash if the
        benchmark password no longer checks out."""
        sample = User.objects.get(username=data.BIG_MANAGER)
        if check_password(data.PASSWORD, sample.password):
            return
        updated = User.objects.filter(email__endswith="@bench.example").update(
            password=make_password(data.PASSWORD)
        )
        self.stdout.write(f"Rehashed the benchmark password for {updated} accounts.")

    def _reset(self) -> None:
        Session.objects.all().delete()
        if apps.is_installed("axes"):
            # Login throttling records (django-axes), so no earlier run's failures lock anyone.
            for name in ("AccessAttempt", "AccessFailureLog", "AccessLog"):
                with contextlib.suppress(LookupError):
                    apps.get_model("axes", name).objects.all().delete()
        person = User.objects.get(username=SCALEOUT_USER)
        CheckIn.objects.of(person).drafts().delete()
        Evidence.objects.by(person).filter(title__startswith=SCALEOUT_TITLE).delete()

    def _reset_mixed(self, pms: list[User], managers: list[User]) -> None:
        """Undo the mixed scenario's writes: its evidence (found by title) and the
        notifications sharing it sent, the PMs' draft check-ins, and the ratings of the
        managers' open reviews (the review is discarded; the plan starts an empty one)."""
        evidence = Evidence.objects.filter(author__in=pms, title__startswith=MIXED_MARKER)
        ids = list(evidence.values_list("pk", flat=True))
        notified, _ = Notification.objects.filter(
            kind=NotificationKind.EVIDENCE_SHARED, actor__in=pms, target_id__in=ids
        ).delete()
        evidence.delete()
        checkins = CheckIn.objects.filter(person__in=pms).drafts()
        drafts = checkins.count()
        checkins.delete()
        reviews = Review.objects.drafts().filter(manager__in=managers, ratings__isnull=False)
        rated = list(reviews.distinct())
        for review in rated:
            services.review_discard(review=review)
        if ids or drafts or rated:
            self.stdout.write(
                f"Undid the mixed scenario: {len(ids)} evidence entries ({notified} "
                f"notifications), {drafts} draft check-ins, {len(rated)} rated review drafts."
            )
