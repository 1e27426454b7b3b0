"""The org-chart import: a CSV of people and who they report to, previewed, then applied.

`plan(text)` reads the file and says, row by row, what would be created, changed, left
unchanged or refused (with the reason), writing nothing; `apply(plan, by=..., invite=...)`
writes the plan's rows in one transaction. The web page (/people/import/) and the command
(`manage.py import_people`) share both, so they preview and import the same way.

Columns: email, first_name, last_name, manager_email, and optionally username and framework
(a framework's slug; empty means the default one). Re-importing the same file changes
nothing. Rows refused (an unknown manager, a loop in the reporting line, a bad address) are
skipped, and so are the rows whose manager is on a refused row.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from leadership import invitations
from leadership.models import Invitation, User

COLUMNS = ["email", "first_name", "last_name", "manager_email"]
OPTIONAL_COLUMNS = ["username", "framework"]
TEMPLATE = (
    "email,first_name,last_name,manager_email,username,framework\r\n"
    "helena@example.com,Helena,Berg,,,\r\n"
    "marco@example.com,Marco,Rossi,helena@example.com,,\r\n"
    "priya@example.com,Priya,Sharma,marco@example.com,priya,\r\n"
)
MAX_ROWS = 5000


class ImportFileError(ValueError):
    """The file cannot be read as an org chart at all (encoding, missing columns, size)."""


@dataclass
class Row:
    number: int  # the line in the file, counting the header as line 1
    email: str
    first_name: str
    last_name: str
    manager_email: str
    username: str = ""
    framework: str = ""
    action: str = ""  # create, change, unchanged or refuse
    reasons: list[str] = field(default_factory=list)  # why refused
    changes: list[str] = field(default_factory=list)  # what changes, in words
    person: User | None = None  # the existing account, when there is one
    framework_id: int | None = None


@dataclass
class Plan:
    rows: list[Row]

    def count(self, action: str) -> int:
        return sum(row.action == action for row in self.rows)

    @property
    def counts(self) -> dict[str, int]:
        return {action: self.count(action) for action in ("create", "change", "unchanged")} | {
            "refuse": self.count("refuse")
        }

    @property
    def writes(self) -> bool:
        return any(row.action in ("create", "change") for row in self.rows)


def _read(text: str) -> list[Row]:
    text = text.removeprefix("\ufeff")
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise ImportFileError(
            f"The first line must name the columns {', '.join(COLUMNS)} (and optionally "
            f"{', '.join(OPTIONAL_COLUMNS)}); it lacks {', '.join(missing)}."
        )
    reader.fieldnames = header
    rows = []
    for record in reader:
        if len(rows) >= MAX_ROWS:
            raise ImportFileError(f"The file has more than {MAX_ROWS} people: split it.")
        values = {key: (value or "").strip() for key, value in record.items() if key}
        if not any(values.values()):
            continue
        rows.append(
            Row(
                number=reader.line_num,
                email=values.get("email", "").lower(),
                first_name=values.get("first_name", "")[:150],
                last_name=values.get("last_name", "")[:150],
                manager_email=values.get("manager_email", "").lower(),
                username=values.get("username", ""),
                framework=values.get("framework", ""),
            )
        )
    return rows


def plan(text: str) -> Plan:
    """What importing this CSV would do, row by row. Reads the database; writes nothing.
    A fixed number of queries whatever the number of rows."""
    rows = _read(text)
    framework_model = User._meta.get_field("framework").related_model
    frameworks = dict(framework_model.objects.values_list("slug", "pk"))  # type: ignore[union-attr]
    people = {person.email.lower(): person for person in User.objects.exclude(email="")}
    usernames = {name.lower() for name in User.objects.values_list("username", flat=True)}
    managers = dict(User.objects.values_list("pk", "manager_id"))
    by_email: dict[str, Row] = {}

    for row in rows:
        try:
            validate_email(row.email)
        except ValidationError:
            row.reasons.append(f"“{row.email}” is not an email address.")
        if row.email in by_email:
            row.reasons.append(f"This address is on row {by_email[row.email].number} too.")
        else:
            by_email[row.email] = row
        if row.manager_email == row.email and row.email:
            row.reasons.append("A person cannot be her own manager.")
        if row.framework and row.framework not in frameworks:
            row.reasons.append(f"There is no framework “{row.framework}”.")
        row.framework_id = frameworks.get(row.framework) if row.framework else None
        row.person = people.get(row.email)

    taken = set(usernames)
    for row in rows:
        if row.person is not None or row.reasons:
            continue
        if row.username:
            try:
                UnicodeUsernameValidator()(row.username)
            except ValidationError:
                row.reasons.append(f"“{row.username}” cannot be a username.")
                continue
            if row.username.lower() in taken:
                row.reasons.append(f"The username “{row.username}” is taken.")
                continue
        else:
            row.username = _free_username(row.email, taken)
        taken.add(row.username.lower())

    for row in rows:
        known = row.manager_email in by_email or row.manager_email in people
        if row.manager_email and not known:
            row.reasons.append(
                f"The manager {row.manager_email} is neither on a row of this file "
                "nor has an account."
            )

    email_of = {person.pk: email for email, person in people.items()}
    _refuse_loops(rows, by_email, people, managers, email_of)
    _refuse_under_refused(rows, by_email)

    for row in rows:
        if row.reasons:
            row.action = "refuse"
        elif row.person is None:
            row.action = "create"
        else:
            row.changes = _changes(row, people, email_of)
            row.action = "change" if row.changes else "unchanged"
    return Plan(rows)


def _free_username(email: str, taken: set[str]) -> str:
    base = invitations.clean_username(email)
    name, number = base, 2
    while name in taken:
        name, number = f"{base}{number}", number + 1
    return name


def _refuse_loops(
    rows: list[Row],
    by_email: dict[str, Row],
    people: dict[str, User],
    managers: dict[int, Any],
    email_of: dict[int, str],
) -> None:
    """Refuse every row on a loop of the reporting line the import would make: each person's
    manager is the file's, or her current one when she is not in the file."""

    def manager_of(email: str) -> str | None:
        if email in by_email:
            return by_email[email].manager_email or None
        person = people.get(email)
        if person is None:
            return None
        manager_id = managers.get(person.pk)
        return email_of.get(manager_id) if manager_id is not None else None

    for row in rows:
        if row.reasons or not row.manager_email:
            continue
        seen = [row.email]
        current = manager_of(row.email)
        while current is not None and current not in seen:
            seen.append(current)
            current = manager_of(current)
        if current == row.email:
            loop = [by_email[email].number for email in seen if email in by_email]
            row.reasons.append(
                "This would make a loop in the reporting line: "
                + " → ".join([*seen, row.email])
                + (f" (rows {', '.join(map(str, sorted(loop)))})." if len(loop) > 1 else ".")
            )


