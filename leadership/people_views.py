"""People: inviting (administrators, and managers to their own team), the org-chart import,
deactivating and reactivating accounts (administrators), and accepting an invitation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from leadership import invitations, org_import
from leadership.forms import AcceptForm, ImportForm, InviteForm
from leadership.models import Invitation, User

STATUS_ORDER = ["pending", "expired", "accepted", "revoked"]


def _inviter(request: HttpRequest) -> User:
    """The person, if she may invite (an administrator, or a manager); 404 otherwise."""
    if not invitations.may_invite(request.user):
        raise Http404("Only administrators and managers invite people.")
    return request.user


def _administrator(request: HttpRequest) -> User:
    if not (request.user.is_active and request.user.is_superuser):
        raise Http404("Only administrators manage accounts.")
    return request.user


def _person_for_administrator(request: HttpRequest, username: str) -> User:
    _administrator(request)
    return get_object_or_404(User, username=username)


@require_GET
def people(request: HttpRequest) -> HttpResponse:
    """Invitations the viewer may see, by status; for an administrator, every account too.
    Three queries for an administrator, two for a manager, whatever the numbers."""
    viewer = _inviter(request)
    rows = list(
        Invitation.objects.seen_by(viewer)
        .select_related("manager", "invited_by", "user")
        .order_by("-sent_at", "-pk")
    )
    groups: dict[str, list[Invitation]] = {status: [] for status in STATUS_ORDER}
    for invitation in rows:
        groups[invitation.status].append(invitation)
    accounts: list[User] = []
    if viewer.is_superuser:
        accounts = list(
            User.objects.select_related("manager")
            .annotate(report_count=Count("reports"))
            .order_by("-is_active", "first_name", "last_name", "username")
        )
    return render(
        request,
        "leadership/people.html",
        {
            "nav": "people",
            "groups": [(status, groups[status]) for status in STATUS_ORDER],
            "invitation_count": len(rows),
            "accounts": accounts,
            "is_admin": viewer.is_superuser,
        },
    )


@require_http_methods(["GET", "POST"])
def people_invite(request: HttpRequest) -> HttpResponse:
    viewer = _inviter(request)
    form = InviteForm(request.POST or None, inviter=viewer)
    if request.method == "POST":
        if not form.is_valid():
            return render(
                request, "leadership/invite.html", {"form": form, "nav": "people"}, status=422
            )
        result = invitations.invite(
            emails=form.cleaned_data["emails"],
            by=viewer,
            manager=form.manager_choice(),
            framework=form.cleaned_data.get("framework"),
        )
        sent = len(result.sent) + len(result.renewed)
        if sent:
            messages.success(
                request,
                f"Sent {sent} invitation{'s' if sent != 1 else ''}"
                + (f" ({len(result.renewed)} again, with a new link)" if result.renewed else "")
                + ".",
            )
        if result.have_account:
            where = "" if viewer.is_superuser else " on your team"
            messages.warning(
                request,
                f"Already {'have accounts' if len(result.have_account) > 1 else 'has an account'}"
                f"{where}, so not invited: {', '.join(result.have_account)}.",
            )
        return redirect("people")
    return render(request, "leadership/invite.html", {"form": form, "nav": "people"})


@require_POST
def invitation_resend(request: HttpRequest, pk: str) -> HttpResponse:
    invitation = invitations.invitation_for(_inviter(request), int(pk))
    if not invitation.is_open:
        messages.error(request, f"The invitation for {invitation.email} is closed already.")
        return redirect("people")
    invitations.resend(invitation=invitation)
    messages.success(
        request, f"Sent the invitation to {invitation.email} again; the old link no longer works."
    )
    return redirect("people")


@require_POST
def invitation_revoke(request: HttpRequest, pk: str) -> HttpResponse:
    invitation = invitations.invitation_for(_inviter(request), int(pk))
    if not invitation.is_open:
        messages.error(request, f"The invitation for {invitation.email} is closed already.")
        return redirect("people")
    invitations.revoke(invitation=invitation)
    messages.success(request, f"Revoked the invitation for {invitation.email}; its link is dead.")
    return redirect("people")


@require_http_methods(["GET", "POST"])
def person_deactivate(request: HttpRequest, username: str) -> HttpResponse:
    """Ask, then deactivate: signed out at once, off her manager's team page, history kept."""
    person = _person_for_administrator(request, username)
    if person == request.user:
        messages.error(request, "You cannot deactivate your own account.")
        return redirect("people")
    if request.method == "POST":
        invitations.set_active(person=person, active=False)
        messages.success(
            request, f"Deactivated {person.display_name}: signed out everywhere, history kept."
        )
        return redirect("people")
    return render(request, "leadership/deactivate.html", {"person": person, "nav": "people"})


