from __future__ import annotations

from unittest import mock

from django.db import OperationalError
from django.test import Client


def test_healthz_reports_ok_without_login(client: Client, db: None) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_503_when_the_database_is_down(client: Client, db: None) -> None:
    with mock.patch(
        "leadership.views.connection.cursor", side_effect=OperationalError("connection refused")
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error"}
