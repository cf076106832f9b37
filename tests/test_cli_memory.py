"""The dedup command's malloc setting: glibc keeps freed memory for reuse; other C libraries are left alone."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from variorum.cli.memory import keep_freed_memory


def _on_glibc() -> bool:
    try:
        return bool(os.confstr("CS_GNU_LIBC_VERSION"))
    except (ValueError, OSError):
        return False


def test_keep_freed_memory_is_set_exactly_on_glibc() -> None:
    # In a process of its own, so the test run keeps its allocator as it was.
    code = "from variorum.cli.memory import keep_freed_memory; print(keep_freed_memory())"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert result.stdout.strip() == str(_on_glibc())


def test_keep_freed_memory_returns_false_without_glibc(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_glibc(name: str) -> str | None:
        raise ValueError(f"unrecognized configuration name {name!r}")

    monkeypatch.setattr(os, "confstr", no_glibc)
    assert keep_freed_memory() is False


def test_the_collector_spares_the_objects_there_before_and_only_while_inside() -> None:
    import gc

    from variorum.cli.memory import collector_spares_loaded_objects

    before = gc.get_freeze_count()
    with collector_spares_loaded_objects():
        assert gc.get_freeze_count() > before
        made_inside = [[]]
        made_inside[0].append(made_inside)  # a cycle made inside is still collected
        del made_inside
        assert gc.collect() > 0
    assert gc.get_freeze_count() == 0
