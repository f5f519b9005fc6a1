from .authorisations import (
    AuthorisationAttachment,
    AuthorisationCounter,
    AuthorisationEvent,
    AuthorisationRequest,
)
from .consents import Consent, ConsentAccount, ConsentEvent, ConsentForm
from .links import JournalLink, Publication, TakedownLink

__all__ = [
    "AuthorisationAttachment",
    "AuthorisationCounter",
    "AuthorisationEvent",
    "AuthorisationRequest",
    "Consent",
    "ConsentAccount",
    "ConsentEvent",
    "ConsentForm",
    "JournalLink",
    "Publication",
    "TakedownLink",
]
