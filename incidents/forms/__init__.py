"""Forms parse and check input; the services decide. Files are checked here by content.

`declaration`: the declaration (§7.7); `actions`: the actions of the incident page; `queues`: the queues'
filters and sort; `register`: the confidentiality-incident register (§7.3); `reopen`: DCAI reopens a closed incident;
`fields`: shared widgets and fields.
"""

from .actions import (
    AnswerForm,
    CloseForm,
    EscalateForm,
    MeasureForm,
    NoteForm,
    RequestInformationForm,
    ShareForm,
    TakedownForm,
    TakedownRemovedForm,
)
from .declaration import (
    MAX_LINKS,
    MAX_TEXT,
    STAFF_CHOICE,
    STAFF_OPTIONS_ID,
    DeclarationForm,
    find_staff,
    staff_choice_value,
)
from .fields import DateInput, EvidenceField, LocalDateTimeInput, MultipleFileInput, evidence_help_text
from .queues import QueueFilterForm
from .reopen import ReopenForm

__all__ = [
    "MAX_LINKS",
    "MAX_TEXT",
    "STAFF_CHOICE",
    "STAFF_OPTIONS_ID",
    "AnswerForm",
    "CloseForm",
    "DateInput",
    "DeclarationForm",
    "EscalateForm",
    "EvidenceField",
    "LocalDateTimeInput",
    "MeasureForm",
    "MultipleFileInput",
    "NoteForm",
    "QueueFilterForm",
    "ReopenForm",
    "RequestInformationForm",
    "ShareForm",
    "TakedownForm",
    "TakedownRemovedForm",
    "evidence_help_text",
    "find_staff",
    "staff_choice_value",
]
