"""Notifications: my list, marking them read, my preferences, and the one-click unsubscribe."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from transitions import access, notifications, pagecache
from transitions.models import EmailChoice, Notification

PAGE_SIZE = 20


@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    """My notifications, newest first, a page at a time."""
    if request.htmx and not request.htmx.boosted:
        return _list(request)
    return pagecache.page(request, "notifications", lambda: _list(request))


def _list(request: HttpRequest) -> HttpResponse:
    mine = Notification.objects.for_recipient(request.user)
    page = Paginator(mine, PAGE_SIZE).get_page(request.GET.get("page"))
    items = [
        {
            "pk": n.pk,
            "text": n.text,
            "created_at": n.created_at,
            "unread": n.read_at is None,
            "has_link": bool(n.url),
        }
        for n in page
    ]
    context = {"page": page, "items": items, "nav": "notifications"}
    template = "transitions/notification_list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(request, template, context)


@require_GET
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one of mine read and go to what it is about; the target page checks access
    itself, so a notification about something she can no longer see leads to a 404."""
    notification = access.notification_for(request.user, pk)
    if notification.read_at is None:
        Notification.objects.filter(pk=pk).update(read_at=timezone.now())
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect(notification.url)
    return redirect("notification_list")


@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    access.notification_for(request.user, pk)
    Notification.objects.filter(pk=pk, read_at__isnull=True).update(read_at=timezone.now())
    return redirect("notification_list")


@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = Notification.objects.for_recipient(request.user).unread().update(read_at=timezone.now())
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} as read.")
    return redirect("notification_list")


@require_http_methods(["GET", "POST"])
def notification_preferences(request: HttpRequest) -> HttpResponse:
    """Each kind on or off, and by email immediately, in a daily digest, or never."""
    preferences = notifications.preferences_of(request.user)
    errors: list[str] = []
    if request.method == "POST":
        choices: dict[str, tuple[bool, str]] = {}
        for preference in preferences:
            email = request.POST.get(f"{preference.kind}-email", "")
            if email not in EmailChoice.values:
                errors.append(f"Choose how to be emailed for “{preference.label}”.")
                continue
            choices[preference.kind] = (
                request.POST.get(f"{preference.kind}-enabled") == "on",
                email,
            )
        if not errors:
            notifications.preferences_save(person=request.user, choices=choices)
            messages.success(request, "Saved your notification preferences.")
            return redirect("notification_preferences")
    groups: dict[str, list[notifications.Preference]] = {}
    for preference in preferences:
        groups.setdefault(preference.audience, []).append(preference)
    return render(
        request,
        "transitions/notification_preferences.html",
        {
            "groups": list(groups.items()),
            "email_choices": EmailChoice.choices,
            "errors": errors,
            "nav": "notifications",
        },
        status=422 if errors else 200,
    )


@login_not_required
@csrf_exempt  # RFC 8058: mail clients POST the one-click unsubscribe with no token
@require_http_methods(["GET", "POST"])
def notification_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The signed link in every email: it stops emails of its own kinds for its own recipient,
    without logging in. GET asks to confirm (link scanners must not unsubscribe anybody);
    POST, from that page or from the mail client's one-click button, unsubscribes."""
    target = notifications.unsubscribe_target(token)
    if target is None:
        raise Http404("This unsubscribe link is not valid.")
    person, kinds = target
    labels = [notifications.Kind(kind).label for kind in kinds]
    done = request.method == "POST"
    if done:
        notifications.unsubscribe(person=person, kinds=kinds)
    return render(
        request,
        "transitions/notification_unsubscribe.html",
        {"labels": labels, "done": done, "token": token},
    )
