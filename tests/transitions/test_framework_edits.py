"""Editing the framework: wording revisions, ordering, import and export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from leadership.models import User
from transitions import framework_file, services
from transitions.models import Area, Framework, Shift, ShiftRevision


def test_rewording_adds_a_revision_and_keeps_the_old_text(
    shifts: list[Shift], editor: User
) -> None:
    shift = shifts[0]
    old_to = shift.to_text
    shift.to_text = "leading a team of PMs, each in their own area"
    revision = services.shift_save(
        shift=shift, kind=ShiftRevision.Kind.WORDING_FIX, note="Shorter", by=editor
    )
    assert revision is not None
    assert revision.number == 2
    assert revision.kind == ShiftRevision.Kind.WORDING_FIX
    assert revision.created_by == editor
    shift.refresh_from_db()
    assert shift.to_text == "leading a team of PMs, each in their own area"
    first = shift.revisions.get(number=1)
    assert first.to_text == old_to


def test_saving_unchanged_wording_adds_no_revision(shifts: list[Shift]) -> None:
    shift = shifts[0]
    shift.guidance = "New guidance only"
    assert services.shift_save(shift=shift) is None
    assert shift.revisions.count() == 1


def test_rewording_must_say_what_kind_of_change_it_is(shifts: list[Shift]) -> None:
    shift = shifts[0]
    shift.from_text = "something new"
    with pytest.raises(ValueError, match="wording fix or a change of meaning"):
        services.shift_save(shift=shift)
    shift.refresh_from_db()
    assert shift.from_text != "something new"
    assert shift.revisions.count() == 1


def test_a_new_shift_gets_its_first_revision_and_the_next_position(framework: Framework) -> None:
    area = framework.areas.get(slug="collaborate-across-the-organization")
    shift = Shift(area=area, slug="new-one", from_text="a", to_text="b")
    revision = services.shift_save(shift=shift)
    assert shift.order == 3
    assert revision is not None
    assert (revision.number, revision.kind) == (1, ShiftRevision.Kind.INITIAL)


def test_the_database_refuses_duplicate_order_and_slug_in_an_area(shifts: list[Shift]) -> None:
    first, second = shifts[0], shifts[1]
    with pytest.raises(IntegrityError), transaction.atomic():
        Shift.objects.filter(pk=second.pk).update(order=first.order)
    with pytest.raises(IntegrityError), transaction.atomic():
        Shift.objects.filter(pk=second.pk).update(slug=first.slug)
    with pytest.raises(IntegrityError), transaction.atomic():
        Shift.objects.filter(pk=second.pk).update(to_text="")


def test_the_database_refuses_a_second_default_framework(framework: Framework) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Framework.objects.create(slug="another", title="Another", is_default=True)


def test_apply_order_swaps_positions_without_a_clash(framework: Framework) -> None:
    areas = list(framework.areas.order_by("order"))
    with transaction.atomic():
        services.apply_order(framework.areas.all(), {areas[0].pk: 3, areas[2].pk: 1})
    assert list(framework.areas.order_by("order").values_list("slug", flat=True)) == [
        areas[2].slug,
        areas[1].slug,
        areas[0].slug,
    ]


def test_export_matches_the_shipped_data_file(framework: Framework) -> None:
    shipped = json.loads(framework_file.DEFAULT_FRAMEWORK_FILE.read_text(encoding="utf-8"))
    assert services.framework_export(framework) == shipped


def test_import_of_an_export_is_idempotent(framework: Framework) -> None:
    data = services.framework_export(framework)
    report = services.framework_import(data)
    assert not report.changed
    assert ShiftRevision.objects.count() == 12


def test_import_round_trip_into_an_empty_installation(framework: Framework) -> None:
    data = services.framework_export(framework)
    Framework.objects.all().delete()
    report = services.framework_import(data, make_default=True)
    assert report.changed
    imported = Framework.objects.get()
    assert imported.is_default
    assert services.framework_export(imported) == data


def test_import_records_changed_wording_as_a_revision_and_reorders(framework: Framework) -> None:
    data = services.framework_export(framework)
    lead = data["areas"][0]
    lead["shifts"][0]["to"] = "leading a team of product managers"
    lead["shifts"][0], lead["shifts"][1] = lead["shifts"][1], lead["shifts"][0]
    data["areas"].reverse()
    lead["shifts"].append({"slug": "brand-new", "from": "x", "to": "y", "guidance": ""})

    report = services.framework_import(data)

    assert report.reworded == ["shift lead-a-team-of-pms"]
    assert "shift brand-new" in report.created
    shift = Shift.objects.get(slug="lead-a-team-of-pms")
    assert shift.to_text == "leading a team of product managers"
    latest = shift.revisions.order_by("-number").first()
    assert latest is not None
    assert (latest.number, latest.kind) == (2, ShiftRevision.Kind.MEANING_CHANGE)
    assert shift.order == 2
    assert list(framework.areas.order_by("order").values_list("slug", flat=True)) == [
        "partner-of-senior-executives",
        "collaborate-across-the-organization",
        "lead-people-and-processes",
    ]
    assert services.framework_export(framework) == data


def test_import_refuses_a_broken_file_and_changes_nothing(framework: Framework) -> None:
    data = services.framework_export(framework)
    data["areas"][0]["shifts"][0]["to"] = ""
    data["areas"][1]["shifts"][0]["slug"] = data["areas"][0]["shifts"][1]["slug"]
    with pytest.raises(ValidationError) as caught:
        services.framework_import(data)
    messages = " ".join(caught.value.messages)
    assert "'to' must be a non-empty text" in messages
    assert "is used twice" in messages
    assert Shift.objects.get(slug="lead-a-team-of-pms").to_text.startswith("leading and")


def test_export_and_import_commands_round_trip(
    framework: Framework, tmp_path: Path, capsys
) -> None:
    path = tmp_path / "framework.json"
    call_command("export_framework", "ic-to-product-leader", output=str(path))
    data = json.loads(path.read_text(encoding="utf-8"))
    data["areas"][0]["shifts"][0]["guidance"] = "Changed guidance"
    path.write_text(json.dumps(data), encoding="utf-8")

    call_command("import_framework", str(path))
    assert "Updated: shift lead-a-team-of-pms" in capsys.readouterr().out
    call_command("import_framework", str(path))
    assert "already up to date; nothing changed" in capsys.readouterr().out


def test_import_command_explains_a_bad_file(db: None, tmp_path: Path) -> None:
    from django.core.management.base import CommandError

    path = tmp_path / "bad.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("import_framework", str(path))


def test_areas_and_shifts_retire_and_reinstate(framework: Framework) -> None:
    area = framework.areas.get(slug="partner-of-senior-executives")
    assert services.set_retired(objects=Area.objects.filter(pk=area.pk), retired=True) == 1
    assert Shift.objects.of_framework(framework).active().count() == 9
    services.set_retired(objects=Area.objects.filter(pk=area.pk), retired=False)
    assert Shift.objects.of_framework(framework).active().count() == 12
