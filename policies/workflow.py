"""The life of a policy version, as one map (portal.workflow.Workflow).

§7.3: DCAI writes the policy and keeps it up to date: a draft is edited until the board adopts it.
§7.1: the board adopts the policy: the approval is recorded, then the version is put in force and
the one it replaces is superseded in the same transaction.

The services check this map before changing a version, and the pages offer exactly the actions it
allows (with `policies.selectors.version_actions`, which adds who may act).
"""

from __future__ import annotations

from portal.workflow import Workflow

from .models import PolicyVersion

Status = PolicyVersion.Status

EDIT = "edit"
APPROVE = "approve"
PUT_IN_FORCE = "put_in_force"
SUPERSEDE = "supersede"
START_DRAFT = "start_draft"
# §7.3: DCAI keeps the policy up to date: it plans (or, after a review without change, re-plans) the next
# review of the version in force.
PLAN_REVIEW = "plan_review"

VERSION_WORKFLOW = Workflow(
    moves={
        Status.DRAFT: {EDIT: None, APPROVE: Status.APPROVED},
        Status.APPROVED: {PUT_IN_FORCE: Status.IN_FORCE},
        # The next draft starts from the text of the version in force (§7.3); the version stays in force.
        Status.IN_FORCE: {SUPERSEDE: Status.SUPERSEDED, START_DRAFT: None, PLAN_REVIEW: None},
        Status.SUPERSEDED: {},
    },
    labels=dict(Status.choices),
)

# Versions waiting on DCAI: a draft to approve or an approved version to put in force.
WAITING_ACTIONS = (APPROVE, PUT_IN_FORCE)
