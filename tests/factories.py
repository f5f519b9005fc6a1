"""Organisation factories shared by every test. App-specific factories live beside their tests."""

import factory
from django.contrib.auth import get_user_model

from portal.models import Direction, StaffProfile

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="fr_CA")
    last_name = factory.Faker("last_name", locale="fr_CA")
    email = factory.LazyAttribute(lambda u: f"{u.username}@chum.test")
    password = factory.django.Password(PASSWORD)


class DirectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Direction
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"D{n:03d}")
    name_fr = factory.LazyAttribute(lambda d: f"Direction {d.code}")
    name_en = factory.LazyAttribute(lambda d: f"{d.code} Department")
    role = Direction.Role.OTHER


class StaffProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffProfile

    user = factory.SubFactory(UserFactory)
    employee_number = factory.Sequence(lambda n: f"E{n:06d}")
    direction = factory.SubFactory(DirectionFactory)
    category = StaffProfile.Category.EMPLOYE
    language = StaffProfile.Language.FR


def make_staff(username: str, direction: Direction, manager: StaffProfile | None = None, **kwargs) -> StaffProfile:
    user = UserFactory(username=username, first_name=username.capitalize(), last_name="Test")
    return StaffProfileFactory(user=user, direction=direction, manager=manager, **kwargs)
