"""``variorum history URL`` lists an article's stored versions; ``variorum show URL --version N`` reports
what changed between two of them, with the same renderers and exit statuses as ``variorum diff``
(0 no substantive change, 1 substantive changes, 2 an error)."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from variorum.cli.common import DatabaseOption, ReportFormat, open_cli_store, report_comparison
from variorum.compare import Comparison, compare
from variorum.errors import InputError
from variorum.store import HistoryEntry, Store
from variorum.text.urls import canonical_url

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
            "summary": e.summary,
        }
        for e in entries
    ]
    return json.dumps({"url": url, "versions": versions}, ensure_ascii=False, indent=2) + "\n"


def _history_plain(entries: list[HistoryEntry]) -> str:
    rows = [("version", "fetched", "significance", "title", "summary")] + [
        (str(e.version), _when(e), e.max_significance or "-", e.title or "", _summary(e)) for e in entries
    ]
    return "".join("\t".join(row) + "\n" for row in rows)


def _history_rich(url: str, entries: list[HistoryEntry], console: Console) -> None:
    table = Table(title=url, title_justify="left", expand=True)
    table.add_column("version", justify="right", no_wrap=True)
    table.add_column("fetched", no_wrap=True)
    table.add_column("significance", no_wrap=True)
    table.add_column("title", ratio=2)
    table.add_column("summary", ratio=3)
    for entry in entries:
        significance = entry.max_significance or "-"
        table.add_row(str(entry.version), _when(entry), Text(significance, style=_STYLES.get(significance, "dim")),
                      entry.title or "", _summary(entry))
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
    store = open_cli_store(db)
    try:
        entries = _history_of(store, url)
    finally:
        store.close()
    if output_format is HistoryFormat.json:
        sys.stdout.write(_history_json(canonical_url(url), entries))
    elif sys.stdout.isatty():
        _history_rich(canonical_url(url), entries, Console())
    else:
        sys.stdout.write(_history_plain(entries))


def _comparison(store: Store, url: str, version: int, against: int | None) -> Comparison:
    entries = _history_of(store, url)
    known = {e.version for e in entries}
    stored = f"stored versions: {entries[0].version}–{entries[-1].version}"
    if version not in known:
        raise InputError(url, f"no version {version} ({stored})")
    if against is None and version == entries[0].version:
        raise InputError(url, f"version {version} is the first; give --against to compare it with another")
    against = version - 1 if against is None else against
    if against not in known:
        raise InputError(url, f"no version {against} ({stored})")
    return compare(store.version(url, against), store.version(url, version))


def show_command(
    url: Annotated[str, typer.Argument(help="The article's URL (tracking parameters and fragments are ignored).")],
    version: Annotated[int, typer.Option("--version", help="The version to show.")],
    against: Annotated[Optional[int], typer.Option(
        "--against", help="The version to compare it with (default: the one before).")] = None,
    output_format: Annotated[ReportFormat, typer.Option("--format", "-f", help="Report format.")] = ReportFormat.text,
    show_all: Annotated[bool, typer.Option("--all", help="Also list cosmetic changes (layout, splits, merges).")] = False,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the report to this file.")] = None,
    db: DatabaseOption = None,
) -> None:
    """Show what changed between two stored versions of an article, reported as by variorum diff."""
    store = open_cli_store(db)
    try:
        comparison = _comparison(store, url, version, against)
    finally:
        store.close()
    raise typer.Exit(report_comparison(comparison, output_format, show_all, output))
