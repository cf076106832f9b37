"""Truth on real-shaped captures: false alarms, headline recall and real edits found by ``variorum diff``.

Each page of the article-extraction-benchmark (../shared/corpora/article-extraction-benchmark) is
re-rendered as two web-archive captures by ``tests/capturegen.py``: links rewritten to each capture's
timestamp (some originals with an explicit ``:80`` or the other scheme), the archive's toolbar, and
furniture that differs between the captures ("Last Updated …" stamps, rotated related-story boxes, video
and gallery teasers, a promo box in one capture only). Seven pairs per page:

- ``identical``: nothing else changed — any substantive change reported is a false alarm; three more such
  pairs per page with other furniture drawn (``--more-identical``), counted apart so that the first line
  stays comparable with earlier runs;
- ``headline``, twice: the headline edited where the page shows it (its ``<h1>``, moved before the article
  element when it was inside) — once with the metadata titles left as they were (``h1 only``: an archive
  capture with stale metadata), once with ``<title>``, og:title, twitter:title and a JSON-LD headline edited
  too wherever they held the headline (``h1 and metadata``; ``h1 only`` when none did, as on pages whose
  og:title is a search-engine title of its own) — recalled when a change of kind ``headline`` names both
  headlines;
- ``body``: a number, a quotation word or an added sentence — found when a substantive change shows it;
  counted apart when the edited paragraph is in the benchmark's own article text (the generator picks a
  paragraph of the page, and some are comments, author bios or promos that the article does not include).
- ``paragraph``: a body paragraph removed, a new one added after another, or one moved before the paragraph
  it followed — found when a change of that kind shows the paragraph (``paragraph_removed``,
  ``paragraph_added``, ``paragraph_moved``), and counted apart when other substantive changes come with it;
- ``split``: a paragraph split at a sentence break with a new sentence opening its second piece — found when
  a substantive change shows the sentence, and counted apart when other substantive changes come with it (a
  sentence of the paragraph reported removed beside the new paragraph reported added, say).
- ``template``: the same article read from two page templates — the first capture against a print view or a
  syndicated copy on another site (``capturegen.template_copy``: the article's headline, byline, date,
  standfirst and blocks, taken from the element that holds the benchmark's article text, in another page) —
  any substantive change reported is a false alarm; counted apart for print views and syndicated copies.
  Added after the other rows, which keep their meaning (the total of capture pairs grows by one a page).

Each capture is written to a file and read exactly as ``variorum diff A.html B.html`` reads it.

Run: ``PYTHONPATH=src .venv/bin/python bench/truth.py [--corpus DIR] [--limit N] [--jobs N] [--show N]``
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from capturegen import (
    BODY_EDIT,
    HEADLINE_EDIT,
    IDENTICAL,
    PARAGRAPH_EDIT,
    PRINT_VIEW,
    SPLIT_EDIT,
    SYNDICATED,
    TEMPLATE,
    CapturePair,
    capture_pair,
)
from variorum.cli.inputs import load_article
from variorum.compare import compare
from variorum.compare.model import Change, Comparison
from variorum.errors import InputError

# ../shared from the main checkout, ../../shared from a worktree under wt/
CORPUS = next((p / "shared" / "corpora" / "article-extraction-benchmark" for p in Path(__file__).resolve().parents[2:4]
               if (p / "shared" / "corpora").is_dir()), Path("../shared/corpora/article-extraction-benchmark"))


def _squash(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def _compare_pair(pair: CapturePair) -> Comparison:
    with tempfile.TemporaryDirectory() as directory:
        old_path, new_path = Path(directory) / "a.html", Path(directory) / "b.html"
        old_path.write_text(pair.old_html, encoding="utf-8")
        new_path.write_text(pair.new_html, encoding="utf-8")
        return compare(load_article(str(old_path)), load_article(str(new_path)))


def _shows_edit(pair: CapturePair, change: Change) -> bool:
    """True when ``change`` reports the body edit made in ``pair``: both numbers or quoted words, the added
    sentence, or the paragraph removed, added or moved."""
    if change.kind == "headline":
        return False
    if pair.kind == PARAGRAPH_EDIT:  # a swap of two paragraphs is a move of either
        shown = change.old if pair.edit == "paragraph_removed" else change.new
        texts = {_squash(pair.old_fragment), _squash(pair.new_fragment)} if pair.edit == "paragraph_moved" else {
            _squash(pair.new_paragraph)}
        return change.kind == pair.edit and _squash(shown) in texts
    old, new = _squash(change.old), _squash(change.new)
    if pair.edit == "sentence":
        return _squash(pair.new_fragment) in new or _squash(pair.new_fragment) in _squash(change.context)
    return _squash(pair.old_fragment) in old and _squash(pair.new_fragment) in new


def _verdict(pair: CapturePair, comparison: Comparison, article_body: str) -> dict[str, Any]:
    substantive = comparison.substantive_changes
    result: dict[str, Any] = {
        "page": pair.page_id, "kind": pair.kind, "edit": pair.edit, "furniture": list(pair.furniture),
        "substantive": [(c.kind, c.significance, (c.old or "")[:70], (c.new or "")[:70]) for c in substantive],
    }
    if pair.kind in (IDENTICAL, TEMPLATE):
        result["ok"] = not substantive
    elif pair.kind == HEADLINE_EDIT:
        result["ok"] = any(c.kind == "headline" and _squash(c.old) == _squash(pair.old_headline)
                           and _squash(c.new) == _squash(pair.new_headline) for c in substantive)
        result["extra"] = sum(1 for c in substantive if c.kind != "headline")
    else:
        result["ok"] = any(_shows_edit(pair, c) for c in substantive)
        result["extra"] = sum(1 for c in substantive if not _shows_edit(pair, c))
        words = _squash(pair.new_paragraph).split()
        window = " ".join(words[len(words) // 2:len(words) // 2 + 8])
        result["extracted"] = window in _squash(comparison.b.text)
        result["in_article"] = _unedited_window(pair) in _squash(article_body)
    return result


def _unedited_window(pair: CapturePair) -> str:
    """Eight words of the edited paragraph that the edit did not touch, to find it in the benchmark's text."""
    words = _squash(pair.new_paragraph).split()
    edited = set(_squash(pair.new_fragment).split())
    head, tail = words[:8], words[-8:]
    return " ".join(head if not edited & set(head) else tail)


