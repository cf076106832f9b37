"""The terminal report: a Rich table on a TTY, plain lines when piped.

The verdict comes first, then changes ranked by significance, each with its old and new text highlighted
in the sentence around it.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from variorum.compare.model import Change, Comparison
from variorum.render.common import describe, label, quote_note, visible_changes

_STYLES = {"major": "bold red", "minor": "yellow", "cosmetic": "dim"}


def _highlighted_context(change: Change) -> Text:
    context = Text(change.context)
    for needle, style in ((change.new, "bold green"), (change.old, "bold red strike")):
        if needle:
            found = change.context.find(needle)
            if found >= 0:
                context.stylize(style, found, found + len(needle))
    return context


def render_rich(comparison: Comparison, console: Console, show_all: bool = False) -> None:
    """Print the report as a Rich table (for terminals)."""
    changes = visible_changes(comparison, show_all)
    colour = "red" if comparison.changed else "green"
    console.print(Text(comparison.verdict, style=f"bold {colour}"))
    hidden = len(comparison.changes) - len(changes)
    if hidden:
        console.print(Text(f"{hidden} cosmetic change(s) hidden; --all shows them.", style="dim"))
    if not changes:
        return
    table = Table(show_lines=True, expand=True)
    table.add_column("#", justify="right", style="dim", no_wrap=True)
    table.add_column("significance", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("change", ratio=3)
    for number, change in enumerate(changes, 1):
        body = Text(describe(change))
        note = quote_note(change)
        if note:
            body.append("\n" + note, style="italic")
        if change.context and change.kind not in ("layout", "paragraph_moved", "paragraph_split", "paragraph_merged"):
            body.append("\n")
            body.append_text(_highlighted_context(change))
        table.add_row(str(number), Text(change.significance, style=_STYLES[change.significance]), label(change), body)
    console.print(table)


def render_plain(comparison: Comparison, show_all: bool = False) -> str:
    """The report as plain text lines (for pipes and files)."""
    changes = visible_changes(comparison, show_all)
    lines = [comparison.verdict]
    hidden = len(comparison.changes) - len(changes)
    if hidden:
        lines.append(f"{hidden} cosmetic change(s) hidden; --all shows them.")
    for number, change in enumerate(changes, 1):
        lines.append(f"{number:>3}. {change.significance:<8} {label(change):<18} {describe(change)}")
        note = quote_note(change)
        if note:
            lines.append(f"{'':33}{note}")
        if change.old_span or change.new_span:
            lines.append(f"{'':33}A {list(change.old_span) if change.old_span else '-'}  "
                         f"B {list(change.new_span) if change.new_span else '-'}")
    return "\n".join(lines) + "\n"
