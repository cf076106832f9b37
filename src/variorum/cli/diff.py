"""``variorum diff A B``: compare two versions and report what changed.

Exit status as ``diff``: 0 no substantive change, 1 substantive changes, 2 an error.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from variorum.cli.common import ReportFormat, warn, write_report
from variorum.cli.inputs import DEFAULT_MAX_BYTES, load_article
from variorum.compare import compare
from variorum.render.html import render_html
from variorum.render.json import render_json
from variorum.render.markdown import render_markdown
from variorum.render.terminal import render_plain, render_rich


def diff_command(
    a: Annotated[str, typer.Argument(help="Version A: a file, '-' for standard input, or a file:// URL.")],
    b: Annotated[str, typer.Argument(help="Version B: a file, '-' for standard input, or a file:// URL.")],
    output_format: Annotated[ReportFormat, typer.Option("--format", "-f", help="Report format.")] = ReportFormat.text,
    show_all: Annotated[bool, typer.Option("--all", help="Also list cosmetic changes (layout, splits, merges).")] = False,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the report to this file.")] = None,
    max_bytes: Annotated[int, typer.Option(help="Refuse inputs larger than this many bytes.")] = DEFAULT_MAX_BYTES,
) -> None:
    """Compare two versions of an article: every real change, classified and ranked; layout noise ignored."""
    if a == "-" and b == "-":
        raise typer.BadParameter("only one of A and B can be standard input")
    old = load_article(a, max_bytes=max_bytes, warn=warn)
    new = load_article(b, max_bytes=max_bytes, warn=warn)
    comparison = compare(old, new)
    status = 1 if comparison.changed else 0
    if output_format is ReportFormat.text and output is None and sys.stdout.isatty():
        render_rich(comparison, Console(), show_all)
        raise typer.Exit(status)
    if output_format is ReportFormat.json:
        report = render_json(comparison)
    elif output_format is ReportFormat.html:
        report = render_html(comparison, show_all)
    elif output_format is ReportFormat.markdown:
        report = render_markdown(comparison, show_all)
    else:
        report = render_plain(comparison, show_all)
    write_report(report, output)
    raise typer.Exit(status)
