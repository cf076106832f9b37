"""From verified pairs to clusters: similarity measures, union-find, representatives and version order.

Measures, for shingle sets ``A`` and ``B``:

- ``jaccard``: ``|A ∩ B| / |A ∪ B|`` — symmetric; low when one copy is a trimmed or padded version of the other.
- ``containment``: ``|A ∩ B| / min(|A|, |B|)`` — how much of the shorter document is inside the longer one;
  high for a wire story and a site's trimmed copy with its own header and footer.

Both are estimated from MinHash signatures and set sizes, or computed exactly from the sets (``verify``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from variorum.dedup.minhash import estimate_jaccard

Edge = tuple[int, int, float]

MEASURES = ("jaccard", "containment")
KEEP = ("first", "longest", "newest")
LEVELS = ("copy", "story")
"""What a cluster holds: ``copy`` joins only copies (exact, or each at least :data:`COPY_SHARE` inside the
other); ``story`` (the default) also trimmed or extended copies and documents that share a block."""

COPY, TRIMMED, BLOCK = "copy", "trimmed", "block"
"""The sameness of a verified pair: a *copy* (each document at least :data:`COPY_SHARE` inside the other), a
*trimmed* or extended copy (the shorter at least :data:`COPY_SHARE` inside the longer), or a pair that only
*shares a block* (the shorter's share inside the longer reaches the threshold, but not :data:`COPY_SHARE`:
a wire block inside a site's own reporting)."""

COPY_SHARE = 0.8


def estimated_similarity(
    measure: str, signatures: np.ndarray, sizes: np.ndarray, pairs: np.ndarray
) -> np.ndarray:
    """The ``measure`` of each pair ``(i, j)`` estimated from signatures and shingle-set sizes."""
    jaccard = estimate_jaccard(signatures[pairs[:, 0]], signatures[pairs[:, 1]])
    if measure == "jaccard":
        return jaccard
    first, second = sizes[pairs[:, 0]].astype(float), sizes[pairs[:, 1]].astype(float)
    intersection = jaccard * (first + second) / (1.0 + jaccard)
    return np.asarray(np.minimum(intersection / np.maximum(np.minimum(first, second), 1.0), 1.0), dtype=np.float64)


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


@dataclass(frozen=True)
class Cluster:
    """Documents that are the same story: member indices in version order, a representative, the verified
    similarities ``(i, j, similarity)`` that joined them (1.0 for exact duplicates) and the sameness level of
    each (:data:`COPY`, :data:`TRIMMED` or :data:`BLOCK`, aligned with ``similarities``)."""

    members: tuple[int, ...]
    representative: int
    similarities: tuple[Edge, ...]
    levels: tuple[str, ...] = ()


def level_of(shorter_inside: float, longer_inside: float) -> str:
    """The sameness of a pair from the share of the shorter document inside the longer and the reverse."""
    if longer_inside >= COPY_SHARE:
        return COPY
    return TRIMMED if shorter_inside >= COPY_SHARE else BLOCK


def date_key(published: str | None) -> datetime | None:
    """``published`` as an aware datetime (naive ones taken as UTC), or None when missing or unreadable."""
    if not published:
        return None
    try:
        moment = datetime.fromisoformat(published.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def version_order(members: Sequence[int], published: Sequence[str | None]) -> list[int]:
    """Members ordered by date (undated ones last), ties and undated in input order."""
    far = datetime.max.replace(tzinfo=UTC)
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


def _find(parent: list[int], item: int) -> int:
    while parent[item] != item:
        parent[item] = parent[parent[item]]
        item = parent[item]
    return item


def build_clusters(
    count: int,
    edges: Sequence[Edge],
    keep: str,
    lengths: Sequence[int],
    published: Sequence[str | None],
    levels: Sequence[str] | None = None,
) -> list[Cluster]:
    """Clusters of ``count`` documents from verified ``edges``, ordered by their first member (singletons too).

    Edges of similarity 1.0 at level :data:`COPY` (exact duplicates) make groups that always stay together.
    The other edges never chain: groups are joined by *star* clustering. Groups are taken in order of
    their number of verified edges to other groups (most first; ties: the longest, then the first): a group
    not yet placed becomes a centre, and exactly the unplaced groups it has a verified edge with join it. Every member of
    a cluster is thus verified against the cluster's centre, never only against a neighbour of a neighbour.
    """
    kinds = list(levels) if levels is not None else [COPY] * len(edges)
    parent = list(range(count))
    links: list[tuple[int, int, float, str]] = []
    for (first, second, similarity), kind in zip(edges, kinds):
        if similarity >= 1.0 and kind == COPY:
            a, b = _find(parent, first), _find(parent, second)
            if a != b:
                parent[max(a, b)] = min(a, b)
    for (first, second, similarity), kind in zip(edges, kinds):
        links.append((first, second, similarity, kind))
    roots = [_find(parent, item) for item in range(count)]
    neighbours: dict[int, set[int]] = {}
    for first, second, _, _ in links:
        a, b = roots[first], roots[second]
        if a != b:
            neighbours.setdefault(a, set()).add(b)
            neighbours.setdefault(b, set()).add(a)
    centre_of = {root: root for root in set(roots)}
    placed: set[int] = set()
    order = sorted(neighbours, key=lambda root: (-len(neighbours[root]), -lengths[root], root))
    for root in order:
        if root in placed:
            continue
        placed.add(root)
        for other in sorted(neighbours[root]):
            if other not in placed:
                placed.add(other)
                centre_of[other] = root
    groups: dict[int, list[int]] = {}
    for item in range(count):
        groups.setdefault(centre_of[roots[item]], []).append(item)
    label = {centre: min(members) for centre, members in groups.items()}
    joined: dict[int, list[tuple[int, int, float, str]]] = {}
    for link in links:
        a, b = centre_of[roots[link[0]]], centre_of[roots[link[1]]]
        # Inside one group, or between a group and its centre: the edges that justified the cluster.
        if a == b and (roots[link[0]] == roots[link[1]] or a in (roots[link[0]], roots[link[1]])):
            joined.setdefault(label[a], []).append(link)
    clusters = []
    for centre, members in sorted(groups.items(), key=lambda item: label[item[0]]):
        if len(members) == 1:
            clusters.append(Cluster(members=(members[0],), representative=members[0], similarities=()))
            continue
        kept = sorted(joined.get(label[centre], []))
        clusters.append(Cluster(
            members=tuple(version_order(members, published)),
            representative=choose_representative(members, keep, lengths, published),
            similarities=tuple((a, b, s) for a, b, s, _ in kept),
            levels=tuple(kind for _, _, _, kind in kept),
        ))
    return clusters
