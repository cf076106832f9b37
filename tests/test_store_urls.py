"""Canonical article URLs (one article is one article whatever link or campaign led to it), and the
examples in the store modules' docstrings."""

from __future__ import annotations


import pytest

from variorum.text.urls import canonical_url


@pytest.mark.parametrize(("url", "canonical"), [
    ("https://example.org/a?utm_source=rss&utm_medium=feed&utm_campaign=x", "https://example.org/a"),
    ("https://example.org/a?id=7&fbclid=abc&gclid=def&mc_cid=1", "https://example.org/a?id=7"),
    ("https://example.org/a?UTM_Source=x&page=2", "https://example.org/a?page=2"),
    ("HTTP://Example.ORG:80/A/B#section-2", "http://example.org/A/B"),
    ("https://example.org:8443/a", "https://example.org:8443/a"),
    ("https://example.org", "https://example.org/"),
    ("https://example.org/a?b=2&a=1", "https://example.org/a?a=1&b=2"),
    ("https://example.org/a?q=&x=1", "https://example.org/a?q=&x=1"),
    ("https://[::1]:443/a", "https://[::1]/a"),
    ("  https://example.org/a  ", "https://example.org/a"),
])
def test_canonical_url(url, canonical):
    assert canonical_url(url) == canonical


def test_path_case_and_meaningful_parameters_are_kept():
    assert canonical_url("https://example.org/Story?id=1") != canonical_url("https://example.org/story?id=1")
    assert canonical_url("https://example.org/s?id=1") != canonical_url("https://example.org/s?id=2")
