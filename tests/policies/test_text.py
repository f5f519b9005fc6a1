"""Safe rendering of policy text and the comparison of versions."""

from policies.diff import compare_sections, word_diff
from policies.models import Section
from policies.text import render_body


def test_body_renders_paragraphs_lists_and_terms():
    html = render_body(
        "**Médias sociaux**\n\nToute forme d'application.\n\n- un\n- deux\n\nFin avec **gras**."
    )
    assert '<p class="policy-term"><strong>Médias sociaux</strong></p>' in html
    assert "<p>Toute forme d'application.</p>" in html or "<p>Toute forme d&#x27;application.</p>" in html
    assert "<ul><li>un</li><li>deux</li></ul>" in html
    assert "<strong>gras</strong>" in html


def test_script_in_a_body_shows_as_text():
    html = render_body('Bonjour <script>alert("x")</script> <img src=x onerror=alert(1)> **<b>gras</b>**')
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html
    assert "&lt;img" in html


def test_word_diff_marks_changed_words():
    html = word_diff("Le CHUM anime les médias sociaux.", "Le CHUM surveille les médias sociaux <script>.")
    assert '<del class="diff-del">anime</del>' in html
    assert '<ins class="diff-ins">surveille</ins>' in html
    assert "<script" not in html and "&lt;script&gt;" in html


def _s(number, title, body=""):
    return Section(number=number, title=title, body=body)


def test_sections_added_removed_changed():
    old = [_s("1", "Un", "a b c"), _s("2", "Deux", "x"), _s("3", "Trois", "y")]
    new = [_s("1", "Un", "a B c"), _s("3", "Trois", "y"), _s("4", "Quatre", "z")]
    changes = {(c.kind, c.section.number) for c in compare_sections(old, new)}
    assert changes == {("changed", "1"), ("removed", "2"), ("unchanged", "3"), ("added", "4")}
    changed = compare_sections(old, new)[0]
    assert (
        '<del class="diff-del">b</del>' in changed.body_html
        and '<ins class="diff-ins">B</ins>' in changed.body_html
    )
