"""One test per change kind: what each edit is called and how much it matters."""

from __future__ import annotations

import pytest

from variorum import Article
from variorum.compare import compare

BODY = [
    "The council voted on Tuesday to close the old library, officials said.",
    "About 1,200 residents signed a petition against the plan, which would save $300,000 a year.",
    "\"We will not give up,\" said Maria Lopez, who organised the petition.",
    "The library opened in 1952 and was rebuilt after a fire.",
]


def article(paragraphs: list[str], headline: str = "Council Votes to Close Library") -> str:
    return headline + "\n\n" + "\n\n".join(paragraphs) + "\n"


def only_change(before: str, after: str):
    changes = compare(before, after).substantive_changes
    assert len(changes) == 1, [(c.kind, c.old, c.new) for c in changes]
    return changes[0]


def edited(index: int, old: str, new: str) -> str:
    paragraphs = list(BODY)
    assert old in paragraphs[index]
    paragraphs[index] = paragraphs[index].replace(old, new)
    return article(paragraphs)


@pytest.mark.parametrize(
    ("index", "old", "new", "kind", "significance"),
    [
        (1, "1,200", "1,500", "number", "major"),
        (1, "$300,000", "$250,000", "number", "major"),
        (0, "Tuesday", "Wednesday", "date", "major"),
        (3, "1952", "1953", "date", "major"),
        (2, "Maria Lopez", "Maria Gomez", "name", "major"),
        (2, "will not give up", "will never give in", "quote", "major"),
        (0, "close the old library", "sell the old library", "wording", "minor"),
        (0, "to close the old library", "to keep the historic library open", "wording", "major"),
        (3, "rebuilt", "rebiult", "spelling", "minor"),
        (1, "signed a petition", "signed the petition", "wording", "minor"),
        (3, "rebuilt after a fire.", "rebuilt after a fire!", "punctuation", "minor"),
        (0, "officials said", "officials did not say", "wording", "major"),
    ],
)
def test_edit_kinds(index, old, new, kind, significance):
    change = only_change(article(BODY), edited(index, old, new))
    assert (change.kind, change.significance) == (kind, significance)


def test_quote_change_names_its_speaker():
    change = only_change(article(BODY), edited(2, "will not give up", "will never give in"))
    assert change.detail == {"quote": "We will never give in,", "speaker": "Maria Lopez"}


def test_headline_change_is_one_headline_change():
    change = only_change(article(BODY), article(BODY, headline="Council Backs Library Closure"))
    assert change.kind == "headline" and change.significance == "major"
    assert (change.old, change.new) == ("Council Votes to Close Library", "Council Backs Library Closure")


def test_byline_and_caption_and_dateline_are_recognised():
    before = "Storm Hits Coast\nBy Ann Lee\n\nWASHINGTON — The storm hit the coast at dawn, flooding roads.\n"
    after = "Storm Hits Coast\nBy Ann Lee and Tom Ray\n\nBALTIMORE — The storm hit the coast at dawn, flooding roads.\n"
    kinds = {c.kind for c in compare(before, after).substantive_changes}
    assert kinds == {"byline", "dateline"}
    with_credit = "Storm Hits Coast\n Photo: Getty Images\n\nThe storm hit the coast at dawn, flooding roads.\n"
    without = "Storm Hits Coast\n\nThe storm hit the coast at dawn, flooding roads.\n"
    change = only_change(with_credit, without)
    assert (change.kind, change.old) == ("caption", "Photo: Getty Images")


def test_paragraph_added_and_removed():
    longer = article(BODY + ["A new branch will open downtown next year, the mayor promised residents."])
    change = only_change(article(BODY), longer)
    assert change.kind == "paragraph_added" and change.significance == "major"
    assert change.old is None and change.old_span[0] == change.old_span[1]
    change = only_change(longer, article(BODY))
    assert change.kind == "paragraph_removed"


def test_correction_note_appended():
    corrected = article(BODY + ["Correction: An earlier version misstated the year the library opened."])
    change = only_change(article(BODY), corrected)
    assert (change.kind, change.significance) == ("correction", "major")


def test_moved_paragraph_is_one_move_even_when_edited():
    moved = [BODY[0], BODY[2], BODY[3], BODY[1].replace("1,200", "1,300")]
    changes = compare(article(BODY), article(moved)).substantive_changes
    assert sorted(c.kind for c in changes) == ["number", "paragraph_moved"]
    move = next(c for c in changes if c.kind == "paragraph_moved")
    assert move.detail["edited"] is True
    assert "residents signed" in move.new


