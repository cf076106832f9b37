"""``variorum diff A B``: compare two versions and report what changed.

Exit status as ``diff``: 0 no substantive change, 1 substantive changes, 2 an error.

A or B may be a web page or a web-archive capture (``https://web.archive.org/web/<timestamp>/<url>``, read
in its raw form) when ``--allow-network`` says so; addresses on private networks are refused as the tracker
refuses them, unless ``--allow-private``. Nothing is fetched otherwise.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from variorum.article import Article
from variorum.cli.common import AllowPrivate, ReportFormat, report_comparison, warn
from variorum.cli.inputs import DEFAULT_MAX_BYTES, load_article
from variorum.cli.templates import SITE_PAGE_HELP
from variorum.errors import InputError


def diff_command(
    a: Annotated[str, typer.Argument(
        help="Version A: a file, '-' for standard input, a file:// URL, or with --allow-network a web page or capture.")],
    b: Annotated[str, typer.Argument(
        help="Version B: a file, '-' for standard input, a file:// URL, or with --allow-network a web page or capture.")],
    output_format: Annotated[ReportFormat, typer.Option("--format", "-f", help="Report format.")] = ReportFormat.text,
    show_all: Annotated[bool, typer.Option("--all", help="Also list cosmetic changes (layout, splits, merges).")] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to this file.")] = None,
    max_bytes: Annotated[int, typer.Option(
        metavar="BYTES", show_default=False, help="Refuse inputs larger than this (default: 50 MiB).")] = DEFAULT_MAX_BYTES,
    site_page: Annotated[list[str] | None, typer.Option("--site-page", help=SITE_PAGE_HELP)] = None,
    allow_network: Annotated[bool, typer.Option(
        "--allow-network", help="Fetch A and B when they are http(s) URLs: pages or web-archive captures (off by default).",
    )] = False,
    allow_private: AllowPrivate = False,
) -> None:
    """Compare two versions of an article: every real change, classified and ranked; layout noise ignored."""
    from variorum.cli.templates import without_site_template
    from variorum.compare import compare  # after parsing, so that --help and usage errors do not load the engine

    if a == "-" and b == "-":
        raise typer.BadParameter("only one of A and B can be standard input")
    web = [name for name in (a, b) if name.lower().startswith(("http://", "https://"))]
    if web and not allow_network:
        raise InputError(web[0], "is a web address: variorum diff fetches it only with --allow-network")
    fetched = _fetch(web, allow_private=allow_private, max_bytes=max_bytes) if web else {}
    old = fetched[a] if a in fetched else load_article(a, max_bytes=max_bytes, warn=warn)
    new = fetched[b] if b in fetched else load_article(b, max_bytes=max_bytes, warn=warn)
    old, new = without_site_template([old, new], site_page or [], max_bytes=max_bytes, warn=warn)
    raise typer.Exit(report_comparison(compare(old, new), output_format, show_all, output))


def _fetch(urls: list[str], *, allow_private: bool, max_bytes: int) -> dict[str, Article]:
    """The articles of web pages or captures, by URL (the fetcher and httpx load only when one is asked for)."""
    import asyncio

    from variorum.track import Fetcher, FetchPolicy
    from variorum.track.backfill import fetch_article

    async def fetch_all() -> dict[str, Article]:
        policy = FetchPolicy(allow_private=allow_private, delay=0.0, max_bytes=max_bytes)
        async with Fetcher(policy) as fetcher:
            return {url: await fetch_article(fetcher, url) for url in dict.fromkeys(urls)}

    return asyncio.run(fetch_all())
