"""Writes of the authorized-user roster (§6.3, §7.3, §7.4 of policy 10 974).

Each state change locks the designation, asks `rules` whether this person may take this action in this
state (the same question the page asked to show the button), changes the state through
`portal.workflow.transition` (which writes the event row), and tells people through `notify_people`, in
one transaction. Refusals raise PermissionDenied (who) or ValidationError (what); nothing is written then.
"""

from .accounts import AccountData, official_account_create, official_account_update
from .common import Audience, validate_period
from .designations import (
    DesignationData,
    designation_confirm,
    designation_create,
    designation_refuse,
    designation_remind_acknowledgement,
    designation_renew,
    designation_revoke,
    designations_revoke_for_departed,
)
from .maintenance import daily_maintenance

__all__ = [
    "AccountData",
    "Audience",
    "DesignationData",
    "daily_maintenance",
    "designation_confirm",
    "designation_create",
    "designation_refuse",
    "designation_remind_acknowledgement",
    "designation_renew",
    "designation_revoke",
    "designations_revoke_for_departed",
    "official_account_create",
    "official_account_update",
    "validate_period",
]
