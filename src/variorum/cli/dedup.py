"""``variorum dedup`` and ``variorum index``: find the same story across a corpus, and keep an index of it.

Inputs are read by :mod:`variorum.extract` (pages, directories, JSONL, WARC, Parquet) and streamed through
:class:`variorum.dedup.Deduper` in batches, locally (on ``--processes`` cores) or on a Dask cluster
(``--dask``). Reports go to standard output or ``-o``; warnings and a one-line summary go to standard error;
a progress bar with documents/s is shown only when standard error is a terminal.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from contextlib import ExitStack, nullcontext
from enum import Enum
from itertools import islice
from pathlib import Path
from typing import Annotated, Any, Iterable, Iterator, Optional, TextIO

import typer
from rich.console import Console
from rich.progress import Progress, ProgressColumn, SpinnerColumn, Task, TextColumn, TimeElapsedColumn
from rich.text import Text

from variorum.cli.common import HtmlField, IdField, TextField, UrlField, record_fields, warn
from variorum.dedup import Cluster, DedupConfig, Deduper, Document
from variorum.dedup import index as dedup_index
from variorum.dedup.documents import documents
from variorum.dedup.pipeline import sketch
from variorum.errors import InputError, VariorumError
from variorum.extract.formats import JSONL, PARQUET, WARC, Fields, check_inputs, detect_format, local_path, read_inputs
from variorum.extract.records import EMPTY, OK, Record, extract_record

BATCH = 1000
SUMMARIES_PER_CLUSTER = 20


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


class QueryFormat(str, Enum):
    text = "text"
    json = "json"


class _RateColumn(ProgressColumn):
    """Documents per second since the start (steady when they come in parts, as from Dask workers)."""

    def render(self, task: Task) -> Text:
        return Text(f"{task.completed / task.elapsed if task.elapsed else 0:,.0f} docs/s")


def _progress(stack: ExitStack) -> Progress | None:
    if not sys.stderr.isatty():
        return None
    return stack.enter_context(Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.completed:,} documents"),
        _RateColumn(), TimeElapsedColumn(), console=Console(stderr=True), transient=True,
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


def _member_similarity(cluster: Cluster) -> dict[int, float]:
    """Each member's best verified similarity to another member (1.0 for the representative)."""
    best = {cluster.representative: 1.0}
    for first, second, similarity in cluster.similarities:
        for member in (first, second):
            if member != cluster.representative:
                best[member] = max(best.get(member, 0.0), similarity)
    return best


def _summaries(clusters: list[Cluster], inputs: list[str], fields: Fields, keys: Any) -> dict[int, dict[str, Any]]:
    """For the first versions of each cluster, the comparison summary with the previous version."""
    from variorum.compare import compare

    previous: dict[int, int] = {}
    for cluster in clusters:
        for before, after in list(zip(cluster.members, cluster.members[1:]))[:SUMMARIES_PER_CLUSTER]:
            previous[after] = before
    needed = set(previous) | set(previous.values())
    texts: dict[int, str] = {}
    for position, document in enumerate(_documents(inputs, fields, [0], show_warnings=False)):
        if position in needed:
            texts[position] = document.text
    found: dict[int, dict[str, Any]] = {}
    for after, before in previous.items():
        if keys[after] == keys[before] and texts.get(after, "").strip():
            found[after] = {"verdict": "Same text (exact duplicate)", "substantive": 0}
        elif before in texts and after in texts:
            found[after] = compare(texts[before], texts[after]).summary
    return found


def _cluster_objects(
    deduper: Deduper, clusters: list[Cluster], summaries: dict[int, dict[str, Any]]
) -> Iterator[dict[str, Any]]:
    for number, cluster in enumerate(clusters):
        if len(cluster.members) < 2:
            continue
        similarity = _member_similarity(cluster)
        members = []
        for position, member in enumerate(cluster.members):
            entry: dict[str, Any] = {
                "id": deduper.ids[member],
                "published": deduper.published[member],
                "similarity": similarity.get(member, 0.0),
            }
            if position and member in summaries:
                entry["change_from_previous"] = summaries[member]
            members.append(entry)
        yield {"cluster": number, "representative": deduper.ids[cluster.representative], "size": len(members),
               "members": members}


