"""Plain-text and Markdown reports of a :class:`~variorum.compare.collate.Collation`.

Both show the base text with each variant site numbered in place (``[1⟨…⟩]``; word sites nest inside the
passage site of a paragraph that was cut or moved), then the apparatus: for each site its significance and
kinds, and every reading with the witnesses that carry it. Ordered collations add each version's changes
from the previous one and the life of every sentence that changed.
"""

from __future__ import annotations

from collections.abc import Iterator

from variorum.compare.collate import Collation, Reading, VariantSite
from variorum.compare.model import percent
from variorum.render.common import shorten

OPEN, POINT, CLOSE = "open", "point", "close"


def site_marks(sites: tuple[VariantSite, ...]) -> Iterator[tuple[int, str, VariantSite]]:
    """Where sites open and close in the base, ``(position, OPEN|POINT|CLOSE, site)`` in text order: at one
    position, closings first (innermost first), then insertion points, then openings (outermost first)."""
    marks = []
    for index, site in enumerate(sites):
        start, end = site.span
        if start == end:
            marks.append((start, 1, index, POINT, site))
        else:
            marks += [(start, 2, index, OPEN, site), (end, 0, -index, CLOSE, site)]
    for position, _, _, what, site in sorted(marks, key=lambda mark: mark[:3]):
        yield position, what, site


def marked_base(collation: Collation) -> str:
    """The base text with each site wrapped as ``[N⟨text⟩]`` (an insertion point as ``[N⟨⟩]``). A site that
    closes while a site opened inside it is still open closes as ``⟩N]``."""
    text = collation.base_article.text
    pieces: list[str] = []
    position = 0
    open_sites: list[int] = []
    for at, what, site in site_marks(collation.sites):
        pieces.append(text[position:at])
        position = at
        if what == POINT:
            pieces.append(f"[{site.number}⟨⟩]")
        elif what == OPEN:
            pieces.append(f"[{site.number}⟨")
            open_sites.append(site.number)
        else:
            pieces.append("⟩]" if open_sites[-1] == site.number else f"⟩{site.number}]")
            open_sites.remove(site.number)
    pieces.append(text[position:])
    return "".join(pieces)


def reading_text(reading: Reading, width: int = 160) -> str:
    """A reading for display: its text (or ``(omitted)``) and its notes."""
    shown = f"“{shorten(reading.text, width)}”" if reading.text else "(omitted)"
    return shown + "".join(f" [{note}]" for note in reading.notes)


def site_heading(site: VariantSite) -> str:
    """``major · number, wording · base 120–134`` (``passage · …`` for paragraphs added, cut or moved)."""
    level = "passage · " if site.level == "passage" else ""
    return f"{level}{site.significance} · {', '.join(site.kinds)} · base {site.span[0]}–{site.span[1]}"


def witness_lines(collation: Collation) -> list[str]:
    """One line per witness: its similarity to the base and how many sites it differs at."""
    lines = []
    for wid in collation.ids:
        if wid == collation.base:
            lines.append(f"  {wid} (base)")
            continue
        counts = collation.differences(wid)
        differs = ", ".join(f"{count} {significance}" for significance, count in counts.items() if count) or "no variants"
        lines.append(f"  {wid}: similarity {percent(collation.similarity[wid])}; {differs}")
    return lines


def history_lines(collation: Collation) -> list[str]:
    """For ordered collations: per version, its changes from the previous one; then sentence lives."""
    if not collation.ordered:
        return []
    ids = collation.ids
    lines = ["", "Versions"]
    lines.append(f"  1. {ids[0]}")
    for number, (wid, step) in enumerate(zip(ids[1:], collation.steps), 2):
        lines.append(f"  {number}. {wid}: {step.verdict}")
    eventful = [life for life in collation.sentences
                if life.appeared or life.changed or life.disappeared is not None]
    if eventful:
        lines += ["", "Sentences that changed (+ appeared, ~ changed, - disappeared, at version number)"]
    for life in eventful:
        events = ([f"+{life.appeared + 1}"] if life.appeared else []) + [f"~{k + 1}" for k in life.changed] + (
            [f"-{life.disappeared + 1}"] if life.disappeared is not None else [])
        lines.append(f"  {' '.join(events):<12} “{shorten(life.text, 100)}”")
        if life.final_text != life.text:
            lines.append(f"  {'':<12} now “{shorten(life.final_text, 100)}”")
    return lines


def render_collation_text(collation: Collation) -> str:
    """The collation as plain text: summary, witnesses, marked base text, apparatus, history."""
    lines = [collation.verdict, "", "Witnesses", *witness_lines(collation), "", "Base text", "",
             marked_base(collation).rstrip(), ""]
    if collation.sites:
        lines.append("Apparatus")
    for site in collation.sites:
        lines.append(f"  [{site.number}] {site_heading(site)}")
        for reading in (site.base, *site.readings):
            if reading.witnesses:
                lines.append(f"      {reading.label} {reading_text(reading)} — {', '.join(reading.witnesses)}")
    lines += history_lines(collation)
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def render_collation_markdown(collation: Collation) -> str:
    """The collation as Markdown: summary, witness table, apparatus table, base text, history."""
    lines = [f"# Collation of {len(collation.ids)} witnesses", "", f"**{_cell(collation.verdict)}**", "",
             "| witness | similarity to base | differs at |", "|---|---|---|"]
    for wid in collation.ids:
        counts = collation.differences(wid)
        differs = ", ".join(f"{count} {significance}" for significance, count in counts.items() if count) or "—"
        base = " (base)" if wid == collation.base else ""
        lines.append(f"| {_cell(wid)}{base} | {percent(collation.similarity[wid])} | {differs} |")
    if collation.sites:
        lines += ["", "## Apparatus", "", "| site | significance | kinds | reading | witnesses |", "|---|---|---|---|---|"]
    for site in collation.sites:
        for reading in (site.base, *site.readings):
            if reading.witnesses:
                lines.append(f"| {site.number} | {site.significance} | {', '.join(site.kinds)} | "
                             f"{reading.label} {_cell(reading_text(reading))} | {_cell(', '.join(reading.witnesses))} |")
    lines += ["", "## Base text", "", "```text", marked_base(collation).replace("```", "ʼʼʼ").rstrip(), "```"]
    history = history_lines(collation)
    if history:
        lines += ["", "## History", "", "```text", *history[1:], "```"]
    return "\n".join(lines) + "\n"
