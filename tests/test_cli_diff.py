"""``variorum diff`` as a user runs it: exit statuses, formats, standard input, and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import SEED_A, SEED_B

VARIORUM = [sys.executable, "-c", "from variorum.cli.app import main; main()"]


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*VARIORUM, *args], input=stdin.decode() if stdin else None, capture_output=True,
                          text=True, timeout=120)


def test_seeds_exit_1_and_list_the_changes_in_plain_text():
    result = run("diff", str(SEED_A), str(SEED_B))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("4 substantive changes (1 major, 3 minor)")
    assert "speaker: Dmitry Peskov" in result.stdout
    assert "date 2026/04/11 → 2024/04/27" in result.stdout
    assert "layout" not in result.stdout
    assert "layout" in run("diff", "--all", str(SEED_A), str(SEED_B)).stdout


def test_same_file_exits_0():
    result = run("diff", str(SEED_A), str(SEED_A))
    assert result.returncode == 0
    assert result.stdout.startswith("No substantive changes")


def test_json_is_the_documented_comparison(tmp_path: Path):
    out = tmp_path / "report.json"
    result = run("diff", "--format", "json", "-o", str(out), str(SEED_A), str(SEED_B))
    assert result.returncode == 1 and result.stdout == ""
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["format"] == "variorum.comparison/1"
    assert report["summary"]["substantive"] == 4
    assert set(report["changes"][0]) == {"kind", "significance", "old", "new", "old_span", "new_span", "context", "detail"}
    text_a = SEED_A.read_text(encoding="utf-8")
    headline = report["changes"][0]
    assert headline["kind"] == "headline"
    start, end = headline["old_span"]
    assert " ".join(text_a[start:end].split()) == headline["old"]


def test_html_is_self_contained_and_escapes_article_text(tmp_path: Path):
    hostile_a = tmp_path / "a.txt"
    hostile_b = tmp_path / "b.txt"
    hostile_a.write_text("A story about <script>alert(1)</script> tags.\n", encoding="utf-8")
    hostile_b.write_text("A story about <img src=x onerror=alert(2)> tags.\n", encoding="utf-8")
    result = run("diff", "--format", "html", str(hostile_a), str(hostile_b))
    assert result.returncode == 1
    page = result.stdout
    assert page.count("<script") == 1  # the page's own view toggle, nothing from the articles
    assert "<img" not in page and "&lt;img src=x onerror=alert(2)&gt;" in page
    assert "http://" not in page and "https://" not in page  # no external assets
    assert 'id="c1"' in page and 'href="#c1"' in page


def test_markdown_report():
    result = run("diff", "--format", "markdown", str(SEED_A), str(SEED_B))
    assert result.returncode == 1
    assert "| 1 | major | headline |" in result.stdout


def test_standard_input_and_file_urls():
    result = run("diff", "-", SEED_B.as_uri(), stdin=SEED_A.read_bytes())
    assert result.returncode == 1
    assert result.stdout.startswith("4 substantive changes")


def test_an_empty_file_is_one_line_error_for_diff_as_for_collate(tmp_path: Path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b" \n\n")
    for command in ("diff", "collate"):
        result = run(command, str(empty), str(SEED_B))
        assert result.returncode == 2 and result.stdout == ""
        assert result.stderr == f"variorum: error: {empty}: is empty; there is no text to compare\n"


def test_utf16_and_bom_inputs_decode(tmp_path: Path):
    text = SEED_B.read_text(encoding="utf-8")
    utf16 = tmp_path / "b16.txt"
    utf16.write_bytes(text.encode("utf-16"))
    bom = tmp_path / "bbom.txt"
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert run("diff", str(SEED_B), str(utf16)).returncode == 0
    assert run("diff", str(SEED_B), str(bom)).returncode == 0


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "missing.txt", "no such file"),
        (lambda d: d, "is a directory"),
        (lambda d: (d / "bin.dat").write_bytes(bytes(range(256)) * 3) and d / "bin.dat", "binary data"),
        (lambda d: (d / "big.txt").write_bytes(b"word " * 300) and d / "big.txt", "over the limit"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_2(tmp_path: Path, make, message):
    path = make(tmp_path)
    result = run("diff", "--max-bytes", "1000", str(path), str(SEED_A))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"variorum: error: {path}") and message in lines[0]
    assert "Traceback" not in result.stderr


def test_legacy_encoding_is_read_with_a_warning(tmp_path: Path):
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Le café était fermé à Zürich, a déclaré le maire.\n".encode("latin-1"))
    same = tmp_path / "utf8.txt"
    same.write_text("Le café était fermé à Zürich, a déclaré le maire.\n", encoding="utf-8")
    result = run("diff", str(latin), str(same))
    assert result.returncode == 0
    assert "warning" in result.stderr and "not UTF-8" in result.stderr
