"""`as_light_field` (portal/templatetags/light_forms.py): the queue filters in crispy-forms' markup, labels
and errors tied to their control, without rendering a template per field or per option."""

import re

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django.test.signals import template_rendered

from incidents.forms import QueueFilterForm
from portal.templatetags.light_forms import as_light_field


def _templates_rendered(render) -> tuple[str, int]:
    names = []

    def seen(sender, template, **kwargs):
        names.append(template.name)

    template_rendered.connect(seen)
    try:
        html = str(render())
    finally:
        template_rendered.disconnect(seen)
    return html, len(names)


def _controls(html: str) -> list[tuple[str, ...]]:
    """What a person and a screen reader get: ids, names, labels, options, selection, errors."""
    return sorted(
        set(re.findall(r'(?:id|for|name|aria-describedby|value)="([^"]*)"', html))
        | set(re.findall(r"<option[^>]*>([^<]*)</option>", html))
        | set(re.findall(r"<strong>([^<]*)</strong>", html))
        | set(re.findall(r"(selected|is-invalid|aria-invalid)", html))
    )


def test_same_controls_as_crispy_forms_without_a_template_per_field(db):
    form = QueueFilterForm({"status": "nope", "category": "copyright", "date_from": "2026-01-31"})
    assert not form.is_valid()
    for name in ("status", "category", "level", "date_from", "direction"):
        light, light_templates = _templates_rendered(lambda name=name: as_light_field(form[name]))
        crispy, crispy_templates = _templates_rendered(lambda name=name: as_crispy_field(form[name]))
        assert _controls(light) == _controls(crispy), name
        assert light_templates == 0 < crispy_templates, name


def test_an_error_is_tied_to_its_control(db):
    form = QueueFilterForm({"status": "nope"})
    form.is_valid()
    html = str(as_light_field(form["status"]))
    assert '<label for="id_status" class="form-label">' in html
    assert 'aria-describedby="id_status_error"' in html and 'aria-invalid="true"' in html
    assert '<div id="id_status_error" class="invalid-feedback">' in html


def test_the_chosen_value_is_kept_and_escaped(db):
    form = QueueFilterForm({"category": "copyright", "date_from": '2026-01-31"><script>'})
    form.is_valid()
    assert '<option value="copyright" selected>' in str(as_light_field(form["category"]))
    assert "<script>" not in str(as_light_field(form["date_from"]))
