"""Helpers the test modules share (import them from here, never from another test module): paths to the
bundled examples, the in-process CLI runner's type, and the sample documents and pages several areas use."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SEED_A = EXAMPLES / "000_3bf7e90de235531e.txt"
SEED_B = EXAMPLES / "001_cb855800afc0d414.txt"

RunCli = Callable[..., tuple[int, str, str]]
