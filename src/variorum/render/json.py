"""The JSON report: :meth:`Comparison.to_dict`, every change included (see docs/json.md)."""

from __future__ import annotations

import json

from variorum.compare.model import Comparison


def render_json(comparison: Comparison) -> str:
    """The documented JSON form, indented, UTF-8 characters kept as they are."""
    return json.dumps(comparison.to_dict(), ensure_ascii=False, indent=2) + "\n"
