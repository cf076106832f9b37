"""``variorum diff A B``: compare two versions and report what changed.

Exit status as ``diff``: 0 no substantive change, 1 substantive changes, 2 an error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from variorum.cli.common import ReportFormat, report_comparison, warn
from variorum.cli.inputs import DEFAULT_MAX_BYTES, load_article
from variorum.cli.templates import SITE_PAGE_HELP


def diff_command(
    a: Annotated[str, typer.Argument(help="Version A: a file, '-' for standard input, or a file:// URL.")],
    b: Annotated[str, typer.Argument(help="Version B: a file, '-' for standard input, or a file:// URL.")],
    output_format: Annotated[ReportFormat, typer.Option("--format", "-f", help="Report format.")] = ReportFormat.text,
    show_all: Annotated[bool, typer.Option("--all", help="Also list cosmetic changes (layout, splits, merges).")] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to this file.")] = None,
    max_bytes: Annotated[int, typer.Option(
        metavar="BYTES", show_default=False, help="Refuse inputs larger than this (default: 50 MiB).")] = DEFAULT_MAX_BYTES,
    site_page: Annotated[list[str] | None, typer.Option("--site-page", help=SITE_PAGE_HELP)] = None,
) -> None:
    """Compare two versions of an article: every real change, classified and ranked; layout noise ignored."""
    from variorum.cli.templates import without_site_template
    from variorum.compare import compare  # after parsing, so that --help and usage errors do not load the engine

    if a == "-" and b == "-":
        raise typer.BadParameter("only one of A and B can be standard input")
    old = load_article(a, max_bytes=max_bytes, warn=warn)
    new = load_article(b, max_bytes=max_bytes, warn=warn)
    old, new = without_site_template([old, new], site_page or [], max_bytes=max_bytes, warn=warn)
    raise typer.Exit(report_comparison(compare(old, new), output_format, show_all, output))
