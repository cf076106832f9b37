"""Benchmark ``variorum.compare`` against difflib, diff-match-patch, fast-diff-match-patch and redlines.

Run from the repository root: ``.venv/bin/python bench/compare.py [--pairs N]``.

Inputs, the same for every tool, in one process:
* article pairs: real article text (2–20 KB) from ../shared/corpora/article-extraction-benchmark, each
  edited with a few (3) or many (30) realistic edits — words replaced, sentences inserted and deleted,
  a paragraph moved — and re-wrapped at 72 columns, as a re-scraped copy would be;
* 1 MB cases: a 1 MB article assembled from the corpus with 50 edits and one move, and the same
  paragraph 10,000 times with a few edits.

Prints per-case times and each tool's time as a multiple of Variorum's, the medians, and a noise table:
how many changes each tool reports for rewrites that change nothing a reader cares about.
"""

from __future__ import annotations

import argparse
import difflib
import json
import random
import statistics
import textwrap
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

import diff_match_patch
import fast_diff_match_patch
from redlines import Redlines

from variorum.compare import compare

# The shared corpus sits beside the checkout (../shared): two levels up from the main checkout, three from a worktree.
CORPUS = next((parent / "shared" / "corpora" / "article-extraction-benchmark" / "ground-truth.json"
               for parent in Path(__file__).resolve().parents[2:4]
               if (parent / "shared" / "corpora").is_dir()),
              Path(__file__).resolve().parents[2] / "shared" / "corpora" / "article-extraction-benchmark" / "ground-truth.json")


def load_articles() -> list[str]:
    truth = json.loads(CORPUS.read_text(encoding="utf-8"))
    bodies = [entry.get("articleBody") or "" for entry in truth.values()]
    articles = []
    for body in bodies:
        paragraphs = [p.strip() for p in body.split("\n") if p.strip()]
        text = "\n\n".join(paragraphs)
        if 2_000 <= len(text.encode()) <= 20_000 and len(paragraphs) >= 4:
            articles.append(text)
    return articles


def edit(text: str, edits: int, rng: random.Random) -> str:
    """Apply realistic edits: replaced words, inserted and deleted sentences, one moved paragraph."""
    paragraphs = text.split("\n\n")
    for _ in range(edits):
        index = rng.randrange(len(paragraphs))
        words = paragraphs[index].split(" ")
        action = rng.random()
        if action < 0.6:
            words[rng.randrange(len(words))] = rng.choice(["reportedly", "officials", "2025", "Smith", "nearly"])
        elif action < 0.8:
            words.insert(rng.randrange(len(words) + 1), "The agency later confirmed the figures.")
        elif len(words) > 12:
            start = rng.randrange(len(words) - 8)
            del words[start:start + 8]
        paragraphs[index] = " ".join(words)
    if len(paragraphs) > 3:
        paragraphs.insert(rng.randrange(len(paragraphs)), paragraphs.pop(rng.randrange(len(paragraphs))))
    return "\n\n".join(textwrap.fill(p, 72) for p in paragraphs)


def words(text: str) -> list[str]:
    return text.split()


def run_variorum(a: str, b: str) -> int:
    return len(compare(a, b).substantive_changes)


def run_difflib(a: str, b: str) -> int:
    return sum(1 for op in difflib.SequenceMatcher(None, words(a), words(b)).get_opcodes() if op[0] != "equal")


_DMP = diff_match_patch.diff_match_patch()


def run_dmp(a: str, b: str) -> int:
    diffs = _DMP.diff_main(a, b)  # default settings: 1 s time-out
    _DMP.diff_cleanupSemantic(diffs)
    return sum(1 for op, _ in diffs if op != 0)


def run_fast_dmp(a: str, b: str) -> int:
    return sum(1 for op, _ in fast_diff_match_patch.diff(a, b) if op != "=")


def run_redlines(a: str, b: str) -> int:
    return sum(1 for op in Redlines(a, b).opcodes if op[0] != "equal")


TOOLS: dict[str, Callable[[str, str], int]] = {
    "variorum": run_variorum,
    "difflib-words": run_difflib,
    "diff-match-patch": run_dmp,
    "fast-diff-match-patch": run_fast_dmp,
    "redlines": run_redlines,
}


