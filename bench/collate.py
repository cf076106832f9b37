"""Benchmark ``collate`` against the naive baseline of comparing every version with the base.

Run from the repository root: ``.venv/bin/python bench/collate.py [--sizes 10,50,200,800] [--kb 10]``.

The versions are built from real article text, read in place from
../shared/corpora/article-extraction-benchmark/ground-truth.json: an article of about ``--kb`` KB (the
first long enough, topped up with the next ones) is the first version, and each later version edits the
one before as a newsroom would — a number or a word changed, a sentence added or cut, a paragraph moved,
quotes curled, the text re-wrapped — so versions drift apart over time. For each N the script reports the
wall time, CPU time and peak traced memory of ``collate`` (automatic base) and of the baseline
``[compare(base, v) for v in versions]`` on the same inputs in the same process, their ratio, the number of
variant sites, the apparatus size (how many witness changes the readings carry: the sum over witnesses of
their substantive changes from the base, which collate's time follows), and the growth exponent of the CPU
times from one N to the next (``log(t2/t1) / log(N2/N1)``: 1 is linear, 2 quadratic; CPU time because
other work on a shared machine disturbs it least); a least-squares fit of ``log t`` against ``log N`` over
all sizes closes each table.
Two kinds of witnesses: ``revisions`` (each version edits the previous, so late versions differ more and
more from any base) and ``wire`` (each version edits the original, as one wire story printed by many sites).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import textwrap
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from variorum.compare import compare
from variorum.compare.align import bag_of_words
from variorum.compare.collate import collate

# The shared corpus sits beside the checkout (../shared): two levels up from the main checkout, three from a worktree.
CORPUS = next((parent / "shared" / "corpora" / "article-extraction-benchmark" / "ground-truth.json"
               for parent in Path(__file__).resolve().parents[2:4]
               if (parent / "shared" / "corpora").is_dir()),
              Path(__file__).resolve().parents[2] / "shared" / "corpora" / "article-extraction-benchmark" / "ground-truth.json")


def base_article(kilobytes: int) -> list[str]:
    """Paragraphs of real article text, about ``kilobytes`` KB in all."""
    truth = json.loads(CORPUS.read_text(encoding="utf-8"))
    bodies = sorted((entry.get("articleBody") or "" for entry in truth.values()), key=len, reverse=True)
    paragraphs: list[str] = []
    for body in bodies:
        paragraphs += [" ".join(p.split()) for p in body.split("\n") if len(p.split()) > 4]
        if sum(map(len, paragraphs)) >= kilobytes * 1000:
            break
    total, kept = 0, []
    for paragraph in paragraphs:
        if total >= kilobytes * 1000:
            break
        kept.append(paragraph)
        total += len(paragraph) + 2
    return kept


def edit(paragraphs: list[str], chooser: random.Random, spare: list[str]) -> list[str]:
    """One newsroom edit of a version's paragraphs."""
    paragraphs = list(paragraphs)
    index = chooser.randrange(len(paragraphs))
    words = paragraphs[index].split()
    action = chooser.choice(["number", "word", "word", "add", "cut", "move", "quotes"])
    if action == "number":
        words[chooser.randrange(len(words))] = str(chooser.randrange(2, 2000))
    elif action == "word":
        words[chooser.randrange(len(words))] = chooser.choice(spare[index % len(spare)].split())
    elif action == "add":
        paragraphs.insert(index, chooser.choice(spare))
        return paragraphs
    elif action == "cut" and len(paragraphs) > 5:
        del paragraphs[index]
        return paragraphs
    elif action == "move":
        paragraphs.insert(chooser.randrange(len(paragraphs)), paragraphs.pop(index))
        return paragraphs
    else:
        paragraphs[index] = re.sub(r'"([^"]*)"', r"“\1”", paragraphs[index])
        return paragraphs
    paragraphs[index] = " ".join(words)
    return paragraphs


