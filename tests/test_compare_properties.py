"""Properties that hold for every input: identity, layout blindness, completeness (round trip), moves."""

from __future__ import annotations

import textwrap
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from variorum.compare import compare
from variorum.compare.patch import patch
from variorum.text.tokens import token_keys

VOCABULARY = [
    "the", "council", "said", "on", "Tuesday", "that", "it", "would", "close", "library", "Maria", "Lopez",
    "1,200", "residents", "$300", "café", "naïve", "Zürich", "it’s", "don't", "U.S.", "al-Assad", "mid-term",
    "“we", "will", "fight”", ",", "and", "percent", "2024", "report", "https://example.org/a/b",
]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

words = st.lists(st.sampled_from(VOCABULARY), min_size=6, max_size=30)
paragraph = words.map(lambda ws: " ".join(ws) + ".")
documents = st.lists(paragraph, min_size=1, max_size=8)


def join(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs) + "\n"


@SETTINGS
@given(documents)
def test_a_version_compared_with_itself_has_no_changes(paragraphs):
    result = compare(join(paragraphs), join(paragraphs))
    assert result.changes == ()
    assert result.similarity == 1.0


def _curly(text: str) -> str:
    return text.replace("'", "’").replace(" “", ' "').replace("”", '"')


@SETTINGS
@given(documents, st.integers(min_value=20, max_value=90), st.sampled_from(["wrap", "quotes", "nfd", "crlf", "nbsp", "soft"]))
def test_layout_only_rewrites_give_only_layout_changes(paragraphs, width, rewrite):
    original = join(paragraphs)
    if rewrite == "wrap":
        rewritten = "\n\n\n".join(textwrap.fill(p, width, break_long_words=False, break_on_hyphens=False) for p in paragraphs) + "   \n"
    elif rewrite == "quotes":
        rewritten = _curly(original)
    elif rewrite == "nfd":
        rewritten = unicodedata.normalize("NFD", original)
    elif rewrite == "crlf":
        rewritten = original.replace("\n", "\r\n")
    elif rewrite == "nbsp":
        rewritten = original.replace(" the ", "\u00a0the\u00a0")
    else:
        rewritten = original.replace("library", "lib\u00adrary")
    result = compare(original, rewritten)
    assert not result.changed, [(c.kind, c.old, c.new) for c in result.substantive_changes]
    assert {c.kind for c in result.changes} <= {"layout"}


edit = st.tuples(
    st.sampled_from(["replace", "insert", "delete", "add_paragraph", "drop_paragraph", "move_paragraph"]),
    st.integers(min_value=0, max_value=10_000),
    st.integers(min_value=0, max_value=10_000),
    st.sampled_from(VOCABULARY),
)


def _apply(paragraphs: list[str], edits) -> list[str]:
    paragraphs = list(paragraphs)
    for action, x, y, word in edits:
        if not paragraphs:
            paragraphs.append(f"{word} fresh start of a brand new story.")
            continue
        p = x % len(paragraphs)
        tokens = paragraphs[p].split(" ")
        if action == "replace":
            tokens[y % len(tokens)] = word
        elif action == "insert":
            tokens.insert(y % (len(tokens) + 1), word)
        elif action == "delete" and len(tokens) > 1:
            del tokens[y % len(tokens)]
        elif action == "add_paragraph":
            paragraphs.insert(y % (len(paragraphs) + 1), f"An entirely new paragraph mentions {word} and more.")
            continue
        elif action == "drop_paragraph":
            del paragraphs[p]
            continue
        elif action == "move_paragraph":
            paragraphs.insert(y % len(paragraphs), paragraphs.pop(p))
            continue
        paragraphs[p] = " ".join(tokens)
    return paragraphs


@SETTINGS
@given(documents, st.lists(edit, min_size=1, max_size=6))
def test_applying_the_changes_to_a_reproduces_b(paragraphs, edits):
    a, b = join(paragraphs), join(_apply(paragraphs, edits))
    assert token_keys(patch(a, compare(a, b).changes)) == token_keys(b)


@SETTINGS
@given(st.lists(paragraph, min_size=3, max_size=8, unique=True), st.data())
def test_moving_a_paragraph_gives_one_move(paragraphs, data):
    source = data.draw(st.integers(min_value=0, max_value=len(paragraphs) - 1))
    target = data.draw(st.integers(min_value=0, max_value=len(paragraphs) - 1).filter(lambda t: t != source))
    moved = list(paragraphs)
    moved.insert(target, moved.pop(source))
    changes = compare(join(paragraphs), join(moved)).substantive_changes
    assert [c.kind for c in changes] == ["paragraph_moved"]


@SETTINGS
@given(documents, st.integers(min_value=8, max_value=90),
       st.sampled_from(["wrap", "wrap at hyphens", "nbsp", "soft hyphen", "crlf", "quotes", "edit"]))
def test_the_layout_only_path_finds_what_the_full_comparison_finds(paragraphs, width, rewrite):
    """``compare`` answers re-wrapped and re-spaced texts without folding what a re-wrap leaves alone
    (``engine._layout_only``): every change, the similarity and the summary are those of the full comparison."""
    from variorum.article import Article
    from variorum.compare.engine import compare_versions
    from variorum.compare.version import Version

    original = join(paragraphs)
    if rewrite.startswith("wrap"):
        rewritten = "\n\n".join(textwrap.fill(p, width, break_long_words=False,
                                              break_on_hyphens=rewrite == "wrap at hyphens")
                                for p in paragraphs) + "\n"
    elif rewrite == "nbsp":
        rewritten = original.replace(" the ", "\u00a0the\n")
    elif rewrite == "soft hyphen":
        rewritten = original.replace("library", "lib\u00ad\nrary").replace("mid-term", "mid-\nterm")
    elif rewrite == "crlf":
        rewritten = original.replace(" ", "\r\n", 3)
    elif rewrite == "quotes":
        rewritten = _curly(original).replace(" ", "\n", 5)
    else:
        rewritten = original.replace(" the ", " the\nnew ", 1)
    from variorum.compare.engine import _layout_only

    quick = compare(original, rewritten)
    full = compare_versions(Version(Article.from_text(original)), Version(Article.from_text(rewritten)))
    if rewrite == "wrap":  # a plain re-wrap takes the quick path
        assert _layout_only(Article.from_text(original), Article.from_text(rewritten)) is not None
    assert quick.similarity == full.similarity and quick.summary == full.summary
    assert [c.to_dict() for c in quick.changes] == [c.to_dict() for c in full.changes]


@SETTINGS
@given(documents, st.data())
def test_a_word_replaced_lowers_the_similarity_by_about_its_share(paragraphs, data):
    """One word replaced by another of the same length: the similarity is under 1 (punctuation and dashes
    count as they fold, never a separator each) and within the word and its separators of 1."""
    index = data.draw(st.integers(0, len(paragraphs) - 1))
    words = paragraphs[index].split(" ")
    position = data.draw(st.integers(0, len(words) - 1))
    if not words[position].strip(".,").isalpha():
        return
    replacement = words[position].swapcase() if not words[position].isupper() else words[position].lower()
    if replacement.casefold() == words[position].casefold():
        replacement = "x" * len(words[position])
    if replacement == words[position]:
        return
    edited = [*paragraphs[:index], " ".join([*words[:position], replacement, *words[position + 1:]]), *paragraphs[index + 1:]]
    result = compare(join(paragraphs), join(edited))
    total = sum(len(" ".join(p.split())) + 1 for p in paragraphs)
    assert 1 - (len(words[position]) + 2) / total <= result.similarity < 1.0
