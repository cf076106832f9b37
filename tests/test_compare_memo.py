"""The engine's extension point for collate: a PairMemo shared by many comparisons never changes a result.

The invariant (compare/engine.py, ``PairMemo``): what the engine finds inside a pair of edited blocks depends
only on the old block's kind and the two blocks' texts, so, offsets made relative to the blocks' starts, it
is the same wherever the pair stands.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from variorum.article import Article
from variorum.compare import compare
from variorum.compare.engine import PairMemo, compare_versions
from variorum.compare.version import Version

WORDS = ["The", "council", "said", "12", "14", "“we", "will", "fight”", "Maria", "Lopez", "not", "closed", ",", "library"]
paragraph = st.lists(st.sampled_from(WORDS), min_size=3, max_size=12).map(lambda ws: " ".join(ws) + ".")
documents = st.lists(paragraph, min_size=1, max_size=5).map("\n\n".join)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(documents, min_size=2, max_size=4))
def test_comparisons_sharing_a_memo_equal_comparisons_without_one(versions):
    memo: PairMemo = {}
    prepared = [Version(Article.from_text(text)) for text in versions]
    for _ in range(2):  # the second round finds every edited pair in the memo
        for new in prepared[1:]:
            shared = compare_versions(prepared[0], new, memo=memo)
            alone = compare(versions[0], new.text)
            assert shared.changes == alone.changes
            assert shared.similarity == alone.similarity


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(paragraph, paragraph, documents, documents)
def test_what_a_pair_of_blocks_yields_does_not_depend_on_where_it_stands(old, new, before, after):
    first: PairMemo = {}
    compare_versions(Version(Article.from_text(f"Intro words here.\n\n{old}")),
                     Version(Article.from_text(f"Intro words here.\n\n{new}")), memo=first)
    second: PairMemo = {}
    compare_versions(Version(Article.from_text(f"{before}\n\nIntro words here.\n\n{old}\n\n{after}")),
                     Version(Article.from_text(f"{before}\n\nIntro words here.\n\n{new}\n\n{after}")), memo=second)
    for key, findings in first.items():
        if key in second:
            assert second[key] == findings


def test_an_edited_pair_is_found_once_and_placed_anew():
    old = "Officials said 12 people died, “we will not stop”, Maria Lopez said."
    new = "Officials said 14 people died, “we will stop”, Maria Lopez said."
    memo: PairMemo = {}
    near = compare_versions(Version(Article.from_text(old)), Version(Article.from_text(new)), memo=memo)
    [(key, findings)] = memo.items()
    assert key == ("paragraph", old, new) and len(findings.changes) == 2
    far_a, far_b = f"Headline\n\nFirst paragraph here.\n\n{old}", f"Headline\n\nFirst paragraph here.\n\n{new}"
    far = compare_versions(Version(Article.from_text(far_a)), Version(Article.from_text(far_b)), memo=memo)
    assert len(memo) == 1  # found in the memo, not diffed again
    shift = len(far_a) - len(old)
    assert [(c.kind, c.old, c.new, c.old_span[0] + shift, c.detail) for c in near.changes] == [
        (c.kind, c.old, c.new, c.old_span[0], c.detail) for c in far.changes]
    assert far.changes == compare(far_a, far_b).changes


# characters that folding changes or drops, and words hyphenated (or dashed) across a line break
PIECES = ["a", "b", " ", "\n", "\r", "\t", "-", "\u2010", "\u00ad", "\u200b", "\u0301", "\u00a0", "é", "’", "“", "—",
          "ﬁ", "\uff0d", ".", "`", "1", "long-\nterm", "long\u2010\nterm", "long\u00ad\nterm", "long-\r\nterm",
          "long—\nterm", "long-\n  term", "long \nterm"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(PIECES), max_size=10).map("".join), min_size=1, max_size=6))
def test_the_fold_memo_gives_what_fold_text_gives(texts):
    """A comparison folds a re-wrapped block through the fold of the same block with its line breaks made
    spaces (compare/engine.py, ``fold_memo``): never a different key than folding it afresh."""
    from variorum.compare.version import fold_memo
    from variorum.text.tokens import fold_text

    fold_block = fold_memo()
    for text in [*texts, *(t.replace("\n", " ") for t in texts), *(t.replace(" ", "\n") for t in texts)]:
        assert fold_block(text) == fold_text(text)
