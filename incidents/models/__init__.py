from .activity import AccessLog, Event, Evidence, InternalNote, Measure, Message, Takedown
from .compliance import RegisterDecision, RegisterNoticeReminder
from .incident import (
    SHARE_PERMISSION,
    Incident,
    IncidentGroupObjectPermission,
    IncidentUserObjectPermission,
    ReferenceCounter,
)
from .register import RegisterEntry, RegisterEvent, RetentionLog
from .reports import BoardReport
from .statistics import StatisticsChange, StatisticsCount

__all__ = [
    "SHARE_PERMISSION",
    "AccessLog",
    "BoardReport",
    "Event",
    "Evidence",
    "Incident",
    "IncidentGroupObjectPermission",
    "IncidentUserObjectPermission",
    "InternalNote",
    "Measure",
    "Message",
    "ReferenceCounter",
    "RegisterDecision",
    "RegisterEntry",
    "RegisterEvent",
    "RegisterNoticeReminder",
    "RetentionLog",
    "StatisticsChange",
    "StatisticsCount",
    "Takedown",
]
