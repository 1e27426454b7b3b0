"""Sign-in with the company's OpenID Connect provider: who may come in, and as whom.

django-allauth speaks OpenID Connect with the provider (leadership/settings.py configures it
from the environment); this adapter decides, before allauth signs anyone in:

- the provider must vouch for the address (`email_verified`), and its domain must be one of
  DJANGO_OIDC_ALLOWED_DOMAINS (when set), or the sign-in is refused with a page saying why;
- a person already linked to the provider signs in as herself, unless deactivated;
- otherwise the address's account, if there is one, is linked to the provider; failing that,
  a pending invitation for the address is accepted (her manager and framework are the
  invitation's); failing that, a new account is made, with nobody as manager yet;
- an account made here has no usable password (an administrator may set one in the admin).

allauth's own sign-up, password and email pages are never reached: its URLs are not
included (leadership/urls.py), and sign-up by any other path is closed.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import render
from django.urls import reverse

from leadership import invitations
from leadership.models import User


def domain_allowed(email: str) -> bool:
    allowed = settings.SSO_ALLOWED_DOMAINS
    return not allowed or email.rsplit("@", 1)[-1].lower() in allowed


def _refuse(request: HttpRequest, reason: str) -> ImmediateHttpResponse:
    return ImmediateHttpResponse(
        render(
            request,
            "leadership/sso_refused.html",
            {"reason": reason, "provider": settings.SSO_NAME},
            status=403,
        )
    )


def _verified_email(sociallogin: SocialLogin) -> str | None:
    for address in sociallogin.email_addresses:
        if address.verified and address.email:
            return address.email.strip().lower()
    return None


class SignInAdapter(DefaultSocialAccountAdapter):
    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        email = _verified_email(sociallogin)
        if email is None:
            raise _refuse(
                request,
                f"{settings.SSO_NAME} did not confirm an email address for you, so we cannot "
                "tell which account is yours. Ask your IT team, or log in with your password.",
            )
        if not domain_allowed(email):
            raise _refuse(
                request,
                f"Addresses at {email.rsplit('@', 1)[-1]} cannot sign in here. Sign in with "
                "your work account, or ask an administrator for an invitation.",
            )
        if sociallogin.is_existing:
            if not sociallogin.user.is_active:
                raise _refuse(request, "Your account is deactivated. Ask an administrator.")
            return
        with transaction.atomic():
            person = User.objects.filter(email__iexact=email).order_by("pk").first()
            if person is not None and not person.is_active:
                raise _refuse(request, "Your account is deactivated. Ask an administrator.")
            data = sociallogin.account.extra_data
            claims = data.get("userinfo") or data.get("id_token") or data
            first, last = claims.get("given_name") or "", claims.get("family_name") or ""
            invitation = invitations.pending_for(email)
            if person is not None:
                if invitation is not None and invitation.user_id == person.pk:
                    invitations.accept_for_existing(invitation=invitation, person=person)
            elif invitation is not None:
                person = invitations.accept(
                    invitation=invitation, first_name=first, last_name=last, password=None
                )
                sociallogin.state["next"] = reverse("welcome")
            else:
                person = User(
                    username=invitations.username_for(email),
                    email=email,
                    first_name=first[:150],
                    last_name=last[:150],
                )
                person.set_unusable_password()
                person.save()
                sociallogin.state["next"] = reverse("welcome")
            sociallogin.connect(request, person)

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return False  # every account is made (or found) in pre_social_login above

    def on_authentication_error(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        raise _refuse(
            request,
            f"Signing in with {settings.SSO_NAME} did not work. Try again, or log in with "
            "your password.",
        )


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False
