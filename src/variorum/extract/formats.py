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
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO
from urllib.parse import unquote, urlsplit

from variorum.errors import InputError
from variorum.extract.feeds import looks_like_feed
from variorum.extract.limits import (
    MAX_PAGE_BYTES,
    GzipStream,
    expansion_limit,
    read_capped,
)
from variorum.extract.records import BROKEN, FEED, HTML, SKIPPED, TEXT, Record, one_line
from variorum.extract.warc import warc_records
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
_FEED_EXTENSIONS = (".xml", ".rss", ".atom", ".rdf", ".json")
_HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<title", b"<article", b"<p>", b"<div")
_PARQUET_BATCH_ROWS = 64


@dataclass(frozen=True, slots=True)
class Fields:
    """Where containers keep each value: JSONL keys and Parquet column names."""

    id: str = "id"
    url: str = "url"
    text: str = "text"
    html: str = "html"


DEFAULT_FIELDS = Fields()


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
    if looks_like_feed(head):
        return FEED
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
    if extension in _EXTENSIONS and _EXTENSIONS[extension] not in (HTML, TEXT):
        return _EXTENSIONS[extension], gzipped
    head = _head(path, gzipped)
    if looks_like_feed(head):
        return FEED, gzipped
    if extension in _EXTENSIONS:
        return _EXTENSIONS[extension], gzipped
    return sniff(head), gzipped


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
        if isinstance(value, str) and value and not value.isspace():  # not value.strip(): that copies the text
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
            if line.isspace():  # (not line.strip(): that copies the line)
                continue
            try:
                # What json.loads does with bytes, without finding the encoding of a line that starts an object
                # in UTF-8 (a UTF-16 or UTF-32 line has a zero byte second, and one with a BOM no "{" first).
                row = json.loads(line.decode("utf-8", "surrogatepass") if line[:1] == b"{" and line[1:2] != b"\0"
                                 else line)
            except (UnicodeDecodeError, ValueError) as error:
                yield Record(BROKEN, where, where, error=f"not JSON ({one_line(error)})")
                continue
            except RecursionError:
                yield Record(BROKEN, where, where, error="JSON nested too deeply to read")
                continue
            if not isinstance(row, dict):
                yield Record(BROKEN, where, where, error=f"a JSON {type(row).__name__}, not an object")
                continue
            yield _from_mapping(row, fields, where, where)


def read_warc(path: Path, gzipped: bool, name: str, max_bytes: int) -> Iterator[Record]:
    """Records of a WARC file (see :mod:`variorum.extract.warc`)."""
    with _open(path, gzipped, name) as stream:
        yield from warc_records(stream, name, max_bytes)


def open_parquet(path: Path, name: str, fields: Fields) -> tuple[pq.ParquetFile, list[str]]:
    """The Parquet file and the columns named by ``fields`` that it has; :class:`InputError` when it cannot be
    read or has neither a text nor an HTML column."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as error:
        raise InputError(name, f"not a readable Parquet file ({one_line(error)})") from None
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
                         error=f"unreadable Parquet data ({one_line(error)})")
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
    elif kind in (HTML, TEXT, FEED):
        yield read_page(path, kind, gzipped, record_id, name, max_bytes)
    else:
        raise InputError(name, "not a format Variorum reads (binary data; expected HTML, text, JSONL, WARC or Parquet)")


def printable(name: str) -> str:
    """``name`` as it can be shown and written: bytes of a file name that are not UTF-8 as ``\\xNN`` escapes.

    >>> printable("caf\\udce9.txt")
    'caf\\\\xe9.txt'
    """
    try:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        return name.encode("utf-8", "backslashreplace").decode("utf-8")


_SPECIAL_FILES = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                  (stat.S_ISBLK, "a block device"))


def _not_regular(mode: int) -> str:
    kind = next((what for test, what in _SPECIAL_FILES if test(mode)), "not a file")
    return f"not a regular file ({kind})"


def file_problem(path: Path) -> tuple[str, str] | None:
    """Why ``path`` is not a regular file or folder to read, as ``(record kind, problem)``; None when it is one.

    Special files (FIFOs, sockets, devices, links to them) are *skipped*: reading them could block or never
    end. Broken links and folders that cannot be listed are *broken*.
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return (BROKEN, "a broken symbolic link") if path.is_symlink() else (BROKEN, "no such file or directory")
    except OSError as error:
        return BROKEN, f"cannot be read ({error.strerror or error})"
    if stat.S_ISDIR(mode):
        if not os.access(path, os.R_OK | os.X_OK):
            return BROKEN, "a folder that cannot be read (permission denied)"
        return None
    return None if stat.S_ISREG(mode) else (SKIPPED, _not_regular(mode))


def _list(folder: str) -> list[os.DirEntry[str]]:
    with os.scandir(folder) as entries:
        return list(entries)


def directory_files(root: Path) -> list[str]:
    """The entries under ``root`` to read, recursively, as sorted relative POSIX paths: every file, and every
    entry that is not one (special files, broken links, links to folders, folders that cannot be listed) so
    that it is counted rather than silently lost; hidden entries are left out.
    """
    found: list[str] = []
    pending = [""]
    while pending:
        relative = pending.pop()
        try:
            entries = _list(os.path.join(root, relative) if relative else str(root))
        except OSError as error:
            if not relative:
                raise InputError(str(root), f"cannot be read ({error.strerror or error})") from None
            found.append(relative)
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = f"{relative}/{entry.name}" if relative else entry.name
            try:
                is_folder = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_folder = False
            (pending if is_folder else found).append(path)
    return sorted(found)


