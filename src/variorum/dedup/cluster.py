"""From verified pairs to clusters: similarity measures, union-find, representatives and version order.

Measures, for shingle sets ``A`` and ``B``:

- ``jaccard``: ``|A ∩ B| / |A ∪ B|`` — symmetric; low when one copy is a trimmed or padded version of the other.
- ``containment``: ``|A ∩ B| / min(|A|, |B|)`` — how much of the shorter document is inside the longer one;
  high for a wire story and a site's trimmed copy with its own header and footer.

Both are estimated from MinHash signatures and set sizes, or computed exactly from the sets (``verify``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Sequence

import numpy as np

from variorum.dedup.minhash import estimate_jaccard

MEASURES = ("jaccard", "containment")
KEEP = ("first", "longest", "newest")


def estimated_similarity(
    measure: str, signatures: np.ndarray, sizes: np.ndarray, pairs: np.ndarray
) -> np.ndarray:
    """The ``measure`` of each pair ``(i, j)`` estimated from signatures and shingle-set sizes."""
    jaccard = estimate_jaccard(signatures[pairs[:, 0]], signatures[pairs[:, 1]])
    if measure == "jaccard":
        return jaccard
    first, second = sizes[pairs[:, 0]].astype(float), sizes[pairs[:, 1]].astype(float)
    intersection = jaccard * (first + second) / (1.0 + jaccard)
    return np.minimum(intersection / np.maximum(np.minimum(first, second), 1.0), 1.0)


def exact_similarity(measure: str, first: np.ndarray, second: np.ndarray) -> float:
    """The exact ``measure`` of two sorted, distinct shingle-hash arrays."""
    if len(first) == 0 or len(second) == 0:
        return 0.0
    common = len(np.intersect1d(first, second, assume_unique=True))
    if measure == "jaccard":
        return common / (len(first) + len(second) - common)
    return common / min(len(first), len(second))


def lsh_threshold(measure: str, threshold: float, max_size_ratio: float = 3.0) -> float:
    """The Jaccard threshold LSH must catch so that pairs at ``threshold`` of ``measure`` become candidates.

    Containment ``c`` of a document in one ``k`` times its size means Jaccard ``c / (k + 1 - c)``; LSH is
    tuned for copies up to ``max_size_ratio`` times longer than the shorter one.
    """
    if measure == "jaccard":
        return threshold
    return threshold / (max_size_ratio + 1.0 - threshold)


class UnionFind:
    """Disjoint sets over ``0..n-1`` with path halving; every set's root is its smallest member."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        parent = self.parent
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def union(self, first: int, second: int) -> None:
        a, b = self.find(first), self.find(second)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


@dataclass(frozen=True)
class Cluster:
    """Documents that are the same story: member indices in version order, a representative, and the
    verified similarities ``(i, j, similarity)`` that joined them (1.0 for exact duplicates)."""

    members: tuple[int, ...]
    representative: int
    similarities: tuple[tuple[int, int, float], ...]


def date_key(published: str | None) -> datetime | None:
    """``published`` as an aware datetime (naive ones taken as UTC), or None when missing or unreadable."""
    if not published:
        return None
    try:
        moment = datetime.fromisoformat(published.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def version_order(members: Sequence[int], published: Sequence[str | None]) -> list[int]:
    """Members ordered by date (undated ones last), ties and undated in input order."""
    far = datetime.max.replace(tzinfo=timezone.utc)
    dates = {i: date_key(published[i]) for i in members}
    return sorted(members, key=lambda i: (dates[i] is None, dates[i] or far, i))


def choose_representative(
    members: Sequence[int], keep: str, lengths: Sequence[int], published: Sequence[str | None]
) -> int:
    """The member to keep: the first in input order, the longest, or the newest (dated) one."""
    if keep == "first":
        return min(members)
    if keep == "longest":
        return min(members, key=lambda i: (-lengths[i], i))
    if keep == "newest":
        dated = [i for i in members if date_key(published[i]) is not None]
        return version_order(dated, published)[-1] if dated else min(members)
    raise ValueError(f"keep must be one of {', '.join(KEEP)}, not {keep!r}")


def build_clusters(
    count: int,
    edges: Sequence[tuple[int, int, float]],
    keep: str,
    lengths: Sequence[int],
    published: Sequence[str | None],
) -> list[Cluster]:
    """Clusters of ``count`` documents joined by ``edges``, ordered by their first member (singletons too)."""
    sets = UnionFind(count)
    for first, second, _ in edges:
        sets.union(first, second)
    groups: dict[int, list[int]] = {}
    for item in range(count):
        groups.setdefault(sets.find(item), []).append(item)
    joined: dict[int, list[tuple[int, int, float]]] = {}
    for edge in edges:
        joined.setdefault(sets.find(edge[0]), []).append(edge)
    return [
        Cluster(
            members=tuple(version_order(members, published)),
            representative=choose_representative(members, keep, lengths, published),
            similarities=tuple(sorted(joined.get(root, []))),
        )
        if len(members) > 1
        else Cluster(members=(root,), representative=root, similarities=())  # most documents: no date to parse
        for root, members in sorted(groups.items())
    ]
