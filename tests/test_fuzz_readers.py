"""A fuzzing campaign over every reader and the two engines: nothing but the documented error, no hang, bounded memory.

Each reader is fed generated and mutated inputs (hypothesis): HTML, feeds, JSONL, WARC (truncated, mutated,
gzip bombs), Parquet (wrong schemas), plain text (BOMs, NULs, surrogates, control bytes), and the comparison
and collation engines their texts. Readers may only raise :class:`~variorum.errors.InputError` (for a whole
input) or turn a bad record into a ``broken``/``failed`` one; extraction never raises; the engines raise
nothing but :class:`~variorum.errors.VariorumError` (and, for collation, its documented ``ValueError``\\ s).
Each call runs under an alarm (a hang fails the test) and the large cases under a memory bound measured with
tracemalloc.

The normal run tries ``VARIORUM_FUZZ_EXAMPLES`` (default 40) inputs per reader, derandomised, so the suite
stays quick and repeatable; a long campaign sets it higher (``VARIORUM_FUZZ_EXAMPLES=5000``) and
``VARIORUM_FUZZ_LONG=1`` (random seeds, and the largest inputs: 10^6 paragraphs). Figures: docs/integrity.md.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import signal
import tempfile
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from variorum.cli.inputs import load_article
from variorum.compare import compare
from variorum.compare.collate import collate
from variorum.errors import InputError, VariorumError
from variorum.extract import Fields, extract_record, read_input
from variorum.extract.feeds import read_feed
from variorum.extract.limits import EXPANSION_FLOOR
from variorum.extract.plaintext import article_from_text
from variorum.extract.records import EMPTY, FAILED, FEED, OK, Record
from variorum.text.decode import decode_text

EXAMPLES = int(os.environ.get("VARIORUM_FUZZ_EXAMPLES", "40"))
LONG = os.environ.get("VARIORUM_FUZZ_LONG") == "1"
HANG_SECONDS = 60
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=not LONG,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
T = TypeVar("T")


class Hang(BaseException):
    """Raised by the alarm: a BaseException, so that no ``except Exception`` in the code under test hides it."""


@contextmanager
def no_hang(seconds: int = HANG_SECONDS) -> Iterator[None]:
    def ring(signum: int, frame: Any) -> None:
        raise Hang(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def within_memory(limit: int, call: Callable[[], T]) -> T:
    """``call()``, failing when the Python heap grows by more than ``limit`` bytes at its peak."""
    tracemalloc.start()
    try:
        result = call()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak <= limit, f"peak {peak:,} bytes over the bound of {limit:,}"
    return result


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="variorum-fuzz-") as folder:
        yield Path(folder)


def read_all(path: Path, fields: Fields | None = None) -> list[str]:
    """Read and extract every record of ``path``: InputError allowed, any other exception fails the test."""
    statuses = []
    with no_hang():
        try:
            for record in read_input(str(path), fields or Fields()):
                extraction = extract_record(record)
                assert extraction.status in (OK, EMPTY, FAILED, FEED)
                statuses.append(extraction.status)
        except InputError as error:
            assert str(error).startswith(str(path)) and "\n" not in str(error)
            statuses.append("input error")
    return statuses


# Generators -------------------------------------------------------------------------------------------

WORDS = st.sampled_from(["the", "council", "voted", "12", "bridge", "Reuters", "«», ", "—", "\u00a0", "é", "\u200b",
                         "said", "on", "Tuesday", ".", ",", "\n", "\n\n", "\t", "\x00", "\x1b[31m", "\ufeff",
                         "\ud800", "\udfff", "&#27;", "&#xFFFE;", "<", ">", "&", "\r\n", "http://[::1", "\U0001f600"])
TEXTS = st.lists(WORDS, max_size=80).map(" ".join)
BOMS = st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"])
ENCODINGS = st.sampled_from(["utf-8", "utf-16", "latin-1", "cp1252", "utf-32", "shift_jis"])
TAGS = st.sampled_from(["p", "div", "article", "span", "h1", "figure", "figcaption", "a", "script", "style",
                        "table", "td", "li", "main", "nav", "br", "img", "title", "meta", "body", "html", "!--"])


@st.composite
def html_pages(draw: st.DrawFn) -> bytes:
    pieces = [draw(st.sampled_from(["", "<!doctype html>", "<?xml version='1.0'?>", "\ufeff"]))]
    for _ in range(draw(st.integers(0, 40))):
        tag = draw(TAGS)
        kind = draw(st.integers(0, 3))
        if kind == 0:
            attribute = draw(st.sampled_from(["", " href=x", " charset=utf-16", " lang=xx", ' a="']))
            pieces.append(f"<{tag}{attribute}>")
        elif kind == 1:
            pieces.append(f"</{tag}>")
        else:
            pieces.append(draw(TEXTS))
    text = "".join(pieces)
    encoding = draw(ENCODINGS)
    lone_surrogates = encoding.startswith("utf") and draw(st.booleans())
    return draw(BOMS) + text.encode(encoding, errors="surrogatepass" if lone_surrogates else "replace")


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` truncated, with bytes flipped, deleted or inserted."""
    out = bytearray(data[: draw(st.integers(0, len(data)))] if draw(st.booleans()) else data)
    for _ in range(draw(st.integers(0, 6))):
        if not out:
            break
        at = draw(st.integers(0, len(out) - 1))
        action = draw(st.integers(0, 2))
        if action == 0:
            out[at] = draw(st.integers(0, 255))
        elif action == 1:
            del out[at: at + draw(st.integers(1, 40))]
        else:
            out[at:at] = draw(st.binary(max_size=20))
    return bytes(out)


