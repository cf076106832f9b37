"""Telling a real article from what a server sometimes sends instead: a paywall stub, a cookie-consent
wall, an error page, a near-empty body, or a copy that has suddenly lost most of its text.

Such a fetch is recorded as a failure, never stored as a new version, so a paywall that flickers on and
off does not make an article "change" every hour.
"""

from __future__ import annotations

import re

from variorum.article import Article

MIN_WORDS = 40
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
_ERROR = re.compile(
    r"\b(?:page|article|story) (?:was )?not (?:be )?found\b|\b404\b|something went wrong|access denied"
    r"|service (?:temporarily )?unavailable|internal server error|are you a robot|verify you are (?:a )?human",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")


def word_count(text: str) -> int:
    """The number of words in a text.

    >>> word_count("It will rain — all day.")
    5
    """
    return len(_WORD.findall(text))


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
    if words < STUB_WORDS and _ERROR.search(sample):
        return "extraction_failed", f"the page is an error page ({words} words)"
    if words < MIN_WORDS:
        return "empty", f"no article text found (only {words} words)"
    if previous_words and words < SHRINK_WORDS and words < previous_words * SHRINK_RATIO:
        return "empty", f"the text shrank from {previous_words} to {words} words: a truncated copy"
    return None


__all__ = ["extraction_problem", "word_count"]
