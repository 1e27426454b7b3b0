"""The promotion packet: one printable page per person, also downloadable as Markdown."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from leadership.models import User
from transitions import access, pagecache, progress


@require_GET
def packet(request: HttpRequest) -> HttpResponse:
    """My own packet; private evidence only when I tick the option."""
    include_private = request.GET.get("include_private") == "1"
    return packet_response(
        request, request.user, include_private=include_private, for_manager=False
    )


def packet_response(
    request: HttpRequest, person: User, *, include_private: bool, for_manager: bool
) -> HttpResponse:
    return pagecache.page(
        request,
        "packet",
        lambda: _packet(request, person, include_private=include_private, for_manager=for_manager),
        people=[person.pk],
    )


def _packet(
    request: HttpRequest, person: User, *, include_private: bool, for_manager: bool
) -> HttpResponse:
    now = pagecache.day_end()
    hidden = (
        progress.hidden_self_ratings(request.user, [person]).get(person.pk, set())
        if for_manager
        else set()
    )
    data = progress.packet(
        person,
        access.framework_for(person),
        include_private=include_private,
        now=now,
        hidden_self=hidden,
    )
    context = {
        "packet": data,
        "made_at": now,
        "for_manager": for_manager,
        "nav": "team" if for_manager else "packet",
    }
    if request.GET.get("format") == "md":
        body = render_to_string("transitions/packet.md", context, request=request)
        response = HttpResponse(body, content_type="text/markdown; charset=utf-8")
        filename = f"promotion-packet-{person.username}-{now:%Y-%m-%d}.md"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return render(request, "transitions/packet.html", context)
