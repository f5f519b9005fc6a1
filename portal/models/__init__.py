from .organisation import Direction, DirectionGroupObjectPermission, DirectionUserObjectPermission, StaffProfile

__all__ = ["Direction", "DirectionUserObjectPermission", "DirectionGroupObjectPermission", "StaffProfile"]
