"""Rebuild version B's words from version A and a comparison's changes: the proof that a report is complete.

Every word-level change replaces its ``old_span`` in A with its ``new`` text; removed and added blocks do
the same with whole blocks; a moved paragraph is cut from its old place, with the edits inside it applied,
and pasted at ``detail["insert_at"]``. Layout, split and merge changes leave the words as they are.
The result has B's words in B's order (its layout is A's): ``tokens(patch(a, changes)) == tokens(b)``.

>>> from variorum.compare import compare
>>> a, b = "The cat sat.", "The old cat sat down."
>>> patch(a, compare(a, b).changes)
'The old  cat sat down .'
"""

from __future__ import annotations

from collections.abc import Iterable

from variorum.compare.model import Change, Span

_WORDS_UNCHANGED = {"layout", "paragraph_split", "paragraph_merged"}
_BLOCK_INSERTIONS = {"paragraph_added", "paragraph_moved"}


def _apply(text: str, edits: list[tuple[int, int, int, str]]) -> str:
    """Apply ``(start, end, position in B, replacement)`` edits to ``text``; they must not overlap.

    Insertions at one point go in the order they have in B.
    """
    pieces: list[str] = []
    position = 0
    for start, end, _, replacement in sorted(edits):
        if start < position:
            raise ValueError(f"overlapping changes at offset {start}")
        pieces.append(text[position:start])
        pieces.append(replacement)
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def patch(a: str, changes: Iterable[Change]) -> str:
    """Apply ``changes`` (from ``compare(a, b)``) to ``a``; the result has B's words."""
    spanned = [(c, c.old_span) for c in changes if c.kind not in _WORDS_UNCHANGED and c.old_span is not None]
    moves = [(c, span) for c, span in spanned if c.kind == "paragraph_moved"]
    inner: dict[int, list[tuple[Change, Span]]] = {id(m): [] for m, _ in moves}
    edits: list[tuple[int, int, int, str]] = []
    for change, (start, end) in spanned:
        if change.kind == "paragraph_moved":
            continue
        is_block = change.kind in _BLOCK_INSERTIONS
        container = None if is_block else next((m for m, (m_start, m_end) in moves if m_start <= start and end <= m_end),
                                               None)
        if container is not None:
            inner[id(container)].append((change, (start, end)))
            continue
        separator = "\n\n" if is_block else " "
        replacement = f"{separator}{change.new}{separator}" if change.new else separator
        edits.append((start, end, _new_start(change), replacement))
    for move, (start, end) in moves:
        shifted = [(c_start - start, c_end - start, _new_start(c), f" {c.new} " if c.new else " ")
                   for c, (c_start, c_end) in inner[id(move)]]
        moved_text = _apply(a[start:end], shifted)
        edits.append((start, end, _new_start(move), "\n\n"))
        point = move.detail["insert_at"]
        edits.append((point, point, _new_start(move), f"\n\n{moved_text}\n\n"))
    return _apply(a, edits)


def _new_start(change: Change) -> int:
    return change.new_span[0] if change.new_span else 0
