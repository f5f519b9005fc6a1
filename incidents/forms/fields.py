"""Widgets and fields shared by the incident forms: evidence files, dates, "not in the future"."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import evidence


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several files in one input; each is checked by content and sanitised (evidence.clean_uploads)."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Preuves (captures d'écran, PDF)"))
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = ",".join(sorted(evidence.ALLOWED_TYPES))

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        files = [super(EvidenceField, self).clean(f, initial) for f in files if f]
        return evidence.clean_uploads(files)


def evidence_help_text() -> str:
    limits = evidence.limits()
    return _(
        "PNG, JPEG, WEBP, GIF ou PDF ; au plus %(count)d fichiers de %(size)s chacun. "
        "Les métadonnées (position, appareil) sont retirées ; un PDF est gardé comme images de ses pages."
    ) % {"count": limits["max_files"], "size": filesizeformat(limits["max_bytes"])}


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def not_future(value):
    if value and value > timezone.now() + timedelta(minutes=5):
        raise ValidationError(_("Cette date ne peut pas être dans le futur."))
    return value
