"""Dedup results as values with document ids, and the documented report format ``variorum.dedup/1``.

:class:`~variorum.dedup.cluster.Cluster` speaks in document positions; :func:`story_clusters` turns the
clusters of a :class:`~variorum.dedup.pipeline.Deduper` into :class:`StoryCluster` values that speak in ids,
with each member's similarity and level to the cluster (one rule, :func:`member_links`, for every face:
CLI, web). :func:`report` is the JSON report, :func:`csv_rows` the CSV rows; :func:`version_pairs` says
which consecutive versions a report links by a comparison summary (the caller compares them).

>>> from variorum.dedup import DedupConfig, Deduper, Document
>>> deduper = Deduper(DedupConfig(ngram=2))
>>> deduper.add([Document("a", "Rain is expected in the city on Monday."),
...              Document("b", "Rain is expected in the city on Monday, forecasters said.")])
>>> [(m.id, m.similarity, m.level) for m in story_clusters(deduper)[0].members]
[('a', 1.0, 'representative'), ('b', 1.0, 'trimmed')]
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from threading import Lock
from typing import Any

import numpy as np

from variorum.dedup.cluster import Cluster
from variorum.dedup.pipeline import DedupConfig, Deduper, Document

FORMAT = "variorum.dedup/1"
REPRESENTATIVE = "representative"
SUMMARIES_PER_CLUSTER = 20
"""Consecutive versions linked by a comparison summary, at most, per cluster."""


@dataclass(frozen=True)
class Member:
    """One document of a cluster: its best verified similarity to another member (1.0 for the
    representative) and the level of that link (copy, trimmed, block; ``representative`` for it)."""

    id: str
    published: str | None
    similarity: float
    level: str
    change_from_previous: dict[str, Any] | None = None


@dataclass(frozen=True)
class StoryCluster:
    """A cluster of two or more documents, by id: its number in the run, its representative, its members
    in version order, and the verified pairs ``(id, id, similarity, level)`` that joined them."""

    number: int
    representative: str
    members: tuple[Member, ...]
    links: tuple[tuple[str, str, float, str], ...] = field(default=())


def member_links(cluster: Cluster) -> dict[int, tuple[float, str]]:
    """Each member's best verified similarity to another member and that link's level; the
    representative's is ``(1.0, "representative")``."""
    best: dict[int, tuple[float, str]] = {}
    levels = cluster.levels or ("copy",) * len(cluster.similarities)
    for (first, second, similarity), level in zip(cluster.similarities, levels):
        for member in (first, second):
            if similarity > best.get(member, (-1.0, ""))[0]:
                best[member] = (similarity, level)
    best[cluster.representative] = (1.0, REPRESENTATIVE)
    return best


def story_clusters(
    deduper: Deduper, clusters: list[Cluster] | None = None, summaries: dict[int, dict[str, Any]] | None = None
) -> list[StoryCluster]:
    """The clusters of two or more documents of ``deduper`` (computed when not given), by id, numbered as in
    ``clusters``; ``summaries`` maps a member's position to its comparison with the version before it."""
    found = deduper.clusters() if clusters is None else clusters
    ids, published = deduper.ids, deduper.published
    result = []
    for number, cluster in enumerate(found):
        if len(cluster.members) < 2:
            continue
        links = member_links(cluster)
        members = tuple(
            Member(ids[m], published[m], *links.get(m, (0.0, "")),
                   change_from_previous=(summaries or {}).get(m) if position else None)
            for position, m in enumerate(cluster.members)
        )
        result.append(StoryCluster(
            number, ids[cluster.representative], members,
            tuple((ids[a], ids[b], s, level) for (a, b, s), level in zip(cluster.similarities, cluster.levels)),
        ))
    return result


def version_pairs(clusters: list[Cluster]) -> dict[int, int]:
    """``{later: earlier}`` for the first :data:`SUMMARIES_PER_CLUSTER` consecutive versions of each cluster."""
    previous: dict[int, int] = {}
    for cluster in clusters:
        for before, after in list(zip(cluster.members, cluster.members[1:]))[:SUMMARIES_PER_CLUSTER]:
            previous[after] = before
    return previous


def furniture_ids(deduper: Deduper) -> list[str]:
    """The documents holding only their site's furniture (reported, never clustered)."""
    return [deduper.ids[i] for i in np.flatnonzero(deduper.prepared().furniture).tolist()]


def cluster_object(cluster: StoryCluster) -> dict[str, Any]:
    """One cluster as the report's JSON object."""
    members = []
    for member in cluster.members:
        entry: dict[str, Any] = {"id": member.id, "published": member.published, "similarity": member.similarity,
                                 "level": member.level}
        if member.change_from_previous is not None:
            entry["change_from_previous"] = member.change_from_previous
        members.append(entry)
    return {"cluster": cluster.number, "representative": cluster.representative, "size": len(members),
            "members": members}


def report(deduper: Deduper, clusters: list[StoryCluster]) -> dict[str, Any]:
    """The ``variorum.dedup/1`` report: parameters, document count, clusters, furniture-only documents."""
    config = deduper.config
    bands, rows = config.bands_rows
    return {
        "format": FORMAT,
        "parameters": {"threshold": config.threshold, "measure": config.measure, "ngram": config.ngram,
                       "num_perm": config.num_perm, "bands": bands, "rows": rows, "keep": config.keep,
                       "verify": config.verify, "level": config.level},
        "documents": len(deduper.ids),
        "clusters": [cluster_object(cluster) for cluster in clusters],
        "furniture_only": furniture_ids(deduper),
    }


def csv_rows(deduper: Deduper, clusters: list[Cluster]) -> Iterator[tuple[str, int, str]]:
    """``(id, cluster, representative id)`` for every document, in input order."""
    rows = sorted((m, number, cluster.representative) for number, cluster in enumerate(clusters)
                  for m in cluster.members)
    for member, number, representative in rows:
        yield deduper.ids[member], number, deduper.ids[representative]


def cluster_documents(documents: Sequence[Document], config: DedupConfig) -> list[StoryCluster]:
    """The clusters of two or more of ``documents``, by id (what a face such as the web's clusters page shows)."""
    deduper = Deduper(config)
    for start in range(0, len(documents), 1000):
        deduper.add(documents[start:start + 1000])
    return story_clusters(deduper)


class ClusterCache:
    """Clusters of a corpus computed once per key (such as a store's fingerprint, which changes whenever a
    version is stored): a face asks on every request, the deduper runs only when the corpus has changed.
    Thread-safe; two first requests at once may both compute, and a result is never served for another key."""

    def __init__(self) -> None:
        self._lock = Lock()
        self._entry: tuple[Hashable, list[StoryCluster]] | None = None

    def get(self, key: Hashable, documents: Callable[[], Sequence[Document]], config: DedupConfig
            ) -> list[StoryCluster]:
        """The clusters for ``key``, computed from ``documents()`` with ``config`` unless already known."""
        with self._lock:
            if self._entry is not None and self._entry[0] == (key, config):
                return self._entry[1]
        found = cluster_documents(documents(), config)
        with self._lock:
            self._entry = ((key, config), found)
        return found
