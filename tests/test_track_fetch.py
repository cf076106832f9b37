"""The fetcher against a real local HTTP server: conditional GET, errors, timeouts, redirects, size cap,
robots.txt, private addresses (checked on the address connected to, so DNS rebinding is caught), per-host
pacing and the User-Agent."""

from __future__ import annotations

import asyncio
import ipaddress
import itertools
from urllib.parse import urlsplit

import pytest

from localsite import PUBLIC, FakeDns, FakeInternet, LocalSite, Reply, drip
from variorum.track.fetch import USER_AGENT, Fetcher, FetchPolicy

LOCAL = FetchPolicy(allow_private=True, delay=0.0, timeout=2.0, deadline=3.0)
CHECKED = FetchPolicy(delay=0.0, timeout=2.0, deadline=3.0)


def fetch(url: str, policy: FetchPolicy = LOCAL, *, dns: FakeDns | None = None, internet: FakeInternet | None = None,
          **validators: str):
    async def go():
        async with Fetcher(policy, **({"resolve": dns} if dns else {}), network=internet) as fetcher:
            return await fetcher.fetch(url, **validators)
    return asyncio.run(go())


@pytest.fixture
def dns():
    return FakeDns()


@pytest.fixture
def internet():
    return FakeInternet()


@pytest.fixture
def site():
    with LocalSite() as running:
        yield running


def test_a_page_comes_back_with_status_headers_body_and_our_user_agent(site):
    site.routes["/a"] = Reply(b"<p>hello</p>", headers={"Content-Type": "text/html; charset=ISO-8859-1"})
    fetched = fetch(site.url("/a"))
    assert (fetched.failure, fetched.status, fetched.body) == (None, 200, b"<p>hello</p>")
    assert (fetched.content_type, fetched.charset) == ("text/html", "ISO-8859-1")
    page_requests = [headers for _, path, headers in site.requests if path == "/a"]
    assert page_requests[0]["User-Agent"] == USER_AGENT


def test_conditional_get_sends_the_validators_and_reads_304(site):
    site.routes["/a"] = Reply(b"<p>hello</p>", etag='"v1"')
    first = fetch(site.url("/a"))
    assert first.headers["etag"] == '"v1"'
    again = fetch(site.url("/a"), etag='"v1"', last_modified="Mon, 23 Nov 2026 10:00:00 GMT")
    assert again.not_modified and again.body == b""
    headers = site.requests[-1][2]
    assert headers["If-None-Match"] == '"v1"'
    assert headers["If-Modified-Since"] == "Mon, 23 Nov 2026 10:00:00 GMT"


def test_server_errors_are_http_error_failures(site):
    site.routes["/boom"] = Reply(b"oops", status=500)
    fetched = fetch(site.url("/boom"))
    assert (fetched.failure, fetched.status, fetched.detail) == ("http_error", 500, "HTTP 500")
    assert fetch(site.url("/missing")).status == 404


def test_a_slow_server_is_a_timeout(site):
    site.routes["/slow"] = Reply(b"late", delay=3.0)
    assert fetch(site.url("/slow"), FetchPolicy(allow_private=True, delay=0, timeout=0.5, deadline=5)).failure == "timeout"


def test_a_dripping_answer_is_cut_off_by_the_deadline(site):
    site.routes["/drip"] = Reply(drip(100, 10, pause=0.1))
    fetched = fetch(site.url("/drip"), FetchPolicy(allow_private=True, delay=0, timeout=1.0, deadline=1.0))
    assert fetched.failure == "timeout"


def test_redirects_are_followed_but_loops_and_long_chains_are_refused(site):
    site.routes["/old"] = Reply(status=301, headers={"Location": "/new"})
    site.routes["/new"] = Reply(b"<p>moved</p>")
    moved = fetch(site.url("/old"))
    assert (moved.failure, moved.final_url, moved.body) == (None, site.url("/new"), b"<p>moved</p>")

    site.routes["/loop-a"] = Reply(status=302, headers={"Location": "/loop-b"})
    site.routes["/loop-b"] = Reply(status=302, headers={"Location": "/loop-a"})
    loop = fetch(site.url("/loop-a"))
    assert loop.failure == "redirects" and "loop" in loop.detail

    for hop in range(10):
        site.routes[f"/hop{hop}"] = Reply(status=307, headers={"Location": f"/hop{hop + 1}"})
    chain = fetch(site.url("/hop0"))
    assert chain.failure == "redirects" and "more than 5 redirects" in chain.detail
    assert site.hits["/hop6"] == 0


