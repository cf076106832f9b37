"""``patch(a, compare(a, b).changes)`` rebuilds B's words from A for any pair of texts, not only edits of one."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from variorum.compare import compare
from variorum.compare.patch import patch
from variorum.text.tokens import token_keys

# Pieces that stress block and token boundaries: datelines opening a paragraph (the one a credit word such
# as "Reuters" makes front matter is tested on its own), punctuation touching words,
# words hyphenated across lines, quotes, ellipses, numbers, runs of spaces and line breaks. Paragraphs end
# with a full stop, and front matter (headline, byline, credit) comes as whole blocks, so that no block
# boundary falls inside a token (a headline line ending in a hyphen, a dateline's dash running on into a
# hyphen): there B's words depend on how its blocks are cut, which is outside the contract (docs/compare-engine.md).
PIECES = [
    "Correction: ", "a", "aa", "b", "The", "said", "don't",
    "12", "1,200", "$300", "café", "mid-\nterm", "long-term", " ", "  ", "\n", ".", ",", "!", ":", "“", "”",
    "\"", "(", ")", "…", "...",
]
FRONT = ["Rain Expected", "By Ann Lee", "Photo: AP", "Rain Expected\nBy Ann Lee"]
DATELINES = ["", "", "WASHINGTON — ", "WASHINGTON —", "PARIS, France — "]
paragraphs = st.tuples(st.sampled_from(DATELINES), st.lists(st.sampled_from(PIECES), min_size=1, max_size=10)).map(
    lambda t: t[0] + "".join(t[1]) + ".")
texts = st.tuples(st.lists(st.sampled_from(FRONT), max_size=2), st.lists(paragraphs, max_size=4),
                  st.sampled_from(["\n\n", "\n\n\n", "\n \n"])).map(lambda t: t[2].join(t[0] + t[1]))


def rebuilt(a: str, b: str) -> list[str]:
    return token_keys(patch(a, compare(a, b).changes))


def test_the_reported_pair_is_rebuilt():
    a, b = "(Reuters) —aa", "(Reuters) —(Reuters) —a"
    assert rebuilt(a, b) == token_keys(b)


def test_a_word_hyphenated_across_lines_is_rebuilt_as_one_word():
    a, b = "The plan was set.", "The long-\nterm plan was set."
    assert rebuilt(a, b) == token_keys(b) == ["The", "long-term", "plan", "was", "set", "."]


def test_a_dateline_and_the_paragraph_it_opens_stay_together():
    a, b = "", "(Reuters) —aa said."
    assert rebuilt(a, b) == token_keys(b)


@settings(max_examples=400, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(texts, texts)
def test_any_pair_of_texts_is_rebuilt(a, b):
    assert rebuilt(a, b) == token_keys(b)


# Pieces of other scripts: Chinese and Japanese (one token a character, 。 ending sentences with no space
# after it, 「」 quotations), Devanagari with its vowel signs and danda, Arabic with vowel marks and
# bidirectional marks, Cyrillic capitals opening sentences.
SCRIPT_PIECES = [
    "政府", "は", "12日", "、", "経済", "。", "「", "」", "发表", "了", "प्रधानमंत्री", "योजना", "।", " ", "\n",
    "الوزراءِ", "قال", "\u200f", "\u2066", "\u2069", "Затем", "он", ".", "iPhone15", "5兆円",
]
script_paragraphs = st.lists(st.sampled_from(SCRIPT_PIECES), min_size=1, max_size=12).map(lambda t: "".join(t) + "。")
script_texts = st.lists(script_paragraphs, max_size=4).map("\n\n".join)


@settings(max_examples=400, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(script_texts, script_texts)
def test_any_pair_of_texts_in_other_scripts_is_rebuilt(a, b):
    assert rebuilt(a, b) == token_keys(b)
    assert 0.0 <= compare(a, b).similarity <= 1.0
