"""Caps that keep extraction bounded: page and record sizes, and decompressed bytes per compressed byte.

A crawl archive or export may be many gigabytes, so nothing is read whole; these limits are what keep a
hostile or broken input (a 100 MB page, a gzip bomb, a line without an end) from exhausting memory.
"""

from __future__ import annotations

import io
from typing import BinaryIO

from variorum.errors import InputError

MAX_PAGE_BYTES = 20 * 1024 * 1024
"""Largest HTML page or text record extracted (trafilatura's own default limit is the same size)."""

MAX_EXPANSION = 100
"""Largest ratio of decompressed to compressed bytes accepted from a gzip stream beyond the floor below."""

EXPANSION_FLOOR = 256 * 1024 * 1024
"""Decompressed bytes always allowed, whatever the ratio, so that small repetitive files are fine."""


class CappedReader(io.RawIOBase):
    """A readable stream over ``inner`` that fails once more than ``limit`` bytes have come out of it.

    Wrap a decompressing stream with it to stop gzip bombs: ``limit`` is the most decompressed output the
    input may plausibly produce.
    """

    def __init__(self, inner: BinaryIO, limit: int, source: str) -> None:
        super().__init__()
        self._inner = inner
        self._limit = limit
        self._source = source
        self.produced = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._inner.read(len(buffer))
        self.produced += len(data)
        if self.produced > self._limit:
            raise InputError(
                self._source,
                f"decompresses to over {self._limit:,} bytes, far more than its size justifies (a gzip bomb?)",
            )
        buffer[: len(data)] = data
        return len(data)


def expansion_limit(compressed_size: int) -> int:
    """How many decompressed bytes a gzip stream of ``compressed_size`` bytes may produce."""
    return max(EXPANSION_FLOOR, MAX_EXPANSION * compressed_size)


def read_capped(stream: BinaryIO, limit: int) -> bytes | None:
    """Read ``stream`` to its end, or return None (having read only ``limit + 1`` bytes) when it is longer."""
    data = stream.read(limit + 1)
    return None if len(data) > limit else data
