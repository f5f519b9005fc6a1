"""Email messages of notifications: three templates each (subject, text, HTML), in the recipient's language.

An email carries the kind's title, the reference and an absolute link into the portal; never the
content of an incident nor personal information (the context only holds short labels).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.utils import formatdate
from functools import lru_cache

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import sanitize_address
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import Notification

DIGEST_MAX_LINES = 50


def recipient_language(user: AbstractBaseUser) -> str:
    profile = getattr(user, "profile", None)
    language = getattr(profile, "language", None) or settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def absolute_url(link: str) -> str:
    """A link into the portal, made absolute; a link elsewhere falls back to the notifications page."""
    base = settings.PORTAL_BASE_URL.rstrip("/")
    if link.startswith("/") and not link.startswith("//"):
        return base + link
    if link.startswith(base + "/"):
        return link
    return base + _path("notifications:list")


@dataclass
class Rendered:
    subject: str
    text: str
    html: str


def _render(template: str, context: dict) -> Rendered:
    subject = render_to_string(f"notifications/email/{template}_subject.txt", context)
    return Rendered(
        subject=" ".join(subject.split()),
        text=render_to_string(f"notifications/email/{template}.txt", context),
        html=render_to_string(f"notifications/email/{template}.html", context),
    )


@lru_cache(maxsize=8)
def _path(name: str) -> str:
    # The URL conf does not change while a worker runs; reversing costs more than rendering an email.
    return reverse(name)


def _common(language: str) -> dict:
    return {
        "policy_number": settings.PORTAL_POLICY_NUMBER,
        "portal_url": settings.PORTAL_BASE_URL,
        "preferences_url": absolute_url(_path("notifications:preferences")),
        "notifications_url": absolute_url(_path("notifications:list")),
        "LANGUAGE_CODE": language,
    }


def render_notification(notification: Notification, language: str) -> Rendered:
    with translation.override(language):
        return _render(
            "notification",
            {
                **_common(language),
                "title": notification.title,
                "detail": notification.detail,
                "reference": notification.reference,
                "urgent": notification.urgent,
                "url": absolute_url(notification.link),
            },
        )


def render_digest(notifications: list[Notification], language: str) -> Rendered:
    with translation.override(language):
        lines = [
            {"title": n.title, "detail": n.detail, "reference": n.reference, "url": absolute_url(n.link)}
            for n in notifications[:DIGEST_MAX_LINES]
        ]
        return _render(
            "digest",
            {
                **_common(language),
                "count": len(notifications),
                "lines": lines,
                "more": max(0, len(notifications) - DIGEST_MAX_LINES),
            },
        )


def build_message(rendered: Rendered, to: str, connection=None, message_id: str = "") -> EmailMultiAlternatives:
    """`message_id`: the row's stable Message-ID (Notification.message_id); a new one when empty."""
    headers = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}
    if message_id:
        headers["Message-ID"] = message_id
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        connection=connection,
        headers=headers,
    )
    message.attach_alternative(rendered.html, "text/html")
    return message


# An address or Message-ID that is written into the headers as it is: ASCII, no space, quote, comma or
# angle bracket (anything else is encoded or folded by the email package, so the email is built in full).
_VERBATIM_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9.-]{1,190}$")
_VERBATIM_ID = re.compile(r"^<[A-Za-z0-9.!#$%&'*+/=?^_`{|}~@-]{1,120}>$")


class PreparedEmails:
    """The emails of one batch, serialised once per content (docs/rules.md, "Performance").

    Building a MIME message (headers encoded and folded, three parts) costs more than the SMTP exchange
    that sends it. An email of a batch differs from another with the same content only by its To,
    Message-ID and Date headers: the message is built once per content with stand-ins for those three, and
    each email is the same bytes with its own. An address or Message-ID the email package would encode or
    fold gets a message built in full (`bytes_for` returns None).
    """

    _TO = "destinataire-a-remplacer@portail.invalid"
    _ID = "<identifiant-a-remplacer@portail.invalid>"

    def __init__(self):
        self._prototypes: dict[tuple, tuple[bytes, bytes]] = {}
        self.from_address = sanitize_address(settings.DEFAULT_FROM_EMAIL, settings.DEFAULT_CHARSET)

    def _prototype(self, rendered: Rendered) -> tuple[bytes, bytes]:
        # Keyed by the content itself: the same Rendered object for a batch's identical emails, whose
        # strings keep their hash.
        key = (rendered.subject, rendered.text, rendered.html)
        if key not in self._prototypes:
            data = build_message(rendered, self._TO, message_id=self._ID).message().as_bytes(linesep="\r\n")
            date = re.search(rb"^Date: (.*)\r$", data, re.M).group(1)
            self._prototypes[key] = (data, date)
        return self._prototypes[key]

    def bytes_for(self, rendered: Rendered, address: str, message_id: str) -> bytes | None:
        """The email of `rendered` to `address`, as build_message(...).message().as_bytes() would write it;
        None when it must be built in full."""
        if not (_VERBATIM_ADDRESS.match(address) and _VERBATIM_ID.match(message_id)):
            return None
        data, date = self._prototype(rendered)
        fresh = formatdate(localtime=settings.EMAIL_USE_LOCALTIME).encode()
        return (
            data.replace(b"To: " + self._TO.encode(), b"To: " + address.encode(), 1)
            .replace(b"Message-ID: " + self._ID.encode(), b"Message-ID: " + message_id.encode(), 1)
            .replace(b"Date: " + date, b"Date: " + fresh, 1)
        )
