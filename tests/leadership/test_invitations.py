"""Invitations: a single-use link valid 7 days, stored only as a hash; resend and revoke;
managers invite to their own team only; deactivating and reactivating from /people/."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail, serializers
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from leadership import invitations
from leadership.models import Invitation, User
from tests.factories import UserFactory, submitted_checkin
from transitions.models import CheckIn, Framework, Shift

PASSWORD = "a-long-and-unusual-passphrase-17"
LINK = re.compile(r"(/invitations/[\w-]+/)")


@pytest.fixture
def as_user() -> Callable[[User], Client]:
    def _client(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return _client


@pytest.fixture
def capture(django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """Run what a request queued for after its commit (the invitation emails)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _invite(client: Client, capture: Callable[..., Any], **data: Any) -> Any:
    mail.outbox.clear()
    with capture():
        return client.post("/people/invite/", data)


def _link(index: int = -1) -> str:
    match = LINK.search(mail.outbox[index].body)
    assert match, mail.outbox[index].body
    return match.group(1)


def _join(client: Client, link: str, **changes: Any) -> Any:
    data = {"first_name": "Nora", "last_name": "Quist", "password1": PASSWORD}
    data |= {"password2": data["password1"], **changes}
    return client.post(link, data)


def test_a_manager_invites_to_her_own_team_and_the_link_works_once(
    manager: User, pm: User, as_user: Callable[[User], Client], capture: Callable[..., Any]
) -> None:
    response = _invite(as_user(manager), capture, emails="nora@example.com")
    assert response.status_code == 302
    assert [each.to for each in mail.outbox] == [["nora@example.com"]]
    link = _link()
    visitor = Client()
    assertContains(visitor.get(link), "Choose your name and a password")
    response = _join(visitor, link)
    assert response["Location"] == "/welcome/"
    nora = User.objects.get(email="nora@example.com")
    assert (nora.username, nora.first_name, nora.manager) == ("nora", "Nora", manager)
    assert nora.check_password(PASSWORD)
    assertContains(visitor.get("/welcome/"), "Do your first check-in")
    assert nora in User.objects.direct_reports_of(manager)
    # Once: the same link again, to see or to post, makes nothing more.
    assertContains(Client().get(link), "no longer works", status_code=410)
    assertContains(_join(Client(), link, first_name="Again"), "no longer works", status_code=410)
    assert User.objects.filter(email="nora@example.com").count() == 1
    assert Invitation.objects.get().status == Invitation.Status.ACCEPTED


def test_the_link_is_never_stored_in_clear(
    manager: User, pm: User, as_user: Callable[[User], Client], capture: Callable[..., Any]
) -> None:
    _invite(as_user(manager), capture, emails="nora@example.com")
    token = _link().split("/")[-2]
    assert len(token) >= 40
    invitation = Invitation.objects.get()
    assert invitation.token_hash == invitations.hash_token(token) != token
    everything = "".join(
        serializers.serialize("json", model.objects.all())
        for model in (Invitation, User, *_task_models())
    )
    assert token not in everything


def _task_models() -> list[Any]:
    from django.apps import apps

    return list(apps.get_app_config("django_tasks_database").get_models())


def test_a_link_expires_after_7_days(
    manager: User, pm: User, as_user: Callable[[User], Client], capture: Callable[..., Any]
) -> None:
    _invite(as_user(manager), capture, emails="nora@example.com")
    invitation = Invitation.objects.get()
    assert invitation.expires_at - invitation.sent_at == timedelta(days=7)
    Invitation.objects.update(
        sent_at=timezone.now() - timedelta(days=8), expires_at=timezone.now() - timedelta(days=1)
    )
    assertContains(Client().get(_link()), "no longer works", status_code=410)
    assert _join(Client(), _link()).status_code == 410
    assert not User.objects.filter(email="nora@example.com").exists()
    page = as_user(manager).get("/people/")
    assertContains(page, "Expired")
    assertContains(page, "nora@example.com")


def test_a_revoked_link_no_longer_works(
    manager: User, pm: User, as_user: Callable[[User], Client], capture: Callable[..., Any]
) -> None:
    client = as_user(manager)
    _invite(client, capture, emails="nora@example.com")
    invitation = Invitation.objects.get()
    assert client.post(f"/people/invitations/{invitation.pk}/revoke/").status_code == 302
    assert _join(Client(), _link()).status_code == 410
    assert Invitation.objects.get().status == Invitation.Status.REVOKED
    assert not User.objects.filter(email="nora@example.com").exists()


