"""Web archives as a source of an article's past: list its captures and fetch them raw.

Captures are listed from a Wayback-compatible CDX server (``BASE/cdx/search/cdx?url=…&output=json``, the API
the Internet Archive and pywb serve: JSON rows, the first naming the fields) or from any Memento TimeMap
(RFC 7089, link format). A capture is fetched raw (``BASE/web/<timestamp>id_/<original>``: the archived
bytes without the archive's rewriting) through the tracker's :class:`~variorum.track.fetch.Fetcher`, so the
same private-address rules, per-host limits and robots.txt apply; an archive answering 429 or 5xx is asked
again after its ``Retry-After`` (or a growing back-off).

The parsing here is pure; only :func:`list_captures`, :func:`list_timemap` and :func:`fetch_capture` do I/O.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlencode

from variorum.errors import VariorumError
from variorum.track.fetch import Fetched, Fetcher

DEFAULT_ARCHIVE = "https://web.archive.org"
CDX_FIELDS = ("timestamp", "original", "statuscode", "digest", "mimetype")
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
ATTEMPTS = 5
BACKOFF = 2.0        # seconds before the second attempt, doubled for each one after
MAX_WAIT = 120.0     # the longest wait honoured from a Retry-After
_STAMP = re.compile(r"\d{4,14}")
_WAYBACK_MEMENTO = re.compile(r"^(?P<prefix>.*?/)(?P<stamp>\d{14})(?:[a-z]{2}_)?/(?P<original>.+)$")

Sleep = Callable[[float], Awaitable[None]]


class ArchiveError(VariorumError):
    """An archive that refused to list captures, or answered something that is not a capture index."""


@dataclass(frozen=True, slots=True)
class Capture:
    """One archived copy of a URL: when it was taken (``timestamp``, 14 digits, UTC), the URL it is a copy
    of, the status the archive saw (``None`` if not known), the digest of its bytes (``None`` if not known),
    its media type, and where its raw bytes are (``raw_url``)."""

    timestamp: str
    original: str
    status: int | None
    digest: str | None
    mimetype: str
    raw_url: str

    @property
    def at(self) -> datetime:
        """The capture time.

        >>> Capture("20240501123000", "https://example.org/a", 200, None, "text/html", "").at.isoformat()
        '2024-05-01T12:30:00+00:00'
        """
        return datetime.strptime(self.timestamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC)

    @property
    def redirect(self) -> bool:
        """The archive caught a redirect, not a page."""
        return self.status is not None and 300 <= self.status < 400

    @property
    def error(self) -> bool:
        """The archive caught an error page (HTTP 4xx or 5xx)."""
        return self.status is not None and self.status >= 400


def archive_timestamp(text: str, *, end: bool = False) -> str:
    """A date given by a person (``2024``, ``2024-05``, ``2024-05-01``, ``2024-05-01T12:30``, or digits) as the
    14-digit timestamp archives use: the first second it names, or with ``end`` its last.

    >>> archive_timestamp("2024-05-01"), archive_timestamp("2024-05", end=True)
    ('20240501000000', '20240531235959')
    """
    digits = re.sub(r"[-:T ]", "", text.strip())
    if not _STAMP.fullmatch(digits) or len(digits) % 2:
        raise ValueError(f"not a date: {text!r} (give YYYY, YYYY-MM, YYYY-MM-DD or up to YYYYMMDDhhmmss)")
    if not end:
        stamp = digits + "0101000000"[len(digits) - 4:] if len(digits) < 14 else digits
    elif len(digits) == 6:  # the last day of that month
        year, month = int(digits[:4]), int(digits[4:6])
        following = datetime(year + month // 12, month % 12 + 1, 1)
        stamp = digits + f"{(following - datetime(year, month, 1)).days:02d}235959"
    else:
        stamp = digits + "1231235959"[len(digits) - 4:] if len(digits) < 14 else digits
    try:
        datetime.strptime(stamp, "%Y%m%d%H%M%S")
    except ValueError:
        raise ValueError(f"not a date: {text!r}") from None
    return stamp


def raw_capture_url(base: str, timestamp: str, original: str) -> str:
    """Where a Wayback-compatible archive serves a capture's bytes as archived (the ``id_`` flag).

    >>> raw_capture_url("https://web.archive.org/", "20240501123000", "https://example.org/a")
    'https://web.archive.org/web/20240501123000id_/https://example.org/a'
    """
    return f"{base.rstrip('/')}/web/{timestamp}id_/{original}"


_CAPTURE_RE = re.compile(
    r"^(?P<prefix>https?://[^?#]+?/)(?P<timestamp>\d{4,14})(?:[a-z]{2}_)?/(?P<original>(?:https?|ftp):/.*)$",
    re.IGNORECASE,
)


def raw_form(url: str) -> str:
    """A Wayback-style capture's URL in its raw form (the ``id_`` flag: the bytes as archived, without the
    archive's rewriting), any other URL as it is.

    >>> raw_form("https://web.archive.org/web/20240501100000/https://news.example/storm")
    'https://web.archive.org/web/20240501100000id_/https://news.example/storm'
    >>> raw_form("https://arquivo.pt/wayback/20161120034910im_/http://www.publico.pt/a")
    'https://arquivo.pt/wayback/20161120034910id_/http://www.publico.pt/a'
    >>> raw_form("https://news.example/2024/05/01/storm")
    'https://news.example/2024/05/01/storm'
    """
    found = _CAPTURE_RE.match(url)
    if found is None:
        return url
    return f"{found['prefix']}{found['timestamp']}id_/{found['original']}"


def cdx_query_url(base: str, url: str, since: str | None = None, until: str | None = None) -> str:
    """The CDX server query listing the captures of ``url`` (``since``/``until``: 14-digit timestamps).

    >>> cdx_query_url("https://web.archive.org", "https://example.org/a?b=1", since="20240101000000")
    'https://web.archive.org/cdx/search/cdx?url=https%3A%2F%2Fexample.org%2Fa%3Fb%3D1&output=json&fl=timestamp%2Coriginal%2Cstatuscode%2Cdigest%2Cmimetype&from=20240101000000'
    """
    params = {"url": url, "output": "json", "fl": ",".join(CDX_FIELDS)}
    if since:
        params["from"] = since
    if until:
        params["to"] = until
    return f"{base.rstrip('/')}/cdx/search/cdx?{urlencode(params)}"


def _status(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def parse_cdx(body: bytes, base: str) -> list[Capture]:
    """The captures in a CDX server's JSON answer (a header row naming the fields, then one row per capture;
    an empty answer is no captures), in the archive's order.

    >>> rows = b'[["timestamp","original","statuscode","digest","mimetype"],'
    >>> rows += b'["20240501123000","https://example.org/a","200","ABC","text/html"]]'
    >>> parse_cdx(rows, "https://web.archive.org")[0].raw_url
    'https://web.archive.org/web/20240501123000id_/https://example.org/a'
    """
    if not body.strip():
        return []
    try:
        rows = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise ArchiveError(f"the CDX answer is not JSON ({error})") from None
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise ArchiveError("the CDX answer is not a list of rows")
    if not rows:
        return []
    header = [str(name) for name in rows[0]]
    missing = [name for name in ("timestamp", "original") if name not in header]
    if missing:
        raise ArchiveError(f"the CDX answer's header row has no {' or '.join(missing)} field")
    captures = []
    for row in rows[1:]:
        if len(row) != len(header):
            raise ArchiveError(f"a CDX row has {len(row)} fields, the header names {len(header)}")
        fields = dict(zip(header, map(str, row)))
        stamp = fields["timestamp"]
        if not stamp.isdigit() or len(stamp) != 14:
            raise ArchiveError(f"a CDX row has the timestamp {stamp!r}, not 14 digits")
        digest = fields.get("digest", "-")
        captures.append(Capture(
            stamp, fields["original"], _status(fields.get("statuscode", "-")),
            digest if digest not in ("", "-") else None, fields.get("mimetype", ""),
            raw_capture_url(base, stamp, fields["original"]),
        ))
    return captures


_LINK = re.compile(r"<(?P<target>[^>]*)>(?P<params>(?:\s*;\s*[^;,<]+?(?:=(?:\"[^\"]*\"|[^;,<]*))?)*)\s*(?:,|$)")
_PARAM = re.compile(r";\s*(?P<name>[^=;\s]+)\s*(?:=\s*(?:\"(?P<quoted>[^\"]*)\"|(?P<bare>[^;,]*)))?")


def parse_timemap(text: str) -> list[Capture]:
    """The mementos of a Memento TimeMap in link format (RFC 7089): each link whose ``rel`` includes
    ``memento``, with its ``datetime``. A Wayback-style memento URL (``…/<14 digits>/<original>``) is
    turned into its raw form (``…/<14 digits>id_/<original>``); others are fetched as they are.

    >>> timemap = '''<https://example.org/a>; rel="original",
    ... <https://arch.example/web/20240501123000/https://example.org/a>; rel="first memento";
    ...   datetime="Wed, 01 May 2024 12:30:00 GMT"'''
    >>> [(c.timestamp, c.raw_url) for c in parse_timemap(timemap)]
    [('20240501123000', 'https://arch.example/web/20240501123000id_/https://example.org/a')]
    """
    original = ""
    captures = []
    position = 0
    text = text.strip()
    while position < len(text):
        match = _LINK.match(text, position)
        if match is None or match.end() == position:
            raise ArchiveError(f"the TimeMap is not in link format near {text[position:position + 60]!r}")
        position = match.end()
        while position < len(text) and text[position] in " \t\r\n":
            position += 1
        params = {
            found["name"].lower(): found["quoted"] if found["quoted"] is not None else (found["bare"] or "").strip()
            for found in _PARAM.finditer(match["params"])
        }
        rels = params.get("rel", "").split()
        if "original" in rels:
            original = match["target"]
        if "memento" not in rels:
            continue
        try:
            at = parsedate_to_datetime(params["datetime"]).astimezone(UTC)
        except (KeyError, TypeError, ValueError):
            raise ArchiveError(f"the memento {match['target']} has no usable datetime") from None
        stamp = at.strftime("%Y%m%d%H%M%S")
        wayback = _WAYBACK_MEMENTO.match(match["target"])
        raw = (f"{wayback['prefix']}{wayback['stamp']}id_/{wayback['original']}" if wayback else match["target"])
        captures.append(Capture(stamp, wayback["original"] if wayback else original, None, None, "", raw))
    return [capture if capture.original else _with_original(capture, original) for capture in captures]


def _with_original(capture: Capture, original: str) -> Capture:
    return Capture(capture.timestamp, original, capture.status, capture.digest, capture.mimetype, capture.raw_url)


def within(captures: list[Capture], since: str | None, until: str | None) -> list[Capture]:
    """The captures taken between two 14-digit timestamps (both included), oldest first."""
    return sorted(
        (c for c in captures if (since is None or c.timestamp >= since) and (until is None or c.timestamp <= until)),
        key=lambda capture: capture.timestamp,
    )


def _retry_after(fetched: Fetched, attempt: int) -> float:
    value = fetched.headers.get("retry-after", "").strip()
    if value.isdigit():
        return min(float(value), MAX_WAIT)
    try:
        delay = (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds()
    except (TypeError, ValueError):
        return BACKOFF * 2.0 ** (attempt - 1)
    return float(min(max(delay, 0.0), MAX_WAIT))


def _archive_busy(fetched: Fetched) -> bool:
    """The archive itself (not the archived page, which carries ``Memento-Datetime``) asked us to come back."""
    return (fetched.failure == "http_error" and fetched.status in RETRY_STATUSES
            and "memento-datetime" not in fetched.headers)


async def fetch_capture(fetcher: Fetcher, url: str, *, attempts: int = ATTEMPTS,
                        sleep: Sleep = asyncio.sleep) -> Fetched:
    """GET ``url`` from an archive, asking again (up to ``attempts`` times) while it answers 429 or 5xx."""
    attempt = 1
    while True:
        fetched = await fetcher.fetch(url)
        if not _archive_busy(fetched) or attempt == attempts:
            return fetched
        await sleep(_retry_after(fetched, attempt))
        attempt += 1


def _refused(source: str, fetched: Fetched) -> ArchiveError:
    return ArchiveError(f"{source}: the archive refused the listing: {fetched.detail or fetched.failure}")


async def list_captures(fetcher: Fetcher, base: str, url: str, since: str | None = None,
                        until: str | None = None, *, sleep: Sleep = asyncio.sleep) -> list[Capture]:
    """The captures of ``url`` in a Wayback-compatible archive at ``base``, oldest first."""
    query = cdx_query_url(base, url, since, until)
    fetched = await fetch_capture(fetcher, query, sleep=sleep)
    if fetched.failure is not None:
        raise _refused(query, fetched)
    try:
        return within(parse_cdx(fetched.body, base), since, until)
    except ArchiveError as error:
        raise ArchiveError(f"{query}: {error}") from None


async def list_timemap(fetcher: Fetcher, timemap_url: str, since: str | None = None, until: str | None = None,
                       *, sleep: Sleep = asyncio.sleep) -> list[Capture]:
    """The mementos of a Memento TimeMap, oldest first."""
    fetched = await fetch_capture(fetcher, timemap_url, sleep=sleep)
    if fetched.failure is not None:
        raise _refused(timemap_url, fetched)
    try:
        return within(parse_timemap(fetched.body.decode(fetched.charset or "utf-8", errors="replace")), since, until)
    except ArchiveError as error:
        raise ArchiveError(f"{timemap_url}: {error}") from None


__all__ = [
    "DEFAULT_ARCHIVE",
    "ArchiveError",
    "Capture",
    "archive_timestamp",
    "cdx_query_url",
    "fetch_capture",
    "list_captures",
    "list_timemap",
    "parse_cdx",
    "parse_timemap",
    "raw_capture_url",
    "raw_form",
    "within",
]
