"""Variorum's HTML extraction against plain trafilatura on the 181 pages of the article-extraction-benchmark
(../shared/corpora/article-extraction-benchmark), side by side in one run: body precision, recall and F1,
title accuracy, and pages per second.

Body text is scored as that benchmark's evaluate.py scores it: the text is split into ``\\w+`` tokens; each
page's true and extracted bodies become multisets of 4-token shingles; true positives, false positives and
false negatives are counted over the multisets and normalised per page; precision is averaged over pages
that have any prediction, recall over pages that have any truth, and F1 is computed from the two averages.
Single tokens (n=1) are reported as well.

The benchmark's ground truth has no titles (only ``url`` and ``articleBody``), so titles are checked against
the one independent witness of the headline each page carries: its URL slug. A page is scored when the last
segment of its URL, with numeric ids dropped, has at least four words and the words of some heading or title
on the page spell it exactly: a visible heading (``<h1>``-``<h3>``) or, on pages without an ``<h1>``, a
metadata title (``og:title``, ``twitter:title``, ``<title>`` or a part of it between separators such as
`` | ``). Its reference headline is the first such text. (A slug that matches only the ``<title>`` of a page
whose ``<h1>`` says something else witnesses the search-engine title, not the headline readers see.)
On those pages a title is *exact* when it equals the reference after whitespace
normalisation, and *slug-equal* when its words spell the slug (punctuation and quote styles aside). Pages
whose slug is not a headline (an id, a shortened or rewritten slug) are left out of the title figures only.
A second, looser reference counts any title text that spells the slug, the ``<title>`` of a page whose
``<h1>`` differs included; it is printed too, because the first favours extractors that read headings.

Plain trafilatura runs ``bare_extraction(page, with_metadata=True)`` with every other setting at its default
(its body is the main text plus comments, as ``trafilatura.extract`` returns it).

Run: ``.venv/bin/python bench/extract.py [--corpus DIR] [--limit N] [--show-titles]``
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
import trafilatura

from variorum.extract.html import article_from_html
from variorum.text.decode import decode_html

CORPUS = next((folder / "shared" / "corpora" / "article-extraction-benchmark"
               for folder in Path(__file__).resolve().parents
               if (folder / "shared" / "corpora" / "article-extraction-benchmark").is_dir()),
              Path("/work/shared/corpora/article-extraction-benchmark"))
_TOKEN_RE = re.compile(r"\w+")
_SLUG_WORD_RE = re.compile(r"[^\W_]+")
_TITLE_SEPARATORS_RE = re.compile(r"\s+[|\-–—:·»]\s+")
_MIN_SLUG_WORDS = 4

Counts = tuple[float, float, float]


@dataclass(frozen=True)
class Result:
    """One page's output from one extractor."""

    body: str
    title: str | None
    seconds: float


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


def slug_words(text: str) -> list[str]:
    """Lowercased ASCII-folded words as a URL slug spells them (apostrophes dropped, accents stripped)."""
    folded = unicodedata.normalize("NFKD", text.replace("'", "").replace("’", "")).casefold()
    return _SLUG_WORD_RE.findall("".join(ch for ch in folded if not unicodedata.combining(ch)))


