"""The Markdown report: a verdict and a table of changes, for pull requests, wikis and notes."""

from __future__ import annotations

from variorum.compare.model import Comparison
from variorum.render.common import describe, label, quote_note, visible_changes


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def render_markdown(comparison: Comparison, show_all: bool = False) -> str:
    """A Markdown report of the comparison."""
    a, b = comparison.a.id or "A", comparison.b.id or "B"
    lines = [f"# Comparison of `{a}` and `{b}`", "", f"**{comparison.verdict}**", ""]
    changes = visible_changes(comparison, show_all)
    if changes:
        lines += ["| # | significance | kind | change | context |", "|---|---|---|---|---|"]
        for number, change in enumerate(changes, 1):
            what = describe(change)
            note = quote_note(change)
            if note:
                what += f" — {note}"
            lines.append(f"| {number} | {change.significance} | {label(change)} | {_cell(what)} | {_cell(change.context)} |")
    return "\n".join(lines) + "\n"