def versions(count: int, kilobytes: int, mode: str, seed: int = 7) -> list[str]:
    """``count`` versions of one article, each one to three edits from the previous one (``revisions``)
    or from the original (``wire``: one story as printed by many sites)."""
    chooser = random.Random(seed)
    original = paragraphs = base_article(kilobytes)
    spare = base_article(kilobytes * 3)[len(paragraphs):] or paragraphs
    result = []
    for _ in range(count):
        wrap = chooser.random() < 0.3  # a re-scraped copy: layout noise only
        text = "\n\n".join(textwrap.fill(p, 72) if wrap else p for p in paragraphs)
        result.append(text + "\n")
        if mode == "wire":
            paragraphs = original
        for _ in range(chooser.randint(1, 3)):
            paragraphs = edit(paragraphs, chooser, spare)
    return result


Result = TypeVar("Result")


def measure(run: Callable[[], Result]) -> tuple[float, float, float, Result]:
    """Best wall time and best CPU time (seconds) of up to three runs (one when a run takes over 5 s), peak
    traced memory (MB) of one more run, and the result. Each run starts cold: the engine's memo of block
    word sets is cleared. CPU time is what other work on a shared machine disturbs least."""
    times: list[float] = []
    cpu_times: list[float] = []
    while len(times) < 3 and sum(times) < 5:
        bag_of_words.cache_clear()
        start, cpu_start = time.perf_counter(), time.process_time()
        result = run()
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu_start)
    bag_of_words.cache_clear()
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return min(times), min(cpu_times), peak, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,50,200,800", help="numbers of versions, comma-separated")
    parser.add_argument("--kb", type=int, default=10, help="size of the article in KB")
    parser.add_argument("--mode", choices=["revisions", "wire", "both"], default="both",
                        help="versions edited one after another, or each from the original")
    args = parser.parse_args()
    sizes = [int(n) for n in args.sizes.split(",")]
    for mode in ["revisions", "wire"] if args.mode == "both" else [args.mode]:
        report(versions(max(sizes), args.kb, mode), sizes, mode)


def exponent(points: list[tuple[int, float]]) -> float:
    """The least-squares slope of log(time) against log(N): the growth exponent."""
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / sum((x - mean_x) ** 2 for x in xs)


def report(every: list[str], sizes: list[int], mode: str) -> None:
    """Time and memory of collate and of the baseline for the first N of ``every``, for each N."""
    print(f"\n{mode}: article {len(every[0]):,} characters; each version 1-3 edits from the "
          f"{'previous' if mode == 'revisions' else 'original'}, 30% re-wrapped")
    print(f"{'N':>5} {'collate s':>10} {'cpu s':>7} {'peak MB':>8} {'sites':>6} {'changes':>8} {'baseline s':>11} "
          f"{'cpu s':>7} {'peak MB':>8} {'baseline/collate':>17} {'exponent (cpu) collate':>23} {'baseline':>9}")
    collated: list[tuple[int, float]] = []
    naive: list[tuple[int, float]] = []
    for count in sizes:
        texts = every[:count]
        seconds, cpu, peak, collation = measure(lambda texts=texts: collate(texts))
        base = collation.base_article
        naive_seconds, naive_cpu, naive_peak, _ = measure(
            lambda texts=texts, base=base: [compare(base, text) for text in texts])
        growth = ""
        if collated:
            (n0, c0), (_, b0) = collated[-1], naive[-1]
            step = math.log(count / n0)
            growth = f"{math.log(cpu / c0) / step:>23.2f} {math.log(naive_cpu / b0) / step:>9.2f}"
        collated.append((count, cpu))
        naive.append((count, naive_cpu))
        carried = sum(len(r.changes) for site in collation.sites for r in site.readings)
        print(f"{count:>5} {seconds:>10.3f} {cpu:>7.3f} {peak:>8.1f} {len(collation.sites):>6} {carried:>8} "
              f"{naive_seconds:>11.3f} {naive_cpu:>7.3f} {naive_peak:>8.1f} {naive_seconds / seconds:>16.1f}× {growth}",
              flush=True)
    if len(sizes) > 1:
        print(f"growth exponent of CPU time over N = {sizes[0]}..{sizes[-1]} (log-log fit): "
              f"collate {exponent(collated):.2f}, baseline {exponent(naive):.2f}")


if __name__ == "__main__":
    main()
