"""robots.txt by RFC 9309 (through Protego): each rule the standard library's parser got wrong, and
Crawl-delay. The fetcher's use of them (robots.txt read once per host, Crawl-delay as a floor on the host
delay) is tested in test_track_fetch.py."""

from __future__ import annotations

import pytest

from variorum.track.fetch import USER_AGENT
from variorum.track.robots import MAX_CRAWL_DELAY, read_robots

SITE = "https://news.example.org"


def allowed(robots: str, path: str, agent: str = USER_AGENT) -> bool:
    return read_robots(200, robots.encode()).allows(SITE + path, agent)


@pytest.mark.parametrize("robots, path, expected", [
    # the longest match wins, whatever the order of the lines
    ("User-agent: *\nDisallow: /\nAllow: /news/\n", "/news/story", True),
    ("User-agent: *\nAllow: /news/\nDisallow: /\n", "/news/story", True),
    ("User-agent: *\nDisallow: /\nAllow: /news/\n", "/sport/story", False),
    ("User-agent: *\nAllow: /news/\nDisallow: /news/drafts/\n", "/news/drafts/x", False),
    # Allow beats Disallow when both match with the same length
    ("User-agent: *\nDisallow: /news/\nAllow: /news/\n", "/news/a", True),
    # * and $ wildcards
    ("User-agent: *\nDisallow: /*?print=\n", "/news/a?print=1", False),
    ("User-agent: *\nDisallow: /*?print=\n", "/news/a?page=2", True),
    ("User-agent: *\nDisallow: /*.pdf$\n", "/files/report.pdf", False),
    ("User-agent: *\nDisallow: /*.pdf$\n", "/files/report.pdf?download=1", True),
])
def test_rfc_9309_matching(robots, path, expected):
    assert allowed(robots, path) is expected


def test_our_own_group_is_preferred_to_the_star_group():
    robots = "User-agent: *\nDisallow: /\n\nUser-agent: Variorum\nDisallow: /private/\n"
    assert allowed(robots, "/news/a") and not allowed(robots, "/private/a")
    assert not allowed(robots, "/news/a", agent="SomeOtherBot/2.0")


def test_crawl_delay_of_our_group_or_of_everyone_capped():
    robots = "User-agent: *\nCrawl-delay: 5\n\nUser-agent: Variorum\nCrawl-delay: 2\n"
    assert read_robots(200, robots.encode()).crawl_delay(USER_AGENT) == 2.0
    assert read_robots(200, b"User-agent: *\nCrawl-delay: 5\n").crawl_delay(USER_AGENT) == 5.0
    assert read_robots(200, b"User-agent: *\nCrawl-delay: 86400\n").crawl_delay(USER_AGENT) == MAX_CRAWL_DELAY
    assert read_robots(200, b"User-agent: *\nDisallow:\n").crawl_delay(USER_AGENT) is None


@pytest.mark.parametrize("status, expected", [(404, True), (410, True), (301, True), (500, False), (None, False)])
def test_a_missing_robots_txt_allows_and_an_unreachable_one_refuses(status, expected):
    assert read_robots(status, b"").allows(SITE + "/a", USER_AGENT) is expected
