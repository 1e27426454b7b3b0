"""Production settings, security headers, authentication and security logging."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from pytest_django.asserts import assertContains

from leadership.models import User

ROOT = Path(__file__).resolve().parents[1]
EXPECTED_CSP = {
    "default-src": "'none'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "font-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "manifest-src": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
}


def _csp(header: str) -> dict[str, str]:
    """The policy as {directive: sources}; the header's directive order carries no meaning."""
    directives = [part.strip().split(" ", 1) for part in header.split(";") if part.strip()]
    return dict(directives)


PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-real-looking-secret-" + "k" * 50,
    "DJANGO_ALLOWED_HOSTS": "leadership.example.com",
}


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return subprocess.run(  # noqa: S603 — our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "leadership.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings() -> None:
    result = _run(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_are_secure() -> None:
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS,"
        " s.SECURE_HSTS_PRELOAD,"
        " s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.PASSWORD_HASHERS[0].rsplit('.', 1)[1], s.SECURE_PROXY_SSL_HEADER)"
    )
    result = _run(["shell", "-c", code], PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == [
        "True",
        "31536000",
        "True",
        "False",  # preload is a promise to browser vendors: opt-in (DJANGO_HSTS_PRELOAD)
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
        "True",
        "Argon2PasswordHasher",
        "None",
    ]
    behind_proxy = _run(
        ["shell", "-c", "from django.conf import settings as s; print(s.SECURE_PROXY_SSL_HEADER)"],
        {**PRODUCTION_ENV, "DJANGO_TRUST_X_FORWARDED_PROTO": "1"},
    )
    assert "HTTP_X_FORWARDED_PROTO" in behind_proxy.stdout


def test_hsts_preload_is_opt_in_and_check_deploy_stays_clean_either_way() -> None:
    preload = {**PRODUCTION_ENV, "DJANGO_HSTS_PRELOAD": "1"}
    result = _run(
        ["shell", "-c", "from django.conf import settings as s; print(s.SECURE_HSTS_PRELOAD)"],
        preload,
    )
    assert result.stdout.splitlines()[-1] == "True"
    result = _run(["check", "--deploy", "--fail-level", "WARNING"], preload)
    assert result.returncode == 0, result.stdout + result.stderr


def test_passwords_are_hashed_with_argon2_in_production() -> None:
    assert settings.PRODUCTION_PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@pytest.mark.parametrize("url", ["/", "/evidence/", "/check-ins/", "/framework/", "/admin/"])
def test_pages_carry_the_security_headers_and_the_exact_csp(
    client: Client, superuser: User, url: str
) -> None:
    client.force_login(superuser)
    response = client.get(url, secure=True)
    assert response.status_code == 200
    assert _csp(response["Content-Security-Policy"]) == EXPECTED_CSP
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_the_login_page_has_the_csp_too(client: Client, db: None) -> None:
    response = client.get("/accounts/login/", secure=True)
    assert _csp(response["Content-Security-Policy"]) == EXPECTED_CSP


# Every page of every persona is checked for inline code by the access matrix's walk
# (tests/test_access_matrix.py, test_no_page_carries_inline_script_or_style); these pages are
# not on that walk.
def test_the_csrf_refusal_and_the_server_error_pages_carry_no_inline_code(
    pm: User, framework: object
) -> None:
    from django.template import loader

    from tests.html_page import Page

    client = Client(enforce_csrf_checks=True)
    client.force_login(pm)
    refused = client.post("/evidence/new/", {"title": "Sent from a stale page"})
    assertContains(refused, "This form has expired", status_code=403)
    assert Page(refused.content.decode()).inline_code == []
    # Django renders the 500 page with an empty context, without a request.
    server_error = loader.get_template("500.html").render({})
    assert "<h1>" in server_error
    assert Page(server_error).inline_code == []


def test_http_is_redirected_to_https(client: Client, db: None) -> None:
    with override_settings(SECURE_SSL_REDIRECT=True):
        response = client.get("/accounts/login/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/accounts/login/"


def test_htmx_sends_the_csrf_token_from_the_body(
    client: Client, pm: User, framework: object
) -> None:
    client.force_login(pm)
    body = client.get("/").content.decode()
    assert '<body hx-headers=\'{"X-CSRFToken": "' in body
    assert '"allowEval": false' in body
    assert '"includeIndicatorStyles": false' in body


def test_login_is_locked_after_five_failures(client: Client, pm: User, caplog) -> None:
    caplog.set_level(logging.WARNING)
    for _ in range(5):
        response = client.post("/accounts/login/", {"username": "priya", "password": "wrong-guess"})
    response = client.post("/accounts/login/", {"username": "priya", "password": "pw-for-tests"})
    assert response.status_code == 429
    assert "locked for 15 minutes" in response.content.decode()
    assert "wrong-guess" not in caplog.text
    assert "pw-for-tests" not in caplog.text
    assert "login failed for username='priya'" in caplog.text

    # An administrator unlocks it by removing the attempts in the admin (django-axes).
    from axes.models import AccessAttempt

    assert AccessAttempt.objects.filter(username="priya").exists()
    AccessAttempt.objects.filter(username="priya").delete()
    response = client.post("/accounts/login/", {"username": "priya", "password": "pw-for-tests"})
    assert response.status_code == 302


def test_the_lockout_is_per_username(client: Client, pm: User, other_pm: User) -> None:
    for _ in range(5):
        client.post("/accounts/login/", {"username": "priya", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "sam", "password": "pw-for-tests"})
    assert response.status_code == 302


def _login(client: Client, password: str, forwarded_for: str) -> int:
    response = client.post(
        "/accounts/login/",
        {"username": "priya", "password": password},
        headers={"X-Forwarded-For": forwarded_for},
    )
    return response.status_code


@override_settings(PROXY_COUNT=1)
def test_behind_a_proxy_failures_elsewhere_do_not_lock_her_out(client: Client, pm: User) -> None:
    # Every request arrives from the proxy (REMOTE_ADDR 127.0.0.1); the proxy names the client.
    for _ in range(5):
        _login(client, "wrong", "203.0.113.9")
    assert _login(Client(), "pw-for-tests", "198.51.100.7") == 302


@override_settings(PROXY_COUNT=1)
def test_behind_a_proxy_failures_still_lock_that_client(client: Client, pm: User, caplog) -> None:
    caplog.set_level(logging.WARNING, logger="leadership.security")
    # A forged X-Forwarded-For is kept by the proxy, which appends the address it saw: the
    # attacker cannot dodge the lock by inventing a new address for each guess.
    for n in range(5):
        _login(client, "wrong", f"10.0.0.{n}, 203.0.113.9")
    assert _login(client, "pw-for-tests", "203.0.113.9") == 429
    assert "login failed for username='priya' from 203.0.113.9" in caplog.text


@override_settings(PROXY_COUNT=1)
def test_behind_a_proxy_a_client_sending_its_own_header_is_told_apart(
    client: Client, pm: User
) -> None:
    # Office networks add X-Forwarded-For themselves; that must not put her in the bucket
    # of everyone else whose chain is "too long" (the proxy's own address).
    for _ in range(5):
        _login(client, "wrong", "garbage, 203.0.113.9")
    assert _login(Client(), "pw-for-tests", "10.1.2.3, 198.51.100.7") == 302


def test_without_a_proxy_x_forwarded_for_is_ignored(client: Client, pm: User) -> None:
    # With DJANGO_PROXY_COUNT 0 the header comes from the client and proves nothing.
    for n in range(5):
        _login(client, "wrong", f"198.51.100.{n}")
    assert _login(client, "pw-for-tests", "198.51.100.77") == 429


@override_settings(PROXY_COUNT=2)
def test_with_two_proxies_the_address_the_first_one_saw_is_the_client(
    client: Client, pm: User
) -> None:
    for _ in range(5):
        _login(client, "wrong", "203.0.113.9, 10.0.0.2")
    assert _login(client, "pw-for-tests", "198.51.100.7, 10.0.0.2") == 302
    assert _login(client, "pw-for-tests", "203.0.113.9, 10.0.0.2") == 429


def test_logout_ends_the_session(client: Client, pm: User) -> None:
    client.post("/accounts/login/", {"username": "priya", "password": "pw-for-tests"})
    old_session = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post("/accounts/logout/")
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=old_session).exists()
    assert client.get("/").status_code == 302


def test_a_password_change_ends_the_other_sessions(pm: User) -> None:
    laptop, phone = Client(), Client()
    for device in (laptop, phone):
        device.post("/accounts/login/", {"username": "priya", "password": "pw-for-tests"})
        assert device.get("/").status_code == 200
    response = laptop.post(
        "/accounts/password_change/",
        {
            "old_password": "pw-for-tests",
            "new_password1": "a-much-longer-passphrase-42",
            "new_password2": "a-much-longer-passphrase-42",
        },
    )
    assert response.status_code == 302
    assert laptop.get("/").status_code == 200
    assert phone.get("/").status_code == 302


def test_an_idle_session_times_out(client: Client, pm: User) -> None:
    client.force_login(pm)
    session = client.session
    session["seen"] -= settings.SESSION_IDLE_TIMEOUT + 1
    session.save()
    response = client.get("/evidence/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.get("/").status_code == 302


def test_authorization_failures_are_logged_without_content(
    client: Client, pm: User, other_pm: User, caplog
) -> None:
    from tests.factories import EvidenceFactory

    evidence = EvidenceFactory(author=pm, title="Confidential title", body="Secret body")
    client.force_login(other_pm)
    caplog.set_level(logging.WARNING, logger="leadership.security")
    assert client.get(f"/evidence/{evidence.pk}/").status_code == 404
    assert f"asked for evidence {evidence.pk}" in caplog.text
    assert "Confidential" not in caplog.text
    assert "Secret body" not in caplog.text
