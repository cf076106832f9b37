"""``variorum track``: add feeds and pages to watch, list them, and run the tracker."""

from __future__ import annotations

from typing import Annotated

import typer

from variorum.cli.common import DatabaseOption, open_cli_store

track_app = typer.Typer(
    help="Watch feeds and pages; store every real version of each article.", no_args_is_help=True,
)


@track_app.command("list")
def list_command(db: DatabaseOption = None) -> None:
    """List the watched sources."""
    store = open_cli_store(db)
    try:
        for source in store.sources():
            polled = source.last_polled_at.isoformat(timespec="seconds") if source.last_polled_at else "never"
            typer.echo(f"{source.id}\t{source.kind}\t{source.url}\tlast polled {polled}")
    finally:
        store.close()


__all__ = ["track_app"]
