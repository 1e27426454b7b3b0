"""Framework content editing for content editors: areas, shifts, wording revisions, order."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models, transaction
from django.db.models import Count, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from transitions import services
from transitions.models import Area, AreaRevision, Framework, Shift, ShiftRevision

REFERENCED_MESSAGE = (
    "It is referred to by people's check-ins, evidence or reviews, so it cannot be deleted "
    "without rewriting their history. Retire it instead: it disappears from new check-ins "
    "and stays in everyone's history."
)
FRAMEWORK_REFERENCED_MESSAGE = (
    "People's check-ins, focus or reviews refer to it, or people follow it, so it cannot be "
    "deleted without rewriting their history. Retire its areas or shifts instead: they "
    "disappear from new check-ins and stay in everyone's history."
)


class OrderedInlineFormSet(BaseInlineFormSet):
    """Inline rows with an `order` unique among siblings, which editors may swap freely.

    Each form leaves the order's uniqueness to this formset (rows being swapped would
    otherwise clash with each other's saved order), which checks it across all rows.
    """

    def _construct_form(self, i: int, **kwargs: Any) -> forms.Form:
        form = super()._construct_form(i, **kwargs)
        original = form._get_validation_exclusions

        def exclusions() -> set[str]:
            return original() | {"order"}

        form._get_validation_exclusions = exclusions  # type: ignore[method-assign]
        return form

    def clean(self) -> None:
        super().clean()
        seen: dict[int, forms.Form] = {}
        for form in self.forms:
            if not form.is_valid() or self._should_delete_form(form):
                continue
            order = form.cleaned_data.get("order")
            if not order:
                continue
            if order in seen:
                form.add_error("order", f"Another row already has position {order}.")
            seen[order] = form

    def save_in_order(self, *, save_one: Any) -> None:
        """Delete, move and save rows without tripping the unique order constraint."""
        instances = self.save(commit=False)
        for obj in self.deleted_objects:
            obj.delete()
        siblings = self.model._default_manager.filter(**{self.fk.name: self.instance})
        services.apply_order(siblings, {obj.pk: obj.order for obj in instances if obj.pk})
        top = max([0, *siblings.values_list("order", flat=True)])
        for form in self.forms:
            obj = form.instance
            if obj not in instances:
                continue
            if not obj.order:
                top += 1
                obj.order = top
            save_one(form, obj)
        self.save_m2m()


class PeopleStayHiddenMixin:
    """Content that people's history points at cannot be deleted, and Django would list those
    rows by name: people's ratings, focus, check-ins and reviews, and who follows a framework.
    Content editors may not see them, so say what kind of history blocks the deletion."""

    protected_message = REFERENCED_MESSAGE

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(  # type: ignore[misc]
            objs, request
        )
        if protected:
            # Nothing is deleted, so no permission is lacking either; Django would otherwise
            # name the protected rows' types (e.g. "user") instead of saying why.
            return deleted, model_count, set(), [self.protected_message]
        return deleted, model_count, perms_needed, protected


class RetireActionsMixin(PeopleStayHiddenMixin):
    actions = ["retire", "reinstate"]

    @admin.action(description="Retire selected (hide from new check-ins, keep history)")
    def retire(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        count = services.set_retired(objects=queryset, retired=True)
        self.message_user(request, f"Retired {count}.", messages.SUCCESS)  # type: ignore[attr-defined]

    @admin.action(description="Reinstate selected")
    def reinstate(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        count = services.set_retired(objects=queryset, retired=False)
        self.message_user(request, f"Reinstated {count}.", messages.SUCCESS)  # type: ignore[attr-defined]

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        opts = self.model._meta  # type: ignore[attr-defined]
        extra_context = {
            **(extra_context or {}),
            "retire_url": reverse(
                f"admin:{opts.app_label}_{opts.model_name}_retire", args=[object_id]
            ),
        }
        return super().delete_view(request, object_id, extra_context)  # type: ignore[misc]

    def get_urls(self) -> list[Any]:
        from django.urls import path

        opts = self.model._meta  # type: ignore[attr-defined]
        return [
            path(
                "<path:object_id>/retire/",
                self.admin_site.admin_view(self.retire_view),  # type: ignore[attr-defined]
                name=f"{opts.app_label}_{opts.model_name}_retire",
            ),
            *super().get_urls(),  # type: ignore[misc]
        ]

    def retire_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        obj = self.get_object(request, object_id)  # type: ignore[attr-defined]
        if obj is None or not self.has_change_permission(request, obj):  # type: ignore[attr-defined]
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        if request.method == "POST":
            services.set_retired(objects=self.model.objects.filter(pk=obj.pk), retired=True)  # type: ignore[attr-defined]
            self.message_user(request, f"“{obj}” is retired.", messages.SUCCESS)  # type: ignore[attr-defined]
        opts = self.model._meta  # type: ignore[attr-defined]
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        )


class ShiftForm(forms.ModelForm):
    change_kind = forms.ChoiceField(
        label="This wording change is a",
        required=False,
        choices=[
            ("", "— choose when changing from/to —"),
            (ShiftRevision.Kind.WORDING_FIX, ShiftRevision.Kind.WORDING_FIX.label),
            (ShiftRevision.Kind.MEANING_CHANGE, ShiftRevision.Kind.MEANING_CHANGE.label),
        ],
        help_text="A wording fix keeps the meaning (typos, clarity). A change of meaning tells "
        "people their earlier ratings were against different wording.",
    )
    change_note = forms.CharField(
        label="Why the change", required=False, max_length=300, widget=forms.TextInput
    )

    class Meta:
        model = Shift
        fields = ["area", "slug", "order", "from_text", "to_text", "guidance"]
        widgets = {
            "from_text": forms.Textarea(attrs={"rows": 2, "cols": 60}),
            "to_text": forms.Textarea(attrs={"rows": 2, "cols": 60}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["order"].required = False
        self.fields["order"].help_text = "Position in the area. Leave empty to add at the end."

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        reworded = self.instance.pk and {"from_text", "to_text"} & set(self.changed_data)
        if reworded and not cleaned.get("change_kind"):
            self.add_error(
                "change_kind",
                "You changed the wording: say whether it is a wording fix or a change of meaning.",
            )
        area = cleaned.get("area") or getattr(self.instance, "area", None)
        slug = cleaned.get("slug")
        if area is not None and slug:
            clash = Shift.objects.filter(area__framework_id=area.framework_id, slug=slug)
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("slug", "Another shift of this framework already uses this slug.")
        return cleaned

    def save_shift(self, shift: Shift, by: Any) -> None:
        services.shift_save(
            shift=shift,
            kind=self.cleaned_data.get("change_kind", ""),
            note=self.cleaned_data.get("change_note", ""),
            by=by,
        )


class ShiftInline(admin.TabularInline):
    model = Shift
    form = ShiftForm
    formset = OrderedInlineFormSet
    fields = ["order", "slug", "from_text", "to_text", "change_kind", "change_note", "status"]
    readonly_fields = ["status"]
    extra = 0
    show_change_link = True
    ordering = ["order"]

    @admin.display(description="Status")
    def status(self, shift: Shift) -> str:
        return "Retired" if shift.is_retired else "Active"


class AreaInline(admin.TabularInline):
    model = Area
    formset = OrderedInlineFormSet
    fields = ["order", "slug", "title", "status"]
    readonly_fields = ["status"]
    extra = 0
    show_change_link = True
    ordering = ["order"]

    @admin.display(description="Status")
    def status(self, area: Area) -> str:
        return "Retired" if area.is_retired else "Active"

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.base_fields["order"].required = False
        return formset


class HistoryInline(admin.TabularInline):
    """A revision history, newest first: kept as it was written, never edited here."""

    extra = 0
    can_delete = False
    ordering = ["-number"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return list(self.fields or [])

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ShiftRevisionInline(HistoryInline):
    model = ShiftRevision
    verbose_name_plural = "Wording history (newest first)"
    fields = ["number", "kind", "from_text", "to_text", "note", "created_by", "created_at"]


class AreaRevisionInline(HistoryInline):
    model = AreaRevision
    verbose_name_plural = "Title history (newest first)"
    fields = ["number", "title", "created_by", "created_at"]


@admin.register(Framework)
class FrameworkAdmin(PeopleStayHiddenMixin, admin.ModelAdmin):
    list_display = ["title", "slug", "is_default", "area_count", "updated_at"]
    search_fields = ["title", "slug", "description"]
    list_filter = ["is_default"]
    prepopulated_fields = {"slug": ["title"]}
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [AreaInline]
    protected_message = FRAMEWORK_REFERENCED_MESSAGE

    def get_queryset(self, request: HttpRequest) -> QuerySet[Framework]:
        return super().get_queryset(request).annotate(area_count=Count("areas"))

    @admin.display(description="Areas", ordering="area_count")
    def area_count(self, framework: Framework) -> int:
        return framework.area_count  # type: ignore[attr-defined]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        with transaction.atomic():
            formset.save_in_order(
                save_one=lambda _form, area: services.area_save(area=area, by=request.user)
            )


@admin.register(Area)
class AreaAdmin(RetireActionsMixin, admin.ModelAdmin):
    list_display = ["title", "framework", "order", "shift_count", "retired_at"]
    list_select_related = ["framework"]
    list_filter = ["framework", ("retired_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "summary", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    fields = ["framework", "title", "slug", "order", "summary", "retired_at"]
    readonly_fields = ["retired_at"]
    inlines = [ShiftInline, AreaRevisionInline]
    delete_confirmation_template = "admin/transitions/delete_confirmation.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Area]:
        return super().get_queryset(request).annotate(shift_count=Count("shifts"))

    def save_model(self, request: HttpRequest, obj: Area, form: Any, change: bool) -> None:
        services.area_save(area=obj, by=request.user)

    @admin.display(description="Shifts", ordering="shift_count")
    def shift_count(self, area: Area) -> int:
        return area.shift_count  # type: ignore[attr-defined]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if not isinstance(formset, OrderedInlineFormSet):
            formset.save()  # the title history: read-only, so this saves nothing
            return
        with transaction.atomic():
            formset.save_in_order(
                save_one=lambda shift_form, shift: shift_form.save_shift(shift, request.user)
            )


@admin.register(Shift)
class ShiftAdmin(RetireActionsMixin, admin.ModelAdmin):
    form = ShiftForm
    list_display = ["preview", "area", "order", "revision_count", "retired_at"]
    list_select_related = ["area", "area__framework"]
    list_filter = ["area__framework", "area", ("retired_at", admin.EmptyFieldListFilter)]
    search_fields = ["slug", "from_text", "to_text", "guidance"]
    ordering = ["area__framework", "area__order", "order"]
    readonly_fields = ["preview", "retired_at"]
    fieldsets = [
        (None, {"fields": ["area", "slug", "order", "preview"]}),
        (
            "Wording",
            {
                "fields": ["from_text", "to_text", "change_kind", "change_note"],
                "description": "Changing the wording adds a revision; earlier ratings keep "
                "pointing at the wording people saw.",
            },
        ),
        (None, {"fields": ["guidance", "retired_at"]}),
    ]
    inlines = [ShiftRevisionInline]
    delete_confirmation_template = "admin/transitions/delete_confirmation.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Shift]:
        return super().get_queryset(request).annotate(revision_count=Count("revisions"))

    @admin.display(description="Shift")
    def preview(self, shift: Shift) -> str:
        if not shift.pk:
            return "—"
        return f"From {shift.from_text} → To {shift.to_text}"

    @admin.display(description="Revisions", ordering="revision_count")
    def revision_count(self, shift: Shift) -> int:
        return getattr(shift, "revision_count", 0)

    def save_model(self, request: HttpRequest, obj: Shift, form: Any, change: bool) -> None:
        form.save_shift(obj, request.user)
