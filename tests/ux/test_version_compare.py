"""The comparison of two versions counts and shows what readers see (policies.diff)."""

import re
from io import StringIO

import pytest
from django.urls import reverse

from policies.demo import seed_policy
from policies.diff import body_diff
from policies.models import PolicyVersion

S = PolicyVersion.Status
pytestmark = pytest.mark.django_db


def _edit_form(draft, sections):
    data = {
        "label": draft.label,
        "purpose": draft.purpose.replace("\n", "\r\n"),
        "issued_on": draft.issued_on.isoformat() if draft.issued_on else "",
        "revised_on": "",
        "approving_body": draft.approving_body,
        "signatory": "",
        "change_summary": "",
        "requires_acknowledgement": "on",
        "next_review_on": "",
        "sections-TOTAL_FORMS": str(len(sections)),
        "sections-INITIAL_FORMS": str(len(sections)),
        "sections-MIN_NUM_FORMS": "0",
        "sections-MAX_NUM_FORMS": "1000",
    }
    for i, s in enumerate(sections):
        data.update(
            {
                f"sections-{i}-number": s.number,
                f"sections-{i}-title": s.title,
                # What a browser sends from a textarea.
                f"sections-{i}-body": s.body.replace("\n", "\r\n"),
                f"sections-{i}-level": str(s.level),
                f"sections-{i}-ORDER": str(i + 1),
            }
        )
        if s.is_annex:
            data[f"sections-{i}-is_annex"] = "on"
    return data


def test_editing_two_sections_through_the_browser_shows_two_changed(org, login):
    seed_policy(StringIO())
    in_force = PolicyVersion.objects.get(status=S.IN_FORCE)
    client = login(org.user("diane"))
    client.post(reverse("policies:version_new", args=["10974"]), {"label": "2027-01-01"})
    draft = PolicyVersion.objects.get(status=S.DRAFT)
    sections = list(draft.sections.order_by("order"))
    assert sum(1 for s in sections if "\n" in s.body) > 5
    data = _edit_form(draft, sections)
    i73 = next(i for i, s in enumerate(sections) if s.number == "7.3")
    i61 = next(i for i, s in enumerate(sections) if s.number == "6.1")
    data[f"sections-{i73}-body"] += "\r\n- Tient le registre des utilisateurs autorisés."
    data[f"sections-{i61}-body"] = data[f"sections-{i61}-body"].replace("\r\n\r\n", "\r\n\r\nAjout lu.\r\n\r\n", 1)
    response = client.post(reverse("policies:version_edit", args=["10974", draft.pk]), data)
    assert response.status_code == 302

    assert not draft.sections.filter(body__contains="\r").exists()
    html = client.get(
        reverse("policies:compare", args=["10974"]) + f"?de={in_force.pk}&a={draft.pk}"
    ).content.decode()
    assert "0 section(s) ajoutée(s), 0 retirée(s), 2 modifiée(s)." in html
    assert html.count('class="badge text-bg-warning">modifiée<') == 2
    # The words added, as a bullet, never the markup that makes it one.
    assert '<li><ins class="diff-ins">Tient le registre des utilisateurs autorisés.</ins></li>' in html
    assert "- Tient" not in html and "**" not in html


def test_diff_of_a_body_compares_the_words_not_the_markup():
    old = "**Principe**\n\nLe CHUM anime.\n\n- un\n- deux"
    new = "**Principe**\r\n\r\nLe CHUM surveille.\r\n\r\n- un\r\n- trois"
    html = str(body_diff(old, new))
    assert '<p class="policy-term"><strong>Principe</strong></p>' in html
    assert re.search(r'<p>Le CHUM <del class="diff-del">anime</del><ins class="diff-ins">surveille</ins>\.</p>', html)
    assert '<li>un</li><li><del class="diff-del">deux</del><ins class="diff-ins">trois</ins></li>' in html
    assert "**" not in html and "- " not in html and "<br><br>" not in html
    # Only the line endings differ: nothing to show.
    assert body_diff(old, old.replace("\n", "\r\n")) == body_diff(old, old)
