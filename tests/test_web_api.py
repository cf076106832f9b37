"""The web interface and its JSON API, served by uvicorn on a free local port and requested with httpx,
on SQLite and PostgreSQL: every page and its JSON twin, filters, comparisons, clusters, the ad-hoc
compare, the upload cap, the security headers, escaping of a hostile article, and the token on the write
endpoints. ``serving`` and ``fill`` are shared with the browser tests."""

from __future__ import annotations

import doctest
import importlib
import re
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator
from xml.etree import ElementTree

import httpx
import pytest
import uvicorn

from helpers import CALM, SEED_A, SEED_B, SYRIA, T0, fill, serving
from variorum import Article
from variorum.store import Origin, Store, open_store
from variorum.store.queries import ArticleFilter, list_articles
from variorum.track.record import record_fetch
from variorum.web import create_app
from variorum.web.security import CONTENT_SECURITY_POLICY

TOKEN = "s3cret-token"


@contextmanager
def make_client(store: Store, **options: Any) -> Iterator[httpx.Client]:
    """An httpx client of the app over ``store`` served on a local port."""
    with serving(create_app(store, **options)) as base_url, httpx.Client(base_url=base_url, timeout=60) as http:
        yield http


@pytest.fixture
def filled(store: Store) -> dict[str, int]:
    return fill(store)


@pytest.fixture
def client(store: Store, filled: dict[str, int]) -> Iterator[httpx.Client]:
    with make_client(store) as http:
        yield http


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path / "web.db")
    yield opened
    opened.close()


# listing and searching ------------------------------------------------------------------------------


def test_articles_json_lists_every_article_most_recently_changed_first(client, filled):
    body = client.get("/api/articles").json()
    assert body["total"] == 4
    assert [a["id"] for a in body["articles"]] == [filled["syria"], filled["hostile"], filled["wire"], filled["calm"]]
    syria = body["articles"][0]
    assert (syria["site"], syria["versions"], syria["max_significance"]) == ("news.example.org", 3, "major")
    assert syria["last_version_at"] == (T0 + timedelta(days=1)).isoformat()
    assert syria["source_id"] == filled["feed"]


@pytest.mark.parametrize(("query", "expected"), [
    ("q=SYRIA", ["syria", "wire"]),
    ("q=hostile", ["hostile"]),
    ("site=example.org", ["syria", "calm"]),
    ("site=wire.example.com", ["wire"]),
    ("kind=number", ["syria"]),
    ("kind=paragraph_added", ["hostile"]),
    ("significance=major", ["syria", "hostile"]),
    ("since=2026-01-31", ["syria"]),
    ("until=2026-01-29", ["calm"]),
    ("since=2026-01-30&until=2026-01-30", ["syria", "hostile", "wire"]),
    ("q=100%25_", []),
])
def test_filters_narrow_the_listing(client, filled, query, expected):
    ids = [a["id"] for a in client.get(f"/api/articles?{query}").json()["articles"]]
    assert ids == [filled[name] for name in expected]


def test_source_filter_and_paging(client, filled):
    assert [a["id"] for a in client.get(f"/api/articles?source={filled['feed']}").json()["articles"]] == [filled["syria"]]
    first = client.get("/api/articles?limit=3").json()
    second = client.get("/api/articles?limit=3&offset=3").json()
    assert (len(first["articles"]), len(second["articles"]), second["total"]) == (3, 1, 4)
    page = client.get("/?limit=3").text
    assert 'rel="next" href="?offset=3"' in page or "offset=3" in page


def test_the_list_is_most_recently_changed_first_never_fetched_last_on_every_page(store):
    start = datetime(2026, 2, 1, tzinfo=timezone.utc)
    changes = {"a": [0, 5], "b": [3], "c": [1, 2, 7], "d": [4], "e": [6]}  # hours of each article's versions
    for name, hours in changes.items():
        for number, hour in enumerate(hours):
            record_fetch(store, f"https://example.org/{name}", Article.from_text(f"{name}\n\n{number} told."),
                                 fetched_at=start + timedelta(hours=hour))
    store.discover([(f"https://example.org/new{n}", None) for n in range(3)], at=start)
    expected = ["c", "e", "a", "d", "b", "new2", "new1", "new0"]
    for limit in (1, 2, 3, 5, 8, 20):
        seen = []
        for offset in range(0, 10, limit):
            page = list_articles(store, ArticleFilter(limit=limit, offset=offset))
            assert page.total == 8
            seen += [row.url.rsplit("/", 1)[1] for row in page.rows]
        assert seen == expected, limit


