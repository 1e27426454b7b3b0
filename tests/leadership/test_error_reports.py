"""Server errors reach the administrators by email, without what people wrote."""

from __future__ import annotations

import pytest
from django.core import mail
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path

from leadership.models import User

NOTE = "I still rewrite the roadmap myself instead of delegating it"
SEARCH = "quarrel with Bartholomew"


def _broken(request: HttpRequest) -> HttpResponse:
    request.POST.get("note")
    raise RuntimeError("the view broke")


urlpatterns = [path("broken/", _broken)]


@pytest.fixture
def broken_client(client: Client, pm: User) -> Client:
    client.raise_request_exception = False
    client.force_login(pm)
    return client


@pytest.mark.urls(__name__)
@override_settings(ADMINS=[("Ops", "ops@example.com")])
def test_a_server_error_emails_the_admins_once_without_what_was_sent(
    broken_client: Client,
) -> None:
    response = broken_client.post(
        f"/broken/?q={SEARCH}",
        {"note": NOTE},
        headers={
            "Referer": f"http://testserver/evidence/?q={SEARCH}",
            "HX-Current-URL": f"http://testserver/evidence/?q={SEARCH}",
        },
    )
    assert response.status_code == 500
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["ops@example.com"]
    assert "RuntimeError" in email.body
    assert "the view broke" in email.body
    assert "note = '********************'" in email.body  # which field, not what it said
    assert "q = '********************'" in email.body
    everything = email.subject + email.body + repr(email.alternatives)
    assert NOTE not in everything
    assert "Bartholomew" not in everything


@pytest.mark.urls(__name__)
def test_without_admins_no_email_is_sent(broken_client: Client) -> None:
    assert broken_client.post("/broken/", {"note": NOTE}).status_code == 500
    assert mail.outbox == []
