"""Writes of this app: one function per state change (docs/architecture.md, "State changes")."""

from .authorisations import (
    AuthorisationData,
    allocate_reference,
    authorisation_answer,
    authorisation_ask,
    authorisation_authorise,
    authorisation_refuse,
    authorisation_request,
)
from .consents import ConsentData, consent_record, consent_withdraw
from .links import journal_link, publication_record, takedown_link

__all__ = [
    "AuthorisationData",
    "ConsentData",
    "allocate_reference",
    "authorisation_answer",
    "authorisation_ask",
    "authorisation_authorise",
    "authorisation_refuse",
    "authorisation_request",
    "consent_record",
    "consent_withdraw",
    "journal_link",
    "publication_record",
    "takedown_link",
]
