"""docs/rules.md names, for each rule, one function that exists and a test that exists."""

import ast
import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ROW = re.compile(r"^\|(?P<section>[^|]+)\|(?P<rule>[^|]+)\|\s*`(?P<function>[\w.]+)`\s*\|\s*`(?P<test>[^`]+)`\s*\|$")


def rows():
    lines = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8").splitlines()
    table_lines = [line for line in lines if line.startswith("|") and not line.startswith(("|---", "| Section"))]
    parsed = [ROW.match(line) for line in table_lines]
    assert all(parsed), [line for line, match in zip(table_lines, parsed, strict=True) if not match]
    return parsed


def resolve(dotted: str):
    """A module attribute, or an attribute of a class in a module (`pkg.module.Class.method`)."""
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            target = getattr(target, name)
        return target
    raise ImportError(dotted)


def _test_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)}


def test_every_rule_names_a_function_that_exists_and_a_test_that_exists():
    found = rows()
    assert len(found) > 60
    missing = []
    for match in found:
        try:
            resolve(match["function"])
        except (ImportError, AttributeError):
            missing.append(match["function"])
        path, _, name = match["test"].partition("::")
        if not (ROOT / path).is_file() or name not in _test_names(ROOT / path):
            missing.append(match["test"])
    assert not missing, missing


def test_code_cites_no_document_outside_the_repository():
    cited = []
    for folder in ("portal", "policies", "incidents", "tests", "templates", "docs"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in {".py", ".html", ".md", ".txt"} and path != Path(__file__):
                if re.search(r"\bDESIGN\b", path.read_text(encoding="utf-8")):
                    cited.append(str(path.relative_to(ROOT)))
    assert not cited, cited
