"""An article body cut into chunks with ad rails between them is read whole; the next story of an endless
page is not (``variorum.extract.html``)."""

from __future__ import annotations

from variorum.extract import article_from_html

SENTENCES = [
    f"Paragraph {n} of the story says something new about the council budget and the library that closed this week."
    for n in range(1, 9)
]


def _chunk(paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f'<div class="grid grid-items-2"><div class="grid-item body body__container article__body">{body}'
            f'</div><div class="grid-item aside"><div class="ad">Advertisement</div></div></div>')


def _page(*chunks: str, after: str = "") -> str:
    ad_row = '<div class="row full-bleed-ad"><div class="ad">Advertisement</div></div>'
    return (f"<html><head><title>Council budget</title></head><body><article><header><h1>Council budget</h1></header>"
            f'<div class="article__chunks">{ad_row.join(chunks)}</div></article>{after}</body></html>')


def _paragraphs(html: str) -> list[str]:
    article = article_from_html(html)
    return [article.block_text(b) for b in article.blocks if b.kind == "paragraph"]


def test_every_chunk_of_a_body_is_read_in_order() -> None:
    assert _paragraphs(_page(_chunk(SENTENCES[:3]), _chunk(SENTENCES[3:6]), _chunk(SENTENCES[6:]))) == SENTENCES


def test_the_next_story_of_an_endless_page_is_not_joined() -> None:
    other = ["The next story is about a bridge that the county will repair over the summer months, officials said.",
             "Work on the bridge begins in June and should take about twelve weeks, the county engineer said."]
    endless = _page(_chunk(SENTENCES[:3]), _chunk(SENTENCES[3:6]),
                    after=f"<article><header><h1>Bridge repairs</h1></header>{_chunk(other)}</article>")
    assert _paragraphs(endless) == SENTENCES[:6]
