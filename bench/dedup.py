"""Benchmark near-duplicate detection: Variorum against datasketch (MinHash + MinHashLSH) on labelled news.

The labelled corpus is made from the real article text of the shared extraction benchmark (read in place):
each of the first ``--stories`` articles gets 1–4 edited versions — paragraphs deleted, inserted from another
article or edited word by word, site boilerplate added at the top and bottom, lines re-wrapped, the end cut
off — and the remaining articles are added unchanged as unrelated stories. Both libraries see the same
documents with the same num_perm, ngram and threshold, in one process, and are scored against the labels:
pair precision/recall/F1 and the adjusted Rand index, averaged over several MinHash seeds. Throughput is
documents per CPU-second of one process for signatures (Variorum from the text; datasketch from words made
beforehand, so its tokenizing is not counted), documents/s for the whole run (text → clusters), and peak
traced memory.

    .venv/bin/python bench/dedup.py                     # quality and signature speed, defaults
    .venv/bin/python bench/dedup.py --sweep             # thresholds × measures, to choose the defaults
    .venv/bin/python bench/dedup.py --scale 100000      # whole pipeline on synthetic ~4 KB articles
    .venv/bin/python bench/dedup.py --scale 1000000 --processes 2   # a million, sketched on both cores
    .venv/bin/python bench/dedup.py --scale 30000 --dask 1,2   # Dask LocalCluster from a JSONL file, 1 worker vs 2
    .venv/bin/python bench/dedup.py --neardup 10000,50000,100000   # the labelled neardup corpus, peers rensa
                                                                   # and datasketch, CPU time and peak RSS

``--neardup`` runs every system as its own process on the same JSONL file of the shared labelled corpus
(``../shared/corpora/neardup``: real article bodies, their truncated, padded, edited, re-wrapped copies, and
filler documents of 8 sentences each drawn from the whole corpus): ``variorum dedup FILE`` exactly as a user
runs it (defaults: containment 0.6, the JSON report), the same with ``--measure
jaccard --threshold 0.5``, and rensa (``RMinHash``/``RMinHashLSH``) and datasketch (``MinHash``/
``MinHashLSH``) at Jaccard 0.5 with the same num_perm and 5-word shingles of ``str.split()`` words,
verified by estimated Jaccard and joined by union-find (``bench/dedup_peers.py``: a process that imports
the peer and nothing of Variorum). Each process's CPU time (user + system, from
``wait4``) covers everything it does — interpreter start, imports, reading the file, the run, the report — and
its peak resident memory is the kernel's ``ru_maxrss``. Quality is pair precision, recall and F1 of the
corpus's own ``quality()``. Variorum's modules are compiled to bytecode first, as installing a package does
(the peers' are, in site-packages): where ``PYTHONDONTWRITEBYTECODE`` is set, as in this project's sessions,
every run otherwise compiled them again, about 0.04 CPU-seconds that no user pays.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Sequence
from functools import partial
from math import comb
from pathlib import Path
from typing import Any

import numpy as np

from dedup_peers import union_of_verified
from variorum.cli.dedup import BATCH  # documents per batch in `variorum dedup`: sketched as the command does
from variorum.dedup import DedupConfig, Deduper, Document
from variorum.dedup.minhash import signatures
from variorum.dedup.shingle import shingle_sets, token_hashes, words

# The shared corpora sit beside the checkout (../shared from the main checkout, ../../shared from a worktree).
SHARED = next((parent / "shared/corpora" for parent in Path(__file__).resolve().parents
               if (parent / "shared/corpora").is_dir()), Path("/work/shared/corpora"))
CORPUS = SHARED / "article-extraction-benchmark/ground-truth.json"
BOILERPLATE = [
    ("Advertisement", "Sign up for our morning newsletter. Follow us on Twitter and Facebook. © 2024 Daily Courier"),
    ("Skip to main content | Menu | Search", "Related stories: Weather | Sports | Opinion. Comments are closed."),
    ("By Wire Staff — updated", "Copyright Associated Wire Services. All rights reserved. This material may not be "
                                "published, broadcast, rewritten or redistributed."),
]


def load_bodies() -> list[str]:
    data = json.loads(CORPUS.read_text(encoding="utf-8"))
    return [item["articleBody"] for item in data.values() if len(item["articleBody"].split()) >= 80]


def edit_words(paragraph: str, rng: random.Random, rate: float) -> str:
    tokens = paragraph.split()
    for i in range(len(tokens)):
        if rng.random() < rate:
            tokens[i] = rng.choice(["reportedly", "officials", "Tuesday", "nearly", "14", "the", "said"])
    return " ".join(tokens)


def version(text: str, other: str, rng: random.Random) -> str:
    """One edited version of ``text`` (``other`` supplies an inserted paragraph)."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    if len(paragraphs) > 3 and rng.random() < 0.5:
        for _ in range(rng.randint(1, max(1, len(paragraphs) // 5))):
            paragraphs.pop(rng.randrange(len(paragraphs)))
    if rng.random() < 0.4:
        extra = [p for p in other.split("\n\n") if p.strip()]
        paragraphs.insert(rng.randrange(len(paragraphs) + 1), rng.choice(extra))
    if rng.random() < 0.6:
        paragraphs = [edit_words(p, rng, 0.03) if rng.random() < 0.3 else p for p in paragraphs]
    if rng.random() < 0.4:
        paragraphs = paragraphs[: max(2, int(len(paragraphs) * rng.uniform(0.4, 0.8)))]
    if rng.random() < 0.6:
        header, footer = rng.choice(BOILERPLATE)
        paragraphs = [header, *paragraphs, footer]
    body = "\n\n".join(paragraphs)
    if rng.random() < 0.5:
        width = rng.randint(50, 90)
        lines, line = [], ""
        for word in body.replace("\n\n", " ¶ ").split():
            if word == "¶":
                lines.append(line + "\n")
                line = ""
            elif len(line) + len(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        body = "\n".join([*lines, line])
    return body


def labelled_corpus(bodies: list[str], stories: int, seed: int) -> tuple[list[str], list[int]]:
    rng = random.Random(seed)
    texts, labels = [], []
    for label, body in enumerate(bodies):
        texts.append(body)
        labels.append(label)
        if label < stories:
            for _ in range(rng.randint(1, 4)):
                texts.append(version(body, bodies[rng.randrange(len(bodies))], rng))
                labels.append(label)
    order = list(range(len(texts)))
    rng.shuffle(order)
    return [texts[i] for i in order], [labels[i] for i in order]


def pair_scores(predicted: Sequence[int], truth: Sequence[int]) -> dict[str, float]:
    """Pair precision/recall/F1 and adjusted Rand index of a predicted clustering against labels."""
    joint = Counter(zip(predicted, truth))
    same_both = sum(comb(n, 2) for n in joint.values())
    same_predicted = sum(comb(n, 2) for n in Counter(predicted).values())
    same_truth = sum(comb(n, 2) for n in Counter(truth).values())
    total = comb(len(truth), 2)
    precision = same_both / same_predicted if same_predicted else 1.0
    recall = same_both / same_truth if same_truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    expected = same_predicted * same_truth / total
    maximum = (same_predicted + same_truth) / 2
    ari = (same_both - expected) / (maximum - expected) if maximum != expected else 1.0
    return {"precision": precision, "recall": recall, "f1": f1, "ari": ari}


def measured(run: Callable[[], object]) -> tuple[object, float, float]:
    """``run()``'s result, wall seconds taken (untraced) and peak traced memory in MiB (a second, traced run:
    tracing slows Python code several times over, so it never overlaps the timing)."""
    started = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return result, seconds, peak


def best_cpu_seconds(runs: Sequence[Callable[[], object]], repeats: int) -> list[float]:
    """The least CPU time of this process each of ``runs`` took over ``repeats`` alternating rounds: per core,
    and as little disturbed as can be by other work on the machine, for every side alike."""
    best = [float("inf")] * len(runs)
    for _ in range(repeats):
        for number, run in enumerate(runs):
            started = time.process_time()
            run()
            best[number] = min(best[number], time.process_time() - started)
    return best


def variorum_labels(texts: list[str], config: DedupConfig, processes: int = 1) -> list[int]:
    deduper = Deduper(config)
    deduper.add_all(([Document(str(i), texts[i]) for i in range(start, min(start + BATCH, len(texts)))]
                     for start in range(0, len(texts), BATCH)), processes)
    labels = [0] * len(texts)
    for number, cluster in enumerate(deduper.clusters()):
        for member in cluster.members:
            labels[member] = number
    return labels


def shingle_strings(document_words: list[str], ngram: int) -> list[bytes]:
    return [" ".join(document_words[i:i + ngram]).encode() for i in range(max(0, len(document_words) - ngram + 1))]


def datasketch_signatures(word_lists: list[list[str]], ngram: int, num_perm: int, seed: int = 1) -> list[object]:
    from datasketch import MinHash

    sketches = []
    for document_words in word_lists:
        sketch = MinHash(num_perm=num_perm, seed=seed)
        sketch.update_batch(shingle_strings(document_words, ngram))
        sketches.append(sketch)
    return sketches


def datasketch_labels(texts: list[str], ngram: int, num_perm: int, threshold: float, seed: int = 1) -> list[int]:
    """datasketch's pipeline: MinHash per document, MinHashLSH at the same threshold, verified by
    estimated Jaccard, joined by union-find (the same words, so only the MinHash/LSH side differs)."""
    from datasketch import MinHashLSH

    sketches = datasketch_signatures([words(t) for t in texts], ngram, num_perm, seed)
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    for i, sketch in enumerate(sketches):
        lsh.insert(str(i), sketch)
    return union_of_verified(sketches, lsh, threshold)


def signature_speed(texts: list[str], args: argparse.Namespace) -> None:
    """Signatures per second on one core: Variorum from the text, datasketch from words made beforehand."""
    many = texts * max(1, 3000 // len(texts))
    their_share = many[: len(many) // 3]
    many_words = [words(t) for t in their_share]

    def ours() -> np.ndarray:
        return np.concatenate([signatures(shingle_sets(token_hashes(many[s:s + BATCH]), args.ngram, 1), args.num_perm)
                               for s in range(0, len(many), BATCH)])

    def theirs() -> list[object]:
        return datasketch_signatures(many_words, args.ngram, args.num_perm)

    ours_seconds, theirs_seconds = best_cpu_seconds([ours, theirs], args.repeats)
    _, _, ours_peak = measured(ours)
    _, _, theirs_peak = measured(theirs)
    ours_rate, theirs_rate = len(many) / ours_seconds, len(many_words) / theirs_seconds
    print(f"\nsignatures (num_perm={args.num_perm}, ngram={args.ngram}, per core: CPU time, best of {args.repeats}):")
    print(f"  variorum    text → signature               {ours_rate:9,.0f} docs/s   peak {ours_peak:6.1f} MiB")
    print(f"  datasketch  words (made beforehand) → sig. {theirs_rate:9,.0f} docs/s   peak {theirs_peak:6.1f} MiB")
    print(f"  ratio       {ours_rate / theirs_rate:.1f}×")
    # The MinHash step alone: each library's own shingle representation already built.
    sets = [shingle_sets(token_hashes(many[s:s + BATCH]), args.ngram, 1) for s in range(0, len(many), BATCH)]
    strings = [shingle_strings(w, args.ngram) for w in many_words]
    from datasketch import MinHash

    ours_step, theirs_step = best_cpu_seconds([
        lambda: [signatures(batch, args.num_perm) for batch in sets],
        lambda: [MinHash(num_perm=args.num_perm).update_batch(shingles) for shingles in strings],
    ], args.repeats)
    ours_rate, theirs_rate = len(many) / ours_step, len(strings) / theirs_step
    print(f"  MinHash step alone (shingles already built): variorum {ours_rate:,.0f} docs/s, "
          f"datasketch {theirs_rate:,.0f} docs/s, ratio {ours_rate / theirs_rate:.0f}×")


def quality(args: argparse.Namespace) -> None:
    bodies = load_bodies()
    texts, truth = labelled_corpus(bodies, args.stories, args.seed)
    print(f"corpus: {len(texts)} documents, {len(set(truth))} stories, from {len(bodies)} real articles "
          f"({sum(map(len, texts)) / len(texts):,.0f} characters on average)")
    signature_speed(texts, args)
    runs = [("variorum", measure, threshold) for measure, threshold in args.runs]
    runs.append(("datasketch", "jaccard", args.jaccard_threshold))
    seeds = range(1, args.seeds + 1)
    print(f"\nwhole run (text → clusters), {len(texts)} documents; speed and memory with seed 1, quality the mean "
          f"over seeds 1–{args.seeds} (LSH samples, so pairs near the threshold are found by chance):")
    print(f"  {'system':<11} {'measure':<12} {'thr':>4} {'docs/s':>7} {'MiB':>6} "
          f"{'precision':>9} {'recall':>7} {'F1':>6} {'ARI':>6}  F1 min–max")
    for system, measure, threshold in runs:
        scores = []
        for seed in seeds:
            if system == "variorum":
                config = DedupConfig(threshold=threshold, ngram=args.ngram, num_perm=args.num_perm, measure=measure,
                                     seed=seed)
                run: Callable[[], object] = partial(variorum_labels, texts, config)
            else:
                run = partial(datasketch_labels, texts, args.ngram, args.num_perm, threshold, seed)
            if seed == 1:
                labels, seconds, peak = measured(run)
            else:
                labels = run()
            scores.append(pair_scores(labels, truth))  # type: ignore[arg-type]
        mean = {key: sum(s[key] for s in scores) / len(scores) for key in scores[0]}
        f1s = [s["f1"] for s in scores]
        print(f"  {system:<11} {measure:<12} {threshold:4.2f} {len(texts) / seconds:7,.0f} {peak:6.1f} "
              f"{mean['precision']:9.3f} {mean['recall']:7.3f} {mean['f1']:6.3f} {mean['ari']:6.3f}  "
              f"{min(f1s):.3f}–{max(f1s):.3f}")


def synthetic(count: int, seed: int) -> list[str]:
    """``count`` ~4 KB articles made of real paragraphs with their words shuffled (real vocabulary and
    paragraph shapes, but no shared sentences between unrelated articles); one in ten an edited copy."""
    rng = random.Random(seed)
    shuffler = np.random.default_rng(seed)
    paragraphs = [np.array(p.split(), dtype=object) for body in load_bodies() for p in body.split("\n\n")
                  if len(p) > 80]
    lengths = [sum(map(len, p)) + len(p) for p in paragraphs]
    texts: list[str] = []
    for i in range(count):
        if i and rng.random() < 0.1:
            texts.append(version(texts[rng.randrange(len(texts))], rng.choice(texts), rng))
            continue
        chosen: list[str] = []
        size = 0
        while size < 4000:
            pick = rng.randrange(len(paragraphs))
            chosen.append(" ".join(shuffler.permutation(paragraphs[pick])))
            size += lengths[pick] + 1
        texts.append("\n\n".join(chosen))
    return texts


def scale(args: argparse.Namespace) -> None:
    started = time.perf_counter()
    texts = synthetic(args.scale, args.seed)
    config = DedupConfig(ngram=args.ngram, num_perm=args.num_perm)
    average = sum(map(len, texts)) / len(texts)
    print(f"synthetic corpus: {len(texts):,} documents, {average:,.0f} characters on average "
          f"(made in {time.perf_counter() - started:,.0f} s, not timed below)")
    if not args.dask:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.perf_counter()
        deduper = Deduper(config)
        deduper.add_all(([Document(str(i), texts[i]) for i in range(start, min(start + BATCH, len(texts)))]
                         for start in range(0, len(texts), BATCH)), args.processes)
        sketched = time.perf_counter() - started
        clusters = deduper.clusters()
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rate = len(texts) / seconds
        print(f"variorum whole run, {args.processes} process(es) sketching: {seconds:,.1f} s, {rate:,.0f} docs/s "
              f"(sketches {sketched:,.1f} s, LSH and clusters {seconds - sketched:,.1f} s); "
              f"{sum(len(c.members) > 1 for c in clusters):,} clusters of more than one")
        print(f"  peak RSS {peak:,.0f} MiB in the main process (of which {before:,.0f} MiB before the run: the "
              f"corpus itself)")
        if len(texts) < 1_000_000:
            print(f"  1,000,000 documents extrapolated linearly: {1_000_000 / rate / 60:,.1f} min")
        return
    dask_speed_up(texts, config, args)


def dask_speed_up(texts: list[str], config: DedupConfig, args: argparse.Namespace) -> None:
    """The whole run from a JSONL file on Dask LocalClusters of each worker count, in alternating rounds.

    The corpus is written to a temporary JSONL file first (not timed), so the workers read, extract and
    sketch their own byte ranges of it, as ``variorum dedup --dask`` does. Each run gets a fresh cluster whose
    workers have imported Variorum before the clock starts; only one cluster is up at a time.
    """
    import importlib
    import statistics
    import tempfile

    from variorum.dedup.dask import connect, dedup_on_dask
    from variorum.extract.parts import split_inputs

    counts = [int(w) for w in args.dask.split(",")]
    timings: dict[int, list[float]] = {w: [] for w in counts}
    found: dict[int, list] = {}
    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / "corpus.jsonl"
        with export.open("w", encoding="utf-8") as out:
            for i, text in enumerate(texts):
                out.write(json.dumps({"id": str(i), "text": text}, ensure_ascii=False) + "\n")
        print(f"written to {export}: {export.stat().st_size / 2**20:,.0f} MiB (not timed)")
        for round_ in range(args.rounds):
            for workers in counts if round_ % 2 == 0 else counts[::-1]:
                with connect(f"local:{workers}") as client:
                    client.run(importlib.import_module, "variorum.dedup.dask")  # workers up and warm
                    arrived: list[float] = []
                    started = time.perf_counter()
                    deduper, candidates = dedup_on_dask(
                        split_inputs([str(export)]), config, client,
                        on_part=lambda part, arrived=arrived: arrived.append(time.perf_counter()))
                    found[workers] = deduper.clusters(candidates)
                    seconds = time.perf_counter() - started
                timings[workers].append(seconds)
                parts = arrived[-1] - started
                print(f"round {round_ + 1}, dask local:{workers}: {seconds:,.2f} s, {len(texts) / seconds:,.0f} docs/s "
                      f"(read, extract, sketch {len(arrived)} parts: {parts:,.2f} s; LSH and clusters "
                      f"{seconds - parts:,.2f} s)")
    if any(clusters != found[counts[0]] for clusters in found.values()):
        print("  CLUSTERS DIFFER between worker counts")
    low, high = min(counts), max(counts)
    if low == high:
        return
    ratios = [one / many for one, many in zip(timings[low], timings[high])]
    print(f"{low} worker(s): {', '.join(f'{t:.2f}' for t in timings[low])} s; {high}: "
          f"{', '.join(f'{t:.2f}' for t in timings[high])} s")
    print(f"speed-up {high} workers vs {low}, per round: {', '.join(f'{r:.2f}×' for r in ratios)}; "
          f"median {statistics.median(ratios):.2f}×")


NEARDUP = SHARED / "neardup/corpus.py"
PEERS = Path(__file__).with_name("dedup_peers.py")  # a peer's run, in a process that imports the peer only


def _neardup_module() -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location("neardup_corpus", NEARDUP)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _child(command: list[str]) -> tuple[float, float]:
    """Run ``command``; its CPU seconds (user + system) and peak resident memory in MiB."""
    import os
    import subprocess

    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert process.stderr is not None
    errors = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        sys.exit(f"bench/dedup.py: {' '.join(command)} failed:\n{errors.decode(errors='replace')}")
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def _report_labels(report: Path) -> dict[str, int]:
    data = json.loads(report.read_text(encoding="utf-8"))
    return {member["id"]: cluster["cluster"] for cluster in data["clusters"] for member in cluster["members"]}


def neardup(args: argparse.Namespace) -> None:
    """The systems on the labelled near-duplicate corpus at each size, each run as its own process."""
    import compileall
    import os
    import statistics
    import tempfile

    import variorum

    corpus = _neardup_module()
    compileall.compile_dir(Path(variorum.__file__).parent, quiet=1)  # as installing does: see the docstring
    cli = [sys.executable, "-c", "from variorum.cli.app import main; main()"]
    systems: dict[str, Callable[[str, str], list[str]]] = {
        "variorum dedup": lambda source, out: [*cli, "dedup", source, "-f", "json", "-o", out],
        "variorum jaccard 0.5": lambda source, out: [*cli, "dedup", source, "-f", "json", "-o", out,
                                                     "--measure", "jaccard", "--threshold", "0.5"],
    }
    for peer in args.peers.split(","):
        if peer:
            systems[peer] = partial(lambda name, source, out: [
                sys.executable, str(PEERS), name, source, out, str(args.num_perm), str(args.ngram)], peer)
    print(f"neardup corpus ({NEARDUP}); each system its own process, {args.rounds} rounds alternating, "
          f"median CPU time (user + system) and largest peak RSS; os.cpu_count()={os.cpu_count()}, "
          f"load average before: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"  {'docs':>8} {'system':<22} {'CPU s':>7} {'rounds':<18} {'peak MiB':>8} {'precision':>9} "
          f"{'recall':>7} {'F1':>6}")
    for size in (int(n) for n in args.neardup.split(",")):
        documents = corpus.build(size)
        truth = {d["id"]: d["cluster"] for d in documents}
        with tempfile.TemporaryDirectory() as folder:
            source = str(Path(folder) / f"neardup-{size}.jsonl")
            with open(source, "w", encoding="utf-8") as out:
                for document in documents:
                    out.write(json.dumps({"id": document["id"], "text": document["text"]}) + "\n")
            del documents
            timings: dict[str, list[float]] = {name: [] for name in systems}
            peaks: dict[str, float] = dict.fromkeys(systems, 0.0)
            labels: dict[str, dict[str, Any]] = {}
            for round_ in range(args.rounds):
                for name in list(systems) if round_ % 2 == 0 else list(systems)[::-1]:
                    target = str(Path(folder) / f"{name.replace(' ', '_')}.json")
                    if os.path.exists(target):
                        os.unlink(target)
                    seconds, peak = _child(systems[name](source, target))
                    timings[name].append(seconds)
                    peaks[name] = max(peaks[name], peak)
                    found = Path(target)
                    labels[name] = _report_labels(found) if name.startswith("variorum") else json.loads(
                        found.read_text(encoding="utf-8"))
            for name in systems:
                predicted = {doc: labels[name].get(doc, f"alone-{doc}") for doc in truth}
                precision, recall, f1, _ = corpus.quality(truth, predicted)
                rounds = ", ".join(f"{t:.2f}" for t in timings[name])
                print(f"  {size:>8,} {name:<22} {statistics.median(timings[name]):7.2f} {rounds:<18} "
                      f"{peaks[name]:8,.0f} {precision:9.4f} {recall:7.4f} {f1:6.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=120, help="articles that get edited versions")
    parser.add_argument("--ngram", type=int, default=DedupConfig.ngram)
    parser.add_argument("--num-perm", type=int, default=DedupConfig.num_perm)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sweep", action="store_true", help="try several measures and thresholds")
    parser.add_argument("--scale", type=int, default=0, help="time the whole pipeline on this many documents")
    parser.add_argument("--processes", type=int, default=1, help="with --scale: processes that sketch")
    parser.add_argument("--dask", default="", help="with --scale: worker counts to compare, e.g. 1,2")
    parser.add_argument("--rounds", type=int, default=3, help="with --dask: alternating rounds of runs")
    parser.add_argument("--seeds", type=int, default=5, help="quality: mean over this many MinHash seeds")
    parser.add_argument("--repeats", type=int, default=5, help="signature speed: best of this many rounds")
    parser.add_argument("--neardup", default="", help="sizes of the labelled neardup corpus, e.g. 10000,50000")
    parser.add_argument("--peers", default="rensa,datasketch", help="with --neardup: peers to run")
    args = parser.parse_args()
    if args.neardup:
        args.rounds = args.rounds if args.rounds != 3 else 2
        neardup(args)
        return
    if not CORPUS.exists():
        sys.exit(f"bench/dedup.py: the article corpus is missing: {CORPUS}")
    if args.scale:
        scale(args)
        return
    default = (DedupConfig.measure, DedupConfig.threshold)
    if args.sweep:
        args.runs = [(m, t) for m in ("jaccard", "containment") for t in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)]
        args.runs += [("containment", t) for t in (0.55, 0.65)]
    else:
        args.runs = [default, ("jaccard", 0.5)]
    args.jaccard_threshold = 0.5
    quality(args)


if __name__ == "__main__":
    main()
