"""`{{ field|as_light_field }}`: a filter-form field in the markup crispy-forms gives it (Bootstrap 5: label,
control, error tied to the control), written in Python instead of a cascade of templates per field and per
option. For the short GET filter forms shown above lists (docs/rules.md, "Performance"); any widget other
than a plain select or input falls back to crispy-forms.
"""

from __future__ import annotations

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()

_CASCADE_WIDGETS = (forms.CheckboxInput, forms.RadioSelect, forms.SelectMultiple, forms.Textarea, forms.FileInput)


def _flat_choices(choices) -> list[tuple[str, str]] | None:
    flat = []
    for value, label in choices:
        if isinstance(label, list | tuple):
            return None  # option groups: left to crispy-forms
        flat.append(("" if value is None else str(value), str(label)))
    return flat


def _control(field: forms.BoundField, attrs: dict) -> SafeString | None:
    widget = field.field.widget
    if isinstance(widget, forms.Select):
        choices = _flat_choices(field.field.choices)
        if choices is None:
            return None
        current = field.value()
        current = "" if current is None else str(current)
        attrs["class"] = f"select form-select {attrs['class']}".strip()
        options = format_html_join(
            "",
            "<option value=\"{}\"{}>{}</option>",
            ((value, SafeString(" selected") if value == current else "", label) for value, label in choices),
        )
        return format_html("<select{}>{}</select>", flatatt(attrs), options)
    if isinstance(widget, forms.widgets.Input):
        attrs["class"] = f"{type(widget).__name__.lower()} form-control {attrs['class']}".strip()
        value = widget.format_value(field.value())
        attrs = {"type": widget.input_type, **attrs}
        if value not in (None, ""):
            attrs["value"] = value
        return format_html("<input{}>", flatatt(attrs))
    return None


@register.filter
def as_light_field(field: forms.BoundField) -> SafeString:
    widget = field.field.widget
    if isinstance(widget, _CASCADE_WIDGETS) or widget.is_hidden:
        return as_crispy_field(field)
    control_id = field.auto_id
    error_id = f"{control_id}_error"
    attrs = {**widget.attrs, "name": field.html_name, "id": control_id, "class": widget.attrs.get("class", "")}
    if field.field.required and field.form.use_required_attribute:
        attrs["required"] = True
    if field.errors:
        attrs["class"] = f"{attrs['class']} is-invalid".strip()
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = error_id
    control = _control(field, attrs)
    if control is None:
        return as_crispy_field(field)
    errors = ""
    if field.errors:
        errors = format_html(
            '<div id="{}" class="invalid-feedback">{}</div>',
            error_id,
            format_html_join(
                "",
                '<p id="error_{}_{}"><strong>{}</strong></p>',
                ((i, control_id, error) for i, error in enumerate(field.errors, start=1)),
            ),
        )
    return format_html(
        '<div id="div_{}" class="mb-3"><label for="{}" class="form-label">{}</label>{}{}</div>',
        control_id,
        control_id,
        field.label,
        control,
        errors,
    )
