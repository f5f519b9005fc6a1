"""`as_light_field` and `as_light_form` (portal/templatetags/light_forms.py): the queue filters and the incident
page's action forms in crispy-forms' markup, labels, errors and help tied to their control, without rendering a
template per field or per option."""

import re

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field, as_crispy_form
from django import forms
from django.test.signals import template_rendered

from incidents.forms import QueueFilterForm, actions
from portal.templatetags.light_forms import as_light_field, as_light_form


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


def _tag(match) -> str:
    return "<" + " ".join([match.group(1), *sorted(re.findall(r'[\w-]+(?:="[^"]*")?', match.group(2)))]) + ">"


def _markup(html) -> str:
    """The markup with attributes in one order and no whitespace between tags."""
    html = re.sub(r"\s+", " ", str(html))
    html = re.sub(r">\s+", ">", re.sub(r"\s+<", "<", html))
    return re.sub(r"<(\w+)((?:\s[^>]*)?)>", _tag, html).strip()


ACTION_DATA = (
    None,
    {},
    {"body": "ligne 1\nligne <2>", "decided_by": 'A "B" <b>', "kind": "administrative", "question": "?"},
)


@pytest.mark.parametrize(
    "form_class",
    [
        actions.AnswerForm,
        actions.EscalateForm,
        actions.RequestInformationForm,
        actions.MeasureForm,
        actions.NoteForm,
        actions.TakedownForm,
        actions.TakedownRemovedForm,
        actions.ShareForm,
    ],
)
def test_action_forms_have_crispy_forms_markup(db, form_class):
    """The incident page's forms, empty, with errors and with values (escaped), as crispy-forms writes them:
    labels, required marks, help texts and errors tied to their controls."""
    for data in ACTION_DATA:
        form = form_class() if data is None else form_class(data=data)
        if data is not None:
            form.is_valid()
        assert _markup(as_light_form(form)) == _markup(as_crispy_form(form)), (form_class.__name__, data)


def test_text_areas_selects_and_inputs_need_no_template(db):
    form = actions.MeasureForm(data={})
    form.is_valid()
    light, light_templates = _templates_rendered(lambda: as_light_form(form))
    crispy, crispy_templates = _templates_rendered(lambda: as_crispy_form(form))
    assert light_templates == 0 < crispy_templates
    assert 'aria-describedby="id_description_error"' in light and "asteriskField" in light


def test_a_widget_with_its_own_template_is_drawn_by_crispy_forms(db):
    class Picker(forms.TextInput):
        template_name = "django/forms/widgets/text.html"

        def get_context(self, name, value, attrs):
            context = super().get_context(name, value, attrs)
            context["widget"]["attrs"]["list"] = "suggestions"
            return context

    class PickerForm(forms.Form):
        person = forms.CharField(widget=Picker)

    html = str(as_light_form(PickerForm()))
    assert 'list="suggestions"' in html


def test_errors_of_the_whole_form_are_shown(db):
    class Both(forms.Form):
        a = forms.CharField(required=False)

        def clean(self):
            raise forms.ValidationError("Les deux ensemble ne vont pas.")

    form = Both(data={"a": "x"})
    form.is_valid()
    assert "Les deux ensemble ne vont pas." in str(as_light_form(form))
