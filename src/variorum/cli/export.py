"""``variorum export``: write a store's articles, versions and changes as JSON Lines or Parquet files for
research (see :mod:`variorum.store.export` for the columns)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from variorum.cli.common import DatabaseOption, open_cli_store
from variorum.errors import InputError
from variorum.store.export import export


class ExportFormat(str, Enum):
    """The file formats ``export`` writes."""

    jsonl = "jsonl"
    parquet = "parquet"


def export_command(
    output: Annotated[Path, typer.Option("--output", "-o", help="Directory to write the files into (created if needed).")],
    output_format: Annotated[ExportFormat, typer.Option("--format", "-f", help="File format.")] = ExportFormat.jsonl,
    db: DatabaseOption = None,
) -> None:
    """Export every article, version and change as articles, versions and changes files."""
    store = open_cli_store(db)
    try:
        written = export(store, output, output_format.value)
    except OSError as error:
        raise InputError(str(output), f"cannot write the export ({error.strerror or error})") from None
    finally:
        store.close()
    counts = ", ".join(f"{count} {name.removesuffix('s') if count == 1 else name}" for name, count in written.items())
    typer.echo(f"wrote {counts} to {output}/ ({output_format.value})")
