"""Factories of policies versions in force and of campaigns, for the campaign tests."""

import datetime

import factory
from django.utils import timezone

from policies.campaigns.models import Campaign
from policies.models import PolicyVersion, Section
from tests.policies.factories import PolicyVersionFactory


class VersionFactory(PolicyVersionFactory):
    """A version in force that requires acknowledgement, with two short sections."""

    class Meta:
        skip_postgeneration_save = True

    label = factory.Sequence(lambda n: f"{n + 1}.0")
    status = PolicyVersion.Status.IN_FORCE
    purpose = "Encadrer l'utilisation des médias sociaux."
    approved_on = datetime.date(2018, 5, 25)
    effective_on = datetime.date(2018, 6, 1)
    resolution_number = "RCA 2018-05-3008"
    requires_acknowledgement = True

    @factory.post_generation
    def sections(self, create, extracted, **kwargs):
        if not create:
            return
        for order, (number, title, body) in enumerate(
            extracted
            or [("1", "Champ d'application", "Tous les intervenants."), ("6.1", "Usagers", "Jamais.")]
        ):
            Section.objects.create(version=self, order=order, number=number, title=title, body=body)


def make_campaign(
    version,
    *,
    actor=None,
    audience=Campaign.Audience.INSTITUTION,
    directions=(),
    categories=(),
    due_in_days=30,
    rhythm=7,
    status=Campaign.Status.DRAFT,
) -> Campaign:
    campaign = Campaign.objects.create(
        version=version,
        title="Campagne",
        audience=audience,
        categories=list(categories),
        due_on=timezone.localdate() + datetime.timedelta(days=due_in_days),
        reminder_every_days=rhythm,
        status=status,
        created_by=actor,
    )
    if directions:
        campaign.directions.set(directions)
    return campaign
