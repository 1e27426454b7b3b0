from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Collection
from operator import attrgetter
from typing import Any

from django import forms
from django.core.validators import URLValidator
from django.db.models import QuerySet
from django.utils import timezone

from leadership.models import User
from transitions import content
from transitions.models import (
    Area,
    Evidence,
    FeedbackRequest,
    Focus,
    Framework,
    Level,
    Rating,
    Review,
    ReviewRating,
    Shift,
    ShiftRevision,
)


def _shift_label(shift: Shift) -> str:
    label = shift.to_text[:1].upper() + shift.to_text[1:]
    return f"{label} (retired)" if shift.is_retired else label


def _grouped_shift_choices(
    shifts: QuerySet[Shift] | list[Shift], value: Callable[[Shift], Any] = attrgetter("pk")
) -> list[tuple[str, list[tuple[Any, str]]]]:
    """Shift choices grouped under their area's title, in framework order."""
    groups: dict[str, list[tuple[Any, str]]] = {}
    for shift in shifts:
        groups.setdefault(shift.area.title, []).append((value(shift), _shift_label(shift)))
    return list(groups.items())


class ShiftsField(forms.ModelMultipleChoiceField):
    """Shift checkboxes that refuse ids no row could have before asking the database
    (SQLite cannot even bind an integer beyond 64 bits)."""

    def _check_values(self, value: Any) -> Any:
        for pk in value:
            text = str(pk)
            if not text.isdigit() or len(text) > 18:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class EvidenceForm(forms.ModelForm):
    shifts = ShiftsField(
        queryset=Shift.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Which shifts does it show?",
        error_messages={"required": "Pick at least one shift this evidence shows."},
    )
    link = forms.URLField(
        label="Link",
        required=False,
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        help_text="A document, ticket or recording that backs it up (http or https).",
        error_messages={
            "max_length": "This link is too long (at most %(limit_value)d characters)."
        },
    )
    version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31 - 1
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Evidence
        fields = ["happened_on", "title", "body", "link", "shifts", "visibility"]
        widgets = {
            "happened_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "body": forms.Textarea(attrs={"rows": 6}),
            "visibility": forms.RadioSelect,
        }
        labels = {"title": "Title"}
        help_texts = {
            "happened_on": "When it happened. Not in the future.",
            "title": "A short headline, e.g. “Ran the first cross-team discovery review”.",
            "body": "What you did and what changed because of it. Plain text, line breaks kept.",
            "visibility": "Shared evidence is visible to your manager; private only to you.",
        }
        error_messages = {
            "title": {
                "required": "Give the evidence a title.",
                "max_length": "Keep the title to %(limit_value)d characters "
                "(it has %(show_value)d).",
            },
            "body": {
                "max_length": "Keep this to %(limit_value)d characters (it has %(show_value)d).",
            },
            "happened_on": {
                "required": "Say when it happened.",
                "invalid": "Enter a real date, e.g. 2026-03-14.",
            },
        }

    def __init__(self, *args: Any, framework: Framework, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offered = content.active_shifts(framework)
        if self.instance.pk:
            # Keep a link to a shift retired since, rather than dropping it silently.
            linked = set(self.instance.shifts.values_list("pk", flat=True))
            offered = [s for s in content.all_shifts(framework) if s in offered or s.pk in linked]
        field = self.fields["shifts"]
        field.queryset = Shift.objects.filter(pk__in=[shift.pk for shift in offered])
        field.choices = _grouped_shift_choices(offered)
        self.fields["happened_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.fields["title"].widget.attrs["maxlength"] = Evidence.TITLE_MAX
        self.fields["body"].widget.attrs["maxlength"] = Evidence.BODY_MAX
        self.fields["link"].validators = [
            v for v in self.fields["link"].validators if not isinstance(v, URLValidator)
        ]

    def shift_groups(self) -> list[tuple[str, list[dict[str, Any]], int]]:
        """The shift checkboxes grouped by area, for a fieldset per area."""
        bound = self["shifts"]
        widget = bound.field.widget
        attrs = bound.build_widget_attrs({"id": bound.auto_id})
        return widget.optgroups(bound.html_name, widget.format_value(bound.value()), attrs)

    def clean_happened_on(self) -> Any:
        day = self.cleaned_data["happened_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(
                "This date is in the future. Evidence is something that has already happened."
            )
        return day

    def clean_link(self) -> str:
        link = self.cleaned_data["link"].strip()
        if not link:
            return ""
        try:
            URLValidator(schemes=["http", "https"])(link)
        except forms.ValidationError:
            raise forms.ValidationError(
                "Enter a web address that starts with http:// or https://."
            ) from None
        return link


class QuickEvidenceForm(forms.Form):
    """One line on the dashboard and the shift pages: a title and a shift; the entry is dated
    today and private (the full form changes either)."""

    title = forms.CharField(
        label="What happened?",
        max_length=Evidence.TITLE_MAX,
        error_messages={
            "required": "Give the evidence a title.",
            "max_length": "Keep the title to %(limit_value)d characters (it has %(show_value)d).",
        },
    )
    shift = forms.ModelChoiceField(
        queryset=Shift.objects.none(),
        to_field_name="slug",
        label="Which shift does it show?",
        empty_label="Choose a shift…",
        error_messages={
            "required": "Pick the shift this evidence shows.",
            "invalid_choice": "Pick one of the shifts in the list.",
        },
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, framework: Framework, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "quick-%s")
        super().__init__(*args, **kwargs)
        offered = content.active_shifts(framework)
        field = self.fields["shift"]
        field.queryset = Shift.objects.filter(pk__in=[shift.pk for shift in offered])
        field.choices = [
            ("", field.empty_label),
            *_grouped_shift_choices(offered, attrgetter("slug")),
        ]
        self.fields["title"].widget.attrs.update(
            {"maxlength": Evidence.TITLE_MAX, "autocomplete": "off"}
        )

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:  # each field says it is wrong, and why
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"quick-{name}_error"}
                )

    def evidence_data(self) -> dict[str, Any]:
        """What services.evidence_create takes: today's date, private, no text or link."""
        return {
            "title": self.cleaned_data["title"],
            "shifts": [self.cleaned_data["shift"]],
            "happened_on": timezone.localdate(),
            "visibility": Evidence.Visibility.PRIVATE,
            "body": "",
            "link": "",
        }


