"""Shingles, MinHash, LSH banding and clustering: the pure pieces of variorum.dedup."""

from __future__ import annotations

import unicodedata

import numpy as np
import pytest
import xxhash
from hypothesis import given, settings
from hypothesis import strategies as st

from variorum.dedup.cluster import (
    build_clusters,
    choose_representative,
    estimated_similarity,
    exact_similarity,
    lsh_threshold,
    version_order,
)
from variorum.dedup.lsh import _error, band_keys, band_triples, bucket_pairs, optimal_params
from variorum.dedup.minhash import EMPTY, estimate_jaccard, signatures
from variorum.dedup.runs import pairs_within, runs
from variorum.dedup.shingle import (
    _CHUNK_WEIGHTS,
    _FOLDS,
    _fold,
    _shingle_weights,
    exact_keys,
    normalize,
    shingle_sets,
    token_hashes,
    words,
)

TEXT = "The council’s “final” vote — 12 to 3 — came at https://example.org/vote on Monday. Re-wrapped."


def sets_of(texts: list[str], ngram: int, seed: int = 1):
    return shingle_sets(token_hashes(texts), ngram, seed)


def test_words_fold_case_quotes_and_unicode_and_drop_punctuation() -> None:
    assert words(TEXT) == ["the", "council's", "final", "vote", "12", "to", "3", "came", "at", "https",
                           "example.org", "vote", "on", "monday", "re-wrapped"]
    assert words("long-\n    term, 3,500 at 10:30 in the U.S. a,b e.g.") == [
        "long-term", "3,500", "at", "10:30", "in", "the", "u.s", "a", "b", "e.g"]
    assert words("re-\r\n\twrapped, cut -\nshort, end-\n") == ["re-wrapped", "cut", "short", "end"]
    assert words("«Café»×2 😀ok re\u00adwrap ﬁne cafe\u0301") == ["café", "2", "ok", "rewrap", "fine", "café"]
    assert words("") == [] and words("— … !!") == []


def general_normalize(text: str) -> bytes:
    """What ``normalize`` computes, by its definition: fold(NFKC(text)), lowercased, as UTF-8 (for texts
    without a hyphen at a line end)."""
    return _fold(unicodedata.normalize("NFKC", text)).lower().encode("utf-8", "replace")


def test_the_ascii_fast_path_gives_what_nfkc_then_folding_gives() -> None:
    # The fast path (no NFKC) serves text that folding leaves all ASCII; it must read it exactly as the
    # general path does. Every character it can meet, alone and next to every other, each way round.
    variants = [variant for variant, _ in _FOLDS]
    pieces = [chr(code) for code in range(128)] + variants
    for first in pieces:
        for second in variants:
            for text in (first + second, second + first):
                assert normalize(text) == general_normalize(text), repr(text)
    assert normalize(TEXT) == general_normalize(TEXT)
    # And non-ASCII text that is not NFKC still takes the general path.
    for text in ("ﬁne … “½” cafe\u0301", "x\u2033y", "e\u200d\u0301 é"):
        assert normalize(text) == general_normalize(text), repr(text)


# Fold variants, combining marks, compatibility characters, letters that NFKC composes or that lowercase
# differently, and ASCII: the characters the NFKC shortcut has to be right about, in any order.
_NORMALIZATION_ALPHABET = "".join(variant for variant, _ in _FOLDS) + "\u0301\u0316\u0338\u0308ﬁ½ⓒﻧ…e=<Aa '.-éΣİ"


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=_NORMALIZATION_ALPHABET, max_size=12))
def test_the_nfkc_shortcut_gives_what_nfkc_then_folding_gives(text: str) -> None:
    assert normalize(text) == general_normalize(text)


def test_hashes_are_what_indexes_already_hold() -> None:
    # Indexes on disk hold signatures and exact keys: a change to words, hashes, shingles or signatures
    # must come with a new index format. These digests were taken from the index format 2 code.
    texts = [("The council’s “final” vote — 12 to 3 — came at https://example.org/vote on Monday. Re-wrapped, "
              "long-\n term. ") * (i + 1) + f" Story {i}, «Café» ﬁne İstanbul ΣΑΣ 😀." for i in range(40)]
    tokens = token_hashes(texts)
    digest = xxhash.xxh3_64_hexdigest
    assert digest(tokens.values.tobytes()) == "a781169b20fe418c"
    assert digest(exact_keys(tokens).tobytes()) == "3b002084a3052f37"
    assert digest(signatures(shingle_sets(tokens, 5, 1), 128).tobytes()) == "cd76c486dbbd313d"


