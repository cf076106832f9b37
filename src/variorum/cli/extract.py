"""``variorum extract INPUT...``: articles out of pages, directories, JSONL, WARC and Parquet.

Writes one result per record (see ``docs/extract.md`` for the JSONL contract), warns on standard error about
each record that failed, and ends with a summary of records read, extracted, empty, failed and skipped.
Exit status: 0 when the inputs could be read (failed records are counted, not fatal, unless ``--strict``),
2 on an error.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from enum import Enum
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from variorum.cli.common import HtmlField, IdField, TextField, UrlField, record_fields, warn
from variorum.cli.console import note, progress_console
from variorum.errors import InputError
from variorum.extract.formats import Fields, check_inputs, detect_format, local_path, read_input, sniff
from variorum.extract.limits import MAX_PAGE_BYTES
from variorum.extract.output import Writer
from variorum.extract.parallel import default_workers, extract_in_order
from variorum.extract.records import EMPTY, FAILED, FEED, HTML, OK, SKIPPED, TEXT, Record


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
    if kind not in (HTML, TEXT, FEED):
        raise InputError("-", "standard input must be an HTML page, a feed or plain text")
    return Record(kind, "-", "-", data)


def _records(names: list[str], ids: dict[str, str], fields: Fields, max_bytes: int) -> Iterator[Record]:
    for name in names:
        if name == "-":
            yield _stdin_record(max_bytes)
        else:
            yield from read_input(name, fields, max_bytes, ids[name])


def _check_inputs(names: list[str]) -> dict[str, str]:
    """Fail before any output when an input is missing or unusable, so a typo costs nothing; return the id
    of each file input (unique across the inputs)."""
    if names.count("-") > 1:
        raise InputError("-", "standard input can be named only once")
    files = [name for name in names if name != "-"]
    return dict(zip(files, check_inputs(files)))


def _single_page(names: list[str]) -> bool:
    if len(names) != 1 or names[0] == "-":
        return len(names) == 1
    path = local_path(names[0])
    try:
        return path.is_file() and detect_format(path)[0] in (HTML, TEXT, FEED)
    except OSError:
        return True  # reading it will say why it cannot be read


def summary(counts: Counter[str]) -> str:
    """The end-of-run line, e.g. ``read 3 records: 2 extracted, 1 empty, 0 failed``."""
    read = counts[OK] + counts[EMPTY] + counts[FAILED] + counts[FEED]
    line = (f"read {read} record{'s' if read != 1 else ''}: {counts[OK]} extracted, {counts[EMPTY]} empty "
            f"(no article text found), {counts[FAILED]} failed")
    if counts[FEED]:
        line += f"; {counts[FEED]} feed{'s' if counts[FEED] != 1 else ''} ({counts['feed items']} item links)"
    if counts[SKIPPED]:
        line += f"; {counts[SKIPPED]} skipped (not articles)"
    return line


def _run(records: Iterator[Record], writer: Writer, strict: bool, max_bytes: int, workers: int,
         progress: Progress | None, counts: Counter[str]) -> None:
    task = progress.add_task("extracting", total=None) if progress else None
    for record, extraction in extract_in_order(records, workers=workers, max_bytes=max_bytes):
        if extraction is None:
            counts[SKIPPED] += 1
            continue
        counts[extraction.status] += 1
        if extraction.feed is not None:
            counts["feed items"] += len(extraction.feed.items)
        if extraction.status == FAILED:
            if strict:
                raise InputError(record.source, f"{extraction.error} (--strict)")
            warn(f"{record.source}: {extraction.error}")
        writer.write(extraction)
        if progress is not None and task is not None:
            progress.update(task, advance=1)


def _open_output(output: Path | None, stack: ExitStack) -> TextIO:
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
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Stop with an error at the first bad record or line.")] = False,
    id_field: IdField = "id",
    url_field: UrlField = "url",
    text_field: TextField = "text",
    html_field: HtmlField = "html",
    max_bytes: Annotated[int, typer.Option(
        metavar="BYTES", show_default=False, help="Largest page or record extracted (default: 20 MiB).")] = MAX_PAGE_BYTES,
    workers: Annotated[int | None, typer.Option(
        min=1, show_default=False,
        help="Processes extracting at once; the output keeps the input order (default: one per core).")] = None,
) -> None:
    """Extract articles (text, title, authors, date, links, captions) from pages and crawl containers.

    Feed files (RSS, Atom, JSON Feed) are not articles: they are listed with their items' links."""
    ids = _check_inputs(inputs)
    fields = record_fields(id_field, url_field, text_field, html_field)
    counts: Counter[str] = Counter()
    with ExitStack() as stack:
        stream = _open_output(output, stack)
        writer = Writer(stream, output_format.value, headers=not _single_page(inputs))
        progress = None
        console = progress_console()
        if console is not None:
            progress = stack.enter_context(Progress(
                SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                TextColumn("{task.completed} records"), TimeElapsedColumn(),
                console=console, transient=True,
            ))
        try:
            _run(_records(inputs, ids, fields, max_bytes), writer, strict, max_bytes, workers or default_workers(),
                 progress, counts)
        finally:
            writer.close()
    note(summary(counts))
    raise typer.Exit(0)
