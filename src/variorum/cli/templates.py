"""``--site-page``: other pages of the same site, read so that ``diff`` and ``collate`` leave its template out.

Two captures alone cannot show what a site repeats on every page; a few other articles of the site can
(``--site-page`` files, or for ``collate --cluster`` the corpus's other stories of the cluster's sites).
Their paragraphs and the compared versions' are counted by :class:`~variorum.text.boilerplate.SiteTemplates`
(the versions together as one document, since they are one article), and paragraphs found in enough
different documents (three by default) are left out of the versions before they are compared. The user
says the pages are of one site, so their addresses are not checked.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from variorum.article import Article

SITE_PAGE_HELP = ("Another article of the same site (repeatable): paragraphs that recur across these pages and "
                  "the versions are the site's template, left out of the comparison.")
_SITE = "the site"


def without_site_template(versions: list[Article], site_pages: list[str], *, max_bytes: int,
                          warn: Callable[[str], None],
                          other_stories: Sequence[tuple[str, list[str]]] = ()) -> list[Article]:
    """The versions without the paragraphs that recur across them and the ``site_pages`` (file names) or the
    ``other_stories`` (``(story id, paragraphs)`` of other articles of the site, already read)."""
    if not site_pages and not other_stories:
        return versions
    from variorum.text.boilerplate import SiteTemplates

    templates = SiteTemplates()
    for story, paragraphs in other_stories:
        templates.add(_SITE, f"\0{story}", paragraphs)
    if site_pages:
        from variorum.cli.inputs import load_article  # loaded when used: commands' --help stays fast

        for name in site_pages:
            templates.add(_SITE, name, load_article(name, max_bytes=max_bytes, warn=warn).paragraphs)
    templates.add(_SITE, "\0\0the compared article", [p for version in versions for p in version.paragraphs])
    return [version.keeping(templates.keep_block(_SITE)) for version in versions]
