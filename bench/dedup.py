"""Benchmark near-duplicate detection: Variorum against datasketch (MinHash + MinHashLSH) on labelled news.

The labelled corpus is made from the real article text of the shared extraction benchmark (read in place):
each of the first ``--stories`` articles gets 1–4 edited versions — paragraphs deleted, inserted from another
article or edited word by word, site boilerplate added at the top and bottom, lines re-wrapped, the end cut
off — and the remaining articles are added unchanged as unrelated stories. Both libraries see the same
documents with the same num_perm, ngram and threshold, in one process, and are scored against the labels:
pair precision/recall/F1 and the adjusted Rand index. Throughput is documents/s on one core for signatures
(words → signature) and for the whole run (text → clusters), and peak traced memory.

    .venv/bin/python bench/dedup.py                     # quality and signature speed, defaults
    .venv/bin/python bench/dedup.py --sweep             # thresholds × measures, to choose the defaults
    .venv/bin/python bench/dedup.py --scale 100000      # whole pipeline on synthetic ~4 KB articles
    .venv/bin/python bench/dedup.py --scale 20000 --dask 1,2   # Dask LocalCluster, 1 worker vs 2
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
from math import comb
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from variorum.dedup import DedupConfig, Deduper, Document
from variorum.dedup.minhash import signatures
from variorum.dedup.shingle import shingle_sets, token_hashes, words

CORPUS = Path(__file__).resolve().parents[2] / "shared/corpora/article-extraction-benchmark/ground-truth.json"
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
        body = "\n".join(lines + [line])
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
    """``run()``'s result, seconds taken (untraced) and peak traced memory in MiB (a second, traced run:
    tracing slows Python code several times over, so it never overlaps the timing)."""
    started = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return result, seconds, peak


def variorum_labels(texts: list[str], config: DedupConfig) -> list[int]:
    deduper = Deduper(config)
    for start in range(0, len(texts), 1000):
        deduper.add(Document(str(i), texts[i]) for i in range(start, min(start + 1000, len(texts))))
    labels = [0] * len(texts)
    for number, cluster in enumerate(deduper.clusters()):
        for member in cluster.members:
            labels[member] = number
    return labels


def shingle_strings(document_words: list[str], ngram: int) -> list[bytes]:
    return [" ".join(document_words[i:i + ngram]).encode() for i in range(max(0, len(document_words) - ngram + 1))]


def datasketch_signatures(word_lists: list[list[str]], ngram: int, num_perm: int) -> list[object]:
    from datasketch import MinHash

    sketches = []
    for document_words in word_lists:
        sketch = MinHash(num_perm=num_perm)
        sketch.update_batch(shingle_strings(document_words, ngram))
        sketches.append(sketch)
    return sketches


def datasketch_labels(texts: list[str], ngram: int, num_perm: int, threshold: float) -> list[int]:
    """datasketch's pipeline: MinHash per document, MinHashLSH at the same threshold, verified by
    estimated Jaccard, joined by union-find (the same words, so only the MinHash/LSH side differs)."""
    from datasketch import MinHashLSH

    sketches = datasketch_signatures([words(t) for t in texts], ngram, num_perm)
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    for i, sketch in enumerate(sketches):
        lsh.insert(str(i), sketch)
    parent = list(range(len(texts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, sketch in enumerate(sketches):
        for key in lsh.query(sketch):
            j = int(key)
            if j != i and sketch.jaccard(sketches[j]) >= threshold:
                parent[max(find(i), find(j))] = min(find(i), find(j))
    return [find(i) for i in range(len(texts))]


def quality(args: argparse.Namespace) -> None:
    bodies = load_bodies()
    texts, truth = labelled_corpus(bodies, args.stories, args.seed)
    print(f"corpus: {len(texts)} documents, {len(set(truth))} stories, from {len(bodies)} real articles "
          f"({sum(map(len, texts)) / len(texts):,.0f} characters on average)")
    many = texts * max(1, 3000 // len(texts))
    many_words = [words(t) for t in many[: len(many) // 3]]

    def ours() -> np.ndarray:
        return np.concatenate([signatures(shingle_sets(token_hashes(many[s:s + 500]), args.ngram, 1), args.num_perm)
                               for s in range(0, len(many), 500)])

    _, ours_seconds, ours_peak = measured(ours)
    _, theirs_seconds, theirs_peak = measured(lambda: datasketch_signatures(many_words, args.ngram, args.num_perm))
    ours_rate, theirs_rate = len(many) / ours_seconds, len(many_words) / theirs_seconds
    print(f"\nsignatures (num_perm={args.num_perm}, ngram={args.ngram}, one core; datasketch is given the words "
          f"ready-made, Variorum starts from the text):")
    print(f"  variorum    text → signature  {ours_rate:10,.0f} docs/s   peak {ours_peak:7.1f} MiB")
    print(f"  datasketch  words → signature {theirs_rate:10,.0f} docs/s   peak {theirs_peak:7.1f} MiB")
    print(f"  ratio       {ours_rate / theirs_rate:10.1f}×")
    # The MinHash step alone: each library's own shingle representation already built.
    sets = [shingle_sets(token_hashes(many[s:s + 500]), args.ngram, 1) for s in range(0, len(many), 500)]
    started = time.perf_counter()
    for batch in sets:
        signatures(batch, args.num_perm)
    ours_step = len(many) / (time.perf_counter() - started)
    from datasketch import MinHash

    strings = [shingle_strings(w, args.ngram) for w in many_words]
    started = time.perf_counter()
    for shingles in strings:
        MinHash(num_perm=args.num_perm).update_batch(shingles)
    theirs_step = len(strings) / (time.perf_counter() - started)
    print(f"  MinHash step alone (shingles already built): variorum {ours_step:,.0f} docs/s, "
          f"datasketch {theirs_step:,.0f} docs/s, ratio {ours_step / theirs_step:.1f}×")
    runs = [("variorum", measure, threshold) for measure, threshold in args.runs]
    runs.append(("datasketch", "jaccard", args.jaccard_threshold))
    print(f"\nwhole run (text → clusters), {len(texts)} documents:")
    print(f"  {'system':<11} {'measure':<12} {'thr':>4} {'docs/s':>9} {'peak MiB':>9} "
          f"{'precision':>9} {'recall':>7} {'F1':>6} {'ARI':>6}")
    for system, measure, threshold in runs:
        if system == "variorum":
            config = DedupConfig(threshold=threshold, ngram=args.ngram, num_perm=args.num_perm, measure=measure)
            labels, seconds, peak = measured(lambda: variorum_labels(texts, config))
        else:
            labels, seconds, peak = measured(lambda: datasketch_labels(texts, args.ngram, args.num_perm, threshold))
        scores = pair_scores(labels, truth)  # type: ignore[arg-type]
        print(f"  {system:<11} {measure:<12} {threshold:4.2f} {len(texts) / seconds:9,.0f} {peak:9.1f} "
              f"{scores['precision']:9.3f} {scores['recall']:7.3f} {scores['f1']:6.3f} {scores['ari']:6.3f}")


def synthetic(count: int, seed: int) -> list[str]:
    """``count`` ~4 KB articles made of real paragraphs with their words shuffled (real vocabulary and
    paragraph shapes, but no shared sentences between unrelated articles); one in ten an edited copy."""
    rng = random.Random(seed)
    paragraphs = [p.split() for body in load_bodies() for p in body.split("\n\n") if len(p) > 80]
    texts: list[str] = []
    for i in range(count):
        if i and rng.random() < 0.1:
            texts.append(version(texts[rng.randrange(len(texts))], rng.choice(texts), rng))
            continue
        chosen: list[str] = []
        size = 0
        while size < 4000:
            shuffled = rng.choice(paragraphs)[:]
            rng.shuffle(shuffled)
            chosen.append(" ".join(shuffled))
            size += len(chosen[-1]) + 2
        texts.append("\n\n".join(chosen))
    return texts


def scale(args: argparse.Namespace) -> None:
    texts = synthetic(args.scale, args.seed)
    config = DedupConfig(ngram=args.ngram, num_perm=args.num_perm)
    average = sum(map(len, texts)) / len(texts)
    print(f"synthetic corpus: {len(texts):,} documents, {average:,.0f} characters on average")
    if not args.dask:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.perf_counter()
        variorum_labels(texts, config)
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rate = len(texts) / seconds
        print(f"variorum whole run, one process: {seconds:,.1f} s, {rate:,.0f} docs/s; peak RSS {peak:,.0f} MiB "
              f"(of which {before:,.0f} MiB before the run: the corpus itself); "
              f"1,000,000 documents extrapolated linearly: {1_000_000 / rate / 60:,.1f} min")
        return
    from variorum.dedup.dask import connect, dedup_on_dask

    documents = [Document(str(i), t) for i, t in enumerate(texts)]
    timings = {}
    for workers in (int(w) for w in args.dask.split(",")):
        with connect(f"local:{workers}") as client:
            client.submit(len, [1]).result()  # workers up before timing
            started = time.perf_counter()
            deduper, candidates = dedup_on_dask(documents, config, client, partition_size=2000)
            deduper.clusters(candidates)
            timings[workers] = time.perf_counter() - started
        print(f"dask local:{workers}: {timings[workers]:,.1f} s, {len(texts) / timings[workers]:,.0f} docs/s")
    if len(timings) > 1:
        low, high = min(timings), max(timings)
        print(f"speed-up {high} workers vs {low}: {timings[low] / timings[high]:.2f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=120, help="articles that get edited versions")
    parser.add_argument("--ngram", type=int, default=DedupConfig.ngram)
    parser.add_argument("--num-perm", type=int, default=DedupConfig.num_perm)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sweep", action="store_true", help="try several measures and thresholds")
    parser.add_argument("--scale", type=int, default=0, help="time the whole pipeline on this many documents")
    parser.add_argument("--dask", default="", help="with --scale: worker counts to compare, e.g. 1,2")
    args = parser.parse_args()
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
