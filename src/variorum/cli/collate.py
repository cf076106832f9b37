"""``variorum collate FILE…``: one variant apparatus over many versions of an article.

With ``--cluster JSONL`` the files are instead the corpus a ``variorum dedup --format jsonl`` run read, and
the witnesses are the members of one of its clusters (``--cluster-id``, default the first line), in the
cluster's order (by published date).

Exit status: 0 no variant site, 1 variant sites found, 2 an error.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from variorum.article import Article
from variorum.cli.common import ReportFormat, warn, write_report
from variorum.cli.inputs import DEFAULT_MAX_BYTES, load_article, read_bytes
from variorum.cli.templates import SITE_PAGE_HELP, without_site_template
from variorum.compare.collate import Collation, collate
from variorum.errors import InputError
from variorum.extract.formats import read_inputs
from variorum.extract.records import OK, extract_record
from variorum.render.collation_html import render_collation_html
from variorum.render.collation_text import render_collation_markdown, render_collation_text


def _load_files(files: list[str], max_bytes: int) -> list[Article]:
    if files.count("-") > 1:
        raise InputError("-", "standard input can be named only once")
    seen: set[str] = set()
    articles = []
    for name in files:
        if name in seen:
            raise InputError(name, "named twice; each witness must have its own id")
        seen.add(name)
        articles.append(load_article(name, max_bytes=max_bytes, warn=warn))
    return articles


def _cluster_line(source: str, cluster_id: int | None, max_bytes: int) -> dict[str, Any]:
    """The dedup JSONL object for cluster ``cluster_id`` (or the first) in file ``source``."""
    try:
        lines = read_bytes(source, max_bytes).decode("utf-8").splitlines()
        clusters = [json.loads(line) for line in lines if line.strip()]
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(source, f"not a 'variorum dedup --format jsonl' file ({error})") from None
    for cluster in clusters:
        if not isinstance(cluster, dict) or not isinstance(cluster.get("members"), list):
            raise InputError(source, "not a 'variorum dedup --format jsonl' file (a line has no members)")
        if cluster_id is None or cluster.get("cluster") == cluster_id:
            return cluster
    raise InputError(source, "no clusters" if cluster_id is None else f"no cluster {cluster_id}")


def _load_cluster(source: str, cluster_id: int | None, corpus: list[str], max_bytes: int) -> list[Article]:
    """The members of a dedup cluster, read from the corpus, in the cluster's order."""
    wanted = [str(member.get("id")) for member in _cluster_line(source, cluster_id, max_bytes)["members"]]
    found: dict[str, Article] = {}
    for record in read_inputs(corpus):
        if record.id in wanted and record.id not in found:
            extraction = extract_record(record)
            if extraction.status != OK or extraction.article is None:
                raise InputError(record.source, extraction.error or "cannot be read")
            found[record.id] = extraction.article
    missing = [member for member in wanted if member not in found]
    if missing:
        raise InputError(source, f"member {missing[0]!r} is not in the corpus given ({', '.join(corpus)})")
    return [found[member] for member in wanted]


def render(collation: Collation, output_format: ReportFormat) -> str:
    """The collation report in ``output_format``."""
    if output_format is ReportFormat.json:
        return json.dumps(collation.to_dict(), ensure_ascii=False, indent=2) + "\n"
    if output_format is ReportFormat.html:
        return render_collation_html(collation)
    if output_format is ReportFormat.markdown:
        return render_collation_markdown(collation)
    return render_collation_text(collation)


def collate_command(
    files: Annotated[list[str], typer.Argument(
        help="The witnesses: files, '-' for standard input, file:// URLs. With --cluster: the dedup corpus.")],
    base: Annotated[str | None, typer.Option(help="Collate against this witness (its file name or id); "
                                                     "default: the most central witness.")] = None,
    ordered: Annotated[bool, typer.Option("--ordered", help="The witnesses are versions in time order: "
                                                             "add sentence histories and per-version counts.")] = False,
    cluster: Annotated[str | None, typer.Option(help="A 'variorum dedup --format jsonl' output: collate "
                                                        "one cluster's members, read from FILES.")] = None,
    cluster_id: Annotated[int | None, typer.Option(help="Which cluster of --cluster (default: the first).")] = None,
    output_format: Annotated[ReportFormat, typer.Option("--format", "-f", help="Report format.")] = ReportFormat.text,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to this file.")] = None,
    max_bytes: Annotated[int, typer.Option(
        metavar="BYTES", show_default=False, help="Refuse inputs larger than this (default: 50 MiB).")] = DEFAULT_MAX_BYTES,
    site_page: Annotated[list[str] | None, typer.Option("--site-page", help=SITE_PAGE_HELP)] = None,
) -> None:
    """Collate many versions of an article: every variant site over a base, with the witnesses reading each."""
    if cluster is not None:
        articles = _load_cluster(cluster, cluster_id, files, max_bytes)
    else:
        articles = _load_files(files, max_bytes)
    articles = without_site_template(articles, site_page or [], max_bytes=max_bytes, warn=warn)
    if len(articles) < 2:
        raise InputError(files[0] if files else "collate", f"collating needs at least two witnesses, got {len(articles)}")
    try:
        collation = collate(articles, ids=[article.id or f"w{n}" for n, article in enumerate(articles, 1)],
                            base=base, ordered=ordered)
    except ValueError as error:
        raise InputError("collate", str(error)) from None
    report = render(collation, output_format)
    write_report(report, output)
    raise typer.Exit(1 if collation.sites else 0)
