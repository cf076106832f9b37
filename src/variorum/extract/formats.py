"""Inputs to Records: single pages, directories, JSONL (optionally gzipped), WARC and Parquet, all streamed.

Formats are recognised by extension and, failing that, by sniffing the first bytes. Containers are read
one record at a time in bounded memory: JSONL line by line with a cap on line length, WARC record by record
with a cap on each payload, Parquet in row batches; gzip streams are capped against decompression bombs.
Problems with one record (a line that is not JSON, a truncated WARC record) become ``broken`` records that
extraction counts as failed; problems with the input as a whole raise :class:`InputError`.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO
from urllib.parse import unquote, urlsplit

from variorum.errors import InputError
from variorum.extract.limits import MAX_PAGE_BYTES, GzipStream, expansion_limit, read_capped
from variorum.extract.records import BROKEN, HTML, SKIPPED, TEXT, Record
from variorum.text.decode import looks_binary

if TYPE_CHECKING:
    import pyarrow.parquet as pq

JSONL, WARC, PARQUET = "jsonl", "warc", "parquet"
GZIP_MAGIC = b"\x1f\x8b"
_EXTENSIONS = {
    ".html": HTML, ".htm": HTML, ".xhtml": HTML, ".shtml": HTML,
    ".txt": TEXT, ".text": TEXT, ".md": TEXT,
    ".jsonl": JSONL, ".ndjson": JSONL,
    ".warc": WARC,
    ".parquet": PARQUET,
}
_HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<title", b"<article", b"<p>", b"<div")
_PARQUET_BATCH_ROWS = 64


@dataclass(frozen=True, slots=True)
class Fields:
    """Where containers keep each value: JSONL keys and Parquet column names."""

    id: str = "id"
    url: str = "url"
    text: str = "text"
    html: str = "html"


def _suffixes(path: Path) -> tuple[str, bool]:
    """The meaningful extension of ``path`` and whether it is gzipped (``a.warc.gz`` → ``.warc``, True)."""
    suffixes = [s.lower() for s in path.suffixes[-2:]]
    if suffixes and suffixes[-1] == ".gz":
        return (suffixes[-2] if len(suffixes) == 2 else ""), True
    return (suffixes[-1] if suffixes else ""), False


def sniff(head: bytes) -> str | None:
    """The format of uncompressed content starting with ``head``, or None when it is not one we read."""
    if head.startswith(b"WARC/"):
        return WARC
    if head.startswith(b"PAR1"):
        return PARQUET
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if any(marker in lowered[:2048] for marker in _HTML_MARKERS) and lowered.startswith(b"<"):
        return HTML
    first_line = lowered.split(b"\n", 1)[0].strip()
    if first_line.startswith(b"{") and first_line.endswith(b"}"):
        return JSONL
    if looks_binary(head):
        return None
    return TEXT


def _head(path: Path, gzipped: bool) -> bytes:
    with path.open("rb") as raw:
        if not gzipped:
            return raw.read(4096)
        try:
            return io.BufferedReader(GzipStream(raw, expansion_limit(4096), str(path))).read(4096)
        except InputError:
            return b""


def detect_format(path: Path) -> tuple[str | None, bool]:
    """``(format, gzipped)`` of a file: by extension, else by its first bytes; format None if unknown."""
    extension, gzipped = _suffixes(path)
    if not gzipped:
        with path.open("rb") as raw:
            gzipped = raw.read(2) == GZIP_MAGIC
    if extension in _EXTENSIONS:
        return _EXTENSIONS[extension], gzipped
    return sniff(_head(path, gzipped)), gzipped


def _open(path: Path, gzipped: bool, source: str, buffered: bool = True) -> BinaryIO:
    raw = path.open("rb")
    if not gzipped:
        return raw
    stream = GzipStream(raw, expansion_limit(path.stat().st_size), source)
    return io.BufferedReader(stream, 1024 * 1024) if buffered else stream  # type: ignore[return-value]


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def _from_mapping(row: dict[str, Any], fields: Fields, fallback_id: str, source: str) -> Record:
    """A record from a JSONL object or Parquet row: ``html`` wins over ``text`` when both are present."""
    url = _text(row.get(fields.url))
    record_id = _text(row.get(fields.id)) or url or fallback_id
    for key, kind in ((fields.html, HTML), (fields.text, TEXT)):
        value = row.get(key)
        if isinstance(value, bytes):
            return Record(kind, record_id, source, value, url)
        if isinstance(value, str) and value.strip():
            return Record(kind, record_id, source, value, url)
        if value is not None and not isinstance(value, str):
            return Record(BROKEN, record_id, source, url=url, error=f"field {key!r} is not a string")
    return Record(BROKEN, record_id, source, url=url, error=f"no {fields.html!r} or {fields.text!r} field with content")


def read_jsonl(
    path: Path, gzipped: bool, name: str, fields: Fields, max_bytes: int,
    start: int = 0, end: int | None = None, first_line: int = 1,
) -> Iterator[Record]:
    """Records of a JSONL file, one per line; bad lines become broken records naming their line number.

    ``start``/``end`` (uncompressed files only) read just the lines that *start* in that byte range, ``start``
    being the start of line number ``first_line``: the records of consecutive ranges are those of the whole.
    """
    with _open(path, gzipped, name) as stream:
        if start:
            stream.seek(start)
        position, number = start, first_line - 1
        while end is None or position < end:
            try:
                line = stream.readline(max_bytes + 1)
            except InputError as error:
                yield Record(BROKEN, f"{name}:{number + 1}", f"{name}:{number + 1}", error=error.problem)
                return
            if not line:
                return
            position += len(line)
            number += 1
            where = f"{name}:{number}"
            if len(line) > max_bytes and not line.endswith(b"\n"):
                yield Record(BROKEN, where, where, error=f"line is over the limit of {max_bytes:,} bytes")
                try:
                    while (rest := stream.readline(1024 * 1024)) and not rest.endswith(b"\n"):
                        position += len(rest)
                    position += len(rest)
                except InputError as error:
                    yield Record(BROKEN, where, where, error=error.problem)
                    return
                continue
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except (UnicodeDecodeError, ValueError) as error:
                yield Record(BROKEN, where, where, error=f"not JSON ({error})")
                continue
            if not isinstance(row, dict):
                yield Record(BROKEN, where, where, error=f"a JSON {type(row).__name__}, not an object")
                continue
            yield _from_mapping(row, fields, where, where)


def _charset(content_type: str | None) -> str | None:
    for parameter in (content_type or "").split(";")[1:]:
        key, _, value = parameter.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def read_warc(path: Path, gzipped: bool, name: str, max_bytes: int) -> Iterator[Record]:
    """Records of a WARC file: its HTML response and resource records; other records are skipped."""
    # Imported here, as pyarrow in the Parquet readers: every command would otherwise pay for loading them.
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    with _open(path, gzipped, name, buffered=False) as stream:
        iterator = iter(ArchiveIterator(stream, check_digests=False))
        number = 0
        while True:
            try:
                warc = next(iterator, None)
            except (InputError, ArchiveLoadFailed, ValueError) as error:
                problem = error.problem if isinstance(error, InputError) else f"unreadable WARC data ({error})"
                yield Record(BROKEN, f"{name}#{number + 1}", f"{name}#{number + 1}", error=problem)
                return
            if warc is None:
                return
            if warc.rec_type not in ("response", "resource"):
                continue
            number += 1
            url = warc.rec_headers.get_header("WARC-Target-URI")
            record_id = url or warc.rec_headers.get_header("WARC-Record-ID") or f"{name}#{number}"
            where = f"{name}#{number} ({record_id})"
            headers = warc.http_headers
            content_type = (headers.get_header("Content-Type") if headers else None) or (
                warc.rec_headers.get_header("Content-Type"))
            if headers is not None and not headers.get_statuscode().startswith("2"):
                yield Record(SKIPPED, record_id, where, url=url, error=f"HTTP status {headers.get_statuscode()}")
                continue
            if "html" not in (content_type or "").lower():
                yield Record(SKIPPED, record_id, where, url=url, error=f"not HTML ({content_type or 'no type'})")
                continue
            try:
                payload = read_capped(warc.content_stream(), max_bytes)
            except InputError as error:
                yield Record(BROKEN, record_id, where, url=url, error=error.problem)
                return
            except (OSError, ValueError, EOFError) as error:
                yield Record(BROKEN, record_id, where, url=url, error=f"unreadable record ({error})")
                continue
            if payload is None:
                yield Record(BROKEN, record_id, where, url=url, error=f"record is over the limit of {max_bytes:,} bytes")
            elif getattr(warc.raw_stream, "limit", 0):
                yield Record(BROKEN, record_id, where, url=url, error="record is truncated")
                return
            else:
                yield Record(HTML, record_id, where, payload, url, _charset(content_type),
                             warc.rec_headers.get_header("WARC-Date"))


def open_parquet(path: Path, name: str, fields: Fields) -> tuple[pq.ParquetFile, list[str]]:
    """The Parquet file and the columns named by ``fields`` that it has; :class:`InputError` when it cannot be
    read or has neither a text nor an HTML column."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as error:
        raise InputError(name, f"not a readable Parquet file ({error})") from None
    columns = set(parquet.schema_arrow.names)
    if fields.text not in columns and fields.html not in columns:
        raise InputError(name, f"has no {fields.text!r} or {fields.html!r} column "
                               f"(columns: {', '.join(sorted(columns))})")
    return parquet, [c for c in (fields.id, fields.url, fields.text, fields.html) if c in columns]


