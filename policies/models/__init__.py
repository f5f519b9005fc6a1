from .acknowledgements import Acknowledgement
from .events import PolicyVersionEvent
from .policies import LegalReference, Policy, PolicyVersion, RelatedPolicy, Section, normalise_policy_number

__all__ = [
    "Acknowledgement",
    "LegalReference",
    "Policy",
    "PolicyVersion",
    "PolicyVersionEvent",
    "RelatedPolicy",
    "Section",
    "normalise_policy_number",
]
