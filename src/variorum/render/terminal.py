"""The text report of a comparison: the same lines on a terminal and in a pipe, styled on a terminal.

The verdict comes first, then the changes ranked by significance, one per line with its offsets in A and
B; a change inside a quotation adds a line naming it. Nothing is cut to the terminal's width: URLs and
offsets are always shown whole. :func:`render_text` returns a Rich :class:`~rich.text.Text` (styles for a
terminal; its ``plain`` is what pipes and files get); ``escape`` (applied to every piece of input text)
keeps control sequences in the compared texts from reaching a terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from variorum.compare.model import Comparison
from variorum.render.common import describe, label, quote_note, visible_changes

if TYPE_CHECKING:
    from rich.text import Text

_STYLES = {"major": "bold red", "minor": "yellow", "cosmetic": "dim"}
_INDENT = " " * 33


def _lines(comparison: Comparison, show_all: bool, escape: Callable[[str], str]) -> list[tuple[str, str]]:
    """The report as ``(text, style)`` pieces, newlines included."""
    changes = visible_changes(comparison, show_all)
    pieces = [(comparison.verdict, f"bold {'red' if comparison.changed else 'green'}"), ("\n", "")]
    hidden = len(comparison.changes) - len(changes)
    if hidden:
        pieces += [(f"{hidden} cosmetic change(s) hidden; --all shows them.", "dim"), ("\n", "")]
    for number, change in enumerate(changes, 1):
        pieces += [
            (f"{number:>3}. ", "dim"), (f"{change.significance:<8}", _STYLES[change.significance]),
            (f" {label(change):<18} ", "bold"), (escape(describe(change)), ""), ("\n", ""),
        ]
        note = quote_note(change)
        if note:
            pieces += [(_INDENT + escape(note), "italic"), ("\n", "")]
        if change.old_span or change.new_span:
            pieces += [(f"{_INDENT}A {_span(change.old_span)}  B {_span(change.new_span)}", "dim"), ("\n", "")]
    return pieces


def _span(span: tuple[int, int] | None) -> str:
    return str(list(span)) if span else "-"


def render_text(comparison: Comparison, show_all: bool = False, escape: Callable[[str], str] = str) -> Text:
    """The report as styled text (print it on a terminal; its ``plain`` is the piped form)."""
    from rich.text import Text  # loaded only when a terminal is written to

    text = Text()
    for piece, style in _lines(comparison, show_all, escape):
        text.append(piece, style=style or None)
    return text


def render_plain(comparison: Comparison, show_all: bool = False) -> str:
    """The report as plain text lines (for pipes and files)."""
    return "".join(piece for piece, _ in _lines(comparison, show_all, str))

