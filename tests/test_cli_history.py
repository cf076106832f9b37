"""``variorum history``, ``show``, ``export`` and ``track feed`` over a store filled with real versions, on
SQLite and PostgreSQL: exact output, formats, exit statuses and one-line errors."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta, timezone

import feedparser
import pyarrow.parquet as pq
import pytest

from variorum import Article
from variorum.store import open_store
from variorum.track.record import record_fetch

STORM = "https://news.example.org/storm"
T0 = datetime(2026, 1, 30, 9, 0, tzinfo=timezone.utc)
BODY = "The storm is 40 km from the coast, officials said.\n\nSchools are closed on Friday."
TEXTS = [
    f"Storm Nears\n\n{BODY}",                                          # v1
    f"Storm Hits Coast\n\n{BODY}",                                     # v2: headline (major)
    f"Storm Hits Coast\n\n{BODY.replace(', officials', ' officials')}",  # v3: punctuation (minor)
]
HEADLINE_VERDICT = "1 substantive change (1 major, 0 minor); similarity"


@pytest.fixture
def db(store_url):
    """A store holding three versions of one article, an hour apart, and one version of another."""
    store = open_store(store_url)
    for n, text in enumerate(TEXTS):
        record_fetch(store, STORM, Article.from_text(text), b"<html/>", T0 + timedelta(hours=n))
    record_fetch(store, "https://news.example.org/calm", Article.from_text("Calm\n\nNothing happened."), b"", T0)
    store.close()
    return store_url


# history --------------------------------------------------------------------------------------------------

def test_history_lists_every_version_as_plain_tab_separated_lines_when_piped(run_cli, db):
    status, out, err = run_cli("history", STORM + "?utm_source=mail#top", "--db", db)
    assert (status, err) == (0, "")
    rows = [line.split("\t") for line in out.splitlines()]
    assert rows[0] == ["version", "fetched", "significance", "title", "summary"]
    assert [row[:4] for row in rows[1:]] == [
        ["1", "2026-01-30 09:00:00Z", "-", "Storm Nears"],
        ["2", "2026-01-30 10:00:00Z", "major", "Storm Hits Coast"],
        ["3", "2026-01-30 11:00:00Z", "minor", "Storm Hits Coast"],
    ]
    assert rows[1][4] == "first version"
    assert rows[2][4].startswith(HEADLINE_VERDICT)
    assert rows[3][4].startswith("1 substantive change (0 major, 1 minor)")


def test_history_json_holds_each_version_and_its_summary(run_cli, db):
    status, out, _ = run_cli("history", STORM, "--format", "json", "--db", db)
    document = json.loads(out)
    assert status == 0 and document["url"] == STORM
    versions = document["versions"]
    assert [(v["version"], v["fetched_at"], v["max_significance"]) for v in versions] == [
        (1, "2026-01-30T09:00:00+00:00", None),
        (2, "2026-01-30T10:00:00+00:00", "major"),
        (3, "2026-01-30T11:00:00+00:00", "minor"),
    ]
    assert versions[0]["summary"] is None
    assert versions[1]["summary"]["by_kind"] == {"headline": 1}
    assert len(versions[2]["content_hash"]) == 64


def test_history_on_a_terminal_is_a_rich_table(run_cli, db, monkeypatch):
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setenv("COLUMNS", "120")
    status, out, _ = run_cli("history", STORM, "--db", db)
    assert status == 0
    assert "\t" not in out
    assert STORM in out.splitlines()[0]
    assert any("│" in line and "Storm Nears" in line and "first version" in line for line in out.splitlines())


def test_history_of_an_unknown_url_is_a_one_line_error(run_cli, db):
    status, out, err = run_cli("history", "https://news.example.org/nothing", "--db", db)
    assert (status, out) == (2, "")
    assert err == "variorum: error: https://news.example.org/nothing: no stored versions of this URL\n"


# show -----------------------------------------------------------------------------------------------------

def test_show_compares_with_the_version_before_by_default_and_exits_1(run_cli, db):
    status, out, err = run_cli("show", STORM, "--to", "2", "--db", db)
    assert (status, err) == (1, "")
    lines = out.splitlines()
    assert lines[0].startswith(HEADLINE_VERDICT)
    assert "“Storm Nears” → “Storm Hits Coast”" in out
    assert "punctuation" not in out


def test_show_against_an_older_version_has_both_changes(run_cli, db):
    status, out, _ = run_cli("show", STORM, "--to", "3", "--from", "1", "--format", "json", "--db", db)
    report = json.loads(out)
    assert status == 1
    assert (report["a"]["title"], report["b"]["title"]) == ("Storm Nears", "Storm Hits Coast")
    assert [(c["kind"], c["significance"]) for c in report["changes"]] == [("headline", "major"), ("punctuation", "minor")]


def test_show_defaults_to_the_latest_version_against_the_one_before(run_cli, db):
    status, out, err = run_cli("show", STORM, "--format", "json", "--db", db)
    report = json.loads(out)
    assert (status, err) == (1, "")
    assert [(c["kind"], c["significance"]) for c in report["changes"]] == [("punctuation", "minor")]


def test_show_the_first_version_alone_compares_it_with_itself(run_cli, db):
    status, out, _ = run_cli("show", STORM, "--to", "1", "--db", db)
    assert status == 0 and out.startswith("No substantive changes")


def test_show_a_version_against_itself_exits_0(run_cli, db):
    status, out, _ = run_cli("show", STORM, "--to", "2", "--from", "2", "--db", db)
    assert status == 0 and out.startswith("No substantive changes")


@pytest.mark.parametrize("fmt, marker", [("html", "<!doctype html>"), ("markdown", "# ")])
def test_show_writes_html_and_markdown_reports_to_a_file(run_cli, db, tmp_path, fmt, marker):
    report = tmp_path / f"report.{fmt}"
    status, out, _ = run_cli("show", STORM, "--to", "2", "--format", fmt, "-o", str(report), "--db", db)
    assert (status, out) == (1, "")
    text = report.read_text(encoding="utf-8")
    assert marker in text and "Storm Hits Coast" in text


@pytest.mark.parametrize("args, message", [
    (["--to", "4"], f"{STORM}: no version 4 (stored versions: 1–3)"),
    (["--to", "2", "--from", "9"], f"{STORM}: no version 9 (stored versions: 1–3)"),
    (["--from", "0"], f"{STORM}: no version 0 (stored versions: 1–3)"),
])
def test_show_unknown_versions_are_one_line_errors(run_cli, db, args, message):
    status, out, err = run_cli("show", STORM, *args, "--db", db)
    assert (status, out, err) == (2, "", f"variorum: error: {message}\n")


def test_show_an_unknown_url_is_a_one_line_error(run_cli, db):
    status, _, err = run_cli("show", "https://news.example.org/nothing", "--to", "2", "--db", db)
    assert (status, err) == (2, "variorum: error: https://news.example.org/nothing: no stored versions of this URL\n")


def test_show_version_1_against_2_shows_the_change_backwards(run_cli, db):
    status, out, _ = run_cli("show", STORM, "--to", "1", "--from", "2", "--db", db)
    assert status == 1 and "“Storm Hits Coast” → “Storm Nears”" in out


# export ---------------------------------------------------------------------------------------------------

def test_export_jsonl_writes_the_three_files_and_says_how_many_records(run_cli, db, tmp_path):
    status, out, _ = run_cli("export", "--format", "jsonl", "-o", str(tmp_path / "out"), "--db", db)
    assert status == 0
    assert out == f"wrote 2 articles, 4 versions, 2 changes to {tmp_path / 'out'}/ (jsonl)\n"
    changes = [json.loads(line) for line in (tmp_path / "out" / "changes.jsonl").read_text().splitlines()]
    assert [(c["kind"], c["to_version"]) for c in changes] == [("headline", 2), ("punctuation", 3)]


def test_export_counts_one_of_a_kind_in_the_singular(run_cli, store_url, tmp_path):
    store = open_store(store_url)
    for n, text in enumerate(TEXTS[:2]):  # one article, two versions, one change: the headline
        record_fetch(store, STORM, Article.from_text(text), b"", T0 + timedelta(hours=n))
    store.close()
    status, out, _ = run_cli("export", "-o", str(tmp_path / "out"), "--db", store_url)
    assert (status, out) == (0, f"wrote 1 article, 2 versions, 1 change to {tmp_path / 'out'}/ (jsonl)\n")


def test_export_parquet(run_cli, db, tmp_path):
    status, _, _ = run_cli("export", "--format", "parquet", "-o", str(tmp_path), "--db", db)
    assert status == 0
    assert pq.read_table(tmp_path / "versions.parquet").num_rows == 4


def test_export_into_an_unwritable_place_is_a_one_line_error(run_cli, db, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    status, _, err = run_cli("export", "-o", str(blocker / "out"), "--db", db)
    assert status == 2 and err.startswith(f"variorum: error: {blocker / 'out'}: cannot write the export")


# track feed -----------------------------------------------------------------------------------------------

def test_track_feed_writes_an_atom_file_of_the_changes_newest_first(run_cli, db, tmp_path):
    feed = tmp_path / "public" / "changes.xml"
    feed.parent.mkdir()
    status, out, _ = run_cli("track", "feed", "-o", str(feed), "--self-url", "https://example.org/changes.xml",
                             "--db", db)
    assert (status, out) == (0, f"wrote 2 changes to {feed}\n")
    parsed = feedparser.parse(feed.read_bytes())
    assert parsed.bozo == 0 and parsed.version == "atom10"
    assert [e.title for e in parsed.entries] == ["Storm Hits Coast (version 3)", "Storm Hits Coast (version 2)"]
    assert parsed.entries[1].summary.startswith(
        "headline changed. Headline: “Storm Nears” → “Storm Hits Coast”. Version 1 → 2, major change")
    assert parsed.feed.updated == "2026-01-30T11:00:00Z"
    assert list(feed.parent.iterdir()) == [feed]  # no temporary file left behind
    assert oct(feed.stat().st_mode & 0o777) == "0o644"


def test_track_feed_filters_by_significance_and_limit_and_prints_to_stdout(run_cli, db):
    status, out, _ = run_cli("track", "feed", "--min-significance", "major", "--db", db)
    assert status == 0
    assert [e.title for e in feedparser.parse(out).entries] == ["Storm Hits Coast (version 2)"]
    _, out, _ = run_cli("track", "feed", "--limit", "1", "--db", db)
    assert [e.title for e in feedparser.parse(out).entries] == ["Storm Hits Coast (version 3)"]
    status, _, err = run_cli("track", "feed", "--limit", "0", "--db", db)
    assert status == 2 and "--limit" in err


def test_track_feed_replaces_an_old_feed_and_reports_an_unwritable_place(run_cli, db, tmp_path):
    feed = tmp_path / "changes.xml"
    feed.write_text("old")
    assert run_cli("track", "feed", "-o", str(feed), "--db", db)[0] == 0
    assert len(feedparser.parse(feed.read_bytes()).entries) == 2
    status, _, err = run_cli("track", "feed", "-o", str(tmp_path / "missing" / "changes.xml"), "--db", db)
    assert status == 2 and err.startswith(f"variorum: error: {tmp_path / 'missing' / 'changes.xml'}: cannot write the feed")
