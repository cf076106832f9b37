"""The near-duplicate pipeline, in steps that run the same locally and per partition under Dask.

``sketch`` (texts → word hashes → exact keys, shingle sets, MinHash signatures, and for documents with a
site their paragraphs' sets and fingerprints) runs per batch of texts; site furniture is learned as the
sketches stream in and left out when they end (:mod:`variorum.dedup.furniture`); ``lsh_members`` picks one
document per exact-duplicate group (so a million identical documents enter the index once). Containment,
the default measure, finds candidates in an index of sampled shingles (:mod:`variorum.dedup.containment`)
and verifies them exactly; Jaccard bands MinHash signatures (``band_triples``/``bucket_pairs`` in
:mod:`variorum.dedup.lsh`) and verifies by estimate (or exactly with ``verify``);
:func:`variorum.dedup.cluster.build_clusters` makes star clusters of the verified pairs.
:class:`Deduper` strings these together over a stream of documents, keeping per document only its sketch
(a signature of ``num_perm`` 32-bit values, its shingle set at 32 bits a shingle, a few counters), never
its text.

>>> deduper = Deduper(DedupConfig(threshold=0.5, ngram=2))
>>> deduper.add([Document("a", "The cat sat on the mat today."), Document("b", "The cat sat on the mat today!"),
...              Document("c", "Something else entirely, about dogs.")])
>>> [[deduper.ids[i] for i in c.members] for c in deduper.clusters()]
[['a', 'b'], ['c']]
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from variorum.dedup import containment, furniture
from variorum.dedup.cluster import (
    COPY,
    KEEP,
    LEVELS,
    MEASURES,
    Cluster,
    Edge,
    build_clusters,
    estimated_similarity,
    exact_similarity,
    level_of,
    lsh_threshold,
)
from variorum.dedup.lsh import band_triples, bucket_pairs, optimal_params, unique_pairs
from variorum.dedup.minhash import signatures
from variorum.dedup.shingle import ShingleSets, exact_keys, shingle_sets, token_hashes
from variorum.text.boilerplate import SiteTemplates

if TYPE_CHECKING:
    from concurrent.futures import Future


@dataclass(frozen=True)
class DedupConfig:
    """Parameters of a run. Defaults were chosen on ``bench/dedup.py`` (see docs/dedup.md)."""

    threshold: float = 0.6
    ngram: int = 5
    num_perm: int = 128
    measure: str = "containment"
    keep: str = "first"
    verify: bool = False
    seed: int = 1
    max_bucket: int = 50
    level: str = "story"
    max_postings: int = containment.MAX_POSTINGS
    max_candidates: int = containment.MAX_CANDIDATES

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold < 1.0:
            raise ValueError(f"threshold must be between 0 and 1 (exclusive), not {self.threshold}")
        if self.ngram < 1:
            raise ValueError(f"ngram must be at least 1, not {self.ngram}")
        if self.num_perm < 2:
            raise ValueError(f"num_perm must be at least 2, not {self.num_perm}")
        if self.measure not in MEASURES:
            raise ValueError(f"measure must be one of {', '.join(MEASURES)}, not {self.measure!r}")
        if self.keep not in KEEP:
            raise ValueError(f"keep must be one of {', '.join(KEEP)}, not {self.keep!r}")
        if self.level not in LEVELS:
            raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {self.level!r}")

    @property
    def signed(self) -> bool:
        """Whether the run needs MinHash signatures (Jaccard bands them; containment never reads them)."""
        return self.measure == "jaccard"

    @property
    def bands_rows(self) -> tuple[int, int]:
        """The LSH ``(bands, rows)`` for this measure and threshold."""
        return optimal_params(lsh_threshold(self.measure, self.threshold), self.num_perm)


@dataclass(frozen=True)
class Document:
    """One input document: its id, its text, its publication date (ISO 8601) and its site (the host of its
    URL, whose furniture is learned) when known."""

    id: str
    text: str
    published: str | None = None
    site: str | None = None


_NO_PARAGRAPHS = ShingleSets(np.empty(0, np.uint64), np.zeros(1, np.int64))


@dataclass(frozen=True)
class Sketch:
    """What the pipeline keeps of a batch of documents (arrays aligned by document)."""

    keys: np.ndarray  # uint64 exact-duplicate keys
    word_counts: np.ndarray  # int64
    sizes: np.ndarray  # int64 distinct shingles
    lengths: np.ndarray  # int64 characters
    signatures: np.ndarray  # uint32 (documents × num_perm)
    sets: ShingleSets  # compact (32-bit) shingle sets, see containment.compact
    paragraph_sets: ShingleSets = _NO_PARAGRAPHS  # full-hash sets of the paragraphs of documents with a site
    paragraph_prints: np.ndarray = field(default_factory=lambda: np.empty(0, np.uint64))
    paragraph_offsets: np.ndarray | None = None  # int64, documents + 1; None: no document has a site


def sketch(
    texts: Sequence[str], config: DedupConfig, sites: Sequence[str | None] | None = None, signed: bool = True
) -> Sketch:
    """The sketch of a batch of texts (of documents on ``sites``, when known: their paragraphs too).

    Exact duplicates within the batch (same words) are shingled and signed once, and share the result.
    Without ``signed`` the signatures are left out (an array of no columns): containment, the
    default measure, never reads them.
    """
    tokens = token_hashes(texts)
    keys = exact_keys(tokens)
    _, firsts, copies = np.unique(keys, return_index=True, return_inverse=True)
    width = config.num_perm if signed else 0

    def sign(sets: ShingleSets) -> np.ndarray:
        return signatures(sets, config.num_perm) if signed else np.empty((len(sets), 0), dtype=np.uint32)

    if len(firsts) < len(texts):
        distinct = shingle_sets(tokens.take(firsts), config.ngram, config.seed)
        sets, signed_ = distinct.take(copies), sign(distinct)[copies]
    else:
        sets = shingle_sets(tokens, config.ngram, config.seed)
        signed_ = sign(sets)
    assert signed_.shape[1] == width
    parts: dict[str, object] = {}
    if sites is not None and any(site is not None for site in sites):
        paragraph_sets, prints, offsets = furniture.paragraph_parts(
            texts, [site is not None for site in sites], config.ngram, config.seed)
        parts = {"paragraph_sets": paragraph_sets, "paragraph_prints": prints, "paragraph_offsets": offsets}
    return Sketch(
        keys=keys,
        word_counts=tokens.sizes,
        sizes=sets.sizes,
        lengths=np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)),
        signatures=signed_,
        sets=containment.compact(sets),
        **parts,  # type: ignore[arg-type]
    )


def _encoded(texts: Sequence[str]) -> tuple[bytes, np.ndarray]:
    """``texts`` as one UTF-8 buffer and the length of each, to send to another process. (Pickling a
    non-ASCII string would leave a cached UTF-8 copy of it on the string, as large as its text, for as
    long as the caller keeps it; lone surrogates pass through, so every text comes back exactly.)"""
    encoded = [text.encode("utf-8", "surrogatepass") for text in texts]
    return b"".join(encoded), np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))


def _sketch_encoded(buffer: bytes, lengths: np.ndarray, config: DedupConfig, sites: list[str | None]) -> Sketch:
    """The sketch of the texts packed by :func:`_encoded`."""
    ends = np.cumsum(lengths).tolist()
    return sketch([buffer[start:end].decode("utf-8", "surrogatepass") for start, end in zip([0, *ends], ends)],
                  config, sites, config.signed)


def _concat_sets(parts: Sequence[ShingleSets], dtype: type) -> ShingleSets:
    offsets = [np.zeros(1, dtype=np.int64)]
    base = 0
    for part in parts:
        offsets.append(part.offsets[1:] + base)
        base += int(part.offsets[-1])
    values = [part.values for part in parts]
    return ShingleSets(np.concatenate(values) if values else np.empty(0, dtype), np.concatenate(offsets))


def concat_sketches(parts: Sequence[Sketch], num_perm: int) -> Sketch:
    """One sketch of the documents of ``parts``, in order."""

    def joined(name: str, dtype: type, width: int = 0) -> np.ndarray:
        arrays = [getattr(part, name) for part in parts]
        if arrays:
            return np.concatenate(arrays)
        return np.empty((0, width) if width else 0, dtype=dtype)

    num_perm = parts[0].signatures.shape[1] if parts else num_perm
    paragraphs: dict[str, object] = {}
    if any(part.paragraph_offsets is not None for part in parts):
        offsets = [np.zeros(1, dtype=np.int64)]
        base = 0
        for part in parts:
            own = part.paragraph_offsets if part.paragraph_offsets is not None else np.zeros(len(part.keys) + 1,
                                                                                             np.int64)
            offsets.append(own[1:] + base)
            base += int(own[-1])
        paragraphs = {
            "paragraph_sets": _concat_sets([part.paragraph_sets for part in parts], np.uint64),
            "paragraph_prints": joined("paragraph_prints", np.uint64),
            "paragraph_offsets": np.concatenate(offsets),
        }
    return Sketch(
        keys=joined("keys", np.uint64),
        word_counts=joined("word_counts", np.int64),
        sizes=joined("sizes", np.int64),
        lengths=joined("lengths", np.int64),
        signatures=joined("signatures", np.uint32, num_perm),
        sets=_concat_sets([part.sets for part in parts], np.uint32),
        **paragraphs,  # type: ignore[arg-type]
    )


def exact_edges(keys: np.ndarray, word_counts: np.ndarray) -> tuple[list[tuple[int, int, float]], np.ndarray]:
    """Edges joining exact duplicates to their group's first document, and whether each document is first.

    Empty documents (no words) are never duplicates of anything: each stays alone.
    """
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    first = np.ones(len(keys), dtype=bool)
    if len(keys):
        first_in_order = np.ones(len(keys), dtype=bool)
        first_in_order[1:] = ordered[1:] != ordered[:-1]
        group_start = order[np.maximum.accumulate(np.where(first_in_order, np.arange(len(keys)), 0))]
        first[order] = first_in_order
        duplicates = np.flatnonzero(~first_in_order)
        edges = [
            (int(group_start[i]), int(order[i]), 1.0) for i in duplicates if word_counts[order[i]] > 0
        ]
        first |= word_counts == 0
    else:
        edges = []
    return edges, first


@dataclass(frozen=True)
class Prepared:
    """The whole corpus ready for candidates: furniture left out of the sets (and signatures), exact groups
    found, and the documents that enter the index."""

    sets: ShingleSets  # compact
    signatures: np.ndarray
    sizes: np.ndarray
    furniture: np.ndarray  # bool: documents holding only their site's furniture
    exact: list[Edge]
    members: np.ndarray


def lsh_members(sketch_: Sketch, first: np.ndarray) -> np.ndarray:
    """The documents that enter LSH: the first of each exact group, with at least one shingle."""
    return np.flatnonzero(first & (sketch_.sizes > 0))


def candidate_pairs(signatures_: np.ndarray, members: np.ndarray, config: DedupConfig) -> np.ndarray:
    """Candidate pairs among ``members`` from LSH banding of their signatures (the local, one-shard form).

    Buckets never span bands, so the bands are banded one at a time: the same pairs as all at once, in a
    fraction of the memory (a million documents × 37 bands of triples would take 900 MB).
    """
    bands, rows = config.bands_rows
    chosen = signatures_[members]
    found = [bucket_pairs(band_triples(chosen[:, band * rows:(band + 1) * rows], members, 1, rows),
                          config.max_bucket) for band in range(bands)]
    found = [pairs for pairs in found if len(pairs)]
    return unique_pairs(np.concatenate(found)) if found else np.empty((0, 2), dtype=np.int64)


def containment_candidates(prepared: Prepared, config: DedupConfig, shards: int = 1) -> np.ndarray:
    """Candidate pairs from the index of sampled shingles (the local form; shards bound its memory)."""
    codes = containment.postings(prepared.sets, prepared.members)
    counted = containment.merge_counts([containment.posting_pairs(part, config.max_postings)
                                        for part in containment.shard(codes, shards)])
    return ranked(prepared, counted, config)


def ranked(prepared: Prepared, counted: containment.Counted, config: DedupConfig) -> np.ndarray:
    """The counted pairs worth verifying (see :func:`variorum.dedup.containment.ranked_candidates`)."""
    return containment.ranked_candidates(*counted, containment.sample_sizes(prepared.sets), config.threshold,
                                         config.max_candidates)


def verified_edges(prepared: Prepared, pairs: np.ndarray, config: DedupConfig) -> tuple[list[Edge], list[str]]:
    """The candidate pairs whose similarity reaches the threshold, with that similarity (rounded to 4 places)
    and their level of sameness."""
    if len(pairs) == 0:
        return [], []
    if config.measure == "containment":
        return containment.verify(prepared.sets, pairs, config.threshold)
    sets = prepared.sets
    if config.verify:
        scores = np.array([exact_similarity(config.measure, sets[int(i)], sets[int(j)]) for i, j in pairs])
    else:
        scores = estimated_similarity(config.measure, prepared.signatures, prepared.sizes, pairs)
    keep = scores >= config.threshold
    edges = [(int(i), int(j), round(float(s), 4)) for (i, j), s in zip(pairs[keep], scores[keep])]
    sizes = sets.sizes[pairs[keep]].tolist()
    levels = [level_of(common / max(min(a, b), 1), common / max(a, b, 1))
              for common, (a, b) in zip(containment.shared_counts(sets, pairs[keep]).tolist(), sizes)]
    return edges, levels


@dataclass
class Deduper:
    """Near-duplicate clusters over a stream of documents, added in batches."""

    config: DedupConfig = field(default_factory=DedupConfig)
    ids: list[str] = field(default_factory=list)
    published: list[str | None] = field(default_factory=list)
    sites: list[str | None] = field(default_factory=list)
    templates: SiteTemplates = field(default_factory=SiteTemplates)
    _parts: list[Sketch] = field(default_factory=list)
    _prepared: Prepared | None = None

    def add(self, documents: Iterable[Document]) -> None:
        """Sketch a batch of documents and remember their ids, dates and sites."""
        batch = list(documents)
        if batch:
            sites = [d.site for d in batch]
            self.add_sketch([d.id for d in batch], [d.published for d in batch],
                            sketch([d.text for d in batch], self.config, sites, self.config.signed), sites)

    def add_all(self, batches: Iterable[Sequence[Document]], processes: int = 1) -> None:
        """Sketch batches of documents in order, on ``processes`` worker processes when more than one.

        At most two batches per process are in flight, so the texts never pile up; the result is the same
        as adding the batches one by one. Workers start from a fork server, so a script that calls this
        needs the usual ``if __name__ == "__main__":`` guard.
        """
        if processes < 2:
            for batch in batches:
                self.add(batch)
            return
        import multiprocessing  # the pool's modules: loaded only when there is a pool

        from variorum.extract.parallel import worker_pool

        pending: deque[tuple[Sequence[Document], Future[Sketch]]] = deque()

        def finish(done: Sequence[Document], future: Future[Sketch]) -> None:
            self.add_sketch([d.id for d in done], [d.published for d in done], future.result(),
                            [d.site for d in done])

        with worker_pool(processes, multiprocessing.get_context("forkserver")) as pool:
            for batch in batches:
                if batch:
                    buffer, lengths = _encoded([d.text for d in batch])
                    pending.append((batch, pool.submit(_sketch_encoded, buffer, lengths, self.config,
                                                       [d.site for d in batch])))
                while len(pending) > 2 * processes or (pending and pending[0][1].done()):
                    finish(*pending.popleft())
            for done, future in pending:
                finish(done, future)

    def add_sketch(self, ids: Sequence[str], published: Sequence[str | None], part: Sketch,
                   sites: Sequence[str | None] | None = None) -> None:
        """Add documents already sketched elsewhere (e.g. on a Dask worker), learning their sites' furniture."""
        site_list = list(sites) if sites is not None else [None] * len(ids)
        self.ids.extend(ids)
        self.published.extend(published)
        self.sites.extend(site_list)
        if part.paragraph_offsets is not None:
            furniture.learn(self.templates, site_list, part.keys, part.paragraph_prints, part.paragraph_offsets)
        self._parts.append(part)
        self._prepared = None

    def sketch(self) -> Sketch:
        """The sketch of every document added so far."""
        if len(self._parts) > 1:
            self._parts = [concat_sketches(self._parts, self.config.num_perm)]
        return self._parts[0] if self._parts else concat_sketches([], self.config.num_perm)

    def prepared(self) -> Prepared:
        """Every document added so far, furniture left out, exact groups found (computed once)."""
        if self._prepared is not None:
            return self._prepared
        whole = self.sketch()
        sets, signed, sizes = whole.sets, whole.signatures, whole.sizes
        word_counts = whole.word_counts
        only_furniture = np.zeros(len(whole.keys), dtype=bool)
        if whole.paragraph_offsets is not None:
            replaced = furniture.strip(self.templates, self.sites, whole.paragraph_sets, whole.paragraph_prints,
                                       whole.paragraph_offsets)
            if replaced:
                changed = np.array(sorted(replaced), dtype=np.int64)
                new = ShingleSets(np.concatenate([replaced[i] for i in changed.tolist()]),
                                  np.concatenate(([0], np.cumsum([len(replaced[i]) for i in changed.tolist()]))))
                compacted = containment.compact(new)
                sets = furniture.replace_sets(sets, {int(i): compacted[n] for n, i in enumerate(changed)})
                if signed.shape[1]:
                    signed = signed.copy()
                    signed[changed] = signatures(new, self.config.num_perm)
                sizes = sizes.copy()
                sizes[changed] = new.sizes
                only_furniture[changed] = new.sizes == 0
                word_counts = np.where(only_furniture, 0, word_counts)
        exact, first = exact_edges(whole.keys, word_counts)
        members = np.flatnonzero(first & (sizes > 0) & ~only_furniture)
        self._prepared = Prepared(sets, signed, sizes, only_furniture, exact, members)
        return self._prepared

    def candidates(self) -> np.ndarray:
        """The candidate pairs of the local run."""
        prepared = self.prepared()
        if self.config.measure == "containment":
            return containment_candidates(prepared, self.config)
        return candidate_pairs(prepared.signatures, prepared.members, self.config)

    def clusters(self, candidates: np.ndarray | None = None) -> list[Cluster]:
        """The clusters, every document in exactly one; ``candidates`` replaces the local candidate step.

        Documents holding only their site's furniture stay alone (see :attr:`Prepared.furniture`).
        """
        prepared = self.prepared()
        if candidates is None:
            candidates = self.candidates()
        edges, levels = verified_edges(prepared, candidates, self.config)
        if self.config.level == COPY:
            kept = [n for n, level in enumerate(levels) if level == COPY]
            edges, levels = [edges[n] for n in kept], [levels[n] for n in kept]
        whole = self.sketch()
        return build_clusters(len(self.ids), prepared.exact + edges, self.config.keep, whole.lengths.tolist(),
                              self.published, [COPY] * len(prepared.exact) + levels)
