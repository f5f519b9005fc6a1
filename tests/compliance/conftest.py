import datetime

import pytest
from django.utils import timezone

from policies.models import Section
from portal.roster.models import Designation
from tests.roster.factories import DesignationFactory, OfficialAccountFactory, policy_in_force

NETIQUETTE = (
    "La Nétiquette a pour objectif d'encadrer les interactions.\n\n"
    "- Aucun diagnostic ou évaluation d'un problème médical ne sera traité.\n"
    "- Le CHUM invite les internautes à faire preuve de respect.\n"
    "- Les commentaires anonymes seront supprimés."
)


@pytest.fixture
def netiquette_version(db):
    version = policy_in_force()
    Section.objects.create(version=version, order=1, number="6.3", title="Utilisateurs autorisés", body="Texte.")
    Section.objects.create(
        version=version, order=2, number="Annexe 1", title="Nétiquette", body=NETIQUETTE, is_annex=True
    )
    return version


@pytest.fixture
def accounts(org):
    """Two official accounts; bob is the authorized user of the first, carol of the second."""
    first = OfficialAccountFactory(handle="chum-soins", direction=org.care)
    second = OfficialAccountFactory(handle="chum-techno", direction=org.tech)
    today = timezone.localdate()
    for profile, account in ((org.bob, first), (org.olga, second)):
        DesignationFactory(
            profile=profile,
            direction=profile.direction,
            status=Designation.Status.ACTIVE,
            start_date=today - datetime.timedelta(days=10),
            end_date=today + datetime.timedelta(days=100),
            accounts=[account],
        )
    return first, second
