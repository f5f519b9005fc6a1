"""Fixtures of the publishing tests: the general direction's head, official accounts and their
authorized users (confirmed designations in force)."""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from incidents.evidence import clean_upload
from portal.roster.models import Designation, OfficialAccount
from publishing.services import AuthorisationData, ConsentData, authorisation_request, consent_record
from tests.factories import make_staff
from tests.incidents.factories import png_bytes, upload
from tests.roster.factories import DesignationFactory, OfficialAccountFactory


@dataclass
class Accounts:
    care: OfficialAccount  # run by bob and carol
    tech: OfficialAccount  # run by oscar


@pytest.fixture
def gerard(org):
    """Head of the general direction (§6.2: may decide)."""
    profile = make_staff("gerard", org.general)
    org.general.head = profile.user
    org.general.save()
    return profile.user


def designate(profile, account, **kwargs):
    return DesignationFactory(
        profile=profile, accounts=[account], status=Designation.Status.ACTIVE, designated_by=profile.user, **kwargs
    )


@pytest.fixture
def accounts(org) -> Accounts:
    care = OfficialAccountFactory(direction=org.care, handle="chum-soins")
    tech = OfficialAccountFactory(direction=org.tech, handle="chum-technique")
    designate(org.bob, care)
    designate(org.carol, care)
    designate(org.oscar, tech)
    return Accounts(care=care, tech=tech)


def signed_form():
    return [clean_upload(upload("formulaire.png", png_bytes(), "image/png"))]


def ask(user, **overrides):
    values = {
        "subject": "Le nombre de lits fermés à l'unité 7B ce mois-ci",
        "medium": "Radio-Canada, entrevue",
        "audience": "Grand public",
        "purpose": "Répondre à une question d'un journaliste",
        "wanted_until": timezone.localdate() + datetime.timedelta(days=10),
        "draft_text": "Brouillon confidentiel de la réponse",
        **overrides,
    }
    return authorisation_request(requester=user, data=AuthorisationData(**values))


def record_consent(actor, account, **overrides):
    values = {
        "person_kind": "patient",
        "person_name": "Madeleine Patiente",
        "covers": {"images", "name"},
        "accounts": [account],
        "valid_from": timezone.localdate(),
        **overrides,
    }
    return consent_record(actor=actor, data=ConsentData(**values), signed_form=signed_form())