@pytest.mark.parametrize("chunked", [False, True])
def test_a_50_mb_answer_is_refused_without_reading_it_all(site, chunked):
    body = drip(50 * 16, 64 * 1024) if chunked else b"x" * (50 * 1024 * 1024)
    site.routes["/huge"] = Reply(body)
    fetched = fetch(site.url("/huge"), FetchPolicy(allow_private=True, delay=0, max_bytes=1024 * 1024))
    assert fetched.failure == "too_large" and fetched.body == b""


def test_private_addresses_are_refused_unless_allowed(site):
    site.routes["/a"] = Reply(b"<p>hello</p>")
    refused = fetch(site.url("/a"), FetchPolicy(delay=0))
    assert refused.failure == "private_address"
    assert refused.detail == "127.0.0.1 is a loopback address (pass --allow-private to fetch it)"
    assert site.requests == []  # not even robots.txt
    assert fetch("http://localhost:9/x", FetchPolicy(delay=0)).failure == "private_address"
    assert fetch("http://[::1]:9/x", FetchPolicy(delay=0)).failure == "private_address"
    assert fetch("http://169.254.169.254/latest/meta-data", FetchPolicy(delay=0)).failure == "private_address"
    assert fetch(site.url("/a"), FetchPolicy(delay=0, allow_private=True)).body == b"<p>hello</p>"


def test_a_public_host_is_fetched_from_the_address_that_was_checked(site, dns, internet):
    site.routes["/a"] = Reply(b"<p>hello</p>")
    dns.answers["news.example"] = [[PUBLIC]]
    url = site.url("/a").replace("127.0.0.1", "news.example")
    fetched = fetch(url, CHECKED, dns=dns, internet=internet)
    assert (fetched.failure, fetched.body) == (None, b"<p>hello</p>")
    assert site.requests[-1][2]["Host"] == urlsplit(url).netloc
    assert dns.lookups == ["news.example"]  # robots.txt, then the page, on one connection
    assert internet.connected == [PUBLIC]


def test_dns_rebinding_between_two_connections_is_caught(site, dns, internet):
    # robots.txt is read from the public address; the server closes that connection, and when the page is
    # fetched on a new one the name answers 127.0.0.1: that connection is refused, not made
    site.routes["/robots.txt"] = Reply(b"not here", status=404, headers={"Connection": "close"})
    site.routes["/a"] = Reply(b"<p>internal</p>")
    dns.answers["news.example"] = [[PUBLIC], ["127.0.0.1"]]
    fetched = fetch(site.url("/a").replace("127.0.0.1", "news.example"), CHECKED, dns=dns, internet=internet)
    assert fetched.failure == "private_address"
    assert fetched.detail == ("news.example resolves to 127.0.0.1, which is a loopback address "
                              "(pass --allow-private to fetch it)")
    assert dns.lookups == ["news.example", "news.example"]
    assert internet.connected == [PUBLIC]
    assert site.hits == {"/robots.txt": 1}


@pytest.mark.parametrize("answer, kind", [
    (["127.0.0.1"], "loopback"),
    (["::ffff:127.0.0.1"], "loopback"),
    (["169.254.169.254"], "link-local"),
    (["::ffff:169.254.169.254"], "link-local"),
    (["fe80::1"], "link-local"),
    ([PUBLIC, "10.0.0.5"], "private"),  # every address must be public, not just the first
    (["2606:2800:220:1::1", "fd00::1"], "private"),
])
def test_a_host_with_any_non_public_address_is_refused_without_connecting(dns, internet, answer, kind):
    dns.answers["news.example"] = [answer]
    fetched = fetch("http://news.example/a", CHECKED, dns=dns, internet=internet)
    assert fetched.failure == "private_address"
    named = ipaddress.ip_address(answer[-1])  # ::ffff:169.254.169.254 is written ::ffff:a9fe:a9fe
    assert fetched.detail.startswith(f"news.example resolves to {named}, which is a {kind} address")
    assert internet.connected == []


