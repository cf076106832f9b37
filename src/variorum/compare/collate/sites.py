"""Variant sites: each witness's substantive changes placed in the base, grouped where they overlap (word
sites) or by paragraph (passage sites), with one reading per distinct text."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from typing import Any

from variorum.compare.collate.model import RANK, Reading, VariantSite
from variorum.compare.model import Change, Span
from variorum.text.tokens import fold_text

PASSAGE_KINDS = frozenset({"paragraph_added", "paragraph_removed", "paragraph_moved"})

# One substantive change of one witness, placed in the base: (start, end, witness index, change, reading text).
Event = tuple[int, int, int, Change, str]


def piece(base: str, other: str, change: Change) -> tuple[int, int, str]:
    """The base span a change replaces and the text replacing it, widened over the whitespace that
    separates an inserted or deleted passage from its neighbours so that readings join naturally."""
    old = change.old_span or (len(base), len(base))
    start, end = old
    if _is_note(base, change) or change.new_span is None:
        return start, end, base[start:end]
    new_start, new_end = change.new_span
    if start == end and new_start < new_end:
        if start > 0 and not base[start - 1].isspace() and new_start > 0 and other[new_start - 1].isspace():
            new_start -= 1
        elif start < len(base) and not base[start].isspace() and new_end < len(other) and other[new_end].isspace():
            new_end += 1
    elif new_start == new_end and start < end:
        while start > 0 and base[start - 1].isspace():
            start -= 1
    return start, end, other[new_start:new_end]


def _is_note(base: str, change: Change) -> bool:
    """True for a move, and for a link whose target changed under the same anchor text (HTML inputs)."""
    if change.kind == "paragraph_moved":
        return True
    span = change.old_span
    return change.kind == "link" and (span is None or " ".join(base[span[0]:span[1]].split()) != change.old)


def _note(base: str, change: Change) -> str | None:
    if not _is_note(base, change):
        return None
    if change.kind == "paragraph_moved":
        return f"moved to {change.detail.get('insert_at')}"
    return f"link → {change.new}"


def _reading_text(base: str, site: Span, pieces: Sequence[tuple[int, int, str]]) -> str:
    parts: list[str] = []
    position = site[0]
    inserted_at = -1  # two insertions at one point are separate passages: keep a space between them
    for start, end, text in sorted(pieces, key=lambda piece: (piece[0], piece[1])):
        if start < position:
            continue
        parts += [base[position:start], " " if start == end == inserted_at else "", text]
        position = end
        inserted_at = start if start == end else -1
    parts.append(base[position:site[1]])
    return " ".join("".join(parts).split())


def _group(events: list[Event]) -> list[tuple[Span, list[Event]]]:
    """Events merged into sites where their base spans overlap or touch."""
    groups: list[tuple[Span, list[Event]]] = []
    for event in sorted(events, key=lambda e: (e[0], e[1], e[2])):
        if groups and event[0] <= groups[-1][0][1]:
            (start, end), members = groups[-1]
            members.append(event)
            groups[-1] = ((start, max(end, event[1])), members)
        else:
            groups.append(((event[0], event[1]), [event]))
    return groups


def _lacking(span: Span, passage: tuple[Span, list[Event]] | None) -> list[int]:
    """The witnesses that cut, within ``passage``, a paragraph holding ``span`` (strictly, for a point)."""
    if passage is None:
        return []
    start, end = span
    return sorted({witness for cut_start, cut_end, witness, change, _ in passage[1]
                   if change.kind == "paragraph_removed" and cut_start <= start and end <= cut_end
                   and cut_start < end and start < cut_end})


def _site(number: int, span: Span, members: list[Event], level: str, lacking: list[int], within: int | None,
          base_text: str, names: list[str]) -> VariantSite:
    by_witness: dict[int, list[Event]] = {}
    for event in members:
        by_witness.setdefault(event[2], []).append(event)
    texts: dict[tuple[Any, ...], tuple[str, str]] = {}  # witnesses with the same pieces read the same text
    readings: dict[tuple[str, tuple[str, ...]], list[tuple[int, list[Change], str]]] = {}
    for witness, events in by_witness.items():
        changes = [change for _, _, _, change, _ in events]
        pieces = tuple((start, end, text) for start, end, _, change, text in events if not _is_note(base_text, change))
        notes = tuple(sorted(filter(None, (_note(base_text, change) for change in changes))))
        if (pieces, notes) not in texts:
            text = _reading_text(base_text, span, pieces)
            texts[pieces, notes] = (text, fold_text(text))
        text, folded = texts[pieces, notes]
        readings.setdefault((folded, notes), []).append((witness, changes, text))
    ordered = sorted(readings.items(), key=lambda item: (-len(item[1]), item[0]))
    variants = []
    for position, ((_, notes), carriers) in enumerate(ordered):
        carriers.sort(key=lambda carrier: carrier[0])
        all_changes = [change for _, changes, _ in carriers for change in changes]
        variants.append(Reading(
            label=_label(position),
            text=carriers[0][2],
            witnesses=tuple(names[w] for w, _, _ in carriers),
            kinds=tuple(sorted({c.kind for c in all_changes})),
            significance=min((c.significance for c in all_changes), key=RANK.__getitem__),
            notes=notes,
            changes=tuple((names[w], c) for w, changes, _ in carriers for c in changes),
        ))
    if lacking:
        variants.append(Reading(label=_label(len(variants)), text="", witnesses=tuple(names[w] for w in lacking),
                                notes=(f"in the passage omitted at site {within}",)))
    absent = set(by_witness).union(lacking)
    base_reading = Reading(
        label="=",
        text=" ".join(base_text[span[0]:span[1]].split()),
        witnesses=tuple(name for index, name in enumerate(names) if index not in absent),
    )
    return VariantSite(number, span, base_reading, tuple(variants), level)


def _label(position: int) -> str:
    return chr(ord("a") + position) if position < 26 else f"r{position + 1}"


def variant_sites(events: list[Event], base_text: str, names: list[str]) -> tuple[VariantSite, ...]:
    """Passage sites (one per base paragraph added after, removed or moved, so that neighbouring paragraphs
    never chain into one wide site) and word sites (changes whose spans overlap or touch), numbered in base
    order: at one start, an insertion point first, then the wider site, so a passage site comes before the
    word sites inside it."""
    by_span: dict[Span, list[Event]] = {}
    for event in sorted((e for e in events if e[3].kind in PASSAGE_KINDS), key=lambda e: (e[0], e[1], e[2])):
        by_span.setdefault((event[0], event[1]), []).append(event)
    passages = sorted(by_span.items())
    words = _group([event for event in events if event[3].kind not in PASSAGE_KINDS])
    located = [(span, members, "passage", index) for index, (span, members) in enumerate(passages)]
    located += [(span, members, "words", -1) for span, members in words]
    located.sort(key=lambda site: (site[0][0], site[0][0] != site[0][1], -site[0][1], site[2] != "passage"))
    passage_numbers = {index: number for number, (_, _, _, index) in enumerate(located, 1) if index >= 0}
    passage_starts = [span[0] for span, _ in passages]
    sites = []
    for number, (span, members, level, _) in enumerate(located, 1):
        lacking: list[int] = []
        within = None
        if level == "words":
            holder = bisect_right(passage_starts, span[0]) - 1
            lacking = _lacking(span, passages[holder] if holder >= 0 else None)
            within = passage_numbers[holder] if lacking else None
        sites.append(_site(number, span, members, level, lacking, within, base_text, names))
    return tuple(sites)