def test_sending_again_makes_a_new_link_and_the_old_one_dies(
    manager: User, pm: User, as_user: Callable[[User], Client], capture: Callable[..., Any]
) -> None:
    client = as_user(manager)
    _invite(client, capture, emails="nora@example.com")
    old = _link()
    invitation = Invitation.objects.get()
    with capture():
        assert client.post(f"/people/invitations/{invitation.pk}/resend/").status_code == 302
    new = _link()
    assert new != old
    assert Client().get(old).status_code == 410
    assert _join(Client(), new).status_code == 302


def test_inviting_ten_people_is_one_page_and_one_confirmation(
    manager: User, pm: User, as_user: Callable[[User], Client], capture: Callable[..., Any]
) -> None:
    client = as_user(manager)
    assertContains(client.get("/people/invite/"), "Send the invitations")
    emails = [f"person{n}@example.com" for n in range(10)]
    response = _invite(client, capture, emails="\n".join(emails[:5]) + ", " + ", ".join(emails[5:]))
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == sorted(emails)
    assert Invitation.objects.filter(manager=manager).count() == 10


def test_a_manager_can_invite_only_to_her_own_team(
    manager: User,
    pm: User,
    other_manager: User,
    as_user: Callable[[User], Client],
    capture: Callable[..., Any],
) -> None:
    # The form has no manager field for her; a forged one is ignored.
    client = as_user(manager)
    assertNotContains(client.get("/people/invite/"), 'name="manager"')
    _invite(client, capture, emails="nora@example.com", manager=other_manager.pk)
    assert Invitation.objects.get().manager == manager
    with pytest.raises(PermissionError):
        invitations.invite(
            emails=["x@example.com"], by=manager, manager=other_manager, framework=None
        )


def test_only_administrators_and_managers_invite(
    pm: User, editor: User, as_user: Callable[[User], Client]
) -> None:
    for person in (pm, editor):
        assert as_user(person).get("/people/invite/").status_code == 404
        assert (
            as_user(person).post("/people/invite/", {"emails": "x@example.com"}).status_code == 404
        )
    assert not Invitation.objects.exists()


def test_a_manager_sees_only_the_invitations_to_her_team(
    manager: User,
    pm: User,
    other_manager: User,
    other_pm: User,
    as_user: Callable[[User], Client],
    capture: Callable[..., Any],
) -> None:
    _invite(as_user(manager), capture, emails="nora@example.com")
    _invite(as_user(other_manager), capture, emails="otto@example.com")
    page = as_user(manager).get("/people/")
    assertContains(page, "nora@example.com")
    assertNotContains(page, "otto@example.com")
    theirs = Invitation.objects.get(email="otto@example.com")
    assert as_user(manager).post(f"/people/invitations/{theirs.pk}/revoke/").status_code == 404
    assert Invitation.objects.get(pk=theirs.pk).is_open


def test_an_administrator_chooses_the_manager_and_framework(
    superuser: User,
    manager: User,
    pm: User,
    framework: Framework,
    as_user: Callable[[User], Client],
    capture: Callable[..., Any],
) -> None:
    _invite(
        as_user(superuser),
        capture,
        emails="nora@example.com",
        manager=manager.pk,
        framework=framework.pk,
    )
    _join(Client(), _link())
    nora = User.objects.get(email="nora@example.com")
    assert (nora.manager, nora.framework) == (manager, framework)


def test_an_address_with_an_account_is_told_to_the_administrator(
    superuser: User, pm: User, as_user: Callable[[User], Client], capture: Callable[..., Any]
) -> None:
    admin = as_user(superuser)
    response = _invite(admin, capture, emails=pm.email)
    assert mail.outbox == []
    assertContains(admin.get(response["Location"]), "has an account")
    assert not Invitation.objects.exists()


def test_a_manager_is_told_only_about_her_own_reports_accounts(
    manager: User,
    pm: User,
    other_pm: User,
    as_user: Callable[[User], Client],
    capture: Callable[..., Any],
) -> None:
    client = as_user(manager)
    # Her own report: she knows him, so she is told.
    _invite(client, capture, emails=pm.email)
    assert mail.outbox == []
    assertContains(client.get("/people/"), "has an account on your team")
    # Someone else's report: the answer is the same as for a new address ...
    response = _invite(client, capture, emails=other_pm.email)
    page = client.get(response["Location"])
    assertContains(page, "Sent 1 invitation.")
    assertNotContains(page, "has an account")
    # ... the email tells its owner, and its link makes no second account.
    assert "You already have an account" in mail.outbox[0].body
    assert "/invitations/" not in mail.outbox[0].body
    assert User.objects.filter(email__iexact=other_pm.email).count() == 1
    assert User.objects.get(pk=other_pm.pk).manager != manager


