"""Forms of the people side: inviting, accepting an invitation, importing an org chart."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from leadership.models import User

MAX_INVITES = 100


def _frameworks() -> Any:
    """The frameworks people can follow (the model lives in the domain app)."""
    return User._meta.get_field("framework").related_model.objects.all()  # type: ignore[union-attr]


class InviteForm(forms.Form):
    emails = forms.CharField(
        label="Email addresses",
        widget=forms.Textarea(attrs={"rows": 6, "autocomplete": "off", "spellcheck": "false"}),
        help_text="One or many, one per line or separated by commas.",
        error_messages={"required": "Enter at least one email address."},
    )
    manager = forms.ModelChoiceField(
        label="Their manager",
        queryset=User.objects.none(),
        required=False,
        empty_label="Nobody yet",
    )
    framework = forms.ModelChoiceField(
        label="Framework they follow",
        queryset=User.objects.none(),
        required=False,
        empty_label="The default framework",
    )

    def __init__(self, *args: Any, inviter: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.inviter = inviter
        self.fields["framework"].queryset = _frameworks()
        if inviter.is_superuser:
            self.fields["manager"].queryset = User.objects.filter(is_active=True).order_by(
                "first_name", "last_name", "username"
            )
        else:
            # A manager invites to her own team: the field is not offered at all.
            del self.fields["manager"]

    def clean_emails(self) -> list[str]:
        raw = self.cleaned_data["emails"]
        emails: list[str] = []
        bad: list[str] = []
        for item in re.split(r"[\s,;]+", raw):
            email = item.strip().strip("<>").lower()
            if not email:
                continue
            try:
                validate_email(email)
            except ValidationError:
                bad.append(item)
                continue
            if email not in emails:
                emails.append(email)
        if bad:
            raise ValidationError(
                "These are not email addresses: " + ", ".join(bad[:10]) + ". Nobody was invited."
            )
        if not emails:
            raise ValidationError("Enter at least one email address.")
        if len(emails) > MAX_INVITES:
            raise ValidationError(
                f"Invite at most {MAX_INVITES} people at once, or import an org chart."
            )
        return emails

    def manager_choice(self) -> User | None:
        if self.inviter.is_superuser:
            return self.cleaned_data.get("manager")
        return self.inviter


class AcceptForm(forms.Form):
    first_name = forms.CharField(
        label="First name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label="Last name",
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="The same password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, person: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person  # unsaved: what the validators compare the password with

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        one, two = data.get("password1"), data.get("password2")
        if one and two and one != two:
            self.add_error("password2", "The two passwords differ.")
        elif one:
            self.person.first_name = data.get("first_name", "")
            self.person.last_name = data.get("last_name", "")
            try:
                password_validation.validate_password(one, self.person)
            except ValidationError as error:
                self.add_error("password1", error)
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Org chart (CSV)",
        help_text="Columns: email, first_name, last_name, manager_email, and optionally "
        "username and framework.",
        error_messages={"required": "Choose a CSV file."},
    )
    # The preview's file, carried to the confirmation (the server re-reads it then).
    content = forms.CharField(widget=forms.HiddenInput, required=False)
    invite = forms.BooleanField(
        label="Email each new person an invitation to set her password",
        required=False,
        initial=True,
    )

    MAX_BYTES = 2_000_000

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The confirmation carries the previewed file's text instead of an upload.
        self.fields["file"].required = not self.data.get("content")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        upload = data.get("file")
        if upload is not None:
            if upload.size > self.MAX_BYTES:
                raise ValidationError("The file is larger than 2 MB: split it.")
            try:
                data["text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error("file", "Save the file as CSV in UTF-8 and upload it again.")
        elif data.get("content"):
            data["text"] = data["content"]
        else:
            self.add_error("file", "Choose a CSV file.")
        return data
