"""Bounded comparison cost: work near-linear in paragraphs, memory a multiple of the inputs, and a clear
error past the documented ceiling (docs/compare-engine.md, "Limits"). Costs are counted, never timed."""

from __future__ import annotations

import sys
import tracemalloc
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from variorum.compare import compare, engine
from variorum.errors import InputError

ENGINE_DIR = str(Path(engine.__file__).parent)


def lines_run(a: str, b: str) -> int:
    """How many lines of the comparison engine (compare/*.py) run to compare ``a`` with ``b``."""
    count = 0

    def trace(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if not frame.f_code.co_filename.startswith(ENGINE_DIR):
            return None
        if event == "line":
            count += 1
        return trace

    sys.settrace(trace)
    try:
        compare(a, b)
    finally:
        sys.settrace(None)
    return count


def test_every_paragraph_replaced_costs_work_linear_in_paragraphs():
    # "a.\n\n" * 10**5 against "b.\n\n" * 10**5 took 193 s: each removed paragraph scanned back over all the
    # paragraphs before it. Doubling the paragraphs now doubles the lines run (it quadrupled them).
    small, large = lines_run("a.\n\n" * 1_000, "b.\n\n" * 1_000), lines_run("a.\n\n" * 2_000, "b.\n\n" * 2_000)
    assert large / small < 2.3


def test_every_paragraph_replaced_is_reported():
    result = compare("a.\n\n" * 5_000, "b.\n\n" * 5_000)
    kinds = [c.kind for c in result.substantive_changes]
    assert kinds.count("paragraph_removed") == kinds.count("paragraph_added") == 5_000
    removed = [c for c in result.changes if c.kind == "paragraph_removed"]
    assert all(c.new_span == (0, 0) for c in removed)  # nothing of A kept, so each goes at the start of B


def test_one_long_line_costs_memory_a_small_multiple_of_its_size():
    # One line each, no sentence end, every other word different (so the lines pair as one edited paragraph):
    # past MAX_WORD_DIFF_CHARS the differing sentence is one edit, not a list of a million words each side
    # (a 49 MiB line took 6.1 GB).
    repeats = 2 * engine.MAX_WORD_DIFF_CHARS // 11
    a, b = " ".join(["alpha beta"] * repeats), " ".join(["alpha gamma"] * repeats)
    tracemalloc.start()
    try:
        result = compare(a, b)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    [change] = result.substantive_changes
    assert change.kind == "wording" and change.old_span == (0, len(a)) and change.new_span == (0, len(b))
    assert peak < 12 * (len(a) + len(b))


def test_a_text_over_the_ceiling_is_refused_with_one_line(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(engine, "MAX_TEXT_CHARS", 1_000)
    with pytest.raises(InputError) as refused:
        compare("short", "x" * 1_001)
    assert str(refused.value) == "version B: text is 1,001 characters, over the comparison limit of 1,000"
    with pytest.raises(InputError):
        compare("x" * 1_001, "x" * 1_001)