def timed(function: Callable[[str, str], int], a: str, b: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function(a, b)
        best = min(best, time.perf_counter() - start)
    return best


def big_cases(articles: list[str], rng: random.Random) -> list[tuple[str, str, str]]:
    big = ""
    while len(big) < 1_000_000:
        big += "\n\n".join(articles) + "\n\n"
    big = big[:1_000_000].rsplit("\n\n", 1)[0]
    paragraphs = big.split("\n\n")
    changed = list(paragraphs)
    for _ in range(50):
        index = rng.randrange(len(changed))
        tokens = changed[index].split(" ")
        tokens[rng.randrange(len(tokens))] = "CHANGED"
        changed[index] = " ".join(tokens)
    changed.insert(10, changed.pop(len(changed) // 2))
    repeated = ["The same paragraph repeats here, with the words in the same order every time it appears."] * 10_000
    repeated_changed = list(repeated)
    repeated_changed[100] = repeated_changed[100].replace("same order", "usual order")
    repeated_changed.insert(5_000, "An inserted line, written only once.")
    del repeated_changed[7_000]
    return [
        ("1 MB article, 50 edits + move", big, "\n\n".join(changed)),
        ("1 MB repetitive, 3 edits", "\n\n".join(repeated), "\n\n".join(repeated_changed)),
    ]


def tracker_cases(articles: list[str]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The tracker's common cases on real ~5 KB articles (4–6 KB): a text fetched again unchanged (equal, but
    a different string object), re-wrapped only (every paragraph filled at 72 columns), one word replaced."""
    rng = random.Random(12)
    sample = [text for text in articles if 4_000 <= len(text.encode()) <= 6_000]
    identical, rewrapped, one_word = [], [], []
    for text in sample:
        identical.append((text, "".join(list(text))))
        rewrapped.append((text, "\n\n".join(textwrap.fill(p, 72) for p in text.split("\n\n"))))
        tokens = text.split(" ")
        tokens[rng.randrange(len(tokens))] = "reportedly"
        one_word.append((text, " ".join(tokens)))
    return [("identical", identical), ("re-wrap only", rewrapped), ("one-word edit", one_word)]


def edited_paragraphs(a: str, b: str) -> tuple[str, str]:
    """The first paragraph (blank-line separated) that differs between ``a`` and ``b``, from each side."""
    return next((x, y) for x, y in zip(a.split("\n\n"), b.split("\n\n")) if x != y)


def noise_cases(article: str) -> list[tuple[str, str, str]]:
    paragraphs = article.split("\n\n")
    moved = paragraphs[1:3] + paragraphs[:1] + paragraphs[3:]
    straight = article.replace("’", "'").replace("“", '"').replace("”", '"')
    curly = straight.replace("'", "’")
    return [
        ("pure re-wrap", article, "\n\n".join(textwrap.fill(p, 60) for p in paragraphs)),
        ("straight → curly quotes", straight, curly),
        ("NFC → NFD", unicodedata.normalize("NFC", article), unicodedata.normalize("NFD", article)),
        ("one moved paragraph", article, "\n\n".join(moved)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=40, help="number of articles to edit (each gives 2 pairs)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per case; the best time counts")
    arguments = parser.parse_args()
    rng = random.Random(20261123)
    articles = load_articles()
    chosen = rng.sample(articles, min(arguments.pairs, len(articles)))
    pairs = [(f"article {n} ({len(text) // 1000} KB, {k} edits)", text, edit(text, k, rng))
             for n, text in enumerate(chosen) for k in (3, 30)]

    print(f"Article pairs: {len(pairs)} from {len(articles)} corpus articles of 2–20 KB; best of {arguments.repeat} runs.")
    ratios: dict[str, list[float]] = {name: [] for name in TOOLS}
    times: dict[str, list[float]] = {name: [] for name in TOOLS}
    for _, a, b in pairs:
        baseline = timed(run_variorum, a, b, arguments.repeat)
        for name, function in TOOLS.items():
            elapsed = baseline if name == "variorum" else timed(function, a, b, arguments.repeat)
            times[name].append(elapsed)
            ratios[name].append(elapsed / baseline)
    print(f"\n{'tool':<24}{'median ms':>12}{'max ms':>10}{'median time ÷ variorum':>26}")
    for name in TOOLS:
        print(f"{name:<24}{statistics.median(times[name]) * 1e3:>12.2f}{max(times[name]) * 1e3:>10.1f}"
              f"{statistics.median(ratios[name]):>25.2f}×")

    print("\nTracker cases on the corpus articles of 4–6 KB (median over the articles of the best of "
          f"{arguments.repeat} runs)")
    print(f"{'case':<16}{'articles':>9}{'variorum µs':>13}{'difflib-words µs':>18}{'difflib ÷ variorum':>20}")
    one_word: list[tuple[str, str]] = []
    one_word_difflib: list[float] = []
    for label, cases in tracker_cases(articles):
        ours = [timed(run_variorum, a, b, arguments.repeat) for a, b in cases]
        theirs = [timed(run_difflib, a, b, arguments.repeat) for a, b in cases]
        speedups = [t / o for o, t in zip(ours, theirs)]
        print(f"{label:<16}{len(cases):>9}{statistics.median(ours) * 1e6:>13.0f}{statistics.median(theirs) * 1e6:>18.0f}"
              f"{statistics.median(speedups):>19.1f}×")
        if label == "one-word edit":
            one_word, one_word_difflib = cases, theirs
    # The floor of any shortcut for a one-word edit that reads no unchanged paragraph: Variorum comparing the
    # edited paragraph alone, against difflib's time on the whole article.
    alone = [timed(run_variorum, *edited_paragraphs(a, b), arguments.repeat) for a, b in one_word]
    print(f"{'  edited paragraph alone':<25}{statistics.median(alone) * 1e6:>13.0f}{statistics.median(one_word_difflib) * 1e6:>18.0f}"
          f"{statistics.median([t / o for o, t in zip(alone, one_word_difflib)]):>19.1f}×   (difflib on the whole article)")

    print("\n1 MB cases (one run each; redlines not run: minutes per case)")
    print(f"{'case':<34}" + "".join(f"{name:>24}" for name in TOOLS if name != "redlines"))
    for label, a, b in big_cases(articles, rng):
        row = f"{label:<34}"
        for name, function in TOOLS.items():
            if name == "redlines":
                continue
            start = time.perf_counter()
            found = function(a, b)
            row += f"{time.perf_counter() - start:>15.2f} s ({found:>4})"
        print(row)
    print("  (in parentheses: changes reported; Variorum counts substantive changes only)")

    print("\nNoise: changes reported for rewrites a reader would not call a change (Variorum: substantive)")
    print(f"{'rewrite':<26}" + "".join(f"{name:>22}" for name in TOOLS))
    sample = max(chosen, key=len)
    for label, a, b in noise_cases(sample):
        row = f"{label:<26}"
        for function in TOOLS.values():
            row += f"{function(a, b):>22}"
        if label == "one moved paragraph":
            moves = [c.kind for c in compare(a, b).substantive_changes]
            row += f"   variorum: {moves}"
        print(row)


if __name__ == "__main__":
    main()
