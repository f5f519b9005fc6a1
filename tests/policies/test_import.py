"""Import of policy documents: the seed, another document of the same family, idempotence, dry run."""

import datetime as dt
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from policies.importer import parse_document
from policies.importer.loader import import_document
from policies.models import LegalReference, Policy, PolicyVersion, RelatedPolicy, Section

SEED = Path(__file__).resolve().parents[2] / "policies" / "fixtures" / "politique-10974-medias-sociaux.txt"
SHARED_SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "politique-10974-medias-sociaux.txt"

# A different policy of the same family: other number and sections, no "Révisée le" field,
# a running header glued to a heading and one cutting a sentence, <b> noise, a law citation
# written "L.R.Q.", a related policy cited in the foundations section which is section 3 here.
OTHER = """\
<b>OBJET :</b> POLITIQUE SUR LA SÉCURITÉ DE L'INFORMATION\t<b>POLITIQUE N° 20 115</b>
<b>DESTINATAIRES :</b> Tout le personnel\t<b>Émise le :</b> 2020-02-03
<b>ÉMISE PAR :</b> Direction des ressources informationnelles (DRI)
<b>APPROUVÉE PAR :</b> Le conseil d'administration et <b>SIGNÉE PAR :</b> La présidente-directrice générale\t<b>Approuvée le :</b> 2020-04-14 (RCA 2020-04-1234)
\t<b>Date :</b> 2020-05-01

**BUT**

Protéger l'information détenue par l'<b>établissement</b>.

**1. CHAMP D'APPLICATION**

La présente politique vise toute personne qui accède aux actifs informationnels du CHUM.

**2. DÉFINITIONS****Actif informationnel**

Une banque d'information, un système ou un support.

**3. CADRE LÉGAL ET ADMINISTRATIF**

La présente politique s'appuie notamment sur :

- Politique en matière d'utilisation d'Internet et du courrier électronique (65 160).
- Loi concernant le cadre juridique des technologies de l'information (L.R.Q., c. C-1.1).
- Loi sur l'accès aux documents des organismes publics et sur la protection des renseignements personnels (RLRQ, c. A-2.1).

**OBJET : POLITIQUE SUR LA SÉCURITÉ DE L'INFORMATION****POLITIQUE N° 20 115****4. RÔLES ET RESPONSABILITÉS****4.1. LE RESPONSABLE DE LA SÉCURITÉ**

- Coordonne la mise en œuvre de la politique et veille à ce que les
**OBJET : POLITIQUE SUR LA SÉCURITÉ DE L'INFORMATION**

**POLITIQUE N° 20 115**

mesures soient appliquées.

**4.2. LES GESTIONNAIRES**

Les gestionnaires s'assurent que leur équipe connaît la politique.

**ANNEXE A : ENGAGEMENT DE CONFIDENTIALITÉ**

Je m'engage à protéger l'information du CHUM.
"""  # noqa: E501


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def test_the_committed_copy_matches_the_shared_seed():
    if not SHARED_SEED.exists():
        pytest.skip("shared seed not present")
    assert SEED.read_bytes() == SHARED_SEED.read_bytes()


# --- Parsing ---------------------------------------------------------------------------------------


def test_seed_sections_in_order(seed_text):
    doc = parse_document(seed_text)
    assert doc.errors == []
    numbers = [s.number for s in doc.sections]
    assert numbers == [
        "1",
        "2",
        "3",
        "4",
        "5",
        "6",
        "6.1",
        "6.2",
        "6.3",
        "7",
        "7.1",
        "7.2",
        "7.3",
        "7.4",
        "7.5",
        "7.6",
        "7.7",
        "7.8",
        "Annexe 1",
    ]
    assert [s.level for s in doc.sections[:9]] == [1, 1, 1, 1, 1, 1, 2, 2, 2]
    annex = doc.sections[-1]
    assert annex.is_annex and "NÉTIQUETTE" in annex.title
    assert "Notre Nétiquette" in annex.body
    assert doc.purpose.startswith("Le but de cette politique")
    assert doc.number == "10974"


