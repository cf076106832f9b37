"""Telling a real article from what a server sometimes sends instead: a paywall stub, a cookie-consent
wall, an error page, a near-empty body, or a copy that has suddenly lost most of its text.

Such a fetch is recorded as a failure, never stored as a new version, so a paywall that flickers on and
off does not make an article "change" every hour.

Short is not broken: a real brief of a few dozen words is an article. An error page is told by the page
itself — a title that names an error ("Page not found", "404 Not Found"), or a short text that speaks
like an error page ("the page you are looking for…") — never by a word such as "404" inside real text
("Flight 404 landed safely"). Server errors (4xx, 5xx) never get here: the fetcher fails them.
"""

from __future__ import annotations

import re

from variorum.article import Article

MIN_WORDS = 15            # fewer words than this is no article text (a one-line brief has more)
STUB_WORDS = 150           # a page this short that also talks like a paywall or consent wall is a stub
SHRINK_RATIO = 0.25        # keeping under a quarter of the previous version's words …
SHRINK_WORDS = 120         # … and under this many words is a truncated copy, not an edit

_PAYWALL = re.compile(
    r"subscribe (?:now )?to (?:continue|keep) reading|to continue reading,? (?:please )?(?:subscribe|log ?in|sign in)"
    r"|this (?:article|content|story) is (?:only )?(?:available|reserved) (?:to|for) (?:subscribers|members)"
    r"|already a subscriber|subscribers only|create a free account to (?:continue|read)|unlock this article",
    re.IGNORECASE,
)
_CONSENT = re.compile(
    r"we use cookies|(?:accept|reject) (?:all )?cookies|cookie (?:settings|preferences|policy)"
    r"|manage (?:your )?(?:privacy|consent)|we value your privacy|consent to (?:the use of|our use of)",
    re.IGNORECASE,
)
_ERROR_MESSAGE = (
    r"(?:page|article|story|file|content) (?:was |could not be |cannot be |can't be )?not found"
    r"|(?:page|article|story) (?:could not|cannot|can't) be found|something went wrong|access denied"
    r"|service (?:temporarily )?unavailable|internal server error|are you a robot|verify you are (?:a )?human"
)
# a title that is an error: the whole title, or its part before a site-name separator
_ERROR_TITLE = re.compile(
    r"^\W*(?:(?:error\W*)?(?:40[0-9]|410|5\d\d)\b(?:\W*(?:error|not found|gone|forbidden))?|not found|oops\W*"
    rf"|{_ERROR_MESSAGE})\W*(?:[|\-–—:·•]|$)",
    re.IGNORECASE,
)
# what an error page's own text opens with: an error message, or words about the page asked for
_ERROR_TEXT = re.compile(
    rf"^\W*(?:(?:error\W*)?(?:404|410|500|503)\b|{_ERROR_MESSAGE})"
    r"|the (?:page|article|story) you (?:are|were|'re) looking for|(?:page|link) (?:you followed )?(?:may be|is) broken"
    r"|this (?:page|article|story) (?:has been|was) (?:removed|deleted)",
    re.IGNORECASE,
)
OPENING = 300  # characters of a short text that are read for an error message
_WORD = re.compile(r"\w+")


def word_count(text: str) -> int:
    """The number of words in a text.

    >>> word_count("It will rain — all day.")
    5
    """
    return len(_WORD.findall(text))


def error_page(article: Article) -> bool:
    """Whether an extracted page is an error page served with a success status: its title names an error,
    or its short text opens like an error message or says the page asked for is not there.

    >>> error_page(Article.from_text("Page not found | The Daily\\n\\nTry the search box above."))
    True
    >>> error_page(Article.from_text("Flight 404 lands safely\\n\\nFlight 404 from Lisbon landed safely."))
    False
    """
    if _ERROR_TITLE.search(article.title or ""):
        return True
    body = article.body if article.blocks else ""
    return word_count(body) < STUB_WORDS and _ERROR_TEXT.search(body[:OPENING]) is not None


def extraction_problem(article: Article, previous_words: int | None = None) -> tuple[str, str] | None:
    """``(failure kind, detail)`` when an extracted page is not a usable version of the article, else ``None``.

    ``previous_words`` is the word count of the latest stored version, if there is one.

    >>> extraction_problem(Article.from_text("Paywall\\n\\nSubscribe to continue reading."))
    ('paywall', 'the page is a paywall stub (4 words)')
    """
    body = article.body if article.blocks else ""
    words = word_count(body)
    sample = " ".join(filter(None, [article.title or "", body[:2000]]))
    if words < STUB_WORDS and _PAYWALL.search(sample):
        return "paywall", f"the page is a paywall stub ({words} words)"
    if words < STUB_WORDS and _CONSENT.search(sample):
        return "consent", f"the page is a cookie or consent wall ({words} words)"
    if error_page(article):
        return "extraction_failed", f"the page is an error page ({words} words)"
    if words < MIN_WORDS:
        return "empty", f"no article text found (only {words} words)"
    if previous_words and words < SHRINK_WORDS and words < previous_words * SHRINK_RATIO:
        return "empty", f"the text shrank from {previous_words} to {words} words: a truncated copy"
    return None


__all__ = ["error_page", "extraction_problem", "word_count"]
