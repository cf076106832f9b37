"""HTML extraction: what a page gives (text, metadata, links, captions) and how bad pages are handled."""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import EXTRACTION_CORPUS, GROUND_TRUTH
from variorum.errors import InputError
from variorum.extract import Record, article_from_html, contract, extract_record
from variorum.extract.html import parse_html
from variorum.text.decode import decode_html

needs_corpus = pytest.mark.skipif(
    not GROUND_TRUTH.exists(),
    reason=f"shared article-extraction-benchmark corpus not found at {EXTRACTION_CORPUS}",
)

BODY_ONE = ("It will rain tomorrow across the region, forecasters said on Tuesday, urging people to "
            '<a href="/advice/umbrella">take an umbrella</a> when they leave home in the morning.')
BODY_TWO = ("The rain is expected to last until Thursday, when a dry spell begins and temperatures climb "
            "again, according to the national weather service in its latest bulletin.")
BODY_THREE = ("Schools in the north of the region will open two hours late on Wednesday, the education "
              "authority said, so that buses can avoid the worst of the flooding on the coast road.")
PAGE = f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Rain expected | Daily Planet</title>
<meta name="author" content="Ann Lee"><meta property="article:published_time" content="2024-03-05T10:00:00Z">
<meta property="og:site_name" content="Daily Planet"><meta property="article:section" content="Weather"></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article><h1>Rain expected</h1>
<p>{BODY_ONE}</p>
<figure><img src="/img/cloud.jpg" alt="Dark clouds"><figcaption>Clouds over the city on Monday.</figcaption></figure>
<p>{BODY_TWO}</p>
<p><img src="/img/map.png" alt="A map of the expected rainfall"></p>
<p>Correction: An earlier version of this article misstated the day the rain begins.</p>
</article>
<footer>Copyright 2024 Daily Planet. All rights reserved. <a href="/privacy">Privacy</a></footer></body></html>"""
URL = "https://planet.example/news/rain"


def test_page_gives_typed_blocks_and_metadata() -> None:
    article = article_from_html(PAGE.encode(), url=URL, id="rain")
    kinds = [block.kind for block in article.blocks]
    assert kinds[0] == "headline" and kinds[-1] == "correction"
    assert article.title == "Rain expected"
    assert article.authors == ("Ann Lee",)
    assert article.published == "2024-03-05"
    assert article.sitename == "Daily Planet"
    assert article.language == "en-GB"
    assert article.id == "rain" and article.url == URL
    assert article.paragraphs[0].startswith("It will rain tomorrow")
    assert "Copyright" not in article.text and "Home" not in article.text


def test_links_keep_anchor_text_absolute_href_and_offsets() -> None:
    article = article_from_html(PAGE.encode(), url=URL)
    link = next(link for link in article.links if link.text == "take an umbrella")
    assert link.href == "https://planet.example/advice/umbrella"
    assert article.text[link.start:link.end] == "take an umbrella"
    assert all("privacy" not in link.href for link in article.links)


def test_captions_come_from_figcaption_else_alt_text() -> None:
    article = article_from_html(PAGE.encode(), url=URL)
    assert article.texts_of("caption") == ["Clouds over the city on Monday.", "A map of the expected rainfall"]
    assert "Clouds over the city" not in article.body


def test_contract_fields() -> None:
    extraction = extract_record(Record("html", "rain", "rain.html", PAGE.encode(), URL))
    out = contract(extraction)
    assert set(out) >= {"id", "url", "title", "authors", "published", "sitename", "language", "text",
                        "captions", "links", "status", "error"}
    assert out["status"] == "ok" and out["error"] is None
    assert out["links"][0] == {"text": "take an umbrella", "href": "https://planet.example/advice/umbrella"}
    assert out["text"].split("\n\n")[0].startswith("It will rain")
    json.dumps(out)


@pytest.mark.parametrize("page", [
    b"",
    b"   \n ",
    b"<html><head><title>Nothing</title></head></html>",
    b"<html><body><nav><a href='/'>Home</a> <a href='/a'>About</a></nav><footer>(c) 2024</footer></body></html>",
])
def test_pages_without_article_text_are_empty_not_errors(page: bytes) -> None:
    extraction = extract_record(Record("html", "p", "p.html", page))
    assert extraction.status == "empty"
    assert extraction.error == "no article text found"


def test_truncated_and_malformed_html_still_extracts() -> None:
    truncated = PAGE.encode()[: PAGE.index(BODY_TWO) + 80]
    article = article_from_html(truncated)
    assert "It will rain tomorrow" in article.body and "a dry spell begins" in article.body
    malformed = f"<p>{BODY_ONE}<div><p>{BODY_TWO}</span></b></td>".encode()
    assert "dry spell" in article_from_html(malformed).body


def test_page_without_body_tag() -> None:
    article = article_from_html(f"<title>Rain</title><p>{BODY_ONE}</p><p>{BODY_TWO}</p>".encode())
    assert "dry spell begins" in article.body


def test_undeclared_latin1_and_meta_declared_cp1251_are_detected() -> None:
    latin = f"<html><body><article><p>Le café de la gare a fermé hier soir. {BODY_TWO}</p></article></body></html>"
    assert "café de la gare a fermé" in article_from_html(latin.encode("latin-1")).body
    russian = ("<html><head><meta http-equiv='Content-Type' content='text/html; charset=windows-1251'></head>"
               "<body><article><p>" + "Дождь ожидается завтра во всём регионе, сообщили синоптики. " * 6
               + "</p></article></body></html>")
    assert "Дождь ожидается завтра" in article_from_html(russian.encode("cp1251")).body


def test_transport_charset_wins_over_guessing() -> None:
    text = "<html><body><p>Žluťoučký kůň úpěl ďábelské ódy. " + BODY_TWO + "</p></body></html>"
    assert decode_html(text.encode("iso-8859-2"), "iso-8859-2") == text


def test_page_over_the_size_cap_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="over the limit of 1,000"):
        article_from_html(PAGE.encode(), source="big.html", max_bytes=1000)
    failed = extract_record(Record("html", "big", "big.html", b"<p>" + b"x" * 2000), max_bytes=1000)
    assert failed.status == "failed" and "over the limit" in (failed.error or "")


def test_entity_bomb_and_external_entities_are_never_expanded(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    page = (f'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY l0 "lol">{laughs}'
            f'<!ENTITY xxe SYSTEM "file://{secret}">]><html><body><article><p>{BODY_TWO} &l9; &xxe;</p>'
            "</article></body></html>").encode()
    tree = parse_html(page.decode())
    assert tree is not None
    text = tree.text_content()
    assert "TOP-SECRET-VALUE" not in text and "lollollol" not in text
    extraction = extract_record(Record("html", "bomb", "bomb.html", page))
    assert "TOP-SECRET-VALUE" not in json.dumps(contract(extraction))
    assert len(json.dumps(contract(extraction))) < 10_000


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(
    st.binary(max_size=3000),
    st.text(max_size=1500).map(lambda s: f"<html><body><p>{s}</p></body></html>".encode("utf-8", "surrogatepass")),
    st.lists(st.sampled_from(["<p>", "</p>", "<div>", "<a href='x'>", "<img alt='y' src='z.jpg'>", "&amp;",
                              "<figure>", "<figcaption>", "word ", "\x00", "<!ENTITY", "<![CDATA[", "<table><td>"]),
             max_size=200).map(lambda parts: "".join(parts).encode()),
))
def test_extraction_never_raises_on_arbitrary_bytes(data: bytes) -> None:
    extraction = extract_record(Record("html", "any", "any.html", data))
    assert extraction.status in ("ok", "empty", "failed")
    out = contract(extraction)
    assert (out["text"] != "") == (extraction.status == "ok")


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = re.findall(r"\w+", text)
    return Counter(tuple(tokens[i:i + 4]) for i in range(max(1, len(tokens) - 3)))


@needs_corpus
def test_real_pages_match_the_human_ground_truth() -> None:
    truth = json.loads((EXTRACTION_CORPUS / "ground-truth.json").read_text(encoding="utf-8"))
    pages = sorted((EXTRACTION_CORPUS / "html").glob("*.html.gz"))[:6]
    f1s = []
    for path in pages:
        key = path.name.split(".")[0]
        article = article_from_html(gzip.decompress(path.read_bytes()), url=truth[key]["url"])
        expected, found = _shingles(truth[key]["articleBody"]), _shingles(article.body)
        overlap = sum((expected & found).values())
        f1s.append(2 * overlap / (sum(expected.values()) + sum(found.values())))
        assert article.title, path.name
    assert sum(f1s) / len(f1s) > 0.85


def test_short_news_item_keeps_its_structure() -> None:
    short = ("<html><head><title>Rain expected</title></head><body><nav><a href='/'>Home</a></nav><article>"
             "<h1>Rain expected</h1><p>It will rain tomorrow, forecasters said, urging people to "
             "<a href='https://x.example/a'>take an umbrella</a>.</p><figure><img src='/c.jpg'><figcaption>"
             "Clouds on Monday.</figcaption></figure><p>The rain should last until Thursday, when a dry spell "
             "begins.</p></article><footer>Copyright 2024.</footer></body></html>")
    article = article_from_html(short.encode())
    assert [block.kind for block in article.blocks] == ["headline", "paragraph", "caption", "paragraph"]
    assert [link.text for link in article.links] == ["take an umbrella"]


def test_the_published_date_a_page_declares_in_an_itemprop_meta_is_read_and_its_printed_stamp_left_out() -> None:
    page = (f"<html><head><title>Rain expected</title></head><body><article><h1>Rain expected</h1>"
            f'<meta itemprop="datePublished" content="2024-03-07T09:00:00Z">'
            f'<p class="stamp"><span itemprop="datePublished">Published 7 March 2024, 09:00</span></p>'
            f"<p>{BODY_ONE}</p><p>{BODY_TWO}</p></article></body></html>")
    article = article_from_html(page)
    assert article.published == "2024-03-07"
    assert "March" not in article.text and article.paragraphs[0].startswith("It will rain tomorrow")


def test_trafilatura_settings_are_read_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading trafilatura's settings file again for each page cost a tenth of a page's extraction CPU."""
    import trafilatura.settings

    reads = []
    real = trafilatura.settings.use_config

    def counted(*args: object, **kwargs: object) -> object:
        reads.append(args)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(trafilatura.settings, "use_config", counted)
    page = (b"<html><head><title>Rain</title></head><body><article><h1>Rain</h1><p>It will rain all day tomorrow "
            b"across the whole region, forecasters said on Tuesday, and the rain will last until Thursday.</p>"
            b"</article></body></html>")
    first, second = article_from_html(page), article_from_html(page)
    assert first == second and first.title == "Rain"
    assert len(reads) <= 1


