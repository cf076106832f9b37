"""``variorum track add | list | run`` end to end against a local site."""

from __future__ import annotations

import json

import pytest

from helpers import ELECTION, STORM
from localsite import LocalSite, Reply, article_page, rss
from variorum.store import open_store


@pytest.fixture
def site():
    with LocalSite() as running:
        running.routes["/feed.xml"] = rss(running, ["/storm", "/election"])
        running.routes["/storm"] = article_page("Storm hits coast", STORM)
        running.routes["/election"] = article_page("Close race expected", ELECTION)
        yield running


def test_add_tells_feeds_from_pages_and_run_stores_versions(site, tmp_path, run_cli):
    db = str(tmp_path / "t.db")
    code, out, err = run_cli("track", "add", site.url("/feed.xml"), site.url("/storm"), "--allow-private", "--db", db)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"watching feed {site.url('/feed.xml')} (source 1)", f"watching page {site.url('/storm')} (source 2)",
    ]
    code, out, _ = run_cli("track", "add", site.url("/storm"), "--kind", "page", "--allow-private", "--db", db)
    assert out.strip() == f"already watching page {site.url('/storm')} (source 2)"

    code, out, _ = run_cli("track", "list", "--db", db)
    assert [line.split("\t")[:3] for line in out.splitlines()] == [
        ["1", "feed", site.url("/feed.xml")], ["2", "page", site.url("/storm")],
    ]

    code, out, err = run_cli("track", "run", "--once", "--allow-private", "--delay", "0", "--format", "json", "--db", db)
    assert code == 0
    report = json.loads(out)
    assert (report["feeds"], report["discovered"], report["outcomes"]) == (1, 2, {"new": 2})
    store = open_store(db)
    assert [entry.title for entry in store.history(site.url("/storm"))] == ["Storm hits coast"]
    store.close()


def test_remove_stops_watching_and_keeps_the_versions(site, tmp_path, run_cli):
    db = str(tmp_path / "t.db")
    run_cli("track", "add", site.url("/feed.xml"), "--kind", "feed", "--allow-private", "--db", db)
    run_cli("track", "run", "--once", "--allow-private", "--delay", "0", "--db", db)
    code, out, _ = run_cli("track", "remove", site.url("/feed.xml"), "--db", db)
    assert (code, out.strip()) == (0, f"stopped watching {site.url('/feed.xml')}")
    assert run_cli("track", "list", "--db", db)[1] == ""
    code, _, err = run_cli("track", "remove", site.url("/feed.xml"), "--db", db)
    assert code == 2 and err.strip() == (
        f"variorum: error: {site.url('/feed.xml')}: not a watched source (see 'variorum track list')")
    store = open_store(db)
    assert store.latest_version(site.url("/storm")) == 1 and store.article(site.url("/storm")).source_id is None
    store.close()


def test_run_posts_new_versions_to_webhooks(site, tmp_path, run_cli):
    db = str(tmp_path / "t.db")
    run_cli("track", "add", site.url("/storm"), "--kind", "page", "--allow-private", "--db", db)
    hook = ["--webhook", site.url("/hooks/newsroom")]
    code, out, err = run_cli("track", "run", "--once", "--allow-private", "--delay", "0", *hook, "--db", db)
    assert (code, err, site.posts) == (0, "", [])  # a first version is not a change
    site.routes["/storm"] = article_page("Storm batters coast", STORM)
    code, out, err = run_cli("track", "run", "--once", "--all", "--allow-private", "--delay", "0", *hook, "--db", db)
    assert out.strip() == "polled 0 feeds, discovered 0 articles, checked 1: 1 new"
    [(path, headers, body)] = site.posts
    payload = json.loads(body)
    assert path == "/hooks/newsroom" and headers["Content-Type"] == "application/json"
    assert (payload["url"], payload["title"], payload["version"], payload["against"]) == (
        site.url("/storm"), "Storm batters coast", 2, 1)
    assert [change["kind"] for change in payload["comparison"]["changes"]] == ["headline"]