def test_split_and_merge_keep_the_words():
    clean_split = [BODY[0], BODY[1], BODY[2], "The library opened in 1952", "and was rebuilt after a fire."]
    result = compare(article(BODY), article(clean_split))
    assert not result.changed
    assert [c.kind for c in result.changes] == ["layout"]
    sentence_split = [*BODY[:3], "The library opened in 1952.", "It was rebuilt after a fire."]
    joined = [*BODY[:3], "The library opened in 1952. It was rebuilt after a fire."]
    result = compare(article(joined), article(sentence_split))
    assert [(c.kind, c.significance) for c in result.changes] == [("paragraph_split", "cosmetic")]
    result = compare(article(sentence_split), article(joined))
    assert [(c.kind, c.significance) for c in result.changes] == [("paragraph_merged", "cosmetic")]


def test_link_change_in_html_articles_with_same_anchor_text():
    parts = [("headline", "Budget passed"), ("paragraph", "Read the full report for details.")]
    old = Article.from_parts(parts, links=[("full report", "https://example.org/2024/01/02/report")])
    new = Article.from_parts(parts, links=[("full report", "https://example.org/2024/03/04/report")])
    change = only_change(old, new)
    assert change.kind == "link"
    assert change.detail["changed"] == [{"part": "date", "old": "2024/01/02", "new": "2024/03/04"}]
    assert old.text[change.old_span[0]:change.old_span[1]] == "full report"


def test_tracking_parameters_in_a_link_are_cosmetic():
    before = article(BODY + ["Source: https://example.org/story?id=7"])
    after = article(BODY + ["Source: https://example.org/story?id=7&utm_source=feed"])
    result = compare(before, after)
    assert not result.changed
    assert [(c.kind, c.significance) for c in result.changes] == [("link", "cosmetic")]


def test_ranked_by_significance():
    after = edited(3, "rebuilt", "rebiult").replace("1,200", "1,900")
    kinds = [c.significance for c in compare(article(BODY), after).changes]
    assert kinds == sorted(kinds, key=["major", "minor", "cosmetic"].index)


def test_similarity_bounds():
    assert compare(article(BODY), article(BODY)).similarity == 1.0
    assert compare("alpha beta gamma", "delta epsilon zeta").similarity == 0.0
    assert 0.8 < compare(article(BODY), edited(0, "Tuesday", "Monday")).similarity < 1.0


def test_similarity_is_the_share_of_folded_characters_punctuation_and_dashes_as_they_fold():
    # 61 folded characters (60 and a separator) on each side; the 4 of "left" and "went" differ. Counting a
    # separator per token, punctuation included, measured this 1.0 (shown as 100.0%) though a word changed.
    old = "He said: “Yes, no, (maybe) — well; ok!” — and left, right?"
    result = compare(old, old.replace("left", "went"))
    assert result.similarity == pytest.approx((61 - 4) / 61)
    # a deletion takes its word and one of the separators around it; an insertion adds them to B's side
    removed = compare("The council met on Monday.", "The council met Monday.")
    assert removed.similarity == pytest.approx(2 * (27 - 3) / (27 + 24))


def test_rejects_other_types():
    with pytest.raises(TypeError):
        compare(b"bytes", "text")  # type: ignore[arg-type]


@pytest.mark.parametrize("new", [
    "Officials said 14 people died.\n\nThe council met on Monday.",  # a word-level edit
    "Officials  said 12 people\ndied.\n\nThe council met on Monday.",  # layout only: its changes built when read
])
def test_a_comparison_survives_pickling(new):
    """The tracker hands comparisons from worker processes to the store: whatever a comparison keeps for
    later (the layout changes it builds only when asked) must pickle."""
    import pickle

    comparison = compare("Officials said 12 people died.\n\nThe council met on Monday.", new)
    copy = pickle.loads(pickle.dumps(comparison))
    assert copy.changes == comparison.changes and copy.similarity == comparison.similarity
    assert copy.summary == comparison.summary


def test_every_detail_key_is_a_typed_one() -> None:
    """``Change.detail`` is a :class:`ChangeDetail`: the keys the engine writes are the ones the type (and
    docs/json.md) declare, link parts included, over edits of most kinds."""
    from typing import get_type_hints

    from variorum.compare.model import ChangeDetail, LinkPart

    paragraphs = list(BODY)
    paragraphs[0] = paragraphs[0].replace("Tuesday", "Wednesday").replace("close", "shut")
    paragraphs[1] = paragraphs[1].replace("1,200", "1,500").replace("organised", "organized")
    paragraphs[2] = paragraphs[2].replace("give up", "surrender").replace(",\"", "\"")
    paragraphs.append("See https://example.org/2024/04/27/report?utm_source=x for the report.")
    before = Article.from_parts([("headline", "Council Votes"), *(("paragraph", p) for p in BODY),
                                 ("paragraph", "See the report.")], links=[("the report", "https://example.org/2024/04/27/r")],
                                published="2024-04-27")
    after = Article.from_parts([("headline", "Council Votes Again"), *(("paragraph", p) for p in paragraphs[1:]),
                                ("paragraph", paragraphs[0]), ("paragraph", "See the report.")],
                               links=[("the report", "https://example.org/2026/04/11/r")], published="2026-04-11")
    changes = compare(before, after).changes + compare(article(BODY), edited(2, "Maria", "Mary")).changes
    detail_keys = set(get_type_hints(ChangeDetail))
    seen = {key for change in changes for key in change.detail}
    assert seen <= detail_keys, seen - detail_keys
    assert {"insert_at", "edited", "changed", "old_url", "quote", "speaker", "old_value"} <= seen
    parts = [part for change in changes for part in change.detail.get("changed", [])]
    assert parts and all(set(part) <= set(get_type_hints(LinkPart)) for part in parts)


