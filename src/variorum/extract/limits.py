"""Caps that keep extraction bounded: page and record sizes, and decompressed bytes per compressed byte.

A crawl archive or export may be many gigabytes, so nothing is read whole; these limits are what keep a
hostile or broken input (a 100 MB page, a gzip bomb, a line without an end) from exhausting memory.
"""

from __future__ import annotations

import io
import zlib
from typing import BinaryIO

from variorum.errors import InputError

MAX_PAGE_BYTES = 20 * 1024 * 1024
"""Largest HTML page or text record extracted (trafilatura's own default limit is the same size)."""

MAX_EXPANSION = 100
"""Largest ratio of decompressed to compressed bytes accepted from a gzip stream beyond the floor below."""

EXPANSION_FLOOR = 256 * 1024 * 1024
"""Decompressed bytes always allowed, whatever the ratio, so that small repetitive files are fine."""

GZIP_WBITS = 16 + zlib.MAX_WBITS
CHUNK_BYTES = 256 * 1024


class GzipStream(io.RawIOBase):
    """The decompressed bytes of a gzip file (all its members, as WARC files have one per record).

    Fails with :class:`InputError` naming ``source`` once more than ``limit`` bytes have come out (a gzip
    bomb), and when the compressed data ends in the middle of a member (a truncated file) — never with
    ``EOFError``, which readers downstream would take for a clean end. At a truncation the bytes decoded so
    far are delivered first, followed by one empty read, and only the next read fails, so that buffered
    readers hand over the readable part before the error.
    """

    def __init__(self, raw: BinaryIO, limit: int, source: str) -> None:
        super().__init__()
        self._raw = raw
        self._limit = limit
        self._source = source
        self._decompressor = zlib.decompressobj(GZIP_WBITS)
        self._pending = b""
        self._in_member = False
        self._truncation_seen = False
        self.produced = 0

    def readable(self) -> bool:
        return True

    def _next_output(self, size: int) -> bytes:
        while True:
            if self._pending and not self._decompressor.eof:
                self._in_member = True
                data = self._decompressor.decompress(self._pending, size)
                self._pending = self._decompressor.unconsumed_tail
                if self._decompressor.eof:
                    self._in_member = False
                    self._pending = self._decompressor.unused_data
                if data:
                    return data
                continue
            if self._decompressor.eof and self._pending.strip(b"\x00"):
                self._decompressor = zlib.decompressobj(GZIP_WBITS)
                self._pending = self._pending.lstrip(b"\x00")
                continue
            chunk = self._raw.read(CHUNK_BYTES)
            if not chunk:
                if self._in_member and self._truncation_seen:
                    raise InputError(self._source, "compressed data ends early (truncated file)")
                self._truncation_seen = self._in_member
                return b""
            self._pending += chunk

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        try:
            data = self._next_output(len(buffer))
        except zlib.error as error:
            raise InputError(self._source, f"corrupt compressed data ({error})") from None
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