def _entry_problem(path: Path) -> tuple[str, str] | None:
    """Why a directory entry is not a file to read (see :func:`file_problem`), links to folders included."""
    problem = file_problem(path)
    if problem is None and path.is_dir():
        kind = "a link to a folder (not followed)" if path.is_symlink() else "a folder that cannot be read"
        return (SKIPPED if path.is_symlink() else BROKEN), kind
    return problem


def read_directory_file(
    root: Path, relative: str, name: str, fields: Fields, max_bytes: int, prefix: str = ""
) -> Iterator[Record]:
    """Records of the file ``relative`` (a path from :func:`directory_files`) of the directory ``name``; the
    record id of a page is ``prefix/relative`` (the folder's id, see :func:`input_ids`), or ``relative``.

    A file that cannot be read becomes a broken record; one that is not an article (an image, a script, a
    FIFO, …) a skipped record, so it is counted rather than silently lost.
    """
    path = root / relative
    shown = printable(os.path.join(name, relative))
    record_id = printable(f"{prefix}/{relative}" if prefix else relative)
    problem = _entry_problem(path)
    if problem is not None:
        yield Record(problem[0], record_id, shown, error=problem[1])
        return
    try:
        kind, _ = detect_format(path)
        if kind is None or (kind == TEXT and _suffixes(path)[0] not in _EXTENSIONS and path.suffix):
            yield Record(SKIPPED, record_id, shown, error="not an article file")
            return
        yield from read_file(path, record_id, shown, fields, max_bytes)
    except InputError as error:
        yield Record(BROKEN, record_id, shown, error=error.problem)
    except OSError as error:
        yield Record(BROKEN, record_id, shown, error=f"cannot be read ({error.strerror or error})")


def read_directory(
    root: Path, name: str, fields: Fields, max_bytes: int = MAX_PAGE_BYTES, prefix: str = ""
) -> Iterator[Record]:
    """Records of every file under ``root``, recursively, in sorted order (see :func:`directory_files`)."""
    for relative in directory_files(root):
        yield from read_directory_file(root, relative, name, fields, max_bytes, prefix)


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


def check_input(name: str) -> Path:
    """The path input ``name`` names, once it is known to be a folder or a regular file (a FIFO, a device or a
    socket is refused: reading one could hang); :class:`InputError` otherwise."""
    path = local_path(name)
    problem = file_problem(path)
    if problem is not None:
        raise InputError(name, problem[1] + ("; name files or folders" if problem[0] == SKIPPED else ""))
    return path


def input_ids(names: Sequence[str]) -> list[str]:
    """The id each input gives its documents: its path relative to the common folder of the inputs (the
    folder holding them all), so that ids are unique across the inputs, keep the name of each folder named,
    and do not depend on the current directory or on how the path was spelt. A page's id is its input's id;
    a folder's files have ids ``FOLDER/PATH/INSIDE``.

    >>> input_ids(["/news/a", "/news/b/story.txt"])
    ['a', 'b/story.txt']
    >>> input_ids(["/news/a/story.txt"])
    ['story.txt']
    """
    paths = []
    for name in names:
        try:
            paths.append(os.path.abspath(local_path(name)))
        except InputError:
            paths.append(os.path.abspath(name))
    if not paths:
        return []
    root = os.path.commonpath([os.path.dirname(path) for path in paths])
    ids = [Path(os.path.relpath(path, root)).as_posix() for path in paths]
    return [printable("" if input_id == "." else input_id) for input_id in ids]


def check_inputs(names: Sequence[str]) -> list[str]:
    """Check every input before any is read (so a typo costs nothing) and return their :func:`input_ids`.

    Refuses a missing input, one that is not a file or folder, and one named twice or inside a folder also
    named (its documents would be read twice, under two ids).
    """
    seen: dict[str, str] = {}
    folders: dict[str, str] = {}
    for name in names:
        path = check_input(name)
        absolute = os.path.abspath(path)
        if absolute in seen:
            raise InputError(name, f"named twice (also as {seen[absolute]}); name each input once")
        seen[absolute] = name
        if path.is_dir():
            folders[absolute] = name
    for absolute, name in seen.items():
        parent = os.path.dirname(absolute)
        while parent and parent != absolute:
            if parent in folders:
                raise InputError(name, f"is inside {folders[parent]}, also named; name each input once")
            absolute, parent = parent, os.path.dirname(parent)
    return input_ids(names)


def read_input(
    name: str, fields: Fields = DEFAULT_FIELDS, max_bytes: int = MAX_PAGE_BYTES, input_id: str | None = None
) -> Iterator[Record]:
    """Records of one input named on the command line: a file, a directory, or a ``file://`` URL.

    ``input_id`` is the id :func:`input_ids` gives it among the other inputs (default: as the only input).
    """
    path = check_input(name)
    if input_id is None:
        input_id = input_ids([name])[0]
    if path.is_dir():
        yield from read_directory(path, printable(name), fields, max_bytes, input_id)
    else:
        yield from read_file(path, input_id, printable(name), fields, max_bytes)


def read_inputs(names: Sequence[str], fields: Fields = DEFAULT_FIELDS, max_bytes: int = MAX_PAGE_BYTES) -> Iterator[Record]:
    """Records of all the inputs named on the command line, in order, with ids unique across them
    (:func:`input_ids`); every input is checked (:func:`check_inputs`) before the first is read."""
    ids = check_inputs(names)
    for name, input_id in zip(names, ids):
        yield from read_input(name, fields, max_bytes, input_id)