def test_copyright_lines_and_terms_notices_inside_the_article_are_left_out() -> None:
    """A site's legal lines, kept by trafilatura when they sit inside the article (a brief's page is mostly
    them), are not the story: sister sites share them, and next year's copyright is not an edit. Prose that
    talks about a privacy policy stays."""
    prose = ("The company said its new privacy policy, which users must accept by March, lets it share "
             "location data with advertisers, a change regulators in three countries are now examining.")
    page = (f"<html><head><title>Rain expected</title></head><body><article><h1>Rain expected</h1>"
            f"<p>{BODY_ONE}</p><p>{prose}</p><p>{BODY_TWO}</p>"
            "<p>© 2019 Planet Media Group. All rights reserved.</p>"
            "<p>Registration on or use of this site constitutes acceptance of our User Agreement and Privacy "
            "Policy.</p><p>The material on this site may not be reproduced, distributed or transmitted, except "
            "with the prior written permission of Planet Media Group.</p>"
            "<p>Community Rules apply to all content you upload or otherwise submit to this site.</p>"
            "</article></body></html>")
    article = article_from_html(page)
    assert article.paragraphs[1] == prose
    assert not any(word in article.text for word in ("©", "Registration", "reproduced", "Community Rules"))


@pytest.mark.parametrize(("text", "furniture"), [
    ("You have been successfully subscribed!", True),
    ("There was a problem subscribing you to the newsletter. Double check your email and try again.", True),
    ("Sign up for our morning newsletter.", True),
    ("The union said 4,000 members had subscribed to the strike fund by Friday.", False),
    ("Readers who signed up early were charged twice, the company said.", False),
])
def test_calls_to_action_and_sign_up_form_messages(text: str, furniture: bool) -> None:
    from variorum.extract.furniture import is_call_to_action

    assert is_call_to_action(text) is furniture


