"""Feedback requests: the PM's list and form (/feedback/), one request of hers, the answer
page for a colleague with an account, and the public link page for anyone else."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from leadership.client_address import client_address
from transitions import access, feedback, services
from transitions.forms import FeedbackAnswerForm, FeedbackRequestForm
from transitions.models import FeedbackRequest

# The public link page answers this many requests per client address and window.
LINK_RATE_LIMIT = 60  # an office behind one address may have several people answering
LINK_RATE_WINDOW = 600  # seconds


@require_http_methods(["GET", "POST"])
def feedback_list(request: HttpRequest) -> HttpResponse:
    """My requests and the answers I received, the requests addressed to me, and a form to
    ask (prefilled with `?shift=slug` from a shift page)."""
    framework = access.framework_for(request.user)
    if request.method == "POST":
        form = FeedbackRequestForm(request.POST, framework=framework, requester=request.user)
        if form.is_valid():
            data = form.cleaned_data
            colleague = form.colleague()
            try:
                made = services.feedback_request_create(
                    requester=request.user,
                    shifts=data["shifts"],
                    question=data["question"],
                    recipient=colleague,
                    name=data["name"],
                    email=data["email"],
                    role=data["role"],
                )
            except services.TooManyOpenRequests:
                form.add_error(
                    None,
                    f"You have {FeedbackRequest.MAX_OPEN} requests waiting for an answer, the "
                    "most at a time. Revoke one, or wait for an answer, before asking again.",
                )
            else:
                how = "in the app" if colleague else "by email, with a private link"
                messages.success(request, f"Asked {made.recipient_display} {how}.")
                return redirect("feedback_detail", pk=made.pk)
        return _list_page(request, form, status=422)
    initial: dict[str, Any] = {}
    if slug := request.GET.get("shift"):
        shift = access.shift_for(request.user, slug)
        if not shift.is_retired:
            initial["shifts"] = [shift.pk]
    form = FeedbackRequestForm(initial=initial, framework=framework, requester=request.user)
    return _list_page(request, form)


def _list_page(request: HttpRequest, form: FeedbackRequestForm, status: int = 200) -> HttpResponse:
    page = feedback.feedback_page(request.user)
    context = {
        "page": page,
        "form": form,
        "max_open": FeedbackRequest.MAX_OPEN,
        "nav": "feedback",
    }
    return render(request, "transitions/feedback_list.html", context, status=status)


_ACTIONS = {"revoke", "remind", "share", "unshare", "attest"}


@require_http_methods(["GET", "POST"])
def feedback_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One of my requests: its status and answer, and what I may do with it."""
    asked = feedback.with_shifts(access.feedback_request_for(request.user, pk))
    if request.method == "GET":
        return _detail_page(request, asked)
    action = request.POST.get("action", "")
    if action not in _ACTIONS:
        return _detail_page(request, asked, error="Choose what to do.", status=400)
    try:
        if action == "revoke":
            services.feedback_revoke(request=asked)
            messages.success(request, "Request revoked: its link no longer works.")
        elif action == "remind":
            services.feedback_remind(request=asked)
            messages.success(request, f"Reminder sent to {asked.recipient_display}.")
        elif action in ("share", "unshare"):
            services.feedback_share(request=asked, shared=action == "share")
            messages.success(
                request,
                "Shared with your manager."
                if action == "share"
                else "No longer shared: only you see this answer.",
            )
        else:
            slug = request.POST.get("shift", "")
            shift = next((s for s in asked.asked_shifts if s.slug == slug), None)
            if slug and shift is None:
                return _detail_page(
                    request, asked, error="Choose one of the shifts asked about.", status=422
                )
            services.feedback_attest(request=asked, shift=shift)
            messages.success(
                request,
                "Attached to your packet as an attestation."
                if shift
                else "No longer an attestation in your packet.",
            )
    except services.FeedbackClosed:
        return _detail_page(
            request,
            asked,
            error="This request is closed (answered, declined, revoked or expired): "
            "that cannot be done any more.",
            status=409,
        )
    except services.AlreadyReminded:
        return _detail_page(
            request, asked, error="A reminder was sent already: there is one at most.", status=409
        )
    return redirect("feedback_detail", pk=asked.pk)


def _detail_page(
    request: HttpRequest, asked: FeedbackRequest, *, error: str = "", status: int = 200
) -> HttpResponse:
    if status != 200:
        asked.refresh_from_db()
        asked = feedback.with_shifts(asked)
    return render(
        request,
        "transitions/feedback_detail.html",
        {"asked": asked, "error": error, "nav": "feedback"},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def feedback_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """A request addressed to me, as a colleague with an account: answer, save, or decline."""
    asked = feedback.with_shifts(access.feedback_asked_for(request.user, pk))
    return _answer(request, asked, template="transitions/feedback_answer.html")


@login_not_required
# The token in the address is the credential, and no other page could know it to forge a
# POST; and with no referrer, browsers send `Origin: null`, which Django's check refuses.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def feedback_link(request: HttpRequest, token: str) -> HttpResponse:
    """The page an outside person reaches from the email: only the shifts asked about, the
    question and the PM's name. No navigation into the app, not indexed, no referrer; a
    forged, expired, revoked or used link answers 404 and writes nothing."""
    if _over_limit(request):
        response = render(request, "transitions/feedback_link_limited.html", status=429)
        response["Retry-After"] = str(LINK_RATE_WINDOW)
        return _private(response)
    asked = feedback.request_for_token(token)
    if asked is None:
        return _private(render(request, "transitions/feedback_link_gone.html", status=404))
    asked = feedback.with_shifts(asked)
    return _private(_answer(request, asked, template="transitions/feedback_link.html"))


def _private(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _over_limit(request: HttpRequest) -> bool:
    """Count this request against its address; True past LINK_RATE_LIMIT in the window."""
    key = f"feedback-link:{client_address(request) or 'unknown'}"
    cache.add(key, 0, timeout=LINK_RATE_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=LINK_RATE_WINDOW)
        count = 1
    return count > LINK_RATE_LIMIT


def _answer(request: HttpRequest, asked: FeedbackRequest, *, template: str) -> HttpResponse:
    """The answer form, for either kind of giver: a draft is saved, "send" makes it final,
    "decline" says no. Closed requests show what became of them (the link page never gets
    here with one)."""
    context: dict[str, Any] = {"asked": asked, "requester": asked.requester, "nav": "feedback"}
    if request.method == "GET" or not asked.is_open:
        if request.method == "POST":
            context["closed"] = True
            return render(request, template, context, status=409)
        context["form"] = FeedbackAnswerForm(
            initial={
                "example": asked.example,
                "frequency": asked.frequency,
                "giver_name": asked.giver_name,
                "giver_role": asked.giver_role,
            }
        )
        return render(request, template, context)
    action = request.POST.get("action", "save")
    try:
        if action == "decline":
            services.feedback_decline(request=asked)
            context["done"] = "declined"
            return render(request, template, context)
        form = FeedbackAnswerForm(request.POST, send=action == "send")
        if not form.is_valid():
            context["form"] = form
            return render(request, template, context, status=422)
        saved = services.feedback_answer_save(
            request=asked, data=form.cleaned_data, send=action == "send"
        )
    except services.FeedbackClosed:
        context["closed"] = True
        return render(request, template, context, status=409)
    if saved.answered_at:
        context["done"] = "answered"
        return render(request, template, context)
    context["form"] = form
    context["saved"] = True
    return render(request, template, context)
