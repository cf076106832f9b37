"""WARC files record by record: the framing read here, strictly; HTTP transfer and content codings by warcio.

Each record is a ``WARC/1.x`` line, header lines up to a blank line, and ``Content-Length`` bytes of block.
Reading the framing ourselves (rather than through warcio's lenient iterator) is what lets a damaged file
be reported rather than misread: a record cut in its headers, one without a usable ``Content-Length``, or
a file that stops inside a block ends the reading with one ``broken`` record saying so, and a response
without ``WARC-Target-URI`` is still read (its id is its ``WARC-Record-ID``). Only ``response`` and
``resource`` records can hold pages; other types are passed over. Every read is bounded: header blocks by
:data:`MAX_HEADER_BYTES`, blocks by the caller's ``max_bytes`` (a larger block is skipped in chunks).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from variorum.errors import InputError
from variorum.extract.limits import read_capped
from variorum.extract.records import BROKEN, HTML, SKIPPED, Record, one_line

MAX_HEADER_BYTES = 64 * 1024
"""Largest WARC or HTTP header block accepted; real ones are well under 4 KiB."""

HTTP_HEADER_SLACK = MAX_HEADER_BYTES
"""Bytes a response block may exceed the page limit by: its HTTP status line and headers."""

_SKIP_CHUNK = 1024 * 1024
_ARTICLE_TYPES = ("response", "resource")
_CODINGS = ("gzip", "x-gzip", "deflate", "br")


class _Damaged(Exception):
    """The framing of the file is broken at this point: reading cannot go on."""


@dataclass(frozen=True, slots=True)
class _Header:
    version: str
    fields: dict[str, str]

    def get(self, name: str) -> str | None:
        return self.fields.get(name.lower())


def _header_lines(stream: BinaryIO, first: bytes) -> list[str]:
    """The header lines after ``first`` up to the blank line, decoded; :class:`_Damaged` when cut or too big."""
    lines = [first]
    size = len(first)
    while True:
        line = stream.readline(MAX_HEADER_BYTES + 1)
        size += len(line)
        if size > MAX_HEADER_BYTES:
            raise _Damaged(f"record headers over {MAX_HEADER_BYTES:,} bytes")
        if not line or not line.endswith(b"\n"):
            raise _Damaged("record cut in its headers (truncated file)")
        if not line.strip(b"\r\n"):
            return [raw.decode("utf-8", errors="replace").rstrip("\r\n") for raw in lines]
        lines.append(line)


def _parse_fields(lines: list[str]) -> dict[str, str]:
    fields: dict[str, str] = {}
    last = ""
    for line in lines:
        if line[:1] in (" ", "\t") and last:
            fields[last] += " " + line.strip()
            continue
        name, colon, value = line.partition(":")
        if colon:
            last = name.strip().lower()
            fields.setdefault(last, value.strip())
    return fields


def _next_header(stream: BinaryIO) -> _Header | None:
    """The next record's header, None at the clean end of the file; :class:`_Damaged` when it is broken."""
    while True:
        line = stream.readline(MAX_HEADER_BYTES + 1)
        if not line:
            return None
        if line.strip():
            break
    if not line.startswith(b"WARC/"):
        raise _Damaged(f"not a WARC record here (starts {line[:20]!r})")
    lines = _header_lines(stream, line)
    return _Header(lines[0].strip(), _parse_fields(lines[1:]))


def _length(header: _Header) -> int:
    value = header.get("Content-Length")
    if value is None or not value.isdigit():
        raise _Damaged(f"record without a valid Content-Length ({value or 'none'})")
    return int(value)


def _skip(stream: BinaryIO, length: int) -> None:
    while length > 0:
        chunk = stream.read(min(length, _SKIP_CHUNK))
        if not chunk:
            raise _Damaged("record is truncated")
        length -= len(chunk)


def _read_block(stream: BinaryIO, length: int) -> bytes:
    block = stream.read(length)
    if len(block) < length:
        raise _Damaged("record is truncated")
    return block


def _charset(content_type: str | None) -> str | None:
    for parameter in (content_type or "").split(";")[1:]:
        key, _, value = parameter.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


@dataclass(frozen=True, slots=True)
class _Http:
    status: str
    fields: dict[str, str]
    body: bytes