MORE_IDENTICAL = "identical, other furniture"


def run_page(path: Path, url: str, article_body: str, more_identical: int = 0) -> list[dict[str, Any]]:
    """The seven pairs of one page, compared, and ``more_identical`` identical-text pairs with other furniture
    (the generator's seeds 1, 2, …)."""
    html = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
    page_id = path.name.split(".")[0][:12]
    results = []
    runs = [(IDENTICAL, None, 0), (HEADLINE_EDIT, False, 0), (HEADLINE_EDIT, True, 0), (BODY_EDIT, None, 0),
            (SPLIT_EDIT, None, 0), (PARAGRAPH_EDIT, None, 0), (TEMPLATE, None, 0)]
    runs += [(IDENTICAL, None, seed) for seed in range(1, more_identical + 1)]
    for kind, in_title, seed in runs:
        pair = capture_pair(html, url, page_id, kind, seed=seed, headline_in_title=in_title,
                            article_text=article_body if kind == TEMPLATE else None)
        if pair is None:
            continue
        try:
            result = _verdict(pair, _compare_pair(pair), article_body)
        except InputError as error:
            result = {"page": page_id, "kind": kind, "ok": False, "error": str(error), "substantive": []}
        if seed:
            result["kind"], result["edit"] = MORE_IDENTICAL, f"seed {seed}"
        results.append(result)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--show", type=int, default=5, help="list up to N failures of each kind")
    parser.add_argument("--json", type=Path, help="write every pair's verdict to this file")
    parser.add_argument("--more-identical", type=int, default=3,
                        help="identical-text pairs per page with other furniture, on top of the first")
    arguments = parser.parse_args()
    truth = json.loads((arguments.corpus / "ground-truth.json").read_text(encoding="utf-8"))
    pages = sorted((arguments.corpus / "html").glob("*.html.gz"))
    if arguments.limit:
        pages = pages[:arguments.limit]
    urls = [truth.get(p.name.split(".")[0], {}).get("url") or "http://example.com/story" for p in pages]
    bodies = [truth.get(p.name.split(".")[0], {}).get("articleBody") or "" for p in pages]
    started = time.perf_counter()
    with ProcessPoolExecutor(arguments.jobs) as pool:
        more = [arguments.more_identical] * len(pages)
        results = [r for page in pool.map(run_page, pages, urls, bodies, more) for r in page]
    elapsed = time.perf_counter() - started
    if arguments.json:
        arguments.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(f"{len(pages)} pages, {len(results)} capture pairs, {elapsed:.1f} s")
    for kind, label in ((IDENTICAL, "identical-text pairs reported substantive (false alarms)"),
                        (MORE_IDENTICAL, "more identical-text pairs, other furniture: false alarms"),
                        (TEMPLATE, "same text in another template (print view, syndicated copy): false alarms"),
                        (HEADLINE_EDIT, "headline edits named `headline` with both headlines"),
                        (BODY_EDIT, "real body edits found"),
                        (SPLIT_EDIT, "paragraphs split with a sentence inserted: the sentence found"),
                        (PARAGRAPH_EDIT, "paragraphs removed, added or moved: named as such")):
        group = [r for r in results if r["kind"] == kind]
        good = sum(r["ok"] for r in group)
        if not group:
            continue
        shown = len(group) - good if kind in (IDENTICAL, MORE_IDENTICAL, TEMPLATE) else good
        share = shown / len(group) if group else 0.0
        print(f"  {label}: {shown} / {len(group)} ({share:.1%})")
        if kind == HEADLINE_EDIT:
            for edit in ("h1 only", "h1 and metadata"):
                sub = [r for r in group if r.get("edit") == edit]
                print(f"    {edit}: {sum(r['ok'] for r in sub)} / {len(sub)};"
                      f" with other substantive changes: {sum(1 for r in sub if r.get('extra'))}")
        if kind == TEMPLATE:
            for edit in (PRINT_VIEW, SYNDICATED):
                sub = [r for r in group if r.get("edit") == edit]
                print(f"    {edit}: {sum(1 for r in sub if not r['ok'])} / {len(sub)}")
        if kind in (IDENTICAL, MORE_IDENTICAL, TEMPLATE):
            causes = Counter(c[0] for r in group if not r["ok"] for c in r["substantive"])
            print(f"    substantive changes in them by kind: {dict(causes.most_common())}")
        if kind == BODY_EDIT:
            outside = [r for r in group if not r.get("extracted", True)]
            print(f"    edits made in text the extractor left out of the article: {len(outside)} "
                  f"(of them reported: {sum(r['ok'] for r in outside)})")
            real = [r for r in group if r.get("in_article")]
            print(f"    edits made in the benchmark's own article text: {sum(r['ok'] for r in real)} / {len(real)} "
                  f"found (the other {len(group) - len(real)}: no run of eight words of theirs is in it)")
            print(f"    by edit: {dict(Counter(r.get('edit') for r in group if r['ok']))} found of "
                  f"{dict(Counter(r.get('edit') for r in group))}")
        if kind in (SPLIT_EDIT, PARAGRAPH_EDIT):
            real = [r for r in group if r.get("in_article")]
            print(f"    with other substantive changes: {sum(1 for r in group if r.get('extra'))}; in the benchmark's "
                  f"own article text: found {sum(r['ok'] for r in real)} / {len(real)}, with other substantive "
                  f"changes {sum(1 for r in real if r.get('extra'))}")
        for r in [r for r in group if not r["ok"] or r.get("extra")][:arguments.show]:
            print(f"    ✗ {r['page']} {r.get('edit') or ''} {r.get('error') or r['substantive'][:3]}")


if __name__ == "__main__":
    main()
