"""``variorum track backfill``: an article's past rebuilt from a local fake web archive (a CDX server, a
Memento TimeMap and raw captures on 127.0.0.1)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from localsite import FakeDns, LocalSite, Reply, article_page
from test_track_runner import STORM
from variorum.extract.html import article_from_html
from variorum.store import open_store
from variorum.store.models import StoredComparison, Version
from variorum.track import Fetcher, FetchPolicy
from variorum.track.archive import (
    ArchiveError,
    archive_timestamp,
    cdx_query_url,
    list_captures,
    list_timemap,
    parse_cdx,
    parse_timemap,
)
from variorum.track.backfill import ARCHIVE_ORIGIN, backfill, fetch_article
from variorum.track.record import record_fetch

ARTICLE = "https://news.example/storm"
EDITED = [*STORM[:2], "The mayor\u2019s caf\u00e9 on the quay reopened on Wednesday, its owner said, after the "
          "water went down and the power came back to the harbour district."]
HEADER = ["timestamp", "original", "statuscode", "digest", "mimetype"]


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _legacy_page(headline: str, paragraphs: list[str]) -> Reply:
    """A page in windows-1252, saying so only in its meta tag."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    html = (f"<html><head><meta http-equiv='Content-Type' content='text/html; charset=windows-1252'>"
            f"<title>{headline}</title></head><body><article><h1>{headline}</h1>{body}</article></body></html>")
    return Reply(html.encode("cp1252"), headers={"Content-Type": "text/html"})


class Archive:
    """Captures served by ``site`` as a Wayback-compatible archive: CDX rows, a TimeMap and raw bytes."""

    def __init__(self, site: LocalSite) -> None:
        self.site = site
        self.rows: list[list[str]] = []

    def capture(self, stamp: str, status: int, digest: str, reply: Reply | None = None) -> str:
        raw = f"/web/{stamp}id_/{ARTICLE}"
        self.rows.append([stamp, ARTICLE, str(status), digest, "text/html"])
        if reply is not None:
            self.site.routes.setdefault(raw, reply)
        return raw

    def publish(self, since: str | None = None) -> None:
        """Serve the CDX rows (all of them, even for a query ``since`` a date: the client filters too)."""
        self.site.routes[_path(cdx_query_url(self.site.origin, ARTICLE, since))] = Reply(
            json.dumps([HEADER, *self.rows]).encode(), headers={"Content-Type": "application/json"})
        links = [f"<{ARTICLE}>; rel=\"original\""] + [
            f"<{self.site.url(f'/web/{stamp}/{ARTICLE}')}>; rel=\"memento\"; "
            f"datetime=\"{datetime.strptime(stamp, '%Y%m%d%H%M%S').strftime('%a, %d %b %Y %H:%M:%S GMT')}\""
            for stamp, _, status, _, _ in self.rows if status == "200"
        ]
        self.site.routes["/timemap"] = Reply(",\n".join(links).encode(), headers={"Content-Type": "application/link-format"})


def _busy_then(reply: Reply) -> object:
    """A route answering 429 (come back in 0 s) once, then ``reply``."""
    calls = []

    def route() -> Reply:
        calls.append(1)
        return Reply(b"slow down", 429, {"Retry-After": "0", "Content-Type": "text/plain"}) if len(calls) == 1 else reply

    return route


@pytest.fixture
def archive():
    with LocalSite() as site:
        fake = Archive(site)
        fake.capture("20240501100000", 200, "AAA", article_page("Storm hits coast", STORM, stamp="10:00", ad="Shoes"))
        noise = article_page("Storm hits coast", STORM, stamp="11:00", ad="Hats")
        fake.capture("20240501110000", 200, "BBB", noise)
        fake.capture("20240501120000", 302, "RRR", Reply(b"", 302, {"Location": ARTICLE + "?amp"}))
        fake.capture("20240501130000", 503, "EEE", Reply(b"<h1>Service unavailable</h1>", 503))
        fake.capture("20240501140000", 200, "BBB", noise)  # the same bytes as at 11:00
        fake.capture("20240502090000", 200, "CCC", _busy_then(_legacy_page("Storm hits coast", EDITED)))  # type: ignore[arg-type]
        fake.capture("20240503090000", 200, "DDD", article_page("Page not found | The Daily", ["Try the search box."]))
        fake.publish()
        yield fake


