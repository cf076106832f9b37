"""Canonical article URLs, so that one article is one article whatever link led to it."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TRACKING_PARAMETERS = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid",
    "_ga", "_gl", "cmpid", "ocid", "smid", "smtyp", "ref_src", "ref_url", "at_medium", "at_campaign",
    "ns_mchannel", "ns_source", "ns_campaign", "ns_linkname", "ns_fee", "spm", "share", "s_cid",
})
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")
DEFAULT_PORTS = {"http": 80, "https": 443}


def is_tracking_parameter(name: str) -> bool:
    """True for query parameters that identify a campaign or a click, not a document."""
    lowered = name.lower()
    return lowered in TRACKING_PARAMETERS or lowered.startswith(TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """The canonical form of an article URL: scheme and host lower-cased, default port, fragment and
    tracking parameters dropped, remaining parameters sorted, an empty path written ``/``.

    >>> canonical_url("https://News.Example.org:443/story?b=2&utm_medium=rss&a=1&fbclid=XYZ#comments")
    'https://news.example.org/story?a=1&b=2'
    >>> canonical_url("http://example.org:8080")
    'http://example.org:8080/'
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    netloc = host if port is None or DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"
    if parts.username:
        credentials = parts.username + (f":{parts.password}" if parts.password else "")
        netloc = f"{credentials}@{netloc}"
    query = sorted(
        (name, value) for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not is_tracking_parameter(name)
    )
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), ""))
