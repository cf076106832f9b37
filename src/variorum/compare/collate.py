"""``collate(witnesses)``: one variant apparatus over many versions of an article.

Every witness is compared with one base witness by the engine of :func:`~variorum.compare.compare`, so
variants are classified, and moves and layout noise handled, exactly as in a two-version comparison. The
comparisons share their work: the base is prepared once, each distinct block text is folded once, and each
distinct pair of (base block, witness block) texts is diffed word by word once, whichever witnesses carry
it. Revisions that each edit the previous one share almost all their edited paragraphs with their
predecessor, so word-level diffing grows with the number of distinct edits, not with witnesses ×
differences; what remains per witness (aligning its blocks, placing its changes) follows the changes it
carries against the base, i.e. the size of the apparatus.

The substantive changes are then grouped by where they fall in the base, on two levels. Paragraphs added,
removed or moved form **passage sites** among themselves; every other change forms **word sites**: changes
of any witnesses whose base spans overlap or touch form one site. A word site may lie inside a passage site
(one witness cut a paragraph that others edited): it stays a site of its own, and the witnesses lacking
the passage read there as omitted, with a note pointing to the passage site. Each site lists every distinct
reading (equal when their folded texts are equal) with the witnesses that carry it. Witnesses without a
change at a site read as the base.

The base is the one named, or else the most central witness: the one whose words are most shared by the
others (a word-set Dice score computed in one pass over a word count, so choosing it is linear in the
total size). Ties go to the smallest text, so the order of the witnesses never changes the base
and hence never changes the set of variant sites.

For ordered witnesses (versions by time) the collation also follows each sentence from version to version
(when it appeared, changed, disappeared) and counts each version's changes from the previous one.

>>> collation = collate(["Officials said 12 people died.", "Officials said 14 people died.",
...                      "Officials said 12 people died."], ids=["a", "b", "c"])
>>> site = collation.sites[0]
>>> collation.base, [(r.label, r.text, r.witnesses, r.kinds) for r in (site.base, *site.readings)]
('a', [('=', '12', ('a', 'c'), ()), ('a', '14', ('b',), ('number',))])
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache, lru_cache
from typing import Any

from variorum.article import Article
from variorum.compare.align import bag_of_words
from variorum.compare.engine import PairMemo, Version, compare_versions
from variorum.compare.model import MAJOR, MINOR, SIGNIFICANCES, Change, Comparison, Kind, Significance, Span
from variorum.compare.sequence import opcodes
from variorum.text.frontmatter import PARAGRAPH
from variorum.text.segment import ends_sentence, sentence_spans
from variorum.text.tokens import fold_text, iter_tokens

_RANK = {significance: rank for rank, significance in enumerate(SIGNIFICANCES)}
_SAME_SENTENCE_DICE = 0.5
_WORD_RE = re.compile(r"\w+")
_PASSAGE_KINDS = frozenset({"paragraph_added", "paragraph_removed", "paragraph_moved"})

# One substantive change of one witness, placed in the base: (start, end, witness index, change, reading text).
_Event = tuple[int, int, int, Change, str]


@dataclass(frozen=True, slots=True)
class Reading:
    """One way the witnesses read a variant site.

    ``text`` is the site as these witnesses read it, whitespace collapsed; ``notes`` say what the words
    alone do not (``moved``, ``link → URL``). ``changes`` pairs each witness with the changes
    :func:`compare` found there against the base (empty for the base reading).
    """

    label: str
    text: str
    witnesses: tuple[str, ...]
    kinds: tuple[Kind, ...] = ()
    significance: Significance | None = None
    notes: tuple[str, ...] = ()
    changes: tuple[tuple[str, Change], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "text": self.text,
            "witnesses": list(self.witnesses),
            "kinds": list(self.kinds),
            "significance": self.significance,
            "notes": list(self.notes),
        }


@dataclass(frozen=True, slots=True)
class VariantSite:
    """A place in the base where at least one witness reads differently.

    ``level`` is ``"passage"`` for paragraphs added, removed or moved, ``"words"`` for everything else; a
    word site may lie inside a passage site's span.
    """

    number: int
    span: Span
    base: Reading
    readings: tuple[Reading, ...]
    level: str = "words"
    _by_witness: dict[str, Reading] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_witness", {w: r for r in self.readings for w in r.witnesses})

    @property
    def significance(self) -> Significance:
        """The highest significance among the readings."""
        return min((r.significance for r in self.readings if r.significance), key=_RANK.__getitem__, default=MAJOR)

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(sorted({kind for reading in self.readings for kind in reading.kinds}))

    def reading_of(self, witness: str) -> Reading:
        """The reading ``witness`` carries here (the base reading when it has no change here)."""
        return self._by_witness.get(witness, self.base)

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "span": list(self.span),
            "level": self.level,
            "significance": self.significance,
            "kinds": list(self.kinds),
            "base": self.base.to_dict(),
            "readings": [r.to_dict() for r in self.readings],
        }


@dataclass(frozen=True, slots=True)
class SentenceLife:
    """One sentence followed through ordered versions: indices into :attr:`Collation.ids`."""

    text: str
    final_text: str
    appeared: int
    changed: tuple[int, ...]
    disappeared: int | None

    def to_dict(self, ids: Sequence[str]) -> dict[str, Any]:
        return {
            "text": self.text,
            "final_text": self.final_text,
            "appeared": ids[self.appeared],
            "changed": [ids[k] for k in self.changed],
            "disappeared": ids[self.disappeared] if self.disappeared is not None else None,
        }


@dataclass(frozen=True)
class Collation:
    """The result of collating N witnesses: the base, the variant sites, and (if ordered) their history.

    ``similarity`` maps each witness id to its similarity with the base (as :func:`compare` measures it).
    ``steps`` holds, for ordered witnesses, the comparison of each version with the previous one.
    """

    witnesses: tuple[Article, ...]
    ids: tuple[str, ...]
    base: str
    base_chosen: str
    sites: tuple[VariantSite, ...]
    similarity: dict[str, float]
    ordered: bool = False
    steps: tuple[Comparison, ...] = ()
    sentences: tuple[SentenceLife, ...] = field(default=())

    @property
    def base_article(self) -> Article:
        return self.witnesses[self.ids.index(self.base)]

    def differences(self, witness: str) -> dict[str, int]:
        """How many variant sites ``witness`` reads differently from the base, by significance (sites are
        never cosmetic)."""
        counts = Counter(site.reading_of(witness).significance for site in self.sites)
        return {MAJOR: counts[MAJOR], MINOR: counts[MINOR]}

    @property
    def verdict(self) -> str:
        """A one-line summary, e.g. ``"3 witnesses, 4 variant sites (1 major, 3 minor); base a.txt"``."""
        counts = Counter(site.significance for site in self.sites)
        noun = "site" if len(self.sites) == 1 else "sites"
        detail = f" ({counts[MAJOR]} major, {counts[MINOR]} minor)" if self.sites else ""
        how = "most central witness" if self.base_chosen == "central" else "given"
        return f"{len(self.ids)} witnesses, {len(self.sites)} variant {noun}{detail}; base {self.base} ({how})"

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON form (see docs/collate.md)."""
        result: dict[str, Any] = {
            "format": "variorum.collation/1",
            "base": self.base,
            "base_chosen": self.base_chosen,
            "ordered": self.ordered,
            "verdict": self.verdict,
            "witnesses": [
                {"id": wid, "title": article.title, "length": len(article.text),
                 "similarity_to_base": round(self.similarity[wid], 6), "differences": self.differences(wid)}
                for wid, article in zip(self.ids, self.witnesses)
            ],
            "base_text": self.base_article.text,
            "sites": [site.to_dict() for site in self.sites],
        }
        if self.ordered:
            result["versions"] = [{"id": self.ids[0], "from_previous": None}] + [
                {"id": wid, "from_previous": {"similarity": round(step.similarity, 6), **step.summary}}
                for wid, step in zip(self.ids[1:], self.steps)
            ]
            result["sentences"] = [life.to_dict(self.ids) for life in self.sentences]
        return result


