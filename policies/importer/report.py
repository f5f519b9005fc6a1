"""Plain-text account of an import: the structure found, the doubts, and what was written."""

from __future__ import annotations

from ..models.policies import display_policy_number
from .loader import ImportResult
from .parser import HEADER_DISPLAY, ParsedDocument


def _preview(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def structure_lines(doc: ParsedDocument) -> list[str]:
    lines = [f"{doc.kind.capitalize()} {display_policy_number(doc.number)} — {doc.title}", "", "En-tête :"]
    for key, label in HEADER_DISPLAY.items():
        value = doc.header.get(key)
        lines.append(f"  {label:<14} {value if value is not None else '(absent)'}")
    if doc.resolution_number:
        lines.append(f"  {'Résolution':<14} {doc.resolution_number}")
    lines.append("")
    if doc.purpose_title:
        lines.append(f"{doc.purpose_title} : {_preview(doc.purpose)}")
    lines.append(f"Sections ({len(doc.sections)}) :")
    for section in doc.sections:
        indent = "  " * section.level
        number = f"{section.number} :" if section.is_annex else f"{section.number}."
        body = section.body
        bullets = sum(1 for line in body.splitlines() if line.startswith("- "))
        paragraphs = sum(1 for block in body.split("\n\n") if block.strip() and not block.startswith("- "))
        detail = f"{paragraphs} paragraphe(s), {bullets} puce(s)" if body else "(titre seul)"
        lines.append(f"{indent}{number} {section.title}  [{detail}]")
    lines.append("")
    where = f" (trouvés en {doc.foundations_section})" if doc.foundations_section else ""
    lines.append(f"Politiques liées ({len(doc.related_policies)}){where} :")
    for ref in doc.related_policies:
        lines.append(f"  {display_policy_number(ref.number)} — {_preview(ref.name)}")
    lines.append(f"Références légales ({len(doc.legal_references)}) :")
    for ref in doc.legal_references:
        lines.append(f"  {ref.name} ({ref.citation})")
    return lines


def outcome_lines(result: ImportResult) -> list[str]:
    lines = [f"Avertissements ({len(result.warnings)}) :"]
    lines += [f"  ! {w}" for w in result.warnings] or ["  (aucun)"]
    lines.append("")
    prefix = "Simulation (--dry-run), rien n'est enregistré : " if result.dry_run else "Résultat : "
    policy = {
        "created": "politique créée",
        "updated": "politique mise à jour",
        "unchanged": "politique inchangée",
    }[result.policy_action]
    if result.version_action == "identical":
        version = f"texte identique à la version {result.identical_to}, aucun brouillon créé"
    else:
        version = {
            "created": "brouillon « {label} » créé",
            "updated": "brouillon « {label} » mis à jour",
            "unchanged": "brouillon « {label} » inchangé",
        }[result.version_action].format(label=result.version_label)
    lines.append(f"{prefix}{policy}, {version}.")
    if not result.changed and not result.dry_run:
        lines.append("unchanged: rien à modifier.")
    return lines