def warc_file(pages: list[bytes], compress: bool) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=compress)
    writer.write_record(writer.create_warcinfo_record("fuzz.warc", {"software": "fuzz"}))
    for n, body in enumerate(pages):
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(f"https://x.example/{n}", "response",
                                                      payload=io.BytesIO(body), http_headers=headers))
    return buffer.getvalue()


BASE_PAGE = (b"<html><head><title>Bridge</title></head><body><article><h1>Bridge</h1><p>The council voted on "
             b"Tuesday to close the old bridge for repairs, officials said.</p></article></body></html>")
BASE_WARC = warc_file([BASE_PAGE, BASE_PAGE.replace(b"Bridge", b"Tunnel")], compress=False)
BASE_WARC_GZ = warc_file([BASE_PAGE, BASE_PAGE.replace(b"Bridge", b"Tunnel")], compress=True)
RSS = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>News</title><item><title>One</title>'
       b'<link>https://x.example/1</link><pubDate>Tue, 10 Jun 2003 04:00:00 GMT</pubDate></item><item>'
       b'<link>http://h:99999/x</link><pubDate>Tue, 10 Jun 99999 04:00:00 GMT</pubDate></item></channel></rss>')
ATOM = (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><entry><title>E</title>'
        b'<link href="http://[::1"/></entry></feed>')
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | TEXTS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from(
        ["id", "url", "text", "html", "body", "version", "items", "title"]), children, max_size=4),
    max_leaves=20)


# Readers ----------------------------------------------------------------------------------------------

@FUZZ
@given(page=st.one_of(html_pages(), st.binary(max_size=2000), mutated(BASE_PAGE)))
def test_html_pages(page: bytes) -> None:
    with no_hang():
        extraction = extract_record(Record("html", "page", "page.html", page))
    assert extraction.status in (OK, EMPTY, FAILED)
    if extraction.status == OK:
        assert extraction.article is not None and extraction.article.body.strip()


@FUZZ
@given(data=st.one_of(mutated(RSS), mutated(ATOM), JSON_VALUES.map(lambda v: json.dumps(
    {"version": "https://jsonfeed.org/version/1.1", "items": v}).encode())))
def test_feeds(workdir: Path, data: bytes) -> None:
    with no_hang():
        try:
            feed = read_feed(data, "feed.xml")
        except InputError as error:
            assert error.source == "feed.xml"
        else:
            assert all(isinstance(item.url, str) for item in feed.items)
    path = workdir / "feed.xml"
    path.write_bytes(data)
    assert read_all(path)


