"""The tracker against a real local news site whose pages change between passes, on SQLite and
PostgreSQL: exactly which versions, changes and failures are stored."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from helpers import ELECTION, MARKETS, STORM
from localsite import PUBLIC, FakeDns, FakeInternet, LocalSite, Reply, article_page, rss
from variorum.store.models import StoredArticle
from variorum.track import ChangeEvent, Fetcher, FetchPolicy, RecheckPolicy, Tracker

T0 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
PAYWALL = Reply(b"<html><head><title>Exclusive</title></head><body><article><h1>Exclusive</h1>"
                b"<p>Subscribe to continue reading. Already a subscriber? Log in.</p></article></body></html>")


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def site():
    with LocalSite() as running:
        running.routes["/feed.xml"] = rss(running, ["/storm", "/markets", "/election", "/exclusive", "/broken"])
        running.routes["/storm"] = article_page("Storm hits coast", STORM, ad="Shoes -50%", stamp="08:00")
        running.routes["/markets"] = article_page("Markets fall", MARKETS, ad="Hats", stamp="08:00")
        running.routes["/election"] = article_page("Close race expected", ELECTION, ad="Cars", stamp="08:00")
        running.routes["/exclusive"] = PAYWALL
        running.routes["/broken"] = Reply(b"oops", status=500)
        yield running



def run(store, clock, notified=None, **policy):
    async def notify(change: ChangeEvent) -> None:
        notified.append((change.url.rsplit("/", 1)[1], change.version))

    async def go():
        async with Fetcher(FetchPolicy(allow_private=True, delay=0, **policy)) as fetcher:
            tracker = Tracker(store, fetcher, clock=clock, notify=notify if notified is not None else None)
            return await tracker.run_once()

    return asyncio.run(go())


def kinds(store, url, version):
    return store.history(url)[version - 1].summary["by_kind"]


def test_a_day_of_a_news_site(site, store):
    clock = Clock()
    notified: list[tuple[str, int]] = []
    store.add_source(site.url("/feed.xml"), "feed")

    first = run(store, clock, notified)
    assert (first.feeds, first.discovered) == (1, 5)
    assert dict(first.outcomes) == {"new": 3, "paywall": 1, "http_error": 1}
    assert notified == []  # first versions: nothing has changed yet

    # an hour later: a number edited, a paragraph moved, a headline changed; ads and clocks everywhere rotate
    clock.now += timedelta(hours=1)
    site.routes["/storm"] = article_page(
        "Storm hits coast", [STORM[0].replace("100", "120"), *STORM[1:]], ad="Boots -70%", stamp="09:00")
    site.routes["/markets"] = article_page("Markets fall", [MARKETS[1], MARKETS[0], MARKETS[2]], ad="Caps", stamp="09:00")
    site.routes["/election"] = article_page("Polls open in tight race", ELECTION, ad="Vans", stamp="09:00")
    second = run(store, clock, notified)
    assert dict(second.outcomes) == {"new": 3, "paywall": 1, "http_error": 1}
    assert kinds(store, site.url("/storm"), 2) == {"number": 1}
    assert kinds(store, site.url("/markets"), 2) == {"paragraph_moved": 1}
    assert kinds(store, site.url("/election"), 2) == {"headline": 1}

    # noise only: re-wrapped text, straight quotes for curly ones, new ads and clocks: nothing is stored
    clock.now += timedelta(hours=1)
    site.routes["/storm"] = article_page(
        "Storm hits coast", [STORM[0].replace("100", "120").replace(" to towns", "\n   to towns"), STORM[1],
                             STORM[2].replace("\u201c", '"').replace("\u201d", '"')], ad="Socks", stamp="10:00")
    site.routes["/markets"] = article_page("Markets fall", [MARKETS[1], MARKETS[0], MARKETS[2]], ad="Gloves", stamp="10:00")
    third = run(store, clock, notified)
    assert third.outcomes["new"] == 0
    assert third.outcomes["unchanged"] + third.outcomes["cosmetic"] == 3
    assert [entry.version for entry in store.history(site.url("/storm"))] == [1, 2]

    # a stale cache serves the first text again: a flip-flop, recorded but not stored
    clock.now += timedelta(hours=1)
    site.routes["/storm"] = article_page("Storm hits coast", STORM, ad="Shoes", stamp="11:00")
    assert run(store, clock, notified).outcomes["flip_flop"] == 1
    assert store.latest_version(site.url("/storm")) == 2

    # an appended correction is a new version, recognised as a correction
    clock.now += timedelta(hours=1)
    site.routes["/storm"] = article_page(
        "Storm hits coast", [STORM[0].replace("100", "120"), *STORM[1:],
                             "Correction: An earlier version of this article misstated the wind speed."])
    assert run(store, clock, notified).outcomes["new"] == 1
    assert kinds(store, site.url("/storm"), 3) == {"correction": 1}

    assert sorted(notified) == [("election", 2), ("markets", 2), ("storm", 2), ("storm", 3)]
    failures = [(f.url.rsplit("/", 1)[1], f.kind) for f in store.failures()]
    assert failures.count(("exclusive", "paywall")) == 5 and failures.count(("broken", "http_error")) == 5
    assert failures.count(("storm", "flip_flop")) == 1
    assert not store.history(site.url("/exclusive")) and not store.history(site.url("/broken"))


@pytest.mark.parametrize("filters, expected", [
    ({}, [("election", 2), ("markets", 2), ("storm", 2)]),
    ({"min_significance": "major"}, [("election", 2), ("storm", 2)]),
    ({"headline_only": True}, [("election", 2)]),
])
def test_notifications_follow_the_source_filter(site, store, filters, expected):
    clock = Clock()
    notified: list[tuple[str, int]] = []
    store.add_source(site.url("/feed.xml"), "feed", **filters)
    run(store, clock, notified)
    clock.now += timedelta(hours=1)
    site.routes["/storm"] = article_page(
        "Storm hits coast", [STORM[0], "Two people died when a tree fell on their car, police said.", *STORM[1:]])
    site.routes["/markets"] = article_page("Markets fall", [MARKETS[0], MARKETS[1].replace("two per cent,", "two per cent;"), MARKETS[2]])
    site.routes["/election"] = article_page("Polls open in tight race", ELECTION)
    assert run(store, clock, notified).outcomes["new"] == 3
    assert kinds(store, site.url("/markets"), 2) == {"punctuation": 1}
    assert sorted(notified) == expected


def test_conditional_get_and_unchanged_pages_store_nothing_new(site, store):
    clock = Clock()
    site.routes["/storm"] = Reply(article_page("Storm hits coast", STORM).body, etag='"v1"')
    store.add_source(site.url("/storm"), "page")
    assert dict(run(store, clock).outcomes) == {"new": 1}
    clock.now += timedelta(hours=1)
    assert dict(run(store, clock).outcomes) == {"not_modified": 1}
    assert [headers.get("If-None-Match") for _, path, headers in site.requests if path == "/storm"] == [None, '"v1"']
    assert store.article(site.url("/storm")).last_seen_at == clock.now


def test_articles_are_rechecked_adaptively_and_dropped_when_old(site, store):
    clock = Clock()
    store.add_source(site.url("/storm"), "page")
    policy = RecheckPolicy()
    run(store, clock)
    article = store.article(site.url("/storm"))
    assert article.next_check_at == T0 + timedelta(minutes=15)  # new: every 15 minutes

    clock.now = T0 + timedelta(minutes=10)  # not due yet: nothing is fetched
    assert run(store, clock).checked == 0

    clock.now = T0 + timedelta(hours=5)  # quiet for five hours: hourly
    run(store, clock)
    assert store.article(site.url("/storm")).next_check_at == clock.now + timedelta(hours=1)

    clock.now = T0 + policy.max_age + timedelta(hours=1)  # too old: no more checks
    run(store, clock)
    assert store.article(site.url("/storm")).next_check_at is None
    clock.now += timedelta(days=1)
    assert run(store, clock).checked == 0


def test_a_feed_saying_an_old_article_was_updated_makes_it_due_again(site, store):
    clock = Clock()
    store.add_source(site.url("/feed.xml"), "feed")
    run(store, clock)
    clock.now = T0 + timedelta(days=30)  # long past max_age: the article is no longer checked
    run(store, clock)
    assert store.article(site.url("/storm")).next_check_at is None
    clock.now += timedelta(hours=2)
    updated = clock.now - timedelta(hours=1)  # after our last look
    site.routes["/feed.xml"] = Reply(
        (f'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><link>{site.url("/storm")}</link>'
         f"<pubDate>{updated.strftime('%a, %d %b %Y %H:%M:%S GMT')}</pubDate></item></channel></rss>").encode(),
        headers={"Content-Type": "application/rss+xml"})
    site.routes["/storm"] = article_page("Storm hits coast, five dead", STORM)
    assert run(store, clock).outcomes["new"] == 1
    assert store.latest_version(site.url("/storm")) == 2


def test_tracking_parameters_do_not_make_two_articles(site, store):
    clock = Clock()
    site.routes["/feed.xml"] = rss(site, ["/storm?utm_source=rss&utm_medium=feed", "/storm?utm_campaign=x"])
    store.add_source(site.url("/feed.xml"), "feed")
    report = run(store, clock)
    assert report.discovered == 1 and dict(report.outcomes) == {"new": 1}
    with store.session() as session:
        assert session.scalars(select(StoredArticle.url)).all() == [site.url("/storm")]


def test_bad_feeds_slow_pages_and_huge_pages_are_recorded_as_failures(site, store):
    clock = Clock()
    site.routes["/bad.xml"] = Reply(b"<rss><channel><item><link>oops</li", headers={"Content-Type": "application/rss+xml"})
    site.routes["/slow"] = Reply(article_page("Slow", STORM).body, delay=2.0)
    site.routes["/huge"] = Reply(b"<p>" + b"x" * (3 * 1024 * 1024) + b"</p>")
    store.add_source(site.url("/bad.xml"), "feed")
    store.add_source(site.url("/slow"), "page")
    store.add_source(site.url("/huge"), "page")
    report = run(store, clock, timeout=0.5, deadline=1.0, max_bytes=1024 * 1024)
    assert dict(report.outcomes) == {"timeout": 1, "too_large": 1}
    assert dict(report.feed_failures) == {"bad_feed": 1}
    assert report.describe().startswith("polled 1 feed (1 failed: 1 bad feed), discovered 2 articles, checked 2:")
    kinds_by_url = {f.url.rsplit("/", 1)[1]: (f.kind, f.detail) for f in store.failures()}
    assert kinds_by_url["bad.xml"][0] == "bad_feed" and "malformed XML" in kinds_by_url["bad.xml"][1]
    assert kinds_by_url["slow"][0] == "timeout" and kinds_by_url["huge"][0] == "too_large"


def test_a_link_to_something_that_is_not_a_page_is_a_failure(site, store):
    site.routes["/report.pdf"] = Reply(b"%PDF-1.7 binary", headers={"Content-Type": "application/pdf"})
    store.add_source(site.url("/report.pdf"), "page")
    assert dict(run(store, Clock()).outcomes) == {"extraction_failed": 1}
    [failure] = store.failures()
    assert failure.detail == "not an article page but application/pdf"


def test_a_page_that_turns_into_a_consent_wall_or_a_stub_is_not_a_version(site, store):
    clock = Clock()
    store.add_source(site.url("/storm"), "page")
    run(store, clock)
    clock.now += timedelta(hours=1)
    site.routes["/storm"] = article_page("Before you continue", [
        "We use cookies and data to deliver and maintain our services. Accept all cookies or manage your privacy."])
    assert dict(run(store, clock).outcomes) == {"consent": 1}
    clock.now += timedelta(hours=1)
    site.routes["/storm"] = article_page("Storm hits coast", ["The storm reached the coast."])
    assert dict(run(store, clock).outcomes) == {"empty": 1}
    assert store.latest_version(site.url("/storm")) == 1


def test_run_forever_survives_a_pass_that_loses_the_database(site, store, caplog):
    store.add_source(site.url("/storm"), "page")
    real_sources, calls = store.sources, []

    def flaky_sources():
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("SELECT", {}, Exception("server closed the connection unexpectedly"))
        return real_sources()

    store.sources = flaky_sources
    reports = []

    async def go():
        async with Fetcher(FetchPolicy(allow_private=True, delay=0)) as fetcher:
            tracker = Tracker(store, fetcher, clock=Clock())
            task = asyncio.create_task(tracker.run_forever(timedelta(seconds=0.05), on_pass=reports.append))
            while not reports:
                await asyncio.sleep(0.01)
            task.cancel()

    asyncio.run(go())
    assert len(calls) >= 2 and dict(reports[0].outcomes) == {"new": 1}  # the failed pass, then a good one
    assert "pass abandoned, the database failed: (builtins.Exception) server closed the connection" in caplog.text


@pytest.mark.parametrize("lost_at", ["claim", "write"])
def test_a_pass_that_loses_the_database_mid_way_fails_with_the_database_error(site, store, lost_at):
    # batches of one page: the second page's batch is claimed while the first is being written
    for name in ("storm", "election"):
        site.routes[f"/{name}"] = article_page(name.title(), STORM)
        store.add_source(site.url(f"/{name}"), "page")
    lost = OperationalError("UPDATE", {}, Exception("server closed the connection unexpectedly"))
    real_claim, real_batch, claims, batches = store.claim_due, store.batch, [], []

    def flaky_claim(*args, **kwargs):
        claims.append(1)
        if lost_at == "claim" and len(claims) == 2:
            raise lost
        return real_claim(*args, **kwargs)

    def flaky_batch():
        batches.append(1)
        if lost_at == "write" and len(batches) > 1:  # the polls' group commit works, the checks' do not
            raise lost
        return real_batch()

    store.claim_due, store.batch = flaky_claim, flaky_batch

    async def go():
        async with Fetcher(FetchPolicy(allow_private=True, delay=0)) as fetcher:
            return await Tracker(store, fetcher, clock=Clock(), batch=1).run_once()

    with pytest.raises(OperationalError, match="server closed the connection"):  # not an exception group
        asyncio.run(go())


def test_a_host_that_rebinds_to_a_private_address_is_recorded_as_such(site, store):
    # a news host on a public address, then DNS rebinding: robots.txt is read from the public address, and
    # the page's own connection, a moment later, would go to 127.0.0.1
    url = site.url("/storm").replace("127.0.0.1", "news.example")
    store.add_source(url, "page")
    dns, internet, clock = FakeDns(), FakeInternet(), Clock()

    def checked_run():
        async def go():
            async with Fetcher(FetchPolicy(delay=0), resolve=dns, network=internet) as fetcher:
                return await Tracker(store, fetcher, clock=clock).run_once()
        return asyncio.run(go())

    dns.answers["news.example"] = [[PUBLIC]]
    assert dict(checked_run().outcomes) == {"new": 1}

    clock.now += timedelta(hours=1)
    site.routes["/robots.txt"] = Reply(b"", status=404, headers={"Connection": "close"})
    dns.answers["news.example"] = [[PUBLIC], ["127.0.0.1"]]
    dns.lookups.clear()
    assert dict(checked_run().outcomes) == {"private_address": 1}
    assert dns.lookups == ["news.example", "news.example"]
    assert site.hits["/storm"] == 1 and site.hits["/robots.txt"] == 2
    assert "127.0.0.1" not in internet.connected
    assert [(f.url, f.kind, f.detail) for f in store.failures()] == [(
        url, "private_address",
        "news.example resolves to 127.0.0.1, which is a loopback address (pass --allow-private to fetch it)")]


def test_one_hostile_feed_entry_is_one_counted_rejection_and_the_pass_goes_on(site, store):
    site.routes["/hostile.xml"] = Reply(
        b'<rss version="2.0"><channel><item><link>http://h:99999/x</link></item>'
        b"<item><link>/markets</link><pubDate>Mon, 23 Nov 99999 10:00:00 GMT</pubDate></item></channel></rss>",
        headers={"Content-Type": "application/rss+xml"})
    site.routes["/deep.json"] = Reply(
        b'{"version": "https://jsonfeed.org/version/1.1", "items": [' + b"[" * 100_000 + b"]" * 100_000 + b"]}",
        headers={"Content-Type": "application/feed+json"})
    site.routes["/ipv6.json"] = Reply(
        b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"url": "http://[::1"}, {"url": "/election"}]}',
        headers={"Content-Type": "application/feed+json"})
    for feed in ("/hostile.xml", "/deep.json", "/ipv6.json"):
        store.add_source(site.url(feed), "feed")
    store.add_source(site.url("/storm"), "page")
    report = run(store, Clock())
    assert report.rejected_entries == 2 and report.discovered == 3
    assert dict(report.outcomes) == {"new": 3}
    assert [(f.url, f.kind) for f in report.failed_feeds] == [(site.url("/deep.json"), "bad_feed")]
    assert "nested too deeply" in report.failed_feeds[0].detail


def test_a_source_with_an_unusable_url_is_a_failure_not_a_dead_pass(site, store):
    store.add_source("http://0177.0.0.1/feed", "feed")
    store.add_source(site.url("/storm"), "page")
    report = run(store, Clock())
    assert [(f.url, f.kind) for f in report.failed_feeds] == [("http://0177.0.0.1/feed", "http_error")]
    assert dict(report.outcomes) == {"new": 1}
    [source] = [s for s in store.sources() if s.kind == "feed"]
    assert source.last_polled_at == T0  # tried, and when, even though it failed
