"""An article body cut into chunks with ads between them is read whole (variorum.extract.chunks)."""

from __future__ import annotations

import lxml.html

from variorum.extract import article_from_html
from variorum.extract.chunks import join_body_chunks

SENTENCES = [
    f"Paragraph {n} of the story says something new about the council budget and the library that closed this week."
    for n in range(1, 9)
]


def _chunk(paragraphs: list[str], with_headline: str = "") -> str:
    heading = f"<h1>{with_headline}</h1>" if with_headline else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f'<div class="grid grid-items-2"><div class="grid-item body body__container article__body">{heading}{body}'
            f'</div><div class="grid-item aside"><div class="ad">Advertisement</div></div></div>')


def _page(*chunks: str) -> str:
    ad_row = '<div class="row full-bleed-ad"><div class="ad">Advertisement</div></div>'
    return (f"<html><head><title>Council budget</title></head><body><article><header><h1>Council budget</h1></header>"
            f'<div class="article__chunks">{ad_row.join(chunks)}</div></article></body></html>')


def test_every_chunk_of_a_body_is_read_in_order() -> None:
    article = article_from_html(_page(_chunk(SENTENCES[:3]), _chunk(SENTENCES[3:6]), _chunk(SENTENCES[6:])))
    paragraphs = [article.block_text(b) for b in article.blocks if b.kind == "paragraph"]
    assert paragraphs == SENTENCES
    assert "Advertisement" not in article.text


def test_the_chunks_children_move_into_the_first_and_the_rest_of_the_page_stays() -> None:
    tree = lxml.html.document_fromstring(_page(_chunk(SENTENCES[:2]), _chunk(SENTENCES[2:4])))
    join_body_chunks(tree)
    bodies = tree.xpath('//div[contains(@class, "article__body")]')
    assert len(bodies) == 1 and [p.text for p in bodies[0].iter("p")] == SENTENCES[:4]
    assert len(tree.xpath('//div[contains(@class, "aside")]')) == 2  # the asides are left where they were


def test_the_next_article_of_an_endless_page_is_not_joined() -> None:
    page = _page(_chunk(SENTENCES[:3]), _chunk(SENTENCES[3:6], with_headline="Another story entirely"))
    tree = lxml.html.document_fromstring(page)
    join_body_chunks(tree)
    assert len(tree.xpath('//div[contains(@class, "article__body")]')) == 2


def test_chunks_far_apart_or_without_prose_are_not_joined() -> None:
    short = ["Too short to be prose.", "Also short."]
    tree = lxml.html.document_fromstring(_page(_chunk(SENTENCES[:3]), _chunk(short)))
    join_body_chunks(tree)
    assert len(tree.xpath('//div[contains(@class, "article__body")]')) == 2
    far = (f"<html><body><main><section><div><div>{_chunk(SENTENCES[:3])}</div></div></section>"
           f"<aside><div><div><div>{_chunk(SENTENCES[3:6])}</div></div></div></aside></main></body></html>")
    tree = lxml.html.document_fromstring(far)
    join_body_chunks(tree)
    assert len(tree.xpath('//div[contains(@class, "article__body")]')) == 2
