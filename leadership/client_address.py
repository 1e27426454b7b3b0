"""The address of the person's browser, as seen by the first of our own proxies.

Behind DJANGO_PROXY_COUNT proxies, each one appends the address it received the request from
to X-Forwarded-For, and the last one is REMOTE_ADDR. The client is therefore the entry that
many places from the right: what a client writes into the header itself lies to the left of
it and is ignored. Login throttling (django-axes) and the security log key on this address.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.PROXY_COUNT
    if not count:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(hops) < count:
        # Not through all our proxies (someone reached the app directly): trust the socket.
        return remote
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return remote