def test_private_addresses_are_refused_without_the_flag(site, tmp_path, run_cli):
    db = str(tmp_path / "t.db")
    code, out, err = run_cli("track", "add", site.url("/feed.xml"), "--db", db)
    assert code == 2 and out == ""
    assert err.strip() == (f"variorum: error: {site.url('/feed.xml')}: cannot fetch it to tell a feed from a page: "
                           "127.0.0.1 is a loopback address (pass --allow-private to fetch it); "
                           "pass --kind feed or --kind page to add it anyway")
    code, _, err = run_cli("track", "add", "http://10.1.2.3/feed", "--kind", "feed", "--db", db)
    assert code == 2 and "10.1.2.3 is a private address" in err

    run_cli("track", "add", site.url("/storm"), "--kind", "page", "--allow-private", "--db", db)
    code, out, _ = run_cli("track", "run", "--once", "--db", db)
    assert out.strip() == "polled 0 feeds, discovered 1 article, checked 1: 1 private address"
    assert site.hits["/storm"] == 0


@pytest.mark.parametrize("args, message", [
    (["track", "add", "ftp://example.org/x"], "ftp://example.org/x: not an http:// or https:// URL"),
    (["track", "run", "--once", "--every", "soon"], "not a duration: 'soon'"),
    (["track", "run", "--once", "--max-age", "10 years"], "not a duration: '10 years'"),
    (["track", "run", "--once", "--first-recheck", "0s"], "--first-recheck must be longer than zero"),
    (["track", "run", "--all"], "--all goes with --once"),
    (["track", "run", "--once", "--webhook", "file:///etc/passwd"], "file:///etc/passwd: not an http:// or https:// URL"),
])
def test_bad_arguments_get_one_clear_line(args, message, tmp_path, run_cli):
    code, out, err = run_cli(*args, "--db", str(tmp_path / "t.db"))
    assert code == 2 and out == "" and message in err and len(err.strip().splitlines()) == 1


def test_an_unreachable_database_is_one_clear_line(run_cli):
    code, _, err = run_cli("track", "list", "--db", "postgresql://nobody@127.0.0.1:1/none")
    assert code == 2
    assert err.startswith("variorum: error: postgresql://nobody@127.0.0.1:1/none: cannot open the database (")
    assert len(err.strip().splitlines()) == 1


def test_add_keeps_the_notification_filter_of_a_source(site, tmp_path, run_cli):
    db = str(tmp_path / "t.db")
    code, _, _ = run_cli("track", "add", site.url("/storm"), "--kind", "page", "--min-significance", "major",
                         "--headline-only", "--allow-private", "--db", db)
    store = open_store(db)
    [source] = store.sources()
    store.close()
    assert (code, source.min_significance, source.headline_only) == (0, "major", True)
    code, _, err = run_cli("track", "add", site.url("/a"), "--min-significance", "huge", "--db", db)
    assert code == 2 and "huge" in err


def test_a_failing_feed_is_named_in_the_json_report_and_listed_as_polled(site, tmp_path, run_cli):
    db = str(tmp_path / "t.db")
    site.routes["/down.xml"] = Reply(b"down", status=503)
    run_cli("track", "add", site.url("/down.xml"), site.url("/feed.xml"), "--kind", "feed", "--allow-private",
            "--db", db)
    code, out, _ = run_cli("track", "run", "--once", "--allow-private", "--delay", "0", "--format", "json", "--db", db)
    assert code == 0
    report = json.loads(out)
    assert report["feed_failures"] == [{"url": site.url("/down.xml"), "kind": "http_error", "detail": "HTTP 503"}]
    assert (report["feeds"], report["outcomes"]) == (2, {"new": 2})
    _, out, _ = run_cli("track", "list", "--db", db)
    down, good = (line.split("\t")[3] for line in out.splitlines())
    assert down.startswith("last polled 20") and down.endswith("(failed: http error)")
    assert good.startswith("last polled 20") and "failed" not in good


@pytest.mark.parametrize("url, problem", [
    ("http://news.example:99999/feed", "not a usable URL (Port out of range 0-65535)"),
    ("http://[::1/feed", "not a usable URL (Invalid IPv6 URL)"),
])
def test_add_with_a_bad_url_is_one_line_not_a_traceback(url, problem, tmp_path, run_cli):
    for kind in ("auto", "feed"):
        code, out, err = run_cli("track", "add", url, "--kind", kind, "--db", str(tmp_path / "t.db"))
        assert (code, out) == (2, "") and err.strip() == f"variorum: error: {url}: {problem}"
