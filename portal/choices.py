"""Labels of a field's choices, read from a table kept per field and language.

Django's `get_FOO_display` turns the whole list of choices into a dictionary at every call, hashing each
lazy label (a translation lookup per label): on a list page that is a few hundred translations per request
for five labels a row (docs/rules.md, "Performance"). A model that mixes in `QuickChoiceLabels` answers
`get_FOO_display` from a dictionary built once per field and language instead; the labels are the same.
"""

from __future__ import annotations

from functools import lru_cache

from django.utils.encoding import force_str
from django.utils.translation import get_language


@lru_cache(maxsize=512)
def _labels(field, language: str | None) -> dict:
    return {value: force_str(label) for value, label in field.flatchoices}


def choice_label(field, value):
    """The label of `value` among `field`'s choices in the active language; the value itself if unknown."""
    try:
        return _labels(field, get_language()).get(value, value)
    except TypeError:  # an unhashable value: Django's own way
        return dict(field.flatchoices).get(value, value)


class QuickChoiceLabels:
    """Mixed into a model: its `get_FOO_display` methods read `choice_label`."""

    def _get_FIELD_display(self, field):
        return force_str(choice_label(field, getattr(self, field.attname)), strings_only=True)