def test_a_class_naming_a_caption_feature_on_the_page_wrapper_makes_no_captions() -> None:
    """Gizmodo's ``<body class="… f_caption_muted_videos_on …">``: the body is not a caption, so its short
    lines (a teaser between paragraphs) are not captions; a figcaption still is."""
    page = ("<html><body class='permalink f_caption_muted_videos_on'>\n<article><h1>Rain expected</h1>\n"
            f"<p>{BODY_ONE}</p>\n<p><a href='/news/x'>CBSN</a> Senator unveils plan to cut drug prices</p>\n"
            "<figure><img src='/c.jpg'><figcaption>Clouds over the city on Monday.</figcaption></figure>\n"
            f"<p>{BODY_TWO}</p>\n</article></body></html>")
    article = article_from_html(page)
    assert article.texts_of("caption") == ["Clouds over the city on Monday."]


def test_the_web_archive_banner_and_a_masthead_heading_are_not_the_article() -> None:
    """A Wayback capture's banner (its text, the site's logo alt texts around it) and a masthead ``<h1>`` that
    only names the site (og:site_name) are neither paragraphs, captions nor a standfirst."""
    page = ("<html><head><title>September 2018 open thread - The GiveWell Blog</title>"
            "<meta property='og:site_name' content='The GiveWell Blog'></head><body>\n"
            "<div id='wm-ipp-base'><div id='wm-ipp'>The Wayback Machine - http://web.archive.org/web/2016/x "
            "74 captures<img src='/l.png' alt='Available On App Store'></div></div>\n"
            "<article><h1 class='title'>The GiveWell Blog</h1>\n<h2>September 2018 open thread</h2>\n"
            f"<p>{BODY_ONE}</p>\n<p>{BODY_TWO}</p></article>\n"
            "</body></html>")
    article = article_from_html(page, url="https://blog.givewell.org/2018/09/10/september-2018-open-thread/")
    assert "Wayback" not in article.text and "App Store" not in article.text
    assert "The GiveWell Blog" not in article.text
    assert article.paragraphs[0].startswith("It will rain tomorrow")


