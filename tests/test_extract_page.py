"""Real-shaped news pages: the front matter read from the whole page, each kind of furniture kept out of the
body, and pages decoded the same way whatever charset they were served with."""

from __future__ import annotations

import pytest

from variorum.extract import Record, article_from_html, extract_record
from variorum.extract.front import strip_site_name
from variorum.text.decode import decode_html

URL = "https://www.dailyplanet.example/news/2016/12/rain-expected"
PARAGRAPHS = [
    "It will rain tomorrow across the region, forecasters said on Tuesday, urging people to "
    '<a href="/advice/umbrella">take an umbrella</a> when they leave home in the morning.',
    "The rain is expected to last until Thursday, when a dry spell begins and temperatures climb again, "
    "according to the national weather service in its latest bulletin.",
    "Farmers in the east welcomed the forecast after the driest autumn on record, saying the ground had "
    "become too hard to plant winter wheat in several districts.",
]


def page(furniture: str = "", *, inside: str = "", title: str = "Rain expected across the region | Daily Planet",
         headline: str = "<h1>Rain expected across the region</h1>", head: str = "") -> str:
    """A news page with its headline in the page header, outside ``<article>``, like many real ones."""
    body = "".join(f"<p>{paragraph}</p>" for paragraph in PARAGRAPHS)
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
            f"<meta property='og:site_name' content='Daily Planet'>{head}</head><body>"
            f"<nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/sport'>Sport</a></nav>"
            f"<header class='story-header'>{headline}<p class='byline'>By Ann Lee</p></header>"
            f"<article><div class='story-body'>{body[:len(body) // 2]}{inside}{body[len(body) // 2:]}</div></article>"
            f"{furniture}<footer>Copyright 2016 Daily Planet</footer></body></html>")


def body_of(html: str) -> str:
    return article_from_html(html.encode(), url=URL).body


def test_the_article_text_is_all_there() -> None:
    body = body_of(page())
    assert "take an umbrella" in body and "dry spell begins" in body and "winter wheat" in body


RELATED_WITH_THUMBNAILS = """<div class="related-stories"><h3>More from Daily Planet</h3><ul>
<li><a href="/news/bridge"><img src="/t/bridge.jpg" alt="The old bridge">Bridge to close for six months of repairs</a></li>
<li><a href="/news/school"><img src="/t/school.jpg" alt="A classroom">New school opens its doors to 400 pupils</a></li>
<li><a href="/news/park"><img src="/t/park.jpg" alt="The park">City park gets a new playground</a></li></ul></div>"""
RELATED_LIST_WITHOUT_CLASS = """<ul><li><a href="/news/bridge">Bridge to close for six months of repairs</a></li>
<li><a href="/news/school">New school opens its doors to 400 pupils</a></li>
<li><a href="/news/park">City park gets a new playground</a></li></ul>"""
COOKIE_BANNER = """<div id="cookie-consent"><p>We use cookies to give you the best experience on our site and to
show you relevant ads. By continuing you agree to our use of cookies.</p><button>Accept all</button></div>"""
CONSENT_DIALOG = """<div role="dialog"><p>Your privacy matters to us. We and our partners store and access
information on your device to measure audiences and personalise content.</p></div>"""
NEWSLETTER_BOX = """<section class="Newsletter-container"><h3>Morning Briefing Newsletter</h3><p>Get the day's big
stories and the weather delivered to your inbox every morning.</p><form><input type="email"><button>Sign up
</button></form><p>Thanks for signing up! Keep an eye on your inbox.</p></section>"""
NEWSLETTER_LINE = "<p>Sign up for our free daily newsletter to get the latest weather alerts in your inbox.</p>"
SHARE_WIDGET = """<div class="share-tools"><a href="https://facebook.com/sharer?u=x">Facebook</a>
<a href="https://twitter.com/intent/tweet?u=x">Twitter</a><a href="mailto:?body=x">Email</a></div>"""
AUTHOR_BIO = """<div class="author-bio"><img src="/a/ann.jpg" alt="Ann Lee"><p>Ann Lee has covered weather and
climate for the Daily Planet since 2009, and before that reported for regional papers in the north.</p></div>"""
PROMO_LINE = "<p><em>Watch CBS News anytime, anywhere with our free 24/7 news streaming service.</em></p>"
LAST_UPDATED = "<p class='stamp'>Last Updated Dec 23, 2016 10:56 PM EST</p>"
GALLERY_TEASER = ("<p><a href='/gallery/storm'>View Gallery: Scenes from last winter's storm</a></p>"
                  "<p>Play Video</p>")
FIGURE = """<figure><img src="/img/clouds.jpg" alt="Clouds"><figcaption>Clouds gather over the city on Monday.
<span class="credit">Photo: Jane Doe/Reuters</span></figcaption></figure>"""
LIVE_BLOG_STREAM = """<div class="liveblog-promo"><h3>Live updates</h3><ul>
<li><a href="/live/1">10:02 Storm warning issued for the coast</a></li>
<li><a href="/live/2">09:41 Schools to close early on Thursday</a></li>
<li><a href="/live/3">09:15 Motorway closed after flooding</a></li></ul></div>"""