def read_parquet(
    path: Path, name: str, fields: Fields, groups: Sequence[int] | None = None, first_row: int = 0
) -> Iterator[Record]:
    """Records of a Parquet file, read in small row batches of only the columns named by ``fields``.

    ``groups`` reads only those row groups, ``first_row`` being the number of rows before the first of them:
    the records of consecutive groups are those of the whole file. A row group that cannot be read becomes
    one broken record, and reading goes on with the next.
    """
    import pyarrow as pa

    parquet, wanted = open_parquet(path, name, fields)
    metadata = parquet.metadata
    number = first_row
    for group in range(metadata.num_row_groups) if groups is None else groups:
        group_start = number
        try:
            for batch in parquet.iter_batches(batch_size=_PARQUET_BATCH_ROWS, row_groups=[group], columns=wanted):
                for row in batch.to_pylist():
                    number += 1
                    yield _from_mapping(row, fields, f"{name}#{number}", f"{name}#{number}")
        except (pa.ArrowException, OSError) as error:
            yield Record(BROKEN, f"{name}#{number + 1}", f"{name}#{number + 1}",
                         error=f"unreadable Parquet data ({error})")
        number = group_start + metadata.row_group(group).num_rows


def read_page(path: Path, kind: str, gzipped: bool, record_id: str, name: str, max_bytes: int) -> Record:
    """A single HTML or text file (optionally gzipped) as one record."""
    try:
        if gzipped:
            with _open(path, True, name) as stream:
                data = read_capped(stream, max_bytes)
        else:
            size = path.stat().st_size
            if size > max_bytes:
                raise InputError(name, f"file is {size:,} bytes, over the limit of {max_bytes:,}")
            data = path.read_bytes()
    except OSError as error:
        raise InputError(name, f"cannot be read ({error.strerror or error})") from None
    if data is None:
        raise InputError(name, f"decompresses to over the limit of {max_bytes:,} bytes")
    return Record(kind, record_id, name, data)


