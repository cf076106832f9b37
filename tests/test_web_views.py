"""What the comparison page draws, without a server: markers sorted once mark up any range as
``marked_up`` does, the rows' HTML (drawn in Python) links every move both ways and escapes every text,
and ``article_heads`` reads what the page's column heads show."""

from __future__ import annotations

import re
from datetime import timedelta

from helpers import SEED_A, SEED_B, T0
from variorum import Article
from variorum.compare import compare
from variorum.render.html import MarkedText, Marker, inline_markers, marked_up, side_markers
from variorum.store.queries import article_heads
from variorum.track.record import record_fetch
from variorum.web.views import Fold, comparison_view, rows_html

# Paragraph 2 of A moves to the end of B, paragraph 3 is reworded, and runs of unchanged paragraphs fold.
MOVED_A = "\n\n".join(["Headline <b>bold</b>", "Moved paragraph here.", "Officials said 12 died.",
                       *(f"Unchanged paragraph {n} & more." for n in range(8))])
MOVED_B = "\n\n".join(["Headline <b>bold</b>", "Officials said 14 died.",
                       *(f"Unchanged paragraph {n} & more." for n in range(8)), "Moved paragraph here."])


def test_marked_text_marks_up_any_range_as_marked_up_does():
    comparison = compare(Article.from_text(SEED_A.read_text(encoding="utf-8")),
                         Article.from_text(SEED_B.read_text(encoding="utf-8")))
    numbered = list(enumerate(comparison.changes, 1))
    for text, markers in ((comparison.a.text, side_markers(numbered, "a", containers=False)),
                          (comparison.b.text, side_markers(numbered, "b")),
                          (comparison.b.text, inline_markers(numbered))):
        assert markers
        marked = MarkedText(text, markers)
        edges = sorted({0, len(text), *(m.start for m in markers), *(m.end for m in markers),
                        *range(0, len(text), 97)})
        for start in edges:
            for end in edges:
                if start <= end:
                    assert marked.range(start, end) == marked_up(text, markers, start, end), (start, end)
    point = [Marker(3, 3, '<a class="point">', "</a>"), Marker(0, 1, "<i>", "</i>")]  # a point at the very end
    assert MarkedText("a<c", point).range(0, 3) == marked_up("a<c", point) == '<i>a</i>&lt;c<a class="point"></a>'


def test_rows_link_each_move_both_ways_fold_unchanged_runs_and_escape_text():
    view = comparison_view(compare(Article.from_text(MOVED_A), Article.from_text(MOVED_B)), False)
    side, inline = rows_html(view["lines"]), rows_html(view["lines"], inline=True)
    for html in (side, inline):
        ids = set(re.findall(r'id="([^"]+)"', html))
        links = re.findall(r'class="move-link" href="#([^"]+)"', html)
        assert len(links) == 2 and set(links) <= ids  # where it was → where it is, and back
        assert "<b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html
        assert "Unchanged paragraph 3 &amp; more." in html
    folds = [line for line in view["lines"] if isinstance(line, Fold)]
    assert len(folds) == 1 and side.count('<details class="fold">') == inline.count('<details class="fold">') == 1
    assert f"Show {len(folds[0].rows)} unchanged paragraphs</summary>" in side
    assert side.count('<div class="row moved_to') == side.count('<div class="row moved_from') == 1
    assert '<span class="gutter" aria-hidden="true">↷</span><span class="sr-only">moved paragraph: </span>' in side
    assert re.search(r'<del [^>]*title="#\d+ number"><span class="sr-only">deleted: </span>12</del>', side)
    assert re.search(r'<ins id="i-c\d+" [^>]*><span class="sr-only">inserted: </span>14</ins>', inline)


def test_article_heads_are_the_versions_numbers_times_and_headlines(store):
    url = "https://news.example.org/storm"
    for hour, headline in enumerate(["Storm Nears", "Storm Hits"]):
        record_fetch(store, url, Article.from_text(f"{headline}\n\nThe storm {hour}."), b"",
                     T0 + timedelta(hours=hour))
    store.discover([("https://news.example.org/later", None)], at=T0)
    article_id = store.article(url).id
    heads = article_heads(store, article_id)
    assert heads is not None and (heads.id, heads.url) == (article_id, url)
    assert [(h.version, h.fetched_at, h.title) for h in heads.versions] == [
        (1, T0, "Storm Nears"), (2, T0 + timedelta(hours=1), "Storm Hits")]
    never_fetched = store.article("https://news.example.org/later")
    assert article_heads(store, never_fetched.id).versions == []
    assert article_heads(store, 10_000) is None
