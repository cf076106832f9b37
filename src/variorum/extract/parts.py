"""Inputs cut into small parts that can be read independently, e.g. each by a different Dask worker.

:func:`split_inputs` turns the inputs named on the command line into an ordered list of picklable parts
and :func:`read_part` reads one; reading every part in order yields exactly the records that
:func:`~variorum.extract.formats.read_inputs` yields for the inputs (same ids, sources, contents and
errors). Uncompressed JSONL is cut into byte ranges at line starts (a part owns the lines that *start*
in its range, and knows the number of its first line, which ids and messages use); a directory into groups
of its files; Parquet into runs of row groups (with the number of rows before them, which fallback ids
use). Anything else — pages, WARC, gzipped files, an input that cannot be opened — is read whole, and
consecutive such inputs are grouped into one part. Finding the cuts reads no record: a JSONL file is
scanned once for newlines, a Parquet file's footer is read, a directory is listed::

    for part in split_inputs(["export.jsonl", "site/"]):
        records = list(read_part(part))  # on any machine that sees the same files
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import BinaryIO

from variorum.errors import InputError
from variorum.extract.formats import (
    DEFAULT_FIELDS,
    JSONL,
    PARQUET,
    Fields,
    detect_format,
    directory_files,
    file_problem,
    input_ids,
    local_path,
    open_parquet,
    printable,
    read_directory_file,
    read_input,
    read_jsonl,
    read_parquet,
)
from variorum.extract.limits import MAX_PAGE_BYTES
from variorum.extract.records import Record

PART_BYTES = 8 * 1024 * 1024
"""Target size of a part: bytes of a JSONL range, uncompressed bytes of Parquet row groups, bytes of files."""

PART_FILES = 256
"""Most files in a part of a directory, or of consecutive inputs that are read whole (fewer when they reach
:data:`PART_BYTES`; a file larger than that is a part of its own)."""

SCAN_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class LineRange:
    """The lines of the uncompressed JSONL input ``name`` that start in bytes ``[start, end)`` (``end``
    None: to the end of the file); the first is line number ``first_line``."""

    name: str
    path: Path
    start: int
    end: int | None
    first_line: int


@dataclass(frozen=True, slots=True)
class FileGroup:
    """Some files of the directory input ``name``, as paths relative to ``root``; their ids are those paths
    after ``prefix/`` (the directory's id among the inputs, ``""`` for none)."""

    name: str
    root: Path
    files: tuple[str, ...]
    prefix: str = ""


@dataclass(frozen=True, slots=True)
class RowGroups:
    """Some row groups of the Parquet input ``name``, after ``first_row`` rows of the earlier groups."""

    name: str
    path: Path
    groups: tuple[int, ...]
    first_row: int


@dataclass(frozen=True, slots=True)
class WholeInputs:
    """Consecutive inputs, each read whole, with their ids among all the inputs."""

    names: tuple[str, ...]
    ids: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.names[0] if len(self.names) == 1 else f"{self.names[0]} … {self.names[-1]}"


Part = LineRange | FileGroup | RowGroups | WholeInputs


def read_part(part: Part, fields: Fields = DEFAULT_FIELDS, max_bytes: int = MAX_PAGE_BYTES) -> Iterator[Record]:
    """The records of one part, in order; raises :class:`InputError` where reading its input would."""
    if isinstance(part, LineRange):
        yield from read_jsonl(part.path, False, part.name, fields, max_bytes, part.start, part.end, part.first_line)
    elif isinstance(part, FileGroup):
        for relative in part.files:
            yield from read_directory_file(part.root, relative, part.name, fields, max_bytes, part.prefix)
    elif isinstance(part, RowGroups):
        yield from read_parquet(part.path, part.name, fields, part.groups, part.first_row)
    else:
        for name, input_id in zip(part.names, part.ids):
            yield from read_input(name, fields, max_bytes, input_id)


def line_starts(stream: BinaryIO, part_bytes: int) -> Iterator[tuple[int, int]]:
    """``(offset, line number)`` of the line starts that cut the file ``stream`` (read from its start) into
    parts of about ``part_bytes``: each the first line start at or after the previous one plus ``part_bytes``,
    beginning with ``(0, 1)``. Lines end at ``\\n`` only, as :func:`~variorum.extract.formats.read_jsonl` reads
    them; a start at the very end of the file is left out. Found as the file is scanned, chunk by chunk.
    """
    size = os.fstat(stream.fileno()).st_size
    yield 0, 1
    target = part_bytes  # the next cut is the first line start at or after this offset
    offset = newlines = 0  # offset of the chunk; newlines before it
    while chunk := stream.read(SCAN_BYTES):
        position = 0
        while target - 1 - offset < len(chunk):
            newline = chunk.find(b"\n", max(target - 1 - offset, position))
            if newline < 0:
                break
            newlines += chunk.count(b"\n", position, newline + 1)
            position = newline + 1
            if offset + position >= size:
                return
            yield offset + position, newlines + 1
            target = offset + position + part_bytes
        newlines += chunk.count(b"\n", position)
        offset += len(chunk)


def _line_ranges(name: str, path: Path, stream: BinaryIO, part_bytes: int) -> Iterator[Part]:
    """The ranges of the JSONL file open as ``stream``, each given as soon as the scan has found its end."""
    with stream:
        first, first_line = 0, 1
        for start, line in islice(line_starts(stream, part_bytes), 1, None):
            yield LineRange(name, path, first, start, first_line)
            first, first_line = start, line
        yield LineRange(name, path, first, None, first_line)


def _parquet_parts(name: str, path: Path, fields: Fields, part_bytes: int) -> list[Part]:
    metadata = open_parquet(path, name, fields)[0].metadata
    parts: list[Part] = []
    groups: list[int] = []
    first_row = rows = size = 0
    for group in range(metadata.num_row_groups):
        groups.append(group)
        rows += metadata.row_group(group).num_rows
        size += metadata.row_group(group).total_byte_size
        if size >= part_bytes or group == metadata.num_row_groups - 1:
            parts.append(RowGroups(name, path, tuple(groups), first_row))
            groups, first_row, size = [], rows, 0
    return parts


def _file_groups(name: str, root: Path, prefix: str, part_bytes: int, part_files: int) -> list[Part]:
    parts: list[Part] = []
    files: list[str] = []
    size = 0
    shown = printable(name)
    for relative in directory_files(root):
        files.append(relative)
        size += _size(str(root / relative))
        if len(files) >= part_files or size >= part_bytes:
            parts.append(FileGroup(shown, root, tuple(files), prefix))
            files, size = [], 0
    if files:
        parts.append(FileGroup(shown, root, tuple(files), prefix))
    return parts


def _split(name: str, input_id: str, fields: Fields, part_bytes: int, part_files: int) -> Iterable[Part] | None:
    """The parts of input ``name``, or None when it is read whole (or fails, as reading it whole would)."""
    try:
        path = local_path(name)
        if file_problem(path) is not None:
            return None
        if path.is_dir():
            return _file_groups(name, path, input_id, part_bytes, part_files)
        kind, gzipped = detect_format(path)
        if kind == JSONL and not gzipped:
            return _line_ranges(printable(name), path, path.open("rb"), part_bytes)
        if kind == PARQUET:
            return _parquet_parts(printable(name), path, fields, part_bytes)
    except (InputError, OSError):
        return None
    return None


def _size(name: str) -> int:
    try:
        path = local_path(name)
        return path.stat().st_size if path.is_file() else 0
    except (InputError, OSError):
        return 0


def split_inputs(
    names: Iterable[str], fields: Fields = DEFAULT_FIELDS, part_bytes: int = PART_BYTES, part_files: int = PART_FILES
) -> Iterator[Part]:
    """The parts of the inputs ``names``, in order (lazily: an input is looked at when its parts are due).

    An input that cannot be opened or understood becomes a part read whole, so that reading it raises the
    same :class:`InputError`, at the same point of the records, as reading the inputs one after another.
    Record ids are those of :func:`~variorum.extract.formats.read_inputs` (unique across the inputs).
    """
    names = list(names)
    whole: list[tuple[str, str]] = []
    size = 0
    for name, input_id in zip(names, input_ids(names)):
        parts = _split(name, input_id, fields, part_bytes, part_files)
        if parts is None:
            whole.append((name, input_id))
            size += _size(name)
            if len(whole) >= part_files or size >= part_bytes:
                yield _whole(whole)
                whole, size = [], 0
            continue
        if whole:
            yield _whole(whole)
            whole, size = [], 0
        yield from parts
    if whole:
        yield _whole(whole)


def _whole(inputs: list[tuple[str, str]]) -> WholeInputs:
    return WholeInputs(tuple(name for name, _ in inputs), tuple(input_id for _, input_id in inputs))
