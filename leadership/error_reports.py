"""Error reports (the email to ADMINS on a server error) without what people wrote.

Django's reports list the request's POST and GET values; here those are ratings, notes,
evidence, reviews and searches. With DEBUG off every value is replaced by stars, the field
names stay (they help to debug), and the query string is cut from the addresses.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

# request.META entries holding the address of a page, query string included.
_URL_HEADERS = {"HTTP_REFERER", "HTTP_HX_CURRENT_URL"}


class ContentFreeFilter(SafeExceptionReporterFilter):
    def get_post_parameters(self, request: HttpRequest | None) -> Any:
        if request is None or not self.is_active(request):
            return super().get_post_parameters(request)
        return dict.fromkeys(request.POST, self.cleansed_substitute)

    def get_safe_request_meta(self, request: HttpRequest) -> dict[str, Any]:
        meta = super().get_safe_request_meta(request)
        if self.is_active(request):
            if meta.get("QUERY_STRING"):
                meta["QUERY_STRING"] = self.cleansed_substitute
            for key in _URL_HEADERS & meta.keys():
                meta[key] = _without_query(str(meta[key]), self.cleansed_substitute)
        return meta


class ContentFreeReporter(ExceptionReporter):
    def get_traceback_data(self) -> dict[str, Any]:
        data = super().get_traceback_data()
        request = self.request
        if request is not None and self.filter.is_active(request):
            data["request_GET_items"] = [
                (key, self.filter.cleansed_substitute) for key in request.GET
            ]
            data["request_insecure_uri"] = _without_query(
                data["request_insecure_uri"], self.filter.cleansed_substitute
            )
        return data


def _without_query(url: str, substitute: str) -> str:
    base, separator, _ = url.partition("?")
    return f"{base}{separator}{substitute}" if separator else base
