"""Factories of the roster tests."""

import datetime

import factory
from django.utils import timezone

from policies.models import Acknowledgement, Policy, PolicyVersion
from portal.roster.models import Designation, DesignationEvent, OfficialAccount
from tests.factories import DirectionFactory, StaffProfileFactory


class OfficialAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfficialAccount

    platform = OfficialAccount.Platform.FACEBOOK
    handle = factory.Sequence(lambda n: f"chum-compte-{n}")
    url = factory.LazyAttribute(lambda a: f"https://www.facebook.com/{a.handle}")
    direction = factory.SubFactory(DirectionFactory)
    is_active = True


class DesignationFactory(factory.django.DjangoModelFactory):
    """A designation written directly (no service): for list, query-count and export tests."""

    class Meta:
        model = Designation
        skip_postgeneration_save = True

    profile = factory.SubFactory(StaffProfileFactory)
    direction = factory.LazyAttribute(lambda d: d.profile.direction)
    role = Designation.Role.PUBLISHER
    justification = "Animation de la page du service"
    start_date = factory.LazyFunction(timezone.localdate)
    end_date = factory.LazyAttribute(lambda d: d.start_date + datetime.timedelta(days=300))
    status = Designation.Status.PENDING
    designated_by = factory.LazyAttribute(lambda d: d.profile.user)

    @factory.post_generation
    def accounts(self, create, extracted, **kwargs):
        if create and extracted:
            self.accounts.set(extracted)

    @factory.post_generation
    def created_event(self, create, extracted, **kwargs):
        if create:
            DesignationEvent.objects.create(
                designation=self,
                action=DesignationEvent.Action.CREATED,
                actor=self.designated_by,
                from_status="",
                to_status=self.status,
            )


def policy_in_force(label: str = "2018") -> PolicyVersion:
    policy, _ = Policy.objects.get_or_create(
        number="10974", defaults={"title_fr": "Utilisation des médias sociaux"}
    )
    return PolicyVersion.objects.create(
        policy=policy,
        label=label,
        status=PolicyVersion.Status.IN_FORCE,
        approved_on=datetime.date(2018, 5, 25),
        resolution_number="RCA 2018-05-3008",
    )


def acknowledge(user, version: PolicyVersion) -> Acknowledgement:
    return Acknowledgement.objects.create(
        version=version,
        user=user,
        text_hash=version.text_hash(),
        attestation="J'ai pris connaissance de la politique.",
    )
