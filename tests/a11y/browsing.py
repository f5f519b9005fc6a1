"""A browser session for each demo persona, and the pages each one reaches (links followed from home).

Pages are visited once per kind (the URL's name and its query keys): ten incident pages show the same
template, so one is enough and the sweep stays within a few minutes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import Resolver404, resolve

PERSONAS = ("employe", "gestionnaire", "direction", "rh", "dcai", "admin")
# Not pages: sign-out, files (exports, evidence, reports), the admin and API screens (Django's own), the
# language switch and the health probes.
SKIPPED = (
    "deconnexion",
    "/admin/",
    "/api/",
    "export",
    "telecharg",
    "/preuves/",
    "/fichiers/",
    "/sante/",
    "/langue/",
    "/static/",
    ".pdf",
    "/pdf/",
    ".csv",
    ".xlsx",
)
MAX_PAGES = 60


def session_cookie(live_server_url: str, username: str) -> dict:
    user = get_user_model().objects.get(username=username)
    client = Client()
    client.force_login(user, backend="portal.accounts.backends.PortalPasswordBackend")
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server_url,
    }


def page_kind(href: str) -> tuple | None:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if any(skip in href for skip in SKIPPED):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    keys = tuple(sorted({key for key, _value in parse_qsl(parts.query) if key != "page"}))
    return (match.view_name, keys)


@dataclass
class Crawl:
    """Same-site links, breadth first, one page per kind."""

    queue: list[str] = field(default_factory=lambda: ["/"])
    seen: set = field(default_factory=set)
    pages: list[str] = field(default_factory=list)

    def next(self) -> str | None:
        while self.queue and len(self.pages) < MAX_PAGES:
            href = self.queue.pop(0)
            kind = page_kind(href)
            if kind is None or kind in self.seen:
                continue
            self.seen.add(kind)
            self.pages.append(href)
            return href
        return None

    def add_links(self, page) -> None:
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
        self.queue.extend(h.split("#", 1)[0] for h in hrefs if h and not h.startswith("#"))
