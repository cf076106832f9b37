"""Site furniture kept out of dedup: paragraphs a site repeats on many of its pages never make two stories one.

A page's extracted text can still hold a site's template (a recipe site's "Save to recipe box" block, a
gallery's share widgets, a live-blog stream on every page). Two different stories of one site then share
that text, and containment — the share of the shorter page inside the longer — can call them the same
story. The rule of :mod:`variorum.text.boilerplate` decides what is template: a paragraph recurring, word
for word, in several different documents of one site.

Documents with a site (the host of their URL) are sketched twice over: as a whole, and paragraph by
paragraph (:func:`paragraph_parts`), each paragraph with its fingerprint. While the documents stream in,
a :class:`~variorum.text.boilerplate.SiteTemplates` learner counts the paragraphs of each site, once per
distinct text (exact copies count once); when the stream ends, :func:`strip` rebuilds the shingle set of
each document holding template paragraphs from its other paragraphs, and marks the documents that hold
nothing else: they are reported as furniture, never clustered. Documents without a site are left as they
are (no site, no template to learn).

>>> site_of("https://www.example.org/news/1"), site_of(None)
('example.org', None)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit

import numpy as np

from variorum.dedup.shingle import ShingleSets, shingle_sets, token_hashes
from variorum.text.boilerplate import SiteTemplates, paragraph_fingerprint

_PARAGRAPH_BREAK_RE = re.compile(r"\n[ \t]*\n")


def site_of(url: str | None) -> str | None:
    """The site of a document URL: its host, without ``www.``; None without a URL or host."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None


def paragraphs(text: str) -> list[str]:
    """The non-blank paragraphs of ``text`` (blocks between blank lines)."""
    return [part for part in _PARAGRAPH_BREAK_RE.split(text) if part.strip()]


def paragraph_parts(
    texts: Sequence[str], sited: Sequence[bool], ngram: int, seed: int
) -> tuple[ShingleSets, np.ndarray, np.ndarray]:
    """For the documents with ``sited`` true: the shingle set and fingerprint of each of their paragraphs,
    and, for every document, where its paragraphs start (``offsets``, none for documents without a site)."""
    found: list[str] = []
    counts = np.zeros(len(texts) + 1, dtype=np.int64)
    for number, (text, has_site) in enumerate(zip(texts, sited)):
        if has_site:
            parts = paragraphs(text)
            found.extend(parts)
            counts[number + 1] = len(parts)
    prints = np.fromiter((paragraph_fingerprint(part) for part in found), dtype=np.uint64, count=len(found))
    return shingle_sets(token_hashes(found), ngram, seed), prints, np.cumsum(counts)


def learn(templates: SiteTemplates, sites: Sequence[str | None], keys: np.ndarray, prints: np.ndarray,
          offsets: np.ndarray) -> None:
    """Count the paragraphs of each document with a site, once per distinct text (its exact key)."""
    for number, site in enumerate(sites):
        if site is not None:
            start, end = int(offsets[number]), int(offsets[number + 1])
            templates.add_fingerprints(site, format(int(keys[number]), "x"), prints[start:end].tolist())


def strip(
    templates: SiteTemplates, sites: Sequence[str | None], paragraph_sets: ShingleSets, prints: np.ndarray,
    offsets: np.ndarray,
) -> dict[int, np.ndarray]:
    """The new shingle set (full hashes) of each document holding template paragraphs: the union of its
    other paragraphs' sets, empty when it holds template only."""
    replaced: dict[int, np.ndarray] = {}
    for number, site in enumerate(sites):
        if site is None or templates.documents(site) < templates.min_documents:
            continue
        start, end = int(offsets[number]), int(offsets[number + 1])
        template = [templates.is_template_fingerprint(site, fingerprint) for fingerprint in prints[start:end].tolist()]
        if any(template):
            kept = [paragraph_sets[start + i] for i, is_template in enumerate(template) if not is_template]
            replaced[number] = np.unique(np.concatenate(kept)) if kept else np.empty(0, np.uint64)
    return replaced


def replace_sets(sets: ShingleSets, replaced: dict[int, np.ndarray]) -> ShingleSets:
    """``sets`` with the sets of the documents in ``replaced`` replaced."""
    if not replaced:
        return sets
    sizes = sets.sizes.copy()
    pieces: list[np.ndarray] = []
    done = 0
    for number in sorted(replaced):
        pieces.append(sets.values[sets.offsets[done]:sets.offsets[number]])
        pieces.append(replaced[number].astype(sets.values.dtype))
        sizes[number] = len(replaced[number])
        done = number + 1
    pieces.append(sets.values[sets.offsets[done]:])
    new_offsets = np.zeros(len(sets) + 1, dtype=np.int64)
    np.cumsum(sizes, out=new_offsets[1:])
    return ShingleSets(np.concatenate(pieces), new_offsets)