def test_an_article_laid_out_in_a_table_cell_is_read_paragraph_by_paragraph() -> None:
    """Pages built with tables (The Space Review, PanARMENIAN) hold the headline, the paragraphs and the
    column's own links in one ``<td>``: each paragraph is a block of its own, the headline is not glued to
    the first one, and link-only teasers at the column's end stay out of the text."""
    page = ("<html><head><title>Rain expected</title></head><body>"
            "<table width='100%'><tr><td><a href='/'><img src='/logo.gif' alt='Daily Planet'></a></td></tr></table>"
            "<table width='90%'><tr><td width='20%'> </td><td width='60%'>\n"
            "<h1 class='headline'>Rain expected</h1>\n<h3 class='byline'>by Ann Lee<br>Monday, March 4, 2024</h3>\n"
            f"<p>{BODY_ONE}</p>\n<p>{BODY_TWO}</p>\n"
            "<p class='info2'>Note: we are temporarily moderating all comments.</p>\n"
            "<h2 align='center'><a href='/index.html'>Home</a></h2>\n"
            "<p><a href='/news/storm-knocks-out-power/'>Storm knocks out power to thousands across the region</a></p>\n"
            "<p><a href='/news/council-delays-vote/'>City council delays vote on budget</a></p>\n"
            "</td><td width='20%'><div>Subscribe to our weekly newsletter</div></td></tr></table></body></html>")
    article = article_from_html(page)
    assert article.title == "Rain expected"
    assert article.paragraphs[0].startswith("It will rain tomorrow")
    assert article.paragraphs[1] == re.sub(r"<[^>]+>", "", BODY_TWO)
    assert "Storm knocks out power" not in article.text and "City council" not in article.text


