"""``variorum collate FILE…``: one variant apparatus over many versions of an article.

With ``--cluster JSONL`` the files are instead the corpus a ``variorum dedup --format jsonl`` run read, and
the witnesses are the members of one of its clusters (``--cluster-id``, default the first line), in the
cluster's order (by published date). The corpus's other stories of the members' sites then teach the site's
template: paragraphs that recur across different stories are left out of the collation.

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
from variorum.extract.records import HTML, OK, TEXT, extract_record
from variorum.render.collation_html import render_collation_html
from variorum.render.collation_text import render_collation_markdown, render_collation_text
from variorum.text.urls import site_of

MAX_SITE_STORIES = 200
"""Other stories of the cluster's sites read from the corpus to learn the site's template: enough to see
what a site repeats on every page (three are needed), few enough that collating one cluster stays quick."""
MAX_SITE_SCAN = 1000
"""Other records extracted at most while looking for them (a page's site is known only once it is read
when the corpus does not give its address)."""


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


def _cluster_lines(source: str, max_bytes: int) -> list[dict[str, Any]]:
    """The cluster objects of a ``variorum dedup --format jsonl`` file."""
    try:
        lines = read_bytes(source, max_bytes).decode("utf-8").splitlines()
        clusters = [json.loads(line) for line in lines if line.strip()]
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(source, f"not a 'variorum dedup --format jsonl' file ({error})") from None
    for cluster in clusters:
        if not isinstance(cluster, dict) or not isinstance(cluster.get("members"), list):
            raise InputError(source, "not a 'variorum dedup --format jsonl' file (a line has no members)")
    return clusters


def _load_cluster(source: str, cluster_id: int | None, corpus: list[str], max_bytes: int,
                  ) -> tuple[list[Article], list[tuple[str, list[str]]]]:
    """The members of a dedup cluster, read from the corpus, in the cluster's order; and the paragraphs of
    the corpus's other stories of the members' sites, one entry per story (see :func:`_other_stories`)."""
    clusters = _cluster_lines(source, max_bytes)
    chosen = next((c for c in clusters if cluster_id is None or c.get("cluster") == cluster_id), None)
    if chosen is None:
        raise InputError(source, "no clusters" if cluster_id is None else f"no cluster {cluster_id}")
    wanted = [str(member.get("id")) for member in chosen["members"]]
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
    members = [found[member] for member in wanted]
    story_of = {str(member.get("id")): f"cluster {c.get('cluster')}" for c in clusters for member in c["members"]}
    return members, _other_stories(corpus, members, story_of)


def _other_stories(corpus: list[str], members: list[Article], story_of: dict[str, str],
                   ) -> list[tuple[str, list[str]]]:
    """The paragraphs of up to :data:`MAX_SITE_STORIES` other stories of the corpus from the members' sites,
    so that the site's template is learned from the corpus as the tracker learns it from the store. Versions
    of one story (one dedup cluster) count as one story; a record whose address names another site is not
    extracted, and at most :data:`MAX_SITE_SCAN` other records are. Standard input cannot be read twice:
    with ``-`` in the corpus nothing is learned."""
    sites = {site_of(article.url) for article in members if article.url}
    if not sites or "-" in corpus:
        return []
    skipped = {story_of.get(article.id or "") for article in members} - {None}
    stories: dict[str, list[str]] = {}
    scanned = 0
    for record in read_inputs(corpus):
        story = story_of.get(record.id, record.id)
        if story in skipped or record.kind not in (HTML, TEXT) or (record.url and site_of(record.url) not in sites):
            continue
        if (story not in stories and len(stories) >= MAX_SITE_STORIES) or scanned >= MAX_SITE_SCAN:
            break
        scanned += 1
        extraction = extract_record(record)
        article = extraction.article
        if extraction.status == OK and article is not None and article.url and site_of(article.url) in sites:
            stories.setdefault(story, []).extend(article.paragraphs)
    return list(stories.items())


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
    other_stories: list[tuple[str, list[str]]] = []
    if cluster is not None:
        articles, other_stories = _load_cluster(cluster, cluster_id, files, max_bytes)
    else:
        articles = _load_files(files, max_bytes)
    articles = without_site_template(articles, site_page or [], max_bytes=max_bytes, warn=warn,
                                     other_stories=other_stories)
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