COUNCIL = ("Headline here\n\nThe council met on Monday to discuss the budget for next year. Critics said the plan was "
           "unfair to residents.\n\nOfficials said the final vote would come later this month after a public hearing.")


@pytest.mark.parametrize("edited, found", [
    # split, and a sentence inserted where it was split
    (COUNCIL.replace("year. Critics", "year.\n\nThe mayor did not attend. Critics"),
     [("wording", None, "The mayor did not attend.")]),
    # split, and a word inserted in the second piece
    (COUNCIL.replace("year. Critics said the plan was", "year.\n\nCritics said the plan was deeply"),
     [("wording", None, "deeply")]),
    # split, and a word replaced in the first piece
    (COUNCIL.replace("on Monday to discuss the budget for next year. Critics", "on Tuesday to discuss the budget for next year.\n\nCritics"),
     [("date", "Monday", "Tuesday")]),
])
def test_a_paragraph_split_with_edits_is_a_split_and_the_edits(edited: str, found: list[tuple]) -> None:
    for old, new, kind, expected in ((COUNCIL, edited, "paragraph_split", found),
                                     (edited, COUNCIL, "paragraph_merged", [(k, n, o) for k, o, n in found])):
        result = compare(old, new)
        assert [(c.kind, c.old, c.new) for c in result.substantive_changes] == expected
        assert [(c.kind, c.significance) for c in result.changes if c.significance == "cosmetic"] == [(kind, "cosmetic")]
        change = result.substantive_changes[0]
        for text, span, words in ((old, change.old_span, change.old), (new, change.new_span, change.new)):
            assert " ".join(text[span[0]:span[1]].split()) == (words or "")


def test_a_paragraph_replaced_beside_a_kept_one_is_not_a_split() -> None:
    replaced = COUNCIL.replace("year. Critics said the plan was unfair to residents.",
                               "year.\n\nA new paragraph about the weather tomorrow in the city.")
    kinds = {(c.kind, c.old, c.new) for c in compare(COUNCIL, replaced).substantive_changes}
    assert kinds == {("wording", "Critics said the plan was unfair to residents.", None),
                     ("paragraph_added", None, "A new paragraph about the weather tomorrow in the city.")}


def test_a_split_reads_across_a_teaser_between_its_pieces_but_not_an_edit_across_it() -> None:
    teaser = "Read more: Council budget fight"
    split = COUNCIL.replace("year. Critics", f"year.\n\n{teaser}\n\nThe mayor did not attend. Critics")
    result = compare(COUNCIL, split)
    assert [(c.kind, c.old, c.new) for c in result.substantive_changes] == [
        ("wording", None, "The mayor did not attend."), ("paragraph_added", None, teaser)]
    assert "paragraph_split" in [c.kind for c in result.changes]
    # the first piece edited too: the run of changed sentences would reach across the teaser — no split read
    edited = split.replace("budget for next year.", "budget.")
    assert "paragraph_split" not in [c.kind for c in compare(COUNCIL, edited).changes]


def test_a_split_reads_across_a_caption_the_page_sets_between_its_pieces() -> None:
    # a photo between the pieces, its caption a whole sentence in both versions (paired, unchanged)
    caption = "The council chamber on Monday, before the vote on the budget for next year was taken."
    paragraph = ("The council met on Monday to discuss the budget for next year. Critics said the plan was unfair "
                 "to residents.")
    closing = "Officials said the final vote would come later this month after a public hearing."
    old = Article.from_parts([("headline", "Headline here"), ("paragraph", paragraph), ("caption", caption),
                              ("paragraph", closing)])
    first, second = paragraph.split(" Critics")
    new = Article.from_parts([("headline", "Headline here"), ("paragraph", first), ("caption", caption),
                              ("paragraph", "The mayor did not attend. Critics" + second), ("paragraph", closing)])
    result = compare(old, new)
    assert [(c.kind, c.old, c.new) for c in result.substantive_changes] == [("wording", None, "The mayor did not attend.")]
    assert [c.kind for c in result.changes if c.significance == "cosmetic"] == ["paragraph_split"]
    # the same caption as a paragraph of text (no caption kind) is read as the article's: no split across it
    as_text = compare(old.text, new.text)
    assert "paragraph_split" not in [c.kind for c in as_text.changes]