def _http(block: bytes) -> _Http | None:
    """The HTTP response in a block, or None when its head is not one (no status line, no blank line)."""
    if not block.startswith(b"HTTP/"):
        return None
    end = block.find(b"\r\n\r\n")
    separator = 4
    if end < 0 or (0 <= block.find(b"\n\n") < end):
        end, separator = block.find(b"\n\n"), 2
    if end < 0 or end > MAX_HEADER_BYTES:
        return None
    lines = block[:end].decode("latin-1").splitlines()
    parts = lines[0].split(None, 2)
    status = parts[1] if len(parts) > 1 else ""
    return _Http(status, _parse_fields(lines[1:]), block[end + separator:])


def _decoded(http: _Http, max_bytes: int) -> bytes | None:
    """The body of ``http`` with its transfer and content codings undone, capped at ``max_bytes``."""
    from warcio.bufferedreaders import BufferedReader, ChunkedDataReader

    coding = (http.fields.get("content-encoding") or "").strip().lower() or None
    if coding in ("identity", None):
        coding = None
    elif coding not in _CODINGS:
        raise ValueError(f"unsupported Content-Encoding {coding!r}")
    decomp = "gzip" if coding == "x-gzip" else coding
    raw = io.BytesIO(http.body)
    if (http.fields.get("transfer-encoding") or "").strip().lower() == "chunked":
        stream: BinaryIO = ChunkedDataReader(raw, decomp_type=decomp)
    elif decomp:
        stream = BufferedReader(raw, decomp_type=decomp)
    else:
        stream = raw
    return read_capped(stream, max_bytes)


def _record(header: _Header, block: bytes, record_id: str, where: str, max_bytes: int) -> Record:
    """The record a response or resource block gives: a page, or skipped/broken with the reason."""
    url = header.get("WARC-Target-URI")
    content_type = header.get("Content-Type")
    body = block
    http = _http(block) if "application/http" in (content_type or "").lower() or block.startswith(b"HTTP/") else None
    if http is not None:
        if not http.status.startswith("2"):
            return Record(SKIPPED, record_id, where, url=url, error=f"HTTP status {http.status or 'missing'}")
        content_type = http.fields.get("content-type")
        body = http.body
    if "html" not in (content_type or "").lower():
        return Record(SKIPPED, record_id, where, url=url, error=f"not HTML ({content_type or 'no type'})")
    try:
        payload = _decoded(http, max_bytes) if http is not None else read_capped(io.BytesIO(body), max_bytes)
    except (OSError, ValueError, EOFError) as error:
        return Record(BROKEN, record_id, where, url=url, error=f"unreadable record ({one_line(error)})")
    except Exception as error:
        return Record(BROKEN, record_id, where, url=url, error=f"unreadable record ({type(error).__name__})")
    if payload is None:
        return Record(BROKEN, record_id, where, url=url, error=f"record is over the limit of {max_bytes:,} bytes")
    return Record(HTML, record_id, where, payload, url, _charset(content_type), header.get("WARC-Date"))


def warc_records(stream: BinaryIO, name: str, max_bytes: int) -> Iterator[Record]:
    """Records of the WARC data in ``stream`` (uncompressed bytes); ids are target URIs, else record ids,
    else ``NAME#N`` where N counts the response and resource records."""
    number = 0
    while True:
        record_id = where = f"{name}#{number + 1}"
        try:
            header = _next_header(stream)
            if header is None:
                return
            length = _length(header)
            if (header.get("WARC-Type") or "").lower() not in _ARTICLE_TYPES:
                _skip(stream, length)
                continue
            number += 1
            url = header.get("WARC-Target-URI")
            record_id = url or header.get("WARC-Record-ID") or record_id
            where = f"{name}#{number} ({record_id})"
            if length > max_bytes + HTTP_HEADER_SLACK:
                _skip(stream, length)
                yield Record(BROKEN, record_id, where, url=url, error=f"record is over the limit of {max_bytes:,} bytes")
                continue
            block = _read_block(stream, length)
        except _Damaged as damage:
            yield Record(BROKEN, record_id, where, error=str(damage))
            return
        except InputError as error:
            yield Record(BROKEN, record_id, where, error=error.problem)
            return
        yield _record(header, block, record_id, where, max_bytes)
