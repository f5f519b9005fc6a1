"""Pages: the reading page for every staff member, the comparison, and DCAI's pages (§7.3)."""

import datetime as dt

import pytest
from django.urls import reverse

from policies.models import PolicyVersion, Section

from .factories import PolicyFactory, make_version

S = PolicyVersion.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db):
    from io import StringIO

    from policies.demo import seed_policy

    seed_policy(StringIO())
    return PolicyVersion.objects.get(status=S.IN_FORCE)


def test_reading_page_shows_the_whole_policy(org, login, seeded):
    response = login(org.user("alice")).get(reverse("policies:policy", args=["10974"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Procédure sur l&#x27;utilisation des médias sociaux" in html
    assert 'id="s-6-1"' in html and 'href="#s-6-1"' in html
    assert 'id="s-annexe-1"' in html and "Notre Nétiquette" in html
    assert "RCA 2018-05-3008" in html and "2018-05-25" in html
    assert "Loi sur les services de santé et les services sociaux (RLRQ, c. S-4.2)" in html
    # Related policies not in the portal are shown without a link.
    assert "10\u00a0940" in html and 'href="/politiques/10940/"' not in html
    assert "OBJET" not in html.split("<article", 1)[1]
    assert "&lt;b&gt;" not in html and "<b>" not in html


def test_related_policy_in_the_portal_is_a_link(org, login, seeded):
    make_version(status=S.IN_FORCE, policy=PolicyFactory(number="10940", title_fr="Relations de presse"))
    html = login(org.user("alice")).get(reverse("policies:policy", args=["10974"])).content.decode()
    assert 'href="/politiques/10940/"' in html


def test_script_in_a_section_body_is_shown_as_text(org, login):
    version = make_version(status=S.IN_FORCE, sections=1)
    Section.objects.filter(version=version).update(body='<script>alert("x")</script>')
    html = login(org.user("alice")).get(version.policy.get_absolute_url()).content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html


def test_drafts_are_not_visible_to_staff(org, login, seeded):
    draft = make_version(policy=seeded.policy, label="draft")
    client = login(org.user("oscar"))
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(reverse("policies:version_edit", args=["10974", draft.pk])).status_code == 404
    assert client.post(reverse("policies:version_approve", args=["10974", draft.pk])).status_code == 404
    assert client.get(reverse("policies:compare", args=["10974"]) + f"?de={draft.pk}").status_code == 404
    # A policy with only a draft does not exist for staff.
    only_draft = make_version(policy=PolicyFactory(number="99999"))
    assert client.get(reverse("policies:policy", args=["99999"])).status_code == 404
    assert client.get(only_draft.get_absolute_url()).status_code == 404


def test_manage_pages_are_refused_to_non_dcai(org, login, seeded):
    approved = make_version(policy=seeded.policy, status=S.APPROVED, label="next")
    for name in ("alice", "bob", "carol", "harry", "oscar"):
        client = login(org.user(name))
        assert client.get(reverse("policies:manage")).status_code == 403
        # The version in force is readable, so acting on it is forbidden (403), not hidden.
        assert client.post(reverse("policies:version_new", args=["10974"]), {"label": "x"}).status_code == 403
        assert (
            client.get(reverse("policies:version_put_in_force", args=["10974", approved.pk])).status_code
            == 404
        )
    approved.refresh_from_db()
    assert approved.status == S.APPROVED
    assert PolicyVersion.objects.count() == 2


def test_nav_links_by_role(org, login, seeded):
    html = login(org.user("alice")).get(reverse("home")).content.decode()
    assert reverse("policies:current") in html and reverse("policies:manage") not in html
    html = login(org.user("diane")).get(reverse("home")).content.decode()
    assert reverse("policies:manage") in html
    assert "Politique en vigueur" in html


def test_current_redirects_to_the_policy_in_force(org, login, seeded):
    response = login(org.user("alice")).get(reverse("policies:current"))
    assert response["Location"] == "/politiques/10974/"


def test_policy_list(org, login, seeded):
    make_version(policy=PolicyFactory(number="99999", title_fr="Brouillon seulement"))
    html = login(org.user("alice")).get(reverse("policies:list")).content.decode()
    assert "10\u00a0974" in html and "Brouillon seulement" not in html
    html = login(org.user("diane")).get(reverse("policies:list")).content.decode()
    assert "Brouillon seulement" in html


def test_dcai_lifecycle_through_the_pages(org, login, seeded):
    client = login(org.user("diane"))
    response = client.post(reverse("policies:version_new", args=["10974"]), {"label": "2024-01-15"})
    draft = PolicyVersion.objects.get(status=S.DRAFT)
    assert response["Location"] == reverse("policies:version_edit", args=["10974", draft.pk])

    edit_url = reverse("policies:version_edit", args=["10974", draft.pk])
    assert client.get(edit_url).status_code == 200
    sections = list(draft.sections.order_by("order"))
    data = {
        "label": "2024-01-15",
        "purpose": draft.purpose,
        "issued_on": "2017-01-21",
        "revised_on": "2024-01-15",
        "approving_body": "Le conseil d'administration",
        "signatory": "",
        "change_summary": "Mise à jour de 7.3",
        "requires_acknowledgement": "on",
        "next_review_on": "",
        "sections-TOTAL_FORMS": str(len(sections) + 1),
        # The empty extra form, as a browser posts it (the level select sends its default).
        f"sections-{len(sections)}-level": "1",
        "sections-INITIAL_FORMS": str(len(sections)),
        "sections-MIN_NUM_FORMS": "0",
        "sections-MAX_NUM_FORMS": "1000",
    }
    for i, s in enumerate(sections):
        data.update(
            {
                f"sections-{i}-number": s.number,
                f"sections-{i}-title": s.title,
                f"sections-{i}-body": s.body,
                f"sections-{i}-level": str(s.level),
                f"sections-{i}-ORDER": str(i + 1),
            }
        )
        if s.is_annex:
            data[f"sections-{i}-is_annex"] = "on"
    i73 = next(i for i, s in enumerate(sections) if s.number == "7.3")
    data[f"sections-{i73}-body"] += "\n- Tient le registre des utilisateurs autorisés."
    i78 = next(i for i, s in enumerate(sections) if s.number == "7.8")
    data[f"sections-{i78}-DELETE"] = "on"
    response = client.post(edit_url, data)
    ctx = response.context
    assert response.status_code == 302, (ctx["form"].errors, ctx["formset"].non_form_errors())
    draft.refresh_from_db()
    assert draft.revised_on == dt.date(2024, 1, 15)
    assert draft.sections.count() == len(sections) - 1
    assert "registre des utilisateurs autorisés" in draft.sections.get(number="7.3").body

    # Approval before the revision date is refused with a clear message.
    approve_url = reverse("policies:version_approve", args=["10974", draft.pk])
    response = client.post(approve_url, {"approved_on": "2023-12-01", "resolution_number": "RCA 2024-02-1"})
    assert response.status_code == 200
    assert "précède la date de révision" in response.content.decode()
    response = client.post(approve_url, {"approved_on": "2024-02-20", "resolution_number": ""})
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.status == S.DRAFT
    response = client.post(approve_url, {"approved_on": "2024-02-20", "resolution_number": "RCA 2024-02-1"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == S.APPROVED

    response = client.post(
        reverse("policies:version_put_in_force", args=["10974", draft.pk]), {"effective_on": "2024-03-01"}
    )
    assert response.status_code == 302
    seeded.refresh_from_db()
    draft.refresh_from_db()
    assert (seeded.status, draft.status) == (S.SUPERSEDED, S.IN_FORCE)

    # Staff now read the new version, with the previous one listed and comparable.
    alice = login(org.user("alice"))
    html = alice.get(reverse("policies:policy", args=["10974"])).content.decode()
    assert "Tient le registre" in html and "Versions précédentes" in html
    html = alice.get(
        reverse("policies:compare", args=["10974"]) + f"?de={seeded.pk}&a={draft.pk}"
    ).content.decode()
    assert '<ins class="diff-ins">' in html and "retirée" in html
    assert "Tient" in html


def test_edit_of_a_version_in_force_redirects_to_its_page(org, login, seeded):
    response = login(org.user("diane")).get(reverse("policies:version_edit", args=["10974", seeded.pk]))
    assert response.status_code == 302 and response["Location"] == seeded.get_absolute_url()


def test_reading_page_query_count_does_not_grow(org, login, django_assert_max_num_queries):
    small = make_version(status=S.IN_FORCE, sections=2)
    client = login(org.user("alice"))
    client.get(small.policy.get_absolute_url())  # warm the session
    with django_assert_max_num_queries(14) as few:
        client.get(small.policy.get_absolute_url())
    big_policy = PolicyFactory(number="20000")
    big = make_version(status=S.IN_FORCE, sections=60, policy=big_policy, label="big")
    for n in range(8):
        make_version(status=S.SUPERSEDED, sections=5, policy=big_policy, label=f"old{n}")
    big_policy.related_policies.create(number="10974", order=0)
    big_policy.related_policies.create(number="10940", order=1)
    big_policy.legal_references.create(name="Loi", citation="RLRQ, c. X", order=0)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(big.policy.get_absolute_url())
    assert response.status_code == 200


def test_policy_list_query_count_does_not_grow(org, login, django_assert_max_num_queries):
    make_version(status=S.IN_FORCE, policy=PolicyFactory(number="1"), label="a")
    client = login(org.user("alice"))
    client.get(reverse("policies:list"))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("policies:list"))
    for n in range(20):
        make_version(status=S.IN_FORCE, sections=1, policy=PolicyFactory(number=str(100 + n)), label="a")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("policies:list"))


def test_home_panel_queries_are_constant(org, rf, django_assert_num_queries):
    from policies.home import panels

    make_version(status=S.IN_FORCE)
    request = rf.get("/")
    request.user = org.user("alice")
    from portal.roles import roles_for

    roles_for(request.user)
    with django_assert_num_queries(1):
        [panel] = panels(request)
    assert panel["version"].status == S.IN_FORCE