@pytest.mark.parametrize(("furniture", "inside", "leftover"), [
    (RELATED_WITH_THUMBNAILS, "", "Bridge to close"),
    ("", RELATED_LIST_WITHOUT_CLASS, "New school opens"),
    (COOKIE_BANNER, "", "cookies"),
    (CONSENT_DIALOG, "", "privacy matters"),
    (NEWSLETTER_BOX, "", "inbox"),
    ("", NEWSLETTER_LINE, "newsletter"),
    ("", SHARE_WIDGET, "Facebook"),
    (AUTHOR_BIO, "", "covered weather and climate"),
    ("", PROMO_LINE, "Watch CBS News"),
    ("", LAST_UPDATED, "Last Updated"),
    ("", GALLERY_TEASER, "View Gallery"),
    ("", GALLERY_TEASER, "Play Video"),
    ("", FIGURE, "Clouds gather"),
    ("", FIGURE, "Jane Doe"),
    (LIVE_BLOG_STREAM, "", "Storm warning issued"),
], ids=["related-thumbnails", "related-list-in-body", "cookie-banner", "consent-dialog", "newsletter-box",
        "newsletter-line", "share-widget", "author-bio", "promo-line", "last-updated", "view-gallery",
        "play-video", "figure-caption", "photo-credit", "live-blog-stream"])
def test_furniture_stays_out_of_the_body(furniture: str, inside: str, leftover: str) -> None:
    body = body_of(page(furniture, inside=inside))
    assert leftover not in body
    assert "take an umbrella" in body and "winter wheat" in body


def test_caption_and_credit_become_a_caption_block() -> None:
    article = article_from_html(page(inside=FIGURE).encode(), url=URL)
    assert article.captions == ["Clouds gather over the city on Monday.\nPhoto: Jane Doe/Reuters"]
    kinds = [block.kind for block in article.blocks]
    assert kinds.index("caption") > kinds.index("paragraph")


def test_last_updated_stamp_becomes_the_modified_date() -> None:
    article = article_from_html(page(inside=LAST_UPDATED).encode(), url=URL)
    assert article.modified == "2016-12-23T22:56:00-05:00"
    assert "Last Updated" not in article.text


def test_last_updated_stamp_under_the_headline_becomes_the_modified_date() -> None:
    html = page(headline=f"<h1>Rain expected across the region</h1>{LAST_UPDATED}")
    article = article_from_html(html.encode(), url=URL)
    assert article.modified == "2016-12-23T22:56:00-05:00" and "Last Updated" not in article.text


def test_modified_date_from_metadata_wins_over_a_stamp() -> None:
    head = "<meta property='article:modified_time' content='2016-12-24T08:00:00Z'>"
    article = article_from_html(page(inside=LAST_UPDATED, head=head).encode(), url=URL)
    assert article.modified == "2016-12-24T08:00:00+00:00"


def test_links_are_kept_without_link_lists() -> None:
    article = article_from_html(page(RELATED_WITH_THUMBNAILS, inside=RELATED_LIST_WITHOUT_CLASS).encode(), url=URL)
    assert [(link.text, link.href) for link in article.links] == [
        ("take an umbrella", "https://www.dailyplanet.example/advice/umbrella")]
    link = article.links[0]
    assert article.text[link.start:link.end] == "take an umbrella"


def test_headline_outside_the_article_is_the_headline_block() -> None:
    article = article_from_html(page().encode(), url=URL)
    assert article.blocks[0].kind == "headline"
    assert article.block_text(article.blocks[0]) == "Rain expected across the region"
    assert article.title == "Rain expected across the region"
    assert article.texts_of("byline") == ["By Ann Lee"]


def test_headline_edit_outside_the_article_changes_the_headline_block() -> None:
    edited = page(headline="<h1>Heavy rain expected across the region</h1>",
                  title="Heavy rain expected across the region | Daily Planet")
    before, after = article_from_html(page().encode(), url=URL), article_from_html(edited.encode(), url=URL)
    assert before.texts_of("headline") == ["Rain expected across the region"]
    assert after.texts_of("headline") == ["Heavy rain expected across the region"]
    assert before.body == after.body


def test_logo_h1_loses_to_the_heading_that_agrees_with_the_title() -> None:
    html = page(headline="<h1 class='logo'>Daily Planet</h1><h2>Rain expected across the region</h2>")
    assert article_from_html(html.encode(), url=URL).title == "Rain expected across the region"


def test_og_title_agreeing_with_h1_wins_over_a_search_engine_title() -> None:
    head = "<meta property='og:title' content='Rain expected across the region'>"
    html = page(title="Weather forecast: rain, umbrella, Thursday dry spell - Daily Planet", head=head)
    assert article_from_html(html.encode(), url=URL).title == "Rain expected across the region"


