"""The tracker leaves a site's template out: paragraphs that recur in other stored articles of the site
(Store.site_texts, learned by variorum.text.boilerplate) are not the article's text."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from localsite import LocalSite, article_page
from test_track_runner import ELECTION, MARKETS, STORM, Clock
from variorum.article import Article
from variorum.track import Fetcher, FetchPolicy, Tracker
from variorum.track.record import record_fetch

PROMO = "Watch Example News anytime, anywhere with our new streaming service, free for the first thirty days."
WEATHER = [
    ("Forecasters expect a dry and sunny weekend across most of the region, with temperatures rising to "
    "the low twenties by Saturday afternoon."),
    ("Farmers welcomed the break after weeks of rain that had delayed the harvest in the river valleys, "
    "the agricultural union said on Friday."),
]


def _pass(store, clock, urls):
    async def go():
        async with Fetcher(FetchPolicy(allow_private=True, delay=0)) as fetcher:
            tracker = Tracker(store, fetcher, clock=clock)
            for url in urls:
                store.discover([(url, None)], at=clock())
            store.make_all_due(clock())
            return await tracker.run_once()

    return asyncio.run(go())


def test_a_promo_found_in_other_articles_of_the_site_is_not_an_edit(store) -> None:
    clock = Clock()
    with LocalSite() as site:
        site.routes["/storm"] = article_page("Storm hits coast", STORM)
        for path, headline, paragraphs in (("/markets", "Markets fall", MARKETS),
                                           ("/election", "Close race", ELECTION),
                                           ("/weather", "Dry weekend", WEATHER)):
            site.routes[path] = article_page(headline, [*paragraphs[:2], PROMO, *paragraphs[2:]])
        urls = [site.url(p) for p in ("/storm", "/markets", "/election", "/weather")]
        _pass(store, clock, urls)
        assert [len(store.history(url)) for url in urls] == [1, 1, 1, 1]
        site.routes["/storm"] = article_page("Storm hits coast", [*STORM[:1], PROMO, *STORM[1:]])
        clock.now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
        _pass(store, clock, urls[:1])
        assert len(store.history(urls[0])) == 1
        site.routes["/storm"] = article_page("Storm hits coast", [*STORM[:1], PROMO, *STORM[1:], ("A new paragraph "
                                             "says the storm has moved inland and weakened overnight, forecasters said.")])
        clock.now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
        _pass(store, clock, urls[:1])
        history = store.history(urls[0])
        assert len(history) == 2 and history[1].summary["by_kind"] == {"paragraph_added": 1}


def test_site_texts_reads_other_articles_of_the_same_host_only(store) -> None:
    def article(*paragraphs: str) -> Article:
        return Article.from_parts([("paragraph", p) for p in paragraphs])

    record_fetch(store, "https://news.example.org/a", article("Alpha one.", PROMO))
    record_fetch(store, "https://news.example.org/b?utm_source=rss", article("Bravo one.", PROMO))
    record_fetch(store, "https://other.example.org/c", article("Charlie one.", PROMO))
    record_fetch(store, "https://news.example.org/b", article("Bravo two.", PROMO))
    found = dict(store.site_texts("https://news.example.org/a"))
    assert found == {"https://news.example.org/b": ["Bravo two.", PROMO]}
    stripped = article("Alpha one.", PROMO).keeping(lambda kind, text: text != PROMO)
    record_fetch(store, "https://news.example.org/d", stripped)
    assert dict(store.site_texts("https://news.example.org/a"))["https://news.example.org/d"] == ["Alpha one.", PROMO]
