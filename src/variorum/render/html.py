"""The HTML report: one self-contained page (no external assets) with side-by-side and inline views.

Every piece of article text is escaped: the texts compared may contain markup or script, and the report
shows it as text. Each change has an anchor (``#c3``) so a link can point at it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from html import escape
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from variorum.compare.model import Change, Comparison
from variorum.render.common import describe, label, quote_note, visible_changes

_ENVIRONMENT = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_CONTAINERS = {"paragraph_moved", "layout", "paragraph_split", "paragraph_merged"}


@dataclass(frozen=True, slots=True)
class Marker:
    start: int
    end: int
    html_open: str
    html_close: str
    before: str = ""


def _in_order(markers: list[Marker]) -> list[Marker]:
    return sorted(markers, key=lambda m: (m.start, m.end))


def marked_up(text: str, markers: list[Marker], start: int = 0, end: int | None = None) -> Markup:
    """``text[start:end]`` escaped, with the markers inside that range wrapped around their spans;
    overlapping markers keep the first."""
    return _marked_up(text, _in_order(markers), start, len(text) if end is None else end)


class MarkedText:
    """A text and its markers, sorted once, to mark up many ranges of it (the blocks of a row view) as
    :func:`marked_up` does, each range reading only the markers that start inside it. A range without
    markers is escaped once per ``plain`` (a dict several texts may share: an unchanged paragraph is in both
    versions and in the inline view)."""

    def __init__(self, text: str, markers: list[Marker], plain: dict[str, Markup] | None = None) -> None:
        self.text = text
        self.markers = _in_order(markers)
        self.starts = [marker.start for marker in self.markers]
        self.plain = {} if plain is None else plain

    def range(self, start: int, end: int) -> Markup:
        """``marked_up(text, markers, start, end)``."""
        first, last = bisect_left(self.starts, start), bisect_right(self.starts, end)
        if first < last:
            return _marked_up(self.text, self.markers[first:last], start, end)
        piece = self.text[start:end]
        found = self.plain.get(piece)
        if found is None:
            found = self.plain[piece] = Markup(escape(piece))
        return found


def _marked_up(text: str, markers: list[Marker], start: int, end: int) -> Markup:
    """:func:`marked_up` of markers already in order (a marker starting outside the range is skipped)."""
    pieces: list[str] = []
    position = start
    for marker in markers:
        if marker.start < position or marker.end > end or (marker.start == end and marker.end == end and end < len(text)):
            continue
        pieces.append(escape(text[position:marker.start]))
        pieces.append(marker.before)
        pieces.append(marker.html_open + escape(text[marker.start:marker.end]) + marker.html_close)
        position = marker.end
    pieces.append(escape(text[position:end]))
    return Markup("".join(pieces))


_SPOKEN = {"del": "deleted: ", "ins": "inserted: "}


def _spoken(tag: str) -> str:
    """A label that screen readers say before a deletion or insertion (colour and strike are not heard)."""
    return f'<span class="sr-only">{_SPOKEN[tag]}</span>'


def side_markers(
    changes: list[tuple[int, Change]], side: str, *, containers: bool = True, anchor: str | None = None,
) -> list[Marker]:
    """Markers for one side (``"a"``: deletions, ``"b"``: insertions) of the side-by-side view of numbered
    changes; each links to its entry in the change list. ``containers=False`` leaves out the changes a
    row view draws as rows (moves, splits, merges, layout); ``anchor`` replaces the prefix of each
    marker's id (``a-c`` on side A, ``c`` on side B), for a second view of the same page."""
    markers: list[Marker] = []
    tag = "del" if side == "a" else "ins"
    ordered = [item for item in changes if item[1].kind not in _CONTAINERS] + [
        item for item in changes if containers and item[1].kind in _CONTAINERS
    ]
    taken: list[tuple[int, int]] = []
    for number, change in ordered:
        span = change.old_span if side == "a" else change.new_span
        if span is None:
            continue
        if any(span[0] < end and start < span[1] for start, end in taken):
            continue
        taken.append(span)
        prefix = anchor if anchor is not None else "a-c" if side == "a" else "c"
        element_id = f'id="{prefix}{number}" '
        css = f"change {change.significance} kind-{change.kind}"
        title = escape(f"#{number} {label(change)}", quote=True)
        if span[0] == span[1]:
            markers.append(Marker(span[0], span[1], f'<a {element_id}class="{css} point" href="#list-c{number}" title="{title}">', "</a>"))
        else:
            markers.append(Marker(span[0], span[1], f'<{tag} {element_id}class="{css}" title="{title}">{_spoken(tag)}', f"</{tag}>"))
    return markers


def inline_markers(changes: list[tuple[int, Change]], *, removed_paragraphs: bool = True) -> list[Marker]:
    """Markers for the inline view of numbered changes: what was deleted and inserted, on version B's text
    (``removed_paragraphs=False`` leaves out paragraphs removed whole, which a row view draws as rows)."""
    markers = []
    for number, change in changes:
        if change.kind in _CONTAINERS or change.new_span is None:
            continue
        if change.kind == "paragraph_removed" and not removed_paragraphs:
            continue
        css = f"change {change.significance} kind-{change.kind}"
        # old and new words kept apart by a space, so that "Five" → "Six" never reads "FiveSix"
        removed = f'<del class="{css}">{_spoken("del")}{escape(change.old)}</del> ' if change.old else ""
        start, end = change.new_span
        markers.append(Marker(start, end, f'<ins id="i-c{number}" class="{css}">{_spoken("ins")}', "</ins>",
                               before=f'<span id="inline-c{number}"></span>{removed}'))
    return markers


def render_html(comparison: Comparison, show_all: bool = False) -> str:
    """The comparison as one self-contained HTML page."""
    shown = list(enumerate(visible_changes(comparison, show_all), 1))
    rows = [
        {
            "number": number,
            "significance": change.significance,
            "label": label(change),
            "description": describe(change),
            "note": quote_note(change),
            "context": change.context,
            "substantive": change.substantive,
        }
        for number, change in shown
    ]
    template = _ENVIRONMENT.get_template("comparison.html")
    return template.render(
        title_a=comparison.a.id or "A",
        title_b=comparison.b.id or "B",
        verdict=comparison.verdict,
        summary=comparison.summary,
        rows=rows,
        side_a=marked_up(comparison.a.text, side_markers(shown, "a")),
        side_b=marked_up(comparison.b.text, side_markers(shown, "b")),
        inline=marked_up(comparison.b.text, inline_markers(shown)),
        show_all=show_all,
    )
