"""`{{ field|as_light_field }}` and `{{ form|as_light_form }}`: fields in the markup crispy-forms gives them
(Bootstrap 5: label with its required mark, control, error and help text tied to the control), written in
Python instead of a cascade of templates per field and per option. For the filter forms above lists and the
action forms of the incident page (docs/rules.md, "Performance"); a text input, a plain select or a text
area is written here, any other widget (checkboxes, radio buttons, files) falls back to crispy-forms.
"""

from __future__ import annotations

from html import escape

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field, as_crispy_form
from django import forms, template
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()

_CASCADE_WIDGETS = (forms.CheckboxInput, forms.RadioSelect, forms.SelectMultiple, forms.FileInput, forms.PasswordInput)
_STOCK_TEMPLATES = {
    f"django/forms/widgets/{name}.html"
    for name in ("input", "text", "date", "datetime", "time", "email", "number", "url", "search", "tel", "select")
} | {"django/forms/widgets/textarea.html"}


def _stock(widget: forms.Widget) -> bool:
    """A widget drawn by Django's own template and context: one with its own (a person picker with its list
    of suggestions…) is left to crispy-forms, which draws it whole."""
    kind = type(widget)
    return (
        widget.template_name in _STOCK_TEMPLATES
        and kind.get_context.__module__ == "django.forms.widgets"
        and kind.render.__module__ == "django.forms.widgets"
    )


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
        # A list's filter offers some seventy options: written with the escaping Django's `escape` applies
        # (the standard library's), without a `format_html` per option.
        options = "".join(
            f'<option value="{escape(value)}"{" selected" if value == current else ""}>{escape(label)}</option>'
            for value, label in choices
        )
        return format_html("<select{}>{}</select>", flatatt(attrs), SafeString(options))
    if isinstance(widget, forms.widgets.Input):
        attrs["class"] = f"{type(widget).__name__.lower()} form-control {attrs['class']}".strip()
        value = widget.format_value(field.value())
        attrs = {"type": widget.input_type, **attrs}
        if value not in (None, ""):
            attrs["value"] = value
        return format_html("<input{}>", flatatt(attrs))
    if isinstance(widget, forms.Textarea):
        attrs["class"] = f"textarea form-control {attrs['class']}".strip()
        # Django's textarea starts with a line break, so a value's own first line break is kept.
        return format_html("<textarea{}>\n{}</textarea>", flatatt(attrs), widget.format_value(field.value()) or "")
    return None


@register.filter
def as_light_field(field: forms.BoundField) -> SafeString:
    widget = field.field.widget
    if (
        isinstance(widget, _CASCADE_WIDGETS)
        or not _stock(widget)
        or widget.is_hidden
        or field.field.disabled
        or not field.label
    ):
        return as_crispy_field(field)
    control_id = field.auto_id
    error_id = f"{control_id}_error"
    help_id = f"{control_id}_helptext"
    attrs = {**widget.attrs, "name": field.html_name, "id": control_id, "class": widget.attrs.get("class", "")}
    required = field.field.required
    # As Django: no `required` on a select whose first option is a real choice (nothing to leave unpicked).
    if required and field.form.use_required_attribute and widget.use_required_attribute(field.initial):
        attrs["required"] = True
    described_by = [] if "aria-describedby" in widget.attrs else [help_id] if field.help_text else []
    if field.errors:
        attrs["class"] = f"{attrs['class']} is-invalid".strip()
        attrs["aria-invalid"] = "true"
        described_by.append(error_id)
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    control = _control(field, attrs)
    if control is None:
        return as_crispy_field(field)
    errors = help_text = ""
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
    if field.help_text:
        # As crispy-forms: help texts are the portal's own strings, written with their markup.
        help_text = format_html('<div id="{}" class="form-text">{}</div>', help_id, SafeString(field.help_text))
    label = (
        format_html('{}<span class="asteriskField">*</span>', field.label)
        if required
        else conditional_escape(field.label)
    )
    return format_html(
        '<div id="div_{}" class="mb-3"><label for="{}" class="form-label{}">{}</label>{}{}{}</div>',
        control_id,
        control_id,
        " requiredField" if required else "",
        label,
        control,
        errors,
        help_text,
    )


@register.filter
def as_light_form(form: forms.BaseForm) -> SafeString:
    """A whole form as `{{ form|crispy }}` writes it; a form with errors of its own (not of one field) is
    left to crispy-forms, which shows them above the fields."""
    if form.non_field_errors():
        return as_crispy_form(form)
    return format_html_join("", "{}", ((as_light_field(field),) for field in form))
