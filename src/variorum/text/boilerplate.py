"""Site templates learned from the pages themselves: paragraphs that recur across different articles of a site.

A site repeats its furniture on every article: "Watch CBS News anytime, anywhere…", author boxes, newsletter
pitches, "Last updated Dec 23, 2016 10:56 PM EST" stamps. No list of phrases can keep up with every site, but
the pages tell: a paragraph that appears, word for word, in several *different* articles of one site is
template, not text. :class:`SiteTemplates` counts, for each site, in how many distinct documents each
paragraph occurs, and calls a paragraph template once that count reaches a threshold.

>>> templates = SiteTemplates(min_documents=2)
>>> templates.add("cbsnews.com", "a", ["Pope buys shoes.", "Watch CBS News anytime, anywhere."])
>>> templates.add("cbsnews.com", "b", ["Storm hits coast.", "Watch CBS News anytime,   anywhere."])
>>> templates.is_template("cbsnews.com", "Watch CBS News anytime, anywhere.")
True
>>> templates.filter("cbsnews.com", ["Pope buys shoes.", "Watch CBS News anytime, anywhere."])
['Pope buys shoes.']

Paragraphs are compared by a fingerprint: a 64-bit xxhash of the text folded as for comparison
(:func:`~variorum.text.tokens.fold_text`), lower-cased, with every run of digits written ``0``, so that a
"Last updated" stamp or a "3 photos" counter recurs whatever its date or number.

The learner is pure and streaming: documents are fed one at a time, memory is bounded per site (see
``max_fingerprints``), and two learners fed disjoint sets of documents (e.g. two Dask partitions) combine
with :meth:`SiteTemplates.merge` into the learner that would have seen them all.

**The documents must be different articles.** Two versions of one article share their body paragraphs;
fed as two documents, their body would count as template. Callers learn from *other* articles of the site
(the tracker asks the store for them; ``diff``/``collate`` take pages of the same site given for that).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import xxhash

from variorum.text.frontmatter import CAPTION, CORRECTION, PARAGRAPH, STANDFIRST
from variorum.text.tokens import fold_text

_DIGITS_RE = re.compile(r"\d+")

TEMPLATE_KINDS = frozenset({PARAGRAPH, CAPTION, STANDFIRST, CORRECTION})
"""Block kinds that can be template; headlines, bylines and datelines are the article's own."""

MIN_DOCUMENTS = 3
"""A paragraph is template once it occurs in this many different documents of a site. Two is too few: a
follow-up story often repeats one paragraph of the story before it. Raise it for sites whose articles
quote each other at length; lower it only when few documents of the site are available."""

MIN_SHARE = 0.0
"""Also require the paragraph in at least this share of the site's documents (0 = no such requirement).
Useful on small samples, where three documents may be three versions of one story told by different desks."""

MAX_FINGERPRINTS = 200_000
"""Memory bound per site: when a site counts more distinct paragraphs, those seen in the fewest documents
are forgotten (furniture, seen on every page, survives; a body paragraph, seen once, goes first). About
50 bytes a fingerprint: 10 MB for a site at the bound."""

MAX_REMEMBERED_DOCUMENTS = 100_000
"""Document ids remembered per site, so that a document fed twice counts once. Beyond this many documents a
site's ids are no longer remembered, and a document fed again would count again."""


def paragraph_fingerprint(paragraph: str) -> int:
    """The 64-bit fingerprint of a paragraph: layout, case and the digits' values do not change it.

    >>> paragraph_fingerprint("Last updated Dec 23, 2016 10:56 PM") == paragraph_fingerprint("LAST  updated dec 24, 2016 9:01 pm")
    True
    """
    folded = _DIGITS_RE.sub("0", fold_text(paragraph).casefold())
    return int(xxhash.xxh3_64_intdigest(folded.encode("utf-8", errors="surrogatepass")))


@dataclass
class _Site:
    """What one site's documents have shown: fingerprint → number of distinct documents containing it."""

    counts: dict[int, int] = field(default_factory=dict)
    documents: int = 0
    seen: set[int] = field(default_factory=set)