def test_token_hashes_are_the_hashes_of_the_words_in_any_batch() -> None:
    texts = [TEXT, "", "Another   text,\n\nwith its own words!", TEXT.upper()]
    tokens = token_hashes(texts)
    assert tokens.sizes.tolist() == [len(words(t)) for t in texts]
    rejoined = token_hashes([" ".join(words(t)) for t in texts])
    assert np.array_equal(rejoined.values, tokens.values)
    assert np.array_equal(tokens[0], tokens[3])
    # Batches over a megabyte are hashed in groups; a document's hashes do not depend on its group.
    many = [f"{TEXT} number {i} " * 40 for i in range(400)]
    assert np.array_equal(token_hashes(many)[399], token_hashes(many[399:])[0])


def test_exact_keys_ignore_layout_case_quotes_and_punctuation() -> None:
    keys = exact_keys(token_hashes(["It’s  the\nSAME story.", "it's the same story", "the same stories"]))
    assert keys[0] == keys[1] != keys[2]


def test_shingle_sets_are_distinct_per_document_and_empty_when_too_short() -> None:
    sets = sets_of(["a b c a b c", "a b", "", "x y z"], 3)
    assert sets.sizes.tolist() == [3, 0, 0, 1]  # "a b c", "b c a", "c a b"
    assert len(np.unique(sets[0])) == 3


def test_shingle_hashes_do_not_depend_on_batching_but_on_the_seed() -> None:
    docs = ["one two three four five", "two three four five six seven"]
    together = sets_of(docs, 2)
    assert np.array_equal(together[1], sets_of(docs[1:], 2)[0])
    assert not np.array_equal(together[1], sets_of(docs[1:], 2, seed=2)[0])


def test_signatures_are_per_document_and_empty_rows_are_marked() -> None:
    sets = sets_of(["a b c d e f g", ""], 2)
    sigs = signatures(sets, 16)
    assert (sigs[1] == EMPTY).all() and not (sigs[0] == EMPTY).any()
    assert np.array_equal(sigs[0], signatures(sets_of(["a b c d e f g"], 2), 16)[0])


def test_short_documents_get_full_signatures_that_still_compare() -> None:
    short = [" ".join(f"w{i}" for i in range(start, start + 12)) for start in (0, 0, 100)]
    sigs = signatures(sets_of(short, 3), 128)  # 10 shingles in 128 bins: most bins are filled by densification
    assert not (sigs == EMPTY).any()
    assert float(estimate_jaccard(sigs[0], sigs[1])) == 1.0
    assert float(estimate_jaccard(sigs[0], sigs[2])) == 0.0


@settings(max_examples=25, deadline=None)
@given(st.integers(150, 600), st.integers(150, 600), st.floats(0.0, 1.0))
def test_estimated_jaccard_is_close_to_exact(first_size: int, second_size: int, overlap: float) -> None:
    shared = int(min(first_size, second_size) * overlap)
    first = range(first_size)
    second = range(first_size - shared, first_size - shared + second_size)
    sets = sets_of([" ".join(f"w{i}" for i in first), " ".join(f"w{i}" for i in second)], 1)
    sigs = signatures(sets, 256)
    exact = shared / (first_size + second_size - shared)
    assert abs(float(estimate_jaccard(sigs[0], sigs[1])) - exact) < 0.15
    assert abs(exact_similarity("jaccard", sets[0], sets[1]) - exact) < 1e-9


def test_containment_is_high_when_one_copy_is_inside_the_other() -> None:
    long = [f"w{i}" for i in range(300)]
    sets = sets_of([" ".join(long), " ".join(long[50:250])], 3)
    assert exact_similarity("containment", sets[0], sets[1]) == 1.0
    assert exact_similarity("jaccard", sets[0], sets[1]) < 0.7
    sigs = signatures(sets, 128)
    pairs = np.array([[0, 1]])
    assert estimated_similarity("containment", sigs, sets.sizes, pairs)[0] > 0.8
    assert lsh_threshold("containment", 0.5) < 0.5 == lsh_threshold("jaccard", 0.5)


def test_optimal_params_fit_num_perm_and_tighten_with_threshold() -> None:
    for threshold in (0.2, 0.5, 0.8):
        bands, rows = optimal_params(threshold, 128)
        assert bands * rows <= 128
    assert optimal_params(0.8, 128)[1] > optimal_params(0.2, 128)[1]


def _least_error_pair(threshold: float, num_perm: int, *weights: float) -> tuple[int, int]:
    """The rule computed one ``(b, r)`` at a time, bands then rows ascending, the first of the least kept."""
    best: tuple[float, int, int] | None = None
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            error = _error(threshold, bands, rows, *weights)
            if best is None or error < best[0]:
                best = (error, bands, rows)
    assert best is not None
    return best[1], best[2]