def test_seed_bodies_are_clean(seed_text):
    doc = parse_document(seed_text)
    for section in doc.sections:
        assert "<b>" not in section.body and "</b>" not in section.body
        assert "OBJET" not in section.body, section.number
        assert "10 974" not in section.body, section.number
        assert "****" not in section.body
        assert not re.search(r"^#", section.body, re.M)
        assert "OBJET" not in section.title and "<b>" not in section.title
    definitions = next(s for s in doc.sections if s.number == "4")
    # The glued "**4. DÉFINITIONS****Médias sociaux**" gives a heading and a term in the body.
    assert definitions.title == "Définitions"
    assert definitions.body.startswith("**Médias sociaux**")
    # The term after a page break is kept in §4, not lost with the running header.
    assert "**Visiteur**" in definitions.body
    assert (
        "**Devoir d'agir au mieux de son jugement**"
        in next(s for s in doc.sections if s.number == "6.2").body
    )


def test_seed_header_fields(seed_text):
    doc = parse_document(seed_text)
    assert doc.header["destinataires"] == "Toutes les unités administratives"
    assert doc.header["approuvee_par"] == "Le conseil d'administration"
    assert doc.header["signee_par"] == "Le président-directeur général, Fabrice Brunet"
    assert doc.resolution_number == "RCA 2018-05-3008"
    assert doc.dates == {
        "issued_on": dt.date(2017, 1, 21),
        "revised_on": dt.date(2018, 3, 12),
        "approved_on": dt.date(2108, 5, 25),
        "signed_on": dt.date(2018, 7, 5),
    }
    assert doc.title == "Procédure sur l'utilisation des médias sociaux"


def test_seed_foundations(seed_text):
    doc = parse_document(seed_text)
    assert [r.number for r in doc.related_policies] == ["10940", "65930", "10973", "65160"]
    assert [(r.name, r.citation) for r in doc.legal_references] == [
        ("Charte des droits et libertés de la personne", "RLRQ, c. C-12"),
        ("Loi sur les services de santé et les services sociaux", "RLRQ, c. S-4.2"),
    ]
    assert doc.foundations_section.startswith("2.")


def test_other_document_of_the_family():
    doc = parse_document(OTHER)
    assert doc.errors == []
    assert doc.number == "20115"
    assert doc.title == "Politique sur la sécurité de l'information"
    assert [s.number for s in doc.sections] == ["1", "2", "3", "4", "4.1", "4.2", "Annexe A"]
    assert doc.sections[-1].is_annex
    assert doc.purpose == "Protéger l'information détenue par l'établissement."
    assert [r.number for r in doc.related_policies] == ["65160"]
    assert [r.citation for r in doc.legal_references] == ["L.R.Q., c. C-1.1", "RLRQ, c. A-2.1"]
    assert doc.foundations_section.startswith("3.")
    # The sentence cut by a page break is joined again; no running header is left.
    responsible = next(s for s in doc.sections if s.number == "4.1")
    assert (
        responsible.body
        == "- Coordonne la mise en œuvre de la politique et veille à ce que les mesures soient appliquées."
    )
    assert all("OBJET" not in s.body and "20 115" not in s.body for s in doc.sections)
    assert any("Révisée le" in w and "absent" in w for w in doc.warnings)
    assert doc.dates["revised_on"] is None


def test_document_without_number_is_refused():
    doc = parse_document("<b>OBJET :</b> Quelque chose\n\n**1. UN**\n\nTexte.")
    assert doc.errors
    with pytest.raises(ValueError):
        import_document(doc)


# --- Import into the database ----------------------------------------------------------------------


@pytest.mark.django_db
def test_seed_import_flags_the_2108_date_and_leaves_it_empty(seed_text):
    result = import_document(parse_document(seed_text))
    assert any("2108-05-25" in w and "2018-05-25" in w for w in result.warnings)
    version = PolicyVersion.objects.get()
    assert version.status == PolicyVersion.Status.DRAFT
    assert version.approved_on is None
    assert version.resolution_number == "RCA 2018-05-3008"
    assert version.issued_on == dt.date(2017, 1, 21)
    assert version.signed_on == dt.date(2018, 7, 5)
    assert version.sections.count() == 19
    assert list(version.sections.order_by("order").values_list("number", flat=True))[-1] == "Annexe 1"
    policy = Policy.objects.get()
    assert policy.number == "10974" and policy.display_number == "10\u00a0974"
    assert list(RelatedPolicy.objects.values_list("number", flat=True)) == [
        "10940",
        "65930",
        "10973",
        "65160",
    ]
    assert LegalReference.objects.count() == 2


@pytest.mark.django_db
def test_seed_import_with_the_date_fix_stores_2018(seed_text):
    result = import_document(parse_document(seed_text), accept_date_fix=True)
    assert any("corrigée en 2018-05-25" in w for w in result.warnings)
    assert PolicyVersion.objects.get().approved_on == dt.date(2018, 5, 25)


