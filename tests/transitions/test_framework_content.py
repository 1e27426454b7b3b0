"""The article's framework as data: what the migration loads, and the page that shows it."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.test import Client
from pytest_django.asserts import assertNotContains

from leadership.models import User
from transitions.models import Area, Framework, Shift, ShiftRevision

ARTICLE = [
    (
        "Lead People and Processes",
        [
            (
                "working with a team in some dedicated product area",
                "leading and coordinating a team of Product Managers each working in their area",
            ),
            (
                "working with an agile coach to improve collaboration in the team",
                "motivating, coaching and mentoring other product managers",
            ),
            (
                "working with colleagues and teams recruited by others",
                "hiring and onboarding new team members",
            ),
            (
                "running discovery inside a specific product area",
                "driving and aligning discovery for multiple teams",
            ),
            (
                "setting specific goals for the next product release",
                "providing strategy so others can align their goals",
            ),
            (
                "analyzing product data to improve the product experience",
                "driving alignment to build product analytics across multiple teams",
            ),
            (
                "doing the product management job with given frameworks",
                "constantly driving for excellence inside the product management team",
            ),
        ],
    ),
    (
        "Collaborate across the Entire Organization",
        [
            (
                "working with a dedicated team of designers and engineers",
                "driving complex initiatives across the organization",
            ),
            (
                "managing a backlog of the team toward a product goal",
                "priorities from which the entire business benefits",
            ),
        ],
    ),
    (
        "Become a Partner of Senior Executives",
        [
            (
                "presenting features inside the product and engineering group",
                "providing status and aligning on a plan for complex initiatives with the "
                "leadership team",
            ),
            (
                "delivering features along the roadmap",
                "looking at business cases that could be tackled with new or enhanced products",
            ),
            (
                "engaging with existing customers",
                "expanding into new markets targeting new customers",
            ),
        ],
    ),
]


def _loaded(framework: Framework) -> list[tuple[str, list[tuple[str, str]]]]:
    return [
        (area.title, [(s.from_text, s.to_text) for s in area.shifts.order_by("order")])
        for area in framework.areas.order_by("order")
    ]


def test_migration_loads_the_articles_areas_and_shifts_in_order(framework: Framework) -> None:
    assert Area.objects.count() == 3
    assert Shift.objects.count() == 12
    assert _loaded(framework) == ARTICLE


def test_migration_loads_the_framing_and_source(framework: Framework) -> None:
    assert framework.is_default
    assert framework.title == "From Individual Contributor to Product Leader"
    assert framework.source_url.startswith("https://")
    assert "the team" in framework.description
    assert "the product strategy" in framework.description
    assert all(area.summary for area in framework.areas.all())


def test_every_loaded_shift_has_its_first_revision(framework: Framework) -> None:
    revisions = ShiftRevision.objects.filter(shift__area__framework=framework)
    assert revisions.count() == 12
    for revision in revisions.select_related("shift"):
        assert revision.number == 1
        assert revision.kind == ShiftRevision.Kind.INITIAL
        assert (revision.from_text, revision.to_text) == (
            revision.shift.from_text,
            revision.shift.to_text,
        )


@pytest.mark.django_db
def test_the_data_migration_reverses_and_reapplies_cleanly() -> None:
    migration = importlib.import_module("transitions.migrations.0002_article_framework")
    migration.unload_framework(apps, None)
    assert not Framework.objects.exists()
    assert not Shift.objects.exists()

    migration.load_framework(apps, None)
    migration.load_framework(apps, None)  # a second run adds nothing
    framework = Framework.objects.get()
    assert _loaded(framework) == ARTICLE


def test_framework_page_shows_areas_and_shifts_as_worded(client: Client, pm: User) -> None:
    client.force_login(pm)
    response = client.get("/framework/")
    assert response.status_code == 200
    body = response.content.decode()
    for area_title, pairs in ARTICLE:
        assert area_title in body
        for from_text, to_text in pairs:
            assert from_text in body
            assert to_text in body
    assert body.count('class="shift-card"') == 12
    assert "3 areas, 12 shifts" in body


def test_framework_page_hides_retired_shifts_and_areas(
    client: Client, pm: User, shifts: list[Shift]
) -> None:
    from django.utils import timezone

    Shift.objects.filter(pk=shifts[0].pk).update(retired_at=timezone.now())
    Area.objects.filter(slug="partner-of-senior-executives").update(retired_at=timezone.now())
    client.force_login(pm)
    page = client.get("/framework/")
    assertNotContains(page, shifts[0].to_text)
    assertNotContains(page, "Become a Partner of Senior Executives")
    assert page.content.decode().count('class="shift-card"') == 8


def test_framework_page_follows_the_framework_set_for_the_user(client: Client, pm: User) -> None:
    from tests.factories import AreaFactory, ShiftFactory

    other = ShiftFactory(area=AreaFactory(title="Own area"), to_text="something else entirely")
    pm.framework = other.area.framework
    pm.save()
    client.force_login(pm)
    body = client.get("/framework/").content.decode()
    assert "Own area" in body
    assert "something else entirely" in body
    assert "Lead People and Processes" not in body


def test_framework_page_needs_login(client: Client, db: None) -> None:
    response = client.get("/framework/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_framework_page_queries_are_few(
    client: Client, pm: User, framework: Framework, django_assert_num_queries
) -> None:
    client.force_login(pm)
    # 1 session, 2 user, 3 framework, 4 its active shifts with areas and wording,
    # 5 has reports (nav)
    with django_assert_num_queries(5):
        client.get("/framework/")
    # Then the framework and its shifts come from the cache: 1 session, 2 user, 3 nav.
    with django_assert_num_queries(3):
        client.get("/framework/")