def _refuse_under_refused(rows: list[Row], by_email: dict[str, Row]) -> None:
    """A row whose manager is on a refused row is refused too, and so on down the line."""
    changed = True
    while changed:
        changed = False
        for row in rows:
            manager_row = by_email.get(row.manager_email)
            if not row.reasons and manager_row is not None and manager_row.reasons:
                row.reasons.append(f"The manager's row (row {manager_row.number}) is refused.")
                changed = True


def _changes(row: Row, people: dict[str, User], email_of: dict[int, str]) -> list[str]:
    person = row.person
    assert person is not None
    changes = []
    if row.first_name and row.first_name != person.first_name:
        changes.append(f"first name {person.first_name or '(none)'} → {row.first_name}")
    if row.last_name and row.last_name != person.last_name:
        changes.append(f"last name {person.last_name or '(none)'} → {row.last_name}")
    manager = people.get(row.manager_email) if row.manager_email else None
    new_manager_id = manager.pk if manager is not None else None
    if row.manager_email and manager is None:
        new_manager_id = -1  # a person this import creates
    if new_manager_id != person.manager_id:
        before = email_of.get(person.manager_id, "(nobody)") if person.manager_id else "(nobody)"
        changes.append(f"manager {before} → {row.manager_email or '(nobody)'}")
    if row.framework and row.framework_id != person.framework_id:
        changes.append(f"framework → {row.framework}")
    return changes


def apply(plan: Plan, *, by: User | None, invite: bool) -> dict[str, int]:
    """Write the plan's created and changed rows in one transaction (refused and unchanged
    rows are left alone); with `invite`, each created person gets an invitation to set her
    name and password, sent once the transaction commits."""
    from leadership import tasks

    now = timezone.now()
    with transaction.atomic():
        created: dict[str, User] = {}
        for row in plan.rows:
            if row.action != "create":
                continue
            person = User(
                username=row.username,
                email=row.email,
                first_name=row.first_name,
                last_name=row.last_name,
                framework_id=row.framework_id,
            )
            person.set_unusable_password()
            created[row.email] = person
        User.objects.bulk_create(created.values())
        if len(created) and any(person.pk is None for person in created.values()):
            # Backends that do not return ids from a bulk insert (none of ours): read them.
            ids = dict(User.objects.filter(email__in=list(created)).values_list("email", "pk"))
            for email, person in created.items():
                person.pk = ids[email]
        emails = {row.manager_email for row in plan.rows if row.action in ("create", "change")}
        managers = {
            person.email.lower(): person
            for person in User.objects.filter(email__in=[e for e in emails if e])
        }
        changed: list[User] = []
        for row in plan.rows:
            if row.action not in ("create", "change"):
                continue
            person = created.get(row.email) or row.person
            assert person is not None
            manager = managers.get(row.manager_email) if row.manager_email else None
            person.manager_id = manager.pk if manager is not None else None
            if row.action == "change":
                person.first_name = row.first_name or person.first_name
                person.last_name = row.last_name or person.last_name
                if row.framework:
                    person.framework_id = row.framework_id
            changed.append(person)
        User.objects.bulk_update(
            changed, ["manager", "first_name", "last_name", "framework"], batch_size=500
        )
        sent = 0
        if invite and created:
            rows = [
                Invitation(
                    email=person.email,
                    user=person,
                    token_hash=invitations.new_token()[1],
                    invited_by=by,
                    manager_id=person.manager_id,
                    framework_id=person.framework_id,
                    created_at=now,
                    sent_at=now,
                    expires_at=now + invitations.VALID_FOR,
                )
                for person in created.values()
            ]
            ids = [each.pk for each in Invitation.objects.bulk_create(rows)]

            def send_all() -> None:
                for pk in ids:
                    tasks.send_invitation.enqueue(pk)

            transaction.on_commit(send_all, robust=True)
            sent = len(ids)
    return {"created": plan.count("create"), "changed": plan.count("change"), "invited": sent}
