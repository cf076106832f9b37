"""Shared test helpers: paths to the bundled examples and to the shared real-article corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SEED_A = EXAMPLES / "000_3bf7e90de235531e.txt"
SEED_B = EXAMPLES / "001_cb855800afc0d414.txt"


@pytest.fixture
def seeds() -> tuple[str, str]:
    return SEED_A.read_text(encoding="utf-8"), SEED_B.read_text(encoding="utf-8")
