"""Front matter a page gives as metadata rather than as text: title, authors, published and modified dates.

Most front matter arrives as typed blocks (headline, byline, …) and is compared with the body by the
engine. What an extractor found only as metadata is compared here, as a pre-pass of its own:

- the **title**, when neither version has a headline block: another title is one major ``headline``
  change naming both (a site-name suffix such as `` | CBS News`` does not count);
- the **authors**, when neither version has a byline block and both name authors: other authors are one
  major ``byline`` change;
- the **published** and **modified** dates: a cosmetic ``date`` change. Pages restamp themselves ("Last
  updated …") without any edit, and the dates extractors read are often the page furniture's; the text
  tells whether the article changed.
"""

from __future__ import annotations

import re

from variorum.article import Article
from variorum.compare.model import COSMETIC, MAJOR, Change, ChangeDetail
from variorum.text.frontmatter import BYLINE, HEADLINE
from variorum.text.tokens import fold_text
from variorum.text.urls import original_url

_SUFFIX_RE = re.compile(r"\s+[|–—·:-]\s+(?P<site>[^|–—·:]{1,60})$")


def _site_words(article: Article) -> set[str]:
    """Lower-cased words naming the site: its name and the labels of its host."""
    words = set(re.findall(r"\w+", (article.sitename or "").casefold()))
    if article.url:
        host = original_url(article.url).split("://", 1)[-1].split("/", 1)[0].casefold()
        words.update(label for label in host.split(".") if label not in ("www", "com", "org", "net", "co", "uk"))
    return words


def comparable_title(article: Article) -> str:
    """The title folded for comparison, a trailing site-name segment (`` | CBS News``) removed.

    >>> comparable_title(Article.from_parts([], title="Pope Buys Shoes | CBS News", sitename="CBS News"))
    'pope buys shoes'
    """
    title = fold_text(article.title or "").casefold()
    suffix = _SUFFIX_RE.search(title)
    if suffix and set(re.findall(r"\w+", suffix.group("site"))) & _site_words(article):
        title = title[:suffix.start()]
    return title


def _field(article: Article, name: str) -> str | None:
    """A metadata field, whether the Article has it as an attribute or in ``extra``."""
    value = getattr(article, name, None) or article.extra.get(name)
    return str(value) if value else None


def metadata_changes(old: Article, new: Article) -> list[Change]:
    """The changes in front matter that only the metadata of ``old`` and ``new`` carries."""
    changes: list[Change] = []
    if (not old.texts_of(HEADLINE) and not new.texts_of(HEADLINE) and old.title and new.title
            and comparable_title(old) != comparable_title(new)):
        changes.append(Change("headline", MAJOR, old.title, new.title, None, None, new.title, {"field": "title"}))
    if not old.texts_of(BYLINE) and not new.texts_of(BYLINE) and old.authors and new.authors:
        before = {fold_text(name).casefold() for name in old.authors}
        after = {fold_text(name).casefold() for name in new.authors}
        if before != after:
            changes.append(Change("byline", MAJOR, "; ".join(old.authors), "; ".join(new.authors), None, None,
                                  "; ".join(new.authors), {"field": "authors"}))
    for name in ("published", "modified"):
        before_date, after_date = _field(old, name), _field(new, name)
        if before_date and after_date and before_date != after_date:
            detail = ChangeDetail(field=name, old_value=before_date, new_value=after_date)
            changes.append(Change("date", COSMETIC, before_date, after_date, None, None, name, detail))
    return changes
