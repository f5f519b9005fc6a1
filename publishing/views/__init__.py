"""Pages of this app: views parse input, call selectors and services, and render."""

from .authorisations import (
    authorisation_act,
    authorisation_create,
    authorisation_detail,
    authorisation_file,
    authorisations_to_decide,
    index,
    my_authorisations,
)
from .consents import (
    consent_create,
    consent_detail,
    consent_file,
    consent_publication,
    consent_withdraw,
    consents,
    my_consents,
    publications,
)
from .links import link_journal_entry, link_takedown, statistics

__all__ = [
    "authorisation_act",
    "authorisation_create",
    "authorisation_detail",
    "authorisation_file",
    "authorisations_to_decide",
    "consent_create",
    "consent_detail",
    "consent_file",
    "consent_publication",
    "consent_withdraw",
    "consents",
    "index",
    "link_journal_entry",
    "link_takedown",
    "my_authorisations",
    "my_consents",
    "publications",
    "statistics",
]