def _write_report(
    stream: TextIO, output_format: DedupFormat, deduper: Deduper, clusters: list[Cluster],
    summaries: dict[int, dict[str, Any]],
) -> None:
    config = deduper.config
    if output_format is DedupFormat.csv:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["id", "cluster", "representative"])
        rows = sorted((m, number, cluster.representative) for number, cluster in enumerate(clusters)
                      for m in cluster.members)
        for member, number, representative in rows:
            writer.writerow([deduper.ids[member], number, deduper.ids[representative]])
        return
    objects = _cluster_objects(deduper, clusters, summaries)
    if output_format is DedupFormat.jsonl:
        for item in objects:
            stream.write(json.dumps(item, ensure_ascii=False) + "\n")
        return
    if output_format is DedupFormat.json:
        bands, rows = config.bands_rows
        report = {
            "format": "variorum.dedup/1",
            "parameters": {"threshold": config.threshold, "measure": config.measure, "ngram": config.ngram,
                           "num_perm": config.num_perm, "bands": bands, "rows": rows, "keep": config.keep,
                           "verify": config.verify},
            "documents": len(deduper.ids),
            "clusters": list(objects),
        }
        stream.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
        return
    for item in objects:
        stream.write(f"cluster {item['cluster']} · {item['size']} documents · keep {item['representative']}\n")
        for member in item["members"]:
            date = f"  {member['published']}" if member["published"] else ""
            stream.write(f"  {member['similarity']:.2f}  {member['id']}{date}\n")
            change = member.get("change_from_previous")
            if change:
                stream.write(f"        ↳ {change['verdict']}\n")
        stream.write("\n")


def _input_format(inputs: list[str]) -> str:
    """The one format of ``inputs`` for --write-unique: jsonl, warc, parquet or files (pages, directories)."""
    kinds = set()
    for name in inputs:
        path = local_path(name)
        kind = "files" if path.is_dir() else detect_format(path)[0]
        kinds.add(kind if kind in (JSONL, WARC, PARQUET) else "files")
    if len(kinds) != 1:
        raise VariorumError(f"--write-unique needs inputs of one format, not {', '.join(sorted(kinds))}")
    return kinds.pop()


def _payload_text(record: Record) -> str:
    payload = record.payload
    return payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else payload or ""


def _write_unique(inputs: list[str], fields: Fields, keep: set[int], out: Path) -> int:
    """Write the kept records, in the inputs' own format, to ``out``; return how many were written."""
    kind = _input_format(inputs)
    written = 0

    def chosen() -> Iterator[Record]:
        position = 0
        for record in _records(inputs, fields):
            extraction = extract_record(record)
            if extraction.status in (OK, EMPTY) and extraction.article is not None:
                if position in keep:
                    yield record
                position += 1

    try:
        if kind == JSONL:
            with out.open("w", encoding="utf-8") as stream:
                for record in chosen():
                    field = "html" if record.kind == "html" else "text"
                    stream.write(json.dumps({"id": record.id, "url": record.url, field: _payload_text(record)},
                                            ensure_ascii=False) + "\n")
                    written += 1
        elif kind == PARQUET:
            import pyarrow as pa
            import pyarrow.parquet as pq

            kept: list[Record] = list(chosen())
            table = pa.table({
                "id": [r.id for r in kept], "url": [r.url for r in kept],
                "text": [_payload_text(r) if r.kind != "html" else None for r in kept],
                "html": [_payload_text(r) if r.kind == "html" else None for r in kept],
            })
            pq.write_table(table, out)
            written = len(kept)
        elif kind == WARC:
            from warcio.warcwriter import WARCWriter

            with out.open("wb") as raw:
                writer = WARCWriter(raw, gzip=out.suffix == ".gz")
                for record in chosen():
                    data = record.payload if isinstance(record.payload, bytes) else _payload_text(record).encode()
                    content_type = "text/html" if record.kind == "html" else "text/plain"
                    writer.write_record(writer.create_warc_record(
                        record.url or record.id, "resource", payload=io.BytesIO(data),
                        warc_content_type=f"{content_type}; charset={record.charset or 'utf-8'}"))
                    written += 1
        else:
            out.mkdir(parents=True, exist_ok=True)
            for record in chosen():
                target = out / Path(record.id).name if Path(record.id).is_absolute() else out / record.id
                target.parent.mkdir(parents=True, exist_ok=True)
                data = record.payload if isinstance(record.payload, bytes) else _payload_text(record).encode()
                target.write_bytes(data)
                written += 1
    except OSError as error:
        raise InputError(str(out), f"cannot write the deduplicated corpus ({error.strerror or error})") from None
    return written


