"""Content editing in the admin, as the content editor (alex) does it."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains

from leadership.models import User
from tests.factories import submitted_checkin
from transitions import services
from transitions.models import Area, Framework, Shift, ShiftRevision


@pytest.fixture
def editor_client(client: Client, editor: User) -> Client:
    client.force_login(editor)
    return client


def _shift_form(shift: Shift, **changes: Any) -> dict[str, Any]:
    data = {
        "area": shift.area_id,
        "slug": shift.slug,
        "order": shift.order,
        "from_text": shift.from_text,
        "to_text": shift.to_text,
        "guidance": shift.guidance,
        "change_kind": "",
        "change_note": "",
        "revisions-TOTAL_FORMS": "0",
        "revisions-INITIAL_FORMS": str(shift.revisions.count()),
        "revisions-MIN_NUM_FORMS": "0",
        "revisions-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_the_editor_sees_content_but_not_people(editor_client: Client) -> None:
    index = editor_client.get("/admin/").content.decode()
    assert "/admin/transitions/shift/" in index
    assert "/admin/leadership/user/" not in index
    assert editor_client.get("/admin/transitions/shift/").status_code == 200
    assert editor_client.get("/admin/transitions/area/").status_code == 200
    assert editor_client.get("/admin/transitions/framework/").status_code == 200
    assert editor_client.get("/admin/leadership/user/").status_code == 403
    assert editor_client.get("/admin/auth/group/").status_code == 403


def test_the_editor_cannot_edit_users(editor_client: Client, pm: User) -> None:
    response = editor_client.post(
        f"/admin/leadership/user/{pm.pk}/change/", {"username": "renamed"}
    )
    assert response.status_code == 403
    pm.refresh_from_db()
    assert pm.username == "priya"


def test_shift_change_page_previews_the_shift_and_its_history(
    editor_client: Client, shifts: list[Shift]
) -> None:
    body = editor_client.get(f"/admin/transitions/shift/{shifts[0].pk}/change/").content.decode()
    assert f"From {shifts[0].from_text} → To {shifts[0].to_text}" in body
    assert "Wording history" in body
    assert "First wording" in body


def test_editing_wording_in_the_admin_records_a_revision(
    editor_client: Client, editor: User, shifts: list[Shift]
) -> None:
    shift = shifts[0]
    old_to = shift.to_text
    response = editor_client.post(
        f"/admin/transitions/shift/{shift.pk}/change/",
        _shift_form(
            shift,
            to_text="leading a team of PMs",
            change_kind=ShiftRevision.Kind.MEANING_CHANGE,
            change_note="Simpler",
        ),
    )
    assert response.status_code == 302
    shift.refresh_from_db()
    assert shift.to_text == "leading a team of PMs"
    revisions = list(shift.revisions.order_by("number"))
    assert [r.to_text for r in revisions] == [old_to, "leading a team of PMs"]
    assert revisions[1].kind == ShiftRevision.Kind.MEANING_CHANGE
    assert revisions[1].created_by == editor
    assert revisions[1].note == "Simpler"
    body = editor_client.get(f"/admin/transitions/shift/{shift.pk}/change/").content.decode()
    assert "Change of meaning" in body
    assert old_to in body


def test_the_admin_asks_what_kind_of_change_a_rewording_is(
    editor_client: Client, shifts: list[Shift]
) -> None:
    shift = shifts[0]
    response = editor_client.post(
        f"/admin/transitions/shift/{shift.pk}/change/", _shift_form(shift, to_text="changed")
    )
    assert response.status_code == 200
    assert "say whether it is a wording fix or a change of meaning" in response.content.decode()
    shift.refresh_from_db()
    assert shift.to_text != "changed"
    assert shift.revisions.count() == 1


def test_editing_guidance_only_records_no_revision(
    editor_client: Client, shifts: list[Shift]
) -> None:
    shift = shifts[0]
    response = editor_client.post(
        f"/admin/transitions/shift/{shift.pk}/change/", _shift_form(shift, guidance="Ask: who?")
    )
    assert response.status_code == 302
    shift.refresh_from_db()
    assert shift.guidance == "Ask: who?"
    assert shift.revisions.count() == 1


def test_the_editor_adds_a_shift_with_its_first_revision(
    editor_client: Client, framework: Framework
) -> None:
    area = framework.areas.get(slug="collaborate-across-the-organization")
    response = editor_client.post(
        "/admin/transitions/shift/add/",
        {
            "area": area.pk,
            "slug": "share-context",
            "order": "",
            "from_text": "keeping context in my head",
            "to_text": "sharing context so others decide well",
            "guidance": "",
            "change_kind": "",
            "change_note": "",
            "revisions-TOTAL_FORMS": "0",
            "revisions-INITIAL_FORMS": "0",
            "revisions-MIN_NUM_FORMS": "0",
            "revisions-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    shift = Shift.objects.get(slug="share-context")
    assert shift.order == 3
    assert shift.revisions.get().kind == ShiftRevision.Kind.INITIAL


def test_the_admin_refuses_a_shift_slug_used_elsewhere_in_the_framework(
    editor_client: Client, shifts: list[Shift]
) -> None:
    other_area_shift = next(s for s in shifts if s.area_id != shifts[0].area_id)
    response = editor_client.post(
        f"/admin/transitions/shift/{other_area_shift.pk}/change/",
        _shift_form(other_area_shift, slug=shifts[0].slug),
    )
    assert response.status_code == 200
    assert "Another shift of this framework already uses this slug" in response.content.decode()


def _area_form(area: Area, shifts: list[Shift], orders: dict[int, int]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "framework": area.framework_id,
        "title": area.title,
        "slug": area.slug,
        "order": area.order,
        "summary": area.summary,
        "shifts-TOTAL_FORMS": str(len(shifts)),
        "shifts-INITIAL_FORMS": str(len(shifts)),
        "shifts-MIN_NUM_FORMS": "0",
        "shifts-MAX_NUM_FORMS": "1000",
        # The read-only title history sends its management form too, with no rows to save.
        "revisions-TOTAL_FORMS": "0",
        "revisions-INITIAL_FORMS": "0",
        "revisions-MIN_NUM_FORMS": "0",
        "revisions-MAX_NUM_FORMS": "0",
    }
    for i, shift in enumerate(shifts):
        data.update(
            {
                f"shifts-{i}-id": shift.pk,
                f"shifts-{i}-area": area.pk,
                f"shifts-{i}-order": orders.get(shift.pk, shift.order),
                f"shifts-{i}-slug": shift.slug,
                f"shifts-{i}-from_text": shift.from_text,
                f"shifts-{i}-to_text": shift.to_text,
                f"shifts-{i}-change_kind": "",
                f"shifts-{i}-change_note": "",
            }
        )
    return data


def test_the_editor_swaps_two_shifts_in_the_area_inline(
    editor_client: Client, framework: Framework
) -> None:
    area = framework.areas.get(slug="collaborate-across-the-organization")
    first, second = area.shifts.order_by("order")
    response = editor_client.post(
        f"/admin/transitions/area/{area.pk}/change/",
        _area_form(area, [first, second], {first.pk: second.order, second.pk: first.order}),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(area.shifts.order_by("order")) == [second, first]


def test_the_area_inline_refuses_two_shifts_at_one_position(
    editor_client: Client, framework: Framework
) -> None:
    area = framework.areas.get(slug="collaborate-across-the-organization")
    first, second = area.shifts.order_by("order")
    response = editor_client.post(
        f"/admin/transitions/area/{area.pk}/change/",
        _area_form(area, [first, second], {second.pk: first.order}),
    )
    assert response.status_code == 200
    assert "Another row already has position 1" in response.content.decode()


def test_rewording_in_the_area_inline_records_a_revision(
    editor_client: Client, framework: Framework
) -> None:
    area = framework.areas.get(slug="collaborate-across-the-organization")
    first, second = area.shifts.order_by("order")
    data = _area_form(area, [first, second], {})
    data["shifts-0-to_text"] = "driving initiatives that span the company"
    data["shifts-0-change_kind"] = ShiftRevision.Kind.WORDING_FIX
    response = editor_client.post(f"/admin/transitions/area/{area.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    first.refresh_from_db()
    assert first.to_text == "driving initiatives that span the company"
    assert first.revisions.count() == 2


def test_the_editor_retires_a_shift_with_the_admin_action(
    editor_client: Client, shifts: list[Shift]
) -> None:
    response = editor_client.post(
        "/admin/transitions/shift/",
        {"action": "retire", "_selected_action": [shifts[0].pk, shifts[1].pk]},
    )
    assert response.status_code == 302
    assert Shift.objects.filter(retired_at__isnull=False).count() == 2
    editor_client.post(
        "/admin/transitions/shift/", {"action": "reinstate", "_selected_action": [shifts[0].pk]}
    )
    assert Shift.objects.filter(retired_at__isnull=False).count() == 1


def test_an_unreferenced_shift_can_be_deleted(editor_client: Client, shifts: list[Shift]) -> None:
    shift = shifts[-1]
    response = editor_client.post(f"/admin/transitions/shift/{shift.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Shift.objects.filter(pk=shift.pk).exists()


def test_superuser_sees_users_and_reporting_lines(
    client: Client, superuser: User, pm: User
) -> None:
    client.force_login(superuser)
    body = client.get("/admin/leadership/user/").content.decode()
    assert "priya" in body
    assert "marco" in body


def test_deleting_a_shift_with_evidence_is_refused_and_retiring_offered(
    editor_client: Client, pm: User, shifts: list[Shift]
) -> None:
    from tests.factories import EvidenceFactory

    shift = shifts[0]
    EvidenceFactory(author=pm, shifts=[shift], title="Private note about my report")
    page = editor_client.get(f"/admin/transitions/shift/{shift.pk}/delete/").content.decode()
    assert "cannot be deleted" in page
    assert "Retire it instead" in page
    assert "Private note about my report" not in page  # people's data stays hidden

    editor_client.post(f"/admin/transitions/shift/{shift.pk}/delete/", {"post": "yes"})
    assert Shift.objects.filter(pk=shift.pk).exists()

    response = editor_client.post(f"/admin/transitions/shift/{shift.pk}/retire/")
    assert response.status_code == 302
    shift.refresh_from_db()
    assert shift.is_retired


def test_deleting_an_area_with_referenced_shifts_is_refused(
    editor_client: Client, pm: User, shifts: list[Shift]
) -> None:
    from tests.factories import EvidenceFactory

    EvidenceFactory(author=pm, shifts=[shifts[0]])
    area = shifts[0].area
    page = editor_client.get(f"/admin/transitions/area/{area.pk}/delete/").content.decode()
    assert "Retire it instead" in page
    editor_client.post(f"/admin/transitions/area/{area.pk}/delete/", {"post": "yes"})
    assert Area.objects.filter(pk=area.pk).exists()
    assert Shift.objects.filter(area=area).count() == 7


def test_bulk_delete_of_referenced_shifts_is_refused(
    editor_client: Client, pm: User, shifts: list[Shift]
) -> None:
    from tests.factories import EvidenceFactory

    EvidenceFactory(author=pm, shifts=[shifts[0]], title="Secret title")
    response = editor_client.post(
        "/admin/transitions/shift/",
        {"action": "delete_selected", "_selected_action": [shifts[0].pk], "post": "yes"},
    )
    assertNotContains(response, "Secret title", status_code=response.status_code)
    assert response.status_code in (200, 302)
    assert Shift.objects.filter(pk=shifts[0].pk).exists()


FOCUS_MARKER = "MARKER-FOCUS-3c9e1d"


@pytest.fixture(params=["follows the default", "follows it by name"])
def peoples_data(
    request: pytest.FixtureRequest, pm: User, manager: User, shifts: list[Shift]
) -> list[str]:
    """A PM with a check-in, focus and a completed review, following the framework as the
    default or by name: what protects content from deletion. Returns what, of it, the admin
    would name (the rows' own descriptions) if it listed them."""
    framework = shifts[0].area.framework
    if request.param == "follows it by name":
        pm.framework = framework
        pm.save(update_fields=["framework"])
    submitted_checkin(pm, {shifts[0]: 4}, days_ago=5)
    services.focus_set(person=pm, shift=shifts[1], next_step=FOCUS_MARKER)
    review, _ = services.review_start(person=pm, manager=manager, framework=framework)
    for shift in shifts:
        services.review_rate(
            review=review, shift=shift, revision=shift.revisions.latest(), changes={"level": 2}
        )
    services.review_write(review=review, summary="Fine.", agreed_focus="")
    services.review_complete(review=review)
    return [
        FOCUS_MARKER,
        "Priya",  # the follower
        "Check-in of",
        "Review of",
        f"{shifts[0].slug}: 4",  # her rating
        f"{shifts[0].slug}: 2",  # the manager's rating
    ]


def _shows_nothing_of_people(response: HttpResponse, peoples_data: list[str]) -> None:
    assertContains(response, "cannot be deleted")
    for text in peoples_data:
        assertNotContains(response, text)


def test_deleting_a_framework_shows_the_editor_nothing_of_peoples_data(
    editor_client: Client, framework: Framework, peoples_data: list[str]
) -> None:
    url = f"/admin/transitions/framework/{framework.pk}/delete/"
    _shows_nothing_of_people(editor_client.get(url), peoples_data)
    assertContains(editor_client.get(url), "Retire its areas or shifts instead")

    bulk = {"action": "delete_selected", "_selected_action": [framework.pk]}
    confirm = editor_client.post("/admin/transitions/framework/", bulk)
    _shows_nothing_of_people(confirm, peoples_data)

    editor_client.post(url, {"post": "yes"})
    editor_client.post("/admin/transitions/framework/", {**bulk, "post": "yes"})
    assert Framework.objects.filter(pk=framework.pk).exists()


@pytest.mark.parametrize("model", ["area", "shift"])
def test_deleting_an_area_or_shift_shows_the_editor_nothing_of_peoples_data(
    editor_client: Client, shifts: list[Shift], peoples_data: list[str], model: str
) -> None:
    pk = shifts[1].area_id if model == "area" else shifts[1].pk
    url = f"/admin/transitions/{model}/{pk}/delete/"
    _shows_nothing_of_people(editor_client.get(url), peoples_data)
    bulk = {"action": "delete_selected", "_selected_action": [pk]}
    _shows_nothing_of_people(editor_client.post(f"/admin/transitions/{model}/", bulk), peoples_data)


def test_deleting_a_person_names_none_of_her_records(
    client: Client, superuser: User, pm: User, peoples_data: list[str]
) -> None:
    from tests.factories import EvidenceFactory

    EvidenceFactory(author=pm, title="MARKER-EVIDENCE-5b0e2a")
    client.force_login(superuser)
    url = f"/admin/leadership/user/{pm.pk}/delete/"
    bulk = {"action": "delete_selected", "_selected_action": [pm.pk]}
    for response in (client.get(url), client.post("/admin/leadership/user/", bulk)):
        assertContains(response, "Priya")  # who is deleted
        assertContains(response, "Focus: 1")  # and how much of hers goes with her
        for text in [*peoples_data, "MARKER-EVIDENCE-5b0e2a"]:
            if text != "Priya":
                assertNotContains(response, text)
    client.post(url, {"post": "yes"})
    assert not User.objects.filter(pk=pm.pk).exists()


def test_the_editor_cannot_reach_evidence_in_the_admin(editor_client: Client) -> None:
    assert editor_client.get("/admin/transitions/evidence/").status_code == 404


def test_cached_framework_content_follows_every_edit(
    editor_client: Client, editor: User, pm: User, shifts: list[Shift]
) -> None:
    reader = Client()
    reader.force_login(pm)
    shift = shifts[0]
    assert shift.to_text in reader.get("/framework/").content.decode()  # now cached

    editor_client.post(
        f"/admin/transitions/shift/{shift.pk}/change/",
        _shift_form(shift, to_text="leading PMs", change_kind=ShiftRevision.Kind.WORDING_FIX),
    )
    assert "leading PMs" in reader.get("/framework/").content.decode()

    editor_client.post(
        "/admin/transitions/shift/", {"action": "retire", "_selected_action": [shift.pk]}
    )
    assertNotContains(reader.get("/framework/"), "leading PMs")

    area = shifts[1].area
    editor_client.post(
        "/admin/transitions/area/", {"action": "retire", "_selected_action": [area.pk]}
    )
    assertNotContains(reader.get("/framework/"), area.title)
