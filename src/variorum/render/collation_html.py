"""The HTML report of a collation: one self-contained page (no external assets).

The base text comes first with every variant site marked and linked to its apparatus entry (and back);
then the apparatus, and a witness-by-witness table giving each witness's reading at every site. All
article text is escaped: witnesses may contain markup or script, and the page shows it as text.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from variorum.compare.collate import Collation, VariantSite
from variorum.compare.model import percent
from variorum.render.collation_text import OPEN, POINT, history_lines, reading_text, site_heading, site_marks

_ENVIRONMENT = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_MAX_TABLE_SITES = 80  # beyond this many sites the witness table keeps its counts and drops per-site columns


def _open(site: VariantSite, first: bool) -> str:
    """The element that highlights a site: the first one carries its id, number and link to the apparatus;
    a site reopened after an inner site that crossed its end only carries the highlight."""
    classes = f"site {site.level} {site.significance}"
    if not first:
        return f'<span class="{classes}">'
    return (f'<span id="s{site.number}" class="{classes}" '
            f'title="site {site.number}: {escape(site_heading(site), quote=True)}">'
            f'<a href="#apparatus-s{site.number}"><sup>{site.number}</sup></a>')


def _marked_base(collation: Collation) -> Markup:
    """The escaped base text with every site highlighted; word sites nest inside passage sites, and
    elements stay well nested even if two sites cross."""
    text = collation.base_article.text
    pieces: list[str] = []
    position = 0
    open_sites: list[VariantSite] = []
    for at, what, site in site_marks(collation.sites):
        pieces.append(escape(text[position:at]))
        position = at
        if what == POINT:
            pieces.append(_open(site, True) + "</span>")
        elif what == OPEN:
            pieces.append(_open(site, True))
            open_sites.append(site)
        else:
            inner = open_sites[open_sites.index(site) + 1:]
            pieces.append("</span>" * (len(inner) + 1) + "".join(_open(other, False) for other in inner))
            open_sites.remove(site)
    pieces.append(escape(text[position:]))
    return Markup("".join(pieces))


def render_collation_html(collation: Collation) -> str:
    """The collation as one self-contained HTML page."""
    sites = [
        {
            "number": site.number,
            "significance": site.significance,
            "heading": site_heading(site),
            "readings": [{"label": r.label, "text": reading_text(r, 400), "witnesses": ", ".join(r.witnesses)}
                         for r in (site.base, *site.readings) if r.witnesses],
        }
        for site in collation.sites
    ]
    table_sites = collation.sites if len(collation.sites) <= _MAX_TABLE_SITES else ()
    witnesses = [
        {
            "id": wid,
            "is_base": wid == collation.base,
            "similarity": percent(collation.similarity[wid]),
            "differences": collation.differences(wid),
            "cells": [(site.number, site.reading_of(wid).label) for site in table_sites],
        }
        for wid in collation.ids
    ]
    return _ENVIRONMENT.get_template("collation.html").render(
        title=collation.base_article.title or collation.base,
        verdict=collation.verdict,
        base=collation.base,
        base_text=_marked_base(collation),
        sites=sites,
        table_sites=[site.number for site in table_sites],
        witnesses=witnesses,
        history="\n".join(history_lines(collation)[1:]),
    )
