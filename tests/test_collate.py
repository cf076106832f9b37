"""``collate`` as a library: variant sites, readings, the base, sentence histories, and their properties."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from variorum.compare import compare
from variorum.compare.collate import Collation, collate, sentence_history
from variorum.article import Article
from variorum.render.collation_html import render_collation_html
from variorum.render.collation_text import render_collation_markdown, render_collation_text
from variorum.text.tokens import fold_text

VOCABULARY = [
    "the", "council", "said", "on", "Tuesday", "that", "it", "would", "close", "library", "Maria", "Lopez",
    "1,200", "residents", "$300", "café", "“we", "will", "fight”", ",", "and", "percent", "2024", "report",
]
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

words = st.lists(st.sampled_from(VOCABULARY), min_size=5, max_size=16)
paragraphs = st.lists(words.map(lambda ws: " ".join(ws) + "."), min_size=1, max_size=5)
edits = st.lists(st.tuples(st.sampled_from(["word", "drop", "add", "swap"]), st.integers(0, 10 ** 6)),
                 max_size=3)


def join(parts: list[str]) -> str:
    return "\n\n".join(parts) + "\n"


def edited(parts: list[str], operations: list[tuple[str, int]]) -> str:
    """A version of ``parts`` after some realistic edits, driven by ``operations``."""
    parts = list(parts)
    for operation, seed in operations:
        chooser = random.Random(seed)
        index = chooser.randrange(len(parts))
        if operation == "word":
            tokens = parts[index].split()
            tokens[chooser.randrange(len(tokens))] = chooser.choice(VOCABULARY)
            parts[index] = " ".join(tokens)
        elif operation == "drop" and len(parts) > 1:
            del parts[index]
        elif operation == "add":
            parts.insert(index, " ".join(chooser.choices(VOCABULARY, k=9)) + ".")
        elif operation == "swap" and len(parts) > 1:
            parts[0], parts[-1] = parts[-1], parts[0]
    return join(parts)


def site_set(collation: Collation) -> set[tuple]:
    """Variant sites as comparable values, independent of the order of sites, readings and witnesses."""
    return {
        (site.span, frozenset((fold_text(r.text), r.notes, frozenset(r.witnesses)) for r in site.readings),
         frozenset(site.base.witnesses))
        for site in collation.sites
    }


@SETTINGS
@given(paragraphs, st.integers(2, 6))
def test_identical_witnesses_have_no_variant_sites(parts, count):
    text = join(parts)
    rewrapped = text.replace(" ", "\n", 1)  # layout noise never makes a variant site
    collation = collate([text] * (count - 1) + [rewrapped])
    assert collation.sites == ()
    assert collation.verdict.startswith(f"{count} witnesses, 0 variant sites")


@SETTINGS
@given(paragraphs, edits)
def test_two_witnesses_carry_exactly_the_substantive_changes_of_compare(parts, operations):
    a, b = join(parts), edited(parts, operations)
    collation = collate([a, b], ids=["a", "b"], base="a")
    carried = [change for site in collation.sites for reading in site.readings for _, change in reading.changes]
    assert sorted(map(repr, carried)) == sorted(map(repr, compare(a, b).substantive_changes))
    assert all(site.base.witnesses == ("a",) and site.readings[0].witnesses == ("b",) for site in collation.sites)


@SETTINGS
@given(paragraphs, st.lists(edits, min_size=2, max_size=4), st.randoms(use_true_random=False))
def test_witness_order_does_not_change_the_variant_sites(parts, operation_lists, shuffler):
    texts = [join(parts)] + [edited(parts, operations) for operations in operation_lists]
    named = [(f"w{n}", text) for n, text in enumerate(texts)]
    first = collate([text for _, text in named], ids=[name for name, _ in named])
    shuffler.shuffle(named)
    second = collate([text for _, text in named], ids=[name for name, _ in named])
    assert first.base_article.text == second.base_article.text
    assert site_set(first) == site_set(second)


def test_readings_group_the_witnesses_that_share_them():
    base = "Officials said 12 people died in the fire on Tuesday.\n\nThe mayor will speak tonight.\n"
    collation = collate([base, base.replace("12", "14"), base.replace("12", "14"),
                         base.replace("12", "15").replace("tonight", "tomorrow"), base],
                        ids=["v1", "v2", "v3", "v4", "v5"])
    assert collation.base in ("v1", "v5")
    number_site, time_site = collation.sites
    assert [(r.text, r.witnesses, r.kinds, r.significance) for r in number_site.readings] == [
        ("14", ("v2", "v3"), ("number",), "major"), ("15", ("v4",), ("number",), "major")]
    assert number_site.base.witnesses == ("v1", "v5")
    assert number_site.reading_of("v4").label == "b"
    assert time_site.readings[0].text == "tomorrow" and time_site.readings[0].witnesses == ("v4",)
    assert collation.differences("v4") == {"major": 2, "minor": 0}


def test_added_and_removed_paragraphs_read_naturally_and_moves_are_noted():
    first = "Alpha says the vote is on.\n\nBeta counts the ballots today.\n\nGamma reports the result.\n"
    added = first.replace("Gamma", "Delta explains the rules for everyone here.\n\nGamma")
    moved = "Gamma reports the result.\n\nAlpha says the vote is on.\n\nBeta counts the ballots today.\n"
    collation = collate([first, added, moved], ids=["first", "added", "moved"], base="first")
    texts = {r.witnesses: (r.text, r.notes) for site in collation.sites for r in site.readings}
    assert texts[("added",)][0].endswith("Delta explains the rules for everyone here.")
    assert any(notes and notes[0].startswith("moved") for _, notes in texts.values())


def test_the_central_witness_is_the_base_whatever_the_order():
    core = "The council said on Tuesday that it would close the library. Residents will fight."
    outlier = "A completely different story about football and the weather this weekend."
    texts = [outlier, core + " Extra words here.", core, core.replace("Tuesday", "Monday")]
    assert collate(texts, ids=list("abcd")).base == "c"
    assert collate(texts[::-1], ids=list("dcba")).base == "c"


def test_ordered_collation_follows_sentences_and_counts_changes_per_version():
    versions = ["Rain is expected. Take an umbrella.",
                "Rain is expected tonight. Take an umbrella.",
                "Rain is expected tonight. Stay inside."]
    collation = collate(versions, ids=["1", "2", "3"], ordered=True)
    assert [step.summary["substantive"] for step in collation.steps] == [1, 1]
    lives = {life.text: life for life in collation.sentences}
    assert lives["Rain is expected."].changed == (1,)
    assert lives["Take an umbrella."].disappeared == 2
    assert lives["Stay inside."].appeared == 2
    data = collation.to_dict()
    assert data["versions"][0] == {"id": "1", "from_previous": None}
    assert data["sentences"][0] == {"text": "Rain is expected.", "final_text": "Rain is expected tonight.",
                                    "appeared": "1", "changed": ["2"], "disappeared": None}


def test_a_rewrapped_paragraph_is_not_a_changed_sentence():
    one = Article.from_text("It rained all day in the city\nand the river rose. Then it stopped.")
    two = Article.from_text("It rained all day in the city and the river rose.\nThen it stopped.")
    assert all(not life.changed and life.disappeared is None for life in sentence_history([one, two]))


def test_json_form_is_documented_shape():
    collation = collate(["Ann Lee said 3.", "Ann Lee said 4."], ids=["x", "y"], base="x")
    data = json.loads(json.dumps(collation.to_dict()))
    assert data["format"] == "variorum.collation/1"
    assert data["base"] == "x" and data["base_chosen"] == "given" and data["ordered"] is False
    assert data["sites"][0]["readings"][0] == {"label": "a", "text": "4", "witnesses": ["y"], "kinds": ["number"],
                                               "significance": "major", "notes": []}
    assert data["sites"][0]["base"]["witnesses"] == ["x"]
    assert [w["id"] for w in data["witnesses"]] == ["x", "y"]
    assert "versions" not in data


@pytest.mark.parametrize("witnesses, ids, base, message", [
    (["only one"], None, None, "at least two witnesses"),
    (["a text", "b text"], ["x", "x"], None, "duplicate witness id 'x'"),
    (["a text", "  \n"], None, None, "witness 'w2' is empty"),
    (["a text", b"bytes"], None, None, "witness 2 is not text"),
    (["a text", "b text"], None, "z", "base 'z' is not one of the witness ids"),
])
def test_bad_witnesses_raise_value_error(witnesses, ids, base, message):
    with pytest.raises(ValueError, match=message):
        collate(witnesses, ids=ids, base=base)


def test_reports_show_the_sites_and_escape_the_text():
    collation = collate(["<script>alert(1)</script> said 12 people.", "<script>alert(1)</script> said 14 people."],
                        ids=["a<b", "b"], base="a<b", ordered=True)
    page = render_collation_html(collation)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert 'href="#apparatus-s1"' in page and 'id="apparatus-s1"' in page and "a&lt;b" in page
    text = render_collation_text(collation)
    assert "[1⟨12⟩]" in text and "a “14” — b" in text
    assert "| 1 | major | number | a “14” | b |" in render_collation_markdown(collation)


@SETTINGS
@given(paragraphs, st.lists(edits, min_size=2, max_size=6), st.booleans())
def test_every_witness_carries_exactly_its_own_comparison_with_the_base(parts, operation_lists, chained):
    """The comparisons share their block-pair diffs; each witness must still get what compare() finds."""
    texts = [join(parts)]
    for operations in operation_lists:
        texts.append(edited(texts[-1].rstrip("\n").split("\n\n") if chained else parts, operations))
    ids = [f"w{n}" for n in range(len(texts))]
    collation = collate(texts, ids=ids)
    carried: dict[str, list[str]] = {wid: [] for wid in ids}
    for site in collation.sites:
        for reading in site.readings:
            for wid, change in reading.changes:
                carried[wid].append(repr(change))
    for wid, text in zip(ids, texts):
        expected = compare(collation.base_article, text).substantive_changes
        assert sorted(carried[wid]) == sorted(map(repr, expected)), wid


CUT_BASE = ("Alpha says the vote is on today.\n\nBeta counts the ballots today in the hall.\n\n"
            "Gamma reports the result tonight.\n")


def test_a_cut_paragraph_is_a_passage_site_that_keeps_the_word_sites_inside_it():
    cut = CUT_BASE.replace("Beta counts the ballots today in the hall.\n\n", "")
    collation = collate([CUT_BASE, cut, CUT_BASE.replace("ballots", "votes"), CUT_BASE.replace("hall", "town hall")],
                        ids=["base", "cut", "votes", "town"], base="base")
    passage, votes, town = collation.sites
    assert passage.level == "passage" and passage.kinds == ("paragraph_removed",)
    assert passage.reading_of("cut").text == "" and passage.base.witnesses == ("base", "votes", "town")
    assert votes.level == town.level == "words"
    assert votes.reading_of("votes").text == "votes" and town.reading_of("town").text == "town"
    assert votes.reading_of("cut").notes == ("in the passage omitted at site 1",)
    assert votes.reading_of("cut").significance is None and votes.reading_of("town") is votes.base
    assert collation.differences("cut") == {"major": 1, "minor": 0}
    assert "[1⟨Beta counts the [2⟨ballots⟩] today in the[3⟨⟩] hall.⟩]" in render_collation_text(collation)


def test_neighbouring_paragraphs_cut_or_moved_by_different_witnesses_are_separate_sites():
    paras = ["Alpha says the vote is on today.", "Beta counts the ballots today in the hall.",
             "Gamma reports the result tonight.", "Delta thanks the volunteers for their work.",
             "Epsilon closes the doors at midnight."]
    without = lambda k: join(paras[:k] + paras[k + 1:])  # noqa: E731
    moved = join([paras[2]] + paras[:2] + paras[3:])
    collation = collate([join(paras), without(1), without(3), moved, join(paras)],
                        ids=["v1", "v2", "v3", "v4", "v5"], base="v1")
    passages = [site for site in collation.sites if site.level == "passage"]
    assert all(site.span[1] - site.span[0] <= max(map(len, paras)) for site in passages)
    cut_spans = {site.reading_of("v2").text: site.span for site in passages if "v2" not in site.base.witnesses}
    assert list(cut_spans) == [""] and collation.base_article.text[slice(*cut_spans[""])] == paras[1]
    assert any(site.reading_of("v4").notes and site.reading_of("v4").notes[0].startswith("moved")
               for site in passages)


def test_a_moved_and_edited_paragraph_keeps_its_word_site_and_the_mover_reads_the_base_elsewhere():
    first = "Alpha says the vote is on.\n\nBeta counts the ballots today.\n\nGamma reports the result.\n"
    moved = "Gamma reports the result.\n\nAlpha says the vote is on.\n\nBeta counts the ballots today.\n"
    edited_in_place = first.replace("result", "outcome")
    collation = collate([first, moved, edited_in_place], ids=["first", "moved", "edit"], base="first")
    word = next(site for site in collation.sites if site.level == "words")
    assert word.reading_of("edit").text == "outcome" and word.reading_of("moved") is word.base


def test_html_marks_nest_and_stay_well_formed():
    cut = CUT_BASE.replace("Beta counts the ballots today in the hall.\n\n", "")
    page = render_collation_html(collate([CUT_BASE, cut, CUT_BASE.replace("ballots", "votes")],
                                         ids=["a", "b", "c"], base="a"))
    text = page[page.index('<div class="text">'):page.index("</div>", page.index('<div class="text">'))]
    assert text.count("<span") == text.count("</span>") == 2
    assert text.index('id="s1" class="site passage major"') < text.index('id="s2" class="site words minor"')


@pytest.mark.parametrize("noisy", [
    "Rain , as forecast, is expected tonight. Take an umbrella – or two.",
    "Rain, as forecast, is\nexpected tonight.  Take an umbrella -- or two.",
    "Rain, as forecast, is expected to\u00adnight. Take an umbrella \u2014 or two.",
])
def test_sentence_life_skips_layout_noise(noisy):
    clean = "Rain, as forecast, is expected tonight. Take an umbrella - or two."
    lives = sentence_history([Article.from_text(clean), Article.from_text(noisy), Article.from_text(clean)])
    assert [(life.appeared, life.changed, life.disappeared) for life in lives] == [(0, (), None), (0, (), None)]
    assert compare(clean, noisy).substantive_changes == []
