"""Large and repetitive inputs: complete, correct results with no quadratic blow-up (speed is in bench/)."""

from __future__ import annotations

import random

from variorum.compare import compare
from variorum.compare.sequence import matched_pairs, opcodes

SENTENCES = [
    "The committee will meet again next month to review the proposal.",
    "Officials declined to say how many people had been contacted.",
    "Prices rose sharply in the third quarter, according to the report.",
    "Residents were told to stay indoors until the warning was lifted.",
    "The company said it would appeal the decision in a higher court.",
]


def test_a_megabyte_article_with_scattered_edits_reports_each_edit():
    rng = random.Random(7)
    paragraphs = [" ".join(rng.sample(SENTENCES, 3)) + f" Item {n}." for n in range(11_000)]
    edited = list(paragraphs)
    for index in range(100, 11_000, 1_000):
        edited[index] = edited[index].replace(f"Item {index}.", f"Item {index + 1}.")
    a, b = "\n\n".join(paragraphs), "\n\n".join(edited)
    assert len(a) > 1_000_000
    result = compare(a, b)
    numbers = [(c.old, c.new) for c in result.substantive_changes]
    assert numbers == [(f"{i}", f"{i + 1}") for i in range(100, 11_000, 1_000)]


def test_the_same_paragraph_ten_thousand_times_with_a_few_edits():
    paragraph = "The same paragraph repeats here, with the words in the same order every time it appears."
    paragraphs = [paragraph] * 10_000
    edited = list(paragraphs)
    edited[100] = paragraph.replace("same order", "usual order")
    edited.insert(5_000, "An inserted line, written only once in the whole document.")
    del edited[7_000]
    result = compare("\n\n".join(paragraphs), "\n\n".join(edited))
    kinds = [c.kind for c in result.substantive_changes]
    assert kinds.count("paragraph_added") == 1 and kinds.count("paragraph_removed") == 1
    wording = [c for c in result.substantive_changes if c.kind == "wording"]
    assert [(c.old, c.new) for c in wording] == [("same", "usual")]
    assert result.similarity > 0.99


def test_one_huge_block_of_repeated_text_is_diffed_word_by_word():
    text = " ".join(["alpha beta gamma delta"] * 50_000)
    cut = text.index(" ", 100_000)
    changed = text[:cut] + " omega" + text[cut:]
    result = compare(text, changed)
    assert [(c.kind, c.old, c.new) for c in result.substantive_changes] == [("wording", None, "omega")]


def test_sequence_matching_is_exact_on_random_sequences():
    rng = random.Random(3)
    for _ in range(200):
        a = [rng.choice("abcdef") for _ in range(rng.randint(0, 40))]
        b = [rng.choice("abcdef") for _ in range(rng.randint(0, 40))]
        pairs = matched_pairs(a, b)
        assert all(a[i] == b[j] for i, j in pairs)
        assert all(p[0] < q[0] and p[1] < q[1] for p, q in zip(pairs, pairs[1:]))
        rebuilt: list[str] = []
        for tag, i1, i2, j1, j2 in opcodes(a, b):
            rebuilt.extend(b[j1:j2] if tag != "delete" else [])
        assert rebuilt == b