def test_a_caption_after_a_teaser_left_out_stays_a_caption() -> None:
    """An image's caption that follows a related-story link left out of the text is still a caption (it
    was lost with the teaser, so one capture had the caption and the other not)."""
    page = ("<html><head><title>Rain expected</title></head><body><article><h1>Rain expected</h1>\n"
            f"<p>{BODY_ONE}</p>\n"
            "<p><a href='/news/team-clinches-playoff-spot/'>Team clinches playoff spot with late goal</a></p>\n"
            "<div class='image-ct'><img src='/c.jpg' alt='Clouds gather over the harbour on Monday.'>"
            "<div class='caption'><p>Clouds gather over the harbour on Monday. (Photo by Ann Lee)</p></div></div>\n"
            f"<p>{BODY_TWO}</p>\n</article></body></html>")
    article = article_from_html(page)
    assert "Team clinches" not in article.text
    assert "Clouds gather over the harbour on Monday." in article.texts_of("caption")


def test_the_headline_after_a_section_label_is_not_a_paragraph_too() -> None:
    """A section label before the ``<h1>`` ("Review") is read as the first line: the ``<h1>`` after it is
    still the headline shown again, not a paragraph, so an edited headline is one change, not three. (A
    long article: trafilatura keeps its own extraction, which keeps the ``<h1>``.)"""
    body = "\n".join(f"<p>{paragraph}</p>" for paragraph in (BODY_ONE, BODY_TWO, BODY_THREE) * 4)
    page = ("<html><head><title>Laptop review: the keyboard is enough</title></head><body>"
            "<div class='article'><div style='padding-top: 4px;'><span class='reviews'>Review</span></div>\n"
            f"<h1 class='art-head'>Laptop review: the keyboard is enough</h1>\n{body}</div></body></html>")
    article = article_from_html(page)
    assert article.title == "Laptop review: the keyboard is enough"
    assert not any("keyboard is enough" in paragraph for paragraph in article.paragraphs)


def test_a_short_paragraph_beside_teasers_is_read_alike_wherever_the_teasers_stand() -> None:
    """Barron's: trafilatura's own extractor drops the article's wrapper (for its class), so a fallback reads
    the page and judges each paragraph by its neighbours. A short paragraph followed by related-story links
    was kept; with a gallery teaser before it too, it was dropped (the template's blank lines where its ad
    slots were tip the fallback's choice). Teasers are left out before trafilatura reads the page, so both
    captures give the same text."""
    short = "Home Depot management hosts a conference call at 9 a.m. ET to discuss results with analysts and investors."
    worried = ("He’s not the only one who isn’t all that worried. An analyst points out a couple of additional "
               "reasons investors shouldn’t fret. “While certainly a disappointing result, we note that [the company] "
               "faced a [0.6% to 0.7%] hurricane headwind in Q3, lumber remains deeply deflationary and Canada a net "
               "headwind,” wrote Fadem in a Tuesday research report. “Excluding these items, we believe Q3 comps "
               "would have been closer to 5%.”")

    def page(teasers_before: list[str], teasers_after: list[str]) -> str:
        def links(titles: list[str]) -> str:
            return "".join(f"<p><a href='/news/{n}/'>{title}</a></p>" for n, title in enumerate(titles))
        return ("<html><head><title>Home Depot Stock Falls After Earnings Report Disappoints - Barron's</title>"
                "</head><body><div><div><p>This copy is for your personal, non-commercial use only. To order "
                "presentation-ready copies for distribution to your colleagues, clients or customers visit "
                "http://www.djreprints.com.</p></div><div><article id='article-contents'>"
                "<div class='article__body article-wrap barrons-article-wrap'><div class='paywall'>"
                f"<p>{worried}</p>{links(teasers_before)}<p>{short}</p>{links(teasers_after)}</div></div>"
                + "\n            " * 24 + "</article></div></div></body></html>")  # where the ad slots were

    related = ["Inside the race for the governor's mansion", "Team clinches playoff spot with late goal",
               "Company recalls 40,000 space heaters"]
    old = article_from_html(page([], related))
    new = article_from_html(page(["View Gallery 20 photos: Company recalls 40,000 space heaters"], related))
    assert short in old.paragraphs and old.text == new.text