@pytest.mark.parametrize(("title", "url", "headline"), [
    ("Anleihen geraten unter Druck | Börsen-Zeitung", "https://www.boersen-zeitung.de/a/1", "Anleihen geraten unter Druck"),
    ("Germany braces for strikes – DW – 30.01.2024", "https://www.dw.com/en/a-1", "Germany braces for strikes"),
    ("Republicans Are Following Trump - The New York Times", "https://www.nytimes.com/2019/a.html",
     "Republicans Are Following Trump"),
    ("Disney+ glitches blamed on demand - Los Angeles Times", "https://www.latimes.com/a", "Disney+ glitches blamed on demand"),
    ("NASA adds five companies to lunar program - SpaceNews.com", "https://spacenews.com/a/", "NASA adds five companies to lunar program"),
    ("Alibaba to raise $12.9bn in Hong Kong listing : CityAM", "https://www.cityam.com/a/", "Alibaba to raise $12.9bn in Hong Kong listing"),
    ("Trump - the rise and fall of a dealmaker", "https://www.example.com/a/", "Trump - the rise and fall of a dealmaker"),
    ("The Guardian view on Hong Kong: a city on the brink | Editorial", "https://www.theguardian.com/a",
     "The Guardian view on Hong Kong: a city on the brink | Editorial"),
])
def test_site_name_comes_off_the_title(title: str, url: str, headline: str) -> None:
    from urllib.parse import urlsplit

    host = urlsplit(url).hostname or ""
    keys = {host.split(".")[-2].replace("-", ""), "".join(host.split(".")[-2:]).replace("-", "")}
    assert strip_site_name(title, keys) == headline


def test_page_without_h1_gets_its_title_without_the_site_name() -> None:
    html = page(headline="", title="Anleihen geraten unter Druck | Börsen-Zeitung")
    article = article_from_html(html.encode(), url="https://www.boersen-zeitung.de/markt/anleihen")
    assert article.title == "Anleihen geraten unter Druck" and article.blocks[0].kind == "headline"


def test_standfirst_and_dateline_are_typed() -> None:
    headline = ("<h1>Rain expected across the region</h1><p class='article-dek'>Forecasters say the wet spell "
                "will end the driest autumn on record for farmers in the east.</p>")
    html = page(headline=headline).replace("<p>It will rain", "<p>LONDON — It will rain")
    article = article_from_html(html.encode(), url=URL)
    assert article.texts_of("standfirst") == [
        "Forecasters say the wet spell will end the driest autumn on record for farmers in the east."]
    assert article.texts_of("dateline") == ["LONDON —"]
    assert article.paragraphs[0].startswith("It will rain")


def test_a_page_of_furniture_only_is_empty() -> None:
    html = ("<html><head><title>Daily Planet</title></head><body><nav><a href='/'>Home</a></nav>"
            f"{COOKIE_BANNER}{NEWSLETTER_BOX}<main>{RELATED_LIST_WITHOUT_CLASS}{NEWSLETTER_LINE}{PROMO_LINE}"
            f"{LAST_UPDATED}</main>{SHARE_WIDGET}</body></html>")
    extraction = extract_record(Record("html", "p", "p.html", html.encode()))
    assert extraction.status == "empty"


def test_windows_1252_and_utf8_captures_give_the_same_text() -> None:
    text = "‘Café society’ returns — naïve visitors pay €5 for a crème brûlée, said the owner’s son."
    html = page(inside=f"<p>{text}</p>")
    legacy = html.replace("<meta charset='utf-8'>", "<meta charset='windows-1252'>").encode("cp1252")
    as_latin1 = html.replace("<meta charset='utf-8'>", "").encode("cp1252")
    utf8 = html.encode("utf-8")
    articles = [article_from_html(legacy, url=URL), article_from_html(utf8, url=URL),
                article_from_html(as_latin1, url=URL, charset="ISO-8859-1"),
                article_from_html(utf8, url=URL, charset="iso-8859-1")]
    assert text in articles[0].body
    assert all(article.text == articles[0].text for article in articles)


def test_transport_charset_comes_before_the_meta_charset() -> None:
    html = "<html><head><meta charset='iso-8859-2'></head><body><p>Пример текста</p></body></html>"
    assert "Пример текста" in decode_html(html.encode("cp1251"), "windows-1251")


def test_byte_order_mark_comes_first() -> None:
    html = "<html><head><meta charset='windows-1252'></head><body><p>Žluťoučký kůň</p></body></html>"
    assert "Žluťoučký kůň" in decode_html(html.encode("utf-16"), "iso-8859-1")


@pytest.mark.parametrize("reference", ["&#27;", "&#x1b;", "&#xFFFE;", "&#0;", "&#xD800;", "\x1b"])
def test_control_character_references_are_dropped_not_fatal(reference: str) -> None:
    html = page(inside=f"<p>The bulletin{reference} was issued at noon by the national weather service.</p>")
    extraction = extract_record(Record("html", "p", "p.html", html.encode()))
    assert extraction.status == "ok"
    assert extraction.article is not None
    assert "The bulletin was issued at noon" in extraction.article.body
