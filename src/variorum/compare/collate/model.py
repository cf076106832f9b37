"""What a collation produces: :class:`Collation`, its :class:`VariantSite`\\ s and their :class:`Reading`\\ s, and
each sentence's :class:`SentenceLife`, with their JSON form (docs/collate.md)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from variorum.article import Article
from variorum.compare.model import MAJOR, MINOR, SIGNIFICANCES, Change, Comparison, Span

RANK: dict[str, int] = {significance: rank for rank, significance in enumerate(SIGNIFICANCES)}


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
    kinds: tuple[str, ...] = ()
    significance: str | None = None
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
    def significance(self) -> str:
        """The highest significance among the readings."""
        return min((r.significance for r in self.readings if r.significance), key=RANK.__getitem__, default=MAJOR)

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
