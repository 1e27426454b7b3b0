from __future__ import annotations

from django.test import Client

from leadership.models import User


def test_login_page_renders(client: Client, db: None) -> None:
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b'<label for="id_username">' in response.content


def test_login_then_framework_then_logout(client: Client, pm: User) -> None:
    response = client.post(
        "/accounts/login/", {"username": "priya", "password": "pw-for-tests"}, follow=True
    )
    assert response.status_code == 200
    assert response.context["user"] == pm
    assert b"Log out" in response.content

    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/framework/").status_code == 302


def test_a_wrong_password_is_answered_clearly(client: Client, pm: User) -> None:
    response = client.post("/accounts/login/", {"username": "priya", "password": "nope"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
