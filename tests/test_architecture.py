"""What each room of the package may import (docs/design.md, "The rooms"): data flows one way, so an import
that runs back up the floors fails here, naming the file and the import."""

from __future__ import annotations

import ast
from pathlib import Path

import variorum

SOURCE = Path(variorum.__file__).resolve().parent

# room -> the rooms it may import besides itself and variorum.errors ("compare.model": only the values)
ALLOWED: dict[str, set[str]] = {
    "text": set(),
    "article": {"text"},
    "compare": {"article", "text"},
    "dedup": {"article", "text", "extract"},
    "extract": {"article", "text"},
    "store": {"article", "text", "compare.model"},
    "track": {"article", "text", "compare", "extract", "store"},
    "render": {"text", "compare", "store"},
    "web": {"article", "text", "compare", "dedup", "extract", "store", "render"},
}


def _room(path: Path) -> str:
    return path.relative_to(SOURCE).parts[0].removesuffix(".py")


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return [(line, name) for line, name in found if name.startswith("variorum.")]


def _allowed(room: str, module: str) -> bool:
    parts = module.split(".")[1:]
    target = parts[0]
    if target in (room, "errors"):
        return True
    rules = ALLOWED[room]
    return target in rules or ".".join(parts[:2]) in rules


def test_every_room_imports_only_the_rooms_below_it() -> None:
    wrong = [
        f"{path.relative_to(SOURCE)}:{line} imports {module}"
        for path in sorted(SOURCE.rglob("*.py")) if _room(path) in ALLOWED and "migrations" not in path.parts
        for line, module in _imports(path) if not _allowed(_room(path), module)
    ]
    assert wrong == []


def test_the_rule_refuses_an_import_up_the_floors() -> None:
    assert not _allowed("store", "variorum.compare.engine") and _allowed("store", "variorum.compare.model")
    assert not _allowed("compare", "variorum.store") and not _allowed("text", "variorum.article")
    assert not _allowed("web", "variorum.cli.app") and _allowed("web", "variorum.errors")


def test_nothing_but_the_command_line_imports_it() -> None:
    users = {
        str(path.relative_to(SOURCE)) for path in SOURCE.rglob("*.py") if _room(path) != "cli"
        for _, module in _imports(path) if module.startswith("variorum.cli")
    }
    assert users == set()
