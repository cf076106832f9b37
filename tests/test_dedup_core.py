"""Shingles, MinHash, LSH banding and clustering: the pure pieces of variorum.dedup."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from variorum.dedup.cluster import (
    build_clusters, choose_representative, estimated_similarity, exact_similarity, lsh_threshold, version_order,
)
from variorum.dedup.lsh import band_keys, band_triples, bucket_pairs, optimal_params
from variorum.dedup.minhash import EMPTY, estimate_jaccard, signatures
from variorum.dedup.shingle import WordHasher, exact_key, shingle_sets, words
from variorum.text.tokens import PUNCT, iter_tokens

TEXT = "The council’s “final” vote — 12 to 3 — came at https://example.org/vote on Monday. Re-wrapped."


def test_words_are_the_lowercased_word_keys_of_the_tokenizer() -> None:
    expected = [t.key.lower() for t in iter_tokens(TEXT) if t.kind != PUNCT]
    assert words(TEXT) == expected
    assert "council's" in words(TEXT) and "https://example.org/vote" in words(TEXT)


def test_exact_key_ignores_layout_case_quotes_and_punctuation() -> None:
    assert exact_key(words("It’s  the\nSAME story.")) == exact_key(words("it's the same story"))
    assert exact_key(words("the same story")) != exact_key(words("the same stories"))


def test_shingle_sets_are_distinct_per_document_and_empty_when_too_short() -> None:
    sets = shingle_sets([words("a b c a b c"), words("a b"), [], words("x y z")], 3, WordHasher())
    assert sets.sizes.tolist() == [3, 0, 0, 1]  # "a b c", "b c a", "c a b"
    assert len(np.unique(sets[0])) == 3


def test_shingle_hashes_do_not_depend_on_batching_or_cache() -> None:
    docs = [words("one two three four five"), words("two three four five six seven")]
    together = shingle_sets(docs, 2, WordHasher())
    alone = shingle_sets(docs[1:], 2, WordHasher(capacity=0))
    assert np.array_equal(together[1], alone[0])


def test_signatures_match_a_direct_computation_and_empty_rows_are_marked() -> None:
    sets = shingle_sets([words("a b c d e f g"), []], 2, WordHasher())
    sigs = signatures(sets, 16, seed=3)
    assert (sigs[1] == EMPTY).all()
    again = signatures(shingle_sets([words("a b c d e f g")], 2, WordHasher()), 16, seed=3)
    assert np.array_equal(sigs[0], again[0])


@settings(max_examples=25, deadline=None)
@given(st.sets(st.integers(0, 60), min_size=5), st.sets(st.integers(0, 60), min_size=5))
def test_estimated_jaccard_is_close_to_exact(first: set[int], second: set[int]) -> None:
    hashed = [words(" ".join(f"w{i}" for i in sorted(s))) for s in (first, second)]
    sets = shingle_sets(hashed, 1, WordHasher())
    sigs = signatures(sets, 256, seed=1)
    exact = len(first & second) / len(first | second)
    assert abs(float(estimate_jaccard(sigs[0], sigs[1])) - exact) < 0.2
    assert abs(exact_similarity("jaccard", sets[0], sets[1]) - exact) < 1e-9


def test_containment_is_high_when_one_copy_is_inside_the_other() -> None:
    long = words(" ".join(f"w{i}" for i in range(300)))
    short = long[50:250]
    sets = shingle_sets([long, short], 3, WordHasher())
    assert exact_similarity("containment", sets[0], sets[1]) == 1.0
    assert exact_similarity("jaccard", sets[0], sets[1]) < 0.7
    sigs = signatures(sets, 128, seed=1)
    pairs = np.array([[0, 1]])
    assert estimated_similarity("containment", sigs, sets.sizes, pairs)[0] > 0.8
    assert lsh_threshold("containment", 0.5) < 0.5 == lsh_threshold("jaccard", 0.5)


def test_optimal_params_fit_num_perm_and_tighten_with_threshold() -> None:
    for threshold in (0.2, 0.5, 0.8):
        bands, rows = optimal_params(threshold, 128)
        assert bands * rows <= 128
    assert optimal_params(0.8, 128)[1] > optimal_params(0.2, 128)[1]


def test_band_keys_equal_exactly_when_band_rows_equal() -> None:
    sigs = np.array([[1, 2, 3, 4], [1, 2, 9, 9], [5, 2, 3, 4]], dtype=np.uint32)
    keys = band_keys(sigs, 2, 2)
    assert keys[0, 0] == keys[1, 0] and keys[0, 1] != keys[1, 1]
    assert keys[0, 1] == keys[2, 1] and keys[0, 0] != keys[2, 0]


def test_a_huge_bucket_gives_linear_not_quadratic_pairs() -> None:
    count = 1_000_000
    triples = np.stack([np.zeros(count, np.uint64), np.full(count, 7, np.uint64), np.arange(count, dtype=np.uint64)],
                       axis=1)
    pairs = bucket_pairs(triples, max_bucket=50)
    assert len(pairs) < 2 * count
    assert set(pairs[:, 0][:5].tolist()) == {0}


@settings(max_examples=20, deadline=None)
@given(st.lists(st.integers(0, 5), min_size=2, max_size=40), st.integers(1, 4))
def test_pairs_from_shards_by_key_equal_pairs_from_everything(keys: list[int], shards: int) -> None:
    sigs = np.array([[k, k % 2, 1, k % 3] for k in keys], dtype=np.uint32)
    triples = band_triples(sigs, np.arange(len(keys)), 2, 2)
    whole = bucket_pairs(triples, max_bucket=3)
    shard_of = triples[:, 1] % np.uint64(shards)
    parts = [bucket_pairs(triples[shard_of == s], max_bucket=3) for s in range(shards)]
    merged = np.unique(np.concatenate(parts), axis=0) if any(len(p) for p in parts) else np.empty((0, 2), np.int64)
    assert np.array_equal(whole, merged)


def test_clusters_order_versions_by_date_and_pick_representatives() -> None:
    published = ["2024-03-02T10:00:00Z", None, "2024-03-01", "2024-03-02T09:00:00+00:00"]
    assert version_order([0, 1, 2, 3], published) == [2, 3, 0, 1]
    lengths = [10, 40, 20, 40]
    assert choose_representative([0, 1, 2, 3], "first", lengths, published) == 0
    assert choose_representative([0, 1, 2, 3], "longest", lengths, published) == 1
    assert choose_representative([0, 1, 2, 3], "newest", lengths, published) == 0
    clusters = build_clusters(5, [(0, 2, 0.9), (2, 3, 0.7)], "first", lengths + [1], published + [None])
    assert [c.members for c in clusters] == [(2, 3, 0), (1,), (4,)]
    assert clusters[0].similarities == ((0, 2, 0.9), (2, 3, 0.7))
