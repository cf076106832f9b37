"""Extracting many records on several cores, in input order, in bounded memory.

:func:`extract_in_order` sends records to worker processes in chunks and yields each extraction in the
order the records came, with at most a few chunks per worker in flight (so a 10 GB WARC never sits in
memory). One worker, or an input of a single record, extracts in this process: no pool is started.

>>> from variorum.extract.records import Record, TEXT
>>> records = [Record(TEXT, str(n), f"r{n}", f"Title {n}\\n\\nBody number {n}.") for n in range(3)]
>>> [(record.id, extraction.article.title) for record, extraction in extract_in_order(records, workers=2)]
[('0', 'Title 0'), ('1', 'Title 1'), ('2', 'Title 2')]
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from functools import partial
from multiprocessing.context import BaseContext

from variorum.extract.limits import MAX_PAGE_BYTES
from variorum.extract.records import SKIPPED, Extraction, Record, extract_record

CHUNK = 8             # records sent to a worker at once: enough to make the hand-over cheap
CHUNKS_PER_WORKER = 4  # chunks in flight per worker: enough to keep it busy, few enough to bound memory


def leave_with_parent() -> None:
    """Worker initializer: exit once the process that started this worker is gone (a tracker killed with
    SIGKILL, say) rather than wait for work forever; checked each second on a daemon thread."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="variorum-parent-watch", daemon=True).start()


def worker_pool(processes: int, context: BaseContext | None = None) -> ProcessPoolExecutor:
    """A pool of ``processes`` worker processes that leave when the process that started them dies: the pool
    for batch work (extraction, sketching). The tracker's page checks run in
    :class:`variorum.track.workers.PageWorkers`, which its event loop feeds without threads; both leave with
    their parent (:func:`leave_with_parent`)."""
    return ProcessPoolExecutor(processes, mp_context=context, initializer=leave_with_parent)


def default_workers() -> int:
    """One worker per core this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _extract_chunk(records: list[Record], max_bytes: int) -> list[Extraction | None]:
    return [None if record.kind == SKIPPED else extract_record(record, max_bytes=max_bytes) for record in records]


def extract_in_order(
    records: Iterable[Record], *, workers: int = 1, max_bytes: int = MAX_PAGE_BYTES,
) -> Iterator[tuple[Record, Extraction | None]]:
    """Each record with its extraction (``None`` for a record skipped as not an article), in input order,
    extracted on ``workers`` processes."""
    stream = iter(records)
    first = list(itertools.islice(stream, 2))
    if workers <= 1 or len(first) < 2:
        for record in itertools.chain(first, stream):
            yield record, _extract_chunk([record], max_bytes)[0]
        return
    chunks = _chunks(itertools.chain(first, stream))
    extract = partial(_extract_chunk, max_bytes=max_bytes)
    pool = worker_pool(workers)
    try:
        pending: deque[tuple[list[Record], Future[list[Extraction | None]]]] = deque(
            (chunk, pool.submit(extract, chunk)) for chunk in itertools.islice(chunks, workers * CHUNKS_PER_WORKER))
        while pending:
            chunk, future = pending.popleft()
            extractions = future.result()
            following = next(chunks, None)
            if following is not None:
                pending.append((following, pool.submit(extract, following)))
            yield from zip(chunk, extractions)
    finally:  # also when the caller stops early (--strict): queued chunks are dropped, not extracted
        pool.shutdown(cancel_futures=True)


def _chunks(records: Iterator[Record]) -> Iterator[list[Record]]:
    while chunk := list(itertools.islice(records, CHUNK)):
        yield chunk


__all__ = ["default_workers", "extract_in_order", "leave_with_parent", "worker_pool"]
