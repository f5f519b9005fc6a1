"""The register panel of the incident page asks here whether DCAI still owes a decision (register entry
or reasoned "not a confidentiality incident"; incidents.services.compliance)."""

from django import template

from ..models import RegisterDecision
from ..services.compliance import may_expose_personal_information

register = template.Library()


@register.simple_tag
def register_decision_of(incident):
    """{"decision": the recorded decision or None, "needed": personal information may be exposed}."""
    needed = may_expose_personal_information(incident)
    decision = None
    if needed:  # one query, only on the pages of incidents the rule concerns
        decision = RegisterDecision.objects.filter(incident=incident).select_related("decided_by").first()
    return {"decision": decision, "needed": needed}
