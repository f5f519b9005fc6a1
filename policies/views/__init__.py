from .manage import manage, version_approve, version_edit, version_new, version_put_in_force
from .reading import current, policy_detail, policy_list, version_compare, version_detail
from .review import review_list, version_plan_review
from .upload import import_confirm, import_upload

__all__ = [
    "current",
    "import_confirm",
    "import_upload",
    "manage",
    "policy_detail",
    "policy_list",
    "review_list",
    "version_approve",
    "version_compare",
    "version_detail",
    "version_edit",
    "version_new",
    "version_plan_review",
    "version_put_in_force",
]