def url_slug(url: str) -> list[str]:
    """The words of a URL's last path segment, without file extension and long numeric ids."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if not segments:
        return []
    last = re.sub(r"\.(?:s?html?|php|aspx?|cms)$", "", segments[-1], flags=re.I)
    words = slug_words(last.replace("_", "-"))
    while words and words[-1].isdigit() and len(words[-1]) >= 5:
        words.pop()
    while words and words[0].isdigit() and len(words[0]) >= 5:
        words.pop(0)
    return words


def _flat(text: str) -> str:
    return " ".join(text.split())


def title_references(page: bytes, url: str) -> tuple[str | None, str | None]:
    """The page's headline as its URL slug witnesses it: among visible headings only (None when none
    spells the slug, or the page has no ``<h1>`` and a metadata title does), and among every title text."""
    slug = url_slug(url)
    if len(slug) < _MIN_SLUG_WORDS:
        return None, None
    tree = lxml.html.document_fromstring(decode_html(page).encode("utf-8"),
                                         parser=lxml.html.HTMLParser(encoding="utf-8"))
    headings = [_flat(h.text_content()) for h in tree.iter("h1", "h2", "h3")]
    metadata = [_flat(str(m)) for m in tree.xpath("//meta[@property='og:title' or @name='twitter:title']/@content")]
    metadata.append(_flat(tree.findtext(".//title") or ""))
    titles = [part for text in metadata for part in (text, *_TITLE_SEPARATORS_RE.split(text))]
    has_h1 = any(True for _ in tree.iter("h1"))
    visible = next((c for c in headings + ([] if has_h1 else titles) if c and slug_words(c) == slug), None)
    anywhere = next((c for c in headings + titles if c and slug_words(c) == slug), None)
    return visible, anywhere


def run_variorum(page: bytes, url: str) -> Result:
    started = time.perf_counter()
    article = article_from_html(page, url=url)
    seconds = time.perf_counter() - started
    return Result(article.body, article.title, seconds)


def run_trafilatura(page: bytes, url: str) -> Result:
    started = time.perf_counter()
    document = trafilatura.bare_extraction(page, url=url, with_metadata=True)
    seconds = time.perf_counter() - started
    if document is None:
        return Result("", None, seconds)
    body = "\n".join(part for part in (document.text, document.comments) if part)  # type: ignore[union-attr]
    return Result(body, document.title, seconds)  # type: ignore[union-attr]


EXTRACTORS = (("variorum", run_variorum), ("trafilatura (defaults)", run_trafilatura))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages (0: all)")
    parser.add_argument("--show-titles", action="store_true", help="list the pages whose titles differ")
    args = parser.parse_args()
    truth_path = args.corpus / "ground-truth.json"
    if not truth_path.exists():
        print(f"bench/extract.py: corpus not found at {args.corpus}", file=sys.stderr)
        return 2
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    paths = sorted((args.corpus / "html").glob("*.html.gz"))
    paths = paths[: args.limit] if args.limit else paths
    results: dict[str, list[Result]] = {name: [] for name, _ in EXTRACTORS}
    keys: list[str] = []
    references: list[tuple[str | None, str | None]] = []
    for path in paths:
        key = path.name.split(".")[0]
        page = gzip.decompress(path.read_bytes())
        keys.append(key)
        references.append(title_references(page, truth[key]["url"]))
        for name, run in EXTRACTORS:
            results[name].append(run(page, truth[key]["url"]))
    print(f"{len(keys)} pages from {args.corpus}")
    print(f"{'extractor':<24}{'n':>2}{'precision':>10}{'recall':>8}{'F1':>7}{'pages/s':>9}")
    for name, _ in EXTRACTORS:
        outputs = results[name]
        rate = len(outputs) / sum(r.seconds for r in outputs)
        for n in (4, 1):
            counts = [page_counts(truth[key].get("articleBody", ""), out.body, n) for key, out in zip(keys, outputs)]
            precision, recall, f1 = scores(counts)
            print(f"{name:<24}{n:>2}{precision:>10.3f}{recall:>8.3f}{f1:>7.3f}" + (f"{rate:>9.1f}" if n == 4 else ""))
    print("n=4: 4-token shingles, the measure of the benchmark's published table; n=1: single tokens\n")
    print(f"{'titles':<24}{'reference':<34}{'pages':>6}{'exact':>8}{'slug-equal':>12}")
    for which, label in ((0, "URL slug = a visible heading"), (1, "URL slug = any title text")):
        scored = [i for i, pair in enumerate(references) if pair[which]]
        for name, _ in EXTRACTORS:
            found = [_flat(results[name][i].title or "") for i in scored]
            wanted = [references[i][which] or "" for i in scored]
            exact = sum(f == w for f, w in zip(found, wanted)) / len(scored)
            slug = sum(slug_words(f) == slug_words(w) for f, w in zip(found, wanted)) / len(scored)
            print(f"{name:<24}{label:<34}{len(scored):>6}{exact:>8.3f}{slug:>12.3f}")
    if args.show_titles:
        for i, (visible, anywhere) in enumerate(references):
            reference = visible or anywhere
            found = [_flat(results[name][i].title or "") for name, _ in EXTRACTORS]
            if reference and any(title != reference for title in found):
                print(f"\n{truth[keys[i]]['url']}\n  reference: {reference}" + ("" if visible else " (metadata)"))
                for (name, _), title in zip(EXTRACTORS, found):
                    print(f"  {name:<22} {'=' if title == reference else 'x'} {title}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
