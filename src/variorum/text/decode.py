"""Bytes to text: the encodings users' files really arrive in, and a clear error for the ones we cannot read."""

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
                raise InputError(source, f"invalid {encoding} text after its byte-order mark ({error.reason})")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # loaded only for text that is not UTF-8

    matches = list(from_bytes(data[:1_000_000]))
    best = matches[0] if matches else None
    # Short samples are ambiguous; among near-equal guesses prefer Windows-1252, the usual legacy
    # encoding of Western news sites, over rarer code pages that decode the same bytes into odd letters.
    for match in matches:
        if "cp1252" in match.could_be_from_charset and match.percent_chaos <= best.percent_chaos + _CHAOS_MARGIN:
            best = match
            break
    if best is None or best.encoding is None:
        raise InputError(source, "not valid UTF-8 and no other text encoding fits")
    try:
        text = data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        raise InputError(source, f"not valid UTF-8, and not valid {best.encoding} either") from None
    controls = sum(1 for ch in text[:100_000] if ord(ch) < 32 and ch not in _CONTROL_OK)
    if controls > 0.01 * min(len(text), 100_000):
        raise InputError(source, "binary data, not text")
    return text, f"{source}: not UTF-8; read as {best.encoding}"


def _known_encoding(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


def decode_html(data: bytes, declared: str | None = None) -> str:
    """Decode an HTML page; never fails.

    Order of trust: a byte-order mark, valid UTF-8, the charset declared by the transport (``declared``,
    e.g. from an HTTP header) or by the page's ``<meta>``, then detection; undecodable bytes are replaced.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    meta = _META_CHARSET_RE.search(data[:8192])
    candidates = [_known_encoding(declared), _known_encoding(meta.group(1).decode("ascii") if meta else None)]
    for encoding in candidates:
        if encoding and encoding not in ("utf-8", "utf-16", "utf-32"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
    from charset_normalizer import from_bytes  # loaded only for pages that declare no usable charset

    best = from_bytes(data[:1_000_000]).best()
    encoding = _known_encoding(best.encoding) if best is not None else None
    return data.decode(encoding or "utf-8", errors="replace")