def test_a_search_matching_more_than_it_ranks_says_so_and_pages_on(store, monkeypatch):
    monkeypatch.setattr("variorum.store.queries.RANKED", 2)
    for n in range(4):
        record_fetch(store, f"https://example.org/tide{n}", Article.from_text(f"Tide {n}\n\nHigh tide at noon."),
                     fetched_at=T0 + timedelta(hours=n))
    with make_client(store) as http:
        body = http.get("/api/articles?q=tide&limit=2").json()
        assert (body["total"], body["more"], len(body["articles"])) == (2, True, 2)
        assert http.get("/api/articles?q=noon&limit=2&offset=2").json()["more"] is True
        page = http.get("/?q=tide&limit=2").text
        assert "more than 2 articles" in page and "of more than 2" in page and 'rel="next"' in page
        assert [a["url"] for a in http.get("/api/articles?q=tide&offset=2").json()["articles"]] == [
            "https://example.org/tide1", "https://example.org/tide0"]


def test_a_backfilled_version_shows_its_archive_capture_on_the_history_and_version_pages(store):
    capture = "https://archive.example/web/20260130090000id_/https://example.org/tide"
    record_fetch(store, "https://example.org/tide", Article.from_text("Tide\n\nHigh tide at noon."),
                 fetched_at=T0, origin=Origin("archive", capture))
    record_fetch(store, "https://example.org/tide", Article.from_text("Tide\n\nHigh tide at one."),
                 fetched_at=T0 + timedelta(hours=2))
    with make_client(store) as http:
        [row] = http.get("/api/articles").json()["articles"]
        timeline = http.get(f"/api/articles/{row['id']}").json()["timeline"]
        assert [(p["origin"], p["origin_url"]) for p in timeline] == [("archive", capture), (None, None)]
        assert http.get(f"/api/articles/{row['id']}/versions/1").json()["origin_url"] == capture
        history = http.get(f"/articles/{row['id']}").text
        assert history.count(f'href="{capture}"') == 1 and "archive capture" in history
        version = http.get(f"/articles/{row['id']}/versions/1").text
        assert f'href="{capture}"' in version and "rebuilt from an archive copy" in version
        assert "rebuilt from" not in http.get(f"/articles/{row['id']}/versions/2").text


def test_bad_filters_are_a_clear_400(client):
    response = client.get("/api/articles?kind=gossip")
    assert response.status_code == 400
    assert "kind must be one of" in response.json()["detail"]
    assert client.get("/api/articles?since=yesterday").status_code == 400
    page = client.get("/?significance=huge")
    assert page.status_code == 400 and "significance must be one of" in page.text and "<h1>400" in page.text


def test_articles_page_shows_the_list_and_the_filter_form(client, filled):
    page = client.get("/?q=syria&kind=number")
    assert page.status_code == 200
    assert f'href="/articles/{filled["syria"]}"' in page.text
    assert f'href="/articles/{filled["wire"]}"' not in page.text
    assert '<option value="number" selected>' in page.text
    assert 'href="/api/articles?q=syria&amp;kind=number"' in page.text


def test_sources_page_and_json(client, filled):
    sources = client.get("/api/sources").json()["sources"]
    assert [(s["url"], s["kind"], s["articles"]) for s in sources] == [("https://news.example.org/feed.xml", "feed", 1)]
    page = client.get("/sources").text
    assert "https://news.example.org/feed.xml" in page and f'href="/?source={filled["feed"]}"' in page


# an article's history, its versions, comparisons -------------------------------------------------------


def test_article_json_has_the_timeline_with_change_sizes(client, filled):
    body = client.get(f"/api/articles/{filled['syria']}").json()
    assert body["url"] == SYRIA
    timeline = body["timeline"]
    assert [p["version"] for p in timeline] == [1, 2, 3]
    assert timeline[0]["changed_chars"] is None and timeline[0]["verdict"] is None
    assert timeline[1]["max_significance"] == "major" and timeline[1]["substantive"] == 4
    assert timeline[1]["kinds"]["headline"] == 1
    assert timeline[2]["kinds"] == {"number": 1} and timeline[2]["changed_chars"] == 10
    assert timeline[1]["changed_chars"] > timeline[2]["changed_chars"]