@pytest.mark.parametrize("url", ["http://169.254.169.254/latest/meta-data", "http://[::ffff:169.254.169.254]/x",
                                 "http://[::ffff:7f00:1]/x"])
def test_address_literals_are_refused_without_connecting(internet, url):
    fetched = fetch(url, CHECKED, internet=internet)
    assert fetched.failure == "private_address" and "pass --allow-private" in fetched.detail
    assert internet.connected == []


def test_the_checked_addresses_are_tried_in_order(site, dns, internet):
    site.routes["/a"] = Reply(b"<p>hello</p>")
    dns.answers["news.example"] = [["93.184.215.15", PUBLIC]]  # the first one does not answer
    policy = FetchPolicy(delay=0, obey_robots=False)
    fetched = fetch(site.url("/a").replace("127.0.0.1", "news.example"), policy, dns=dns, internet=internet)
    assert (fetched.failure, fetched.body) == (None, b"<p>hello</p>")
    assert internet.connected == ["93.184.215.15", PUBLIC]


def test_tls_is_checked_against_the_host_name_not_the_address(site, dns, internet):
    dns.answers["news.example"] = [[PUBLIC]]
    policy = FetchPolicy(delay=0, obey_robots=False)
    fetched = fetch(site.url("/a").replace("http://127.0.0.1", "https://news.example"), policy, dns=dns,
                    internet=internet)
    assert internet.connected == [PUBLIC] and internet.tls_names == ["news.example"]
    assert fetched.failure == "network"


def test_a_name_that_does_not_resolve_is_a_network_failure_not_a_robots_one(dns, internet):
    fetched = fetch("http://gone.example/a", CHECKED, dns=dns, internet=internet)
    assert (fetched.failure, fetched.detail) == ("network", "cannot resolve gone.example (name not found)")
    assert internet.connected == []


def test_a_resolver_that_never_answers_is_a_timeout(internet):
    async def silent(host, port=None):
        await asyncio.sleep(60)

    policy = FetchPolicy(delay=0, timeout=0.2, deadline=5.0, obey_robots=False)
    fetched = fetch("http://news.example/a", policy, dns=silent, internet=internet)
    assert fetched.failure == "timeout" and internet.connected == []


def test_every_redirect_hop_is_checked_for_private_addresses(site, dns, internet):
    dns.answers["news.example"] = [[PUBLIC]]
    site.routes["/jump"] = Reply(status=302, headers={"Location": "http://10.0.0.1/admin"})
    fetched = fetch(site.url("/jump").replace("127.0.0.1", "news.example"), CHECKED, dns=dns, internet=internet)
    assert site.hits["/jump"] == 1
    assert (fetched.failure, fetched.final_url) == ("private_address", "http://10.0.0.1/admin")
    assert fetched.detail == "10.0.0.1 is a private address (pass --allow-private to fetch it)"
    assert "10.0.0.1" not in internet.connected


def test_robots_txt_is_honoured(site):
    site.routes["/robots.txt"] = Reply(b"User-agent: *\nDisallow: /private/\n", headers={"Content-Type": "text/plain"})
    site.routes["/private/a"] = Reply(b"<p>secret</p>")
    site.routes["/public/a"] = Reply(b"<p>open</p>")

    async def go():
        async with Fetcher(LOCAL) as fetcher:
            return await fetcher.fetch(site.url("/private/a")), await fetcher.fetch(site.url("/public/a"))

    private, public = asyncio.run(go())
    assert private.failure == "robots" and site.hits["/private/a"] == 0
    assert public.failure is None
    assert site.hits["/robots.txt"] == 1  # read once per host


def test_an_unreachable_robots_txt_disallows_and_a_missing_one_allows(site):
    site.routes["/robots.txt"] = Reply(b"down", status=503)
    site.routes["/a"] = Reply(b"<p>hello</p>")
    assert fetch(site.url("/a")).failure == "robots"
    del site.routes["/robots.txt"]
    assert fetch(site.url("/a")).failure is None


