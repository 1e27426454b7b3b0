"""Users and reporting lines, for superusers only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from leadership.erasure import erase_traces
from leadership.models import User
from leadership.sessions import end_sessions


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "email", "manager", "is_staff", "is_active"]
    list_select_related = ["manager"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["username", "first_name", "last_name", "email"]
    autocomplete_fields = ["manager"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (
            "Reporting line and framework",
            {"fields": ["manager", "framework", "checkin_interval_days"]},
        ),
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        ("Reporting line", {"fields": ["first_name", "last_name", "email", "manager"]}),
    ]

    @admin.display(description="Name", ordering="last_name")
    def full_name(self, user: User) -> str:
        return user.get_full_name()

    def save_model(self, request: HttpRequest, obj: User, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            # Deactivated: signed out everywhere, so reactivation does not revive old cookies.
            end_sessions(obj)

    # Deleting here erases her sign-in records, sessions and name in the admin log, as the
    # account page does; the app's own records of her go by their foreign keys.
    def delete_model(self, request: HttpRequest, obj: User) -> None:
        erase_traces(obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            erase_traces(user)
        super().delete_queryset(request, queryset)

    # People's records are for superusers alone, whatever permissions a staff group holds.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        # Deleting a person deletes her check-ins, evidence, focus and the reviews of her, and
        # Django would list each by its description: evidence titles, focus next steps. Those
        # are hers, not the administrator's to read: name the people, count the rest.
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        people = [entry for entry in deleted if not isinstance(entry, list)]
        return people, model_count, perms_needed, protected
