"""Keep freed memory in the process: large NumPy temporaries reuse it instead of faulting in fresh pages.

By default glibc's ``malloc`` serves every block over 128 KiB with a fresh ``mmap`` (the bound grows only as
such blocks are freed) and hands the top of its heap back to the system whenever more than twice that is free.
A command that makes and drops many arrays of some megabytes — ``variorum dedup``, batch after batch —
then has the kernel map and zero those pages again each time: at 10,000 documents of the neardup bench that
was 0.1–0.25 CPU-seconds of system time in a run of about 1.2. Here blocks of up to :data:`MMAP_THRESHOLD`
come from the heap, and the heap is trimmed only when :data:`TRIM_THRESHOLD` of its top is free, so the
pages are faulted in once (system time 0.07–0.12 s in such runs). Keeping up to 64 MiB costs a few MiB of
peak memory (146 → 155 MiB at 10,000 documents, 449 → 452–456 MiB at 100,000); never trimming cost 40–48 MiB
at 100,000 for no further gain.

Other C libraries (macOS, musl) are left as they are. And while a command runs, the garbage collector
leaves the objects of the loaded modules alone (:func:`collector_spares_loaded_objects`).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager

MMAP_THRESHOLD = 32 * 1024 * 1024
"""Blocks up to this size come from the heap (glibc's own ceiling for its adaptive bound)."""

TRIM_THRESHOLD = 64 * 1024 * 1024
"""The heap's top is handed back to the system only when this much of it is free."""

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # mallopt parameters, from glibc's malloc.h


def keep_freed_memory() -> bool:
    """Tell glibc to keep freed memory for reuse (see the module docstring); False when not on glibc."""
    try:
        if not os.confstr("CS_GNU_LIBC_VERSION"):
            return False
    except (ValueError, OSError):  # no such name on this system: not glibc
        return False
    import ctypes  # loaded only on glibc

    libc = ctypes.CDLL("libc.so.6")
    return bool(libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(libc.mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))


@contextmanager
def collector_spares_loaded_objects() -> Iterator[None]:
    """While inside, the cyclic garbage collector leaves the objects that existed on entry (the loaded
    modules: NumPy's, Typer's, ours) out of its collections (``gc.freeze``). A run makes many small objects
    (a record, a document, an id each), so collections come often, and a full one walks every loaded object
    again: 15 -> 9 ms of the collector's time in a 10,000-document run of the neardup bench."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
