"""Writes of acknowledgement campaigns (§7.5 HR informs every user; §7.6 managers follow up).

- `lifecycle`: create, launch (and the launch task), close: the campaign's states;
- `enrolment`: the requests, new staff, a person's acknowledgement;
- `reminders`: reminders on rhythm, managers' overdue notices, a manager reminding their team;
- `drafts`: the campaign prepared when a new version comes into force, HR's changes to a draft, deleting one.
"""

from ..selectors import audience_profiles
from .drafts import (
    campaign_delete_draft,
    campaign_prepare_for_new_version,
    campaign_update_draft,
    new_version_days,
)
from .enrolment import (
    INSERT_BATCH,
    _write_requests,
    acknowledgement_record,
    enrol_new_staff,
    new_staff_days,
    request_link,
)
from .lifecycle import (
    campaign_close,
    campaign_create,
    campaign_launch,
    campaign_run_launch,
    require_campaign_manager,
    resume_stalled_launches,
)
from .reminders import (
    campaign_remind_team,
    campaign_send_overdue_notices,
    campaign_send_reminders,
    send_due_reminders,
)

__all__ = [
    "INSERT_BATCH",
    "_write_requests",
    "acknowledgement_record",
    "audience_profiles",
    "campaign_close",
    "campaign_create",
    "campaign_delete_draft",
    "campaign_launch",
    "campaign_prepare_for_new_version",
    "campaign_update_draft",
    "new_version_days",
    "campaign_remind_team",
    "campaign_run_launch",
    "campaign_send_overdue_notices",
    "campaign_send_reminders",
    "enrol_new_staff",
    "new_staff_days",
    "request_link",
    "require_campaign_manager",
    "resume_stalled_launches",
    "send_due_reminders",
]
