"""Containers: directories, JSONL(.gz), WARC(.gz) made with warcio, Parquet made with pyarrow; caps and damage."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from helpers import PARAGRAPH, page
from variorum.errors import InputError
from variorum.extract import Fields, detect_format, extract_record, formats, read_input
from variorum.extract.limits import GzipStream


def statuses(name: str | Path, fields: Fields = Fields()) -> list[tuple[str, str, str | None]]:
    out = []
    for record in read_input(str(name), fields):
        if record.kind == "skipped":
            out.append((record.id, "skipped", record.error))
            continue
        extraction = extract_record(record)
        out.append((extraction.id, extraction.status, extraction.error))
    return out


def test_directory_is_read_recursively_with_ids_that_keep_its_name(tmp_path: Path) -> None:
    tmp_path = tmp_path / "news"
    (tmp_path / "2024" / "march").mkdir(parents=True)
    (tmp_path / "2024" / "march" / "bridge.html").write_bytes(page("Bridge"))
    (tmp_path / "notes.txt").write_text("Bridge Closes\nBy Ann Lee\n\n" + PARAGRAPH)
    (tmp_path / "saved_page").write_bytes(page("Sniffed"))
    (tmp_path / "style.css").write_text("body { color: red }")
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / ".hidden.html").write_bytes(page("Hidden"))
    result = statuses(tmp_path)
    assert result == [
        ("news/2024/march/bridge.html", "ok", None),
        ("news/logo.png", "skipped", "not an article file"),
        ("news/notes.txt", "ok", None),
        ("news/saved_page", "ok", None),
        ("news/style.css", "skipped", "not an article file"),
    ]


def test_format_detection_by_extension_and_sniffing(tmp_path: Path) -> None:
    cases = {
        "a.html": b"plain words", "b": b"  <!DOCTYPE html><html></html>", "c.warc.gz": gzip.compress(b"WARC/1.0"),
        "d": gzip.compress(b'{"text": "x"}\n'), "e": b"PAR1....", "f.jsonl": b"", "g": b"Just text\n",
        "h.bin": b"\x00\x01\x02binary", "i.html.gz": gzip.compress(b"<html>"),
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    found = {name: detect_format(tmp_path / name) for name in cases}
    assert found == {
        "a.html": ("html", False), "b": ("html", False), "c.warc.gz": ("warc", True), "d": ("jsonl", True),
        "e": ("parquet", False), "f.jsonl": ("jsonl", False), "g": ("text", False), "h.bin": (None, False),
        "i.html.gz": ("html", True),
    }


def write_jsonl(path: Path, lines: list[str], compress: bool = False) -> Path:
    data = ("\n".join(lines) + "\n").encode()
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


@pytest.mark.parametrize("compress", [False, True])
def test_jsonl_bad_lines_are_reported_by_line_number_and_counted(tmp_path: Path, compress: bool) -> None:
    path = write_jsonl(tmp_path / ("a.jsonl.gz" if compress else "a.jsonl"), [
        json.dumps({"id": "one", "url": "https://x.example/1", "html": page("One").decode()}),
        "{not json",
        json.dumps({"id": 3, "text": "Three\n\n" + PARAGRAPH}),
        "",
        "[1, 2]",
        json.dumps({"id": "five", "body": "no text field"}),
        json.dumps({"id": "six", "html": "<html><body><nav>Home</nav></body></html>"}),
    ], compress)
    name = str(path)
    assert statuses(path) == [
        ("one", "ok", None),
        (f"{name}:2", "failed", statuses(path)[1][2]),
        ("3", "ok", None),
        (f"{name}:5", "failed", "a JSON list, not an object"),
        ("five", "failed", "no 'html' or 'text' field with content"),
        ("six", "empty", "no article text found"),
    ]
    assert statuses(path)[1][2].startswith("not JSON")


def test_jsonl_field_names_are_configurable(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "c.jsonl", [json.dumps({"doc": "d1", "link": "https://x.example/d1",
                                                          "content": page("Custom").decode()})])
    fields = Fields(id="doc", url="link", html="content")
    records = list(read_input(str(path), fields))
    assert [(r.id, r.url, r.kind) for r in records] == [("d1", "https://x.example/d1", "html")]


def test_jsonl_lines_are_decoded_as_json_decodes_bytes(tmp_path: Path) -> None:
    lines = [b'{"id": "a", "text": "caf\xc3\xa9 \\ud800 lone"}', b'\xef\xbb\xbf{"id": "bom", "text": "x"}',
             b'{"id": "bad", "text": "\xff\xfe"}', '{"id": "w", "text": "wide"}'.encode("utf-16-le"),
             b'{"id": "s", "text": "\xed\xa0\x80 encoded surrogate"}', b'  ["a list"]', b'{"id": "e"']
    source = tmp_path / "mixed.jsonl"
    source.write_bytes(b"\n".join(lines) + b"\n")
    expected = []
    for line in lines:  # what json.loads makes of each line's bytes (the encoding found from them)
        try:
            row = json.loads(line + b"\n")
            expected.append(row["text"] if isinstance(row, dict) else f"a JSON {type(row).__name__}, not an object")
        except ValueError as error:
            expected.append(f"not JSON ({' '.join(str(error).split())})")
    found = [record.payload if record.kind == "text" else record.error for record in read_input(str(source))]
    assert found == expected
    assert found[0] == "caf\u00e9 \ud800 lone" and found[2].startswith("not JSON (")


def test_jsonl_overlong_line_is_failed_and_reading_goes_on(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "long.jsonl", [json.dumps({"text": "x" * 5000}), json.dumps({"text": PARAGRAPH})])
    records = list(formats.read_jsonl(path, False, "long.jsonl", Fields(), max_bytes=1000))
    assert [(r.kind, r.error) for r in records] == [("broken", "line is over the limit of 1,000 bytes"), ("text", None)]


def test_gzip_bomb_is_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = tmp_path / "bomb.jsonl.gz"
    bomb.write_bytes(gzip.compress(b"{" + b" " * 20_000_000 + b"}\n"))
    monkeypatch.setattr(formats, "expansion_limit", lambda size: 100 * size)
    result = statuses(bomb)
    assert len(result) == 1 and result[0][1] == "failed"
    assert "gzip bomb" in (result[0][2] or "")


def test_gzip_stream_reads_members_and_reports_truncation() -> None:
    data = gzip.compress(b"first ") + gzip.compress(b"second")
    assert io.BufferedReader(GzipStream(io.BytesIO(data), 1000, "x")).read() == b"first second"
    truncated = io.BufferedReader(GzipStream(io.BytesIO(data[:-4]), 1000, "x"))
    assert truncated.read() == b"first second"
    with pytest.raises(InputError, match="truncated"):
        truncated.read()


def make_warc(path: Path, compress: bool) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=compress)
    responses = [
        ("https://news.example/a", "text/html; charset=utf-8", "200 OK", page("Alpha")),
        ("https://news.example/logo.png", "image/png", "200 OK", b"\x89PNG..."),
        ("https://news.example/gone", "text/html", "404 Not Found", b"<html>gone</html>"),
        ("https://news.example/b", "text/html; charset=iso-8859-1",  "200 OK",
         page("Beta", "Le café a fermé. " + PARAGRAPH).decode().encode("latin-1")),
        ("https://news.example/c", "text/html", "200 OK", page("Gamma")),
    ]
    writer.write_record(writer.create_warcinfo_record("test.warc", {"software": "pytest"}))
    for url, content_type, status, body in responses:
        headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                      http_headers=headers))
    data = buffer.getvalue()
    path.write_bytes(data)
    return data


@pytest.mark.parametrize("compress", [False, True])
def test_warc_html_responses_become_articles(tmp_path: Path, compress: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if compress else "crawl.warc")
    make_warc(path, compress)
    records = list(read_input(str(path)))
    assert [(r.id, r.kind) for r in records] == [
        ("https://news.example/a", "html"), ("https://news.example/logo.png", "skipped"),
        ("https://news.example/gone", "skipped"), ("https://news.example/b", "html"),
        ("https://news.example/c", "html"),
    ]
    beta = extract_record(records[3])
    assert beta.status == "ok" and beta.article is not None
    assert "Le café a fermé." in beta.article.body and beta.url == "https://news.example/b"
    assert beta.article.fetched_at


@pytest.mark.parametrize("compress", [False, True])
def test_truncated_warc_reports_the_damaged_record(tmp_path: Path, compress: bool) -> None:
    data = make_warc(tmp_path / "whole.warc", compress)
    path = tmp_path / ("cut.warc.gz" if compress else "cut.warc")
    path.write_bytes(data[: len(data) - 120])
    result = statuses(path)
    assert [status for _, status, _ in result[:4]] == ["ok", "skipped", "skipped", "ok"]
    assert result[-1][1] == "failed" and "truncated" in (result[-1][2] or "")


def test_parquet_rows_with_configurable_columns(tmp_path: Path) -> None:
    path = tmp_path / "export.parquet"
    table = pa.table({
        "key": ["p1", "p2", "p3"],
        "page_url": ["https://x.example/1", None, "https://x.example/3"],
        "body": [None, "Plain Title\n\n" + PARAGRAPH, None],
        "raw_html": [page("Parquet").decode(), None, None],
    })
    pq.write_table(table, path, row_group_size=2)
    fields = Fields(id="key", url="page_url", text="body", html="raw_html")
    assert statuses(path, fields) == [
        ("p1", "ok", None), ("p2", "ok", None), ("p3", "failed", "no 'raw_html' or 'body' field with content"),
    ]
    with pytest.raises(InputError, match="has no 'text' or 'html' column"):
        list(read_input(str(path)))


def test_damaged_parquet_and_missing_input_raise_input_errors(tmp_path: Path) -> None:
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1 this is not really parquet PAR1")
    with pytest.raises(InputError, match="not a readable Parquet file"):
        list(read_input(str(broken)))
    with pytest.raises(InputError, match="no such file"):
        list(read_input(str(tmp_path / "missing.html")))
    assert [r.kind for r in read_input((tmp_path / "broken.parquet").as_uri().replace("broken.parquet", ""))] == ["broken"]


def test_truncated_jsonl_gz_keeps_the_readable_lines_and_reports_the_cut(tmp_path: Path) -> None:
    lines = [json.dumps({"id": n, "text": f"Title {n}\n\nParagraph number {n} of the export."}) for n in range(500)]
    whole = gzip.compress(("\n".join(lines) + "\n").encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(whole[: len(whole) // 2])
    records = list(read_input(str(path)))
    assert len(records) > 50 and all(r.kind == "text" for r in records[:-2])
    assert [r.id for r in records[:3]] == ["0", "1", "2"]
    assert records[-1].kind == "broken" and "truncated" in (records[-1].error or "")


def test_warc_record_over_the_cap_fails_and_the_rest_is_read(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc"
    make_warc(path, compress=False)
    records = list(formats.read_warc(path, False, "crawl.warc", max_bytes=200))
    html = [r for r in records if r.kind != "skipped"]
    assert [r.kind for r in html] == ["broken", "broken", "broken"]
    assert all(r.error == "record is over the limit of 200 bytes" for r in html)