def _articles(witnesses: Iterable[str | Article], ids: Sequence[str] | None) -> tuple[list[Article], list[str]]:
    articles: list[Article] = []
    for position, witness in enumerate(witnesses, 1):
        if isinstance(witness, str):
            witness = Article.from_text(witness)
        elif not isinstance(witness, Article):
            raise ValueError(f"witness {position} is not text ({type(witness).__name__})")
        articles.append(witness)
    if len(articles) < 2:
        raise ValueError(f"collating needs at least two witnesses, got {len(articles)}")
    if ids is None:
        names = [article.id or f"w{position}" for position, article in enumerate(articles, 1)]
    else:
        names = [str(name) for name in ids]
        if len(names) != len(articles):
            raise ValueError(f"{len(names)} ids for {len(articles)} witnesses")
    repeated = sorted(name for name, count in Counter(names).items() if count > 1)
    if repeated:
        raise ValueError(f"duplicate witness id {repeated[0]!r}")
    for name, article in zip(names, articles):
        if not article.text.strip():
            raise ValueError(f"witness {name!r} is empty")
    return articles, names


def central_witness(articles: Sequence[Article]) -> int:
    """The index of the witness sharing most words with the others (approximate summed word-set Dice).

    Words are lowercased runs of letters and digits, so quotes, dashes and layout do not count. Each
    witness scores ``2·Σ_j |A ∩ B_j| / (|A| + mean |B|)``, computed from one count of how many witnesses
    use each word. Ties go to the smallest text, then to the first. A word never spans a blank line, so
    each witness's words are gathered paragraph by paragraph, and a paragraph many witnesses share is read
    once.

    >>> central_witness([Article.from_text(t) for t in ("a b x", "a b c d", "a b c d e")])
    1
    """
    words_of: dict[str, frozenset[str]] = {}
    word_sets = []
    for article in articles:
        chunks = article.text.lower().split("\n\n")
        for chunk in chunks:
            if chunk not in words_of:
                words_of[chunk] = frozenset(_WORD_RE.findall(chunk))
        word_sets.append(frozenset().union(*map(words_of.__getitem__, chunks)))
    used_by: Counter[str] = Counter()
    for words in word_sets:
        used_by.update(words)
    count, total = len(word_sets), sum(map(len, word_sets))

    def rank(index: int) -> tuple[Fraction, str, int]:
        words = word_sets[index]
        shared = sum(map(used_by.__getitem__, words)) - len(words)
        return -Fraction(2 * shared * count, count * len(words) + total or 1), articles[index].text, index

    return min(range(count), key=rank)