_WEB_ADDRESS = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)


def evidence_prefill(params: Any) -> dict[str, str]:
    """Initial values of the evidence form from a query string: the form's own names (title,
    body, link) as the bookmarklet and "More details" send them, or a share sheet's (title,
    text, url; Web Share Target). The title falls back to the text's first line, the link to
    the first web address in the text; only http(s) links are taken."""
    text = (params.get("text") or "").replace("\r\n", "\n").strip()
    title = (params.get("title") or "").strip()
    link = (params.get("link") or params.get("url") or "").strip()
    body = (params.get("body") or "").strip() or text
    if not link and (found := _WEB_ADDRESS.search(text)):
        link = found.group(0).rstrip(".,;:!?)")
    if not title and text:
        title = text.split("\n", 1)[0].strip()
    if body in (title, link):
        body = ""  # the whole text went into the title or the link: no need to say it twice
    if not _WEB_ADDRESS.fullmatch(link):
        link = ""
    prefill = {
        "title": title[: Evidence.TITLE_MAX],
        "body": body[: Evidence.BODY_MAX],
        "link": link[:500],
    }
    return {name: value for name, value in prefill.items() if value}


class EvidenceFilterForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    area = forms.ModelChoiceField(
        queryset=Area.objects.none(), required=False, to_field_name="slug", empty_label="All areas"
    )
    shift = forms.ModelChoiceField(
        queryset=Shift.objects.none(),
        required=False,
        to_field_name="slug",
        empty_label="All shifts",
    )
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    visibility = forms.ChoiceField(
        required=False, choices=[("", "Private and shared"), *Evidence.Visibility.choices]
    )

    def __init__(self, *args: Any, framework: Framework, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        shifts = content.all_shifts(framework)
        areas: dict[int, Area] = {}
        for shift in shifts:
            areas.setdefault(shift.area_id, shift.area)
        self.fields["area"].queryset = Area.objects.filter(framework=framework)
        self.fields["area"].choices = [("", "All areas")] + [
            (area.slug, area.title) for area in areas.values()
        ]
        self.fields["shift"].queryset = Shift.objects.of_framework(framework)
        self.fields["shift"].choices = [
            ("", "All shifts"),
            *_grouped_shift_choices(shifts, attrgetter("slug")),
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned

    def apply(self, evidence: QuerySet[Evidence]) -> QuerySet[Evidence]:
        """Narrow `evidence` by every filter that is valid; invalid ones are shown, not used."""
        data = self.cleaned_data if self.is_bound else {}
        if data.get("q"):
            evidence = evidence.search(data["q"])
        if data.get("area"):
            evidence = evidence.filter(shift_links__shift__area=data["area"])
        if data.get("shift"):
            evidence = evidence.filter(shift_links__shift=data["shift"])
        if data.get("date_from"):
            evidence = evidence.filter(happened_on__gte=data["date_from"])
        if data.get("date_to"):
            evidence = evidence.filter(happened_on__lte=data["date_to"])
        if data.get("visibility"):
            evidence = evidence.filter(visibility=data["visibility"])
        if data.get("area") or data.get("shift"):
            evidence = evidence.distinct()
        return evidence

    @property
    def is_filtered(self) -> bool:
        return self.is_bound and any(self.cleaned_data.get(name) for name in self.fields)


class RatingForm(forms.Form):
    """One shift in a check-in; prefixed with the shift's slug so many fit in one form."""

    level = forms.TypedChoiceField(
        choices=Level.choices,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose one of the five levels, 1 to 5."},
    )
    note = forms.CharField(
        required=False,
        max_length=Rating.NOTE_MAX,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "max_length": "Keep the note to %(limit_value)d characters (it has %(show_value)d)."
        },
    )
    revision = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=2**63 - 1
    )
    version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31 - 1
    )

    def __init__(self, *args: Any, shift: Shift, **kwargs: Any) -> None:
        super().__init__(*args, prefix=shift.slug, **kwargs)
        self.shift = shift

    def row_values(self) -> dict[str, Any]:
        """The valid form as the keywords of `services.RowInput` (text: note or comment)."""
        return {
            "shift": self.shift,
            "revision": self.cleaned_data["revision"],
            "level": self.cleaned_data["level"],
            "text": self.cleaned_data["note"],
            "seen_version": self.cleaned_data.get("version"),
        }

    def save_values(self, text_field: str) -> dict[str, Any]:
        """The valid form as the keywords of a one-shift autosave."""
        return {
            "shift": self.shift,
            "revision": self.cleaned_data["revision"],
            "changes": {"level": self.cleaned_data["level"], text_field: self.cleaned_data["note"]},
            "seen_version": self.cleaned_data.get("version"),
        }

    def clean_revision(self) -> ShiftRevision:
        revisions = ShiftRevision.objects.filter(shift=self.shift)
        pk = self.cleaned_data.get("revision")
        revision = revisions.filter(pk=pk).first() if pk else None
        if revision is None:
            # No (or a foreign) wording sent: rate against today's wording.
            revision = revisions.order_by("-number").first()
        if revision is None:
            raise forms.ValidationError("This shift has no wording to rate against.")
        return revision


