"""The deduplicated corpus written back in its inputs' own format: JSONL, Parquet, WARC, or a folder of files.

Which records to write is said by :class:`Selection`: the id of each chosen document and which occurrence of
that id it is (ids repeat when two inputs hold files of the same relative name), so the inputs are read
again but nothing is extracted again. Every writer refuses to overwrite: an output file that exists is an
error before anything is written, and in a folder each file is created exclusively, so two kept files of
the same relative name in two inputs are both written (under their paths relative to the inputs' common
folder). The count returned is the number of records actually written.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from variorum.errors import InputError, VariorumError
from variorum.extract.formats import JSONL, PARQUET, WARC, Fields, detect_format, local_path, read_inputs
from variorum.extract.records import BROKEN, SKIPPED, Record

FILES = "files"


class Selection:
    """Documents chosen by ``(id, occurrence)``: the ``n``-th document read with that id.

    >>> chosen = Selection.of(["a", "b", "a"], [0, 2])
    >>> chosen.wanted
    {('a', 0): 0, ('a', 1): 2}
    """

    def __init__(self, wanted: dict[tuple[str, int], int]) -> None:
        self.wanted = wanted  # (id, occurrence) → position in the run

    @classmethod
    def of(cls, ids: list[str], positions: Iterable[int]) -> Selection:
        """The documents at ``positions`` of the run's ``ids``."""
        occurrence: list[int] = []
        seen: dict[str, int] = {}
        for document_id in ids:
            occurrence.append(seen.get(document_id, 0))
            seen[document_id] = occurrence[-1] + 1
        return cls({(ids[p], occurrence[p]): p for p in sorted(positions)})

    def __len__(self) -> int:
        return len(self.wanted)

    def records(self, inputs: list[str], fields: Fields = Fields()) -> Iterator[Record]:
        """The chosen records of ``inputs``, read again in order (records that could not be read, or are not
        articles, are never documents and are passed over)."""
        for _, record in self.positioned(inputs, fields):
            yield record

    def positioned(self, inputs: list[str], fields: Fields = Fields()) -> Iterator[tuple[int, Record]]:
        """:meth:`records`, each with its document's position in the run."""
        seen: dict[str, int] = {}
        for record in read_inputs(inputs, fields):
            if record.kind in (BROKEN, SKIPPED):
                continue
            number = seen.get(record.id, 0)
            seen[record.id] = number + 1
            position = self.wanted.get((record.id, number))
            if position is not None:
                yield position, record


def input_format(inputs: list[str]) -> str:
    """The one format of ``inputs``: jsonl, warc, parquet, or files (pages, directories)."""
    kinds = set()
    for name in inputs:
        path = local_path(name)
        kind = FILES if path.is_dir() else detect_format(path)[0]
        kinds.add(kind if kind in (JSONL, WARC, PARQUET) else FILES)
    if len(kinds) != 1:
        raise VariorumError(f"--write-unique needs inputs of one format, not {', '.join(sorted(kinds))}")
    return kinds.pop()


def _text(record: Record) -> str:
    payload = record.payload
    return payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else payload or ""


def _data(record: Record) -> bytes:
    return record.payload if isinstance(record.payload, bytes) else _text(record).encode("utf-8")


def _common_folder(inputs: list[str]) -> str:
    bases = [os.path.abspath(local_path(name) if local_path(name).is_dir() else local_path(name).parent)
             for name in inputs]
    return os.path.commonpath(bases)


def check_target(inputs: list[str], out: Path) -> str:
    """The format to write; raises when ``out`` is a file that exists (checked before a long run starts)."""
    kind = input_format(inputs)
    if kind != FILES and out.exists():
        raise InputError(str(out), "exists; refusing to overwrite it")
    if kind == FILES and out.exists() and not out.is_dir():
        raise InputError(str(out), "exists and is not a folder")
    return kind


def write_unique(inputs: list[str], chosen: Selection, out: Path, fields: Fields = Fields()) -> int:
    """Write the chosen records of ``inputs``, in their format, to ``out``; return how many were written."""
    kind = check_target(inputs, out)
    written = 0
    try:
        if kind == JSONL:
            with out.open("x", encoding="utf-8") as stream:
                for record in chosen.records(inputs, fields):
                    field = "html" if record.kind == "html" else "text"
                    stream.write(json.dumps({"id": record.id, "url": record.url, field: _text(record)},
                                            ensure_ascii=False) + "\n")
                    written += 1
        elif kind == PARQUET:
            import pyarrow as pa
            import pyarrow.parquet as pq

            kept = list(chosen.records(inputs, fields))
            table = pa.table({
                "id": [r.id for r in kept], "url": [r.url for r in kept],
                "text": [_text(r) if r.kind != "html" else None for r in kept],
                "html": [_text(r) if r.kind == "html" else None for r in kept],
            })
            with out.open("xb") as raw:
                pq.write_table(table, raw)
            written = len(kept)
        elif kind == WARC:
            from warcio.warcwriter import WARCWriter

            with out.open("xb") as raw:
                writer = WARCWriter(raw, gzip=out.suffix == ".gz")
                for record in chosen.records(inputs, fields):
                    content_type = "text/html" if record.kind == "html" else "text/plain"
                    writer.write_record(writer.create_warc_record(
                        record.url or record.id, "resource", payload=io.BytesIO(_data(record)),
                        warc_content_type=f"{content_type}; charset={record.charset or 'utf-8'}"))
                    written += 1
        else:
            written = _write_files(inputs, chosen, out, fields)
    except FileExistsError as error:
        raise InputError(error.filename or str(out), "exists; refusing to overwrite it") from None
    except OSError as error:
        raise InputError(str(out), f"cannot write the deduplicated corpus ({error.strerror or error})") from None
    return written


def _write_files(inputs: list[str], chosen: Selection, out: Path, fields: Fields) -> int:
    """Each chosen file under ``out`` at its path relative to the inputs' common folder."""
    common = _common_folder(inputs)
    out.mkdir(parents=True, exist_ok=True)
    written = 0
    for record in chosen.records(inputs, fields):
        relative = os.path.relpath(os.path.abspath(local_path(record.source)), common)
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("xb") as stream:
            stream.write(_data(record))
        written += 1
    return written