@require_POST
def person_reactivate(request: HttpRequest, username: str) -> HttpResponse:
    person = _person_for_administrator(request, username)
    invitations.set_active(person=person, active=True)
    messages.success(request, f"Reactivated {person.display_name}: they can sign in again.")
    return redirect("people")


@require_http_methods(["GET", "POST"])
def people_import(request: HttpRequest) -> HttpResponse:
    """Upload → preview (nothing written) → confirm → one transaction."""
    viewer = _administrator(request)
    if request.method == "GET":
        return render(request, "leadership/import.html", {"form": ImportForm(), "nav": "people"})
    form = ImportForm(request.POST, request.FILES)
    context: dict[str, Any] = {"form": form, "nav": "people"}
    if not form.is_valid():
        return render(request, "leadership/import.html", context, status=422)
    text = form.cleaned_data["text"]
    try:
        plan = org_import.plan(text)
    except org_import.ImportFileError as error:
        form.add_error("file", str(error))
        return render(request, "leadership/import.html", context, status=422)
    if "confirm" in request.POST and plan.writes:
        done = org_import.apply(plan, by=viewer, invite=form.cleaned_data["invite"])
        messages.success(
            request,
            f"Imported: {done['created']} created, {done['changed']} changed, "
            f"{done['invited']} invited, {plan.count('unchanged')} unchanged, "
            f"{plan.count('refuse')} refused.",
        )
        return redirect("people")
    context |= {
        "plan": plan,
        "confirm_form": ImportForm(initial={"content": text, "invite": True}),
    }
    return render(request, "leadership/import.html", context)


@require_GET
def people_import_template(request: HttpRequest) -> HttpResponse:
    _administrator(request)
    response = HttpResponse(org_import.TEMPLATE, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="people.csv"'
    return response


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation link: a name and a password, then the first-run page. The same answer
    (410) for a link that never existed, was used, revoked, resent or expired."""
    invitation = invitations.by_token(token)
    if invitation is None:
        return render(request, "leadership/invitation_gone.html", status=410)
    if invitations.has_account(invitation):
        return render(request, "leadership/invitation_has_account.html", status=409)
    opens = invitation.user
    person = opens or invitations.new_person(
        invitation=invitation, first_name="", last_name="", password=None
    )
    initial = {"first_name": person.first_name, "last_name": person.last_name}
    form = AcceptForm(request.POST or None, person=person, initial=initial)
    context = {"form": form, "invitation": invitation, "token": token}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "leadership/invitation_accept.html", context, status=422)
        try:
            person = invitations.accept(
                invitation=invitation,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
            )
        except invitations.InvitationGone:
            return render(request, "leadership/invitation_gone.html", status=410)
        login(request, person, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("welcome")
    return render(request, "leadership/invitation_accept.html", context)


@require_GET
def welcome(request: HttpRequest) -> HttpResponse:
    """The first-run page: the three things to do first."""
    return render(
        request,
        "leadership/welcome.html",
        {"person": request.user, "today": timezone.localdate()},
    )
