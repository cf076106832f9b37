"""``variorum collate`` as a user runs it: formats, exit statuses, dedup clusters, and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import SEED_A, SEED_B

VARIORUM = [sys.executable, "-c", "from variorum.cli.app import main; main()"]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*VARIORUM, *args], capture_output=True, text=True, timeout=120, cwd=cwd)


@pytest.fixture
def witnesses(tmp_path: Path) -> list[str]:
    third = tmp_path / "third.txt"
    third.write_text(SEED_A.read_text(encoding="utf-8").replace("Kremlin", "Moscow"), encoding="utf-8")
    return [str(SEED_A), str(SEED_B), str(third)]


def test_text_report_numbers_the_sites_in_the_base_and_lists_the_apparatus(witnesses):
    result = run("collate", *witnesses)
    assert result.returncode == 1
    assert result.stdout.startswith("3 witnesses, 4 variant sites (2 major, 2 minor)")
    assert "[3⟨Kremlin⟩]" in result.stdout
    assert f"a “Moscow” — {witnesses[2]}" in result.stdout


def test_json_html_markdown_and_output_file(witnesses, tmp_path: Path):
    data = json.loads(run("collate", "--ordered", "--base", witnesses[1], "-f", "json", *witnesses).stdout)
    assert data["format"] == "variorum.collation/1" and data["base"] == witnesses[1]
    assert len(data["versions"]) == 3 and data["sentences"]
    page = tmp_path / "report.html"
    assert run("collate", "-f", "html", "-o", str(page), *witnesses).returncode == 1
    assert 'id="apparatus-s1"' in page.read_text(encoding="utf-8")
    assert run("collate", "-f", "markdown", *witnesses).stdout.startswith("# Collation of 3 witnesses")


def test_identical_witnesses_exit_0(tmp_path: Path):
    copy = tmp_path / "copy.txt"
    copy.write_text(SEED_A.read_text(encoding="utf-8"), encoding="utf-8")
    result = run("collate", str(SEED_A), str(copy))
    assert result.returncode == 0
    assert result.stdout.startswith("2 witnesses, 0 variant sites")


def test_a_dedup_cluster_is_collated(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for seed in (SEED_A, SEED_B):
        (corpus / seed.name).write_text(seed.read_text(encoding="utf-8"), encoding="utf-8")
    clusters = tmp_path / "clusters.jsonl"
    clusters.write_text(run("dedup", "--format", "jsonl", str(corpus)).stdout, encoding="utf-8")
    result = run("collate", "--cluster", str(clusters), "--cluster-id", "0", str(corpus))
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("2 witnesses, 3 variant sites")
    assert SEED_A.name in result.stdout and SEED_B.name in result.stdout
    missing = run("collate", "--cluster", str(clusters), str(SEED_A))
    assert missing.returncode == 2 and "is not in the corpus given" in missing.stderr


def _bad(tmp_path: Path) -> dict[str, list[str]]:
    empty, binary = tmp_path / "empty.txt", tmp_path / "image.bin"
    empty.write_bytes(b"")
    binary.write_bytes(bytes(range(256)) * 4)
    return {
        "one witness": [str(SEED_A)],
        "duplicate id": [str(SEED_A), str(SEED_A)],
        "empty": [str(SEED_A), str(empty)],
        "binary": [str(SEED_A), str(binary)],
        "unknown base": ["--base", "nope", str(SEED_A), str(SEED_B)],
        "missing file": [str(SEED_A), str(tmp_path / "absent.txt")],
    }


@pytest.mark.parametrize("case, expected", [
    ("one witness", "at least two witnesses, got 1"),
    ("duplicate id", "named twice"),
    ("empty", "is empty"),
    ("binary", "binary"),
    ("unknown base", "base 'nope' is not one of the witness ids"),
    ("missing file", "no such file"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, case: str, expected: str):
    result = run("collate", *_bad(tmp_path)[case])
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("variorum: error: ") and expected in lines[0]
