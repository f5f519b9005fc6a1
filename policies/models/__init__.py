from .acknowledgements import Acknowledgement
from .policies import LegalReference, Policy, PolicyVersion, RelatedPolicy, Section, normalise_policy_number

__all__ = [
    "Acknowledgement",
    "LegalReference",
    "Policy",
    "PolicyVersion",
    "RelatedPolicy",
    "Section",
    "normalise_policy_number",
]
