"""Bytes to text, in one place: plain text (a clear error for what we cannot read) and HTML pages (never fails)."""

from __future__ import annotations

import codecs
import re

from variorum.errors import InputError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET_RE = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I)
_CONTROL_OK = {"\n", "\r", "\t", "\f", "\v"}
_CHAOS_MARGIN = 10.0
_HTML_ALIASES = {"iso8859-1": "cp1252", "ascii": "cp1252", "utf-16": "utf-8", "utf-16-le": "utf-8",
                 "utf-16-be": "utf-8"}


def looks_binary(data: bytes) -> bool:
    """True when ``data`` is not text in any encoding we would guess: NUL bytes without a UTF-16/32 BOM (a
    UTF-8 BOM does not make NUL bytes text: the bytes after it are looked at)."""
    head = data[:8192]
    if any(head.startswith(bom) for bom, encoding in _BOMS if encoding != "utf-8-sig"):
        return False
    return b"\x00" in head


def decode_text(data: bytes, source: str) -> tuple[str, str | None]:
    """Decode ``data`` read from ``source``; return the text and a warning when the encoding was guessed.

    Tries a BOM, then UTF-8, then a detected legacy encoding (with a warning). Binary data and bytes that
    no encoding explains raise :class:`InputError`.
    """
    if looks_binary(data):
        raise InputError(source, "binary data, not text")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), None
            except UnicodeDecodeError as error:
                raise InputError(source, f"invalid {encoding} text after its byte-order mark ({error.reason})") from None
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    detected = _detected(data)
    if detected is None:
        raise InputError(source, "not valid UTF-8 and no other text encoding fits")
    try:
        text = data.decode(detected)
    except (UnicodeDecodeError, LookupError):
        raise InputError(source, f"not valid UTF-8, and not valid {detected} either") from None
    controls = sum(1 for ch in text[:100_000] if ord(ch) < 32 and ch not in _CONTROL_OK)
    if controls > 0.01 * min(len(text), 100_000):
        raise InputError(source, "binary data, not text")
    return text, f"{source}: not UTF-8; read as {detected}"


def _known_encoding(name: str | None) -> str | None:
    """The codec for a charset label as browsers read it: unknown labels give None; ``iso-8859-1``,
    ``latin1`` and ``us-ascii`` mean Windows-1252 and a declared UTF-16 means UTF-8 (the WHATWG Encoding
    Standard), so that curly quotes in 0x80-0x9F never become control characters."""
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None
    return _HTML_ALIASES.get(codec, codec)


def _detected(data: bytes) -> str | None:
    """The encoding charset-normalizer finds for ``data``; among near-equal guesses Windows-1252, the usual
    legacy encoding of Western news sites, wins over rarer code pages that decode the same bytes into odd
    letters."""
    from charset_normalizer import from_bytes  # loaded only for text that is not UTF-8

    matches = list(from_bytes(data[:1_000_000]))
    if not matches:
        return None
    best = matches[0]
    for match in matches:
        if "cp1252" in match.could_be_from_charset and match.percent_chaos <= best.percent_chaos + _CHAOS_MARGIN:
            return "cp1252"
    return str(best.encoding) if best.encoding else None


def decode_html(data: bytes, declared: str | None = None) -> str:
    """Decode an HTML page, once and the same way for every capture of it; never fails.

    Order of trust: a byte-order mark, the charset declared by the transport (``declared``, e.g. from an
    HTTP header or a WARC record), the page's ``<meta charset>``, then detection. Bytes that are valid UTF-8
    with multi-byte sequences are read as UTF-8 even under a legacy label (legacy text practically never forms
    valid UTF-8, while servers labelling UTF-8 pages ``iso-8859-1`` are common), so a page served as
    Windows-1252 and the same page served as UTF-8 give the same text. Undecodable bytes are replaced.

    >>> page = "<meta charset='windows-1252'><p>‘Caf\u00e9’</p>"
    >>> decode_html(page.encode("cp1252")) == decode_html(page.encode("utf-8"), "iso-8859-1") == page
    True
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    try:
        utf8: str | None = data.decode("utf-8")
    except UnicodeDecodeError:
        utf8 = None
    meta = _META_CHARSET_RE.search(data[:8192])
    for label in (declared, meta.group(1).decode("ascii") if meta else None):
        codec = _known_encoding(label)
        if codec is None:
            continue
        if codec == "utf-8" or (utf8 is not None and not utf8.isascii()):
            return utf8 if utf8 is not None else data.decode("utf-8", errors="replace")
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    if utf8 is not None:
        return utf8
    return data.decode(_known_encoding(_detected(data)) or "utf-8", errors="replace")