def _next_step_field() -> forms.CharField:
    return forms.CharField(
        label="Your next step",
        max_length=Focus.NEXT_STEP_MAX,
        help_text="One concrete thing you will do, e.g. “Run the next planning session "
        "with all three PMs”.",
        error_messages={
            "required": "Write down the next step you intend to take.",
            "max_length": "Keep the next step to %(limit_value)d characters "
            "(it has %(show_value)d).",
        },
    )


class FocusForm(forms.Form):
    """Add a focus: a shift not in focus yet, and its next step."""

    shift = forms.ModelChoiceField(
        queryset=Shift.objects.none(),
        to_field_name="slug",
        label="Shift to work on",
        empty_label="Choose a shift",
        error_messages={
            "required": "Choose the shift you want to work on.",
            "invalid_choice": "Choose one of the active shifts of your framework.",
        },
    )
    next_step = _next_step_field()

    def __init__(
        self,
        *args: Any,
        framework: Framework,
        in_focus: Collection[Shift] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.in_focus = {shift.pk: shift for shift in in_focus}
        shifts = content.active_shifts(framework)
        self.fields["shift"].queryset = Shift.objects.filter(pk__in=[s.pk for s in shifts])
        self.fields["shift"].choices = [
            ("", "Choose a shift"),
            *_grouped_shift_choices(
                [s for s in shifts if s.pk not in self.in_focus], attrgetter("slug")
            ),
        ]

    def clean_shift(self) -> Shift:
        shift = self.cleaned_data["shift"]
        if shift.pk in self.in_focus:
            raise forms.ValidationError(
                f"“{_shift_label(shift)}” is in your focus already. Change its next step "
                "under Current focus."
            )
        return shift


class FocusStepForm(forms.Form):
    """Change the next step of a focus (asked for by name: the field has the focus)."""

    next_step = _next_step_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["next_step"].widget.attrs["autofocus"] = True


class ReviewTextForm(forms.Form):
    text_version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31 - 1
    )

    summary = forms.CharField(
        label="Overall summary",
        required=False,
        max_length=Review.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Where your report stands overall, in a few sentences. Needed to complete.",
        error_messages={
            "max_length": "Keep the summary to %(limit_value)d characters (it has %(show_value)d)."
        },
    )
    agreed_focus = forms.CharField(
        label="Agreed focus",
        required=False,
        max_length=Review.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What you agreed to work on next.",
        error_messages={
            "max_length": "Keep the agreed focus to %(limit_value)d characters "
            "(it has %(show_value)d)."
        },
    )


