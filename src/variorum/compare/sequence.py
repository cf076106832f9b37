"""Matching two sequences of hashable items in near-linear time, deterministically, with no time-out.

The strategy, applied recursively to each unmatched region:

1. strip the common prefix and suffix;
2. anchor on items that occur exactly once on each side (patience diff), keeping the longest increasing
   run of such anchors, and recurse between them;
3. otherwise run Myers' O(ND) diff, which is exact and fast while the region has few differences;
4. if Myers would need more than a fixed number of edit steps (a large region with no rare items and
   many differences), anchor on the rarest common item, pairing its k-th occurrences in order, and recurse.

Step 4 replaces the time-outs other tools use: its cut-off depends only on the input, so results are the
same on every run and machine, and every common item still gets its chance to be matched.

>>> matching_runs("abcxdef", "abcydef")
[(0, 0, 3), (4, 4, 3)]
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Hashable, Sequence

_MAX_MYERS_STEPS = 400

Run = tuple[int, int, int]


def longest_increasing(pairs: list[tuple[int, int]], weights: list[int] | None = None) -> list[int]:
    """Indices of a heaviest chain of ``pairs`` increasing in both coordinates (pairs sorted by first).

    Unweighted chains use patience sorting, O(n log n); weighted ones a Fenwick tree over the second
    coordinate, also O(n log n).
    """
    if not pairs:
        return []
    if weights is None:
        tails: list[int] = []
        tail_index: list[int] = []
        previous = [-1] * len(pairs)
        for index, (_, second) in enumerate(pairs):
            position = bisect_left(tails, second)
            if position == len(tails):
                tails.append(second)
                tail_index.append(index)
            else:
                tails[position] = second
                tail_index[position] = index
            previous[index] = tail_index[position - 1] if position else -1
        chain = []
        index = tail_index[-1]
        while index >= 0:
            chain.append(index)
            index = previous[index]
        return chain[::-1]
    ranks = {value: rank + 1 for rank, value in enumerate(sorted({second for _, second in pairs}))}
    size = len(ranks)
    tree_best = [0] * (size + 1)
    tree_index = [-1] * (size + 1)
    previous = [-1] * len(pairs)
    best_total = [0] * len(pairs)
    # Process pairs with equal first coordinate together so they cannot chain onto each other.
    start = 0
    while start < len(pairs):
        stop = start
        while stop < len(pairs) and pairs[stop][0] == pairs[start][0]:
            stop += 1
        for index in range(start, stop):
            rank = ranks[pairs[index][1]] - 1
            best, best_at = 0, -1
            while rank > 0:
                if tree_best[rank] > best:
                    best, best_at = tree_best[rank], tree_index[rank]
                rank -= rank & -rank
            best_total[index] = best + weights[index]
            previous[index] = best_at
        for index in range(start, stop):
            rank = ranks[pairs[index][1]]
            while rank <= size:
                if best_total[index] > tree_best[rank]:
                    tree_best[rank], tree_index[rank] = best_total[index], index
                rank += rank & -rank
        start = stop
    index = max(range(len(pairs)), key=lambda i: (best_total[i], -i))
    chain = []
    while index >= 0:
        chain.append(index)
        index = previous[index]
    return chain[::-1]


def _myers(a: Sequence[Hashable], alo: int, ahi: int, b: Sequence[Hashable], blo: int, bhi: int,
           max_steps: int) -> list[Run] | None:
    """Matched runs of a shortest edit script of the region, or None past ``max_steps`` edits."""
    n, m = ahi - alo, bhi - blo
    limit = min(n + m, max_steps)
    offset = limit + 1
    frontier = [0] * (2 * limit + 3)
    history: list[list[int]] = []
    for step in range(limit + 1):
        history.append(frontier[offset - step - 1:offset + step + 2])
        for diagonal in range(-step, step + 1, 2):
            k = diagonal + offset
            if diagonal == -step or (diagonal != step and frontier[k - 1] < frontier[k + 1]):
                x = frontier[k + 1]
            else:
                x = frontier[k - 1] + 1
            y = x - diagonal
            while x < n and y < m and a[alo + x] == b[blo + y]:
                x += 1
                y += 1
            frontier[k] = x
            if x >= n and y >= m:
                return _myers_backtrack(history, step, n, m, alo, blo)
    return None


def _myers_backtrack(history: list[list[int]], last_step: int, n: int, m: int, alo: int, blo: int) -> list[Run]:
    """The snakes (diagonal runs) of the path Myers' search found, as runs in increasing order."""
    runs: list[Run] = []
    x, y = n, m
    for step in range(last_step, 0, -1):
        saved = history[step]  # frontier before this step, covering diagonals -step-1 .. step+1
        diagonal = x - y
        below, above = saved[diagonal + step], saved[diagonal + step + 2]  # diagonals - 1 and + 1
        if diagonal == -step or (diagonal != step and below < above):
            prev_diagonal, prev_x = diagonal + 1, above
            start_x = prev_x
        else:
            prev_diagonal, prev_x = diagonal - 1, below
            start_x = prev_x + 1
        if x > start_x:
            runs.append((alo + start_x, blo + start_x - diagonal, x - start_x))
        x, y = prev_x, prev_x - prev_diagonal
    if x > 0:
        runs.append((alo, blo, x))
    runs.reverse()
    return runs


