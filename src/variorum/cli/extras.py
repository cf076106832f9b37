"""Which optional extra a missing module belongs to, read from the installed package's own metadata (the
extras declared in pyproject.toml), so that a command needing one says what to install instead of a traceback."""

from __future__ import annotations

import re
from importlib import metadata

_REQUIREMENT_RE = re.compile(r"""^\s*([A-Za-z0-9][A-Za-z0-9._-]*)[^;]*;.*\bextra\s*==\s*["']([^"']+)["']""")


def extras_by_module() -> dict[str, str]:
    """Top-level module name → the extra that installs it, for every optional requirement of Variorum."""
    try:
        requirements = metadata.requires("variorum") or []
    except metadata.PackageNotFoundError:
        return {}
    owners: dict[str, str] = {}
    for requirement in requirements:
        match = _REQUIREMENT_RE.match(requirement)
        if match and match.group(2) not in {"all", "dev"}:
            owners.setdefault(match.group(1).lower().replace("-", "_").replace(".", "_"), match.group(2))
    return owners


def missing_extra_hint(error: ModuleNotFoundError) -> str | None:
    """The one-line advice for ``error`` when the missing module comes with an optional extra, else None."""
    module = (error.name or "").partition(".")[0]
    extra = extras_by_module().get(module)
    if extra is None:
        return None
    return f"this needs the optional '{extra}' extra ({module} is not installed): pip install 'variorum[{extra}]'"
