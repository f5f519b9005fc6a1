"""Every page a persona reaches is built to be read with a keyboard and a screen reader.

The pages are rendered by the views (no browser) and parsed with the standard library: one h1,
headings in order, a <main> landmark, a language on <html>, a label for every field, alt text on
images, tables named, error messages tied to their fields and nothing inline that the strict
content security policy would block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from incidents.models import Incident
from policies.campaigns import services as campaign_services
from policies.models import PolicyVersion
from tests.campaigns.factories import VersionFactory, make_campaign
from tests.incidents.factories import declare
from tests.roster.factories import DesignationFactory, OfficialAccountFactory

NOT_FIELDS = {"hidden", "submit", "button", "reset", "image"}


@dataclass
class Page:
    lang: str | None = None
    title: str = ""
    has_main: bool = False
    headings: list[int] = field(default_factory=list)
    fields: list[tuple[str, str | None, str | None, bool]] = field(default_factory=list)
    label_for: set[str] = field(default_factory=set)
    ids: list[str] = field(default_factory=list)
    described_by: list[str] = field(default_factory=list)
    images_without_alt: int = 0
    inline_styles: list[str] = field(default_factory=list)
    inline_scripts: int = 0
    unnamed_tables: int = 0
    th_without_scope: int = 0
    unnamed_controls: list[str] = field(default_factory=list)
    empty_headings: int = 0


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._in_title = False
        self._in_svg = 0
        self._labels = 0
        self._tables: list[bool] = []
        self._control: list | None = None
        self._heading: list | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        page = self.page
        if tag == "svg":
            self._in_svg += 1
        if "style" in a:
            page.inline_styles.append(tag)
        if "id" in a:
            page.ids.append(a["id"])
        if a.get("aria-describedby"):
            page.described_by.extend(a["aria-describedby"].split())
        if tag == "html":
            page.lang = a.get("lang")
        elif tag == "title" and not self._in_svg:
            self._in_title = True
        elif tag == "main" or a.get("role") == "main":
            page.has_main = True
        elif re.fullmatch(r"h[1-6]", tag):
            page.headings.append(int(tag[1]))
            self._heading = [tag, ""]
        elif tag == "label":
            self._labels += 1
            if a.get("for"):
                page.label_for.add(a["for"])
        elif tag == "img" and "alt" not in a:
            page.images_without_alt += 1
        elif tag == "script" and not a.get("src"):
            page.inline_scripts += 1
        elif tag == "table":
            self._tables.append(bool(a.get("aria-label") or a.get("aria-labelledby")))
        elif tag == "caption" and self._tables:
            self._tables[-1] = True
        elif tag == "th" and "scope" not in a:
            page.th_without_scope += 1
        if tag in ("input", "select", "textarea"):
            kind = a.get("type", "text").lower()
            if tag != "input" or kind not in NOT_FIELDS:
                named = bool(a.get("aria-label") or a.get("aria-labelledby") or self._labels)
                page.fields.append((tag, a.get("name"), a.get("id"), named))
        if tag == "button" or (tag == "a" and "href" in a):
            self._control = [f"{tag} {a.get('href', '')}", a.get("aria-label", "")]

    def handle_endtag(self, tag):
        if tag == "svg":
            self._in_svg -= 1
        elif tag == "title":
            self._in_title = False
        elif tag == "label":
            self._labels = max(0, self._labels - 1)
        elif tag == "table" and self._tables:
            if not self._tables.pop():
                self.page.unnamed_tables += 1
        elif self._heading and tag == self._heading[0]:
            if not self._heading[1].strip():
                self.page.empty_headings += 1
            self._heading = None
        if tag in ("button", "a") and self._control is not None:
            if not self._control[1].strip():
                self.page.unnamed_controls.append(self._control[0])
            self._control = None

    def handle_data(self, data):
        if self._in_title:
            self.page.title += data
        if self._control is not None:
            self._control[1] += data
        if self._heading is not None:
            self._heading[1] += data


def parse(html: str) -> Page:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.page


def problems(html: str) -> list[str]:
    page = parse(html)
    found = []
    if not page.lang:
        found.append("<html> has no lang")
    if not page.has_main:
        found.append("no <main> landmark")
    if not page.title.strip():
        found.append("empty <title>")
    if page.headings.count(1) != 1:
        found.append(f"{page.headings.count(1)} h1 instead of one")
    previous = 0
    for level in page.headings:
        if level > previous + 1:
            found.append(f"heading skips from h{previous} to h{level}")
        previous = level
    if page.empty_headings:
        found.append(f"{page.empty_headings} empty heading(s)")
    for tag, name, id_, named in page.fields:
        if not (named or (id_ and id_ in page.label_for)):
            found.append(f"{tag} {name!r} has no label")
    if page.images_without_alt:
        found.append(f"{page.images_without_alt} img without alt")
    if page.inline_styles:
        found.append(f"style= on {page.inline_styles}")
    if page.inline_scripts:
        found.append(f"{page.inline_scripts} inline <script>")
    if page.unnamed_tables:
        found.append(f"{page.unnamed_tables} table(s) without caption or aria-label")
    if page.th_without_scope:
        found.append(f"{page.th_without_scope} th without scope")
    if page.unnamed_controls:
        found.append(f"controls without a name: {page.unnamed_controls}")
    missing = sorted(set(page.described_by) - set(page.ids))
    if missing:
        found.append(f"aria-describedby points to missing ids {missing}")
    duplicates = sorted({i for i in page.ids if page.ids.count(i) > 1})
    if duplicates:
        found.append(f"duplicate ids {duplicates}")
    return found


# --- The parser itself ----------------------------------------------------------------------------


def test_the_checks_catch_what_they_look_for():
    bad = (
        "<html><head><title></title></head><body><h1>A</h1><h3>B</h3><h1>C</h1>"
        '<input name="q"><img src="x.png"><p style="color:red">x</p><script>alert(1)</script>'
        '<table><tr><th>x</th></tr></table><button></button><input aria-describedby="nope"></body></html>'
    )
    found = " | ".join(problems(bad))
    for expected in [
        "no lang",
        "no <main>",
        "empty <title>",
        "2 h1",
        "h1 to h3",
        "'q' has no label",
        "img without alt",
        "style=",
        "inline <script>",
        "without caption",
        "th without scope",
        "controls without a name",
        "missing ids",
    ]:
        assert expected in found


def test_a_well_built_page_passes():
    good = (
        '<html lang="fr"><head><title>Accueil</title><script src="a.js"></script></head><body>'
        '<main><h1>A</h1><h2>B</h2><h3>C</h3><h2>D</h2><label for="q">Q</label><input id="q" name="q">'
        '<label>R <select name="r"></select></label><input type="hidden" name="h">'
        '<table><caption>T</caption><tr><th scope="col">x</th></tr></table>'
        '<svg><title>Graphique</title></svg><img src="x.png" alt=""></main></body></html>'
    )
    assert problems(good) == []


# --- The pages, persona by persona ----------------------------------------------------------------


@pytest.fixture
def world(org, django_capture_on_commit_callbacks):
    """A policy in force with an older version, a launched campaign, incidents at each level,
    a designation and an official account."""
    old = VersionFactory(label="2016", status=PolicyVersion.Status.SUPERSEDED)
    version = VersionFactory(label="2018", policy=old.policy)
    campaign = make_campaign(version)
    with django_capture_on_commit_callbacks(execute=True):
        campaign_services.campaign_launch(campaign=campaign, actor=org.user("harry"))
    campaign.refresh_from_db()
    to_manager = declare(org.alice.user)
    to_dcai = declare(
        org.alice.user,
        category=Incident.Category.PATIENT_INFO,
        patient_info_exposed=True,
        route_choice=Incident.RouteChoice.DCAI,
        route_reason="Mon gestionnaire est concerné.",
    )
    designation = DesignationFactory(profile=org.alice, designated_by=org.carol.user)
    account = OfficialAccountFactory(direction=org.care)
    return {
        "old": old,
        "version": version,
        "campaign": campaign,
        "to_manager": to_manager,
        "to_dcai": to_dcai,
        "designation": designation,
        "account": account,
    }


def _pages(world) -> dict[str, list[str]]:
    policy = world["version"].policy
    campaign = world["campaign"]
    everyone = [
        reverse("home"),
        reverse("policies:policy", args=[policy.number]),
        reverse("policies:list"),
        reverse("policies:compare", args=[policy.number]) + f"?de={world['old'].pk}&a={world['version'].pk}",
        reverse("incidents:declare"),
        reverse("incidents:mine"),
        reverse("campaigns:mine"),
        reverse("roster:mine"),
        reverse("notifications:list"),
        reverse("notifications:preferences"),
        reverse("password_change"),
    ]
    return {
        "alice": everyone
        + [
            reverse("incidents:detail", args=[world["to_manager"].pk]),
            reverse("roster:designation", args=[world["designation"].pk]),
        ],
        "bob": [
            reverse("incidents:queue", args=["a-traiter"]),
            reverse("incidents:queue", args=["en-retard"]),
            reverse("incidents:queue", args=["recemment-fermes"]),
            reverse("incidents:detail", args=[world["to_manager"].pk]),
            reverse("campaigns:list"),
            reverse("campaigns:team", args=[campaign.pk]),
        ],
        "carol": [
            reverse("home"),
            reverse("roster:direction_roster"),
            reverse("roster:designation_create"),
            reverse("roster:designation", args=[world["designation"].pk]),
            reverse("campaigns:dashboard", args=[campaign.pk]),
        ],
        "harry": [
            reverse("home"),
            reverse("campaigns:list"),
            reverse("campaigns:create"),
            reverse("campaigns:detail", args=[campaign.pk]),
            reverse("campaigns:dashboard", args=[campaign.pk]),
            reverse("campaigns:people", args=[campaign.pk]),
        ],
        "diane": [
            reverse("home"),
            reverse("policies:manage"),
            reverse("policies:version", args=[policy.number, world["old"].pk]),
            reverse("incidents:queue", args=["a-traiter"]),
            reverse("incidents:detail", args=[world["to_dcai"].pk]),
            reverse("incidents:access_log", args=[world["to_dcai"].pk]),
            reverse("incidents:register_create", args=[world["to_dcai"].pk]),
            reverse("incidents:register_list"),
            reverse("roster:roster"),
            reverse("roster:accounts"),
            reverse("roster:account_create"),
            reverse("roster:account_edit", args=[world["account"].pk]),
            reverse("roster:designation", args=[world["designation"].pk]),
        ],
    }


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("persona", ["alice", "bob", "carol", "harry", "diane"])
def test_pages_of_each_persona_are_accessible(org, login, world, persona, language, settings):
    client = login(org.user(persona))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    failures = {}
    titles = {}
    for url in _pages(world)[persona]:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert f'<html lang="{language}">' in html, url
        found = problems(html)
        if found:
            failures[url] = found
        titles.setdefault(parse(html).title.strip(), []).append(url)
    assert not failures, failures
    same_title = {title: urls for title, urls in titles.items() if len(urls) > 1}
    assert not same_title, f"pages sharing a <title>: {same_title}"


def test_the_login_page_is_accessible(client, db):
    assert problems(client.get(reverse("login")).content.decode()) == []


def test_errors_on_the_declaration_form_are_tied_to_their_fields(org, login):
    client = login(org.alice.user)
    response = client.post(reverse("incidents:declare"), {"description": "", "route_choice": "dcai"})
    html = response.content.decode()
    assert response.status_code in (200, 400)
    assert problems(html) == []
    page = parse(html)
    # Each field in error points to its message, and the summary above the form links to the field.
    assert "id_description_error" in page.described_by
    assert 'aria-invalid="true"' in html
    assert 'href="#id_description"' in html
    assert 'role="alert"' in html


def test_the_navigation_groups_entries_and_keeps_the_unread_count(org, login, world):
    html = login(org.diane.user).get(reverse("home")).content.decode()
    nav = html[html.index("<header") : html.index("</header>")]
    # Menus open with real buttons, reachable and operable from the keyboard.
    toggles = re.findall(r'<button type="button" class="nav-link dropdown-toggle[^"]*"', nav)
    assert len(toggles) >= 4
    for entry in [
        reverse("policies:current"),
        reverse("policies:manage"),
        reverse("incidents:declare"),
        reverse("incidents:register_list"),
        reverse("roster:roster"),
        reverse("notifications:list"),
    ]:
        assert f'href="{entry}"' in nav
    assert 'id="notifications-unread"' in nav
    # The skip link leads to the main landmark.
    assert 'href="#main"' in html and '<main id="main"' in html


def test_an_employee_sees_no_management_menu(org, login, world):
    html = login(org.alice.user).get(reverse("home")).content.decode()
    nav = html[html.index("<header") : html.index("</header>")]
    assert "Gestion" not in nav
    assert f'href="{reverse("policies:manage")}"' not in nav
    assert f'href="{reverse("incidents:queue", args=["a-traiter"])}"' not in nav
    assert f'href="{reverse("incidents:declare")}"' in nav