@pytest.mark.parametrize("num_perm", [7, 32, 128])
def test_optimal_params_are_those_of_the_rule_computed_one_pair_at_a_time(num_perm: int) -> None:
    thresholds = [k / 20 for k in range(1, 20)] + [lsh_threshold("containment", 0.6), 0.123, 0.777]
    for threshold in thresholds:
        assert optimal_params.__wrapped__(threshold, num_perm) == _least_error_pair(threshold, num_perm, 0.5, 0.5)
    for weights in ((0.2, 0.8), (0.9, 0.1)):
        assert optimal_params.__wrapped__(0.5, num_perm, *weights) == _least_error_pair(0.5, num_perm, *weights)
    assert optimal_params(lsh_threshold("containment", 0.6), 128) == (37, 2)  # the old default's bands


def test_the_written_out_hash_constants_are_the_generators() -> None:
    assert np.array_equal(_CHUNK_WEIGHTS, np.random.default_rng(0x5EED).integers(0, 2**64, size=65, dtype=np.uint64)
                          | np.uint64(1))
    for seed in (1, 2, 7):
        for ngram in (1, 3, 5, 16, 17, 40):
            rng = np.random.default_rng(seed)
            expected = rng.integers(0, 2**64, size=ngram, dtype=np.uint64) | np.uint64(1)
            weights, offset = _shingle_weights(ngram, seed)
            assert np.array_equal(weights, expected) and offset == rng.integers(0, 2**64, dtype=np.uint64)


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
    clusters = build_clusters(5, [(0, 2, 0.9), (2, 3, 0.7)], "first", [*lengths, 1], [*published, None])
    assert [c.members for c in clusters] == [(2, 3, 0), (1,), (4,)]
    assert clusters[0].similarities == ((0, 2, 0.9), (2, 3, 0.7))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 6), max_size=40), st.integers(1, 6))
def test_pairs_within_runs_are_every_pair_of_each_short_run(values: list[int], longest: int) -> None:
    keys = np.sort(np.array(values, dtype=np.int64))
    starts, lengths = runs(keys)
    assert lengths.sum() == len(keys) and all(keys[starts[1:]] != keys[starts[1:] - 1])
    first, second = pairs_within(starts, lengths, longest)
    expected = {(p, q) for p in range(len(keys)) for q in range(p + 1, len(keys))
                if keys[p] == keys[q] and np.count_nonzero(keys == keys[p]) <= longest}
    found = list(zip(first.tolist(), second.tolist()))
    assert len(found) == len(set(found)) and set(found) == expected


def test_chinese_and_japanese_are_read_a_word_per_character() -> None:
    from variorum.dedup.shingle import words

    assert words("政府は12日、iPhone15を「販売」。𠮷野家 and café") == [
        "政", "府", "は", "12", "日", "iphone15", "を", "販", "売", "𠮷", "野", "家", "and", "café"]
    assert words("قال\u200f المتحدث\u200e") == words("قال المتحدث") == ["قال", "المتحدث"]
    assert words("รัฐบาล 12 ครั้ง") == ["ร", "ั", "ฐ", "บ", "า", "ล", "12", "ค", "ร", "ั", "้", "ง"]
    assert words("हिन्दी भाषा।") == ["हिन्दी", "भाषा"]  # Devanagari is written with spaces: words stay whole
    assert words("قال، المتحدث؟ نعم۔") == ["قال", "المتحدث", "نعم"]  # Arabic punctuation separates


def test_a_lightly_edited_japanese_article_is_found_a_copy_and_another_one_is_not() -> None:
    from variorum.dedup import DedupConfig, Deduper, Document

    article = ("政府は12日、新たな経済対策を発表した。総額は5兆円に上ると、岸田首相は「必要な措置だ」と述べた。"
               "対策には物価高への支援や賃上げの促進が含まれる。野党は財源の説明が不十分だと反発している。"
               "経済界からは一定の評価が出ている一方、効果を疑問視する声もある。政府は年内の成立を目指す。")
    edited = article.replace("12日", "13日").replace("一定の", "高い").replace("年内", "来月中")
    other = ("東京電力は14日、福島第一原発の処理水の放出を来春に始めると発表した。漁業団体は強く反対している。"
             "政府は風評被害への対策として基金を設ける方針だ。周辺国からも懸念の声が上がっている。")
    deduper = Deduper(DedupConfig())
    deduper.add([Document("a", article), Document("b", edited), Document("c", other)])
    assert sorted(sorted(deduper.ids[i] for i in c.members) for c in deduper.clusters()) == [["a", "b"], ["c"]]
