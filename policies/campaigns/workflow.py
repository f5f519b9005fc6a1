"""The life of an acknowledgement campaign, as one map (portal.workflow.Workflow).

§7.5: HR makes sure every user is informed of the policy: it prepares a campaign (draft), launches
it (a background task writes every request, then the campaign is launched) and closes it.
§7.6: while a campaign is launched, managers remind their team; the portal reminds on the
campaign's rhythm and tells each manager who in their team is late.

The services check this map before acting on a campaign; the pages offer exactly the actions it
allows (with `policies.campaigns.selectors.campaign_actions`, which adds who may act).
"""

from __future__ import annotations

from portal.workflow import Workflow

from .models import Campaign

Status = Campaign.Status

LAUNCH = "launch"
FINISH_LAUNCH = "finish_launch"
CLOSE = "close"
# HR adjusts a draft (its title, due date, rhythm) before launching it.
EDIT = "edit"
# Requests are written (the launch task, new staff joining) while the campaign is open.
ENROL = "enrol"
# Reminders of every kind: on the campaign's rhythm, the managers' overdue notices, a manager's own.
REMIND = "remind"

CAMPAIGN_WORKFLOW = Workflow(
    moves={
        Status.DRAFT: {LAUNCH: Status.LAUNCHING, CLOSE: Status.CLOSED, EDIT: None},
        Status.LAUNCHING: {FINISH_LAUNCH: Status.LAUNCHED, ENROL: None},
        Status.LAUNCHED: {CLOSE: Status.CLOSED, ENROL: None, REMIND: None},
        Status.CLOSED: {},
    },
    labels=dict(Status.choices),
)

# The statuses in which a campaign is open: it has requests waiting to be confirmed.
OPEN_STATUSES = tuple(sorted(CAMPAIGN_WORKFLOW.states_allowing(ENROL)))

# The statuses in which a campaign reminds people (only while launched).
REMINDABLE_STATUSES = tuple(sorted(CAMPAIGN_WORKFLOW.states_allowing(REMIND)))