def test_history_page_draws_the_timeline_and_lists_the_versions(client, filled):
    page = client.get(f"/articles/{filled['syria']}").text
    svg = re.search(r"<svg class=\"timeline\".*?</svg>", page, re.S).group(0)
    bars = re.findall(r'<rect class="bar (\w+)" data-version="(\d)"[^>]*height="([\d.]+)"', svg)
    assert [(significance, version) for significance, version, _ in bars] == [("first", "1"), ("major", "2"), ("major", "3")]
    assert float(bars[1][2]) > float(bars[2][2]) > float(bars[0][2])
    assert f'href="/articles/{filled["syria"]}/compare?from=1&amp;to=2"' in page
    assert "4 substantive changes (1 major, 3 minor)" in page
    assert 'id="version-3"' in page


def test_version_page_and_json(client, filled):
    body = client.get(f"/api/articles/{filled['syria']}/versions/1").json()
    assert body["version"] == 1 and body["article"]["text"] == SEED_A.read_text(encoding="utf-8")
    page = client.get(f"/articles/{filled['syria']}/versions/1").text
    assert "Putin&#39;s Syria Peace Conference Boycotted by Assad Opponents" in page


def test_comparison_json_is_the_documented_form(client, filled):
    body = client.get(f"/api/articles/{filled['syria']}/compare?from=1&to=2").json()
    assert (body["format"], body["article_id"], body["from"], body["to"]) == ("variorum.comparison/1", filled["syria"], 1, 2)
    assert [c["kind"] for c in body["changes"]] == ["headline", "caption", "link", "punctuation", "layout"]
    latest = client.get(f"/api/articles/{filled['syria']}/compare").json()
    assert (latest["from"], latest["to"], [c["kind"] for c in latest["changes"]]) == (2, 3, ["number"])
    across = client.get(f"/api/articles/{filled['syria']}/compare?from=1&to=3").json()
    assert [c["kind"] for c in across["changes"] if c["significance"] != "cosmetic"] == [
        "headline", "number", "caption", "link", "punctuation",
    ]


def test_comparison_page_hides_cosmetic_changes_until_asked_and_keeps_numbers(client, filled):
    url = f"/articles/{filled['syria']}/compare?from=1&to=2"
    hidden = client.get(url).text
    assert 'id="change-4"' in hidden and 'id="change-5"' not in hidden
    assert 'aria-checked="false"' in hidden and "Show cosmetic changes (1)" in hidden
    shown = client.get(url + "&cosmetic=1").text
    row = re.search(r'<tr id="change-5".*?</tr>', shown, re.S).group(0)
    assert "cosmetic" in row and "layout" in row
    assert re.search(r'<tr id="change-1".*?headline', shown, re.S)
    assert 'id="c3"' in shown and 'id="a-c3"' in shown and 'href="#change-3"' in shown
    assert 'id="side"' in shown and 'id="inline"' in shown


