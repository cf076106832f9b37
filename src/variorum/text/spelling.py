"""British and American spellings of one word: "colour"/"color", "organise"/"organize", "centre"/"center",
"travelled"/"traveled", "defence"/"defense", "catalogue"/"catalog", "programme"/"program".

Both words are rewritten to one form by the rules that separate the two spellings (-our/-or, -ise/-ize,
-yse/-yze, -re/-er, a doubled l before a suffix, -ence/-ense, -ogue/-og, -amme/-am, -ae-/-oe- in Greek and
Latin roots, -dgement/-dgment, -llful/-lful, -ll/-l at the end of a verb), plus a few words that differ otherwise
("grey"/"gray"); two words are variants when they differ but rewrite to the same form. Pure.

>>> is_spelling_variant("Colour", "Color"), is_spelling_variant("travelled", "traveled")
(True, True)
>>> is_spelling_variant("filled", "filed"), is_spelling_variant("four", "for")
(False, False)
"""

from __future__ import annotations

import re

_VOWEL_GROUP_RE = re.compile(r"[aeiouy]+")
# Each rule: (pattern on a lower-case word, replacement), applied in order to both spellings.
_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"(?<=[a-z]{3})our(?=(?:s|ed|ing|ite|ites|able|ably|ful|less|er|ers|ism|ist|ists|ly)?$)", "or"),
        (r"(?<=[a-z]{2})is(e|es|ed|ing|ation|ations|er|ers|able)$", r"iz\1"),
        (r"(?<=[a-z]{2})ys(e|es|ed|ing|er|ers)$", r"yz\1"),
        (r"(?<=[a-z]{2}[bcdfgkmnptv])re(s?)$", r"er\1"),
        (r"(?<=[a-z]{2}[bcdfgkmnptv])red$", "ered"),
        (r"(?<=[fct])ence(s?)$", r"ense\1"),
        (r"(?<=[a-z]{2})ogue(s?)$", r"og\1"),
        (r"(?<=[a-z]{2})amme(s?)$", r"am\1"),
        (r"dgement(s?)$", r"dgment\1"),
        (r"llful(ly)?$", r"lful\1"),
        (r"^(p|h|an|orthop|encyclop|medi|ana)ae", r"\1e"),
        (r"^(oe|man|f|di)oe", r"\1e"),
    )
)
# Words whose spellings differ otherwise, the British form first.
_PAIRS = {"grey": "gray", "tyre": "tire", "tyres": "tires", "kerb": "curb", "plough": "plow", "mould": "mold",
          "aluminium": "aluminum", "sceptic": "skeptic", "sceptical": "skeptical", "cheque": "check",
          "cheques": "checks", "jewellery": "jewelry", "pyjamas": "pajamas", "draught": "draft",
          "storey": "story", "storeys": "stories", "cosy": "cozy", "whisky": "whiskey", "mum": "mom",
          "oestrogen": "estrogen", "manoeuvre": "maneuver", "manoeuvres": "maneuvers"}
_DOUBLED_L_RE = re.compile(r"ll(ed|ing|er|ers|ment|ments|ful)$")
_FINAL_L_RE = re.compile(r"ll$")


def _with_single_l(word: str) -> str:
    """"travelled" → "traveled", "fulfill" → "fulfil": only when the stem has two syllables or more, so that
    "filled" and "filed", "called" and "caled" stay apart."""
    for pattern in (_DOUBLED_L_RE, _FINAL_L_RE):
        match = pattern.search(word)
        if match and len(_VOWEL_GROUP_RE.findall(word[:match.start()])) >= 2:
            return word[:match.start()] + "l" + word[match.start() + 2:]
    return word


def common_form(word: str) -> str:
    """One spelling for the British and American forms of ``word`` (lower case)."""
    lowered = word.lower()
    lowered = _PAIRS.get(lowered, lowered)
    for pattern, replacement in _RULES:
        lowered = pattern.sub(replacement, lowered)
    return _with_single_l(lowered)


def is_spelling_variant(old: str, new: str) -> bool:
    """True when ``old`` and ``new`` are two spellings (British and American) of one word; in hyphenated
    words, part by part ("colour-coded"/"color-coded")."""
    before, after = old.lower(), new.lower()
    if before == after:
        return False
    if "-" in before and before.count("-") == after.count("-"):
        return all(a == b or is_spelling_variant(a, b) for a, b in zip(before.split("-"), after.split("-")))
    if not (before.isalpha() and after.isalpha()):
        return False
    if (before[0] != after[0] or abs(len(before) - len(after)) > 3) and before not in _PAIRS and after not in _PAIRS:
        return False  # cheap: the rules keep the first letter and change the length by three at most
    return common_form(old) == common_form(new)