def test_the_password_must_pass_the_validators(
    manager: User, pm: User, as_user: Callable[[User], Client], capture: Callable[..., Any]
) -> None:
    _invite(as_user(manager), capture, emails="nora@example.com")
    response = _join(Client(), _link(), password1="123", password2="123")
    assertContains(response, "too short", status_code=422)
    assertContains(
        _join(Client(), _link(), password2="different-one-entirely"), "differ", status_code=422
    )
    assert not User.objects.filter(email="nora@example.com").exists()


def test_the_people_page_has_a_fixed_number_of_queries(
    superuser: User, manager: User, pm: User, django_assert_num_queries: Any
) -> None:
    client = Client()
    client.force_login(superuser)

    def grow(count: int) -> None:
        for n in range(count):
            person = UserFactory(manager=manager)
            Invitation.objects.create(
                email=f"{person.username}-x@example.com",
                token_hash=invitations.new_token()[1],
                invited_by=superuser,
                manager=person,
                sent_at=timezone.now() - timedelta(days=9),
                expires_at=timezone.now() + timedelta(days=n - 2),
            )

    for size in (2, 8):
        grow(size)
        # session, user, invitations (with manager, inviter, account), accounts (with
        # manager and report counts), the navigation's counts
        with django_assert_num_queries(5):
            assert client.get("/people/").status_code == 200


def test_deactivating_signs_out_at_once_keeps_history_and_can_be_undone(
    superuser: User, manager: User, pm: User, shifts: list[Shift], as_user: Callable[[User], Client]
) -> None:
    submitted_checkin(pm, dict.fromkeys(shifts, 3), days_ago=3)
    UserFactory(username="jonas", first_name="Jonas", manager=manager)
    admin, priya = as_user(superuser), as_user(pm)
    assert priya.get("/").status_code == 200
    assertContains(as_user(manager).get("/team/"), "Priya")
    assertContains(admin.get("/people/priya/deactivate/"), "Deactivate Priya?")
    assert User.objects.get(pk=pm.pk).is_active  # asking is not doing
    assert admin.post("/people/priya/deactivate/").status_code == 302
    assert not User.objects.get(pk=pm.pk).is_active
    assert priya.get("/")["Location"].startswith("/accounts/login/")
    assertNotContains(as_user(manager).get("/team/"), "Priya")
    assert CheckIn.objects.filter(person=pm).count() == 1
    assertContains(admin.get("/people/"), "Reactivate")
    assert admin.post("/people/priya/reactivate/").status_code == 302
    assert User.objects.get(pk=pm.pk).is_active
    assertContains(as_user(manager).get("/team/"), "Priya")


def test_an_administrator_cannot_deactivate_herself(
    superuser: User, as_user: Callable[[User], Client]
) -> None:
    as_user(superuser).post(f"/people/{superuser.username}/deactivate/")
    assert User.objects.get(pk=superuser.pk).is_active


def test_a_manager_cannot_deactivate_anyone(
    manager: User, pm: User, as_user: Callable[[User], Client]
) -> None:
    assert as_user(manager).post("/people/priya/deactivate/").status_code == 404
    assert User.objects.get(pk=pm.pk).is_active


def test_deleting_an_account_deletes_the_invitations_to_her_address(
    manager: User, pm: User, as_user: Callable[[User], Client], capture: Callable[..., Any]
) -> None:
    _invite(as_user(manager), capture, emails="nora@example.com")
    _join(Client(), _link())
    nora = User.objects.get(email="nora@example.com")
    client = as_user(nora)
    response = client.post("/account/delete/", {"password": PASSWORD})
    assert response.status_code == 302
    assert not User.objects.filter(email="nora@example.com").exists()
    assert not Invitation.objects.filter(email__iexact="nora@example.com").exists()


def test_the_database_refuses_impossible_invitations(manager: User, pm: User) -> None:
    from django.db import IntegrityError, transaction

    def make(**fields: Any) -> Invitation:
        now = timezone.now()
        return Invitation.objects.create(
            **{
                "email": "nora@example.com",
                "token_hash": invitations.new_token()[1],
                "manager": manager,
                "sent_at": now,
                "expires_at": now + timedelta(days=7),
                **fields,
            }
        )

    make()
    with pytest.raises(IntegrityError), transaction.atomic():
        make(email="NORA@example.com")  # a second open one to the same address and team
    with pytest.raises(IntegrityError), transaction.atomic():
        make(email="x@example.com", accepted_at=timezone.now(), revoked_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        make(email="y@example.com", expires_at=timezone.now() - timedelta(days=1))
    make(manager=None)  # the same address to nobody's team yet is another invitation
