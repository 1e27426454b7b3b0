"""My account: my settings, all my data to download, and deleting the account."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from leadership.models import User
from transitions import account_data, progress, services
from transitions.models import CheckIn

CADENCES = [(7, "Weekly"), (14, "Every two weeks"), (30, "Monthly"), (91, "Quarterly")]


class CadenceForm(forms.Form):
    checkin_interval_days = forms.TypedChoiceField(
        label="Remind me to check in",
        choices=CADENCES,
        coerce=int,
        error_messages={"invalid_choice": "Choose one of the offered intervals."},
    )


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="To make sure it is really you.",
        error_messages={"required": "Enter your password to delete your account."},
    )

    def __init__(self, *args: object, user: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):  # type: ignore[attr-defined]
            raise forms.ValidationError("That is not your password. Nothing was deleted.")
        return password


@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = CadenceForm(
        request.POST or None, initial={"checkin_interval_days": user.checkin_interval_days}
    )
    if request.method == "POST":
        if form.is_valid():
            user.checkin_interval_days = form.cleaned_data["checkin_interval_days"]
            user.save(update_fields=["checkin_interval_days"])
            messages.success(request, "Saved your check-in reminder interval.")
            return redirect("account")
        return render(request, "transitions/account.html", _account_context(user, form), status=422)
    return render(request, "transitions/account.html", _account_context(user, form))


def _account_context(user: User, form: CadenceForm) -> dict[str, Any]:
    last = (
        CheckIn.objects.of(user)
        .submitted()
        .order_by("-submitted_at")
        .values_list("submitted_at", flat=True)
        .first()
    )
    now = timezone.now()
    return {
        "form": form,
        "due_at": progress.checkin_due_at(user, last),
        "is_due": progress.is_checkin_due(user, last, now=now),
        "nav": "account",
    }


@require_GET
def account_export(request: HttpRequest, fmt: str) -> HttpResponse:
    data = account_data.export(request.user)
    stamp = timezone.localdate().isoformat()
    if fmt == "json":
        response = HttpResponse(
            json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
        )
    else:
        response = HttpResponse(
            account_data.export_csv(data), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = (
        f'attachment; filename="leadership-transitions-{request.user.username}-{stamp}.{fmt}"'
    )
    return response


@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            user = request.user
            logout(request)
            services.account_delete(user=user)
            messages.success(request, "Your account and all your data have been deleted.")
            return redirect("login")
        return render(
            request, "transitions/account_delete.html", {"form": form, "nav": "account"}, status=422
        )
    return render(request, "transitions/account_delete.html", {"form": form, "nav": "account"})
