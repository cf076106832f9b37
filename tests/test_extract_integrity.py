"""Inputs keep their identity and bad ones give one line: the integrity issue's reproducers, each a test.

Ids unique across inputs, the ``--*-field`` options on every command that reads JSONL, feed files, binary
data behind a BOM, empty inputs, and the campaign's faults (deep JSON, damaged WARC, non-UTF-8 names, a full
disk, unreadable files, FIFOs and other special entries inside folders).
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from helpers import SEED_A
from helpers import articles
from variorum.extract import extract_record, formats, read_input

VARIORUM = [sys.executable, "-c", "from variorum.cli.app import main; main()"]
PARAGRAPH = ("The council voted on Tuesday to close the old bridge for repairs, which are expected to take "
             "six months and cost more than two million pounds, officials said.")


def run(*args: str, timeout: float = 60, **kwargs: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "src")}
    return subprocess.run([*VARIORUM, *args], check=False, capture_output="stdout" not in kwargs, text=True, timeout=timeout,
                          env=env, **kwargs)  # type: ignore[call-overload]


def one_line_error(err: str, name: str, problem: str) -> bool:
    return err.startswith(f"variorum: error: {name}: {problem}") and err.count("\n") == 1 and "Traceback" not in err


def page(title: str) -> bytes:
    return (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1><p>{PARAGRAPH}</p>"
            f"<p>{PARAGRAPH} It was the second such vote this year.</p></article></body></html>").encode()


# Identity ---------------------------------------------------------------------------------------------

def test_dedup_ids_are_unique_across_input_folders(run_cli, tmp_path: Path) -> None:
    texts = articles(2)
    for folder, text in (("a", texts[0]), ("b", texts[1])):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "story.txt").write_text(text, encoding="utf-8")
    status, out, _ = run_cli("dedup", str(tmp_path / "a"), str(tmp_path / "b"), "--format", "csv")
    assert status == 0
    assert sorted(row["id"] for row in csv.DictReader(io.StringIO(out))) == ["a/story.txt", "b/story.txt"]
    status, out, _ = run_cli("extract", "-f", "jsonl", str(tmp_path / "a"), str(tmp_path / "b" / "story.txt"))
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["a/story.txt", "b/story.txt"]


def test_index_query_keeps_the_folder_in_ids(run_cli, tmp_path: Path) -> None:
    texts = articles(3)
    site = tmp_path / "site"
    site.mkdir()
    for n, text in enumerate(texts):
        (site / f"story{n}.txt").write_text(text, encoding="utf-8")
    assert run_cli("index", "add", str(tmp_path / "index"), str(site))[0] == 0
    status, out, _ = run_cli("index", "query", str(tmp_path / "index"), str(site), "-f", "json")
    results = json.loads(out)
    assert status == 0 and [r["id"] for r in results] == ["site/story0.txt", "site/story1.txt", "site/story2.txt"]
    assert results[0]["matches"][0]["id"] == "site/story0.txt"


def test_an_input_named_twice_or_inside_another_is_refused(run_cli, tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "a.txt").write_text("Title\n\n" + PARAGRAPH)
    code, _, err = run_cli("dedup", str(tmp_path / "site"), str(tmp_path / "site" / "a.txt"))
    assert code == 2 and one_line_error(err, str(tmp_path / "site" / "a.txt"), "is inside")
    code, _, err = run_cli("extract", str(tmp_path / "site"), str(tmp_path / "site") + "/")
    assert code == 2 and "named twice" in err


def test_field_options_on_dedup_and_index(run_cli, tmp_path: Path) -> None:
    texts = articles(2)
    source = tmp_path / "custom.jsonl"
    source.write_text("".join(json.dumps({"key": k, "body": t}) + "\n"
                              for k, t in [("one", texts[0]), ("two", texts[1]), ("copy", texts[0])]))
    status, out, err = run_cli("dedup", str(source), "--text-field", "body", "--id-field", "key", "-f", "csv")
    assert status == 0 and "left out" not in err
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(out))}
    assert rows["copy"]["representative"] == "one" and rows["two"]["cluster"] != rows["one"]["cluster"]
    status, _, err = run_cli("index", "add", str(tmp_path / "index"), str(source), "--text-field", "body",
                             "--id-field", "key")
    assert status == 0 and "added 2 documents" in err and "skipped 1 document with the same text" in err
    status, out, _ = run_cli("index", "query", str(tmp_path / "index"), str(source), "--text-field", "body",
                             "--id-field", "key", "-f", "json")
    assert [r["id"] for r in json.loads(out)] == ["one", "two", "copy"]


# Feeds ------------------------------------------------------------------------------------------------

RSS = (b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Daily Planet</title>'
       b'<item><title>Rain expected</title><link>https://planet.example/rain</link>'
       b'<description>It will rain tomorrow across the region, forecasters said.</description></item>'
       b'<item><title>Bridge closes</title><link>https://planet.example/bridge</link></item>'
       b'</channel></rss>')
ATOM = (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom News</title><entry><title>One</title>'
        b'<link href="https://atom.example/1"/></entry></feed>')
JSON_FEED = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "JSON News",
                        "items": [{"id": "1", "url": "https://json.example/1", "title": "First"}]}, indent=2)


def test_extract_reports_a_feed_with_its_item_links(run_cli, tmp_path: Path) -> None:
    (tmp_path / "feed.xml").write_bytes(RSS)
    (tmp_path / "atom.html").write_bytes(ATOM)
    (tmp_path / "feed.json").write_text(JSON_FEED)
    names = [str(tmp_path / n) for n in ("feed.xml", "atom.html", "feed.json")]
    code, out, err = run_cli("extract", "-f", "jsonl", *names)
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [(r["id"], r["status"], r["title"]) for r in rows] == [
        ("feed.xml", "feed", "Daily Planet"), ("atom.html", "feed", "Atom News"), ("feed.json", "feed", "JSON News")]
    assert rows[0]["links"] == [{"text": "Rain expected", "href": "https://planet.example/rain"},
                                {"text": "Bridge closes", "href": "https://planet.example/bridge"}]
    assert rows[0]["text"] == "" and "forecasters" not in out
    assert "0 extracted" in err and "3 feeds (4 item links)" in err
    code, out, _ = run_cli("extract", str(tmp_path / "feed.xml"))
    assert out == "feed: Daily Planet\nhttps://planet.example/rain  Rain expected\nhttps://planet.example/bridge  Bridge closes\n"


def test_dedup_does_not_count_a_feed_as_a_document(run_cli, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "feed.xml").write_bytes(RSS)
    (site / "story.txt").write_text(articles(1)[0])
    code, _, err = run_cli("dedup", str(site))
    assert code == 0 and "1 document," in err and "1 records left out" in err
    assert "site/feed.xml: a feed of 2 items, not an article; left out" in err


# Binary data and empty inputs -------------------------------------------------------------------------

def test_binary_detection_looks_past_a_utf8_bom(run_cli, tmp_path: Path) -> None:
    binary = tmp_path / "bom.txt"
    binary.write_bytes(b"\xef\xbb\xbfHello\x00\x01\x02\x03 world\x1b[31m\x00" * 20)
    code, _, err = run_cli("diff", str(binary), str(SEED_A))
    assert code == 2 and one_line_error(err, str(binary), "binary data, not text")
    assert formats.sniff(binary.read_bytes()) is None


# Campaign faults --------------------------------------------------------------------------------------

def test_jsonl_line_nested_100k_deep_is_one_failed_record(run_cli, tmp_path: Path) -> None:
    path = tmp_path / "deep.jsonl"
    path.write_text("[" * 100_000 + "]" * 100_000 + "\n" + json.dumps({"id": "ok", "text": "Title\n\n" + PARAGRAPH})
                    + "\n" + '{"text": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    code, out, err = run_cli("extract", "-f", "jsonl", str(path))
    assert code == 0 and "Traceback" not in err
    assert [(r["id"], r["status"]) for r in map(json.loads, out.splitlines())] == [
        (f"{path}:1", "failed"), ("ok", "ok"), (f"{path}:3", "failed")]
    assert f"{path}:1: JSON nested too deeply to read" in err


def warc_bytes(target: bool = True) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    for url in ("https://x.example/a", "https://x.example/b"):
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(page(url[-1])),
                                                      http_headers=headers))
    data = buffer.getvalue()
    return data if target else data.replace(b"WARC-Target-URI: https://x.example/a\r\n", b"")


def test_warc_record_without_target_uri_is_read_by_its_record_id(tmp_path: Path) -> None:
    path = tmp_path / "nouri.warc"
    path.write_bytes(warc_bytes(target=False))
    records = list(read_input(str(path)))
    assert [r.kind for r in records] == ["html", "html"]
    assert records[0].id.startswith("<urn:uuid:") and records[0].url is None
    assert extract_record(records[0]).status == "ok"


def test_warc_cut_anywhere_in_its_headers_reports_a_broken_record(tmp_path: Path) -> None:
    data = warc_bytes()
    second = data.index(b"WARC/1.", 10)
    http_end = data.index(b"\r\n\r\n", data.index(b"HTTP/1.1"))
    path = tmp_path / "cut.warc"
    for cut in (12, 40, 200, data.index(b"\r\n\r\n") + 2, http_end - 5, second + 30):
        path.write_bytes(data[:cut])
        records = list(read_input(str(path)))
        assert records and records[-1].kind == "broken", cut
        assert records[-1].error in ("record cut in its headers (truncated file)", "record is truncated"), cut
        assert len(records) == (2 if cut > second else 1), cut


def test_non_utf8_file_names_are_escaped_in_output_files(run_cli, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / os.fsdecode(b"caf\xe9.txt")).write_text("Title\n\n" + PARAGRAPH)
    out_file = tmp_path / os.fsdecode(b"out\xff.jsonl")
    code, _, err = run_cli("extract", "-f", "jsonl", str(site), "-o", str(out_file))
    assert code == 0 and "Traceback" not in err
    assert json.loads(out_file.read_text(encoding="utf-8"))["id"] == "site/caf\\xe9.txt"


def test_standard_output_on_a_full_disk_is_one_line(tmp_path: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    (tmp_path / "a.txt").write_text("Title\n\n" + PARAGRAPH)
    for args in (("extract", str(tmp_path / "a.txt")), ("diff", str(SEED_A), str(tmp_path / "a.txt"))):
        with open("/dev/full", "w") as full:
            result = run(*args, stdout=full, stderr=subprocess.PIPE)
        assert result.returncode == 2
        assert result.stderr == "variorum: error: standard output: cannot be written (No space left on device)\n"


def test_an_unreadable_single_file_is_one_line(run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked.html"
    locked.write_bytes(page("Locked"))
    real_open = Path.open

    def refusing_open(self: Path, *args: object, **kwargs: object) -> object:
        if self == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", refusing_open)  # mode 000 does not stop root: the refusal is faked
    code, _, err = run_cli("extract", str(locked))
    assert code == 2 and one_line_error(err, str(locked), "cannot be read (Permission denied)")


def test_a_fifo_as_input_is_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.html"
    os.mkfifo(fifo)
    for args in (("extract", str(fifo)), ("dedup", str(fifo)), ("diff", str(fifo), str(SEED_A)),
                 ("collate", str(SEED_A), str(fifo)), ("index", "query", str(tmp_path / "ix"), str(fifo))):
        result = run(*args, timeout=30)
        assert result.returncode == 2, args
        assert one_line_error(result.stderr, str(fifo), "not a regular file (a FIFO)"), (args, result.stderr)


def test_special_entries_inside_a_folder_are_left_out_and_counted(
    run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    (site / "locked").mkdir(parents=True)
    (site / "locked" / "hidden-story.txt").write_text("Title\n\n" + PARAGRAPH)
    (site / "story.txt").write_text(articles(1)[0])
    os.mkfifo(site / "pipe.txt")
    (site / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    (site / "zero.txt").symlink_to("/dev/zero")
    real_list = formats._list

    def listing(folder: str) -> list[os.DirEntry[str]]:
        if folder.endswith("locked"):  # mode 000 does not stop root: the refusal is faked
            raise PermissionError(13, "Permission denied", folder)
        return real_list(folder)

    monkeypatch.setattr(formats, "_list", listing)
    statuses = {r.id: (r.kind, r.error) for r in read_input(str(site))}
    assert statuses == {
        "site/dangling.txt": ("broken", "a broken symbolic link"),
        "site/locked": ("broken", "a folder that cannot be read"),
        "site/pipe.txt": ("skipped", "not a regular file (a FIFO)"),
        "site/story.txt": ("text", None),
        "site/zero.txt": ("skipped", "not a regular file (a character device)"),
    }
    code, _, err = run_cli("extract", "-f", "jsonl", str(site))
    assert code == 0 and "read 3 records: 1 extracted, 0 empty (no article text found), 2 failed; 2 skipped" in err
    code, _, err = run_cli("dedup", str(site))
    assert code == 0 and "1 document," in err and "4 records left out" in err
