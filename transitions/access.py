"""Who may see what.

One function per object type, each querying only what the user may see and returning the
object or raising Http404: an object someone may not know about does not exist for them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from leadership import security_log
from leadership.models import User
from transitions import content
from transitions.models import (
    CheckIn,
    Evidence,
    EvidenceQuerySet,
    FeedbackRequest,
    Focus,
    Framework,
    Notification,
    OneOnOne,
    Review,
    ReviewQuerySet,
    Shift,
)

_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,80}")


def framework_for(user: User) -> Framework:
    """The framework the user follows; 404 when there is none to follow."""
    framework = content.framework(user.framework_id)
    if framework is None:
        raise Http404("No framework has been set up yet.")
    return framework


def shift_for(user: User, slug: str) -> Shift:
    """A shift of the user's framework (retired ones included: they are in her history).
    A slug no shift could have (from a query string, say) is not looked up at all."""
    if not _SLUG.fullmatch(slug):
        raise Http404("No such shift in your framework.")
    shift = (
        Shift.objects.of_framework(framework_for(user))
        .select_related("area")
        .filter(slug=slug)
        .first()
    )
    if shift is None:
        security_log.access_denied(user, "shift", slug)
        raise Http404("No such shift in your framework.")
    return shift


def visible_evidence(viewer: User, owner: User) -> EvidenceQuerySet:
    """The owner's evidence as the viewer may see it: all of it for herself, the shared
    entries for her current manager, nothing for anybody else."""
    evidence = Evidence.objects.by(owner)
    if viewer.pk == owner.pk:
        return evidence
    if owner.manager_id is not None and owner.manager_id == viewer.pk:
        return evidence.shared()
    return evidence.none()


def evidence_for(user: User, pk: int) -> Evidence:
    """Evidence the user may read: her own, or a report's shared entry."""
    evidence = (
        Evidence.objects.filter(
            Q(author=user)
            | Q(
                author__in=User.objects.direct_reports_of(user),
                visibility=Evidence.Visibility.SHARED,
            ),
            pk=pk,
        )
        .select_related("author")
        .first()
    )
    if evidence is None:
        security_log.access_denied(user, "evidence", pk)
        raise Http404("No such evidence.")
    return evidence


def own_evidence_for(user: User, pk: int) -> Evidence:
    """Evidence the user may change: only her own."""
    evidence = Evidence.objects.by(user).filter(pk=pk).first()
    if evidence is None:
        security_log.access_denied(user, "evidence (to change)", pk)
        raise Http404("No such evidence.")
    return evidence


@dataclass(frozen=True)
class JustAdded:
    """An entry the viewer has just saved, for the row she came from to acknowledge."""

    pk: int
    title: str
    shift_ids: frozenset[int]


def just_added(user: User, value: str | None) -> JustAdded | None:
    """The viewer's own entry named by `?added=<id>` (one query), or None: an id that is not
    hers, or not an id at all, is ignored rather than refused, and never shows its title."""
    if not value or not value.isdigit() or len(value) > 18:
        return None
    found = list(
        Evidence.objects.by(user).filter(pk=int(value)).values_list("title", "shift_links__shift")
    )
    if not found:
        return None
    return JustAdded(
        pk=int(value),
        title=found[0][0],
        shift_ids=frozenset(shift for _, shift in found if shift is not None),
    )


def checkin_for(user: User, pk: int) -> CheckIn:
    """A check-in of the user's own. Nobody else reads check-ins directly."""
    checkin = CheckIn.objects.of(user).select_related("framework").filter(pk=pk).first()
    if checkin is None:
        security_log.access_denied(user, "check-in", pk)
        raise Http404("No such check-in.")
    return checkin


def focus_for(user: User, pk: int) -> Focus:
    focus = Focus.objects.filter(person=user, pk=pk).select_related("shift").first()
    if focus is None:
        security_log.access_denied(user, "focus", pk)
        raise Http404("No such focus.")
    return focus


def reports_of(manager: User) -> QuerySet[User]:
    """The manager's current direct reports."""
    return User.objects.direct_reports_of(manager)