def _piece(base: str, other: str, change: Change) -> tuple[int, int, str]:
    """The base span a change replaces and the text replacing it, widened over the whitespace that
    separates an inserted or deleted passage from its neighbours so that readings join naturally."""
    old = change.old_span or (len(base), len(base))
    start, end = old
    if _is_note(base, change) or change.new_span is None:
        return start, end, base[start:end]
    new_start, new_end = change.new_span
    if start == end and new_start < new_end:
        if start > 0 and not base[start - 1].isspace() and new_start > 0 and other[new_start - 1].isspace():
            new_start -= 1
        elif start < len(base) and not base[start].isspace() and new_end < len(other) and other[new_end].isspace():
            new_end += 1
    elif new_start == new_end and start < end:
        while start > 0 and base[start - 1].isspace():
            start -= 1
    return start, end, other[new_start:new_end]


def _is_note(base: str, change: Change) -> bool:
    """True for a move, and for a link whose target changed under the same anchor text (HTML inputs)."""
    if change.kind == "paragraph_moved":
        return True
    span = change.old_span
    return change.kind == "link" and (span is None or " ".join(base[span[0]:span[1]].split()) != change.old)


def _note(base: str, change: Change) -> str | None:
    if not _is_note(base, change):
        return None
    if change.kind == "paragraph_moved":
        return f"moved to {change.detail.get('insert_at')}"
    return f"link → {change.new}"