@FUZZ
@given(lines=st.lists(st.one_of(JSON_VALUES.map(json.dumps), st.binary(max_size=200).map(
    lambda b: b.decode("latin-1")), st.just("[" * 5000 + "]" * 5000)), max_size=12),
    compress=st.booleans(), newline=st.sampled_from(["\n", "\r\n", "\r"]))
def test_jsonl(workdir: Path, lines: list[str], compress: bool, newline: str) -> None:
    data = newline.join(lines).encode("utf-8", errors="surrogatepass")
    path = workdir / ("export.jsonl.gz" if compress else "export.jsonl")
    path.write_bytes(gzip.compress(data) if compress else data)
    statuses = read_all(path, Fields(text="text", html="html"))
    assert "input error" not in statuses or compress


@FUZZ
@given(data=st.one_of(mutated(BASE_WARC), mutated(BASE_WARC_GZ)))
def test_warc_truncated_and_mutated(workdir: Path, data: bytes) -> None:
    path = workdir / "crawl.warc"
    path.write_bytes(data)
    statuses = read_all(path)
    if data in (BASE_WARC, BASE_WARC_GZ):
        assert statuses == [OK, OK]


def test_gzip_bombs_stop_at_the_cap_in_bounded_memory(workdir: Path) -> None:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = b"\x00" * (16 * 1024 * 1024)
    parts = [compressor.compress(b'{"text": "') ]
    parts += [compressor.compress(chunk) for _ in range(EXPANSION_FLOOR // len(chunk) + 4)]
    bomb = b"".join(parts) + compressor.flush()
    for name, head in (("bomb.jsonl.gz", b""), ("bomb.warc.gz", b""), ("bomb.txt.gz", b"")):
        path = workdir / name
        path.write_bytes(head + bomb)
        statuses = within_memory(64 * 1024 * 1024, lambda path=path: read_all(path))  # type: ignore[misc]
        assert statuses and statuses[-1] in ("input error", FAILED), (name, statuses)


PARQUET_COLUMNS = st.sampled_from([
    pa.array([1, 2, None]), pa.array([b"<p>x</p>", None, b"\x00\xff"]), pa.array(["text", None, ""]),
    pa.array([[1], [], None]), pa.array([{"a": 1}, None, {"a": 2}]), pa.array([1.5, float("nan"), None]),
    pa.array(["\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"), "<html>", "é" * 100]),
])


@FUZZ
@given(columns=st.dictionaries(st.sampled_from(["id", "url", "text", "html", "body"]), PARQUET_COLUMNS, max_size=4),
       cut=st.one_of(st.none(), st.integers(0, 2000)))
def test_parquet_wrong_schemas_and_damage(workdir: Path, columns: dict[str, pa.Array], cut: int | None) -> None:
    path = workdir / "export.parquet"
    buffer = io.BytesIO()
    pq.write_table(pa.table(columns or {"other": pa.array([1, 2, 3])}), buffer, row_group_size=2)
    data = buffer.getvalue()
    path.write_bytes(data if cut is None else data[:cut] + data[cut + 7:])
    statuses = read_all(path)
    if cut is None and not ({"text", "html"} & set(columns)):
        assert statuses == ["input error"]


@FUZZ
@given(bom=BOMS, text=TEXTS, encoding=ENCODINGS, noise=st.binary(max_size=50))
def test_plain_text(workdir: Path, bom: bytes, text: str, encoding: str, noise: bytes) -> None:
    data = bom + text.encode(encoding, errors="surrogatepass" if encoding.startswith("utf") else "replace") + noise
    with no_hang():
        try:
            decoded, _ = decode_text(data, "story.txt")
            assert isinstance(decoded, str)
        except InputError as error:
            assert error.source == "story.txt"
        extraction = extract_record(Record("text", "story.txt", "story.txt", data))
        assert extraction.status in (OK, EMPTY, FAILED)
        path = workdir / "story.txt"
        path.write_bytes(data)
        try:
            article = load_article(str(path))
            assert article.text.strip()
        except InputError as error:
            assert error.source == str(path)


def test_plain_text_extremes_in_bounded_memory(workdir: Path) -> None:
    paragraphs = 10**6 if LONG else 10**5
    text = "The council met.\n\n" * paragraphs  # 18 MB at 10^6, under the 20 MiB page limit
    with no_hang(600):
        article = within_memory(40 * len(text), lambda: article_from_text(text.encode()))
    assert len(article.blocks) == paragraphs
    line = workdir / "line.txt"
    line.write_bytes(b"word " * (49 * 1024 * 1024 // 5))  # one 49 MiB line, under the 50 MB limit of diff
    with no_hang(300):
        article = within_memory(8 * line.stat().st_size, lambda: load_article(str(line)))
    assert len(article.text) == line.stat().st_size
    line.write_bytes(b"word " * (51 * 1024 * 1024 // 5))
    with pytest.raises(InputError, match="over the limit"):
        load_article(str(line))
    deep = b"<html><body>" + b"<div>" * 100_000 + b"<p>Deep text here.</p>" + b"</div>" * 100_000 + b"</body></html>"
    with no_hang(300):
        extraction = within_memory(200 * 1024 * 1024, lambda: extract_record(Record("html", "d", "deep.html", deep)))
    assert extraction.status in (OK, EMPTY, FAILED)
    nul = workdir / "nul.txt"
    nul.write_bytes(b"\xef\xbb\xbf" + b"text\x00" * 1000)
    with pytest.raises(InputError, match="binary data, not text"):
        load_article(str(nul))


# Engines ----------------------------------------------------------------------------------------------

PARAGRAPHS = st.lists(TEXTS, max_size=8).map("\n\n".join)


@FUZZ
@given(a=PARAGRAPHS, b=PARAGRAPHS)
def test_comparison_engine(a: str, b: str) -> None:
    with no_hang():
        try:
            comparison = compare(a, b)
        except VariorumError:
            return
    assert 0.0 <= comparison.similarity <= 1.0
    if a == b:
        assert not comparison.changed


@FUZZ
@given(texts=st.lists(PARAGRAPHS, min_size=0, max_size=4), ordered=st.booleans())
def test_collation_engine(texts: list[str], ordered: bool) -> None:
    with no_hang():
        try:
            collation = collate(texts, ordered=ordered)
        except VariorumError:
            return
        except ValueError as error:  # documented: fewer than two witnesses, an empty witness
            assert len(texts) < 2 or "is empty" in str(error), error
            return
    assert len(collation.to_dict()["witnesses"]) == len(texts)


# Crashes the campaign found, kept as regression tests -------------------------------------------------

def test_a_url_with_an_unclosed_ipv6_bracket_is_compared_not_a_crash() -> None:
    comparison = compare("Read it at http://[::1 today.", "Read it at http://[::2 today.")
    assert comparison.changed and collate(["see http://[::1 the", "http://[::1 the see"]).sites


def test_a_damaged_parquet_footer_is_a_one_line_error(workdir: Path) -> None:
    buffer = io.BytesIO()
    pq.write_table(pa.table({"other": pa.array([1, 2, 3])}), buffer, row_group_size=2)
    data = buffer.getvalue()
    path = workdir / "damaged.parquet"
    path.write_bytes(data[:202] + data[209:])
    with pytest.raises(InputError, match="not a readable Parquet file") as error:
        list(read_input(str(path)))
    assert "\n" not in str(error.value)


def test_a_page_that_is_not_utf8_and_declares_no_charset_is_decoded() -> None:
    page = b"\x80" + BASE_PAGE.replace(b"council", b"caf\xe9")
    extraction = extract_record(Record("html", "page", "page.html", page))
    assert extraction.status == OK and extraction.article is not None  # was a NameError in decode_html
    assert "voted on Tuesday to close the old bridge" in extraction.article.body
