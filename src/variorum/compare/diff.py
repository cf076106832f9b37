"""Word-level edits between two aligned blocks, cleaned up so each edit reads as one human change.

A minimal diff of words often threads through incidental matches ("the", ",") and splits one rewrite
into fragments. As diff-match-patch's semantic clean-up does for characters, an equal run of at most two
tokens that is no longer than the edits on both sides of it is folded into one edit.
"""

from __future__ import annotations

from collections.abc import Sequence

from variorum.compare.sequence import matching_runs

Edit = tuple[int, int, int, int]  # old tokens [i1, i2), new tokens [j1, j2)

_FOLDABLE_EQUAL = 2


def word_edits(old: Sequence[str], new: Sequence[str]) -> list[Edit]:
    """The edits turning the token keys ``old`` into ``new``, as token index ranges.

    >>> word_edits("the cat sat".split(), "the old cat sat down".split())
    [(1, 1, 1, 2), (3, 3, 4, 5)]
    """
    merged: list[list[int]] = []  # [i1, i2, j1, j2] for edits, in order
    pending_equal = 0
    i = j = 0
    for run_i, run_j, n in [*matching_runs(old, new), (len(old), len(new), 0)]:
        if i < run_i or j < run_j:  # the edit between two matched runs
            if merged:
                last = merged[-1]
                last_size = max(last[1] - last[0], last[3] - last[2])
                size = max(run_i - i, run_j - j)
                if pending_equal <= _FOLDABLE_EQUAL and pending_equal <= min(last_size, size):
                    last[1], last[3] = run_i, run_j
                    pending_equal = n
                    i, j = run_i + n, run_j + n
                    continue
            merged.append([i, run_i, j, run_j])
        pending_equal = n
        i, j = run_i + n, run_j + n
    return [(e[0], e[1], e[2], e[3]) for e in merged]
