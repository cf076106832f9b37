"""What the pages show, computed from store values: the comparison view (built from the HTML report's
markers in :mod:`variorum.render.html`), the SVG timeline of an article's versions, articles from
uploaded or pasted texts, and which links are safe to make clickable."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup

from variorum.article import Article
from variorum.compare.model import Comparison
from variorum.errors import InputError
from variorum.extract.formats import sniff
from variorum.extract.html import article_from_html
from variorum.extract.records import HTML, NO_ARTICLE_TEXT
from variorum.render.common import describe, label, quote_note
from variorum.render.html import MarkedText, inline_markers, side_markers
from variorum.render.rows import aligned_rows
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


_DRAWN_AS_ROWS = ("paragraph_moved", "paragraph_split", "paragraph_merged", "layout")
FOLD_CONTEXT = 1
"""Unchanged paragraphs kept in view on each side of a change; longer unchanged runs fold away."""
VIEWS = ("side", "inline")


def _gutter(sign: str, spoken: str) -> str:
    """A change's sign in the row's gutter (hidden from screen readers, which hear ``spoken`` instead)."""
    return f'<span class="gutter" aria-hidden="true">{sign}</span><span class="sr-only">{spoken}</span>'


_REMOVED, _ADDED = _gutter("−", "removed paragraph: "), _gutter("+", "added paragraph: ")


@dataclass(frozen=True, slots=True)
class ViewRow:
    """One aligned row as the page draws it: the marked-up blocks of each side and of the inline view,
    the paragraph numbers (from 1) of each side, and the numbers of the changes drawn as the row itself
    (moves, splits, merges: their anchors are the row's)."""

    status: str
    a: list[Markup]
    b: list[Markup]
    inline: list[Markup]
    a_numbers: tuple[int, ...]
    b_numbers: tuple[int, ...]
    anchors: tuple[int, ...]
    move: int | None
    cosmetic: bool

    def side_html(self) -> str:
        """The row's HTML in the side-by-side view, A's cell beside B's (its texts already escaped)."""
        if self.status == "moved_from":
            cell_a = _anchors(self.anchors, "a-c") + self._moved_from("#c")
        elif self.status == "moved_to":
            cell_a = self._moved_to("#a-c")
        elif self.a:
            cell_a = _anchors(self.anchors, "a-c") + (_REMOVED if self.status == "removed" else "") + _paragraphs(self.a)
        else:
            cell_a = ""
        if self.status == "moved_to":
            cell_b = _anchors(self.anchors, "c") + _gutter("↷", "moved paragraph: ") + _paragraphs(self.b)
        elif self.b:
            cell_b = _anchors(self.anchors, "c") + (_ADDED if self.status == "added" else "") + _paragraphs(self.b)
        else:
            cell_b = ""
        return (f'<div class="row {self.status}{" cosmetic" if self.cosmetic else ""}" role="row">\n'
                f'<div class="cell a" role="cell">{cell_a}</div>\n<div class="cell b" role="cell">{cell_b}</div>\n</div>\n')

    def inline_html(self) -> str:
        """The row's HTML in the inline view, B's text with what changed since A (its texts already escaped)."""
        if self.status == "moved_from":
            body = _anchors(self.anchors, "i-a-c") + self._moved_from("#i-c")
        else:
            if self.status == "moved_to":
                sign = self._moved_to("#i-a-c") + _gutter("↷", "moved paragraph: ")
            else:
                sign = {"removed": _REMOVED, "added": _ADDED}.get(self.status, "")
            body = _anchors(self.anchors, "i-c") + sign + _paragraphs(self.inline)
        return f'<div class="irow {self.status}{" cosmetic" if self.cosmetic else ""}">\n{body}\n</div>\n'

    def _moved_from(self, link: str) -> str:
        """The note where a moved paragraph was, linking to where it is now (``link``: that anchor's prefix)."""
        down = self.b_numbers[0] > self.a_numbers[0]
        return (f'<p class="move-note">{_gutter("↷", "")}A paragraph moved {"down" if down else "up"} from here: '
                f'<a class="move-link" href="{link}{self.anchors[0] if self.anchors else ""}">see where it is now '
                f'{"↓" if down else "↑"}</a></p>')

    def _moved_to(self, link: str) -> str:
        """The note where a moved paragraph is now, linking to where it was (``link``: that anchor's prefix)."""
        below = self.a_numbers[0] > self.b_numbers[0]
        return (f'<p class="move-note">Moved here from {"further down" if below else "further up"}: '
                f'<a class="move-link" href="{link}{self.anchors[0] if self.anchors else ""}">see where it was '
                f'{"↓" if below else "↑"}</a></p>')


def _anchors(numbers: tuple[int, ...], prefix: str) -> str:
    return "".join(f'<span class="anchor" id="{prefix}{number}"></span>' for number in numbers)


def _paragraphs(blocks: list[Markup]) -> str:
    """Marked-up blocks (escaped by :func:`~variorum.render.html.marked_up`) as paragraphs."""
    return "".join(f"<p>{block}</p>" for block in blocks)


@dataclass(frozen=True, slots=True)
class Fold:
    """A run of unchanged rows, folded away behind "show N unchanged paragraphs"."""

    rows: list[ViewRow]


def _folded(rows: list[ViewRow]) -> list[ViewRow | Fold]:
    """``rows`` with each long run of unchanged rows folded, keeping ``FOLD_CONTEXT`` rows next to each
    change (a run at the start or the end of the text keeps them on its inner side only)."""
    shown: list[ViewRow | Fold] = []
    run: list[ViewRow] = []

    def flush(at_end: bool) -> None:
        keep_before = 0 if not shown else FOLD_CONTEXT
        keep_after = 0 if at_end else FOLD_CONTEXT
        if len(run) > keep_before + keep_after + 1:
            shown.extend(run[:keep_before])
            shown.append(Fold(run[keep_before:len(run) - keep_after]))
            shown.extend(run[len(run) - keep_after:])
        else:
            shown.extend(run)
        run.clear()

    for row in rows:
        if row.status == "same":
            run.append(row)
            continue
        flush(at_end=False)
        shown.append(row)
    flush(at_end=True)
    return shown


def rows_html(lines: list[ViewRow | Fold], inline: bool = False) -> Markup:
    """The rows of the side-by-side view (or the ``inline`` one), each fold a ``<details>`` of its rows
    (the ``rows_html`` template filter)."""
    def drawn(row: ViewRow) -> str:
        return row.inline_html() if inline else row.side_html()

    parts = []
    for line in lines:
        if isinstance(line, Fold):
            count = len(line.rows)
            parts.append(f'<details class="fold">\n<summary>Show {count} unchanged paragraph{"" if count == 1 else "s"}'
                         f'</summary>\n{"".join(drawn(row) for row in line.rows)}</details>\n')
        else:
            parts.append(drawn(line))
    return Markup("".join(parts))


def comparison_view(comparison: Comparison, show_cosmetic: bool, view: str | None = None) -> dict[str, Any]:
    """The change list, and the two versions as aligned rows of marked-up blocks (:mod:`variorum.render.rows`)
    for the side-by-side and inline views.

    Changes are numbered by their rank in ``comparison.changes`` (cosmetic ones come last), so change
    ``N`` has the same number, and the same anchor ``#change-N``, whether cosmetic changes are shown or not.
    ``view`` is the view asked for (``side`` or ``inline``), or ``None``: both, the page's width choosing.
    """
    numbered = [
        (number, change) for number, change in enumerate(comparison.changes, 1)
        if show_cosmetic or change.substantive
    ]
    rows = [
        {
            "number": number, "kind": change.kind, "label": label(change), "significance": change.significance,
            "description": describe(change), "note": quote_note(change), "context": change.context,
            "has_old": change.old_span is not None and change.kind != "paragraph_added",
            "has_new": change.new_span is not None and change.kind != "paragraph_removed",
        }
        for number, change in numbered
    ]
    a, b = comparison.a, comparison.b
    plain: dict[str, Markup] = {}  # unmarked paragraphs escaped once, for both sides and the inline view
    marks_a = MarkedText(a.text, side_markers(numbered, "a", containers=False), plain)
    marks_b = MarkedText(b.text, side_markers(numbered, "b", containers=False), plain)
    marks_inline = MarkedText(b.text, inline_markers(numbered, removed_paragraphs=False), plain)
    marks_removed_inline = MarkedText(a.text, side_markers(numbered, "a", containers=False, anchor="i-c"), plain)

    def blocks(article: Article, indexes: tuple[int, ...], marked: MarkedText) -> list[Markup]:
        return [marked.range(article.blocks[i].start, article.blocks[i].end) for i in indexes]

    shown_numbers = {number for number, _ in numbered}
    moving = ("moved_from", "moved_to")
    view_rows = []
    for row in aligned_rows(comparison):
        if row.status == "removed":
            inline = blocks(a, row.a, marks_removed_inline)
        elif row.status == "moved_from":
            inline = []
        else:
            inline = blocks(b, row.b, marks_inline)
        own = tuple(
            index + 1 for index in row.changes
            if index + 1 in shown_numbers and comparison.changes[index].kind in _DRAWN_AS_ROWS
        )
        view_rows.append(ViewRow(
            status=row.status, a=[] if row.status in moving else blocks(a, row.a, marks_a),
            b=[] if row.status == "moved_from" else blocks(b, row.b, marks_b), inline=inline,
            a_numbers=tuple(i + 1 for i in row.a), b_numbers=tuple(j + 1 for j in row.b), anchors=own,
            move=row.move, cosmetic=row.cosmetic,
        ))
    summary = comparison.summary
    return {
        "verdict": comparison.verdict,
        "summary": summary,
        "similarity": comparison.similarity,
        "rows": rows,
        "cosmetic_count": summary["by_significance"]["cosmetic"],
        "show_cosmetic": show_cosmetic,
        "view": view if view in VIEWS else None,
        "lines": _folded(view_rows),
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
    if min(b - a for a, b in itertools.pairwise(by_time)) < BAR_WIDTH + 2:
        return even
    return by_time


def timeline_chart(points: list[TimelinePoint], article_id: int) -> Timeline:
    """The timeline of ``points``: bar height in proportion to the characters changed (a linear scale, so
    that a one-word edit and a rewrite look as different as they are; a change too small to see still
    gets a few pixels)."""
    baseline = TIMELINE_HEIGHT - 28
    tallest = baseline - 12
    largest = max((p.changed_chars or 0 for p in points), default=0)
    bars = []
    for point, x in zip(points, _x_positions([p.fetched_at for p in points])):
        when = point.fetched_at.strftime("%Y-%m-%d %H:%M UTC")
        if point.changed_chars is None:
            height, significance = 4.0, "first"
            title = f"version {point.version}, first seen {when}"
            href = f"/articles/{article_id}/versions/{point.version}"
        else:
            share = point.changed_chars / largest if largest else 0.0
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
    "VIEWS", "Bar", "Fold", "Timeline", "ViewRow", "article_from_upload", "article_links", "comparison_view", "rows_html",
    "safe_href", "timeline_chart",
]