class ReviewResponseForm(forms.Form):
    """The person's acknowledgement of a completed review: an optional response overall and
    one per shift the review rated (fields `<slug>-response`)."""

    response = forms.CharField(
        label="Your response overall",
        required=False,
        max_length=Review.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Optional. Your manager reads it beside the review.",
        error_messages={
            "max_length": "Keep your response to %(limit_value)d characters "
            "(it has %(show_value)d)."
        },
    )

    def __init__(self, *args: Any, shifts: list[Shift], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.shifts = shifts
        for shift in shifts:
            self.fields[f"{shift.slug}-response"] = forms.CharField(
                label="Your response on this shift",
                required=False,
                max_length=ReviewRating.COMMENT_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={
                    "max_length": "Keep this response to %(limit_value)d characters "
                    "(it has %(show_value)d)."
                },
            )

    def shift_field(self, shift: Shift) -> forms.BoundField:
        return self[f"{shift.slug}-response"]

    def shift_responses(self) -> dict[int, str]:
        return {shift.pk: self.cleaned_data[f"{shift.slug}-response"] for shift in self.shifts}


# 1:1s


def _optional_shift_choices(shifts: list[Shift]) -> list[tuple[Any, Any]]:
    return [("", "No shift"), *_grouped_shift_choices(shifts, attrgetter("slug"))]


class AgendaItemForm(forms.Form):
    text = forms.CharField(label="Talking point", max_length=300)
    shift = forms.ChoiceField(label="About the shift", required=False)

    def __init__(self, *args: Any, shifts: list[Shift], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.shifts = {shift.slug: shift for shift in shifts}
        self.fields["shift"].choices = _optional_shift_choices(shifts)

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError("Write the talking point.")
        return text

    def clean_shift(self) -> Shift | None:
        return self.shifts.get(self.cleaned_data["shift"])


class ActionItemForm(AgendaItemForm):
    owner = forms.ChoiceField(label="Who does it")
    due_on = forms.DateField(label="Due", widget=forms.DateInput(attrs={"type": "date"}))
    field_order = ["text", "owner", "due_on", "shift"]

    def __init__(self, *args: Any, shifts: list[Shift], people: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, shifts=shifts, **kwargs)
        self.fields["text"].label = "Action"
        self.people = {person.username: person for person in people}
        self.fields["owner"].choices = [(p.username, p.display_name) for p in people]

    def clean_owner(self) -> Any:
        return self.people[self.cleaned_data["owner"]]


class NotesForm(forms.Form):
    notes = forms.CharField(
        label="Notes", required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 6})
    )
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args: Any, label: str = "Notes", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["notes"].label = label

    def clean_notes(self) -> str:
        return self.cleaned_data["notes"].replace("\r\n", "\n")


class OrgFilterForm(forms.Form):
    """The heatmap's filters on /org/: a team, which levels, the order. Every field may be
    left out; a value that is not offered falls back to the default."""

    DEFAULTS = {"team": "", "levels": "manager", "sort": "name"}

    team = forms.ChoiceField(label="Team", required=False)
    levels = forms.ChoiceField(
        label="Levels shown",
        required=False,
        choices=[
            ("manager", "Manager's level (latest completed review)"),
            ("self", "Self level (latest submitted check-in)"),
        ],
        widget=forms.RadioSelect,
    )
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[("name", "Name"), ("team", "Team"), ("readiness", "Readiness")],
    )

    def __init__(self, *args: Any, teams: list[Any], viewer: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "All teams")] + [
            (
                manager.username,
                "Your direct reports"
                if viewer is not None and manager.pk == viewer.pk
                else f"{manager.display_name}\u2019s team",
            )
            for manager in teams
        ]

    def chosen(self) -> dict[str, str]:
        """The filters in force: each valid value given, else its default."""
        chosen = dict(self.DEFAULTS)
        if self.is_bound:
            for name in chosen:
                with contextlib.suppress(forms.ValidationError):
                    value = self.fields[name].clean(self.data.get(name, ""))
                    chosen[name] = value or self.DEFAULTS[name]
        return chosen


