"""What every command shares: the report formats of ``diff``, ``show`` and ``collate``, writing a
report, the ``--db`` option of the commands that use the store, the ``--*-field`` options of the commands
that read JSONL and Parquet (``extract``, ``dedup``, ``index``), and the guard that makes a failure to write
standard output (a full disk) one line.

This module is imported by commands that never touch the store, so it loads nothing heavy at import time:
SQLAlchemy and the renderers are imported by the functions that use them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer

from variorum.cli.console import escape_controls, terminal_console, warn
from variorum.errors import InputError

if TYPE_CHECKING:
    from variorum.compare.model import Comparison
    from variorum.extract.formats import Fields
    from variorum.store import Store

DatabaseOption = Annotated[str | None, typer.Option(
    "--db", envvar="VARIORUM_DB", show_envvar=True, metavar="DB",
    help="SQLite file or postgresql:// URL (default: ~/.local/share/variorum/variorum.db).",
)]


AllowPrivate = Annotated[bool, typer.Option(
    "--allow-private", help="Fetch URLs on loopback, private and link-local addresses (refused by default).",
)]
IdField = Annotated[str, typer.Option("--id-field", help="JSONL key / Parquet column holding the record id.")]
UrlField = Annotated[str, typer.Option("--url-field", help="JSONL key / Parquet column holding the URL.")]
TextField = Annotated[str, typer.Option("--text-field", help="JSONL key / Parquet column holding plain text.")]
HtmlField = Annotated[str, typer.Option("--html-field",
                                        help="JSONL key / Parquet column holding HTML (wins over text).")]


def record_fields(id_field: str, url_field: str, text_field: str, html_field: str) -> Fields:
    """The :class:`~variorum.extract.formats.Fields` the ``--*-field`` options name."""
    from variorum.extract.formats import Fields

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


def write_report(report: str, output: Path | None) -> None:
    """Write ``report`` to ``output``, or to standard output when there is none."""
    if output is None:
        sys.stdout.write(report)
        return
    try:
        output.write_text(report, encoding="utf-8")
    except OSError as error:
        raise InputError(str(output), f"cannot write the report ({error.strerror or error})") from None


def open_cli_store(db: str | None, *, create: bool = False) -> Store:
    """Open the store named by ``--db``, turning a connection or migration failure into one clear line.

    Only a command that records (``track add``) passes ``create=True``; every other command refuses a
    store that does not exist rather than leaving an empty one behind.
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from variorum.store import database_url, open_store

    try:
        return open_store(db, create=create)
    except (SQLAlchemyError, OSError) as error:
        where = make_url(db).render_as_string(hide_password=True) if db and "://" in db else db or database_url(None)
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise InputError(where, f"cannot open the database ({first_line})") from None


def report_comparison(comparison: Comparison, output_format: ReportFormat, show_all: bool, output: Path | None) -> int:
    """Print or write ``comparison`` as ``variorum diff`` does (styled, with control characters escaped, on
    a terminal) and return the exit status: 1 when it has substantive changes, else 0."""
    if output_format is ReportFormat.json:
        from variorum.render.json import render_json

        write_report(render_json(comparison), output)
    elif output_format is ReportFormat.html:
        from variorum.render.html import render_html

        write_report(render_html(comparison, show_all), output)
    elif output_format is ReportFormat.markdown:
        from variorum.render.markdown import render_markdown

        write_report(render_markdown(comparison, show_all), output)
    else:
        from variorum.render.terminal import render_plain, render_text

        console = terminal_console() if output is None else None
        if console is not None:
            console.print(render_text(comparison, show_all, escape_controls), end="")
        else:
            write_report(render_plain(comparison, show_all), output)
    return 1 if comparison.changed else 0


__all__ = [
    "DatabaseOption", "ReportFormat", "Significance", "open_cli_store", "report_comparison", "warn",
    "write_report",
]
