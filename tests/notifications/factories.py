import factory

from portal.notifications.models import Notification, NotificationPreference
from tests.factories import UserFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = "tests.routed"
    reference = factory.Sequence(lambda n: f"INC-2026-{n:05d}")
    link = "/incidents/1/"


class NotificationPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotificationPreference

    user = factory.SubFactory(UserFactory)
    reminders = NotificationPreference.Reminders.DIGEST
