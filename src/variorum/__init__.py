"""Variorum collates versions of news articles: what changed, which documents are the same story, and when.

The package is organised in rooms (see docs/design.md): ``variorum.text``, ``variorum.compare``,
``variorum.dedup``, ``variorum.extract``, ``variorum.store``, ``variorum.track``, ``variorum.web``,
``variorum.cli``. The values every room shares are importable from here; they are loaded when first used,
so that ``import variorum`` (and ``variorum --help``) stays cheap.

>>> from variorum.compare import compare
>>> compare("Rain on Monday.", "Rain on Tuesday.").changes[0].kind
'date'
>>> from variorum import Article
>>> Article.from_text("Rain\\n\\nIt rained.").title
'Rain'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from variorum.article import Article, Block, Link
    from variorum.compare.model import Change, Comparison

__version__ = "0.1.0"

_EXPORTS = {
    "Article": "variorum.article",
    "Block": "variorum.article",
    "Link": "variorum.article",
    "Change": "variorum.compare.model",
    "Comparison": "variorum.compare.model",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'variorum' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


__all__ = ["Article", "Block", "Change", "Comparison", "Link"]