def dedup_command(
    inputs: Annotated[list[str], typer.Argument(help="Files or directories: pages, text, JSONL, WARC, Parquet.")],
    threshold: Annotated[float, typer.Option(help="Similarity at or above which two documents are the same story.")]
    = DedupConfig.threshold,
    ngram: Annotated[int, typer.Option(help="Words per shingle.")] = DedupConfig.ngram,
    num_perm: Annotated[int, typer.Option(help="MinHash permutations (signature length).")] = DedupConfig.num_perm,
    measure: Annotated[Measure, typer.Option(help="containment: share of the shorter document inside the other; "
                                             "jaccard: shared share of both.")] = Measure(DedupConfig.measure),
    keep: Annotated[Keep, typer.Option(help="Which member represents a cluster.")] = Keep(DedupConfig.keep),
    verify: Annotated[bool, typer.Option("--verify", help="Check candidate pairs exactly on their shingle sets "
                                         "(slower, more memory) instead of by MinHash estimate.")] = False,
    output_format: Annotated[DedupFormat, typer.Option("--format", "-f", help="Report format.")] = DedupFormat.text,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the report to this file.")] = None,
    write_unique: Annotated[Optional[Path], typer.Option(help="Also write the deduplicated corpus here, "
                                                         "in the inputs' format.")] = None,
    summaries: Annotated[bool, typer.Option(help="Link each version to the previous by a comparison summary.")]
    = True,
    processes: Annotated[int, typer.Option(min=1, help="Worker processes that sketch documents (use the cores "
                                           "of this machine; --dask spreads over a cluster).")] = 1,
    dask: Annotated[Optional[str], typer.Option(help="Run on Dask: local, local:N or tcp://HOST:PORT.")] = None,
    id_field: IdField = "id", url_field: UrlField = "url", text_field: TextField = "text", html_field: HtmlField = "html",
) -> None:
    """Group documents that are the same story: exact copies, syndicated, trimmed and edited versions."""
    check_inputs(inputs)
    fields = record_fields(id_field, url_field, text_field, html_field)
    try:
        config = DedupConfig(threshold=threshold, ngram=ngram, num_perm=num_perm, measure=measure.value,
                             keep=keep.value, verify=verify)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None
    failures = [0]
    with ExitStack() as stack:
        progress = _progress(stack)
        if dask:
            deduper, clusters = _on_dask(inputs, fields, config, dask, failures, progress)
        else:
            deduper = Deduper(config)
            deduper.add_all(_batches(_documents(inputs, fields, failures, progress)), processes)
            clusters = deduper.clusters()
    wanted = summaries and output_format is not DedupFormat.csv and any(len(c.members) > 1 for c in clusters)
    found = _summaries(clusters, inputs, fields, deduper.sketch().keys) if wanted else {}
    with (output.open("w", encoding="utf-8", newline="") if output else nullcontext(sys.stdout)) as stream:
        _write_report(stream, output_format, deduper, clusters, found)
    duplicates = sum(len(c.members) - 1 for c in clusters)
    message = (f"{_count(len(deduper.ids), 'document')}, {_count(len(clusters), 'story', 'stories')} "
               f"({sum(len(c.members) > 1 for c in clusters):,} with more than one version), "
               f"{_count(duplicates, 'duplicate')}")
    if failures[0]:
        message += f"; {failures[0]:,} records left out"
    if write_unique is not None:
        written = _write_unique(inputs, fields, {c.representative for c in clusters}, write_unique)
        message += f"; {written:,} unique written to {write_unique}"
    print(f"variorum: {message}", file=sys.stderr)


