"""Site templates learned from recurring paragraphs (variorum.text.boilerplate)."""

from __future__ import annotations

import pickle

import pytest

from variorum.text.boilerplate import SiteTemplates, paragraph_fingerprint

PROMO = "Watch CBS News anytime, anywhere with the new 24/7 streaming service."


WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo", "lima", "mike", "november"]


def _body(n: int) -> str:
    """A body paragraph unlike every other one (digits alone would not do: fingerprints fold them)."""
    return f"The council voted on the {WORDS[n % 14]} {WORDS[n // 14 % 14]} {WORDS[n // 196 % 14]} plan."


def _articles(count: int, site: str = "example.com") -> list[tuple[str, str, list[str]]]:
    return [(site, f"story-{n}", [_body(n), PROMO]) for n in range(count)]


def test_a_paragraph_in_enough_different_documents_is_template() -> None:
    templates = SiteTemplates(min_documents=3)
    for site, doc, paragraphs in _articles(2):
        templates.add(site, doc, paragraphs)
    assert not templates.is_template("example.com", PROMO)
    templates.add("example.com", "story-9", ["Something else entirely.", PROMO])
    assert templates.is_template("example.com", PROMO)
    assert not templates.is_template("example.com", _body(1))
    assert templates.filter("example.com", [_body(1), PROMO]) == [_body(1)]


def test_the_same_document_fed_twice_counts_once() -> None:
    templates = SiteTemplates(min_documents=2)
    templates.add("example.com", "same", [PROMO])
    templates.add("example.com", "same", [PROMO])
    assert templates.documents("example.com") == 1
    assert not templates.is_template("example.com", PROMO)


def test_a_paragraph_repeated_inside_one_document_counts_once() -> None:
    templates = SiteTemplates(min_documents=2)
    templates.add("example.com", "one", [PROMO, PROMO, PROMO])
    assert not templates.is_template("example.com", PROMO)


def test_sites_are_learned_apart() -> None:
    templates = SiteTemplates(min_documents=2)
    for site, doc, paragraphs in _articles(3, "a.example"):
        templates.add(site, doc, paragraphs)
    assert templates.is_template("a.example", PROMO)
    assert not templates.is_template("b.example", PROMO)


def test_stamps_recur_whatever_their_digits_and_layout() -> None:
    assert paragraph_fingerprint("Last Updated Dec 23, 2016 10:56 PM EST") == paragraph_fingerprint(
        "last updated  Dec 24, 2016\n9:01 PM EST")
    assert paragraph_fingerprint("Last updated Dec 23") != paragraph_fingerprint("First updated Dec 23")


def test_merge_equals_learning_everything_in_one_learner() -> None:
    documents = _articles(6)
    whole = SiteTemplates(min_documents=4)
    left, right = SiteTemplates(min_documents=4), SiteTemplates(min_documents=4)
    for index, (site, doc, paragraphs) in enumerate(documents):
        whole.add(site, doc, paragraphs)
        (left if index % 2 else right).add(site, doc, paragraphs)
    assert not left.is_template("example.com", PROMO)
    merged = pickle.loads(pickle.dumps(left)).merge(right)
    assert merged.is_template("example.com", PROMO) == whole.is_template("example.com", PROMO) is True
    assert merged.documents("example.com") == whole.documents("example.com") == 6
    assert merged.template_count("example.com") == whole.template_count("example.com") == 1


def test_min_share_raises_the_bar_on_large_samples() -> None:
    templates = SiteTemplates(min_documents=2, min_share=0.5)
    for n in range(10):
        templates.add("example.com", f"d{n}", [_body(n)] + ([PROMO] if n < 4 else []))
    assert not templates.is_template("example.com", PROMO)  # in 4 of 10 documents, under half
    templates.add("example.com", "d10", [PROMO])
    assert not templates.is_template("example.com", PROMO)  # 5 of 11
    templates.add("example.com", "d11", [PROMO])
    assert templates.is_template("example.com", PROMO)  # 6 of 12


def test_memory_stays_bounded_and_furniture_survives_pruning() -> None:
    templates = SiteTemplates(min_documents=3, max_fingerprints=100)
    for n in range(500):
        templates.add("example.com", f"d{n}", [_body(n), PROMO])
    entry_size = len(templates._sites["example.com"].counts)
    assert entry_size <= 100
    assert templates.is_template("example.com", PROMO)
    assert templates.template_count("example.com") == 1


def test_bad_thresholds_are_refused() -> None:
    with pytest.raises(ValueError, match="min_documents"):
        SiteTemplates(min_documents=1)
    with pytest.raises(ValueError, match="min_share"):
        SiteTemplates(min_share=1.5)