def _reading_text(base: str, site: Span, pieces: Sequence[tuple[int, int, str]]) -> str:
    parts: list[str] = []
    position = site[0]
    inserted_at = -1  # two insertions at one point are separate passages: keep a space between them
    for start, end, text in sorted(pieces, key=lambda piece: (piece[0], piece[1])):
        if start < position:
            continue
        parts += [base[position:start], " " if start == end == inserted_at else "", text]
        position = end
        inserted_at = start if start == end else -1
    parts.append(base[position:site[1]])
    return " ".join("".join(parts).split())


def _group(events: list[_Event]) -> list[tuple[Span, list[_Event]]]:
    """Events merged into sites where their base spans overlap or touch."""
    groups: list[tuple[Span, list[_Event]]] = []
    for event in sorted(events, key=lambda e: (e[0], e[1], e[2])):
        if groups and event[0] <= groups[-1][0][1]:
            (start, end), members = groups[-1]
            members.append(event)
            groups[-1] = ((start, max(end, event[1])), members)
        else:
            groups.append(((event[0], event[1]), [event]))
    return groups


def _lacking(span: Span, passage: tuple[Span, list[_Event]] | None) -> list[int]:
    """The witnesses that cut, within ``passage``, a paragraph holding ``span`` (strictly, for a point)."""
    if passage is None:
        return []
    start, end = span
    return sorted({witness for cut_start, cut_end, witness, change, _ in passage[1]
                   if change.kind == "paragraph_removed" and cut_start <= start and end <= cut_end
                   and cut_start < end and start < cut_end})


def _site(number: int, span: Span, members: list[_Event], level: str, lacking: list[int], within: int | None,
          base_text: str, names: list[str]) -> VariantSite:
    by_witness: dict[int, list[_Event]] = {}
    for event in members:
        by_witness.setdefault(event[2], []).append(event)
    texts: dict[tuple[Any, ...], tuple[str, str]] = {}  # witnesses with the same pieces read the same text
    readings: dict[tuple[str, tuple[str, ...]], list[tuple[int, list[Change], str]]] = {}
    for witness, events in by_witness.items():
        changes = [change for _, _, _, change, _ in events]
        pieces = tuple((start, end, text) for start, end, _, change, text in events if not _is_note(base_text, change))
        notes = tuple(sorted(filter(None, (_note(base_text, change) for change in changes))))
        if (pieces, notes) not in texts:
            text = _reading_text(base_text, span, pieces)
            texts[pieces, notes] = (text, fold_text(text))
        text, folded = texts[pieces, notes]
        readings.setdefault((folded, notes), []).append((witness, changes, text))
    ordered = sorted(readings.items(), key=lambda item: (-len(item[1]), item[0]))
    variants = []
    for position, ((_, notes), carriers) in enumerate(ordered):
        carriers.sort(key=lambda carrier: carrier[0])
        all_changes = [change for _, changes, _ in carriers for change in changes]
        strongest: Significance = min((c.significance for c in all_changes), key=_RANK.__getitem__)
        variants.append(Reading(
            label=_label(position),
            text=carriers[0][2],
            witnesses=tuple(names[w] for w, _, _ in carriers),
            kinds=tuple(sorted({c.kind for c in all_changes})),
            significance=strongest,
            notes=notes,
            changes=tuple((names[w], c) for w, changes, _ in carriers for c in changes),
        ))
    if lacking:
        variants.append(Reading(label=_label(len(variants)), text="", witnesses=tuple(names[w] for w in lacking),
                                notes=(f"in the passage omitted at site {within}",)))
    absent = set(by_witness).union(lacking)
    base_reading = Reading(
        label="=",
        text=" ".join(base_text[span[0]:span[1]].split()),
        witnesses=tuple(name for index, name in enumerate(names) if index not in absent),
    )
    return VariantSite(number, span, base_reading, tuple(variants), level)


def _label(position: int) -> str:
    return chr(ord("a") + position) if position < 26 else f"r{position + 1}"


