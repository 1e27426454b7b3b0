from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from leadership.models import User


def navigation(request: HttpRequest) -> dict[str, Any]:
    """`has_reports`: whether to offer the Team page (one query, only when a page asks)."""
    user = getattr(request, "user", None)

    def has_reports() -> bool:
        return bool(
            user is not None
            and user.is_authenticated
            and User.objects.direct_reports_of(user).exists()
        )

    return {"has_reports": SimpleLazyObject(has_reports)}
