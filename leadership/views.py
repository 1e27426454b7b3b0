from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


@login_not_required
@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Report whether the app can reach its database (for load balancers and monitors)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("Health check: the database cannot be reached", exc_info=True)
        return JsonResponse({"status": "error", "database": "error"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


# The colours of static/css/app.css (--color-primary, --color-bg).
THEME_COLOR = "#2f5d8a"
BACKGROUND_COLOR = "#f7f8fa"


@login_not_required
@require_GET
@cache_control(max_age=3600)
def web_manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: the app can be installed on a phone or a desktop, and it takes
    links and text shared to it (Web Share Target) into a new evidence entry. It says nothing
    about anyone, so it is public; no service worker comes with it (none is needed to install,
    and none could serve someone's pages from a cache)."""
    manifest = {
        "id": "/",
        "name": "Leadership Transitions",
        "short_name": "Transitions",
        "description": "Measure, back with evidence and review your move from individual "
        "contributor to product leader.",
        "lang": "en",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": [
            {
                "src": static(f"icons/icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any",
            }
            for size in (192, 512)
        ]
        + [{"src": static("favicon.svg"), "sizes": "any", "type": "image/svg+xml"}],
        "share_target": {
            "action": reverse("evidence_new"),
            "method": "GET",
            "enctype": "application/x-www-form-urlencoded",
            "params": {"title": "title", "text": "text", "url": "url"},
        },
    }
    return JsonResponse(manifest, content_type="application/manifest+json")