def _sites(events: list[_Event], base_text: str, names: list[str]) -> tuple[VariantSite, ...]:
    """Passage sites (one per base paragraph added after, removed or moved, so that neighbouring paragraphs
    never chain into one wide site) and word sites (changes whose spans overlap or touch), numbered in base
    order: at one start, an insertion point first, then the wider site, so a passage site comes before the
    word sites inside it."""
    by_span: dict[Span, list[_Event]] = {}
    for event in sorted((e for e in events if e[3].kind in _PASSAGE_KINDS), key=lambda e: (e[0], e[1], e[2])):
        by_span.setdefault((event[0], event[1]), []).append(event)
    passages = sorted(by_span.items())
    words = _group([event for event in events if event[3].kind not in _PASSAGE_KINDS])
    located = [(span, members, "passage", index) for index, (span, members) in enumerate(passages)]
    located += [(span, members, "words", -1) for span, members in words]
    located.sort(key=lambda site: (site[0][0], site[0][0] != site[0][1], -site[0][1], site[2] != "passage"))
    passage_numbers = {index: number for number, (_, _, _, index) in enumerate(located, 1) if index >= 0}
    passage_starts = [span[0] for span, _ in passages]
    sites = []
    for number, (span, members, level, _) in enumerate(located, 1):
        lacking: list[int] = []
        within = None
        if level == "words":
            holder = bisect_right(passage_starts, span[0]) - 1
            lacking = _lacking(span, passages[holder] if holder >= 0 else None)
            within = passage_numbers[holder] if lacking else None
        sites.append(_site(number, span, members, level, lacking, within, base_text, names))
    return tuple(sites)


def _sentences(article: Article, keys_of: dict[str, str]) -> tuple[list[str], list[str]]:
    """Keys and collapsed texts of an article's sentences, in reading order. A sentence's key is its token
    keys, as :func:`compare` sees them, so layout noise (spacing, quotes, dashes, wrapping) never tells two
    sentences apart; ``keys_of`` remembers the keys of sentences already seen. Paragraphs broken inside a
    sentence are joined first, so that a re-wrapped paragraph is not a changed sentence."""
    passages: list[str] = []
    previous = None
    for block in article.blocks:
        raw = article.block_text(block)
        if previous is not None and block.kind == previous.kind == PARAGRAPH and not ends_sentence(passages[-1]):
            passages[-1] += " " + raw
        else:
            passages.append(raw)
        previous = block
    keys, texts = [], []
    for passage in passages:
        for start, end in sentence_spans(passage):
            sentence = passage[start:end]
            if sentence not in keys_of:
                keys_of[sentence] = " ".join(token.key for token in iter_tokens(sentence))
            keys.append(keys_of[sentence])
            texts.append(" ".join(sentence.split()))
    return keys, texts


def _dice(a: str, b: str) -> float:
    words_a, words_b = set(_WORD_RE.findall(a)), set(_WORD_RE.findall(b))
    return 2 * len(words_a & words_b) / (len(words_a) + len(words_b) or 1)