class FeedbackRequestForm(forms.Form):
    """Ask someone about one to three shifts. An email that belongs to a colleague with an
    account asks her in the app; any other goes to an outside person as a link."""

    shifts = ShiftsField(
        queryset=Shift.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Which shifts should they speak to?",
        help_text=f"One to {FeedbackRequest.MAX_SHIFTS}.",
        error_messages={"required": "Pick at least one shift to ask about."},
    )
    question = forms.CharField(
        label="Your question",
        max_length=FeedbackRequest.QUESTION_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Be specific, e.g. “How did the Q3 pricing alignment with your team go?”",
        error_messages={
            "required": "Write the question you want answered.",
            "max_length": "Keep the question to %(limit_value)d characters "
            "(it has %(show_value)d).",
        },
    )
    name = forms.CharField(
        label="Their name",
        max_length=FeedbackRequest.NAME_MAX,
        error_messages={"required": "Say who you are asking."},
    )
    email = forms.EmailField(
        label="Their email",
        help_text="A colleague with an account here is asked in the app; anyone else gets "
        "an email with a private link, valid for 30 days.",
        error_messages={
            "required": "Give their email address.",
            "invalid": "Enter an email address, e.g. jane@example.com.",
        },
    )
    role = forms.CharField(
        label="Their role or title",
        max_length=FeedbackRequest.ROLE_MAX,
        required=False,
        help_text="Shown with their answer if it becomes an attestation, e.g. “VP Sales”.",
    )

    def __init__(self, *args: Any, framework: Framework, requester: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.requester = requester
        shifts = content.active_shifts(framework)
        field = self.fields["shifts"]
        field.queryset = Shift.objects.filter(pk__in=[shift.pk for shift in shifts])
        field.choices = _grouped_shift_choices(shifts)
        self.fields["question"].widget.attrs["maxlength"] = FeedbackRequest.QUESTION_MAX

    def shift_groups(self) -> list[tuple[str, list[dict[str, Any]], int]]:
        bound = self["shifts"]
        widget = bound.field.widget
        attrs = bound.build_widget_attrs({"id": bound.auto_id})
        return widget.optgroups(bound.html_name, widget.format_value(bound.value()), attrs)

    def clean_shifts(self) -> list[Shift]:
        shifts = list(self.cleaned_data["shifts"])
        if len(shifts) > FeedbackRequest.MAX_SHIFTS:
            raise forms.ValidationError(
                f"Ask about {FeedbackRequest.MAX_SHIFTS} shifts at most "
                f"(you picked {len(shifts)}): a short request gets better answers."
            )
        return shifts

    def clean_question(self) -> str:
        question = self.cleaned_data["question"].strip()
        if not question:
            raise forms.ValidationError("Write the question you want answered.")
        return question

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if email.lower() == (self.requester.email or "").lower():
            raise forms.ValidationError("This is your own address: ask someone else.")
        return email

    def colleague(self) -> Any:
        """The active colleague this email belongs to, if exactly one has it."""
        found = list(
            User.objects.filter(email__iexact=self.cleaned_data["email"], is_active=True)
            .exclude(pk=self.requester.pk)
            .order_by("pk")[:2]
        )
        return found[0] if len(found) == 1 else None


class _NeededToSend(forms.CharField):
    """Required to send the answer, not to save a draft: the form checks it when sending."""

    def validate(self, value: Any) -> None:
        if value not in self.empty_values:
            super().validate(value)


class FeedbackAnswerForm(forms.Form):
    """The giver's answer: saved as a draft as often as she likes, until she sends it."""

    example = _NeededToSend(
        label="A concrete example",
        max_length=FeedbackRequest.EXAMPLE_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Something you saw them do: when, what happened, what changed because of it.",
        error_messages={
            "max_length": "Keep this to %(limit_value)d characters (it has %(show_value)d)."
        },
    )
    frequency = forms.ChoiceField(
        label="How often do you see them work the “to” way?",
        required=False,
        choices=FeedbackRequest.Frequency.choices,
        widget=forms.RadioSelect,
    )
    giver_name = _NeededToSend(label="Your name", max_length=FeedbackRequest.NAME_MAX)
    giver_role = forms.CharField(
        label="Your role or title",
        required=False,
        max_length=FeedbackRequest.ROLE_MAX,
        help_text="Shown with your name if your answer confirms a shift, e.g. “VP Sales”.",
    )

    def __init__(self, *args: Any, send: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.send = send
        self.fields["example"].widget.attrs["maxlength"] = FeedbackRequest.EXAMPLE_MAX

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in ("example", "giver_name", "giver_role"):
            data[name] = (data.get(name) or "").strip()
        if self.send:
            if not data["example"] and "example" not in self.errors:
                self.add_error("example", "Give one concrete example before sending.")
            if not data["giver_name"] and "giver_name" not in self.errors:
                self.add_error("giver_name", "Say who you are, so they know whose answer it is.")
        return data
