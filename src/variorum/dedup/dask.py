"""The dedup pipeline on a Dask cluster: inputs read and sketched by the workers, band keys shuffled, pairs merged.

The client only cuts the inputs into parts (:func:`variorum.extract.parts.split_inputs`: byte ranges of
JSONL, groups of files, Parquet row groups) and sends their descriptions; each worker reads its part,
extracts the articles and sketches them (:func:`sketch_part`), at most two parts per worker in flight, and
returns the sketch with the ids, dates and what was left out. The client adds the sketches in part order,
so every document has the position it has in the local run, and site furniture is learned from the
sketches' paragraph fingerprints in that same order. Exact-duplicate groups are found from the gathered
keys. For containment (the default) the postings of sampled shingles are cut into shards by shingle and
each shard's pairs counted on a worker by the same :func:`variorum.dedup.containment.posting_pairs` the
local run uses; for Jaccard each chunk of signatures becomes ``(band, key, document)`` triples on a worker,
split into shards by key, and each shard's candidate pairs are found by
:func:`variorum.dedup.lsh.bucket_pairs`. Every posting list and every bucket lies wholly in one shard, so the
shards' results add up exactly to the local ones, and the clusters are identical.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from variorum.dedup import containment
from variorum.dedup.documents import documents
from variorum.dedup.lsh import band_triples, bucket_pairs, unique_pairs
from variorum.dedup.pipeline import DedupConfig, Deduper, Document, Sketch, ranked, sketch
from variorum.errors import InputError, VariorumError
from variorum.extract.formats import Fields
from variorum.extract.limits import MAX_PAGE_BYTES
from variorum.extract.parts import Part, read_part

CONNECT_TIMEOUT = 5.0


class DaskError(VariorumError):
    """A Dask cluster that cannot be started or reached."""


def parse_address(spec: str) -> tuple[str, int | None]:
    """``local`` / ``local:N`` → ``("local", N or None)``; ``tcp://HOST:PORT`` → ``(address, None)``.

    >>> parse_address("local:2"), parse_address("tcp://10.0.0.5:8786")
    (('local', 2), ('tcp://10.0.0.5:8786', None))
    """
    if spec == "local":
        return "local", None
    if spec.startswith("local:"):
        count = spec.removeprefix("local:")
        if not count.isdigit() or int(count) < 1:
            raise DaskError(f"--dask {spec}: the number of workers must be a positive integer")
        return "local", int(count)
    if "://" in spec and spec.rsplit(":", 1)[-1].isdigit():
        return spec, None
    raise DaskError(f"--dask {spec}: expected local, local:N or a scheduler address such as tcp://HOST:8786")


@contextmanager
def connect(spec: str, timeout: float = CONNECT_TIMEOUT) -> Iterator[Any]:
    """A ``distributed.Client`` for ``spec`` (starting a LocalCluster of processes for ``local[:N]``)."""
    import dask
    from distributed import Client, LocalCluster

    address, workers = parse_address(spec)
    if address == "local":
        # Dask's nanny sets MALLOC_TRIM_THRESHOLD_=65536 in its workers, which turns off glibc's adaptive mmap
        # threshold: every large NumPy temporary is then mapped and unmapped afresh, and sketching takes about
        # 1.7 times the CPU time. The workers of a local cluster keep the C library's default.
        with dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}), LocalCluster(
            # The scheduler's HTTP server (dashboard, health) on a free loopback port: None still takes 8787,
            # with a warning when another cluster has it, and on every interface.
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address="127.0.0.1:0"
        ) as cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(address, timeout=timeout)
    except (OSError, TimeoutError) as error:
        raise DaskError(f"cannot reach the Dask scheduler at {address} within {timeout:g} s ({error})") from None
    with client:
        yield client


def _partition_triples(signatures: np.ndarray, members: np.ndarray, config: DedupConfig, shards: int) -> list[
    np.ndarray
]:
    bands, rows = config.bands_rows
    triples = band_triples(signatures, members, bands, rows)
    shard_of = triples[:, 1] % np.uint64(shards)
    return [triples[shard_of == shard] for shard in range(shards)]


def _shard_pairs(shard: int, max_bucket: int, *partitions: list[np.ndarray]) -> np.ndarray:
    return bucket_pairs(np.concatenate([p[shard] for p in partitions]), max_bucket)


MAX_WARNINGS = 100
"""Most left-out lines a worker sends back per part; the others are only counted."""


@dataclass(frozen=True)
class SketchedPart:
    """What a worker sends back for one part: the sketch of its documents (None when it has none), their ids
    and dates, how many records were left out and the first :data:`MAX_WARNINGS` lines saying why, and the
    ``(source, problem)`` of the :class:`InputError` that stopped the reading, if one did."""

    name: str
    ids: list[str]
    published: list[str | None]
    sites: list[str | None]
    sketch: Sketch | None
    left_out: int
    warnings: list[str]
    error: tuple[str, str] | None = None


def sketch_part(part: Part, config: DedupConfig, fields: Fields, max_bytes: int) -> SketchedPart:
    """Read, extract and sketch one part (on a worker)."""
    warnings: list[str] = []
    left_out = 0

    def leave_out(message: str) -> None:
        nonlocal left_out
        left_out += 1
        if len(warnings) < MAX_WARNINGS:
            warnings.append(message)

    found: list[Document] = []
    error = None
    try:
        found.extend(documents(read_part(part, fields, max_bytes), leave_out, max_bytes))
    except InputError as problem:
        error = (problem.source, problem.problem)
    sites = [d.site for d in found]
    return SketchedPart(
        part.name, [d.id for d in found], [d.published for d in found], sites,
        sketch([d.text for d in found], config, sites, config.signed) if found else None, left_out, warnings, error,
    )


def dedup_on_dask(
    parts: Iterable[Part], config: DedupConfig, client: Any, fields: Fields = Fields(),
    max_bytes: int = MAX_PAGE_BYTES, on_part: Callable[[SketchedPart], None] = lambda part: None,
) -> tuple[Deduper, np.ndarray]:
    """Read and sketch ``parts`` on the cluster behind ``client``, then find the candidate pairs there.

    ``on_part`` sees each part's result in part order (for warnings and progress); an :class:`InputError` a
    worker met is raised here, after the results of the parts before it. Returns the :class:`Deduper` holding
    every sketch and the candidate pairs; ``deduper.clusters(pairs)`` gives the clusters.
    """
    from distributed import wait

    deduper = Deduper(config)
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    pending: dict[Any, int] = {}
    finished: dict[int, SketchedPart] = {}
    added = 0

    def collect(done: Iterable[Any]) -> None:
        nonlocal added
        for future in done:
            finished[pending.pop(future)] = future.result()
            future.release()
        while added in finished:
            result = finished.pop(added)
            added += 1
            on_part(result)
            if result.error:
                raise InputError(*result.error)
            if result.sketch is not None:
                deduper.add_sketch(result.ids, result.published, result.sketch, result.sites)

    # At most two parts per worker in flight: the records never pile up on the cluster.
    for number, part in enumerate(parts):
        pending[client.submit(sketch_part, part, config, fields, max_bytes, pure=False)] = number
        if len(pending) >= 2 * workers:
            collect(wait(list(pending), return_when="FIRST_COMPLETED").done)
    collect(wait(list(pending)).done)
    return deduper, _candidates(deduper, client, workers)


def _candidates(deduper: Deduper, client: Any, workers: int) -> np.ndarray:
    """The candidate pairs of every document sketched, counted or bucketed in shards on the cluster."""
    config = deduper.config
    prepared = deduper.prepared()
    members = prepared.members
    shards = 2 * workers
    if config.measure == "containment":
        codes = containment.postings(prepared.sets, members)
        counted = client.gather([client.submit(containment.posting_pairs, part, config.max_postings, pure=False)
                                 for part in containment.shard(codes, shards)])
        return ranked(prepared, containment.merge_counts(counted), config)
    chunks = max(shards, len(members) // 2000)
    triple_futures = [
        client.submit(_partition_triples, prepared.signatures[chunk], chunk, config, shards, pure=False)
        for chunk in np.array_split(members, chunks)
        if len(chunk)
    ]
    pair_futures = [
        client.submit(_shard_pairs, shard, config.max_bucket, *triple_futures) for shard in range(shards)
    ]
    pairs = [p for p in client.gather(pair_futures) if len(p)]
    return unique_pairs(np.concatenate(pairs)) if pairs else np.empty((0, 2), np.int64)
