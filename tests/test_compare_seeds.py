"""The golden test: the two bundled seed versions give exactly the changes a careful reader finds."""

from __future__ import annotations

from variorum.compare import compare


def test_seeds_report_exactly_the_four_real_changes(seeds):
    a, b = seeds
    result = compare(a, b)
    substantive = [(c.kind, c.old, c.new) for c in result.substantive_changes]
    assert substantive == [
        ("headline", "Putin's Syria Peace Conference Boycotted by Assad Opponents", None),
        ("caption", "Kremlin Press Service", None),
        ("link",
         "https://www.themoscowtimes.com/2026/04/11/putins-goals-in-syria-went-beyond-saving-assad",
         "https://www.themoscowtimes.com/2024/04/27/putins-goals-in-syria-went-beyond-saving-assad"),
        ("punctuation", "'", None),
    ]
    assert {c.kind for c in result.changes if not c.substantive} == {"layout"}


def test_seed_link_change_names_the_date_segment(seeds):
    link = next(c for c in compare(*seeds).changes if c.kind == "link")
    assert link.detail["changed"] == [{"part": "date", "old": "2026/04/11", "new": "2024/04/27"}]


def test_seed_stray_apostrophe_is_punctuation_in_peskov_quote(seeds):
    a, b = seeds
    change = next(c for c in compare(a, b).changes if c.kind == "punctuation")
    assert change.detail["speaker"] == "Dmitry Peskov"
    assert change.detail["quote"] == "What’s needed is patient and constant efforts."
    start, end = change.old_span
    assert a[start:end] == "'" and a[end:end + 6] == '"What’'


def test_seed_spans_point_into_the_original_texts(seeds):
    a, b = seeds
    for change in compare(a, b).changes:
        if change.old and change.kind not in ("layout",):
            assert " ".join(a[change.old_span[0]:change.old_span[1]].split()) == change.old
        if change.new:
            assert " ".join(b[change.new_span[0]:change.new_span[1]].split()) == change.new


def test_seeds_reversed_report_the_same_changes_the_other_way(seeds):
    a, b = seeds
    forward = [(c.kind, c.old, c.new) for c in compare(a, b).substantive_changes]
    backward = [(c.kind, c.new, c.old) for c in compare(b, a).substantive_changes]
    assert sorted(forward, key=str) == sorted(backward, key=str)
