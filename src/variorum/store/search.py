"""Full-text search over every stored version's headline and body, ranked, with the matching snippet.

SQLite searches its FTS5 index ``search_articles``, one row per article with the words of all its versions
(its ``rank``: BM25 with the headlines weighing four times the bodies);
PostgreSQL its GIN index over one ``tsvector`` per article (``ts_rank``, headlines weighted). Both are kept
by triggers from migration 0004.
An article matches when its versions hold the words, so an old headline or a sentence since removed still
finds it; the snippet comes from the newest version that has them. Words are stemmed on both back ends (``rains`` finds ``rain``).

A search ranks a bounded set: the :data:`RANKED` newest matching articles (highest ids), read along the
index in id order, best match first; when more match, the rest follow them newest first, unranked, and the
total is given as "more than :data:`RANKED`". So a word that thousands of articles hold costs what a
thousand cost, not a rank and a count of every match.

The words of a query must all occur; ``"a phrase"`` in double quotes must occur as written:

>>> fts5_query('storm "sea wall" 12')
'"storm" "sea wall" "12"'
>>> snippet_segments("Heavy rain is expected on Monday across the north.", ["rain"], width=30)
[('Heavy ', False), ('rain', True), (' is expected on…', False)]
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Boolean, ColumnElement, Float, Integer, Subquery, and_, or_, select, text
from sqlalchemy.orm import Session

from variorum.store.models import StoredArticle

_PHRASE_OR_WORD_RE = re.compile(r'"([^"]*)"|(\w+)')
_WORD_RE = re.compile(r"\w+")
SNIPPET_WIDTH = 160
RANKED = 1000
FIRST_WINDOW = 2_000
"""PostgreSQL: how many of the newest articles a search reads first, measuring how common its words are."""
LONGEST_WALK = 20_000
"""PostgreSQL: the most articles a search reads newest first after :data:`FIRST_WINDOW`, when the words are
common enough to find the rest among them; rarer words are read from the GIN index."""
_MARGIN = 1.5  # read this many times the articles the first window's share of matches says the rest take


def query_terms(query: str) -> list[str]:
    """The phrases and words of a search query, lower-cased, in order (empty when it has no word)."""
    terms = []
    for phrase, word in _PHRASE_OR_WORD_RE.findall(query):
        found = " ".join(_WORD_RE.findall(phrase)) if phrase else word
        if found:
            terms.append(found.lower())
    return terms


def fts5_query(query: str) -> str:
    """``query`` as an FTS5 query: every term a quoted string (FTS5 operators in user text are words)."""
    return " ".join(f'"{term}"' for term in query_terms(query))


def matching_articles(dialect: str, query: str) -> Subquery:
    """A subquery of ``(article_id, rank)``: the articles one of whose versions matches, and how well (lower
    ranks first, on both back ends)."""
    if dialect == "postgresql":
        statement = text(
            "SELECT article_id, -ts_rank(document, found) AS rank FROM search_articles, "
            "websearch_to_tsquery('english', :query) AS found WHERE document @@ found"
        ).bindparams(query=_postgres_words(query))
    else:
        statement = text(
            "SELECT rowid AS article_id, rank FROM search_articles WHERE search_articles MATCH :query"
        ).bindparams(query=fts5_query(query))
    return statement.columns(article_id=Integer, rank=Float).subquery("matches")


def _postgres_words(query: str) -> str:
    return " ".join(f'"{term}"' if " " in term else term for term in query_terms(query))


def _window(session: Session, query: str, conditions: Sequence[ColumnElement[bool]], size: int,
            below: int | None, count: int) -> tuple[list[tuple[int, float]], int | None]:
    """Up to ``count`` matches, newest first, among the ``size`` newest articles of the index below ``below``
    (the walk stops when it has them), and the lowest id of the window when it read it all (``None`` when
    it stopped early, or when fewer than ``size`` were left: the walk reached the oldest)."""
    bound = "WHERE article_id < :below " if below is not None else ""
    walk = text(
        "SELECT article_id, -ts_rank(document, found) AS rank, document @@ found AS hit, n = :size AS last "
        "FROM (SELECT article_id, document, row_number() OVER (ORDER BY article_id DESC) AS n FROM search_articles "
        f"{bound}ORDER BY article_id DESC LIMIT :size) AS newest, websearch_to_tsquery('english', :query) AS found "
        "WHERE document @@ found OR n = :size"
    ).bindparams(query=_postgres_words(query), size=size, **({"below": below} if below is not None else {}))
    rows = walk.columns(article_id=Integer, rank=Float, hit=Boolean, last=Boolean).subquery("newest")
    wanted = and_(rows.c.hit, *conditions)
    found = select(rows.c.article_id, rows.c.rank, wanted.label("wanted"), rows.c.last)
    if conditions:
        found = found.join(StoredArticle, StoredArticle.id == rows.c.article_id).where(or_(rows.c.last, wanted))
    matches, lowest = [], None
    # the window's rows come in id order: the walk stops at the count-th match (or at the window's end)
    for row in session.execute(found.order_by(rows.c.article_id.desc()).limit(count + 1)):
        if row.wanted:
            matches.append((row.article_id, row.rank))
        if row.last:
            lowest = row.article_id
    return matches[:count], lowest if len(matches) < count else None


def newest_matches_postgresql(session: Session, query: str, limit: int,
                              conditions: Sequence[ColumnElement[bool]] = ()) -> list[tuple[int, float]]:
    """``(article_id, rank)`` of the ``limit`` newest articles matching ``query`` and ``conditions`` (on
    :class:`StoredArticle`), newest first, on PostgreSQL.

    The plan does not depend on the planner's statistics (a store just filled, or never analysed, has none:
    PostgreSQL then guesses that 0.5% of rows match, and read and sorted all 20,677 matches of a common
    word through the GIN index instead of walking the newest articles). So the search measures how common its
    words are itself: it reads the :data:`FIRST_WINDOW` newest articles along the primary key; if the
    matches found there say that the rest are within :data:`LONGEST_WALK` more articles, it reads on that
    far, newest first; whatever is still missing comes from the GIN index, older than the articles read.
    """
    found, lowest = _window(session, query, conditions, FIRST_WINDOW, None, limit)
    need = limit - len(found)
    if need > 0 and lowest is not None and found:
        expected = math.ceil(need * FIRST_WINDOW / len(found) * _MARGIN)
        if expected <= LONGEST_WALK:
            more, lowest = _window(session, query, conditions, expected, lowest, need)
            found += more
            need = limit - len(found)
    if need > 0 and lowest is not None:
        found += _older(session, query, conditions, lowest, need)
    return found[:limit]


def _older(session: Session, query: str, conditions: Sequence[ColumnElement[bool]], below: int,
           count: int) -> list[tuple[int, float]]:
    """The ``count`` newest matches below ``below``, read from the GIN index."""
    # "article_id + 0": the bound filters the index's matches; as an index condition it made PostgreSQL AND
    # the GIN bitmap with a bitmap of the primary key below it (most of the table: 6 ms of 27 for "merger")
    rest = text(
        "SELECT article_id, -ts_rank(document, found) AS rank FROM search_articles, "
        "websearch_to_tsquery('english', :query) AS found WHERE document @@ found AND article_id + 0 < :below"
    ).bindparams(query=_postgres_words(query), below=below)
    rows = rest.columns(article_id=Integer, rank=Float).subquery("older")
    older = select(rows.c.article_id, rows.c.rank)
    if conditions:
        older = older.join(StoredArticle, StoredArticle.id == rows.c.article_id).where(*conditions)
    return [(row.article_id, row.rank) for row in session.execute(older.order_by(rows.c.article_id.desc()).limit(count))]


def snippet_version(versions: list[tuple[int, str | None, str]], terms: list[str]) -> tuple[int, str | None, str]:
    """Of an article's versions ``(number, title, text)``, oldest first, the newest in which a term occurs as
    asked (a phrase whole), else the newest holding its words, else the newest of all (words that only
    match once stemmed)."""
    for pattern in (_pattern(terms, loose=False), _pattern(terms)):
        for found in reversed(versions):
            if pattern.search(found[2]) or (found[1] and pattern.search(found[1])):
                return found
    return versions[-1]


@dataclass(frozen=True, slots=True)
class Snippet:
    """Where a search hit an article: which version, and the text around the first match as segments of
    ``(text, matched)`` so that a page can mark the matched words without building HTML from text."""

    version: int
    field: str
    segments: list[tuple[str, bool]]

    def to_dict(self) -> dict[str, object]:
        return {
            "version": self.version, "field": self.field,
            "text": "".join(part for part, _ in self.segments),
            "matches": [part for part, matched in self.segments if matched],
        }


def _stem_pattern(term: str) -> str:
    """A pattern for ``term`` and its inflections, as near as a stemmer would count them (``rain`` finds
    ``rains`` and ``raining``; ``stories`` finds ``story``)."""
    words = term.split()
    parts = []
    for word in words:
        stem = word[: max(3, len(word) - 2)] if len(word) > 4 else word
        parts.append(re.escape(stem) + r"\w*")
    return r"\b" + r"\W+".join(parts)


def _pattern(terms: list[str], *, loose: bool = True) -> re.Pattern[str]:
    """The terms as one pattern: phrases first, then (``loose``) their words, as a back end that drops stop
    words may match a phrase loosely."""
    words = [word for term in terms if " " in term for word in term.split()] if loose else []
    return re.compile("|".join(_stem_pattern(term) for term in [*terms, *words]), re.IGNORECASE)


def snippet_segments(text_: str, terms: list[str], width: int = SNIPPET_WIDTH) -> list[tuple[str, bool]]:
    """About ``width`` characters of ``text_`` around the first match of any term, matches flagged."""
    flat = " ".join(text_.split())
    if not terms:
        return [(flat[:width] + ("…" if len(flat) > width else ""), False)]
    pattern = _pattern(terms)
    first = pattern.search(flat)
    start = 0
    if first is not None and first.start() > width // 4:
        start = first.start() - width // 4
        space = flat.find(" ", start, first.start())
        start = space + 1 if space >= 0 else start
    end = min(len(flat), start + width)
    if end < len(flat):
        space = flat.rfind(" ", start, end)
        end = space if space > start else end
    window = flat[start:end]
    segments: list[tuple[str, bool]] = []
    position = 0
    for match in pattern.finditer(window):
        if match.start() > position:
            segments.append((window[position:match.start()], False))
        segments.append((match.group(), True))
        position = match.end()
    if position < len(window):
        segments.append((window[position:], False))
    if start:
        segments.insert(0, ("…", False))
    if end < len(flat):
        segments.append(("…", False))
    return _merged(segments)


def _merged(segments: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    merged: list[tuple[str, bool]] = []
    for part, matched in segments:
        if merged and merged[-1][1] == matched:
            merged[-1] = (merged[-1][0] + part, matched)
        else:
            merged.append((part, matched))
    return merged


def snippet(version: int, title: str | None, body: str, terms: list[str]) -> Snippet:
    """The snippet of one matching version: from the body when a term occurs there, else the headline."""
    segments = snippet_segments(body, terms)
    if any(matched for _, matched in segments) or not title:
        return Snippet(version, "body", segments)
    return Snippet(version, "headline", snippet_segments(title, terms))


__all__ = [
    "FIRST_WINDOW", "LONGEST_WALK", "RANKED", "SNIPPET_WIDTH", "Snippet", "fts5_query", "matching_articles",
    "newest_matches_postgresql", "query_terms",
    "snippet", "snippet_segments", "snippet_version",
]
