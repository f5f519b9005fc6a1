"""Email content: the recipient's language, a reference and a link, never incident text or personal data."""

import datetime

import pytest
from django.core import mail
from django.utils import formats, translation

from portal.notifications.delivery import deliver
from portal.notifications.services import notify

from .conftest import text_and_html

pytestmark = pytest.mark.django_db

INCIDENT_TEXT = "Photo d'un patient publiée sur Facebook par un collègue"


def _incident_like(org):
    """A target carrying a reference and, like an incident, a text that must never leave the portal."""
    target = org.care
    target.reference = "INC-2026-00042"
    target.description = INCIDENT_TEXT
    target.get_absolute_url = lambda: "/incidents/42/"
    return target


def _send(org, who: str, language: str):
    profile = getattr(org, who)
    profile.language = language
    profile.save()
    row = notify(
        kind="tests.reminder",
        recipient=profile.user,
        target=_incident_like(org),
        context={"due": datetime.date(2026, 12, 5)},
    )
    assert deliver(row.pk) == "sent"
    return mail.outbox[-1]


def _in(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


def _date(language: str) -> str:
    with translation.override(language):
        return formats.date_format(datetime.date(2026, 12, 5), "DATE_FORMAT")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_email_in_the_recipients_language(org, settings, language):
    settings.PORTAL_BASE_URL = "https://portail.chum.test"
    message = _send(org, "alice", language)
    text, html = text_and_html(message)
    assert message.to == ["alice@chum.test"]
    assert message.subject == f"{_in(language, 'Prise de connaissance à confirmer')} · INC-2026-00042"
    for part in (text, html):
        assert _in(language, "Bonjour,") in part
        assert "INC-2026-00042" in part
        assert "https://portail.chum.test/incidents/42/" in part
        assert _date(language) in part
    assert f'lang="{language}"' in html
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"


def test_french_and_english_dates_differ():
    assert _date("fr") == "5 décembre 2026"
    assert _date("fr") != _date("en")


def test_no_incident_text_nor_personal_information_in_any_part(org):
    alice = org.alice
    for language in ("fr", "en"):
        message = _send(org, "bob", language)
        text, html = text_and_html(message)
        for part in (message.subject, text, html):
            assert INCIDENT_TEXT not in part
            assert "Facebook" not in part
            for personal in (
                alice.user.first_name,
                alice.user.last_name,
                alice.employee_number,
                org.bob.user.last_name,
                org.bob.employee_number,
            ):
                assert personal not in part


def test_html_part_escapes_what_it_shows(org):
    row = notify(kind="tests.routed", recipient=org.user("alice"), link="/incidents/1/?a=1&b=<2>")
    deliver(row.pk)
    _text, html = text_and_html(mail.outbox[-1])
    assert "<2>" not in html and "&lt;2&gt;" in html


def test_link_outside_the_portal_is_replaced_by_the_notifications_page(org, settings):
    settings.PORTAL_BASE_URL = "https://portail.chum.test"
    row = notify(kind="tests.routed", recipient=org.user("alice"), link="https://evil.example/phish")
    deliver(row.pk)
    text, html = text_and_html(mail.outbox[-1])
    assert "evil.example" not in text + html
    assert "https://portail.chum.test/notifications/" in text


def test_urgent_subject_is_flagged(org):
    row = notify(kind="tests.urgent", recipient=org.user("diane"), target=_incident_like(org))
    deliver(row.pk)
    assert mail.outbox[-1].subject.startswith("[URGENT] ")
