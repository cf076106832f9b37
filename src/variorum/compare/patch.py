"""Rebuild version B's words from version A and a comparison's changes: the proof that a report is complete.

Every word-level change replaces its ``old_span`` in A with its ``new`` text; removed and added blocks do
the same with whole blocks; a moved paragraph is cut from its old place, with the edits inside it applied,
and pasted at ``detail["insert_at"]``. Layout, split and merge changes leave the words as they are
(page furniture, such as a new time stamp, is cosmetic and replaced all the same). The result has B's
words in B's order (its layout is A's): ``tokens(patch(a, changes)) == tokens(b)``, for any A and B whose
block boundaries fall between tokens (docs/compare-engine.md).

>>> from variorum.compare import compare
>>> a, b = "The cat sat.", "The old cat sat down."
>>> patch(a, compare(a, b).changes)
'The old  cat sat down .'
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from variorum.compare.model import Change

_WORDS_UNCHANGED = {"layout", "paragraph_split", "paragraph_merged"}


class _Edit(NamedTuple):
    """Replace ``[start, end)`` of the text with ``text``, which stands at ``[new_start, new_end)`` in B."""

    start: int
    end: int
    new_start: int
    new_end: int
    text: str
    separator: str  # what keeps the text apart from its neighbours: " " in a block, "\n\n" between blocks


def _apply(text: str, edits: list[_Edit]) -> str:
    """Apply non-overlapping edits to ``text``; insertions at one point go in the order they have in B.

    Each replacement is set apart from the text around it by its separator, except from an edit that
    touches it both here and in B: what stood together in B (a dateline and the paragraph it opens, with
    no space between) is put back together, so that it reads as the same words.
    """
    pieces: list[str] = []
    position = 0
    previous: _Edit | None = None
    for edit in sorted(edits, key=lambda e: (e.start, e.end, e.new_start, e.new_end)):
        if edit.start < position:
            raise ValueError(f"overlapping changes at offset {edit.start}")
        joined = (previous is not None and previous.end == edit.start == position
                  and previous.new_end == edit.new_start and previous.new_start < previous.new_end)
        # A deletion that continues a replacement (a dateline added where a word went) adds no separator.
        separator = "" if joined and not edit.text else edit.separator
        if joined:
            pieces.pop()  # the separator closing the previous replacement
            pieces.append(edit.text)
        else:
            pieces.append(text[position:edit.start])
            pieces.append(separator + edit.text)
        pieces.append(separator)
        position = edit.end
        previous = edit
    pieces.append(text[position:])
    return "".join(pieces)


def _new_span(change: Change) -> tuple[int, int]:
    return change.new_span if change.new_span is not None else (0, 0)


def patch(a: str, changes: Iterable[Change]) -> str:
    """Apply ``changes`` (from ``compare(a, b)``) to ``a``; the result has B's words."""
    # Layout, splits and merges keep the words; page furniture (a new time stamp) is cosmetic but replaced.
    found = [c for c in changes
             if (c.kind not in _WORDS_UNCHANGED or "furniture" in c.detail) and c.old_span is not None]
    moves = [c for c in found if c.kind == "paragraph_moved"]
    inner: dict[int, list[Change]] = {id(m): [] for m in moves}
    edits: list[_Edit] = []
    for change in found:
        if change.kind == "paragraph_moved" or change.old_span is None:
            continue
        start, end = change.old_span
        is_block = "insert_at" in change.detail  # a block added (a paragraph, a headline, …) at that point
        container = None if is_block else next(
            (m for m in moves if m.old_span is not None and m.old_span[0] <= start and end <= m.old_span[1]), None)
        if container is not None:
            inner[id(container)].append(change)
            continue
        edits.append(_Edit(start, end, *_new_span(change), change.new or "", "\n\n" if is_block else " "))
    for move in moves:
        assert move.old_span is not None
        start, end = move.old_span
        shifted = [_Edit(c.old_span[0] - start, c.old_span[1] - start, *_new_span(c), c.new or "", " ")
                   for c in inner[id(move)] if c.old_span is not None]
        new_start, new_end = _new_span(move)
        edits.append(_Edit(start, end, new_start, new_start, "", "\n\n"))  # cut from its place
        point = move.detail["insert_at"]
        edits.append(_Edit(point, point, new_start, new_end, _apply(a[start:end], shifted).strip(), "\n\n"))
    return _apply(a, edits)


def _new_start(change: Change) -> int:
    return change.new_span[0] if change.new_span else 0
