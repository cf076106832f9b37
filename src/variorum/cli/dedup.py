"""``variorum dedup`` and ``variorum index``: find the same story across a corpus, and keep an index of it.

Inputs are read by :mod:`variorum.extract` (pages, directories, JSONL, WARC, Parquet) and streamed through
:class:`variorum.dedup.Deduper` in batches, locally (on ``--processes`` cores) or on a Dask cluster
(``--dask``). Reports go to standard output or ``-o``; warnings and a one-line summary go to standard error;
a progress bar with documents/s is shown only when standard error is a terminal.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, nullcontext
from enum import Enum
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import numpy as np
import typer

from variorum.cli.common import HtmlField, IdField, TextField, UrlField, record_fields, warn
from variorum.cli.console import note, progress_console
from variorum.cli.memory import collector_spares_loaded_objects, keep_freed_memory
from variorum.dedup import Cluster, DedupConfig, Deduper, Document, unique
from variorum.dedup import report as dedup_report
from variorum.dedup.documents import documents
from variorum.dedup.pipeline import Sketch, sketch
from variorum.dedup.unique import Selection
from variorum.extract.formats import Fields, check_inputs, read_inputs
from variorum.extract.records import Record, extract_record

if TYPE_CHECKING:
    from rich.progress import Progress

BATCH = 1000


class DedupFormat(str, Enum):
    text = "text"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


class Measure(str, Enum):
    jaccard = "jaccard"
    containment = "containment"


class Keep(str, Enum):
    first = "first"
    longest = "longest"
    newest = "newest"


class Level(str, Enum):
    copy = "copy"
    story = "story"


class QueryFormat(str, Enum):
    text = "text"
    json = "json"


def _progress(stack: ExitStack) -> Progress | None:
    """A progress display on standard error when it is a terminal (rich.progress is loaded only then)."""
    console = progress_console()
    if console is None:
        return None
    from rich.progress import Progress, ProgressColumn, SpinnerColumn, Task, TextColumn, TimeElapsedColumn
    from rich.text import Text

    class _RateColumn(ProgressColumn):
        """Documents per second since the start (steady when they come in parts, as from Dask workers)."""

        def render(self, task: Task) -> Text:
            return Text(f"{task.completed / task.elapsed if task.elapsed else 0:,.0f} docs/s")

    return stack.enter_context(Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.completed:,} documents"),
        _RateColumn(), TimeElapsedColumn(), console=console, transient=True,
    ))


def _records(inputs: list[str], fields: Fields) -> Iterator[Record]:
    return read_inputs(inputs, fields)


def _documents(
    inputs: list[str], fields: Fields, failures: list[int], progress: Progress | None = None,
    show_warnings: bool = True,
) -> Iterator[Document]:
    """Every extracted document of ``inputs``, in order; records that fail are warned about and counted."""
    task = progress.add_task("reading", total=None) if progress else None

    def left_out(message: str) -> None:
        failures[0] += 1
        if show_warnings:
            warn(message)

    for document in documents(_records(inputs, fields), left_out):
        if progress is not None and task is not None:
            progress.update(task, advance=1)
        yield document


def _on_dask(inputs: list[str], fields: Fields, config: DedupConfig, spec: str, failures: list[int],
             progress: Progress | None) -> tuple[Deduper, list[Cluster]]:
    """Deduplicate ``inputs`` on the Dask cluster ``spec``, its workers reading their own parts of them."""
    from variorum.dedup.dask import SketchedPart, connect, dedup_on_dask
    from variorum.extract.parts import split_inputs

    with connect(spec) as client:
        task = progress.add_task("reading", total=None) if progress else None  # started once the cluster is up

        def reported(part: SketchedPart) -> None:
            failures[0] += part.left_out
            for line in part.warnings:
                warn(line)
            if part.left_out > len(part.warnings):
                warn(f"{part.name}: {part.left_out - len(part.warnings):,} more records left out")
            if progress is not None and task is not None:
                progress.update(task, advance=len(part.ids))

        deduper, candidates = dedup_on_dask(split_inputs(inputs, fields), config, client, fields, on_part=reported)
    return deduper, deduper.clusters(candidates)


def _count(number: int, singular: str, plural: str | None = None) -> str:
    return f"{number:,} {singular if number == 1 else plural or singular + 's'}"


def _batches(documents: Iterable[Document]) -> Iterator[list[Document]]:
    stream = iter(documents)
    while batch := list(islice(stream, BATCH)):
        yield batch


def _summaries(
    deduper: Deduper, clusters: list[Cluster], inputs: list[str], fields: Fields, progress: Progress | None
) -> dict[int, dict[str, Any]]:
    """For the first versions of each cluster, the comparison summary with the previous version. Only the
    records of those versions are extracted again (the inputs are read, not extracted, a second time)."""
    from variorum.compare import compare

    previous = dedup_report.version_pairs(clusters)
    needed = Selection.of(deduper.ids, set(previous) | set(previous.values()))
    task = progress.add_task("comparing versions", total=None) if progress else None
    keys = deduper.sketch().keys
    texts: dict[int, str] = {}
    for position, record in needed.positioned(inputs, fields):
        extraction = extract_record(record)
        if extraction.article is not None:
            texts[position] = extraction.article.body
        if progress is not None and task is not None:
            progress.update(task, advance=1)
    found: dict[int, dict[str, Any]] = {}
    for after, before in previous.items():
        if keys[after] == keys[before] and texts.get(after, "").strip():
            found[after] = {"verdict": "Same text (exact duplicate)", "substantive": 0}
        elif before in texts and after in texts:
            found[after] = {**compare(texts[before], texts[after]).summary}
    return found


def _write_report(stream: TextIO, output_format: DedupFormat, deduper: Deduper, clusters: list[Cluster],
                  summaries: dict[int, dict[str, Any]]) -> None:
    if output_format is DedupFormat.csv:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["id", "cluster", "representative"])
        writer.writerows(dedup_report.csv_rows(deduper, clusters))
        return
    stories = dedup_report.story_clusters(deduper, clusters, summaries)
    if output_format is DedupFormat.jsonl:
        for story in stories:
            stream.write(json.dumps(dedup_report.cluster_object(story), ensure_ascii=False) + "\n")
        return
    if output_format is DedupFormat.json:
        stream.write(json.dumps(dedup_report.report(deduper, stories), ensure_ascii=False, indent=2) + "\n")
        return
    for story in stories:
        stream.write(f"cluster {story.number} · {len(story.members)} documents · keep {story.representative}\n")
        for member in story.members:
            date = f"  {member.published}" if member.published else ""
            stream.write(f"  {member.similarity:.2f}  {member.level:<14} {member.id}{date}\n")
            if member.change_from_previous:
                stream.write(f"        ↳ {member.change_from_previous['verdict']}\n")
        stream.write("\n")
    for document_id in dedup_report.furniture_ids(deduper):
        stream.write(f"only site furniture, not clustered: {document_id}\n")


def dedup_command(
    inputs: Annotated[list[str], typer.Argument(help="Files or directories: pages, text, JSONL, WARC, Parquet.")],
    threshold: Annotated[float, typer.Option(help="Similarity at or above which two documents are the same story.")]
    = DedupConfig.threshold,
    ngram: Annotated[int, typer.Option(help="Words per shingle.")] = DedupConfig.ngram,
    num_perm: Annotated[int, typer.Option(help="MinHash permutations (signature length).")] = DedupConfig.num_perm,
    measure: Annotated[Measure, typer.Option(help="containment: share of the shorter document inside the other; "
                                             "jaccard: shared share of both.")] = Measure(DedupConfig.measure),
    keep: Annotated[Keep, typer.Option(help="Which member represents a cluster.")] = Keep(DedupConfig.keep),
    level: Annotated[Level, typer.Option(help="story: copies, trimmed or extended copies and documents sharing a "
                                         "block of text; copy: copies only.")] = Level(DedupConfig.level),
    verify: Annotated[bool, typer.Option("--verify", help="Check candidate pairs exactly on their shingle sets "
                                         "(slower, more memory) instead of by MinHash estimate.")] = False,
    output_format: Annotated[DedupFormat, typer.Option("--format", "-f", help="Report format.")] = DedupFormat.text,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to this file.")] = None,
    write_unique: Annotated[Path | None, typer.Option(help="Also write the deduplicated corpus here, "
                                                         "in the inputs' format.")] = None,
    summaries: Annotated[bool, typer.Option(help="Link each version to the previous by a comparison summary "
                                            "(compares up to 20 versions a cluster: about 14 ms a pair).")]
    = False,
    processes: Annotated[int, typer.Option(min=1, help="Worker processes that sketch documents (use the cores "
                                           "of this machine; --dask spreads over a cluster).")] = 1,
    dask: Annotated[str | None, typer.Option(help="Run on Dask: local, local:N or tcp://HOST:PORT.")] = None,
    id_field: IdField = "id", url_field: UrlField = "url", text_field: TextField = "text", html_field: HtmlField = "html",
) -> None:
    """Group documents that are the same story: exact copies, syndicated, trimmed and edited versions."""
    check_inputs(inputs)
    fields = record_fields(id_field, url_field, text_field, html_field)
    if write_unique is not None:
        unique.check_target(inputs, write_unique)
    try:
        config = DedupConfig(threshold=threshold, ngram=ngram, num_perm=num_perm, measure=measure.value,
                             keep=keep.value, verify=verify, level=level.value)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None
    failures = [0]
    keep_freed_memory()
    with ExitStack() as stack:
        stack.enter_context(collector_spares_loaded_objects())
        progress = _progress(stack)
        if dask:
            deduper, clusters = _on_dask(inputs, fields, config, dask, failures, progress)
        else:
            deduper = Deduper(config)
            deduper.add_all(_batches(_documents(inputs, fields, failures, progress)), processes)
            clusters = deduper.clusters()
        wanted = summaries and output_format is not DedupFormat.csv and any(len(c.members) > 1 for c in clusters)
        found = _summaries(deduper, clusters, inputs, fields, progress) if wanted else {}
    with (output.open("w", encoding="utf-8", newline="") if output else nullcontext(sys.stdout)) as stream:
        _write_report(stream, output_format, deduper, clusters, found)
    duplicates = sum(len(c.members) - 1 for c in clusters)
    message = (f"{_count(len(deduper.ids), 'document')}, {_count(len(clusters), 'story', 'stories')} "
               f"({sum(len(c.members) > 1 for c in clusters):,} with more than one version), "
               f"{_count(duplicates, 'duplicate')}")
    furniture = len(dedup_report.furniture_ids(deduper))
    if furniture:
        message += f", {_count(furniture, 'document')} only site furniture (not clustered)"
    if failures[0]:
        message += f"; {failures[0]:,} records left out"
    if write_unique is not None:
        written = unique.write_unique(inputs, Selection.of(deduper.ids, {c.representative for c in clusters}),
                                      write_unique, fields)
        message += f"; {written:,} unique written to {write_unique}"
    note(message)


index_app = typer.Typer(help="A persistent near-duplicate index: add documents, ask what resembles one.",
                        no_args_is_help=True)


@index_app.command("add")
def index_add_command(
    index: Annotated[Path, typer.Argument(help="The index directory (created on first use).")],
    inputs: Annotated[list[str], typer.Argument(help="Files or directories to add.")],
    ngram: Annotated[int | None, typer.Option(help="Words per shingle (new index: 5).")] = None,
    num_perm: Annotated[int | None, typer.Option(help="MinHash permutations (new index: 128).")] = None,
    id_field: IdField = "id", url_field: UrlField = "url", text_field: TextField = "text", html_field: HtmlField = "html",
) -> None:
    """Add documents to an index, creating it with the given parameters if it does not exist."""
    from variorum.dedup import index as dedup_index  # for the index commands only

    check_inputs(inputs)
    fields = record_fields(id_field, url_field, text_field, html_field)
    defaults = DedupConfig()
    wanted = dedup_index.IndexParams(ngram or defaults.ngram, num_perm or defaults.num_perm, defaults.seed)
    params = dedup_index.open_or_create(index, wanted)
    dedup_index.check_params(index, params, {"ngram": ngram, "num_perm": num_perm})
    config = DedupConfig(ngram=params.ngram, num_perm=params.num_perm, seed=params.seed)
    indexed = dedup_index.load(index)
    known_ids = set(indexed["ids"].tolist())
    known_keys = set(indexed["keys"][indexed["sizes"] > 0].tolist())
    added = known = same_text = 0
    failures = [0]
    with ExitStack() as stack:
        for batch in _batches(_documents(inputs, fields, failures, _progress(stack))):
            part = sketch([d.text for d in batch], config)
            new = []
            for position, document in enumerate(batch):
                key = int(part.keys[position])
                if document.id in known_ids:
                    known += 1
                elif key in known_keys and part.sizes[position] > 0:
                    same_text += 1
                else:
                    new.append(position)
                    known_ids.add(document.id)
                    if part.sizes[position] > 0:
                        known_keys.add(key)
            if new:
                chosen = np.array(new)
                kept = Sketch(part.keys[chosen], part.word_counts[chosen], part.sizes[chosen], part.lengths[chosen],
                              part.signatures[chosen], part.sets.take(chosen))
                dedup_index.add(index, [batch[i].id for i in new], [batch[i].published for i in new], kept)
                added += len(new)
    total = len(dedup_index.load(index)["ids"])
    reasons = [f"{_count(known, 'document')} already indexed by id"] if known else []
    reasons += [f"{_count(same_text, 'document')} with the same text as one indexed"] if same_text else []
    skipped = f"; skipped {' and '.join(reasons)}" if reasons else ""
    note(f"added {added:,} documents to {index} (now {total:,}){skipped}")


@index_app.command("remove")
def index_remove_command(
    index: Annotated[Path, typer.Argument(help="The index directory.")],
    ids: Annotated[list[str], typer.Argument(help="Ids of the documents to remove (as `index query` shows them).")],
) -> None:
    """Remove documents from an index by id."""
    from variorum.dedup import index as dedup_index  # for the index commands only

    removed = dedup_index.remove(index, set(ids))
    total = len(dedup_index.load(index)["ids"])
    missing = len(set(ids)) - removed
    kept = f"; {_count(missing, 'id')} not in the index" if missing > 0 else ""
    note(f"removed {removed:,} documents from {index} (now {total:,}){kept}")


@index_app.command("query")
def index_query_command(
    index: Annotated[Path, typer.Argument(help="The index directory.")],
    file: Annotated[str, typer.Argument(help="The document(s) to look up: any input dedup reads.")],
    top: Annotated[int, typer.Option(help="At most this many matches per document.")] = 10,
    threshold: Annotated[float, typer.Option(help="Lowest similarity to report.")] = DedupConfig.threshold,
    measure: Annotated[Measure, typer.Option(help="Similarity measure.")] = Measure(DedupConfig.measure),
    ngram: Annotated[int | None, typer.Option(help="Must match the index (default: the index's).")] = None,
    num_perm: Annotated[int | None, typer.Option(help="Must match the index (default: the index's).")] = None,
    output_format: Annotated[QueryFormat, typer.Option("--format", "-f", help="Report format.")] = QueryFormat.text,
    id_field: IdField = "id", url_field: UrlField = "url", text_field: TextField = "text", html_field: HtmlField = "html",
) -> None:
    """Rank the indexed documents most similar to FILE, with their similarity."""
    from variorum.dedup import index as dedup_index  # for the index commands only

    check_inputs([file])
    fields = record_fields(id_field, url_field, text_field, html_field)
    params = dedup_index.read_params(index)
    dedup_index.check_params(index, params, {"ngram": ngram, "num_perm": num_perm})
    config = DedupConfig(ngram=params.ngram, num_perm=params.num_perm, seed=params.seed)
    indexed = dedup_index.load(index)
    results: list[dict[str, Any]] = []
    for batch in _batches(_documents([file], fields, [0])):
        part = sketch([d.text for d in batch], config)
        for position, document in enumerate(batch):
            matches = dedup_index.query(indexed, part, position, measure.value, threshold, top)
            results.append({"id": document.id, "matches": [
                {"id": m.id, "similarity": m.similarity, "published": m.published} for m in matches]})
    if output_format is QueryFormat.json:
        sys.stdout.write(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
        return
    for result in results:
        sys.stdout.write(f"{result['id']}: {len(result['matches'])} similar\n")
        for match in result["matches"]:
            sys.stdout.write(f"  {match['similarity']:.2f}  {match['id']}\n")