def test_requests_to_one_host_are_spaced_by_the_delay(site):
    site.routes["/a"] = Reply(b"<p>hello</p>")
    policy = FetchPolicy(allow_private=True, delay=0.2, per_host=4, obey_robots=False)

    async def go():
        async with Fetcher(policy) as fetcher:
            return await asyncio.gather(*(fetcher.fetch(site.url("/a")) for _ in range(4)))

    assert all(f.failure is None for f in asyncio.run(go()))
    starts = sorted(at for at, path, _ in site.requests if path == "/a")
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    assert len(gaps) == 3 and min(gaps) >= 0.1  # unpaced, they would all start at once


@pytest.mark.parametrize("answer, embedded", [
    (["2002:7f00:1::"], "127.0.0.1"),       # 6to4 of 127.0.0.1
    (["2002:a00:1::5"], "10.0.0.1"),         # 6to4 of 10.0.0.1
    (["64:ff9b::a9fe:a9fe"], "169.254.169.254"),  # NAT64 of the metadata address
    (["::7f00:1"], "127.0.0.1"),             # IPv4-compatible
])
def test_an_address_embedding_a_private_ipv4_is_refused_without_connecting(dns, internet, answer, embedded):
    dns.answers["news.example"] = [answer]
    fetched = fetch("http://news.example/a", CHECKED, dns=dns, internet=internet)
    assert fetched.failure == "private_address" and internet.connected == []
    literal = fetch(f"http://[{answer[0]}]/a", CHECKED, internet=internet)
    assert literal.failure == "private_address" and internet.connected == []


def test_a_6to4_address_of_a_public_ipv4_is_still_fetched(site, dns, internet):
    site.routes["/a"] = Reply(b"<p>hello</p>")
    dns.answers["news.example"] = [["2002:5db8:d70e::1"]]  # 6to4 of 93.184.215.14
    fetched = fetch("http://news.example/a", FetchPolicy(delay=0, obey_robots=False), dns=dns, internet=internet)
    # allowed to connect (the fake internet has no route to it: a network failure, not a refusal)
    assert fetched.failure == "network" and internet.connected == ["2002:5db8:d70e::1"]


@pytest.mark.parametrize("url", [
    "http://0177.0.0.1/feed",      # octal 127.0.0.1: httpx refuses to parse it
    "http://news.example:99999/x",  # a port out of range
    "http://[::1/x",                # a broken IPv6 literal
])
def test_an_unusable_url_is_a_failure_never_an_exception(dns, internet, url):
    for policy in (CHECKED, LOCAL):
        fetched = fetch(url, policy, dns=dns, internet=internet)
        assert fetched.failure == "http_error" and "not a usable URL" in fetched.detail
    assert internet.connected == []


def test_a_redirect_to_an_unusable_url_is_a_failure(site):
    site.routes["/broken"] = Reply(status=302, headers={"Location": "http://[::1/x"})
    site.routes["/far"] = Reply(status=302, headers={"Location": "http://127.0.0.1:99999/x"})
    broken, far = fetch(site.url("/broken")), fetch(site.url("/far"))
    assert (broken.failure, broken.detail) == ("network", "Invalid URL in location header: Invalid port: ':1'.")
    assert far.failure == "http_error" and far.detail.startswith("not a usable URL: http://127.0.0.1:99999/x")


def test_crawl_delay_is_a_floor_on_the_host_delay(site):
    site.routes["/robots.txt"] = Reply(b"User-agent: *\nCrawl-delay: 0.3\n", headers={"Content-Type": "text/plain"})
    site.routes["/a"] = Reply(b"<p>hello</p>")

    async def go():
        async with Fetcher(LOCAL) as fetcher:  # delay 0, yet robots.txt asks for 0.3 s
            return await asyncio.gather(*(fetcher.fetch(site.url("/a")) for _ in range(3)))

    assert all(f.failure is None for f in asyncio.run(go()))
    starts = sorted(at for at, path, _ in site.requests if path == "/a")
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    assert len(gaps) == 2 and min(gaps) >= 0.25  # unpaced, they would all start at once
