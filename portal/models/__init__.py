from .organisation import Direction, DirectionUserObjectPermission, DirectionGroupObjectPermission, StaffProfile

__all__ = ["Direction", "DirectionUserObjectPermission", "DirectionGroupObjectPermission", "StaffProfile"]