def report_for(manager: User, username: str) -> User:
    """One of the manager's current direct reports; 404 for anyone else."""
    report = reports_of(manager).filter(username=username).first()
    if report is None:
        security_log.access_denied(manager, "report", username)
        raise Http404("No such person in your team.")
    return report


def org_for(user: User) -> QuerySet[User]:
    """Everyone under the user at any depth, for a Head of Product: someone whose reports
    have reports. 404 for anyone else. One query (the check; the people are not fetched)."""
    if not User.objects.second_line_of(user).exists():
        raise Http404("You have no organisation under you.")
    return User.objects.under(user)


def reviews_visible_to_manager(manager: User, report: User) -> ReviewQuerySet:
    """A report's reviews as her current manager sees them: every completed one, and drafts
    of her own. (`report` must come from `report_for`.)"""
    return Review.objects.filter(person=report).filter(
        Q(status=Review.Status.COMPLETED) | Q(manager=manager)
    )


def review_for_manager(manager: User, report: User, pk: int) -> Review:
    review = reviews_visible_to_manager(manager, report).filter(pk=pk).first()
    if review is None:
        security_log.access_denied(manager, "review", pk)
        raise Http404("No such review.")
    return review


def review_for_person(user: User, pk: int) -> Review:
    """A completed review of the user herself. Drafts are the manager's alone."""
    review = Review.objects.completed().filter(person=user, pk=pk).select_related("manager").first()
    if review is None:
        security_log.access_denied(user, "own review", pk)
        raise Http404("No such review.")
    return review


def notification_for(user: User, pk: int) -> Notification:
    """A notification of the user's own; nobody else's exists for her."""
    notification = Notification.objects.for_recipient(user).filter(pk=pk).first()
    if notification is None:
        security_log.access_denied(user, "notification", pk)
        raise Http404("No such notification.")
    return notification


@dataclass(frozen=True)
class Pair:
    """A manager and one of her current direct reports, as one of the two sees them."""

    manager: User
    person: User
    viewer: User

    @property
    def partner(self) -> User:
        return self.person if self.viewer.pk == self.manager.pk else self.manager

    @property
    def viewer_is_manager(self) -> bool:
        return self.viewer.pk == self.manager.pk


def pair_for(user: User, username: str) -> Pair:
    """The user and `username` as a 1:1 pair: one of her current direct reports, or her own
    current manager. 404 for anyone else. One query."""
    partner = (
        User.objects.filter(username=username, is_active=True)
        .filter(Q(manager=user) | Q(pk=user.manager_id or 0))
        .exclude(pk=user.pk)
        .first()
    )
    if partner is None or not user.is_active:
        security_log.access_denied(user, "1:1", username)
        raise Http404("No 1:1s with this person.")
    if partner.manager_id == user.pk:
        return Pair(manager=user, person=partner, viewer=user)
    return Pair(manager=partner, person=user, viewer=user)


def one_on_one_for(user: User, username: str, pk: int) -> tuple[Pair, OneOnOne]:
    """One meeting of the user's pair with `username`; 404 for anyone outside the pair,
    and for meetings the pair had with someone else. Two queries."""
    pair = pair_for(user, username)
    meeting = (
        OneOnOne.objects.of_pair(manager=pair.manager, person=pair.person).filter(pk=pk).first()
    )
    if meeting is None:
        security_log.access_denied(user, "1:1 meeting", pk)
        raise Http404("No such 1:1.")
    return pair, meeting


def feedback_request_for(user: User, pk: int) -> FeedbackRequest:
    """A feedback request the user made: hers alone (her manager sees what she shares only
    on the review page and in her packet)."""
    request = (
        FeedbackRequest.objects.of(user)
        .select_related("recipient", "attested_shift")
        .filter(pk=pk)
        .first()
    )
    if request is None:
        security_log.access_denied(user, "feedback request", pk)
        raise Http404("No such feedback request.")
    return request


def feedback_asked_for(user: User, pk: int) -> FeedbackRequest:
    """A feedback request addressed to the user, as a colleague with an account."""
    request = (
        FeedbackRequest.objects.filter(recipient=user, pk=pk)
        .select_related("requester", "recipient")
        .first()
    )
    if request is None or not user.is_active:
        security_log.access_denied(user, "feedback request (to answer)", pk)
        raise Http404("No such feedback request.")
    return request
