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


_PROMO = "Sign up for the Example Daily newsletter and get the morning briefing in your inbox."
_STORIES = [
    ["The harbour authority approved a new ferry terminal on Monday after two years of planning.",
     "Construction is expected to begin in the spring and last eighteen months, officials said."],
    ["A rare orchid was found growing beside a railway line in the north of the county.",
     "Botanists said the plant had not been recorded in the region for more than forty years."],
    ["The city library will open on Sundays again from next month, the council announced.",
     "Sunday opening was cut three years ago to save money on staff and heating."],
    ["Local bakers raised more than four thousand pounds for the hospice at a weekend fair.",
     "The fair drew visitors from neighbouring towns despite heavy rain on Saturday afternoon."],
]


def test_a_dedup_cluster_is_collated_without_the_template_its_corpus_shows(tmp_path: Path):
    """The promo box appears in one version only; the corpus's other stories of the site carry it too, so
    it is the site's template and no variant site, while the real edit still is one."""
    story = ["The city council voted 7 to 2 on Tuesday to approve a budget of 48 million dollars for the coming "
             "year, ending weeks of debate over road repairs and library hours.",
             "The plan adds 12 police officers and restores Sunday hours at the main library, which had been "
             "closed on weekends since the spring of last year.",
             "Opponents said the budget relies on an optimistic forecast of sales tax revenue that may not hold "
             "if the regional economy slows next year, as some economists expect.",
             "Council member David Chen, one of the two votes against the plan, said he would propose "
             "amendments in January to set aside more money for emergencies.",
             "The budget takes effect on January 1, and the council will review spending again at its meeting "
             "in the spring, when updated revenue figures are due."]
    edited = [story[0], story[1].replace("12 police", "15 police"), *story[2:]]
    lines = [{"id": "v1", "url": "https://example-news.com/budget", "text": "\n\n".join(story)},
             {"id": "v2", "url": "https://example-news.com/budget", "text": "\n\n".join([*edited, _PROMO])}]
    lines += [{"id": f"s{n}", "url": f"https://www.example-news.com/story-{n}", "text": "\n\n".join([*body, _PROMO])}
              for n, body in enumerate(_STORIES)]
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    clusters = tmp_path / "clusters.jsonl"
    clusters.write_text(run("dedup", "--format", "jsonl", str(corpus)).stdout, encoding="utf-8")
    number = next(c["cluster"] for c in map(json.loads, clusters.read_text().splitlines())
                  if {m["id"] for m in c["members"]} == {"v1", "v2"})
    data = json.loads(run("collate", "-f", "json", "--cluster", str(clusters), "--cluster-id", str(number),
                          str(corpus)).stdout)
    readings = json.dumps(data["sites"])
    assert "15" in readings and "newsletter" not in readings, readings
    alone = tmp_path / "alone.jsonl"  # without other stories of the site, the promo is a variant
    alone.write_text("".join(json.dumps(line) + "\n" for line in lines[:2]), encoding="utf-8")
    alone_clusters = tmp_path / "alone-clusters.jsonl"
    alone_clusters.write_text(run("dedup", "--format", "jsonl", str(alone)).stdout, encoding="utf-8")
    data = json.loads(run("collate", "-f", "json", "--cluster", str(alone_clusters), str(alone)).stdout)
    assert "newsletter" in json.dumps(data["sites"])


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
