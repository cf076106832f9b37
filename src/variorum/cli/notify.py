"""``variorum track feed``: write the Atom feed of recent changes (see :mod:`variorum.render.atom`).

The file is replaced atomically (written beside it, then renamed), so a web server publishing it never
serves half a feed.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from variorum.cli.common import DatabaseOption, Significance, open_cli_store
from variorum.errors import InputError
from variorum.render.atom import render_atom
from variorum.store.changes import MAX_LIMIT, recent_changes


def _replace(path: Path, document: str) -> None:
    """Write ``document`` to ``path`` through a temporary file in the same directory and a rename."""
    try:
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(document)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as error:
        raise InputError(str(path), f"cannot write the feed ({error.strerror or error})") from None


def feed_command(
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the feed to this file (replaced atomically); default: standard output.")] = None,
    limit: Annotated[int, typer.Option(
        min=1, max=MAX_LIMIT, help="How many of the most recent changes to include.")] = 50,
    min_significance: Annotated[Significance, typer.Option(
        "--min-significance", help="Leave out changes less significant than this.")] = Significance.minor,
    title: Annotated[str, typer.Option(help="The feed's title.")] = "Variorum: changes",
    self_url: Annotated[str | None, typer.Option(
        "--self-url", help="The address the feed is published at (its self link; also fixes its id).")] = None,
    db: DatabaseOption = None,
) -> None:
    """Write an Atom feed of the most recent changes to tracked articles, newest first."""
    store = open_cli_store(db)
    try:
        entries = recent_changes(store, limit=limit, min_significance=min_significance.value)
    finally:
        store.close()
    document = render_atom(entries, feed_title=title, self_url=self_url)
    if output is None:
        sys.stdout.write(document)
        return
    _replace(output, document)
    typer.echo(f"wrote {len(entries)} change{'s' if len(entries) != 1 else ''} to {output}")