def _rarest_anchors(a: Sequence[Hashable], alo: int, ahi: int, b: Sequence[Hashable], blo: int, bhi: int,
                    counts_a: Counter[Hashable]) -> list[tuple[int, int]]:
    counts_b = Counter(b[blo:bhi])
    common = [(counts_a[item] + counts_b[item], index) for index, item in enumerate(a[alo:ahi]) if item in counts_b]
    if not common:
        return []
    _, first_index = min(common)
    item = a[alo + first_index]
    in_a = [i for i in range(alo, ahi) if a[i] == item]
    in_b = [j for j in range(blo, bhi) if b[j] == item]
    if len(in_a) > len(in_b):  # spread the fewer occurrences evenly over the more numerous ones
        in_a = [in_a[(k * len(in_a)) // len(in_b)] for k in range(len(in_b))]
    else:
        in_b = [in_b[(k * len(in_b)) // len(in_a)] for k in range(len(in_a))]
    return list(zip(in_a, in_b))


def _common_prefix(a: Sequence[Hashable], alo: int, ahi: int, b: Sequence[Hashable], blo: int, bhi: int) -> int:
    """How many items ``a[alo:ahi]`` and ``b[blo:bhi]`` share at their start: slices compared by halves (in
    C), then item by item over the last few."""
    low, high = 0, min(ahi - alo, bhi - blo)  # a prefix of ``low`` items is shared, one of ``high + 1`` is not
    while high - low > 8:
        middle = (low + high) // 2
        if a[alo + low:alo + middle] == b[blo + low:blo + middle]:
            low = middle
        else:
            high = middle - 1
    while low < high and a[alo + low] == b[blo + low]:
        low += 1
    return low


def _common_suffix(a: Sequence[Hashable], alo: int, ahi: int, b: Sequence[Hashable], blo: int, bhi: int) -> int:
    """How many items ``a[alo:ahi]`` and ``b[blo:bhi]`` share at their end (see :func:`_common_prefix`)."""
    low, high = 0, min(ahi - alo, bhi - blo)
    while high - low > 8:
        middle = (low + high) // 2
        if a[ahi - middle:ahi - low] == b[bhi - middle:bhi - low]:
            low = middle
        else:
            high = middle - 1
    while low < high and a[ahi - 1 - low] == b[bhi - 1 - low]:
        low += 1
    return low


def matching_runs(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[Run]:
    """Matched runs ``(i, j, n)``: ``a[i:i+n] == b[j:j+n]``, in increasing order, maximal and disjoint."""
    runs: list[Run] = []

    def emit(i: int, j: int, n: int) -> None:
        if runs:
            last_i, last_j, last_n = runs[-1]
            if last_i + last_n == i and last_j + last_n == j:
                runs[-1] = (last_i, last_j, last_n + n)
                return
        runs.append((i, j, n))

    # Regions are processed left to right; each pushes its sub-regions in reverse order. A work item is a
    # run to emit (n > 0) or a region to match (n == -1 - bhi, the region's ends packed in).
    work: list[tuple[int, int, int, int]] = [(0, len(a), 0, len(b))]
    while work:
        alo, ahi, blo, bhi = work.pop()
        if bhi < 0:  # a run: (i, j, n, -1)
            emit(alo, ahi, blo)
            continue
        start_a = alo
        shared = _common_prefix(a, alo, ahi, b, blo, bhi)
        alo += shared
        blo += shared
        if alo > start_a:
            emit(start_a, blo - (alo - start_a), alo - start_a)
        end_a = ahi
        shared = _common_suffix(a, alo, ahi, b, blo, bhi)
        ahi -= shared
        bhi -= shared
        suffix = (ahi, bhi, end_a - ahi, -1)
        if suffix[2]:
            work.append(suffix)
        if alo == ahi or blo == bhi:
            continue
        if ahi - alo == 1 or bhi - blo == 1:  # one item on a side: its first match, as every step below finds
            if ahi - alo == 1:
                found = next((j for j in range(blo, bhi) if b[j] == a[alo]), -1)
                if found >= 0:
                    emit(alo, found, 1)
            else:
                found = next((i for i in range(alo, ahi) if a[i] == b[blo]), -1)
                if found >= 0:
                    emit(found, blo, 1)
            continue
        counts_a = Counter(a[alo:ahi])
        counts_b = Counter(b[blo:bhi])
        if counts_a.keys().isdisjoint(counts_b):  # nothing in common: nothing to match (Myers would take O(n²))
            continue
        unique_b = {item: j for j, item in enumerate(b[blo:bhi], blo) if counts_b[item] == 1}
        candidates = [(i, unique_b[item]) for i, item in enumerate(a[alo:ahi], alo)
                      if counts_a[item] == 1 and item in unique_b]
        anchors = [candidates[k] for k in longest_increasing(candidates)]
        if not anchors:
            myers = _myers(a, alo, ahi, b, blo, bhi, _MAX_MYERS_STEPS)
            if myers is not None:
                for run in myers:
                    emit(*run)
                continue
            anchors = _rarest_anchors(a, alo, ahi, b, blo, bhi, counts_a)
        # Push the regions between anchors (and the anchors) in reverse so they pop left to right.
        boundaries = [(alo - 1, blo - 1), *anchors, (ahi, bhi)]
        for index in range(len(boundaries) - 1, 0, -1):
            prev_i, prev_j = boundaries[index - 1]
            next_i, next_j = boundaries[index]
            if index < len(boundaries) - 1:
                work.append((next_i, next_j, 1, -1))
            if prev_i + 1 < next_i or prev_j + 1 < next_j:
                work.append((prev_i + 1, next_i, prev_j + 1, next_j))
    return runs


def matched_pairs(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[tuple[int, int]]:
    """All matched index pairs ``(i, j)`` with ``a[i] == b[j]``, increasing in both ``i`` and ``j``."""
    return [(i + k, j + k) for i, j, n in matching_runs(a, b) for k in range(n)]


def opcodes(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[tuple[str, int, int, int, int]]:
    """difflib-style opcodes (``equal``, ``replace``, ``delete``, ``insert``) covering both sequences."""
    result: list[tuple[str, int, int, int, int]] = []
    i = j = 0
    for run_i, run_j, n in [*matching_runs(a, b), (len(a), len(b), 0)]:
        if i < run_i or j < run_j:
            tag = "replace" if i < run_i and j < run_j else ("delete" if i < run_i else "insert")
            result.append((tag, i, run_i, j, run_j))
        if n:
            result.append(("equal", run_i, run_i + n, run_j, run_j + n))
        i, j = run_i + n, run_j + n
    return result
