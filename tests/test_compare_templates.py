"""One article read from two page templates — an archive capture against a print view or a syndicated copy
on another site — is no substantive change (tests/capturegen.py ``TEMPLATE`` pairs, and the rules in
variorum.compare.furniture, variorum.compare.engine and variorum.extract.html they rely on)."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from capturegen import PRINT_VIEW, SYNDICATED, TEMPLATE, CapturePair, capture_pair, credit_line
from helpers import COUNCIL_PARAGRAPHS, diff_capture_pair
from variorum.article import Article
from variorum.compare import compare
from variorum.compare.furniture import (
    ADDRESS,
    CREDIT,
    MEDIA,
    furniture_kind,
    is_address_line,
    is_credit_line,
    is_media_label,
    is_photo_credit,
    same_byline,
)
from variorum.extract.html import article_from_html

URL = "https://www.example-news.com/news/council-budget-vote/"
HEADLINE = "Council approves budget after weeks of debate"
SUBHEAD = "What the budget pays for"


def _page() -> str:
    """A news page: navigation, the headline, a byline and date, a photo with its caption, paragraphs with a
    link and emphasis, a subhead, a share bar and a related box inside the article, a footer."""
    body = []
    for number, text in enumerate(COUNCIL_PARAGRAPHS):
        if number == 2:
            body.append(f"<h2>{SUBHEAD}</h2>")
            text = text.replace("main library", '<a href="/news/library-hours/">main library</a>')
        if number == 4:
            text = text.replace("more money", "<em>more money</em>")
        body.append(f"<p>{text}</p>")
        if number == 1:
            body.append("<div class='share-bar'><a href='/share'>Share on Facebook</a></div>")
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>" + HEADLINE + " | Example News</title>"
        f"<meta property='og:title' content='{HEADLINE}'><meta name='author' content='Ann Lee'></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news/'>News</a> <a href='/sports/'>Sports</a></nav>"
        f"<main><article><h1>{HEADLINE}</h1><p class='byline'>By Ann Lee</p>"
        "<time datetime='2016-12-20T10:00:00Z'>Dec. 20, 2016</time>"
        "<figure><img src='/img/council.jpg' alt='Council chamber'><figcaption>Council members vote on the "
        "budget at City Hall on Tuesday.</figcaption></figure>"
        + "".join(body)
        + "<div class='related'><h3>Related</h3><ul><li><a href='/news/a/'>Storm knocks out power</a></li>"
        "<li><a href='/news/b/'>Officials name new transit chief</a></li></ul></div></article></main>"
        "<footer>© Example News. All rights reserved.</footer></body></html>"
    )


def _pairs(which: str, count: int) -> list[CapturePair]:
    """The first ``count`` template pairs of the page that re-render it as ``which``."""
    found: list[CapturePair] = []
    for seed in range(200):
        pair = capture_pair(_page(), URL, "council", TEMPLATE, seed=seed)
        assert pair is not None
        if pair.edit == which:
            found.append(pair)
        if len(found) == count:
            return found
    raise AssertionError(f"no {which} among the template pairs")


def _text(html: str) -> str:
    return " ".join(lxml.html.fromstring(html).text_content().split())


@pytest.mark.parametrize("which", [PRINT_VIEW, SYNDICATED])
def test_a_template_copy_keeps_every_word_of_the_article_and_changes_the_page_around_it(which: str) -> None:
    for pair in _pairs(which, 4):
        text = _text(pair.new_html)
        assert all(paragraph in text for paragraph in COUNCIL_PARAGRAPHS)
        assert HEADLINE in text and SUBHEAD in text and "By Ann Lee" in text and "Council members vote" in text
        assert "Share on Facebook" not in text and "Storm knocks out power" not in text  # in-article furniture
        page = lxml.html.fromstring(pair.new_html)
        assert not page.xpath("//a[contains(@href, 'example-news.com/sports')]")  # the page's own navigation
        assert page.xpath("//a[contains(@href, 'library-hours') and text()='main library']")  # inline markup kept
        assert page.xpath("//em[text()='more money']")
        if which == SYNDICATED:
            assert "Most read" in text and "example-news.com" not in page.findtext(".//title")


@pytest.mark.parametrize("which", [PRINT_VIEW, SYNDICATED])
def test_the_same_article_in_another_template_is_no_substantive_change(which: str, tmp_path: Path) -> None:
    for pair in _pairs(which, 6):
        result = diff_capture_pair(pair, tmp_path)
        assert not result.changed, [(c.kind, c.old, c.new) for c in result.substantive_changes]


def test_an_edit_is_still_found_across_templates(tmp_path: Path) -> None:
    pair = _pairs(PRINT_VIEW, 1)[0]
    edited = pair.new_html.replace("12 police officers", "15 police officers")
    result = diff_capture_pair(CapturePair(pair.page_id, pair.kind, pair.old_html, edited, pair.furniture), tmp_path)
    assert [(c.kind, c.old, c.new) for c in result.substantive_changes] == [("number", "12", "15")]


@pytest.mark.parametrize("text", [
    "Printed from nytimes.com", "Printed from nytimes.com: https://www.nytimes.com/2019/11/19/opinion/a.html",
    "cbsnews.com", "https://www.example.com/story/1", "Source: reuters.com",
])
def test_address_lines(text: str) -> None:
    assert is_address_line(text)


@pytest.mark.parametrize("text", [
    "The full report is at example.gov.", "Visitors to the museum's website, moma.org, rose by 40 percent.",
    "Mr. Smith said no.", "Printed 3,000 copies",
])
def test_sentences_naming_a_site_are_no_address_lines(text: str) -> None:
    assert not is_address_line(text)


@pytest.mark.parametrize("text", [
    "This story originally appeared on vox.com.", "This article was originally published by The Conversation.",
    "Republished with permission from sportsnet.ca.", "Originally published at cbssports.com.",
    "The story first appeared in The Atlantic.",
])
def test_credit_lines(text: str) -> None:
    assert is_credit_line(text)


@pytest.mark.parametrize("text", [
    "The story was first told by her grandmother, who lived in the village until 1944.",
    "Originally, the council planned to vote in March.",
    "This story changed everything for the town, residents said.",
    "The story appeared on the front page of the Times on Sunday.",
    "Distributed by Wire Example. All rights reserved.",  # a wire's distribution notice stays a change
])
def test_sentences_about_stories_are_no_credit_lines(text: str) -> None:
    assert not is_credit_line(text)


def test_every_credit_line_the_generator_writes_is_furniture() -> None:
    import random

    rng = random.Random(0)
    for _ in range(40):
        line = credit_line("example-news.com", rng)
        article = Article.from_parts([("paragraph", line)])
        assert furniture_kind(article, article.blocks[0]) in (CREDIT, "label"), line


@pytest.mark.parametrize(("text", "credit"), [
    ("Photo: Damian Dovarganes, AP", True), ("Al Goldis, Associated Press", True), ("© Aaron Schwartz", True),
    ("Natalie Naccache | Bloomberg | Getty Images", True),
    ("The agency said it would publish its report on Friday, Reuters reported.", False),
    ("Photographs of the flood were shared thousands of times on Tuesday.", False),
])
def test_photo_credits(text: str, credit: bool) -> None:
    assert is_photo_credit(text) is credit


@pytest.mark.parametrize(("text", "label"), [
    ("Back to Gallery", True), ("Image 3 of 5", True), ("1 of 6", True), ("1 - 5 of 36", True), ("of 6", True),
    ("This slideshow requires JavaScript.", True), ("Media playback is unsupported on your device", True),
    ("The new law requires JavaScript courses in every school, the minister said.", False),
    ("Back to the drawing board, the mayor said on Tuesday.", False), ("One of six victims was a child.", False),
])
def test_gallery_navigation_is_a_media_label(text: str, label: bool) -> None:
    assert is_media_label(text) is label


def test_a_print_line_and_a_credit_in_one_version_only_are_cosmetic() -> None:
    old = Article.from_parts([("headline", HEADLINE), ("paragraph", COUNCIL_PARAGRAPHS[0]), ("paragraph", COUNCIL_PARAGRAPHS[1])])
    new = Article.from_parts([("headline", HEADLINE), ("paragraph", "This story originally appeared on "
                                                                    "example-news.com."),
                              ("paragraph", COUNCIL_PARAGRAPHS[0]), ("paragraph", COUNCIL_PARAGRAPHS[1]),
                              ("paragraph", "Printed from example-news.com")])
    result = compare(old, new)
    assert not result.changed
    assert sorted(str(c.detail.get("furniture")) for c in result.changes) == [ADDRESS, CREDIT]


@pytest.mark.parametrize(("line", "url", "cosmetic"), [
    ("https://www.example-news.com/news/council-budget-vote/", URL, True),  # the print view's own address
    ("www.example-news.com", None, True),  # a site's address
    ("http://amzn.to/2hXWcSP", URL, False),  # a link the article gives: part of what it says
    ("https://www.other.org/reports/2016/budget.pdf", None, False),  # no address of its own to tell them apart
])
def test_a_link_line_is_furniture_only_when_it_names_the_article_or_a_site(line: str, url: str | None,
                                                                         cosmetic: bool) -> None:
    old = Article.from_parts([("headline", HEADLINE), ("paragraph", COUNCIL_PARAGRAPHS[0])], url=url)
    new = Article.from_parts([("headline", HEADLINE), ("paragraph", COUNCIL_PARAGRAPHS[0]), ("paragraph", line)],
                             url=url)
    assert compare(old, new).changed is not cosmetic


@pytest.mark.parametrize(("old", "new"), [
    ("Natasha Turak@NatashaTurak", "Natasha Turak"), ("VICTOR TANGERMANN, FUTURISM", "By Victor Tangermann, Futurism"),
    ("By Meg JamesStaff Writer", "By Meg James"), ("by Laura Winter19", "By Laura Winter"),
    ("Tom Davies Associated Press", "Tom Davies Associated Press Published 11:34 PM EST"),
    ("By Megan Rowe meganr@spokesman.com", "By Megan Rowe"), ("By Bill Hoppe Special to the Pioneer Press",
                                                              "By Bill Hoppe | Special to the Pioneer Press"),
])
def test_bylines_naming_the_same_people(old: str, new: str) -> None:
    assert same_byline(old, new) and same_byline(new, old)


@pytest.mark.parametrize(("old", "new"), [
    ("By Ann Lee", "By Ann Lee and Bob Smith"), ("By Ann Lee", "By Ann Lee, Bob Smith"),
    ("By Ann Lee", "By Anne Lee"), ("By Ann Lee", "By Bob Smith"), ("By Ann Lee", "By Ann Lee & Bob Smith"),
])
def test_bylines_naming_other_people(old: str, new: str) -> None:
    assert not same_byline(old, new) and not same_byline(new, old)


def test_a_byline_with_the_same_names_is_cosmetic_another_author_is_major() -> None:
    def version(byline: str) -> Article:
        return Article.from_parts([("headline", HEADLINE), ("byline", byline), ("paragraph", COUNCIL_PARAGRAPHS[0])])

    result = compare(version("By Ann Lee"), version("ANN LEE | Staff Writer"))
    assert not result.changed and [(c.kind, c.significance) for c in result.changes] == [("byline", "cosmetic")]
    other = compare(version("By Ann Lee"), version("By Ann Lee and Bob Smith"))
    assert [(c.kind, c.significance) for c in other.substantive_changes] == [("byline", "major")]


def test_a_byline_or_caption_placed_elsewhere_is_a_cosmetic_move_a_paragraph_moved_is_not() -> None:
    old = Article.from_parts([("headline", HEADLINE), ("byline", "By Ann Lee"), ("caption", "The council chamber."),
                              *[("paragraph", p) for p in COUNCIL_PARAGRAPHS]])
    new = Article.from_parts([("headline", HEADLINE), *[("paragraph", p) for p in COUNCIL_PARAGRAPHS[:3]],
                              ("caption", "The council chamber."), ("byline", "By Ann Lee"),
                              *[("paragraph", p) for p in COUNCIL_PARAGRAPHS[3:]]])
    result = compare(old, new)
    assert not result.changed, [(c.kind, c.old) for c in result.substantive_changes]
    assert any(c.kind == "paragraph_moved" for c in result.changes)
    swapped = [*COUNCIL_PARAGRAPHS[:2], COUNCIL_PARAGRAPHS[3], COUNCIL_PARAGRAPHS[2], *COUNCIL_PARAGRAPHS[4:]]
    moved = compare(old, Article.from_parts([("headline", HEADLINE), ("byline", "By Ann Lee"),
                                             ("caption", "The council chamber."),
                                             *[("paragraph", p) for p in swapped]]))
    assert [c.kind for c in moved.substantive_changes] == ["paragraph_moved"]


def _print_page(body: str) -> bytes:
    return (f"<html><head><title>{HEADLINE}</title></head><body><div class='printable'><h1>{HEADLINE}</h1>"
            f"{body}</div></body></html>").encode()


def test_a_print_view_keeps_its_subheads() -> None:
    """A bare page with nothing marking the article: trafilatura alone keeps its loose paragraphs only."""
    body = "".join(f"<p>{p}</p>" + (f"<h2>{SUBHEAD}</h2>" if n == 2 else "") for n, p in enumerate(COUNCIL_PARAGRAPHS))
    article = article_from_html(_print_page(body))
    texts = [article.block_text(b) for b in article.blocks]
    assert SUBHEAD in texts and all(p in texts for p in COUNCIL_PARAGRAPHS)
    bare = article_from_html(f"<html><body><h1>{HEADLINE}</h1>{body}</body></html>".encode())
    assert SUBHEAD in [bare.block_text(b) for b in bare.blocks]


def test_paragraphs_wrapped_in_a_span_inside_a_div_keep_every_word() -> None:
    linked = [p.replace("council", "<a href='/c'>council</a>", 1) for p in COUNCIL_PARAGRAPHS]
    body = "".join(f"<div class='body-copy'><span class='s1'>{p}</span></div>" for p in linked)
    page = (f"<html><body><main><div class='story-body'><h1>{HEADLINE}</h1>{body}</div></main></body></html>")
    article = article_from_html(page.encode())
    assert [article.block_text(b) for b in article.blocks if b.kind == "paragraph"] == COUNCIL_PARAGRAPHS


def test_a_sign_up_box_heading_goes_with_its_call_to_action_a_subhead_stays() -> None:
    box = ("<div class='nl-box'><h4>Get the morning briefing</h4><p>Sign up for Example News newsletters to get "
           "the top stories in your inbox.</p><a href='/newsletters/'>Sign up</a></div>")
    body = "".join(f"<p>{p}</p>" + (box if n == 1 else "") + (f"<h2>{SUBHEAD}</h2>" if n == 3 else "")
                   for n, p in enumerate(COUNCIL_PARAGRAPHS))
    article = article_from_html(f"<html><body><article><h1>{HEADLINE}</h1>{body}</article></body></html>".encode())
    texts = [article.block_text(b) for b in article.blocks]
    assert "Get the morning briefing" not in texts and not any("Sign up" in t for t in texts)
    assert SUBHEAD in texts and all(p in texts for p in COUNCIL_PARAGRAPHS)


def test_media_label_kind() -> None:
    article = Article.from_parts([("paragraph", "Back to Gallery")])
    assert furniture_kind(article, article.blocks[0]) == MEDIA
