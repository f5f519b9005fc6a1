from .actions import (
    add_note,
    answer_information,
    close,
    escalate,
    record_measure,
    record_takedown,
    record_takedown_removed,
    reopen,
    request_information,
    share,
    take_in_charge,
    unshare,
)
from .declaration import confirmation, declare, mine, staff_search
from .detail import access_log, detail, evidence_download
from .evidence import evidence_thumbnail
from .queues import index, queue

__all__ = [
    "access_log",
    "add_note",
    "answer_information",
    "close",
    "confirmation",
    "declare",
    "detail",
    "escalate",
    "evidence_download",
    "evidence_thumbnail",
    "mine",
    "index",
    "queue",
    "record_measure",
    "record_takedown",
    "record_takedown_removed",
    "reopen",
    "request_information",
    "staff_search",
    "share",
    "take_in_charge",
    "unshare",
]
