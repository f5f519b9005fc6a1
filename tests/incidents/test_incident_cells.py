"""The row cells drawn in Python (incidents.templatetags.incident_cells) show what the list templates showed:
level and status, closed with its outcome, urgent; the person in charge or who is to take it; the level's
deadline in local time, flagged when past; in French and in English."""

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from incidents.models import Incident
from incidents.selectors.holder import holder_of
from tests.incidents.factories import build_incidents

pytestmark = pytest.mark.django_db

CELLS = Template(
    "{% load incident_cells %}<s>{% incident_status incident %}</s><p>{% holder_person incident %}</p>"
    "<d>{% holder_deadline incident %}</d>"
)


def _cells(incident, *, show_person=True) -> str:
    incident.holder = holder_of(incident, show_person=show_person)
    return CELLS.render(Context({"incident": incident}))


def test_an_open_incident_to_take_in_charge_urgent_and_overdue(org):
    past = timezone.now() - timedelta(hours=3)
    incident = build_incidents(1, declarer=org.user("alice"), urgent=True, deadline_at=past)[0]
    html = _cells(Incident.objects.get(pk=incident.pk))
    assert '<span class="badge text-bg-primary">Gestionnaire</span>' in html
    assert '<span class="badge text-bg-info">' in html and "text-bg-danger" in html and "Urgent</span>" in html
    assert '<span class="badge text-bg-warning">À prendre en charge</span>' in html
    assert org.user("bob").get_full_name() in html  # who is to take it, shown to those who see internal matters
    local = timezone.localtime(past)
    assert f'<time datetime="{local.isoformat()}">' in html and "En retard</span>" in html
    assert org.user("bob").get_full_name() not in _cells(Incident.objects.get(pk=incident.pk), show_person=False)


def test_a_closed_incident_in_english(org):
    incident = build_incidents(1, declarer=org.user("alice"), level=Incident.Level.CLOSED)[0]
    with translation.override("en"):
        html = _cells(Incident.objects.get(pk=incident.pk))
    assert '<span class="badge text-bg-secondary">Closed – ' in html
    assert '—<span class="visually-hidden"> Case closed</span>' in html
    assert "<d>—</d>" in html


def test_a_name_is_escaped(org):
    bob = org.user("bob")
    bob.first_name = "<b>Bob</b>"
    bob.save(update_fields=["first_name"])
    incident = build_incidents(1, declarer=org.user("alice"))[0]
    html = _cells(Incident.objects.select_related("assigned_manager__user").get(pk=incident.pk))
    assert "&lt;b&gt;Bob&lt;/b&gt;" in html and "<b>Bob</b>" not in html


# The row of a handler queue as incidents/queue.html drew it with a template per row.
QUEUE_ROW_TEMPLATE = Template(
    '{% load i18n incident_cells %}<tr><th scope="row"><a href="{{ incident.get_absolute_url }}">'
    "{{ incident.reference }}</a></th>"
    "<td data-label=\"{% translate 'Déclaré le' %}\">{{ incident.created_at|date:'SHORT_DATE_FORMAT' }}</td>"
    "<td data-label=\"{% translate 'Catégorie' %}\">{{ incident.get_category_display }}</td>"
    "<td data-label=\"{% translate 'Plateforme' %}\">{{ incident.get_platform_display }}</td>"
    "<td data-label=\"{% translate 'Direction' %}\">{{ incident.holder.direction_code|default:'—' }}</td>"
    "<td data-label=\"{% translate 'Statut' %}\">{% incident_status incident %}</td>"
    "{% if queue_name != 'recemment-fermes' %}<td data-label=\"{% translate 'Responsable' %}\">"
    "{% holder_person incident %}</td>{% endif %}"
    "{% if incident.is_closed %}<td data-label=\"{% translate 'Fermé le' %}\">"
    "{{ incident.closed_at|date:'SHORT_DATE_FORMAT' }}</td>"
    "{% else %}<td data-label=\"{% translate 'Échéance' %}\">{% holder_deadline incident %}</td>{% endif %}</tr>"
)
QUEUE_ROWS = Template("{% load incident_cells %}{% queue_rows incidents queue_name %}")


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("queue_name", ["a-traiter", "recemment-fermes"])
def test_queue_rows_draw_what_the_row_template_drew(org, language, queue_name):
    bob = org.user("bob")
    bob.first_name = "<b>Bob</b>"
    bob.save(update_fields=["first_name"])
    alice = org.user("alice")
    past = timezone.now() - timedelta(hours=3)
    build_incidents(1, declarer=alice, urgent=True, deadline_at=past)
    build_incidents(1, declarer=alice, level=Incident.Level.CLOSED)
    build_incidents(1, declarer=alice, level=Incident.Level.DIRECTION)
    incidents = list(
        Incident.objects.select_related("direction", "assigned_direction", "assigned_manager__user").order_by("pk")
    )
    for incident in incidents:
        incident.holder = holder_of(incident, show_person=True)
    with translation.override(language):
        expected = "\n".join(
            QUEUE_ROW_TEMPLATE.render(Context({"incident": incident, "queue_name": queue_name}))
            for incident in incidents
        )
        drawn = QUEUE_ROWS.render(Context({"incidents": incidents, "queue_name": queue_name}))
    assert drawn == expected
    assert "&lt;b&gt;Bob&lt;/b&gt;" in drawn or queue_name == "recemment-fermes"
    assert drawn.count("<tr>") == 3
