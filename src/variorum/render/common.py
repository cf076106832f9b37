"""Small helpers shared by the renderers: which changes to show and how to label them."""

from __future__ import annotations

from variorum.compare.model import Change, Comparison

_LABELS = {
    "paragraph_added": "paragraph added",
    "paragraph_removed": "paragraph removed",
    "paragraph_moved": "paragraph moved",
    "paragraph_split": "paragraph split",
    "paragraph_merged": "paragraphs merged",
}


def visible_changes(comparison: Comparison, show_all: bool) -> list[Change]:
    """The changes a report shows: substantive ones, plus cosmetic ones when ``show_all``."""
    return [c for c in comparison.changes if show_all or c.substantive]


def label(change: Change) -> str:
    """A short human label for a change's kind, e.g. ``paragraph moved``."""
    return _LABELS.get(change.kind, change.kind)


def describe(change: Change) -> str:
    """One line saying what happened, e.g. ``"12" → "14"`` or ``removed: "…"``."""
    detail = change.detail
    if change.kind == "link" and detail.get("changed"):
        parts = "; ".join(f"{p['part']} {p['old']!s} → {p['new']!s}" for p in detail["changed"])
        return f"{detail['old_url']} → {detail['new_url']} ({parts})"
    if change.kind in ("layout", "paragraph_split", "paragraph_merged"):
        differences = ", ".join(detail.get("differences", [])) or f"{detail.get('pieces', 2)} pieces"
        return f"{differences}: {shorten(change.context, 80)}"
    if change.kind == "paragraph_moved":
        edited = " (and edited)" if detail.get("edited") else ""
        return f"moved{edited}: {shorten(change.new or '', 100)}"
    if change.old and change.new:
        return f"{quoted(change.old)} → {quoted(change.new)}"
    if change.old:
        return f"removed {quoted(change.old)}"
    return f"added {quoted(change.new or '')}"


def quote_note(change: Change) -> str:
    """``in the quotation "…" (speaker: X)`` for changes inside quotations, else empty."""
    quote = change.detail.get("quote")
    if not quote:
        return ""
    speaker = change.detail.get("speaker")
    return f'in the quotation “{shorten(quote, 80)}”' + (f" (speaker: {speaker})" if speaker else "")


def shorten(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters with an ellipsis."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def quoted(text: str, width: int = 120) -> str:
    return f"“{shorten(text, width)}”"
