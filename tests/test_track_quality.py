"""Short is not broken: real briefs are versions; error pages, paywall stubs and consent walls are not.
Judged on pages as the tracker extracts them (HTML through the extractor), not on hand-made Articles only."""

from __future__ import annotations

import pytest

from variorum.track.quality import error_page, extraction_problem, word_count
from variorum.track.runner import extract_page

FLIGHT_404 = (
    "Flight 404 from Lisbon to Boston landed safely on Tuesday evening after the crew reported a warning light "
    "in the cockpit about an hour into the journey. The airline said the aircraft was inspected by engineers "
    "on arrival and that none of the 212 passengers or eight crew members were hurt."
)
BRIEF_31 = (
    "The city council approved the new harbour budget on Monday evening by nine votes to four, clearing the way "
    "for dredging work to start in March, the mayor's office said."
)


def page(title: str, *paragraphs: str) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!doctype html><html><head><title>{title}</title></head><body><nav><a href='/'>Home</a> "
            f"<a href='/world'>World</a></nav><main><article><h1>{title}</h1>{body}</article></main>"
            "<footer>© The Daily Example</footer></body></html>").encode()


def judged(html: bytes, previous_words: int | None = None) -> tuple[str, str] | None:
    return extraction_problem(extract_page(html, "https://news.example.org/x", "text/html", "utf-8"), previous_words)


def test_the_briefs_are_as_long_as_the_issue_says():
    assert (word_count(FLIGHT_404), word_count(BRIEF_31)) == (51, 31)


@pytest.mark.parametrize("html", [
    page("Flight 404 lands safely after warning light", FLIGHT_404),
    page("Harbour budget approved", BRIEF_31),
    page("404 days later, the bridge reopens", BRIEF_31),
])
def test_a_real_short_brief_is_a_version(html):
    assert judged(html) is None


@pytest.mark.parametrize("html", [
    page("Page not found | The Daily Example",
         "Sorry, we could not find the page you were looking for. Try the search box or go back to the home page."),
    page("404 Not Found", "The requested URL was not found on this server."),
    page("Error 404 – The Daily Example", "Try our home page instead, or search our archive of stories."),
    # a soft 404: served with 200, a site title, and only an error message as text
    page("The Daily Example", "The page you are looking for may have been moved, or it never existed. "
                              "Please check the address and try again, or visit our home page."),
    page("Oops! – The Daily Example", "Something went wrong. We are working on it; please come back later."),
])
def test_an_error_page_served_with_a_success_status_is_refused(html):
    problem = judged(html)
    assert problem is not None and problem[0] == "extraction_failed" and "error page" in problem[1]


def test_error_words_inside_real_text_do_not_make_an_error_page():
    article = extract_page(page("Archive restored", "The page not found in the 1904 archive turned up in Lisbon "
                                + BRIEF_31), "https://x.example/a", "text/html", None)
    assert not error_page(article) and extraction_problem(article) is None


def test_near_empty_pages_and_truncated_copies_are_still_refused():
    kind, detail = judged(page("Storm", "The storm reached the coast."))
    assert kind == "empty" and detail.startswith("no article text found")
    assert judged(page("Harbour budget approved", BRIEF_31), previous_words=400) == (
        "empty", "the text shrank from 400 to 31 words: a truncated copy")
