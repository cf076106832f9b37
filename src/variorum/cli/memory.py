"""Keep freed memory in the process: large NumPy temporaries reuse it instead of faulting in fresh pages.

By default glibc's ``malloc`` serves every block over 128 KiB with a fresh ``mmap`` (the bound grows only as
such blocks are freed) and hands the top of its heap back to the system whenever more than twice that is free.
A command that makes and drops many arrays of some megabytes — ``variorum dedup``, batch after batch —
then has the kernel map and zero those pages again each time: at 10,000 documents of the neardup bench that
was 0.1–0.25 CPU-seconds of system time in a run of about 1.2, at 100,000 documents about 1.1 of 6. With
blocks of up to :data:`MMAP_THRESHOLD` taken from the heap and the heap kept, the pages are faulted in once.
The cost is that the process keeps its peak heap until it exits (a few per cent more peak memory in those
runs), which suits a command that runs once and ends.

Other C libraries (macOS, musl) are left as they are.
"""

from __future__ import annotations

import os

MMAP_THRESHOLD = 32 * 1024 * 1024
"""Blocks up to this size come from the heap (glibc's own ceiling for its adaptive bound)."""

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
    return bool(libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(libc.mallopt(_M_TRIM_THRESHOLD, 2**31 - 1))
