"""The two versions of a comparison as aligned rows of blocks, for side-by-side and inline views.

Each row holds the block(s) of version A and the block(s) of version B that correspond: the same paragraph
unchanged or edited, a paragraph removed (A only) or added (B only), one split in two or merged (one block
on a side, several on the other), and a moved paragraph twice — where it left (A) and where it arrived (B),
the two rows linked to each other. Rows follow B's reading order, with what A lost placed where it was.

The alignment is read back from the comparison's changes (their spans say which blocks they touch), so it
is exactly the engine's, and blocks no change touches pair up in order:

>>> from variorum.compare import compare
>>> rows = aligned_rows(compare("Rain today.\\n\\nWind later.\\n\\nSun.", "Rain today.\\n\\nSun.\\n\\nSnow."))
>>> [(row.status, row.a, row.b) for row in rows]
[('same', (0,), (0,)), ('removed', (1,), ()), ('same', (2,), (1,)), ('added', (), (2,))]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from variorum.compare.model import Change, Comparison

RowStatus = Literal["same", "changed", "removed", "added", "moved_from", "moved_to", "regrouped"]
_REGROUPING = ("paragraph_split", "paragraph_merged")


@dataclass(frozen=True, slots=True)
class Row:
    """One row: indexes of A's and B's blocks (``article.blocks``) shown side by side.

    ``changes`` are the indexes (in ``comparison.changes``) of the changes the row holds; ``move`` numbers
    a moved paragraph's pair of rows (``moved_from`` in A's place, ``moved_to`` in B's), so that each can
    link to the other (a ``moved_from`` row names its destination in ``b`` too, without showing it there);
    ``cosmetic`` is true when every change in the row is cosmetic.
    """

    status: RowStatus
    a: tuple[int, ...]
    b: tuple[int, ...]
    changes: tuple[int, ...] = ()
    move: int | None = None
    cosmetic: bool = False


def _touched(spans: list[tuple[int, int]], span: tuple[int, int] | None) -> list[int]:
    """Indexes of the blocks a non-empty span overlaps."""
    if span is None or span[0] == span[1]:
        return []
    return [index for index, (start, end) in enumerate(spans) if start < span[1] and span[0] < end]


class _Pairing:
    """Blocks of A and B joined into groups (a union of the pairs each change makes)."""

    def __init__(self) -> None:
        self.group_of_a: dict[int, int] = {}
        self.group_of_b: dict[int, int] = {}
        self.groups: list[tuple[set[int], set[int], list[tuple[int, Change]]]] = []

    def join(self, a_blocks: list[int], b_blocks: list[int], change: tuple[int, Change]) -> None:
        found = {self.group_of_a[i] for i in a_blocks if i in self.group_of_a}
        found |= {self.group_of_b[j] for j in b_blocks if j in self.group_of_b}
        if found:
            target = min(found)
            for other in sorted(found - {target}, reverse=True):
                self._absorb(target, other)
        else:
            target = len(self.groups)
            self.groups.append((set(), set(), []))
        a_set, b_set, changes = self.groups[target]
        a_set.update(a_blocks)
        b_set.update(b_blocks)
        changes.append(change)
        for i in a_set:
            self.group_of_a[i] = target
        for j in b_set:
            self.group_of_b[j] = target

    def _absorb(self, target: int, other: int) -> None:
        a_other, b_other, changes_other = self.groups[other]
        a_set, b_set, changes = self.groups[target]
        a_set |= a_other
        b_set |= b_other
        changes += changes_other
        self.groups[other] = (set(), set(), [])


def aligned_rows(comparison: Comparison) -> list[Row]:
    """The rows of ``comparison`` (every change counts, cosmetic ones included, whatever is shown)."""
    spans_a = [(block.start, block.end) for block in comparison.a.blocks]
    spans_b = [(block.start, block.end) for block in comparison.b.blocks]
    pairing = _Pairing()
    moves: list[tuple[int, int, int, Change]] = []
    removed: dict[int, tuple[int, Change]] = {}
    added: dict[int, tuple[int, Change]] = {}
    for number, change in enumerate(comparison.changes):
        a_blocks, b_blocks = _touched(spans_a, change.old_span), _touched(spans_b, change.new_span)
        if change.kind == "paragraph_moved" and len(a_blocks) == 1 and len(b_blocks) == 1:
            moves.append((a_blocks[0], b_blocks[0], number, change))
        elif change.kind == "paragraph_removed" or (a_blocks and not b_blocks and change.new is None):
            removed.update((i, (number, change)) for i in a_blocks)
        elif change.kind == "paragraph_added" or (b_blocks and not a_blocks and change.old is None):
            added.update((j, (number, change)) for j in b_blocks)
        elif a_blocks or b_blocks:
            pairing.join(a_blocks, b_blocks, (number, change))
    moved_a = {a for a, _, _, _ in moves}
    moved_b = {b for _, b, _, _ in moves}
    taken_a = set(pairing.group_of_a) | moved_a | set(removed)
    taken_b = set(pairing.group_of_b) | moved_b | set(added)
    # blocks no change touches are the same on both sides: they pair up in order
    free_a = [i for i in range(len(spans_a)) if i not in taken_a]
    free_b = [j for j in range(len(spans_b)) if j not in taken_b]
    same = list(zip(free_a, free_b))
    unmatched = Change("layout", "cosmetic", None, None, None, None)  # a block no change explains
    for i in free_a[len(same):]:
        removed.setdefault(i, (-1, unmatched))
    for j in free_b[len(same):]:
        added.setdefault(j, (-1, unmatched))

    placed: list[tuple[float, float, Row]] = []  # (B position, A position, row): sorted into reading order
    for i, j in same:
        placed.append((j, i, Row("same", (i,), (j,))))
    for a_set, b_set, held in pairing.groups:
        if not a_set and not b_set:
            continue
        group_a, group_b = tuple(sorted(a_set)), tuple(sorted(b_set))
        changes = [change for _, change in held]
        regrouped = all(change.kind in _REGROUPING or not change.substantive for change in changes) and (
            len(group_a) != len(group_b)
        )
        status: RowStatus = "regrouped" if regrouped else "changed" if group_a and group_b else (
            "removed" if group_a else "added"
        )
        row = Row(status, group_a, group_b, tuple(sorted(number for number, _ in held)),
                  cosmetic=not any(change.substantive for change in changes))
        placed.append((group_b[0] if group_b else -1, group_a[0] if group_a else -1, row))
    for move, (i, j, number, change) in enumerate(sorted(moves, key=lambda found: found[1]), 1):
        cosmetic = not change.substantive
        placed.append((j, -1, Row("moved_to", (i,), (j,), (number,), move=move, cosmetic=cosmetic)))
        placed.append((-1, i, Row("moved_from", (i,), (j,), (number,), move=move, cosmetic=cosmetic)))
    for i, (number, change) in removed.items():
        placed.append((-1, i, Row("removed", (i,), (), (number,) if number >= 0 else (), cosmetic=not change.substantive)))
    for j, (number, change) in added.items():
        placed.append((j, -1, Row("added", (), (j,), (number,) if number >= 0 else (), cosmetic=not change.substantive)))
    return _reading_order(placed)


def _reading_order(placed: list[tuple[float, float, Row]]) -> list[Row]:
    """Rows with a place in B in B's order; each row only in A (removed, moved away) just before the first
    row whose A block comes after it, so that it shows where it was."""
    in_b = sorted((item for item in placed if item[0] >= 0), key=lambda item: (item[0], item[1]))
    only_a = sorted((item for item in placed if item[0] < 0), key=lambda item: item[1])
    rows: list[Row] = []
    waiting = list(only_a)
    for _b, _a, row in in_b:
        anchor = row.a[0] if row.a and row.status != "moved_to" else None
        if anchor is not None:
            while waiting and waiting[0][1] < anchor:
                rows.append(waiting.pop(0)[2])
        rows.append(row)
    rows.extend(item[2] for item in waiting)
    return rows


__all__ = ["Row", "RowStatus", "aligned_rows"]
