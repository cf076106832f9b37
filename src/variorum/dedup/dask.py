"""The dedup pipeline on a Dask cluster: sketches per partition, band keys shuffled into shards, pairs merged.

Each partition of documents is sent as one UTF-8 buffer and sketched on a worker
(:func:`variorum.dedup.pipeline.sketch`), with at most two partitions per worker in flight. Exact-duplicate
groups are found from the gathered keys; each chunk of signatures then becomes ``(band, key, document)``
triples on a worker, split into shards by key, and each shard's candidate pairs are found on a worker by the
same :func:`variorum.dedup.lsh.bucket_pairs` the local run uses. Every bucket lies wholly in one shard, so the
union of the shards' pairs is exactly the local candidate set, and the clusters are identical.
"""

from __future__ import annotations

from contextlib import contextmanager
from itertools import islice
from typing import Any, Iterable, Iterator

import numpy as np

from variorum.dedup.lsh import band_triples, bucket_pairs, unique_pairs
from variorum.dedup.pipeline import DedupConfig, Deduper, Document, Sketch, exact_edges, lsh_members, sketch
from variorum.errors import VariorumError

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
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
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


def _encoded(texts: list[str]) -> tuple[bytes, np.ndarray]:
    """``texts`` as one UTF-8 buffer and the length of each: a third of the client's CPU time to send that a
    list of strings takes (lone surrogates pass through, so every text comes back exactly)."""
    encoded = [text.encode("utf-8", "surrogatepass") for text in texts]
    return b"".join(encoded), np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))


def _sketch_encoded(buffer: bytes, lengths: np.ndarray, config: DedupConfig) -> Sketch:
    """The sketch of the texts packed by :func:`_encoded`."""
    ends = np.cumsum(lengths).tolist()
    starts = [0, *ends[:-1]]
    return sketch([buffer[start:end].decode("utf-8", "surrogatepass") for start, end in zip(starts, ends)], config)


def dedup_on_dask(
    documents: Iterable[Document], config: DedupConfig, client: Any, partition_size: int = 2000
) -> tuple[Deduper, np.ndarray]:
    """Sketch and pair ``documents`` on the cluster behind ``client``.

    Returns the :class:`Deduper` holding every sketch and the candidate pairs; ``deduper.clusters(pairs)``
    gives the clusters.
    """
    from distributed import wait

    deduper = Deduper(config)
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    pending: dict[Any, int] = {}
    parts: dict[int, Sketch] = {}

    def collect(done: Iterable[Any]) -> None:
        for future in done:
            parts[pending.pop(future)] = future.result()
            future.release()

    # At most two partitions per worker in flight: the texts never pile up on the cluster.
    metadata: list[tuple[list[str], list[str | None]]] = []
    stream = iter(documents)
    while batch := list(islice(stream, partition_size)):
        metadata.append(([d.id for d in batch], [d.published for d in batch]))
        buffer, lengths = _encoded([d.text for d in batch])
        pending[client.submit(_sketch_encoded, buffer, lengths, config, pure=False)] = len(metadata) - 1
        if len(pending) >= 2 * workers:
            collect(wait(list(pending), return_when="FIRST_COMPLETED").done)
    collect(wait(list(pending)).done)
    for number, (ids, published) in enumerate(metadata):
        deduper.add_sketch(ids, published, parts.pop(number))
    whole = deduper.sketch()
    _, first = exact_edges(whole.keys, whole.word_counts)
    members = lsh_members(whole, first)
    shards = 2 * workers
    triple_futures = [
        client.submit(_partition_triples, whole.signatures[chunk], chunk, config, shards, pure=False)
        for chunk in np.array_split(members, max(1, len(metadata)))
        if len(chunk)
    ]
    pair_futures = [
        client.submit(_shard_pairs, shard, config.max_bucket, *triple_futures) for shard in range(shards)
    ]
    pairs = [p for p in client.gather(pair_futures) if len(p)]
    candidates = unique_pairs(np.concatenate(pairs)) if pairs else np.empty((0, 2), np.int64)
    return deduper, candidates
