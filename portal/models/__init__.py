from .organisation import Direction, DirectionGroupObjectPermission, DirectionUserObjectPermission, StaffProfile
from .submissions import Submission

__all__ = ["Direction", "DirectionUserObjectPermission", "DirectionGroupObjectPermission", "StaffProfile", "Submission"]
