"""Feedback requests: the link's token, and the reads (plain data, fixed queries).

The link an outside person receives carries a token made from the request's random nonce
and the site's secret key (an HMAC): it cannot be guessed, and the database keeps only its
SHA-256 (`token_hash`), which is how the link finds its request. A reminder sends the same
link, made again from the nonce; without the secret key the stored values make no link.

Who sees what (the rules live here and in `access`): the PM sees her requests and answers;
a colleague sees the requests addressed to her; the PM's current manager sees the answers
she shared, on the review page (once he has rated the shift) and in her packet.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.crypto import salted_hmac

from leadership.models import User
from transitions.models import FeedbackRequest, FeedbackRequestShift, Shift

_LINK_SALT = "transitions.feedback.link"
_TOKEN = re.compile(r"[0-9a-f]{64}")  # what token_for makes: a SHA-256 HMAC in hex


def token_for(request: FeedbackRequest) -> str:
    """The token in the request's link (outside people only)."""
    if not request.link_nonce:
        raise ValueError("Only a request to an outside person has a link.")
    return salted_hmac(_LINK_SALT, request.link_nonce, algorithm="sha256").hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_for_token(token: str) -> FeedbackRequest | None:
    """The open request a link's token names; None for a forged, revoked, expired, declined
    or answered one. A token of the wrong shape is not looked up at all."""
    if not _TOKEN.fullmatch(token):
        return None
    return (
        FeedbackRequest.objects.open()
        .filter(token_hash=token_hash(token))
        .select_related("requester")
        .first()
    )


def _with_shifts(requests: list[FeedbackRequest]) -> list[FeedbackRequest]:
    """Attach `asked_shifts` (in framework order) to each request. One query."""
    by_request: dict[int, list[Shift]] = defaultdict(list)
    links = (
        FeedbackRequestShift.objects.filter(request__in=[r.pk for r in requests])
        .select_related("shift__area")
        .order_by("shift__area__order", "shift__order")
    )
    for link in links:
        by_request[link.request_id].append(link.shift)
    for each in requests:
        each.asked_shifts = by_request.get(each.pk, [])
    return requests


@dataclass
class FeedbackPage:
    mine: list[FeedbackRequest]
    to_me: list[FeedbackRequest]
    open_count: int

    @property
    def answers(self) -> list[FeedbackRequest]:
        return [each for each in self.mine if each.answered_at]


def feedback_page(user: User) -> FeedbackPage:
    """What /feedback/ shows: the user's requests (answered first, newest first) and the open
    requests addressed to her. Three queries, whatever the number of requests."""
    requests = list(
        FeedbackRequest.objects.filter(requester=user)
        .select_related("recipient", "attested_shift")
        .order_by("-created_at", "-pk")
    )
    to_me = list(
        FeedbackRequest.objects.open()
        .filter(recipient=user)
        .select_related("requester")
        .order_by("-created_at", "-pk")
    )
    _with_shifts(requests + to_me)
    return FeedbackPage(
        mine=requests,
        to_me=to_me,
        open_count=sum(1 for each in requests if each.is_open),
    )


def with_shifts(request: FeedbackRequest) -> FeedbackRequest:
    return _with_shifts([request])[0]


def shared_by_shift(person: User, shifts: list[Shift]) -> dict[int, list[FeedbackRequest]]:
    """The answers the person shared with her manager, per shift asked about, newest first.
    One query."""
    by_shift: dict[int, list[FeedbackRequest]] = defaultdict(list)
    links = (
        FeedbackRequestShift.objects.filter(
            request__requester=person,
            request__answered_at__isnull=False,
            request__shared_at__isnull=False,
            shift__in=shifts,
        )
        .select_related("request")
        .order_by("-request__answered_at", "-request__pk")
    )
    for link in links:
        by_shift[link.shift_id].append(link.request)
    return by_shift


def attestations_by_shift(
    person: User, shifts: list[Shift], *, shared_only: bool
) -> dict[int, list[FeedbackRequest]]:
    """Answers the person attached to a shift as an attestation (only those she shared, for
    anyone but her), newest first. One query."""
    answers = FeedbackRequest.objects.answered().filter(requester=person, attested_shift__in=shifts)
    if shared_only:
        answers = answers.shared()
    by_shift: dict[int, list[FeedbackRequest]] = defaultdict(list)
    for each in answers.order_by("-answered_at", "-pk"):
        by_shift[each.attested_shift_id].append(each)
    return by_shift


def expires_at_from(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) + timedelta(days=FeedbackRequest.LIFETIME_DAYS)
