"""Sign-in with the company's OpenID Connect provider, against a real provider process
(tests/leadership/oidc_provider.py); and, unconfigured, no trace of it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
import requests
from django.conf import settings
from django.test import Client
from django.urls import NoReverseMatch, reverse
from pytest_django.asserts import assertContains, assertNotContains

from leadership import invitations
from leadership.models import Invitation, User

ROOT = Path(__file__).resolve().parents[2]


def _sign_in(client: Client, provider: str, email: str, *, verified: bool = True) -> Any:
    """The browser's part, step by step: the app sends it to the provider, the provider's
    form is answered, and the provider sends it back to the app's callback."""
    response = client.post("/accounts/oidc/sso/login/", {"process": "login"})
    assert response.status_code == 302, response.content
    authorize = response["Location"]
    assert authorize.startswith(f"{provider}/authorize?")
    answer = {"login": email} | ({"verified": "yes"} if verified else {})
    back = requests.get(f"{authorize}&{urlencode(answer)}", allow_redirects=False, timeout=10)
    assert back.status_code == 302, back.text
    callback = urlsplit(back.headers["Location"])
    assert callback.path == "/accounts/oidc/sso/login/callback/"
    return client.get(f"{callback.path}?{callback.query}")


def _signed_in_as(client: Client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def test_the_login_page_offers_the_provider(db: None, sso: str) -> None:
    assertContains(Client().get("/accounts/login/"), "Sign in with Example SSO")


def test_an_existing_account_is_linked_by_its_verified_address(sso: str, pm: User) -> None:
    client = Client()
    response = _sign_in(client, sso, pm.email.upper())
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert _signed_in_as(client) == pm
    assert pm.socialaccount_set.get().uid == f"sub-{pm.email}"
    # The next time, the link is used; the password she has stays usable.
    assert _sign_in(Client(), sso, pm.email).status_code == 302
    assert User.objects.filter(email__iexact=pm.email).count() == 1
    assert User.objects.get(pk=pm.pk).check_password("pw-for-tests")


def test_a_pending_invitation_is_accepted_on_first_sign_in(
    sso: str, manager: User, pm: User
) -> None:
    invitations.invite(emails=["nora@example.com"], by=manager, manager=manager, framework=None)
    client = Client()
    response = _sign_in(client, sso, "nora@example.com")
    assert response["Location"] == "/welcome/"
    nora = _signed_in_as(client)
    assert nora is not None
    assert (nora.email, nora.manager, nora.first_name) == ("nora@example.com", manager, "Nora")
    assert not nora.has_usable_password()
    assert Invitation.objects.get().status == Invitation.Status.ACCEPTED
    assertContains(client.get("/welcome/"), "Do your first check-in")


def test_a_new_address_of_an_allowed_domain_gets_an_account_without_a_password(
    db: None, sso: str
) -> None:
    client = Client()
    assert _sign_in(client, sso, "otto@example.com")["Location"] == "/welcome/"
    otto = _signed_in_as(client)
    assert otto is not None
    assert (otto.username, otto.manager) == ("otto", None)
    assert not otto.has_usable_password()


def test_a_domain_that_is_not_allowed_is_refused(db: None, sso: str) -> None:
    client = Client()
    response = _sign_in(client, sso, "mallory@elsewhere.test")
    assertContains(response, "Addresses at elsewhere.test cannot sign in here", status_code=403)
    assert _signed_in_as(client) is None
    assert not User.objects.filter(email="mallory@elsewhere.test").exists()


def test_an_address_the_provider_does_not_vouch_for_is_refused(sso: str, pm: User) -> None:
    client = Client()
    response = _sign_in(client, sso, pm.email, verified=False)
    assertContains(response, "did not confirm an email address", status_code=403)
    assert _signed_in_as(client) is None
    assert not pm.socialaccount_set.exists()


def test_a_deactivated_person_is_refused(sso: str, pm: User) -> None:
    User.objects.filter(pk=pm.pk).update(is_active=False)
    client = Client()
    assertContains(_sign_in(client, sso, pm.email), "deactivated", status_code=403)
    assert _signed_in_as(client) is None


def test_a_sign_in_started_by_a_get_asks_first(db: None, sso: str) -> None:
    """A link cannot start a sign-in by itself (login CSRF): the GET asks to continue."""
    response = Client().get("/accounts/oidc/sso/login/")
    assertContains(response, "Continue")


def test_without_configuration_there_is_no_trace_of_it(client: Client) -> None:
    assert not settings.SSO_ENABLED
    page = client.get("/accounts/login/")
    assertNotContains(page, "Sign in with")
    assertNotContains(page, "oidc")
    for path in ("/accounts/oidc/sso/login/", "/accounts/oidc/sso/login/callback/"):
        assert client.get(path).status_code == 404
        assert client.post(path).status_code == 404
    with pytest.raises(NoReverseMatch):
        reverse("openid_connect_login", args=["sso"])


def _production(env: dict[str, str], *command: str) -> subprocess.CompletedProcess[str]:
    """manage.py under the production settings module, with only these variables set."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    base = {
        "DJANGO_SETTINGS_MODULE": "leadership.settings",
        "DJANGO_SECRET_KEY": "production-like-" + "k" * 50,
        "DJANGO_ALLOWED_HOSTS": "leadership.example.com",
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env={**clean, **base, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


CONFIGURED = {
    "DJANGO_OIDC_ISSUER_URL": "https://login.example.com",
    "DJANGO_OIDC_CLIENT_ID": "leadership",
    "DJANGO_OIDC_CLIENT_SECRET": "s3cret-from-the-provider",
    "DJANGO_OIDC_ALLOWED_DOMAINS": "example.com, @Example.org",
}
SHOW = (
    "from django.conf import settings as s; from django.urls import reverse;"
    "print(s.SSO_ENABLED, 'allauth' in s.INSTALLED_APPS, s.SSO_ALLOWED_DOMAINS);"
    "print(reverse('openid_connect_login', args=['sso']) if s.SSO_ENABLED else '-');"
    "print(s.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'])"
)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, ["False False []", "-", "[\"'self'\"]"]),
        (
            CONFIGURED,
            [
                "True True ['example.com', 'example.org']",
                "/accounts/oidc/sso/login/",
                # The sign-in form's answer is a redirect to the provider.
                "[\"'self'\", 'https://login.example.com']",
            ],
        ),
    ],
    ids=["unset", "configured"],
)
def test_it_is_configured_entirely_by_the_environment(
    env: dict[str, str], expected: list[str]
) -> None:
    result = _production(env, "shell", "-c", SHOW)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-3:] == expected


@pytest.mark.parametrize("env", [{}, CONFIGURED], ids=["unset", "configured"])
def test_check_deploy_stays_clean(env: dict[str, str]) -> None:
    result = _production(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_issuer_without_its_client_is_refused_at_start() -> None:
    result = _production({"DJANGO_OIDC_ISSUER_URL": "https://login.example.com"}, "check")
    assert result.returncode != 0
    assert "DJANGO_OIDC_CLIENT_ID and DJANGO_OIDC_CLIENT_SECRET must be set" in result.stderr
