"""The one table of characters that reading folds away: invisible characters, typographic apostrophes,
quotation marks, hyphens and dashes.

Comparison (``text.tokens``, ``compare.engine``) and near-duplicate detection (``dedup.shingle``) build
their folds from these sets, so that a character added here is treated alike by both. Their folds differ
on purpose, and only in what a class becomes: comparison keeps a quotation mark as ``"`` (quotes are
edits it reports), shingling turns it into a word separator (quotes never make two stories different).

Three classes are folded by comparison only: :data:`ACCENTS_AS_APOSTROPHES`, :data:`RARE_DOUBLE_QUOTES` and
:data:`BIDI_MARKS`.
Shingling leaves them as they are because its hashes are pinned (a changed fold changes every stored
signature); they are rare enough in news text that this costs nothing in practice.

>>> sorted(INVISIBLE) == sorted("\\u00ad\\u200b\\u200c\\u200d\\u2060\\ufeff")
True
>>> "x\\u00adx".translate(DROP_INVISIBLE)
'xx'
"""

from __future__ import annotations

# soft hyphen, zero-width space, zero-width non-joiner, zero-width joiner, word joiner, BOM / zero-width
# no-break space: they change no word and vanish from every comparison key and shingle
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
# the bidirectional marks, embeddings, overrides and isolates that Arabic and Hebrew pages sprinkle
# (U+061C, U+200E–U+200F, U+202A–U+202E, U+2066–U+2069): comparison drops them as it drops INVISIBLE;
# shingling reads those of U+2000–U+2BFF as the word separators they stand beside, and needs no fold
BIDI_MARKS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
DROP_INVISIBLE = str.maketrans(dict.fromkeys(INVISIBLE))

# typographic apostrophes and single quotes (’ ‘ ʼ ‛) and the prime (′): read as '
APOSTROPHES = "\u2019\u2018\u02bc\u201b\u2032"
# grave and acute accents typed for an apostrophe (` ´): comparison reads them as '
ACCENTS_AS_APOSTROPHES = "`\u00b4"

# double quotation marks (“ ” „ « »): read as "
DOUBLE_QUOTES = "\u201c\u201d\u201e\u00ab\u00bb"
# reversed double quotation mark and double prime (‟ ″): comparison reads them as "
RARE_DOUBLE_QUOTES = "\u201f\u2033"

# hyphen and non-breaking hyphen: read as -
HYPHENS = "\u2010\u2011"
# en and em dashes, between words
WORD_DASHES = "\u2013\u2014"
# figure dash, horizontal bar, minus sign
OTHER_DASHES = "\u2012\u2015\u2212"

# single guillemets (‹ ›): folded by neither, but quotation marks where comparison looks at quote style
SINGLE_GUILLEMETS = "\u2039\u203a"

NO_BREAK_SPACE = "\u00a0"
ELLIPSIS = "\u2026"

__all__ = [
    "ACCENTS_AS_APOSTROPHES", "APOSTROPHES", "BIDI_MARKS", "DOUBLE_QUOTES", "DROP_INVISIBLE", "ELLIPSIS", "HYPHENS",
    "INVISIBLE",
    "NO_BREAK_SPACE", "OTHER_DASHES", "RARE_DOUBLE_QUOTES", "SINGLE_GUILLEMETS", "WORD_DASHES",
]
