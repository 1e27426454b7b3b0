from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from leadership.models import User
from transitions.models import (
    Area,
    CheckIn,
    Evidence,
    Framework,
    Rating,
    Shift,
    ShiftRevision,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Faker("first_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("pw-for-tests")


class FrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Framework

    slug = factory.Sequence(lambda n: f"framework-{n}")
    title = factory.Sequence(lambda n: f"Framework {n}")


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    framework = factory.SubFactory(FrameworkFactory)
    slug = factory.Sequence(lambda n: f"area-{n}")
    title = factory.Sequence(lambda n: f"Area {n}")
    order = factory.Sequence(lambda n: n + 1)


class ShiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shift
        skip_postgeneration_save = True

    area = factory.SubFactory(AreaFactory)
    slug = factory.Sequence(lambda n: f"shift-{n}")
    order = factory.Sequence(lambda n: n + 1)
    from_text = factory.Sequence(lambda n: f"doing thing {n} myself")
    to_text = factory.Sequence(lambda n: f"helping others do thing {n}")

    @factory.post_generation
    def first_revision(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            ShiftRevision.objects.create(
                shift=self,
                number=1,
                from_text=self.from_text,
                to_text=self.to_text,
                kind=ShiftRevision.Kind.INITIAL,
            )


class EvidenceFactory(factory.django.DjangoModelFactory):
    """Evidence with one or more shifts: `EvidenceFactory(author=pm, shifts=[shift])`."""

    class Meta:
        model = Evidence
        skip_postgeneration_save = True

    author = factory.SubFactory(UserFactory)
    happened_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=3))
    title = factory.Sequence(lambda n: f"Evidence {n}")
    body = "What happened, in a few lines."
    visibility = Evidence.Visibility.PRIVATE

    @factory.post_generation
    def shifts(self, create: bool, extracted: list[Shift] | None, **kwargs: object) -> None:
        if create:
            self.shifts.set(extracted or [Shift.objects.order_by("pk").first()])


def submitted_checkin(person: User, levels: dict[Shift, int], *, days_ago: int = 0) -> CheckIn:
    """A submitted check-in of `person` rating the given shifts, dated `days_ago`."""
    when = timezone.now() - timedelta(days=days_ago)
    framework = Framework.objects.followed_by(person)
    checkin = CheckIn.objects.create(
        person=person, framework=framework, status=CheckIn.Status.SUBMITTED, submitted_at=when
    )
    current = dict(
        Shift.objects.filter(pk__in=[s.pk for s in levels])
        .with_current_revision()
        .values_list("pk", "current_revision_id")
    )
    Rating.objects.bulk_create(
        Rating(checkin=checkin, shift=shift, revision_id=current[shift.pk], level=level)
        for shift, level in levels.items()
    )
    return checkin
