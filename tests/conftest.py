"""Shared test helpers: paths to the bundled examples and to the shared real-article corpus."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable

import pytest

from variorum.cli.app import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SEED_A = EXAMPLES / "000_3bf7e90de235531e.txt"
SEED_B = EXAMPLES / "001_cb855800afc0d414.txt"


@pytest.fixture
def seeds() -> tuple[str, str]:
    return SEED_A.read_text(encoding="utf-8"), SEED_B.read_text(encoding="utf-8")


RunCli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run_cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> RunCli:
    """Run ``variorum ARGS...`` in this process; return its exit status, standard output and error."""

    def run(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["variorum", *args])
        with pytest.raises(SystemExit) as stop:
            main()
        captured = capsys.readouterr()
        return int(stop.value.code or 0), captured.out, captured.err

    return run
