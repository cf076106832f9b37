"""The values a comparison produces: :class:`Change` and :class:`Comparison`, and their JSON form."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Final, Literal, Required, TypedDict, get_args

from variorum.article import Article

Significance = Literal["major", "minor", "cosmetic"]
MAJOR: Final = "major"
MINOR: Final = "minor"
COSMETIC: Final = "cosmetic"
SIGNIFICANCES: tuple[Significance, ...] = get_args(Significance)
_RANK: dict[Significance, int] = {MAJOR: 0, MINOR: 1, COSMETIC: 2}

Kind = Literal[
    "headline", "byline", "caption", "dateline", "standfirst",
    "paragraph_added", "paragraph_removed", "paragraph_moved", "paragraph_split", "paragraph_merged",
    "wording", "number", "date", "link", "quote", "name", "punctuation", "spelling", "correction", "layout",
]
KINDS: tuple[Kind, ...] = get_args(Kind)


class Summary(TypedDict):
    """:attr:`Comparison.summary`, as stored with every version (``versions.summary``) and shown in JSON."""

    verdict: str
    substantive: int
    by_significance: dict[Significance, int]
    by_kind: dict[Kind, int]


Span = tuple[int, int]

LinkPartName = Literal["archive", "scheme", "host", "date", "path", "query", "fragment"]


class LinkPart(TypedDict, total=False):
    """One part of a link's target that differs (``detail["changed"]`` of a ``link`` change): an archive
    capture, the scheme, the host, a date or other path segments, the query (with the names of the
    ``parameters`` that changed), the fragment."""

    part: Required[LinkPartName]
    old: Required[str | None]
    new: Required[str | None]
    parameters: list[str]


class QuoteDetail(TypedDict):
    """The quotation an edit lies in or touches, and who it is attributed to (``None``: nobody named)."""

    quote: str
    speaker: str | None


class ChangeDetail(TypedDict, total=False):
    """The kind-specific facts of a :class:`Change` (docs/json.md lists which kind has which)."""

    # link
    old_url: str | None
    new_url: str | None
    same_link: bool
    changed: list[LinkPart]
    # quote, and punctuation inside or next to a quotation
    quote: str
    speaker: str | None
    # punctuation: the marks on each side
    old: str
    new: str
    # number, date: the values read on each side; the metadata field a date or headline came from
    old_value: str
    new_value: str
    field: str
    # spelling, wording
    case_only: bool
    variant: Literal["british_american"]
    negation: bool
    # moved and added paragraphs: the offset in A they stand after; moves: whether the paragraph was edited
    insert_at: int
    edited: bool
    # page furniture (a teaser, a stamp) and layout: what kind, what differs; splits and merges
    furniture: str
    differences: list[str]
    pieces: int
    at_sentence_boundary: bool


@dataclass(frozen=True, slots=True)
class Change:
    """One change between version A and version B.

    ``old_span``/``new_span`` are ``(start, end)`` character offsets into the original texts of A and B.
    A pure insertion has ``old is None`` and a zero-width ``old_span`` at the insertion point in A; a pure
    deletion likewise has a zero-width ``new_span`` in B. ``detail`` holds kind-specific facts (the URLs
    and differing parts of a link, the speaker of a quotation, where a moved paragraph went, …).
    """

    kind: Kind
    significance: Significance
    old: str | None
    new: str | None
    old_span: Span | None
    new_span: Span | None
    context: str = ""
    detail: ChangeDetail = field(default_factory=lambda: ChangeDetail())

    @property
    def substantive(self) -> bool:
        """True unless the change is cosmetic (layout, restructuring with the same words)."""
        return self.significance != COSMETIC

    def sort_key(self) -> tuple[int, int, int]:
        """Rank: significance first, then position in B (or A for removals)."""
        position = self.new_span[0] if self.new_span else (self.old_span[0] if self.old_span else 0)
        return (_RANK[self.significance], position, self.old_span[0] if self.old_span else 0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "significance": self.significance,
            "old": self.old,
            "new": self.new,
            "old_span": list(self.old_span) if self.old_span else None,
            "new_span": list(self.new_span) if self.new_span else None,
            "context": self.context,
            "detail": self.detail,
        }


def percent(similarity: float) -> str:
    """A similarity as a percentage with one decimal, never "100.0%" for versions that differ.

    >>> percent(0.96612), percent(0.99996), percent(1.0)
    ('96.6%', '99.9%', '100.0%')
    """
    shown = f"{similarity:.1%}"
    return "99.9%" if shown == "100.0%" and similarity < 1 else shown


@dataclass(frozen=True, init=False, eq=False)
class Comparison:
    """The result of comparing A with B: similarity, ranked changes, and a summary.

    ``a`` and ``b`` may be given as functions returning the articles, called on first read. Cosmetic
    changes whose detail costs time to build (the layout of blocks with the same words) may be ``deferred``: a function building them, called once, the first time :attr:`changes` is read; counts,
    the verdict and :attr:`substantive_changes` never call it. ``deferred_count`` is how many it builds.
    """

    similarity: float
    _a: Article | Callable[[], Article] = field(default=None, repr=False)  # type: ignore[assignment]
    _b: Article | Callable[[], Article] = field(default=None, repr=False)  # type: ignore[assignment]
    _found: tuple[Change, ...] = field(default=(), repr=False)
    _deferred: Callable[[], Iterable[Change]] | None = field(default=None, repr=False)
    _deferred_count: int = field(default=0, repr=False)

    def __init__(self, a: Article | Callable[[], Article], b: Article | Callable[[], Article], similarity: float,
                 changes: Iterable[Change] = (), *, deferred: Callable[[], Iterable[Change]] | None = None,
                 deferred_count: int = 0) -> None:
        object.__setattr__(self, "_a", a)
        object.__setattr__(self, "_b", b)
        object.__setattr__(self, "similarity", similarity)
        object.__setattr__(self, "_found", tuple(sorted(changes, key=Change.sort_key)))
        object.__setattr__(self, "_deferred", deferred)
        object.__setattr__(self, "_deferred_count", deferred_count if deferred is not None else 0)

    @property
    def a(self) -> Article:
        """Version A (an article given as a function is built on first read: the same text compared again
        needs no article to find that nothing changed)."""
        if not isinstance(self._a, Article):
            object.__setattr__(self, "_a", self._a())
        assert isinstance(self._a, Article)
        return self._a

    @property
    def b(self) -> Article:
        """Version B (see :attr:`a`)."""
        if not isinstance(self._b, Article):
            object.__setattr__(self, "_b", self._b())
        assert isinstance(self._b, Article)
        return self._b

    @cached_property
    def changes(self) -> tuple[Change, ...]:
        """Every change, in rank order (cosmetic ones last)."""
        if self._deferred is None:
            return self._found
        built = tuple(sorted([*self._found, *self._deferred()], key=Change.sort_key))
        object.__setattr__(self, "_deferred", None)  # what it held (the prepared versions) can go
        return built

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Comparison):
            return NotImplemented
        return (self.a, self.b, self.similarity, self.changes) == (other.a, other.b, other.similarity, other.changes)

    __hash__ = None  # type: ignore[assignment]

    @property
    def substantive_changes(self) -> list[Change]:
        """The changes that matter (major and minor), in rank order."""
        return [c for c in self._found if c.substantive]

    @property
    def changed(self) -> bool:
        """True when at least one change is substantive."""
        return any(c.substantive for c in self._found)

    @property
    def summary(self) -> Summary:
        """Counts by significance and by kind, and a one-line verdict."""
        by_significance = self._counts()
        by_kind = Counter(c.kind for c in self._found)
        if self._deferred_count:
            by_kind["layout"] += self._deferred_count
        return {
            "verdict": self.verdict,
            "substantive": by_significance[MAJOR] + by_significance[MINOR],
            "by_significance": {s: by_significance[s] for s in SIGNIFICANCES},
            "by_kind": dict(sorted(by_kind.items())),
        }

    @property
    def verdict(self) -> str:
        """A one-line human verdict, e.g. ``"4 substantive changes (2 major, 2 minor), 15 cosmetic"``."""
        counts = self._counts()
        substantive = counts[MAJOR] + counts[MINOR]
        cosmetic = f", {counts[COSMETIC]} cosmetic" if counts[COSMETIC] else ""
        if not substantive:
            return f"No substantive changes{cosmetic}; similarity {percent(self.similarity)}"
        noun = "change" if substantive == 1 else "changes"
        return (
            f"{substantive} substantive {noun} ({counts[MAJOR]} major, {counts[MINOR]} minor){cosmetic}; "
            f"similarity {percent(self.similarity)}"
        )

    def _counts(self) -> Counter[Significance]:
        """How many changes of each significance (deferred ones are cosmetic)."""
        counts = Counter(c.significance for c in self._found)
        counts[COSMETIC] += self._deferred_count
        return counts

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON form (see docs/json.md)."""
        return {
            "format": "variorum.comparison/1",
            "a": {"id": self.a.id, "url": self.a.url, "title": self.a.title, "length": len(self.a.text)},
            "b": {"id": self.b.id, "url": self.b.url, "title": self.b.title, "length": len(self.b.text)},
            "similarity": round(self.similarity, 6),
            "summary": self.summary,
            "changes": [c.to_dict() for c in self.changes],
        }
