"""The layers of DESIGN.md, held by reading every module's imports: the domain imports
nothing of ours but the domain, engines nothing of the sources or the UI, sources no UI,
and the UI no engine and no source's own package (it sees sources only through their
protocol and registry)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "ringmaster_tui"

# (layer, a module prefix it must not import, why)
RULES: tuple[tuple[str, str, str], ...] = (
    ("domain", "ringmaster_tui.engines", "the domain knows no database"),
    ("domain", "ringmaster_tui.sources", "the domain knows no source"),
    ("domain", "ringmaster_tui.ui", "the domain knows no widget"),
    ("domain", "sqlalchemy", "the domain knows no SQL"),
    ("domain", "textual", "the domain knows no widget"),
    ("engines", "ringmaster_tui.sources", "an engine serves every source alike"),
    ("engines", "ringmaster_tui.ui", "an engine knows no widget"),
    ("engines", "textual", "an engine knows no widget"),
    ("sources", "ringmaster_tui.ui", "a source declares, the UI renders"),
    ("sources", "textual", "a source declares, the UI renders"),
    ("ui", "ringmaster_tui.engines", "widgets never touch the database"),
    ("ui", "sqlalchemy", "widgets never touch the database"),
    ("ui", "sqlite3", "widgets never touch the database"),
)
# The UI may name a source only through these: the protocol and the registry.
UI_MAY_IMPORT_FROM_SOURCES = ("ringmaster_tui.sources.base", "ringmaster_tui.sources.registry")


def imports_of(path: Path) -> Iterator[tuple[int, str]]:
    """Every module `path` imports (relative imports made absolute), with its line."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            yield node.lineno, base


def modules_of(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


def _matches(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(f"{prefix}.")


@pytest.mark.parametrize(("layer", "forbidden", "why"), RULES)
def test_a_layer_imports_nothing_it_must_not(layer: str, forbidden: str, why: str) -> None:
    assert modules_of(layer), f"no modules under {layer}/"
    broken = [
        f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}"
        for path in modules_of(layer)
        for line, module in imports_of(path)
        if _matches(module, forbidden)
    ]
    assert not broken, f"{why}:\n" + "\n".join(broken)


def test_the_ui_sees_sources_only_through_their_protocol_and_registry() -> None:
    broken = [
        f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}"
        for path in modules_of("ui")
        for line, module in imports_of(path)
        if _matches(module, "ringmaster_tui.sources")
        and not any(_matches(module, allowed) for allowed in UI_MAY_IMPORT_FROM_SOURCES)
    ]
    assert not broken, "the UI must not know one source's package:\n" + "\n".join(broken)


def test_the_rules_see_imports_at_all() -> None:
    """The reader finds imports, relative ones too (else every rule passes vacuously)."""
    found = {module for path in modules_of("ui") for _, module in imports_of(path)}
    assert "textual.app" in found
    assert "ringmaster_tui.domain.snapshot" in found
