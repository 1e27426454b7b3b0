"""The org-chart import: a preview that writes nothing, then one transaction; idempotent;
loops and unknown managers refused with their row numbers; the page and the command."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail, serializers
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains

from leadership import org_import
from leadership.models import Invitation, User

HEADER = "email,first_name,last_name,manager_email\n"
CHART = (
    HEADER + "helena@example.com,Helena,Berg,\n"
    "nina@example.com,Nina,Okafor,helena@example.com\n"
    "tom@example.com,Tom,Li,nina@example.com\n"
)


def _state() -> str:
    return serializers.serialize("json", User.objects.order_by("pk")) + serializers.serialize(
        "json", Invitation.objects.order_by("pk")
    )


@pytest.fixture
def admin(superuser: User) -> Client:
    client = Client()
    client.force_login(superuser)
    return client


@pytest.fixture
def capture(django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _preview(client: Client, text: str) -> Any:
    upload = SimpleUploadedFile("people.csv", text.encode(), content_type="text/csv")
    return client.post("/people/import/", {"file": upload})


def _confirm(client: Client, text: str, capture: Callable[..., Any], invite: bool = True) -> Any:
    data = {"content": text, "confirm": "1"} | ({"invite": "on"} if invite else {})
    with capture():
        return client.post("/people/import/", data)


def test_the_preview_writes_nothing(admin: Client, superuser: User) -> None:
    before = _state()
    response = _preview(admin, CHART)
    assertContains(response, "Preview: nothing is written yet")
    assertContains(response, "Create (helena)")
    assertContains(response, "Import: create 3, change 0")
    assert _state() == before
    assert mail.outbox == []


def test_confirming_imports_in_one_go_and_invites(
    admin: Client, capture: Callable[..., Any]
) -> None:
    response = _confirm(admin, CHART, capture)
    assert response["Location"] == "/people/"
    people = {person.email: person for person in User.objects.filter(email__endswith="example.com")}
    assert people["tom@example.com"].manager == people["nina@example.com"]
    assert people["nina@example.com"].manager == people["helena@example.com"]
    assert people["helena@example.com"].manager is None
    assert not people["tom@example.com"].has_usable_password()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "helena@example.com",
        "nina@example.com",
        "tom@example.com",
    ]
    # The invitation opens the account the import made: name and password, nothing more.
    link = re.search(r"/invitations/[\w-]+/", mail.outbox[0].body)
    assert link
    visitor = Client()
    password = "a-long-and-unusual-passphrase-17"
    data = {"first_name": "Hel", "last_name": "B", "password1": password, "password2": password}
    assert visitor.post(link.group(0), data)["Location"] == "/welcome/"
    person = User.objects.get(email=mail.outbox[0].to[0])
    assert person.first_name == "Hel"
    assert person.check_password(password)
    assert User.objects.filter(email=person.email).count() == 1


def test_invitations_are_optional(admin: Client, capture: Callable[..., Any]) -> None:
    _confirm(admin, CHART, capture, invite=False)
    assert User.objects.filter(email="tom@example.com").exists()
    assert mail.outbox == []
    assert not Invitation.objects.exists()


def test_importing_the_same_file_again_changes_nothing(
    admin: Client, capture: Callable[..., Any]
) -> None:
    _confirm(admin, CHART, capture)
    before = _state()
    response = _preview(admin, CHART)
    assertContains(response, "There is nothing to import")
    assert [row.action for row in org_import.plan(CHART).rows] == ["unchanged"] * 3
    _confirm(admin, CHART, capture)
    assert _state() == before


def test_a_changed_manager_moves_the_reporting_line(
    admin: Client, pm: User, manager: User, other_manager: User, capture: Callable[..., Any]
) -> None:
    text = HEADER + f"{pm.email},{pm.first_name},{pm.last_name},{other_manager.email}\n"
    response = _preview(admin, text)
    assertContains(response, f"manager {manager.email} → {other_manager.email}")
    _confirm(admin, text, capture)
    assert User.objects.get(pk=pm.pk).manager == other_manager
    assert pm not in User.objects.direct_reports_of(manager)
    assert pm in User.objects.direct_reports_of(other_manager)


def test_unknown_managers_and_loops_are_refused_with_their_row_numbers(admin: Client) -> None:
    text = (
        HEADER + "ana@example.com,Ana,A,ben@example.com\n"  # row 2
        "ben@example.com,Ben,B,ana@example.com\n"  # row 3: ana ↔ ben
        "cleo@example.com,Cleo,C,nobody@example.com\n"  # row 4: unknown manager
        "dev@example.com,Dev,D,cleo@example.com\n"  # row 5: under a refused row
        "eve@example.com,Eve,E,\n"  # row 6: fine
        "eve@example.com,Eve,E,\n"  # row 7: twice
        "not-an-address,F,F,\n"  # row 8
    )
    rows = {row.number: row for row in org_import.plan(text).rows}
    assert [n for n, row in rows.items() if row.action == "refuse"] == [2, 3, 4, 5, 7, 8]
    assert "loop" in rows[2].reasons[0]
    assert "(rows 2, 3)" in rows[2].reasons[0]
    assert "nobody@example.com is neither" in rows[4].reasons[0]
    assert "row 4" in rows[5].reasons[0]
    assert "row 6" in rows[7].reasons[0]
    assert rows[6].action == "create"
    response = _preview(admin, text)
    assertContains(response, "Refused:", count=6)
    assertContains(response, "Import: create 1, change 0")


def test_a_loop_through_existing_accounts_is_refused(
    admin: Client, pm: User, manager: User
) -> None:
    # priya reports to marco; making marco report to priya closes a loop.
    text = HEADER + f"{manager.email},Marco,,{pm.email}\n"
    (row,) = org_import.plan(text).rows
    assert row.action == "refuse"
    assert "loop" in row.reasons[0]


def test_a_file_without_the_columns_is_refused(admin: Client) -> None:
    response = _preview(admin, "name,mail\nx,y\n")
    assertContains(response, "it lacks email", status_code=422)


def test_the_template_can_be_downloaded_and_imported(
    admin: Client, capture: Callable[..., Any]
) -> None:
    response = admin.get("/people/import/people.csv")
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    assert text.startswith("email,first_name,last_name,manager_email")
    assert [row.action for row in org_import.plan(text).rows] == ["create"] * 3


def test_a_500_row_file_is_one_page_and_one_confirmation(
    admin: Client, capture: Callable[..., Any]
) -> None:
    lines = [HEADER.strip(), "head@example.com,Head,Of,"]
    lines += [f"lead{n}@example.com,Lead,{n},head@example.com" for n in range(20)]
    lines += [f"pm{n}@example.com,Pm,{n},lead{n % 20}@example.com" for n in range(479)]
    text = "\n".join(lines) + "\n"
    response = _preview(admin, text)
    assertContains(response, "Import: create 500, change 0")
    assertNotContains(response, "Refused:")
    response = _confirm(admin, text, capture, invite=False)
    assert response.status_code == 302
    assert User.objects.filter(email__startswith="pm").count() == 479
    assert User.objects.get(email="pm25@example.com").manager.email == "lead5@example.com"


def test_the_preview_has_a_fixed_number_of_queries(
    db: None, django_assert_num_queries: Any
) -> None:
    for size in (3, 60):
        text = HEADER + "".join(f"p{n}@example.com,P,{n},\n" for n in range(size))
        # frameworks, accounts by address, usernames, reporting lines
        with django_assert_num_queries(4):
            org_import.plan(text)


def test_only_administrators_import(manager: User, pm: User) -> None:
    client = Client()
    client.force_login(manager)
    assert _preview(client, CHART).status_code == 404
    assert not User.objects.filter(email="tom@example.com").exists()


def test_the_command_prints_the_preview_and_writes_only_when_confirmed(
    db: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    path = tmp_path / "people.csv"
    path.write_text(CHART + "x@example.com,X,X,ghost@example.com\n")
    out = io.StringIO()
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    call_command("import_people", str(path), stdout=out)
    assert "row 2: helena@example.com: create (helena)" in out.getvalue()
    assert "row 5: x@example.com: refused: The manager ghost@example.com" in out.getvalue()
    assert "Nothing was written." in out.getvalue()
    assert not User.objects.filter(email="tom@example.com").exists()

    out = io.StringIO()
    call_command("import_people", str(path), "--yes", "--no-invite", stdout=out)
    assert "Imported: 3 created, 0 changed, 0 invited." in out.getvalue()
    assert User.objects.get(email="tom@example.com").manager.email == "nina@example.com"

    out = io.StringIO()
    call_command("import_people", str(path), "--yes", stdout=out)
    assert "0 to create, 0 to change, 3 unchanged, 1 refused." in out.getvalue()
    assert "Nothing to import." in out.getvalue()
