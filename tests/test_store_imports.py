"""The store persists and queries only: no module of ``variorum.store`` may import the comparison engine or
the deduplicator (``variorum.compare.model``, the values a comparison is made of, is allowed)."""

from __future__ import annotations

import ast
from pathlib import Path

import variorum.store

ALLOWED = {"variorum.compare.model"}
FORBIDDEN = ("variorum.compare", "variorum.dedup")


def imported_modules(path: Path) -> set[str]:
    """Every module a source file imports, by full name (``from a.b import c`` counts ``a.b`` and ``a.b.c``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def forbidden(module: str) -> bool:
    if module in ALLOWED or any(module.startswith(allowed + ".") for allowed in ALLOWED):
        return False
    return any(module == name or module.startswith(name + ".") for name in FORBIDDEN)


def test_the_checker_sees_the_imports_it_must_refuse(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from variorum.compare import compare\nfrom variorum.compare.model import MINOR\n"
                      "import variorum.dedup.lsh\nfrom variorum import dedup\n", encoding="utf-8")
    assert sorted(m for m in imported_modules(sample) if forbidden(m)) == [
        "variorum.compare", "variorum.compare.compare", "variorum.dedup", "variorum.dedup.lsh",
    ]


def test_no_store_module_imports_the_comparison_engine_or_the_deduplicator():
    package = Path(variorum.store.__file__).parent
    offending = {
        str(path.relative_to(package)): sorted(m for m in imported_modules(path) if forbidden(m))
        for path in sorted(package.rglob("*.py"))
    }
    assert {path: modules for path, modules in offending.items() if modules} == {}