def _run(coroutine):
    return asyncio.run(coroutine)


async def _backfill(store, base: str, *, timemap: str | None = None):
    async with Fetcher(FetchPolicy(allow_private=True, delay=0.0, max_redirects=0)) as fetcher:
        if timemap is not None:
            captures = await list_timemap(fetcher, timemap)
        else:
            captures = await list_captures(fetcher, base, ARTICLE)
        return await backfill(store, fetcher, ARTICLE, captures)


def _at(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC)


def test_backfill_stores_each_real_version_at_its_capture_time_and_skips_the_rest(archive, tmp_path):
    store = open_store(str(tmp_path / "b.db"))
    report = _run(_backfill(store, archive.site.origin))
    assert (report.listed, report.fetched, report.stored) == (7, 4, 2)
    assert dict(report.skipped) == {"redirects": 1, "errors": 1, "duplicates": 1, "refused": 1}
    assert dict(report.outcomes) in ({"new": 2, "unchanged": 1}, {"new": 2, "cosmetic": 1})  # the noise-only recapture
    history = store.history(ARTICLE)
    assert [entry.fetched_at for entry in history] == [_at("20240501100000"), _at("20240502090000")]
    assert history[1].summary is not None
    latest = store.latest_stored(ARTICLE)
    assert latest is not None and "The mayor\u2019s caf\u00e9 on the quay" in latest.article.body  # windows-1252 read right
    hits = archive.site.hits
    assert hits[f"/web/20240502090000id_/{ARTICLE}"] == 2  # 429, then the capture
    assert hits[f"/web/20240501120000id_/{ARTICLE}"] == hits[f"/web/20240501130000id_/{ARTICLE}"] == 0
    assert hits[f"/web/20240501140000id_/{ARTICLE}"] == 0  # its digest was fetched at 11:00
    assert [(entry.origin, entry.origin_url) for entry in history] == [
        (ARCHIVE_ORIGIN, archive.site.url(f"/web/20240501100000id_/{ARTICLE}")),
        (ARCHIVE_ORIGIN, archive.site.url(f"/web/20240502090000id_/{ARTICLE}")),
    ]
    store.close()


def test_two_backfill_runs_store_no_duplicates(archive, tmp_path):
    store = open_store(str(tmp_path / "b.db"))
    first = _run(_backfill(store, archive.site.origin))
    second = _run(_backfill(store, archive.site.origin))
    assert (first.stored, second.stored) == (2, 0)
    assert [entry.version for entry in store.history(ARTICLE)] == [1, 2]
    store.close()


def test_a_timemap_lists_the_same_captures(archive, tmp_path):
    store = open_store(str(tmp_path / "b.db"))
    report = _run(_backfill(store, archive.site.origin, timemap=archive.site.url("/timemap")))
    assert report.listed == 5  # the TimeMap here lists the 200 captures only, without digests
    assert report.stored == 2
    assert archive.site.hits[f"/web/20240501140000id_/{ARTICLE}"] == 1  # no digest known before fetching …
    assert report.skipped["duplicates"] == 1  # … but its bytes were those of 11:00
    store.close()


def _track(store, headline: str, paragraphs: list[str], at: datetime) -> None:
    page = article_page(headline, paragraphs)
    assert isinstance(page.body, bytes)
    record_fetch(store, ARTICLE, article_from_html(page.body, url=ARTICLE), page.body, at)


CLEAN_UP = [*STORM, "Crews worked through the night to clear the roads, and most schools will open on Monday."]


def test_older_captures_go_before_a_tracked_history_with_the_comparison_at_the_seam(archive, store_url):
    store = open_store(store_url)
    _track(store, "Storm: the clean-up begins", CLEAN_UP, datetime(2024, 6, 1, tzinfo=UTC))
    assert store.history(ARTICLE)[0].summary is None  # a first version has no comparison
    report = _run(_backfill(store, archive.site.origin))
    assert report.stored == 2
    history = store.history(ARTICLE)
    assert [(e.version, e.fetched_at, e.origin) for e in history] == [
        (1, _at("20240501100000"), ARCHIVE_ORIGIN), (2, _at("20240502090000"), ARCHIVE_ORIGIN),
        (3, datetime(2024, 6, 1, tzinfo=UTC), None),
    ]
    assert history[1].summary is not None and history[2].summary is not None  # the seam was compared
    assert store.version(ARTICLE, 3).title == "Storm: the clean-up begins"
    again = _run(_backfill(store, archive.site.origin))
    assert again.stored == 0 and len(store.history(ARTICLE)) == 3
    store.close()


