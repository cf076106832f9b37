"""The headline a reader sees, chosen from the whole page (variorum.extract.front): an edited ``<h1>`` is the
headline even when the page's metadata still carries the old title, and furniture-named wrappers that hold
the story or only the heading do not hide it; logos, section names and search-engine titles do not win."""

from __future__ import annotations

import pytest

from variorum.extract import article_from_html

URL = "https://www.dailyplanet.example/news/2016/12/rain-expected"
OLD = "Rain expected across the region"
BODY = "".join(f"<p>{text}</p>" for text in (
    "It will rain tomorrow across the region, forecasters said on Tuesday, urging people to take an umbrella "
    "when they leave home in the morning.",
    "The rain is expected to last until Thursday, when a dry spell begins and temperatures climb again, "
    "according to the national weather service in its latest bulletin.",
    "Farmers in the east welcomed the forecast after the driest autumn on record, saying the ground had become "
    "too hard to plant winter wheat in several districts.",
))


def page(headline: str, *, title: str = OLD, body_class: str = "", before: str = "") -> str:
    """A page whose metadata titles say ``title`` and whose header shows ``headline`` (markup)."""
    return (f"<!DOCTYPE html><html><head><title>{title} | Daily Planet</title>"
            f"<meta property='og:title' content='{title}'><meta property='og:site_name' content='Daily Planet'>"
            f"<script type='application/ld+json'>{{\"@type\": \"NewsArticle\", \"headline\": \"{title}\"}}</script>"
            f"</head><body class='{body_class}'><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>{before}"
            f"<header>{headline}<p class='byline'>By Ann Lee</p></header><article>{BODY}</article>"
            "<footer>Copyright 2016 Daily Planet</footer></body></html>")


def headline_of(html: str) -> list[str]:
    return article_from_html(html.encode(), url=URL).texts_of("headline")


@pytest.mark.parametrize("edited", [
    "Rain expected across the region: what we know",  # a clause added
    "Rain expected as talks collapse",  # the second half reworded
    "Forecasters warn of floods in the east",  # rewritten: no word of the old title left
])
def test_an_edited_h1_is_the_headline_while_the_metadata_keeps_the_old_title(edited: str) -> None:
    assert headline_of(page(f"<h1>{OLD}</h1>")) == [OLD]
    assert headline_of(page(f"<h1>{edited}</h1>")) == [edited]


@pytest.mark.parametrize("body_class", ["single has-sidebar", "modal-enabled ads-on"])
def test_a_wrapper_that_holds_the_story_is_no_furniture_even_if_its_class_says_so(body_class: str) -> None:
    edited = "Rain expected as talks collapse"
    assert headline_of(page(f"<h1>{edited}</h1>", body_class=body_class)) == [edited]


def test_a_widget_wrapper_around_the_title_alone_is_no_furniture() -> None:
    """Page builders wrap every element in a "widget": holding nothing but the title, it is not a box."""
    edited = "Forecasters warn of floods in the east"
    heading = ("<div class='elementor-widget elementor-widget-theme-post-title'><div class='elementor-widget-container'>"
               f"<h1>{edited}</h1></div></div>")
    assert headline_of(page(heading)) == [edited]


def test_a_related_box_heading_is_no_headline() -> None:
    related = (f"<div class='related-stories'><h1>{OLD} for a second day</h1><ul><li><a href='/a'>Storm warning "
               "issued</a></li><li><a href='/b'>Snow on the hills</a></li></ul></div>")
    assert headline_of(page("<h1>Forecasters warn of floods in the east</h1>", before=related)) == [
        "Forecasters warn of floods in the east"]


def test_a_section_h1_before_the_headline_h2_that_agrees_with_the_title_loses() -> None:
    heading = f"<h1 class='section'>Weather and climate news</h1><h2>{OLD}</h2>"
    assert headline_of(page(heading)) == [OLD]


def test_of_several_h1s_the_one_nearest_the_text_that_agrees_with_the_title_wins() -> None:
    header = "<div class='masthead'><h1>The Planet Weekly</h1></div>"
    assert headline_of(page(f"<h1>{OLD}</h1>", before=header)) == [OLD]


def test_an_h1_beside_a_search_engine_title_of_its_own_is_the_headline() -> None:
    html = page(f"<h1>{OLD}</h1>", title="Weather forecast umbrella Thursday dry spell")
    assert headline_of(html) == [OLD]


def test_a_rewritten_h1_wins_over_a_subheading_in_the_text_that_repeats_the_old_title() -> None:
    subheading = f"<h2>{OLD}: the details</h2>"
    html = page("<h1>Forecasters warn of floods in the east</h1>").replace("</p><p>", f"</p>{subheading}<p>", 1)
    assert headline_of(html) == ["Forecasters warn of floods in the east"]
