"""Word-level edits between two aligned blocks, cleaned up so each edit reads as one human change.

A minimal diff of words often threads through incidental matches ("the", ",") and splits one rewrite
into fragments. As diff-match-patch's semantic clean-up does for characters, an equal run of at most two
tokens that is no longer than the edits on both sides of it is folded into one edit.
"""

from __future__ import annotations

from typing import Sequence

from variorum.compare.sequence import opcodes
from variorum.text.tokens import Token

Edit = tuple[int, int, int, int]  # old tokens [i1, i2), new tokens [j1, j2)

_FOLDABLE_EQUAL = 2


def word_edits(old: Sequence[Token], new: Sequence[Token]) -> list[Edit]:
    """The edits turning ``old`` into ``new``, as token index ranges."""
    codes = opcodes([t.key for t in old], [t.key for t in new])
    merged: list[list[int]] = []  # [i1, i2, j1, j2] for edits, in order
    pending_equal = 0
    for tag, i1, i2, j1, j2 in codes:
        if tag == "equal":
            pending_equal = i2 - i1
            continue
        if merged:
            last = merged[-1]
            last_size = max(last[1] - last[0], last[3] - last[2])
            size = max(i2 - i1, j2 - j1)
            if pending_equal <= _FOLDABLE_EQUAL and pending_equal <= min(last_size, size):
                last[1], last[3] = i2, j2
                pending_equal = 0
                continue
        merged.append([i1, i2, j1, j2])
        pending_equal = 0
    return [(e[0], e[1], e[2], e[3]) for e in merged]
