from .acknowledgements import Acknowledgement
from .events import PolicyVersionEvent
from .policies import LegalReference, Policy, PolicyVersion, RelatedPolicy, Section, normalise_policy_number
from .review import ReviewReminder

__all__ = [
    "Acknowledgement",
    "LegalReference",
    "Policy",
    "PolicyVersion",
    "PolicyVersionEvent",
    "RelatedPolicy",
    "ReviewReminder",
    "Section",
    "normalise_policy_number",
]