@pytest.mark.django_db
def test_issuing_direction_is_matched_by_its_code(org, seed_text):
    import_document(parse_document(seed_text))
    assert Policy.objects.get().issuing_direction == org.dcai


@pytest.mark.django_db
def test_reimport_changes_nothing(seed_text):
    import_document(parse_document(seed_text))
    before = list(Section.objects.values_list("pk", "title", "body"))
    updated = PolicyVersion.objects.get().updated_at
    result = import_document(parse_document(seed_text))
    assert result.policy_action == "unchanged" and result.version_action == "unchanged"
    assert not result.changed
    assert list(Section.objects.values_list("pk", "title", "body")) == before
    assert PolicyVersion.objects.get().updated_at == updated


@pytest.mark.django_db
def test_reimport_of_a_changed_document_updates_the_draft(seed_text):
    import_document(parse_document(seed_text))
    changed = seed_text.replace("- Respectent la politique.", "- Respectent la politique en tout temps.")
    result = import_document(parse_document(changed))
    assert result.version_action == "updated"
    assert PolicyVersion.objects.count() == 1
    assert "en tout temps" in Section.objects.get(number="7.8").body


@pytest.mark.django_db
def test_no_draft_when_the_version_in_force_has_the_same_text(seed_text):
    from policies.demo import seed_policy

    seed_policy(StringIO())
    assert Policy.objects.get().title_en == "Procedure on the use of social media"
    result = import_document(parse_document(seed_text))
    assert result.version_action == "identical"
    assert PolicyVersion.objects.count() == 1
    # A revised text gives a new draft beside the version in force.
    result = import_document(
        parse_document(
            seed_text.replace("Révisée le :</b> 2018-03-12", "Révisée le :</b> 2019-03-12").replace(
                "Anime les médias sociaux", "Anime et surveille les médias sociaux"
            )
        )
    )
    assert result.version_action == "created"
    assert PolicyVersion.objects.filter(status=PolicyVersion.Status.DRAFT).get().label == "2019-03-12"


@pytest.mark.django_db
def test_other_document_imports(org):
    result = import_document(parse_document(OTHER))
    assert result.policy_action == "created" and result.version_action == "created"
    policy = Policy.objects.get(number="20115")
    version = policy.versions.get()
    assert version.revised_on is None and version.approved_on == dt.date(2020, 4, 14)
    assert list(version.sections.values_list("number", flat=True)) == [
        "1",
        "2",
        "3",
        "4",
        "4.1",
        "4.2",
        "Annexe A",
    ]
    assert list(policy.related_policies.values_list("number", flat=True)) == ["65160"]


@pytest.mark.django_db
def test_dry_run_changes_nothing(seed_text):
    result = import_document(parse_document(seed_text), dry_run=True)
    assert result.policy_action == "created" and result.version_action == "created"
    assert not Policy.objects.exists() and not PolicyVersion.objects.exists() and not Section.objects.exists()


@pytest.mark.django_db
def test_command_prints_structure_and_the_2108_warning():
    out = StringIO()
    call_command("import_policy", str(SEED), "--dry-run", stdout=out)
    text = out.getvalue()
    assert "6.1. Obligations de tous les utilisateurs des médias sociaux" in text
    assert "Annexe 1" in text
    assert "10\u00a0940" in text and "RLRQ, c. S-4.2" in text
    assert "2108-05-25" in text and "2018-05-25" in text and "--accept-date-fix" in text
    assert "Simulation" in text
    assert not Policy.objects.exists()


@pytest.mark.django_db
def test_command_reports_unchanged_on_second_run():
    call_command("import_policy", str(SEED), stdout=StringIO())
    out = StringIO()
    call_command("import_policy", str(SEED), stdout=out)
    assert "unchanged" in out.getvalue()
    assert PolicyVersion.objects.count() == 1


@pytest.mark.django_db
def test_seed_demo_policy_is_idempotent():
    from policies.demo import seed_policy

    out = StringIO()
    seed_policy(out)
    assert "RCA 2018-05-3008" in out.getvalue()
    seed_policy(None)  # seed_demo may pass no output
    version = PolicyVersion.objects.get()
    assert version.status == PolicyVersion.Status.IN_FORCE
    assert version.approved_on == dt.date(2018, 5, 25)
    assert version.resolution_number == "RCA 2018-05-3008"
    assert version.effective_on == dt.date(2018, 7, 5)
