"""Small middleware for the session's lifetime and for caching of private pages."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

Handler = Callable[[HttpRequest], HttpResponse]

# Refresh the session's last-seen time at most this often (seconds), to spare writes.
_REFRESH_EVERY = 300


def idle_timeout(get_response: Handler) -> Handler:
    """Sign a person out after SESSION_IDLE_TIMEOUT seconds without a request."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            seen = request.session.get("seen", now)
            if now - seen > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                messages.info(request, "You were signed out after a period of inactivity.")
                return redirect_to_login(request.get_full_path())
            if now - seen >= _REFRESH_EVERY:
                request.session["seen"] = now
        return get_response(request)

    return middleware


def no_store(get_response: Handler) -> Handler:
    """Ask browsers and proxies to keep no copy of any page: they hold people's assessments."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response["Cache-Control"] = "no-store"
        return response

    return middleware


def mark_seen_at_login(
    sender: object, request: HttpRequest, user: object, **kwargs: object
) -> None:
    """Start the inactivity clock when a person logs in (connected to user_logged_in)."""
    request.session["seen"] = int(time.time())
