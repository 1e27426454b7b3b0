from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from leadership.models import User


def navigation(request: HttpRequest) -> dict[str, Any]:
    """`has_reports`: whether to offer the Team page; `has_org`: whether to offer the
    Organisation page (her reports have reports); `unread_notifications`: the count in the
    navigation. One query for all three, only when a page asks."""
    user = getattr(request, "user", None)

    def counts() -> dict[str, Any]:
        if user is None or not user.is_authenticated:
            return {"has_reports": False, "has_org": False, "unread": 0}
        row = (
            User.objects.filter(pk=user.pk)
            .values("pk")
            .annotate(
                has_reports=Exists(User.objects.direct_reports_of(OuterRef("pk"))),
                has_org=Exists(User.objects.second_line_of(OuterRef("pk"))),
                unread=Count("notifications", filter=Q(notifications__read_at__isnull=True)),
            )
            .first()
        )
        return row or {"has_reports": False, "has_org": False, "unread": 0}

    nav = SimpleLazyObject(counts)
    return {
        "has_reports": SimpleLazyObject(lambda: bool(nav["has_reports"])),
        "has_org": SimpleLazyObject(lambda: bool(nav["has_org"])),
        "unread_notifications": SimpleLazyObject(lambda: int(nav["unread"])),
    }


def sso(request: HttpRequest) -> dict[str, Any]:
    """The company's sign-in button, when it is configured (no query)."""
    if not settings.SSO_ENABLED:
        return {}
    return {"sso_name": settings.SSO_NAME, "sso_provider_id": settings.SSO_PROVIDER_ID}