class SiteTemplates:
    """Learns, per site, which paragraphs are template (see the module docstring).

    ``min_documents``, ``min_share``, ``max_fingerprints`` and ``max_remembered_documents`` default to the
    module constants of those names, whose docstrings explain the trade-offs.
    """

    def __init__(
        self,
        *,
        min_documents: int = MIN_DOCUMENTS,
        min_share: float = MIN_SHARE,
        max_fingerprints: int = MAX_FINGERPRINTS,
        max_remembered_documents: int = MAX_REMEMBERED_DOCUMENTS,
    ) -> None:
        if min_documents < 2:
            raise ValueError("min_documents must be at least 2: one document cannot show a template")
        if not 0.0 <= min_share <= 1.0:
            raise ValueError("min_share must be between 0 and 1")
        if max_fingerprints < 1:
            raise ValueError("max_fingerprints must be positive")
        self.min_documents = min_documents
        self.min_share = min_share
        self.max_fingerprints = max_fingerprints
        self.max_remembered_documents = max_remembered_documents
        self._sites: dict[str, _Site] = {}

    def add(self, site: str, document_id: str, paragraphs: Iterable[str]) -> None:
        """Count one document's paragraphs for ``site``; a document id already counted is ignored."""
        self.add_fingerprints(site, document_id, (paragraph_fingerprint(p) for p in paragraphs if p.strip()))

    def add_fingerprints(self, site: str, document_id: str, fingerprints: Iterable[int]) -> None:
        """Like :meth:`add`, for a document already reduced to :func:`paragraph_fingerprint` values."""
        entry = self._sites.setdefault(site, _Site())
        document_key = int(xxhash.xxh3_64_intdigest(document_id.encode("utf-8", errors="surrogatepass")))
        if document_key in entry.seen:
            return
        if len(entry.seen) < self.max_remembered_documents:
            entry.seen.add(document_key)
        entry.documents += 1
        for fingerprint in set(fingerprints):
            entry.counts[fingerprint] = entry.counts.get(fingerprint, 0) + 1
        if len(entry.counts) > self.max_fingerprints:
            self._prune(entry)

    def _prune(self, entry: _Site) -> None:
        """Forget the rarest fingerprints until the site is back to three quarters of the bound."""
        keep = self.max_fingerprints * 3 // 4
        floor = 1
        while len(entry.counts) > keep:
            entry.counts = {f: c for f, c in entry.counts.items() if c > floor}
            floor += 1

    def merge(self, other: SiteTemplates) -> SiteTemplates:
        """Add what ``other`` learned (from documents this learner has not seen) to this one; returns self."""
        for site, theirs in other._sites.items():
            mine = self._sites.setdefault(site, _Site())
            mine.documents += theirs.documents
            for fingerprint, count in theirs.counts.items():
                mine.counts[fingerprint] = mine.counts.get(fingerprint, 0) + count
            room = self.max_remembered_documents - len(mine.seen)
            if room > 0:
                mine.seen.update(list(theirs.seen - mine.seen)[:room])
            if len(mine.counts) > self.max_fingerprints:
                self._prune(mine)
        return self

    def documents(self, site: str) -> int:
        """How many documents of ``site`` have been counted."""
        entry = self._sites.get(site)
        return entry.documents if entry else 0

    def _threshold(self, entry: _Site) -> float:
        return max(self.min_documents, self.min_share * entry.documents)

    def is_template(self, site: str, paragraph: str) -> bool:
        """True when ``paragraph`` recurs in enough different documents of ``site`` to be its template."""
        return self.is_template_fingerprint(site, paragraph_fingerprint(paragraph))

    def is_template_fingerprint(self, site: str, fingerprint: int) -> bool:
        """:meth:`is_template` for a paragraph already reduced to its fingerprint."""
        entry = self._sites.get(site)
        return entry is not None and entry.counts.get(fingerprint, 0) >= self._threshold(entry)

    def filter(self, site: str, paragraphs: Iterable[str]) -> list[str]:
        """The paragraphs of a document that are not template, in order."""
        return [p for p in paragraphs if not self.is_template(site, p)]

    def template_count(self, site: str) -> int:
        """How many distinct paragraphs of ``site`` are template now."""
        entry = self._sites.get(site)
        if entry is None:
            return 0
        threshold = self._threshold(entry)
        return sum(1 for count in entry.counts.values() if count >= threshold)

    def keep_block(self, site: str) -> Callable[[str, str], bool]:
        """A ``keep(kind, text)`` predicate for :meth:`variorum.article.Article.keeping`: false for the
        site's template paragraphs, captions and standfirsts (:data:`TEMPLATE_KINDS`)."""
        def keep(kind: str, text: str) -> bool:
            return kind not in TEMPLATE_KINDS or not self.is_template(site, text)
        return keep
