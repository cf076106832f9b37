"""What every command shares: the report formats of ``diff``, ``show`` and ``collate``, writing a
report, warnings on stderr, the ``--db`` option of the commands that use the store, and the ``--*-field``
options of the commands that read JSONL and Parquet (``extract``, ``dedup``, ``index``)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from rich.console import Console
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from variorum.compare import Comparison
from variorum.errors import InputError
from variorum.extract.formats import Fields
from variorum.render.html import render_html
from variorum.render.json import render_json
from variorum.render.markdown import render_markdown
from variorum.render.terminal import render_plain, render_rich
from variorum.store import Store, database_url, open_store

DatabaseOption = Annotated[str | None, typer.Option(
    "--db", envvar="VARIORUM_DB", show_envvar=True,
    help="SQLite file or postgresql:// URL (default: ~/.local/share/variorum/variorum.db).",
)]

IdField = Annotated[str, typer.Option("--id-field", help="JSONL key / Parquet column holding the record id.")]
UrlField = Annotated[str, typer.Option("--url-field", help="JSONL key / Parquet column holding the URL.")]
TextField = Annotated[str, typer.Option("--text-field", help="JSONL key / Parquet column holding plain text.")]
HtmlField = Annotated[str, typer.Option("--html-field",
                                        help="JSONL key / Parquet column holding HTML (wins over text).")]


def record_fields(id_field: str, url_field: str, text_field: str, html_field: str) -> Fields:
    """The :class:`Fields` the ``--*-field`` options name."""
    return Fields(id=id_field, url=url_field, text=text_field, html=html_field)


class Significance(str, Enum):
    """A change significance, as a command-line choice (``--min-significance``)."""

    major = "major"
    minor = "minor"
    cosmetic = "cosmetic"


class ReportFormat(str, Enum):
    """The formats a comparison or collation report can be written in."""

    text = "text"
    json = "json"
    html = "html"
    markdown = "markdown"


class _GuardedOutput:
    """Standard output whose failed writes (a full disk, a device gone) are one clear :class:`InputError`
    rather than a traceback; a broken pipe stays a :class:`BrokenPipeError` (the reader has gone: exit 0)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def _failed(self, error: OSError) -> InputError:
        try:  # what is still buffered can never be written: let the interpreter's last flush drop it
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError):
            pass
        return InputError("standard output", f"cannot be written ({error.strerror or error})")

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise
        except OSError as error:
            raise self._failed(error) from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as error:
            raise self._failed(error) from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextmanager
def guarded_stdout() -> Iterator[None]:
    """Run a command with :class:`_GuardedOutput` as standard output, flushed at the end, so that a failure
    to write the output is reported as one line naming it."""
    original = sys.stdout
    guard = _GuardedOutput(original)
    sys.stdout = guard
    try:
        yield
    finally:
        sys.stdout = original
        guard.flush()


def warn(message: str) -> None:
    """Print ``variorum: warning: MESSAGE`` on standard error."""
    print(f"variorum: warning: {message}", file=sys.stderr)


def write_report(report: str, output: Path | None) -> None:
    """Write ``report`` to ``output``, or to standard output when there is none."""
    if output is None:
        sys.stdout.write(report)
        return
    try:
        output.write_text(report, encoding="utf-8")
    except OSError as error:
        raise InputError(str(output), f"cannot write the report ({error.strerror or error})") from None


def open_cli_store(db: str | None) -> Store:
    """Open the store named by ``--db``, turning a connection or migration failure into one clear line."""
    try:
        return open_store(db)
    except (SQLAlchemyError, OSError) as error:
        where = make_url(db).render_as_string(hide_password=True) if db and "://" in db else db or database_url(None)
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise InputError(where, f"cannot open the database ({first_line})") from None


def report_comparison(comparison: Comparison, output_format: ReportFormat, show_all: bool, output: Path | None) -> int:
    """Print or write ``comparison`` as ``variorum diff`` does (Rich on a terminal) and return the exit
    status: 1 when it has substantive changes, else 0."""
    if output_format is ReportFormat.text and output is None and sys.stdout.isatty():
        render_rich(comparison, Console(), show_all)
    elif output_format is ReportFormat.json:
        write_report(render_json(comparison), output)
    elif output_format is ReportFormat.html:
        write_report(render_html(comparison, show_all), output)
    elif output_format is ReportFormat.markdown:
        write_report(render_markdown(comparison, show_all), output)
    else:
        write_report(render_plain(comparison, show_all), output)
    return 1 if comparison.changed else 0
