"""The pure text model: tokens and their keys, blocks, sentences, front matter, decoding."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from variorum import Article
from variorum.errors import InputError
from variorum.text.decode import decode_text
from variorum.text import segment
from variorum.text.segment import block_spans, sentence_spans
from variorum.text.tokens import _cjk_line_break, collapse_whitespace, fold_text, tokenize


def test_token_keys_fold_layout_noise_but_spans_stay_original():
    text = "It’s “done” — re\u00adwrite café"
    tokens = tokenize(text)
    assert [t.key for t in tokens] == ["It's", '"', "done", '"', "-", "rewrite", "café"]
    assert [text[t.start:t.end] for t in tokens][0] == "It’s"
    nfd = tokenize("cafe\u0301")
    assert [t.key for t in nfd] == ["café"]


def test_urls_numbers_and_words_are_single_tokens():
    keys = [t.key for t in tokenize("See https://ex.org/a/b. About $1,600 (U.S. al-Assad).")]
    assert keys == ["See", "https://ex.org/a/b", ".", "About", "$1,600", "(", "U.S", ".", "al-Assad", ")", "."]


def test_blocks_by_blank_lines_and_long_lines():
    assert len(block_spans("a\nb\n\n\n c \n")) == 2
    long_lines = "\n".join(["x " * 100] * 3)
    assert len(block_spans(long_lines)) == 3


def test_sentences_respect_abbreviations_and_initials():
    text = "Gen. J. Smith met the U.S. envoy. He left at 5 p.m. on Monday. “Fine,” she said."
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "Gen. J. Smith met the U.S. envoy.", "He left at 5 p.m. on Monday.", "“Fine,” she said."]


def test_front_matter_of_the_seed(seeds):
    article = Article.from_text(seeds[0])
    kinds = [(b.kind, " ".join(article.block_text(b).split())) for b in article.blocks[:4]]
    assert kinds == [
        ("headline", "Putin's Syria Peace Conference Boycotted by Assad Opponents"),
        ("caption", "Kremlin Press Service"),
        ("dateline", "(Bloomberg) —"),
        ("paragraph", kinds[3][1]),
    ]
    assert kinds[3][1].startswith("Russia is hosting")
    assert article.title == "Putin's Syria Peace Conference Boycotted by Assad Opponents"


def test_front_matter_without_indentation():
    article = Article.from_text("Storm Nears\nBy Ann Lee\nPhoto: AP\n\nLONDON — Rain fell all day across the city.\n")
    assert [b.kind for b in article.blocks] == ["headline", "byline", "caption", "dateline", "paragraph"]


def test_body_only_text_has_no_front_matter():
    article = Article.from_text("The first paragraph is a sentence.\n\nThe second one is too.\n")
    assert [b.kind for b in article.blocks] == ["paragraph", "paragraph"]


def test_decoding():
    assert decode_text("héllo".encode("utf-16"), "f") == ("héllo", None)
    assert decode_text(b"\xef\xbb\xbfhi", "f") == ("hi", None)
    with pytest.raises(InputError, match="binary"):
        decode_text(b"\x00\x01\x02" * 100, "f")


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet="ab \t\n\u00a0\u2028\u2029\x0b\x1c\x85\u200b-", max_size=30))
def test_paragraphs_without_carriage_returns_are_found_as_splitting_at_blank_lines_finds_them(text: str) -> None:
    found = [m.span() for m in segment._PARAGRAPH_LF_RE.finditer(text)]
    split = []  # the pieces between blank lines, each stripped of the whitespace at its ends
    position = 0
    for index, piece in enumerate(segment._BLANK_LINE_RE.split(text)):
        if index % 2 == 0 and piece.strip():
            start = position + len(piece) - len(piece.lstrip())
            split.append((start, start + len(piece.strip())))
        position += len(piece)
    assert found == split


@pytest.mark.parametrize(("first", "kinds"), [
    ("Correction: an earlier version of this story misstated the date. " + "It rained. " * 40, ["correction"]),
    ("This article has been updated with the mayor's comments. " + "It rained. " * 40, ["correction"]),
    ("Updates: the mayor spoke on Monday. " + "It rained. " * 40, ["correction"]),
    ("Updating the count, officials said on Monday. " + "It rained. " * 40, ["paragraph"]),
    ("Updated" + "x" * 100, ["paragraph"]),
    ("WASHINGTON — It rained on Monday, officials said. " + "It rained. " * 40, ["dateline", "paragraph"]),
    ("LONDON (Reuters) - It rained on Monday, officials said. " + "It rained. " * 40, ["dateline", "paragraph"]),
    ("Washington said it rained (a lot) — officials agreed. " + "It rained. " * 40, ["paragraph"]),
])
def test_long_paragraphs_are_typed_from_their_start(first: str, kinds: list[str]) -> None:
    from variorum.text.frontmatter import parse_blocks
    from variorum.text.segment import block_spans

    assert [b.kind for b in parse_blocks(first, block_spans(first))] == kinds


@settings(max_examples=300)
@given(st.text(alphabet="thisarcleupdoknwmfvy'’ .:-\n", min_size=0, max_size=120))
def test_a_body_paragraph_is_typed_a_correction_exactly_when_it_reads_as_one(text: str) -> None:
    """parse_blocks matches the correction pattern in the article's text at each paragraph's start: the same
    answer as the pattern on the paragraph alone."""
    from variorum.text.frontmatter import CORRECTION, PARAGRAPH, is_correction, parse_blocks

    paragraph = " ".join(text.split())
    if not paragraph:
        return
    opening = "The opening paragraph of the story says what happened. It is long enough."
    article = opening + "\n\n" + paragraph
    body = parse_blocks(article, [(0, len(opening)), (len(opening) + 2, len(article))])[-1]
    assert article[body.start:body.end] == paragraph
    assert body.kind == (CORRECTION if is_correction(paragraph) else PARAGRAPH)


@given(st.text(alphabet="ab \t\n\r\u00a0\u2028\x0b\x1c\x85\u3000", max_size=40))
def test_whitespace_collapses_as_splitting_into_words_and_joining_them_does(text: str) -> None:
    # the shortcuts (a text already single-spaced, or single-spaced once its line breaks are spaces) included
    assert collapse_whitespace(text) == " ".join(text.split())


@given(st.text(alphabet="a漢字か \n\t", max_size=30))
def test_folding_joins_cjk_lines_exactly_where_the_line_break_substitution_applies(text: str) -> None:
    # fold_text tests for a line break before a CJK character first: the test never skips a text the
    # substitution would change
    assert fold_text(text) == " ".join(_cjk_line_break().sub("", text).split())
