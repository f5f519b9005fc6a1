"""Email messages of notifications: three templates each (subject, text, HTML), in the recipient's language.

An email carries the kind's title, the reference and an absolute link into the portal; never the
content of an incident nor personal information (the context only holds short labels).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import EmailMultiAlternatives
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
