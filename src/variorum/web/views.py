"""What the pages show, computed from store values: the comparison view (built from the HTML report's
markers in :mod:`variorum.render.html`), the SVG timeline of an article's versions, articles from
uploaded or pasted texts, and which links are safe to make clickable."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from variorum.article import Article
from variorum.compare.model import Comparison
from variorum.extract.formats import sniff
from variorum.extract.html import article_from_html
from variorum.extract.records import HTML, NO_ARTICLE_TEXT
from variorum.errors import InputError
from variorum.render.common import describe, label, quote_note
from variorum.render.html import inline_markers, marked_up, side_markers
from variorum.store.queries import TimelinePoint
from variorum.text.decode import decode_text

SAFE_SCHEMES = ("http", "https")


def safe_href(url: str | None) -> str | None:
    """``url`` when it is an absolute http(s) URL (safe to put in ``href``), else ``None``.

    >>> safe_href("https://example.org/a"), safe_href("javascript:alert(1)"), safe_href(" JaVaScRiPt:x")
    ('https://example.org/a', None, None)
    """
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme.lower() in SAFE_SCHEMES and parts.netloc else None


def comparison_view(comparison: Comparison, show_cosmetic: bool) -> dict[str, Any]:
    """The change list and the escaped, marked-up texts of a comparison.

    Changes are numbered by their rank in ``comparison.changes`` (cosmetic ones come last), so change
    ``N`` has the same number, and the same anchor ``#change-N``, whether cosmetic changes are shown or not.
    """
    numbered = [
        (number, change) for number, change in enumerate(comparison.changes, 1)
        if show_cosmetic or change.substantive
    ]
    rows = [
        {
            "number": number, "kind": change.kind, "label": label(change), "significance": change.significance,
            "description": describe(change), "note": quote_note(change), "context": change.context,
            "has_old": change.old_span is not None, "has_new": change.new_span is not None,
        }
        for number, change in numbered
    ]
    summary = comparison.summary
    return {
        "verdict": comparison.verdict,
        "summary": summary,
        "similarity": comparison.similarity,
        "rows": rows,
        "cosmetic_count": summary["by_significance"]["cosmetic"],
        "show_cosmetic": show_cosmetic,
        "side_a": marked_up(comparison.a.text, side_markers(numbered, "a")),
        "side_b": marked_up(comparison.b.text, side_markers(numbered, "b")),
        "inline": marked_up(comparison.b.text, inline_markers(numbered)),
    }


@dataclass(frozen=True, slots=True)
class Bar:
    """One version drawn on the timeline: a bar as tall as its change is large, coloured by significance."""

    version: int
    x: float
    y: float
    height: float
    significance: str
    title: str
    href: str


@dataclass(frozen=True, slots=True)
class Timeline:
    """The geometry of an article's timeline chart (drawn by the ``timeline`` template macro)."""

    width: int
    height: int
    baseline: float
    bar_width: float
    bars: list[Bar]
    first_label: str
    last_label: str


TIMELINE_WIDTH, TIMELINE_HEIGHT, MARGIN, BAR_WIDTH = 720, 160, 24, 14


def _x_positions(times: list[datetime]) -> list[float]:
    """Bar centres by fetch time, or evenly spaced when two bars would touch."""
    left, right = MARGIN + BAR_WIDTH / 2, TIMELINE_WIDTH - MARGIN - BAR_WIDTH / 2
    if len(times) == 1:
        return [(left + right) / 2]
    even = [left + (right - left) * i / (len(times) - 1) for i in range(len(times))]
    span = (times[-1] - times[0]).total_seconds()
    if span <= 0:
        return even
    by_time = [left + (right - left) * (t - times[0]).total_seconds() / span for t in times]
    if min(b - a for a, b in zip(by_time, by_time[1:])) < BAR_WIDTH + 2:
        return even
    return by_time


def timeline_chart(points: list[TimelinePoint], article_id: int) -> Timeline:
    """The timeline of ``points``: bar height grows with the logarithm of the characters changed."""
    baseline = TIMELINE_HEIGHT - 28
    tallest = baseline - 12
    largest = max((p.changed_chars or 0 for p in points), default=0)
    bars = []
    for point, x in zip(points, _x_positions([p.fetched_at for p in points])):
        when = point.fetched_at.strftime("%Y-%m-%d %H:%M UTC")
        if point.changed_chars is None:
            height, significance = 6.0, "first"
            title = f"version {point.version}, first seen {when}"
            href = f"/articles/{article_id}/versions/{point.version}"
        else:
            share = math.log1p(point.changed_chars) / math.log1p(largest) if largest else 0.0
            height = max(6.0, tallest * share)
            significance = point.max_significance or "cosmetic"
            title = f"version {point.version}, {when}: {point.verdict}; {point.changed_chars:,} characters changed"
            href = f"/articles/{article_id}/compare?from={point.version - 1}&to={point.version}"
        bars.append(Bar(point.version, x - BAR_WIDTH / 2, baseline - height, height, significance, title, href))
    return Timeline(
        width=TIMELINE_WIDTH, height=TIMELINE_HEIGHT, baseline=baseline, bar_width=BAR_WIDTH, bars=bars,
        first_label=points[0].fetched_at.strftime("%Y-%m-%d") if points else "",
        last_label=points[-1].fetched_at.strftime("%Y-%m-%d") if points else "",
    )


def article_from_upload(name: str, data: bytes, max_bytes: int) -> Article:
    """An uploaded or pasted text as an :class:`Article`: HTML (by file extension or by its first bytes)
    through the HTML extractor, anything else as plain text. Raises :class:`InputError` naming ``name``."""
    if not data.strip():
        raise InputError(name, "empty: paste a text or choose a file")
    if name.lower().endswith((".html", ".htm", ".xhtml")) or sniff(data[:4096]) == HTML:
        article = article_from_html(data, source=name, max_bytes=max_bytes, id=name)
        if not article.body:
            raise InputError(name, NO_ARTICLE_TEXT)
        return article
    text, _warning = decode_text(data, name)
    return Article.from_text(text.replace("\r\n", "\n"), id=name)


def article_links(article: Article) -> list[dict[str, Any]]:
    """An article's links with the ``href`` only when it is safe to follow (see :func:`safe_href`)."""
    return [{"text": link.text, "href": link.href, "safe_href": safe_href(link.href)} for link in article.links]


__all__ = [
    "Bar", "Timeline", "article_from_upload", "article_links", "comparison_view", "safe_href",
    "timeline_chart",
]
