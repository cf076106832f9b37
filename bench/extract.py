"""Body-text quality of Variorum's HTML extraction against plain trafilatura, on the 181 pages of the
article-extraction-benchmark (../shared/corpora/article-extraction-benchmark), side by side in one run.

The measure is the one behind that benchmark's published table (its evaluate.py): the text is split into
``\\w+`` tokens; each page's true and extracted bodies become multisets of 4-token shingles; true
positives, false positives and false negatives are counted over the multisets and normalised per page;
precision is averaged over pages that have any prediction, recall over pages that have any truth, and F1 is
computed from the two averages. Plain single tokens (n=1) are reported as well.

Run: ``.venv/bin/python bench/extract.py [--corpus DIR] [--jobs N] [--limit N]``
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import trafilatura

from variorum.extract.html import article_from_html

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "article-extraction-benchmark"
_TOKEN_RE = re.compile(r"\w+")

Counts = tuple[float, float, float]


def shingles(text: str, n: int) -> Counter[tuple[str, ...]]:
    """The multiset of ``n``-token shingles of ``text`` (one shorter shingle for texts under ``n`` tokens)."""
    tokens = _TOKEN_RE.findall(text or "")
    return Counter(tuple(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i:i + n])


def page_counts(true: str, predicted: str, n: int) -> Counts:
    """Normalised (tp, fp, fn) of one page."""
    expected, found = shingles(true, n), shingles(predicted, n)
    tp = sum((expected & found).values())
    fp = sum((found - expected).values())
    fn = sum((expected - found).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fp == 0 else tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fn == 0 else tp / (tp + fn)


def scores(counts: list[Counts]) -> tuple[float, float, float]:
    """Averaged precision and recall over pages, and the F1 of those averages."""
    precision = statistics.mean(_precision(*c) for c in counts if c[0] + c[1] > 0)
    recall = statistics.mean(_recall(*c) for c in counts if c[0] + c[2] > 0)
    return precision, recall, 2 * precision * recall / (precision + recall)


def extract_both(path: Path) -> tuple[str, str, str, float, float]:
    """The page id, Variorum's body, plain trafilatura's text, and the seconds each took."""
    data = gzip.decompress(path.read_bytes())
    started = time.perf_counter()
    variorum = article_from_html(data).body
    middle = time.perf_counter()
    plain = trafilatura.extract(data) or ""
    return path.name.split(".")[0], variorum, plain, middle - started, time.perf_counter() - middle


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages (0: all)")
    args = parser.parse_args()
    truth_path = args.corpus / "ground-truth.json"
    if not truth_path.exists():
        print(f"bench/extract.py: corpus not found at {args.corpus}", file=sys.stderr)
        return 2
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    pages = sorted((args.corpus / "html").glob("*.html.gz"))
    pages = pages[: args.limit] if args.limit else pages
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(extract_both, pages, chunksize=4))
    print(f"{len(results)} pages from {args.corpus}")
    print(f"{'extractor':<34}{'n':>3}{'precision':>11}{'recall':>8}{'F1':>7}{'s/page':>8}")
    for label, column, seconds in (("variorum (article.body)", 1, 3), ("trafilatura.extract (defaults)", 2, 4)):
        for n in (4, 1):
            counts = [page_counts(truth[r[0]].get("articleBody", ""), r[column], n) for r in results]
            precision, recall, f1 = scores(counts)
            mean_seconds = statistics.mean(r[seconds] for r in results)
            print(f"{label:<34}{n:>3}{precision:>11.3f}{recall:>8.3f}{f1:>7.3f}{mean_seconds:>8.3f}")
    print("n=4: 4-token shingles, the measure of the benchmark's published table; n=1: single tokens")
    return 0


if __name__ == "__main__":
    sys.exit(main())
