"""``variorum history URL`` lists an article's stored versions; ``variorum show URL`` reports what changed
between two of them (by default the latest and the one before; ``--from``/``--to`` choose), with the same
renderers and exit statuses as ``variorum diff`` (0 no substantive change, 1 substantive changes, 2 an
error). Both open an existing store read-only and refuse a missing one."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from variorum.cli.common import DatabaseOption, ReportFormat, open_cli_store, report_comparison
from variorum.cli.console import escape_controls, terminal_console
from variorum.errors import InputError

if TYPE_CHECKING:
    from rich.console import Console

    from variorum.compare.model import Comparison
    from variorum.store import HistoryEntry, Store

_STYLES = {"major": "bold red", "minor": "yellow", "cosmetic": "dim"}


class HistoryFormat(str, Enum):
    """How ``history`` prints the versions."""

    text = "text"
    json = "json"


def _summary(entry: HistoryEntry) -> str:
    return "first version" if entry.summary is None else str(entry.summary.get("verdict", ""))


def _when(entry: HistoryEntry) -> str:
    return entry.fetched_at.strftime("%Y-%m-%d %H:%M:%SZ")


def _history_json(url: str, entries: list[HistoryEntry]) -> str:
    versions: list[dict[str, Any]] = [
        {
            "version": e.version, "fetched_at": e.fetched_at.isoformat(), "title": e.title,
            "content_hash": e.content_hash, "http_status": e.http_status, "max_significance": e.max_significance,
            "summary": e.summary, "origin": e.origin, "origin_url": e.origin_url,
        }
        for e in entries
    ]
    return json.dumps({"url": url, "versions": versions}, ensure_ascii=False, indent=2) + "\n"


def _origin(entry: HistoryEntry) -> str:
    return f"{entry.origin} {entry.origin_url}" if entry.origin else "live"


def _history_plain(entries: list[HistoryEntry]) -> str:
    """Tab-separated rows; an ``origin`` column when some version was not fetched live (a backfill)."""
    with_origin = any(e.origin for e in entries)
    rows = [("version", "fetched", "significance", "title", "summary", *(["origin"] if with_origin else []))] + [
        (str(e.version), _when(e), e.max_significance or "-", e.title or "", _summary(e),
         *([_origin(e)] if with_origin else []))
        for e in entries
    ]
    return "".join("\t".join(row) + "\n" for row in rows)


def _history_rich(url: str, entries: list[HistoryEntry], console: Console) -> None:
    """A table for terminals: long titles wrap, nothing is cut, control characters are escaped."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=escape_controls(url), title_justify="left", expand=True)
    table.add_column("version", justify="right", no_wrap=True)
    table.add_column("fetched", no_wrap=True)
    table.add_column("significance", no_wrap=True)
    table.add_column("title", ratio=2, overflow="fold")
    table.add_column("summary", ratio=3, overflow="fold")
    with_origin = any(e.origin for e in entries)
    if with_origin:
        table.add_column("origin", ratio=2, overflow="fold")
    for entry in entries:
        significance = entry.max_significance or "-"
        table.add_row(str(entry.version), _when(entry), Text(significance, style=_STYLES.get(significance, "dim")),
                      Text(escape_controls(entry.title or "")), Text(escape_controls(_summary(entry))),
                      *([Text(escape_controls(_origin(entry)), style="dim")] if with_origin else []))
    console.print(table)


def _history_of(store: Store, url: str) -> list[HistoryEntry]:
    entries = store.history(url)
    if not entries:
        raise InputError(url, "no stored versions of this URL")
    return entries


def history_command(
    url: Annotated[str, typer.Argument(help="The article's URL (tracking parameters and fragments are ignored).")],
    output_format: Annotated[HistoryFormat, typer.Option("--format", "-f", help="Output format.")] = HistoryFormat.text,
    db: DatabaseOption = None,
) -> None:
    """List the stored versions of an article: number, fetch time, significance, title and what changed."""
    from variorum.text.urls import canonical_url

    store = open_cli_store(db)
    try:
        entries = _history_of(store, url)
    finally:
        store.close()
    console = terminal_console()
    if output_format is HistoryFormat.json:
        sys.stdout.write(_history_json(canonical_url(url), entries))
    elif console is not None:
        _history_rich(canonical_url(url), entries, console)
    else:
        sys.stdout.write(_history_plain(entries))


def _comparison(store: Store, url: str, from_version: int | None, to_version: int | None) -> Comparison:
    from variorum.compare import compare
    from variorum.store.versions import VersionNotFoundError, resolve_versions

    stored = [entry.version for entry in _history_of(store, url)]
    try:
        from_version, to_version = resolve_versions(stored, from_version, to_version)
    except VersionNotFoundError as error:
        raise InputError(url, str(error)) from None
    return compare(store.version(url, from_version), store.version(url, to_version))


def show_command(
    url: Annotated[str, typer.Argument(help="The article's URL (tracking parameters and fragments are ignored).")],
    from_version: Annotated[int | None, typer.Option(
        "--from", metavar="N", help="The older version (default: the one before --to).")] = None,
    to_version: Annotated[int | None, typer.Option(
        "--to", metavar="N", help="The newer version (default: the latest).")] = None,
    output_format: Annotated[ReportFormat, typer.Option("--format", "-f", help="Report format.")] = ReportFormat.text,
    show_all: Annotated[bool, typer.Option("--all", help="Also list cosmetic changes (layout, splits, merges).")] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to this file.")] = None,
    db: DatabaseOption = None,
) -> None:
    """Show what changed between two stored versions of an article, reported as by variorum diff."""
    store = open_cli_store(db)
    try:
        comparison = _comparison(store, url, from_version, to_version)
    finally:
        store.close()
    raise typer.Exit(report_comparison(comparison, output_format, show_all, output))