index_app = typer.Typer(help="A persistent near-duplicate index: add documents, ask what resembles one.",
                        no_args_is_help=True)


@index_app.command("add")
def index_add_command(
    index: Annotated[Path, typer.Argument(help="The index directory (created on first use).")],
    inputs: Annotated[list[str], typer.Argument(help="Files or directories to add.")],
    ngram: Annotated[Optional[int], typer.Option(help="Words per shingle (new index: 5).")] = None,
    num_perm: Annotated[Optional[int], typer.Option(help="MinHash permutations (new index: 128).")] = None,
    id_field: IdField = "id", url_field: UrlField = "url", text_field: TextField = "text", html_field: HtmlField = "html",
) -> None:
    """Add documents to an index, creating it with the given parameters if it does not exist."""
    check_inputs(inputs)
    fields = record_fields(id_field, url_field, text_field, html_field)
    defaults = DedupConfig()
    wanted = dedup_index.IndexParams(ngram or defaults.ngram, num_perm or defaults.num_perm, defaults.seed)
    params = dedup_index.open_or_create(index, wanted)
    dedup_index.check_params(index, params, {"ngram": ngram, "num_perm": num_perm})
    config = DedupConfig(ngram=params.ngram, num_perm=params.num_perm, seed=params.seed)
    added = 0
    failures = [0]
    with ExitStack() as stack:
        for batch in _batches(_documents(inputs, fields, failures, _progress(stack))):
            dedup_index.add(index, [d.id for d in batch], [d.published for d in batch],
                            sketch([d.text for d in batch], config))
            added += len(batch)
    total = len(dedup_index.load(index)["ids"])
    print(f"variorum: added {added:,} documents to {index} (now {total:,})", file=sys.stderr)


@index_app.command("query")
def index_query_command(
    index: Annotated[Path, typer.Argument(help="The index directory.")],
    file: Annotated[str, typer.Argument(help="The document(s) to look up: any input dedup reads.")],
    top: Annotated[int, typer.Option(help="At most this many matches per document.")] = 10,
    threshold: Annotated[float, typer.Option(help="Lowest similarity to report.")] = DedupConfig.threshold,
    measure: Annotated[Measure, typer.Option(help="Similarity measure.")] = Measure(DedupConfig.measure),
    ngram: Annotated[Optional[int], typer.Option(help="Must match the index (default: the index's).")] = None,
    num_perm: Annotated[Optional[int], typer.Option(help="Must match the index (default: the index's).")] = None,
    output_format: Annotated[QueryFormat, typer.Option("--format", "-f", help="Report format.")] = QueryFormat.text,
    id_field: IdField = "id", url_field: UrlField = "url", text_field: TextField = "text", html_field: HtmlField = "html",
) -> None:
    """Rank the indexed documents most similar to FILE, with their similarity."""
    check_inputs([file])
    fields = record_fields(id_field, url_field, text_field, html_field)
    params = dedup_index.read_params(index)
    dedup_index.check_params(index, params, {"ngram": ngram, "num_perm": num_perm})
    config = DedupConfig(ngram=params.ngram, num_perm=params.num_perm, seed=params.seed)
    indexed = dedup_index.load(index)
    results = []
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
