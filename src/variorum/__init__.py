"""Variorum collates versions of news articles: what changed, which documents are the same story, and when.

The public API is imported lazily, so ``import variorum.text`` (e.g. in a Dask worker) stays light.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_PUBLIC = {
    "Article": "variorum.article",
    "Block": "variorum.article",
    "Link": "variorum.article",
    "compare": "variorum.compare",
    "Comparison": "variorum.compare",
    "Change": "variorum.compare",
}
__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        return getattr(import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'variorum' has no attribute {name!r}")