def test_missing_things_are_404_as_json_and_as_pages(client, filled):
    assert client.get("/api/articles/999999").status_code == 404
    assert client.get("/api/articles/999999").json() == {"detail": "no article 999999"}
    assert client.get(f"/api/articles/{filled['syria']}/versions/9").status_code == 404
    missing = client.get(f"/articles/{filled['syria']}/compare?from=1&to=9")
    assert missing.status_code == 404 and "has no version 9" in missing.text and "<h1>404" in missing.text
    assert client.get("/nowhere").status_code == 404
    for path in ("/articles/not-a-number", "/api/articles/abc", f"/articles/{2**63}", f"/api/articles/{2**64}/versions/1"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "no such page" in response.text and "validation" not in response.text.lower()


def test_bad_parameters_are_4xx_never_500_and_every_response_has_the_security_headers(client, filled):
    for path in (
        "/api/articles?since=9999-12-31T23:59:59-23:59", "/?until=0001-01-01T00:00:00%2B23:59",
        "/api/articles?q=" + "x" * 60_000, "/api/changes?offset=-1", "/api/changes?kind=nonsense",
        "/changes?offset=99999999999999999999",
    ):
        response = client.get(path)
        assert 400 <= response.status_code < 500, (path, response.status_code)
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY, path
    for path in ("/api/articles?q=%00", "/?q=a%00b", "/api/changes?site=%00"):  # NUL dropped: no database takes it
        assert client.get(path).status_code == 200, path
    surrogate = client.post("/api/compare", content='{"a": "\\ud800 text", "b": "text"}',
                            headers={"content-type": "application/json"})
    assert surrogate.status_code == 400 and "not valid Unicode" in surrogate.json()["detail"]


def test_head_is_answered_like_get_without_a_body(client, filled):
    for path in ("/", f"/articles/{filled['syria']}", "/api/articles", "/changes.atom"):
        head, get = client.head(path), client.get(path)
        assert head.status_code == 200 and head.content == b"", path
        assert head.headers["content-type"] == get.headers["content-type"]
        assert head.headers["x-frame-options"] == "DENY"


def test_an_unexpected_error_is_a_500_with_the_security_headers(store):
    app = create_app(store)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("kaboom")

    with serving(app) as base_url, httpx.Client(base_url=base_url) as http:
        response = http.get("/boom")
    assert response.status_code == 500 and "kaboom" not in response.text
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["x-content-type-options"] == "nosniff" and response.headers["x-frame-options"] == "DENY"


def test_the_footer_names_the_app_version_on_a_version_page(client, filled):
    from variorum.web.app import _version

    page = client.get(f"/articles/{filled['syria']}/versions/3").text
    footer = re.search(r'<footer class="site">(.*?)</footer>', page, re.S).group(1)
    assert f"Variorum {_version()} ·" in footer and "Variorum 3 ·" not in footer


# recent changes and the Atom feed ---------------------------------------------------------------------


def test_recent_changes_newest_first_as_json_page_and_atom(client, filled):
    body = client.get("/api/changes").json()["changes"]
    assert [(c["article_id"], c["from"], c["to"]) for c in body] == [
        (filled["syria"], 2, 3), (filled["hostile"], 1, 2), (filled["syria"], 1, 2),
    ]
    assert body[0]["kinds"] == {"number": 1} and body[0]["created_at"] == (T0 + timedelta(days=1)).isoformat()
    assert len(client.get("/api/changes?since=2026-01-31").json()["changes"]) == 1
    assert client.get("/api/changes?significance=huge").status_code == 400
    page = client.get("/changes").text
    assert f'href="/articles/{filled["syria"]}/compare?from=2&amp;to=3"' in page
    assert 'type="application/atom+xml"' in page
    feed = client.get("/changes.atom?limit=2")
    assert feed.headers["content-type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(feed.content)
    atom = "{http://www.w3.org/2005/Atom}"
    entries = root.findall(f"{atom}entry")
    assert len(entries) == 2
    links = [e.find(f"{atom}link[@rel='alternate']").get("href") for e in entries]
    assert links[0] == f"{client.base_url}/articles/{filled['syria']}/compare?from=2&to=3"
    assert entries[1].find(f"{atom}title").text == '<img src=x onerror="window.__pwned=1">Hostile (version 2)'


# clusters -------------------------------------------------------------------------------------------


def test_clusters_group_the_wire_copy_with_the_story(client, filled):
    body = client.get("/api/clusters").json()
    assert (body["measure"], body["threshold"]) == ("containment", 0.6)
    assert len(body["clusters"]) == 1
    cluster = body["clusters"][0]
    members = {m["id"]: m for m in cluster["members"]}
    assert set(members) == {filled["syria"], filled["wire"]}
    assert members[cluster["id"]]["representative"] is True
    assert all(m["similarity"] >= 0.6 for m in members.values())
    assert cluster["similarities"][0]["similarity"] >= 0.6
    page = client.get("/clusters").text
    assert f'id="cluster-{cluster["id"]}"' in page and "wire.example.com" in page
    other = next(i for i in members if i != cluster["id"])
    compared = client.get(f"/api/clusters/{cluster['id']}/compare/{other}").json()
    assert compared["format"] == "variorum.comparison/1" and compared["changes"]
    assert client.get(f"/clusters/{cluster['id']}/compare/{other}").status_code == 200
    assert client.get(f"/api/clusters/{cluster['id']}/compare/{filled['calm']}").status_code == 404


# ad-hoc compare ---------------------------------------------------------------------------------------


def test_compare_two_texts_as_json(sqlite_store, seeds):
    with make_client(sqlite_store) as client:
        body = client.post("/api/compare", json={"a": seeds[0], "b": seeds[1], "a_name": "old", "b_name": "new"}).json()
    assert [c["kind"] for c in body["changes"] if c["significance"] != "cosmetic"] == ["headline", "caption", "link", "punctuation"]
    assert (body["a"]["id"], body["b"]["id"]) == ("old", "new")


def test_compare_two_files_and_the_form(sqlite_store):
    files = {"a": (SEED_A.name, SEED_A.read_bytes(), "text/plain"), "b": (SEED_B.name, SEED_B.read_bytes(), "text/plain")}
    with make_client(sqlite_store) as client:
        body = client.post("/api/compare/files", files=files).json()
        assert body["a"]["id"] == SEED_A.name and body["summary"]["substantive"] == 4
        page = client.post("/compare", files={
            "file_a": (SEED_A.name, SEED_A.read_bytes(), "text/plain"),
            "file_b": (SEED_B.name, SEED_B.read_bytes(), "text/plain"),
        }, data={"text_a": "", "text_b": ""})
        assert page.status_code == 200
        assert "4 substantive changes (1 major, 3 minor), 1 cosmetic" in page.text
        pasted = client.post("/compare", data={"text_a": "Officials said 12 died.", "text_b": "Officials said 14 died."})
        assert "1 substantive change (1 major, 0 minor)" in pasted.text
        html = client.post("/api/compare/files", files={
            "a": ("a.html", b"<html><body><article><p>It will rain tomorrow across the whole region.</p></article></body></html>", "text/html"),
            "b": ("b.html", b"<html><body><article><p>It will snow tomorrow across the whole region.</p></article></body></html>", "text/html"),
        }).json()
        assert [(c["old"], c["new"]) for c in html["changes"]] == [("rain", "snow")]
    assert list_articles(sqlite_store).total == 0  # nothing was stored


def test_compare_refuses_empty_and_binary_input_clearly(sqlite_store):
    with make_client(sqlite_store) as client:
        empty = client.post("/compare", data={"text_a": "", "text_b": "Something."})
        assert empty.status_code == 400 and "pasted text A: empty" in empty.text
        binary = client.post("/api/compare/files", files={"a": ("x.bin", bytes(range(256)) * 4), "b": ("y.txt", b"text")})
        assert binary.status_code == 400 and binary.json()["detail"] == "x.bin: binary data, not text"


def test_uploads_over_the_cap_get_a_clear_413(sqlite_store, seeds):
    with make_client(sqlite_store, max_upload_bytes=2000) as client:
        api = client.post("/api/compare", json={"a": seeds[0], "b": seeds[1]})
        assert api.status_code == 413
        assert re.fullmatch(r"the upload is [\d,]+ bytes, over the limit of 2,000 bytes \(see --max-upload-bytes\)", api.json()["detail"])
        page = client.post("/compare", data={"text_a": seeds[0], "text_b": seeds[1]})
        assert page.status_code == 413 and "over the limit of 2,000 bytes" in page.text and "<h1>413" in page.text

        def chunks() -> Iterator[bytes]:
            yield b'{"a": "' + b"x" * 1500
            yield b"y" * 1500 + b'", "b": "z"}'

        streamed = client.post("/api/compare", content=chunks(), headers={"content-type": "application/json"})
        assert streamed.status_code == 413 and "over the limit of 2,000 bytes" in streamed.json()["detail"]
        assert client.post("/api/compare", json={"a": "One.", "b": "Two."}).status_code == 200


# security ---------------------------------------------------------------------------------------------


PAGES = ["/", "/changes", "/sources", "/clusters", "/compare", "/docs"]


def test_every_response_carries_a_strict_csp_and_pages_have_no_inline_script_or_style(client, filled):
    urls = PAGES + [
        f"/articles/{filled['syria']}", f"/articles/{filled['syria']}/compare?from=1&to=2",
        f"/articles/{filled['hostile']}", f"/articles/{filled['hostile']}/compare", f"/articles/{filled['hostile']}/versions/1",
        "/api/articles", "/openapi.json", "/changes.atom", "/static/style.css", "/static/app.js", "/nowhere",
    ]
    for url in urls:
        response = client.get(url)
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY, url
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        if response.headers["content-type"].startswith("text/html"):
            assert not re.search(r"<script(?![^>]*\bsrc=\"/static/)", response.text), url
            assert not re.search(r"\sstyle=|<style", response.text), url
            assert not re.search(r"(src|href)=\"(https?:)?//(?!news\.example|evil\.example|wire\.example|example\.org)", response.text), url
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY and "script-src 'self'" in CONTENT_SECURITY_POLICY


def test_hostile_article_is_escaped_everywhere(client, filled):
    for url in (f"/articles/{filled['hostile']}", f"/articles/{filled['hostile']}/versions/1",
                f"/articles/{filled['hostile']}/compare?cosmetic=1", "/?q=hostile"):
        page = client.get(url).text
        assert "<script>window" not in page and "<img" not in page and "<b onmouseover" not in page, url
        assert 'href="javascript:' not in page.lower() and "onerror=\"window" not in page, url
    version = client.get(f"/articles/{filled['hostile']}/versions/1").text
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in version
    assert '<span class="unsafe-link">javascript:window.__pwned=1</span>' in version
    assert 'href="https://example.org/ok"' in version


def test_the_server_is_read_only_without_a_token(client, filled):
    refused = client.post("/api/sources", json={"url": "https://news.example.org/other.xml", "kind": "feed"})
    assert refused.status_code == 403 and "read-only" in refused.json()["detail"]
    assert client.post(f"/api/articles/{filled['syria']}/check").status_code == 403
    assert client.delete("/api/sources").status_code == 405


def test_write_endpoints_need_the_bearer_token(store, filled):
    with make_client(store, token=TOKEN) as client:
        new = {"url": "https://news.example.org/other.xml?utm_source=x", "kind": "feed"}
        assert client.post("/api/sources", json=new).status_code == 401
        wrong = client.post("/api/sources", json=new, headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"
        good = {"Authorization": f"Bearer {TOKEN}"}
        created = client.post("/api/sources", json=new, headers=good)
        assert created.status_code == 201
        assert (created.json()["url"], created.json()["kind"]) == ("https://news.example.org/other.xml", "feed")
        assert len(store.sources()) == 2
        bad = client.post("/api/sources", json={"url": "javascript:alert(1)"}, headers=good)
        assert bad.status_code == 422
        assert client.post("/api/sources", json={"url": "https://x.org/", "kind": "podcast"}, headers=good).status_code == 422
        before = datetime.now(timezone.utc)
        checked = client.post(f"/api/articles/{filled['calm']}/check", headers=good)
        assert checked.status_code == 202
        due = store.article(CALM).next_check_at
        assert due is not None and before <= due <= datetime.now(timezone.utc)
        assert client.post("/api/articles/424242/check", headers=good).status_code == 404


def test_docs_page_is_local_and_lists_every_endpoint(client):
    spec = client.get("/openapi.json").json()
    page = client.get("/docs").text
    for path, item in spec["paths"].items():
        for method in item:
            assert f"<code>{path}</code>" in page and f">{method.upper()}</code>" in page
    assert "cdn" not in page.lower() and "swagger" not in page.lower()
    assert spec["paths"]["/api/sources"]["post"]["security"] == [{"HTTPBearer": []}]
    assert client.get("/redoc").status_code == 404


# the command ------------------------------------------------------------------------------------------


def test_serve_binds_localhost_read_only_by_default(run_cli, tmp_path, monkeypatch):

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append({"app": app, **options}))
    monkeypatch.delenv("VARIORUM_TOKEN", raising=False)
    open_store(tmp_path / "s.db").close()  # serve reads a store; only the tracker creates one
    status, _out, err = run_cli("serve", "--db", str(tmp_path / "s.db"))
    assert status == 0 and "read-only" in err
    assert (calls[0]["host"], calls[0]["port"], calls[0]["app"].state.variorum.token) == ("127.0.0.1", 8000, None)
    monkeypatch.setenv("VARIORUM_TOKEN", TOKEN)
    status, _out, err = run_cli("serve", "--db", str(tmp_path / "s.db"), "--host", "0.0.0.0", "--port", "9001")
    assert status == 0 and "anyone who can reach it" in err
    assert (calls[1]["host"], calls[1]["port"], calls[1]["app"].state.variorum.token) == ("0.0.0.0", 9001, TOKEN)


@pytest.mark.parametrize("name", ["variorum.store.queries", "variorum.web", "variorum.web.views"])
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0