def test_the_paragraphs_of_a_quotation_are_paragraphs_not_one_run_together() -> None:
    page = ("<html><head><title>Review roundup</title></head><body><article><h1>Review roundup</h1>"
            "<p>Critics have weighed in on the new streaming service, and their verdicts are mixed at best so far.</p>"
            "<blockquote class='wp-block-quote'><p>If you're on the fence about investing $129 in an unproven "
            "service, you're not alone.</p><p>When February rolls around and those free trials are offered, you "
            "should give it a shot.</p></blockquote><p>Other reviewers were kinder, praising the image quality "
            "and the low latency on a fast home connection.</p></article></body></html>")
    article = article_from_html(page.encode(), url="https://example.org/review", id="review")
    assert "If you're on the fence about investing $129 in an unproven service, you're not alone." in article.paragraphs
    assert "alone.When" not in article.text
    assert "When February rolls around and those free trials are offered, you should give it a shot." in article.paragraphs


def test_a_block_reads_nested_text_in_order_and_apart_from_blocks_inside_it() -> None:
    from lxml import etree

    from variorum.extract.html import _element_text

    nested = etree.fromstring('<p>The <ref target="x">big <hi rend="#b">bad</hi> wolf</ref> ran away.</p>')
    assert _element_text(nested) == "The big bad wolf ran away."
    tweet = etree.fromstring("<quote>pic.twitter.com/PQq<p>The agency said.</p>November 2019</quote>")
    assert _element_text(tweet).split("\n") == ["pic.twitter.com/PQq", "The agency said.", "November 2019"]
    assert _element_text(etree.fromstring("<row><cell>a</cell><cell>b<lb/>c</cell></row>")) == "a | b\nc"


def _chunked_page(next_story: bool) -> str:
    """WIRED's layout: the article's paragraphs in several ``article__body`` chunks with ad rails between;
    with ``next_story``, the next article an endless page appends, in an ``<article>`` of its own."""
    paragraphs = [f"Paragraph {n} of the story: the council met on Tuesday and voted on the budget for the "
                  f"coming year, officials said." for n in range(8)]
    chunks = "".join(
        f"<div class='grid'><div class='article__body'>{''.join(f'<p>{p}</p>' for p in paragraphs[k:k + 2])}"
        f"</div><div class='ad-rail'>Advertisement</div></div>" for k in range(0, 8, 2))
    appended = ("<article><h1>Another story</h1><div class='grid'><div class='article__body'><p>The next story "
                "on the endless page says something else entirely about the weather today.</p></div></div>"
                "</article>") if next_story else ""
    return (f"<html><body><article><h1>Council votes</h1><div class='chunks'>{chunks}</div></article>"
            f"{appended}</body></html>")


@pytest.mark.parametrize("next_story", [False, True])
def test_an_article_split_into_chunks_is_read_whole_and_alone(next_story: bool) -> None:
    article = article_from_html(_chunked_page(next_story))
    texts = [article.block_text(b) for b in article.blocks if b.kind == "paragraph"]
    assert [t.split(":")[0] for t in texts] == [f"Paragraph {n} of the story" for n in range(8)]