def read_file(
    path: Path, record_id: str, name: str, fields: Fields, max_bytes: int = MAX_PAGE_BYTES
) -> Iterator[Record]:
    """Records of one file of any format we read; raises :class:`InputError` when it cannot be read."""
    try:
        kind, gzipped = detect_format(path)
    except OSError as error:
        raise InputError(name, f"cannot be read ({error.strerror or error})") from None
    if kind == JSONL:
        yield from read_jsonl(path, gzipped, name, fields, max_bytes)
    elif kind == WARC:
        yield from read_warc(path, gzipped, name, max_bytes)
    elif kind == PARQUET:
        yield from read_parquet(path, name, fields)
    elif kind in (HTML, TEXT):
        yield read_page(path, kind, gzipped, record_id, name, max_bytes)
    else:
        raise InputError(name, "not a format Variorum reads (binary data; expected HTML, text, JSONL, WARC or Parquet)")


def directory_files(root: Path) -> list[str]:
    """The files under ``root``, recursively, as sorted relative POSIX paths; hidden entries are left out."""
    relatives = ((path, path.relative_to(root)) for path in root.rglob("*"))
    return sorted(
        relative.as_posix() for path, relative in relatives
        if not any(part.startswith(".") for part in relative.parts) and path.is_file()
    )


def read_directory_file(root: Path, relative: str, name: str, fields: Fields, max_bytes: int) -> Iterator[Record]:
    """Records of the file ``relative`` (a path from :func:`directory_files`) of the directory ``name``.

    A file that cannot be read becomes a broken record; one that is not an article (an image, a script, …)
    a skipped record, so it is counted rather than silently lost.
    """
    path = root / relative
    shown = os.path.join(name, relative)
    try:
        kind, _ = detect_format(path)
        if kind is None or (kind == TEXT and _suffixes(path)[0] not in _EXTENSIONS and path.suffix):
            yield Record(SKIPPED, relative, shown, error="not an article file")
            return
        yield from read_file(path, relative, shown, fields, max_bytes)
    except InputError as error:
        yield Record(BROKEN, relative, shown, error=error.problem)
    except OSError as error:
        yield Record(BROKEN, relative, shown, error=f"cannot be read ({error.strerror or error})")


def read_directory(root: Path, name: str, fields: Fields, max_bytes: int = MAX_PAGE_BYTES) -> Iterator[Record]:
    """Records of every file under ``root``, recursively, in sorted order (see :func:`directory_files`)."""
    for relative in directory_files(root):
        yield from read_directory_file(root, relative, name, fields, max_bytes)


def local_path(name: str) -> Path:
    """The path a command-line input names: a plain path or a local ``file://`` URL."""
    if not name.startswith("file://"):
        if "://" in name:
            raise InputError(name, "not a local file; only paths and file:// URLs are read")
        return Path(name)
    parts = urlsplit(name)
    if parts.netloc not in ("", "localhost"):
        raise InputError(name, "only local file:// URLs can be read")
    return Path(unquote(parts.path))


def read_input(name: str, fields: Fields = Fields(), max_bytes: int = MAX_PAGE_BYTES) -> Iterator[Record]:
    """Records of one input named on the command line: a file, a directory, or a ``file://`` URL."""
    path = local_path(name)
    if not path.exists():
        raise InputError(name, "no such file or directory")
    if path.is_dir():
        yield from read_directory(path, name, fields, max_bytes)
    else:
        yield from read_file(path, name, name, fields, max_bytes)
