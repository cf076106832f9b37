"""``variorum extract INPUT...``: articles out of pages, directories, JSONL, WARC and Parquet.

Writes one result per record (see ``docs/extract.md`` for the JSONL contract), warns on standard error about
each record that failed, and ends with a summary of records read, extracted, empty, failed and skipped.
Exit status: 0 when the inputs could be read (failed records are counted, not fatal, unless ``--strict``),
2 on an error.
"""

from __future__ import annotations

import sys
from collections import Counter
from contextlib import ExitStack
from enum import Enum
from pathlib import Path
from typing import Annotated, Iterator, Optional, TextIO

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from variorum.cli.common import warn
from variorum.errors import InputError
from variorum.extract.formats import Fields, detect_format, local_path, read_input, sniff
from variorum.extract.limits import MAX_PAGE_BYTES
from variorum.extract.output import Writer
from variorum.extract.records import EMPTY, FAILED, HTML, OK, SKIPPED, TEXT, Extraction, Record, extract_record


class ExtractFormat(str, Enum):
    text = "text"
    json = "json"
    jsonl = "jsonl"
    markdown = "markdown"


def _stdin_record(max_bytes: int) -> Record:
    data = sys.stdin.buffer.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError("-", f"input is over the limit of {max_bytes:,} bytes (see --max-bytes)")
    kind = sniff(data[:4096])
    if kind not in (HTML, TEXT):
        raise InputError("-", "standard input must be an HTML page or plain text")
    return Record(kind, "-", "-", data)


def _records(names: list[str], fields: Fields, max_bytes: int) -> Iterator[Record]:
    for name in names:
        if name == "-":
            yield _stdin_record(max_bytes)
        else:
            yield from read_input(name, fields, max_bytes)


def _check_inputs(names: list[str]) -> None:
    """Fail before any output when an input is missing, so a typo costs nothing."""
    if names.count("-") > 1:
        raise InputError("-", "standard input can be named only once")
    for name in names:
        if name != "-" and not local_path(name).exists():
            raise InputError(name, "no such file or directory")


def _single_page(names: list[str]) -> bool:
    if len(names) != 1 or names[0] == "-":
        return len(names) == 1
    path = local_path(names[0])
    return path.is_file() and detect_format(path)[0] in (HTML, TEXT)


def summary(counts: Counter[str]) -> str:
    """The end-of-run line, e.g. ``read 3 records: 2 extracted, 1 empty, 0 failed``."""
    read = counts[OK] + counts[EMPTY] + counts[FAILED]
    line = (f"read {read} record{'s' if read != 1 else ''}: {counts[OK]} extracted, {counts[EMPTY]} empty "
            f"(no article text found), {counts[FAILED]} failed")
    if counts[SKIPPED]:
        line += f"; {counts[SKIPPED]} skipped (not articles)"
    return line


def _run(records: Iterator[Record], writer: Writer, strict: bool, max_bytes: int, progress: Progress | None,
         counts: Counter[str]) -> None:
    task = progress.add_task("extracting", total=None) if progress else None
    for record in records:
        if record.kind == SKIPPED:
            counts[SKIPPED] += 1
            continue
        extraction: Extraction = extract_record(record, max_bytes=max_bytes)
        counts[extraction.status] += 1
        if extraction.status == FAILED:
            if strict:
                raise InputError(record.source, f"{extraction.error} (--strict)")
            warn(f"{record.source}: {extraction.error}")
        writer.write(extraction)
        if progress is not None and task is not None:
            progress.update(task, advance=1)


def _open_output(output: Optional[Path], stack: ExitStack) -> TextIO:
    if output is None:
        return sys.stdout
    try:
        return stack.enter_context(output.open("w", encoding="utf-8"))
    except OSError as error:
        raise InputError(str(output), f"cannot write the output ({error.strerror or error})") from None


def extract_command(
    inputs: Annotated[list[str], typer.Argument(
        help="Files, directories (read recursively) or file:// URLs: HTML, text, .jsonl[.gz], .warc[.gz], "
             ".parquet; '-' reads one page from standard input.")],
    output_format: Annotated[ExtractFormat, typer.Option("--format", "-f", help="Output format.")] = ExtractFormat.text,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write to this file.")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Stop with an error at the first bad record or line.")] = False,
    id_field: Annotated[str, typer.Option(help="JSONL key / Parquet column holding the record id.")] = "id",
    url_field: Annotated[str, typer.Option(help="JSONL key / Parquet column holding the URL.")] = "url",
    text_field: Annotated[str, typer.Option(help="JSONL key / Parquet column holding plain text.")] = "text",
    html_field: Annotated[str, typer.Option(help="JSONL key / Parquet column holding HTML (wins over text).")] = "html",
    max_bytes: Annotated[int, typer.Option(
        metavar="BYTES", show_default=False, help="Largest page or record extracted (default: 20 MiB).")] = MAX_PAGE_BYTES,
) -> None:
    """Extract articles (text, title, authors, date, links, captions) from pages and crawl containers."""
    _check_inputs(inputs)
    fields = Fields(id=id_field, url=url_field, text=text_field, html=html_field)
    counts: Counter[str] = Counter()
    with ExitStack() as stack:
        stream = _open_output(output, stack)
        writer = Writer(stream, output_format.value, headers=not _single_page(inputs))
        progress = None
        if sys.stderr.isatty():
            progress = stack.enter_context(Progress(
                SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                TextColumn("{task.completed} records"), TimeElapsedColumn(),
                console=Console(stderr=True), transient=True,
            ))
        try:
            _run(_records(inputs, fields, max_bytes), writer, strict, max_bytes, progress, counts)
        finally:
            writer.close()
    print(f"variorum: {summary(counts)}", file=sys.stderr)
    raise typer.Exit(0)
