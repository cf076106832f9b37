"""Words, word shingles and exact-duplicate keys of a whole batch of documents, hashed in NumPy.

A document's *words*: its text is NFKC-normalized, typographic apostrophes and hyphens are made ASCII,
invisible characters (soft hyphen, zero-width) dropped and hyphens at line ends joined, it is lowercased and
read as UTF-8 bytes. Letters, digits, ``_`` and every non-ASCII character except punctuation and symbols
(U+0080–U+00BF, ×, ÷, Arabic ، ؛ ؟ ۔, the Indic dandas । ॥, U+2000–U+2BFF, U+3000–U+303F, U+1F000–U+1FFFF)
are word characters; an apostrophe, period or hyphen between two word characters, and a comma, colon or
slash between two digits, join them into one word (``it's``, ``u.s``, ``re-wrapped``, ``3,500``, ``10:30``); everything else separates words (a URL
is several words). Scripts written without spaces are read a word per character: kana and Han ideographs
(``政府は12日`` is ``政``, ``府``, ``は``, ``12``, ``日``), and the letters and marks of Thai, Lao, Myanmar and Khmer.

The bytes of about a megabyte of documents at a time are classified with ``bytes.translate`` and a few array
operations, and each word is hashed from its bytes read as 64-bit chunks straight out of the buffer (one
array step per 8 bytes of the longest word), so no Python string is made and no Python code runs per word
or per shingle. A shingle's hash
mixes its ``ngram`` word hashes, each times an odd multiplier drawn from the run's seed. Each document's
shingle hashes are sorted and made distinct in one ``np.sort`` for the batch and kept as a :class:`ShingleSets`.

>>> words("It’s the “same” STORY — re-wrapped, at 10:30.")
["it's", 'the', 'same', 'story', 're-wrapped', 'at', '10:30']
>>> shingle_sets(token_hashes(["a b c d", "a b", ""]), ngram=3, seed=1).sizes.tolist()
[2, 0, 0]
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Self

import numpy as np
import xxhash

from variorum.text.normalize import (
    APOSTROPHES,
    DOUBLE_QUOTES,
    ELLIPSIS,
    HYPHENS,
    INVISIBLE,
    NO_BREAK_SPACE,
    WORD_DASHES,
)

HASH_BITS = 44
"""Bits of a shingle hash (see :func:`shingle_sets`)."""

_DOCUMENT_BITS = 64 - HASH_BITS
_HASH_MASK = np.uint64((1 << HASH_BITS) - 1)
_MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX_2 = np.uint64(0x94D049BB133111EB)


# Each byte's classes, one bit each, read for a whole buffer at once with ``bytes.translate``.
_WORD, _DIGIT, _JOINER, _DIGIT_JOINER, _LEAD = 1, 2, 4, 8, 16


def _class_table() -> bytes:
    table = bytearray(256)
    for character in b"0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ":
        table[character] |= _WORD
    for character in b"0123456789":
        table[character] |= _DIGIT
    for character in b"'.-":
        table[character] |= _JOINER
    for character in b",:/":
        table[character] |= _DIGIT_JOINER
    for byte in range(0x80, 0x100):
        table[byte] |= _WORD
    for lead in {entry[0] for entry in (*_SEPARATORS, *_UNSPACED_CHARACTERS)}:
        table[lead] |= _LEAD
    return bytes(table)


# Non-ASCII punctuation and symbols: (lead byte, lowest and highest second byte, lowest and highest third
# byte, length in bytes); a third byte is tested only where its range is not all of 0x80–0xBF.
_ANY = (0x80, 0xBF)
_SEPARATORS = (
    (0xC2, 0x80, 0xBF, *_ANY, 2),  # U+0080–U+00BF: Latin-1 punctuation and symbols (no-break space, «, », ©, …)
    (0xC3, 0x97, 0x97, *_ANY, 2),  # ×
    (0xC3, 0xB7, 0xB7, *_ANY, 2),  # ÷
    (0xD8, 0x8C, 0x8C, *_ANY, 2),  # Arabic comma ،
    (0xD8, 0x9B, 0x9B, *_ANY, 2),  # Arabic semicolon ؛
    (0xD8, 0x9F, 0x9F, *_ANY, 2),  # Arabic question mark ؟
    (0xDB, 0x94, 0x94, *_ANY, 2),  # Arabic (Urdu) full stop ۔
    (0xE0, 0xA5, 0xA5, 0xA4, 0xA5, 3),  # U+0964–U+0965: the Indic dandas । ॥ (beside Devanagari's vowel signs)
    (0xE2, 0x80, 0xAF, *_ANY, 3),  # U+2000–U+2BFF: general punctuation, currency, arrows, mathematical operators, …
    (0xE3, 0x80, 0x80, *_ANY, 3),  # U+3000–U+303F: CJK symbols and punctuation
    (0xF0, 0x9F, 0x9F, *_ANY, 4),  # U+1F000–U+1FFFF: emoji and pictographs
)
# Characters of the scripts written without spaces between words, each a word of its own — Chinese and
# Japanese characters, and the letters and marks of Thai, Lao, Myanmar and Khmer:
# (lead byte, lowest and highest second byte, length in bytes), after NFKC (which maps compatibility
# ideographs and half-width kana to these).
_UNSPACED_CHARACTERS = (
    (0xE3, 0x81, 0x83, 3),  # U+3040–U+30FF: hiragana and katakana
    (0xE3, 0x87, 0x87, 3),  # U+31C0–U+31FF: CJK strokes, katakana extensions
    (0xE3, 0x90, 0xBF, 3),  # U+3400–U+3FFF: CJK extension A
    *((lead, 0x80, 0xBF, 3) for lead in range(0xE4, 0xEA)),  # U+4000–U+9FFF: extension A, unified ideographs
    (0xF0, 0xA0, 0xB1, 4),  # U+20000–U+31FFF: extensions B to H
    (0xE0, 0xB8, 0xBB, 3),  # U+0E00–U+0EFF: Thai and Lao (letters and their marks alike)
    (0xE1, 0x80, 0x82, 3),  # U+1000–U+10BF: Myanmar
    (0xE1, 0x9E, 0x9F, 3),  # U+1780–U+17FF: Khmer
)
_CLASSES = _class_table()
# Typographic apostrophes and hyphens join words as their ASCII forms do; invisible characters vanish. The
# commonest separators become ASCII too (the words stay the same): a text left all ASCII lowercases fast.
# (text.normalize: shingles leave ACCENTS_AS_APOSTROPHES and RARE_DOUBLE_QUOTES alone, for pinned hashes)
_FOLDS = (
    *((apostrophe, "'") for apostrophe in APOSTROPHES),
    *((hyphen, "-") for hyphen in HYPHENS),
    *((invisible, "") for invisible in INVISIBLE),
    *((separator, " ") for separator in DOUBLE_QUOTES + WORD_DASHES + NO_BREAK_SPACE),
    (ELLIPSIS, "..."),
)
# It starts with the hyphen, so the regex engine scans for hyphens alone: applied to every text, it costs a
# quarter of what merely testing ``b"-\n" in raw`` did.
_WRAPPED_HYPHEN_RE = re.compile(rb"-(?<=[0-9a-z_\x80-\xff]-)\r?\n[ \t]*(?=[0-9a-z_\x80-\xff])")
# A word's hash: its bytes read as little-endian 64-bit chunks, each masked to the word and times an odd
# multiplier of its place, summed with the length times another, then mixed. Words of up to 8 bytes (most)
# cannot collide: for a given length, multiplying by an odd number is a bijection.
# The weights are ``np.random.default_rng(0x5EED).integers(0, 2**64, size=65, dtype=np.uint64) | 1``, written out:
# loading numpy.random cost 0.008 CPU-seconds of every run (tests check them against the generator).
_CHUNK_WEIGHTS = np.array([
    0x234F4E02517BBEFD, 0xFD7E720FAFB23633, 0x38F684EAB9E346BF, 0xA146DD2C5D05C905, 0x7CFE7917356635AF,
    0x1B003DC733167455, 0xCB90F1656FAF94FD, 0x0E43B5873C2B4F97, 0xACBB40D3550E3F83, 0x1E01760643BFA37D,
    0x655A2850929645A7, 0x782CD2A72CA35723, 0x0A78B631AC45D095, 0xAB05910C9B8EBBD9, 0x962B47B13E031811,
    0x93C21C6A418EC233, 0x27C6FF5CE34BF33B, 0x093251558DF4C491, 0x724461C85474C8D5, 0x9084CAC4F287D95D,
    0xF7B17E44E47EE909, 0x94DF5AF81834EB17, 0x3C43C11BBE7800AF, 0x920C272266A3A51B, 0xBE70F0E08FF59105,
    0x55E20F30CD582403, 0x945F1F1AC3FC098F, 0x776193D016EC09F7, 0xFA024C2BB582E7D7, 0x883191D4E125380D,
    0x4C79F6047BC47309, 0xBD4206F66AC2F8D3, 0x2B36F878E329A19B, 0x76C0E869A104E2CD, 0xDF2CB0D29691BC53,
    0xDEF1E252E8965149, 0x76BE66926B6BD665, 0xF2FFE8FA70D0D0D1, 0x20E0142D68591F93, 0x9C971C65448DC0D3,
    0x5C8825B1B4C72B9B, 0xBE74DAA1DD1D9687, 0xF3A7740551882C99, 0x82333483AB774AFD, 0x614DD0E94389E535,
    0xA461B747221E0BF9, 0xCEE675DCABE26049, 0x0A3AC79FC512B907, 0x9539392A562AED6D, 0x962BA9AC4153DF9F,
    0x00E7ED9BB506D227, 0x1673818B0DE97A11, 0x6F812A0967EF9095, 0x2DAFB266A4185991, 0x84770526239B5193,
    0xFF77A2FF1B8C52E9, 0xE627B59BF82C12DB, 0x1F2F9D671FE2B08F, 0x5883AE4FDF09D4A5, 0xC70C44D2DE4C53B5,
    0x269B0494391443F1, 0x9EDA81AAEE9DC043, 0xF521DE5CBF74EFC7, 0x1B321BE5515FC99F, 0x12C1C5220B150553,
], dtype=np.uint64)
_BYTE_MASKS = np.array([(1 << (8 * n)) - 1 for n in range(9)], dtype=np.uint64)
_GROUP_BYTES = 1 << 17  # documents are classified and hashed in groups of about this many bytes
_BLOCK = 1 << 14  # array steps over shingles go this many at a time: 128 KiB per array, in the cache


def _fold(text: str) -> str:
    """``text`` with the characters of ``_FOLDS`` replaced."""
    for variant, canonical in _FOLDS:
        if variant in text:
            text = text.replace(variant, canonical)
    return text


def normalize(text: str) -> bytes:
    """``text`` as words are read from it: NFKC, lowercased, UTF-8, quotes and hyphens folded.

    That is ``_fold(NFKC(text))``, computed as ``_fold(text)`` when that is NFKC already — and without the
    NFKC check when it is all ASCII (most English text: its only non-ASCII characters are typographic quotes
    and dashes). The fold variants are starters that compose with nothing, and NFKC turns none of them into
    anything but what folding makes of them (U+2011 into U+2010, no-break space into space, ``…`` into
    ``...``); so where NFKC would change ``text`` elsewhere, ``_fold(text)`` still holds that change's
    source and is not NFKC either (dropping an invisible character can make a sequence that NFKC would
    change: that, too, fails the check).
    """
    if not text.isascii():
        folded = _fold(text)
        if folded.isascii() or unicodedata.is_normalized("NFKC", folded):
            text = folded
        else:
            # Line breaks never take part in normalization, so lines can be normalized one by one; most are
            # already normal, and the others are short (normalizing a whole long text is slow).
            text = _fold("\n".join([unicodedata.normalize("NFKC", line) for line in text.split("\n")]))
    return _WRAPPED_HYPHEN_RE.sub(b"-", text.lower().encode("utf-8", "replace"))


def _word_spans(raw: bytes) -> tuple[np.ndarray, np.ndarray]:
    """The ``[start, end)`` byte offsets of each word of the normalized UTF-8 text ``raw``."""
    classes = np.frombuffer(raw.translate(_CLASSES), dtype=np.uint8)
    word = np.zeros(len(classes) + 2, dtype=np.uint8)  # a non-word byte on either side
    np.bitwise_and(classes, _WORD, out=word[1:-1])
    if not raw.isascii():
        leads = np.flatnonzero((classes & _LEAD) != 0)  # nonzero is much faster on booleans
        data = np.frombuffer(raw, dtype=np.uint8)
        first, second = data[leads], data[np.minimum(leads + 1, len(data) - 1)]
        third = data[np.minimum(leads + 2, len(data) - 1)]
        for lead, low, high, third_low, third_high, length in _SEPARATORS:
            found = (first == lead) & (second >= low) & (second <= high)
            if (third_low, third_high) != _ANY:
                found &= (third >= third_low) & (third <= third_high)
            hits = leads[found] + 1
            for offset in range(length):
                word[hits + offset] = 0
    # A joiner joins when both its neighbours are word bytes (digits, for a digit joiner). The joiner bits
    # are the word and digit bits two places up, so one AND over the neighbours' bits tests both kinds.
    sides = word[1:-1] | (classes & _DIGIT)
    both = sides[:-2] & sides[2:]
    both <<= 2
    both &= classes[1:-1]
    word[2:-2] |= both != 0
    # Words start and end where the mask changes, alternately.
    changes = np.flatnonzero(word[1:] != word[:-1])
    if raw.isascii():
        return changes[0::2], changes[1::2]
    characters = [leads[(first == lead) & (second >= low) & (second <= high)] for lead, low, high, _ in _UNSPACED_CHARACTERS]
    if not any(len(found) for found in characters):
        return changes[0::2], changes[1::2]
    # Each such character is a word: a bound of one that has word bytes on both sides ends one word and starts
    # another (a bound with a word byte on one side only is an end or a start already). The few new ones are
    # inserted in place, without sorting every word's bounds again.
    cuts = np.unique(np.concatenate(
        [*characters, *(found + length for found, (_, _, _, length) in zip(characters, _UNSPACED_CHARACTERS))]))
    cuts = cuts[(word[cuts] != 0) & (word[cuts + 1] != 0)]
    starts, ends = changes[0::2], changes[1::2]
    return np.insert(starts, np.searchsorted(starts, cuts), cuts), np.insert(ends, np.searchsorted(ends, cuts), cuts)


def words(text: str) -> list[str]:
    """The words of ``text``, as strings (the pipeline itself only ever hashes them)."""
    raw = normalize(text)
    starts, ends = _word_spans(raw)
    return [raw[start:end].decode("utf-8", "replace") for start, end in zip(starts.tolist(), ends.tolist())]


@dataclass(frozen=True)
class Segments:
    """Per-document runs of one flat array: document ``i`` is ``values[offsets[i]:offsets[i + 1]]``."""

    values: np.ndarray  # uint64
    offsets: np.ndarray  # int64, length documents + 1

    @property
    def sizes(self) -> np.ndarray:
        """The number of values of each document."""
        return np.diff(self.offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, index: int) -> np.ndarray:
        return self.values[self.offsets[index]:self.offsets[index + 1]]

    def take(self, documents: np.ndarray) -> Self:
        """The runs of ``documents`` (indices, repeats allowed), in that order."""
        sizes = self.sizes[documents]
        offsets = np.zeros(len(documents) + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        # Each new position's source: its run's start in the old array plus its place in the run.
        sources = np.repeat(self.offsets[:-1][documents] - offsets[:-1], sizes) + np.arange(offsets[-1])
        return type(self)(self.values[sources], offsets)


class TokenHashes(Segments):
    """The 64-bit hash of each word of a batch of documents, in order."""


class ShingleSets(Segments):
    """The shingle-hash sets of a batch of documents: ``HASH_BITS``-bit values, sorted and distinct per document."""


def _group_hashes(encoded: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """The word hashes of a few documents and the number of words of each."""
    # One newline after each document: a separator, so no word runs from one document into the next.
    raw = b"\n".join(encoded) + b"\n"
    starts, ends = _word_spans(raw)
    # Every byte offset as the start of an (unaligned) 8-byte chunk, read as raw 8-byte items (NumPy gathers
    # those faster than unaligned integers); 8 zero bytes pad the last ones.
    chunks = np.ndarray((len(raw) + 1,), dtype="V8", buffer=raw + bytes(8), strides=(1,))
    sizes = ends - starts

    def chunk(offsets: np.ndarray, left: np.ndarray) -> np.ndarray:
        value: np.ndarray = chunks[offsets].view("<u8")
        value &= _BYTE_MASKS[np.minimum(left, 8)]
        return value

    with np.errstate(over="ignore"):
        sums = sizes.astype(np.uint64) * _CHUNK_WEIGHTS[-1] + chunk(starts, sizes) * _CHUNK_WEIGHTS[0]
        # Then the further chunks of the longer words, fewer at each step.
        words = np.flatnonzero(sizes > 8)
        place = 1
        while len(words):
            left = sizes[words] - 8 * place
            sums[words] += chunk(starts[words] + 8 * place, left) * _CHUNK_WEIGHTS[place % 64]
            words = words[left > 8]
            place += 1
        values = mix(sums)
    lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)) + 1
    counts = np.diff(np.searchsorted(starts, np.cumsum(lengths) - lengths), append=len(starts))
    return values, counts


def token_hashes(texts: Sequence[str]) -> TokenHashes:
    """The hashes of the words of each text (equal words, equal hashes, in any batch)."""
    encoded = [normalize(text) for text in texts]
    values: list[np.ndarray] = [np.empty(0, np.uint64)]
    counts: list[np.ndarray] = [np.zeros(1, np.int64)]
    group: list[bytes] = []
    size = 0
    for document in encoded:
        group.append(document)
        size += len(document) + 1
        if size >= _GROUP_BYTES:
            for collected, found in zip((values, counts), _group_hashes(group)):
                collected.append(found)
            group, size = [], 0
    if group:
        for collected, found in zip((values, counts), _group_hashes(group)):
            collected.append(found)
    return TokenHashes(np.concatenate(values), np.cumsum(np.concatenate(counts)))


def exact_keys(tokens: TokenHashes) -> np.ndarray:
    """A 64-bit hash of each document's word sequence: equal for exact duplicates.

    Documents that differ only in layout, case, punctuation or typographic quotes get the same key.
    """
    values, offsets = tokens.values, tokens.offsets.tolist()
    digest = xxhash.xxh3_64_intdigest
    return np.fromiter((digest(values[start:end].tobytes()) for start, end in pairwise(offsets)),
                       dtype=np.uint64, count=len(tokens))


def mix(values: np.ndarray) -> np.ndarray:
    """The SplitMix64 finalizer, applied element-wise to ``values`` in place (wrapping uint64 arithmetic)."""
    shifted = np.empty_like(values)
    for shift, multiplier in ((30, _MIX_1), (27, _MIX_2)):
        values ^= np.right_shift(values, np.uint64(shift), out=shifted)
        values *= multiplier
    values ^= np.right_shift(values, np.uint64(31), out=shifted)
    return values


# The first 64-bit values ``np.random.default_rng(1)`` draws (``integers(0, 2**64, dtype=np.uint64)``, one after
# another): the default seed's shingle weights without loading numpy.random (tests check them).
_SEED_1_DRAWS = np.array([
    0x8306BDF37922E4FF, 0xF35196BBC152A866, 0x24E7A4F608EC18CD, 0xF2DAB0AED2AC6FD2, 0x4FD42FA03FCD72A9,
    0x6C5F1F45DE787048, 0xD3E4513345EE6D24, 0x68C1464C41CA3ACA, 0x8CB22C02A4D1FA2A, 0x070E1D3215F30262,
    0xC0E63C2EDD973235, 0x89C3C29AD67F9CA4, 0x54694C3AD14A9948, 0xC9D676A873E2D50A, 0x4D9E2D241FB91945,
    0x7418700C1FDA0C2E, 0x22508E81FA16820B,
], dtype=np.uint64)


def _draws(seed: int, count: int) -> np.ndarray:
    """The first ``count`` 64-bit values drawn from ``np.random.default_rng(seed)``."""
    if seed == 1 and count <= len(_SEED_1_DRAWS):
        return _SEED_1_DRAWS[:count]
    return np.random.default_rng(seed).integers(0, 2**64, size=count, dtype=np.uint64)


def _shingle_weights(ngram: int, seed: int) -> tuple[np.ndarray, np.uint64]:
    """One odd 64-bit multiplier per word position of a shingle, and an offset, all drawn from ``seed``."""
    draws = _draws(seed, ngram + 1)
    return draws[:ngram] | np.uint64(1), draws[ngram]


def shingle_sets(tokens: TokenHashes, ngram: int, seed: int) -> ShingleSets:
    """The sets of ``ngram``-word shingle hashes of each document; empty for documents with too few words.

    A shingle's hash is the SplitMix64 finalizer of its word hashes times odd multipliers drawn from ``seed``,
    summed. Shingle hashes keep 44 bits, so that one ``np.sort`` of ``document << 44 | hash`` both groups a
    batch by document and sorts each document's hashes (a batch holds fewer than 2**20 documents). 44 bits
    leave a chance of about 10**-8 that two shingles of one 1,000-shingle document collide.
    """
    if ngram < 1:
        raise ValueError(f"ngram must be at least 1, not {ngram}")
    if len(tokens) >= 1 << _DOCUMENT_BITS:
        raise ValueError(f"a batch holds at most {(1 << _DOCUMENT_BITS) - 1:,} documents")
    hashes = tokens.values
    span = max(len(hashes) - ngram + 1, 0)
    weights, offset = _shingle_weights(ngram, seed)
    # Each shingle keyed by its document: the document number in the top bits. A shingle whose words run
    # into the next document is keyed past every document, so that it sorts to the end and is cut off there.
    owners = np.repeat(np.arange(len(tokens), dtype=np.uint64) << np.uint64(HASH_BITS), tokens.sizes)
    starts = (tokens.offsets[1:, None] - np.arange(1, ngram)).ravel()
    marked = np.zeros(span, dtype=bool)  # (a mask, not np.unique: that hashes, and loads numpy.ma)
    marked[starts[(starts >= 0) & (starts < span)]] = True
    crossing = np.flatnonzero(marked)
    owners[crossing] = np.uint64(len(tokens)) << np.uint64(HASH_BITS)
    keyed = np.empty(span, dtype=np.uint64)
    term = np.empty(min(span, _BLOCK), dtype=np.uint64)
    with np.errstate(over="ignore"):
        # Block by block, so that the arrays of each step stay in the processor's cache.
        for start in range(0, span, _BLOCK):
            block = keyed[start:start + _BLOCK]
            np.multiply(hashes[start:start + len(block)], weights[0], out=block)
            block += offset
            for position in range(1, ngram):
                np.multiply(hashes[start + position:start + position + len(block)], weights[position],
                            out=term[:len(block)])
                block += term[:len(block)]
            mix(block)
            block &= _HASH_MASK
            block |= owners[start:start + len(block)]
    keyed.sort()
    keyed = keyed[:span - len(crossing)]
    distinct = np.ones(len(keyed), dtype=bool)
    np.not_equal(keyed[1:], keyed[:-1], out=distinct[1:])
    keyed = keyed[distinct]
    firsts = np.arange(len(tokens) + 1, dtype=np.uint64) << np.uint64(HASH_BITS)
    offsets = np.searchsorted(keyed, firsts).astype(np.int64)
    keyed &= _HASH_MASK
    return ShingleSets(keyed, offsets)