def _comparisons(store) -> list[tuple[int, int]]:
    """``(from, to)`` version numbers of every stored comparison of the article."""
    with store.session() as session:
        seqs = dict(session.execute(select(Version.id, Version.seq)).all())
        return sorted((seqs[f], seqs[t]) for f, t in session.execute(
            select(StoredComparison.from_version_id, StoredComparison.to_version_id)))


def test_a_capture_between_tracked_versions_is_inserted_in_time_order_and_both_seams_compared(archive, store_url):
    store = open_store(store_url)
    _track(store, "Storm hits coast", STORM, datetime(2024, 5, 1, 12, 30, tzinfo=UTC))
    _track(store, "Storm: the clean-up begins", CLEAN_UP, datetime(2024, 5, 4, tzinfo=UTC))
    before = _comparisons(store)
    assert before == [(1, 2)]
    report = _run(_backfill(store, archive.site.origin))
    assert report.stored == 1  # the edit of 2 May; the captures of 1 May hold the tracked text
    history = store.history(ARTICLE)
    assert [(e.fetched_at, e.origin) for e in history] == [
        (datetime(2024, 5, 1, 12, 30, tzinfo=UTC), None), (_at("20240502090000"), ARCHIVE_ORIGIN),
        (datetime(2024, 5, 4, tzinfo=UTC), None),
    ]
    assert _comparisons(store) == [(1, 2), (2, 3)]  # the old 1 → 2 comparison replaced by both seams
    assert "The mayor\u2019s caf\u00e9" in store.version(ARTICLE, 2).body
    assert all(entry.summary is not None for entry in history[1:])
    assert history[1].summary["substantive"] > 0 and history[2].summary["substantive"] > 0
    again = _run(_backfill(store, archive.site.origin))
    assert again.stored == 0 and len(store.history(ARTICLE)) == 3 and _comparisons(store) == [(1, 2), (2, 3)]
    store.close()


def test_a_failed_capture_fetch_is_recorded_as_a_fetch_attempt(archive, tmp_path):
    archive.capture("20240504090000", 200, "FFF", Reply(b"gone", 404, {"Content-Type": "text/plain"}))
    archive.publish()
    store = open_store(str(tmp_path / "b.db"))
    report = _run(_backfill(store, archive.site.origin))
    assert report.skipped["failed"] == 1
    [failure] = store.failures(ARTICLE)
    assert (failure.kind, failure.status) == ("http_error", 404)
    assert f"/web/20240504090000id_/{ARTICLE}" in failure.detail and failure.detail.startswith("archive capture")
    store.close()


def test_backfill_cli_reports_per_url(archive, tmp_path, run_cli):
    db = str(tmp_path / "b.db")
    code, out, err = run_cli("track", "backfill", ARTICLE, "--archive", archive.site.origin, "--allow-private",
                             "--delay", "0", "--format", "json", "--db", db)
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert (report["listed"], report["fetched"], report["stored"]) == (7, 4, 2)
    assert report["skipped"] == {"redirects": 1, "errors": 1, "duplicates": 1, "refused": 1, "failed": 0}
    code, out, _ = run_cli("history", ARTICLE, "--db", db)
    rows = [line.split("\t") for line in out.splitlines()]
    assert rows[0][-1] == "origin"
    assert [row[-1] for row in rows[1:]] == [
        f"archive {archive.site.url(f'/web/{stamp}id_/{ARTICLE}')}" for stamp in ("20240501100000", "20240502090000")]
    code, out, _ = run_cli("history", ARTICLE, "--format", "json", "--db", db)
    assert [v["origin"] for v in json.loads(out)["versions"]] == [ARCHIVE_ORIGIN, ARCHIVE_ORIGIN]
    archive.publish(since="20240502000000")
    code, out, _ = run_cli("track", "backfill", ARTICLE, "--archive", archive.site.origin, "--allow-private",
                           "--delay", "0", "--since", "2024-05-02", "--db", db)
    assert code == 0
    assert out.startswith(f"{ARTICLE}: 2 captures listed, 2 fetched") and "0 versions stored" in out


