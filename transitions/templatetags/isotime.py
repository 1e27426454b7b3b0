"""`{{ value|isotime }}`: a date or time as the HTML `datetime` attribute accepts it."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def isotime(value: date | None) -> str:
    """ISO 8601 to the second in the current time zone ("2025-03-01T09:30:00+01:00"), or the
    day alone for a date. Django's `date:"c"` keeps microseconds, which HTML does not allow."""
    if not value:
        return ""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.isoformat(timespec="seconds")
    return value.isoformat()