def sentence_history(articles: Sequence[Article]) -> list[SentenceLife]:
    """Each sentence's life across ordered versions: sentences are matched between consecutive versions
    by sequence alignment, then by equal words anywhere (a move), then by word overlap inside a replaced
    region (an edit); what is left appeared or disappeared. Sentences are compared by their token keys, so
    layout noise never changes a sentence.

    >>> [(s.text, s.appeared, s.changed, s.disappeared) for s in sentence_history(
    ...     [Article.from_text(t) for t in ("One. Two.", "One. Two too.", "Two too. Three.")])]
    [('One.', 0, (), 2), ('Two.', 0, (1,), None), ('Three.', 2, (), None)]
    """
    lives: list[dict[str, Any]] = []
    keys_of: dict[str, str] = {}
    keys, texts = _sentences(articles[0], keys_of)
    current = []
    for text in texts:
        current.append(len(lives))
        lives.append({"text": text, "final": text, "appeared": 0, "changed": [], "disappeared": None})
    for version in range(1, len(articles)):
        new_keys, new_texts = _sentences(articles[version], keys_of)
        following: list[int | None] = [None] * len(new_keys)
        regions: list[tuple[list[int], list[int]]] = []
        for tag, i1, i2, j1, j2 in opcodes(keys, new_keys):
            if tag == "equal":
                following[j1:j2] = current[i1:i2]
            else:
                regions.append((list(range(i1, i2)), list(range(j1, j2))))
        gone_by_key: dict[str, list[int]] = {}
        for old, _ in regions:
            for i in old:
                gone_by_key.setdefault(keys[i], []).append(i)
        taken: set[int] = set()
        for _, new in regions:
            for j in new:
                if gone_by_key.get(new_keys[j]):
                    i = gone_by_key[new_keys[j]].pop(0)
                    taken.add(i)
                    following[j] = current[i]
        for old, new in regions:
            for j in new:
                if following[j] is not None:
                    continue
                best = max((i for i in old if i not in taken), default=None,
                           key=lambda i: (_dice(keys[i], new_keys[j]), -i))
                if best is not None and _dice(keys[best], new_keys[j]) >= _SAME_SENTENCE_DICE:
                    taken.add(best)
                    following[j] = current[best]
                    lives[current[best]]["changed"].append(version)
                    lives[current[best]]["final"] = new_texts[j]
                else:
                    following[j] = len(lives)
                    lives.append({"text": new_texts[j], "final": new_texts[j], "appeared": version,
                                  "changed": [], "disappeared": None})
            for i in old:
                if i not in taken:
                    lives[current[i]]["disappeared"] = version
        keys, current = new_keys, [life for life in following if life is not None]
    return [SentenceLife(life["text"], life["final"], life["appeared"], tuple(life["changed"]), life["disappeared"])
            for life in lives]


def collate(witnesses: Iterable[str | Article], *, ids: Sequence[str] | None = None, base: str | None = None,
            ordered: bool = False) -> Collation:
    """Collate two or more witnesses (texts or :class:`Article`\\ s) into variant sites over a base.

    ``ids`` name the witnesses (default: each article's id, else ``w1``, ``w2``, …). ``base`` names the base
    witness; by default the most central one is chosen. ``ordered`` says the witnesses are versions in time
    order, adding each sentence's history and each version's changes from the previous one.
    Raises :class:`ValueError` for fewer than two witnesses, duplicate ids, an unknown base, or an empty
    witness.
    """
    articles, names = _articles(witnesses, ids)
    if base is None:
        base_index, chosen = central_witness(articles), "central"
    elif base in names:
        base_index, chosen = names.index(base), "given"
    else:
        raise ValueError(f"base {base!r} is not one of the witness ids")
    base_text = articles[base_index].text
    fold_block = lru_cache(maxsize=None)(fold_text)
    memo: PairMemo = {}

    @cache
    def overlap(key_a: str, key_b: str) -> int:
        return len(bag_of_words(key_a) & bag_of_words(key_b))

    word_counts: dict[str, int] = {}
    prepared = [Version(article, fold_block, word_counts) for article in articles]
    # Identical witnesses are compared once; only the similarity and the substantive changes are kept.
    compared: dict[tuple[Any, ...], tuple[float, list[Change]]] = {}
    events: list[_Event] = []
    similarity: dict[str, float] = {}
    for index, article in enumerate(articles):
        key = (article.text, article.blocks, article.links)
        if key not in compared:
            comparison = compare_versions(prepared[base_index], prepared[index], memo=memo, overlap=overlap)
            compared[key] = (comparison.similarity, comparison.substantive_changes)
        similarity[names[index]], changes = compared[key]
        if index == base_index:
            continue
        for change in changes:
            start, end, text = _piece(base_text, article.text, change)
            if change.kind in _PASSAGE_KINDS and change.old_span is not None:
                start, end = change.old_span  # the paragraph itself, or the point a paragraph was added at
            events.append((start, end, index, change, text))
    sites = _sites(events, base_text, names)
    steps: tuple[Comparison, ...] = ()
    history: tuple[SentenceLife, ...] = ()
    if ordered:
        steps = tuple(compare_versions(prepared[k - 1], prepared[k], memo=memo, overlap=overlap)
                      for k in range(1, len(articles)))
        history = tuple(sentence_history(articles))
    return Collation(tuple(articles), tuple(names), names[base_index], chosen, sites, similarity, ordered,
                     steps, history)
