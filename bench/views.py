from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def baseline(request: HttpRequest) -> HttpResponse:
    """The smallest authenticated page: the app's layout around one short paragraph.

    It pays for what every page pays — middleware, the database session, the user, the
    navigation (one query for the Team link), the layout template — and nothing else."""
    return render(request, "bench/baseline.html", {"nav": ""})