@pytest.mark.parametrize("quiet", [False, True])
def test_a_failed_capture_is_one_warning_line_on_standard_error_which_quiet_silences(archive, tmp_path, quiet):
    archive.capture("20240504090000", 200, "FFF", Reply(b"gone", 404, {"Content-Type": "text/plain"}))
    archive.publish()
    command = [sys.executable, "-c", "from variorum.cli.app import main; main()", *(["--quiet"] if quiet else []),
               "track", "backfill", ARTICLE, "--archive", archive.site.origin, "--allow-private", "--delay", "0",
               "--db", str(tmp_path / "b.db")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0 and "1 failed" in done.stdout
    warning = f"variorum: warning: {archive.site.url(f'/web/20240504090000id_/{ARTICLE}')}: HTTP 404\n"
    assert done.stderr == ("" if quiet else warning)


def test_a_private_archive_is_refused_without_the_flag(archive, tmp_path, run_cli):
    code, _, err = run_cli("track", "backfill", ARTICLE, "--archive", archive.site.origin, "--delay", "0",
                           "--db", str(tmp_path / "b.db"))
    assert code != 0
    assert "the archive refused the listing" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(("body", "problem"), [
    (b"{", "not JSON"), (b'[["original"],["x"]]', "no timestamp"), (b'[["timestamp","original"],["2024","x"]]', "14 digits"),
])
def test_a_bad_cdx_answer_is_named(body, problem):
    with pytest.raises(ArchiveError, match=problem):
        parse_cdx(body, "https://arch.example")


def test_cdx_rows_and_timemaps_parse():
    rows = parse_cdx(b'[["timestamp","original","statuscode","digest","mimetype"],'
                     b'["20240501100000","https://a.example/x","-","-","warc/revisit"]]', "https://arch.example")
    assert (rows[0].status, rows[0].digest, rows[0].redirect, rows[0].error) == (None, None, False, False)
    assert parse_cdx(b"", "https://arch.example") == []
    timemap = parse_timemap('<https://a.example/x>;rel="original",\n<https://other.example/m/1>;rel="memento";'
                            'datetime="Tue, 07 May 2024 08:00:00 GMT"')
    assert [(c.timestamp, c.original, c.raw_url) for c in timemap] == [
        ("20240507080000", "https://a.example/x", "https://other.example/m/1")]
    with pytest.raises(ArchiveError, match="no usable datetime"):
        parse_timemap('<https://other.example/m/1>; rel="memento"')
    assert archive_timestamp("2024-02", end=True) == "20240229235959"
    with pytest.raises(ValueError, match="not a date"):
        archive_timestamp("2024-13-01")


def _capture(archive, stamp: str) -> str:
    """The capture's URL as a reader copies it from the archive (not the raw ``id_`` form)."""
    return archive.site.url(f"/web/{stamp}/{ARTICLE}")


def test_diff_compares_two_captures_fetched_raw_only_with_allow_network(archive, run_cli):
    old, new = _capture(archive, "20240501100000"), _capture(archive, "20240502090000")
    code, out, err = run_cli("diff", old, new)
    assert code == 2 and "--allow-network" in err and len(err.strip().splitlines()) == 1
    assert sum(archive.site.hits.values()) == 0  # nothing fetched without the flag
    code, out, err = run_cli("diff", old, new, "--allow-network")
    assert code == 2 and "private" in err and len(err.strip().splitlines()) == 1  # loopback, as the tracker refuses
    code, out, err = run_cli("diff", old, new, "--allow-network", "--allow-private", "--format", "json")
    assert code == 1, err
    report = json.loads(out)
    assert any("caf\u00e9" in (change.get("new") or "") for change in report["changes"])
    assert archive.site.hits[f"/web/20240502090000id_/{ARTICLE}"] == 2  # the raw form (429 first, then the capture)
    assert archive.site.hits[f"/web/20240502090000/{ARTICLE}"] == 0


def test_fetching_a_capture_whose_name_resolves_to_a_private_address_is_refused():
    dns = FakeDns()
    dns.answers["archive.example"] = [["10.1.2.3"]]

    async def fetch():
        async with Fetcher(FetchPolicy(delay=0.0), resolve=dns) as fetcher:
            return await fetch_article(fetcher, f"https://archive.example/web/20240501100000/{ARTICLE}")

    with pytest.raises(ArchiveError, match=r"^https://archive\.example/web/20240501100000/.*private"):
        _run(fetch())
    assert dns.lookups == ["archive.example"]
