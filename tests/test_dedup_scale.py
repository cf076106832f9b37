"""Containment that scales (the sampled-shingle index), star clusters, levels of sameness and site furniture."""

from __future__ import annotations

import numpy as np
import pytest

from helpers import articles
from variorum.dedup import DedupConfig, Deduper, Document, containment
from variorum.dedup.cluster import BLOCK, COPY, TRIMMED, build_clusters
from variorum.dedup.containment import (
    CROWDED,
    compact,
    merge_counts,
    posting_pairs,
    postings,
    ranked_candidates,
    sample_sizes,
    shard,
)
from variorum.dedup.shingle import shingle_sets, token_hashes


def words_text(start: int, count: int, prefix: str = "w") -> str:
    return " ".join(f"{prefix}{i}" for i in range(start, start + count))


def test_a_copy_five_times_shorter_is_found_without_lowering_any_threshold() -> None:
    story = articles(1)[0]
    paragraphs = story.split("\n\n")
    fifth = "\n\n".join(paragraphs[: max(1, len(paragraphs) // 5)])
    unrelated = articles(8)[1:]
    deduper = Deduper(DedupConfig())
    deduper.add([Document("story", story), Document("fifth", fifth), *(Document(f"u{i}", t) for i, t in
                                                                       enumerate(unrelated))])
    clusters = [sorted(deduper.ids[m] for m in c.members) for c in deduper.clusters() if len(c.members) > 1]
    assert clusters == [["fifth", "story"]]
    (cluster,) = [c for c in deduper.clusters() if len(c.members) > 1]
    assert cluster.levels == (TRIMMED,) and cluster.similarities[0][2] == 1.0


def test_crowded_posting_lists_cost_linear_pairs_and_still_count_for_their_first() -> None:
    # 500 documents all posting the same 40 shingles (a block everyone carries), each also its own words.
    texts = [words_text(0, 200, "common") + " " + words_text(1000 * i, 200) for i in range(500)]
    sets = compact(shingle_sets(token_hashes(texts), 5, 1))
    codes = postings(sets, np.arange(len(texts)))
    pair_codes, counts, crowded = posting_pairs(codes, max_postings=20)
    assert len(pair_codes) == len(texts) - 1  # each with the first, not 124,750 pairs
    assert set((pair_codes >> np.uint64(32)).tolist()) == {0}
    assert (counts % CROWDED == 0).all() and len(crowded) > 0
    # Each shares about half its text with the first: a candidate at 0.5, not at 0.9 (estimates of 50 samples).
    samples = sample_sizes(sets)
    assert len(ranked_candidates(pair_codes, counts, crowded, samples, 0.5)) == len(texts) - 1
    assert len(ranked_candidates(pair_codes, counts, crowded, samples, 1.9)) == 0


def test_shards_of_postings_add_up_to_the_whole() -> None:
    texts = [words_text(i * 7, 60 + i) for i in range(60)] + [words_text(0, 30, "x")] * 30
    sets = compact(shingle_sets(token_hashes(texts), 3, 1))
    codes = postings(sets, np.arange(len(texts)))
    whole = posting_pairs(codes, 20)
    for shards in (2, 3, 7):
        parts = merge_counts([posting_pairs(part, 20) for part in shard(codes, shards)])
        assert np.array_equal(parts[0], whole[0]) and np.array_equal(parts[1], whole[1])
        assert np.array_equal(np.sort(parts[2]), np.sort(whole[2]))


def _counted_one_list_at_a_time(codes: np.ndarray, max_postings: int) -> dict[tuple[int, int], int]:
    """posting_pairs' counts by their definition: every pair of each small list, each member of a crowded list
    with its first."""
    lists: dict[int, list[int]] = {}
    for code in codes.tolist():
        lists.setdefault(code >> 32, []).append(code & 0xFFFFFFFF)
    counted: dict[tuple[int, int], int] = {}
    for members in lists.values():
        if len(members) <= max_postings:
            pairs = [(a, b) for n, a in enumerate(members) for b in members[n + 1:]]
            weight = 1
        else:
            pairs, weight = [(members[0], b) for b in members[1:]], CROWDED
        for pair in pairs:
            counted[pair] = counted.get(pair, 0) + weight
    return counted


@pytest.mark.parametrize("collide", [False, True])
def test_posting_lists_of_the_same_documents_are_paired_once_and_counted_each(
        monkeypatch: pytest.MonkeyPatch, collide: bool) -> None:
    rng = np.random.default_rng(5)
    groups = [sorted(rng.choice(60, size=rng.integers(2, 25), replace=False).tolist()) for _ in range(40)]
    # Each group posts several shingles (the same documents in several lists), some lists crowded.
    codes = np.array(sorted((value << 32) | document for value in range(400)
                            for document in groups[value % len(groups)] if (value * document) % 11 != 3),
                     dtype=np.uint64)
    if collide:  # every list's key the same: lists are told apart by their documents alone
        monkeypatch.setattr(containment, "mix", lambda values: np.zeros_like(values))
    pair_codes, counts, crowded = posting_pairs(codes, max_postings=20)
    found = {(code >> 32, code & 0xFFFFFFFF): count for code, count in zip(pair_codes.tolist(), counts.tolist())}
    assert found == _counted_one_list_at_a_time(codes, 20)
    assert pair_codes.tolist() == sorted(pair_codes.tolist())
    values = codes >> np.uint64(32)
    in_crowded = np.bincount(values.astype(np.int64))[values.astype(np.int64)] > 20
    assert sorted(crowded.tolist()) == sorted((codes[in_crowded] & np.uint64(0xFFFFFFFF)).tolist()) != []


def test_candidates_are_capped_per_document_best_first() -> None:
    # Document 0 shares shingles with 30 others, document k with k of its sampled shingles.
    codes = np.array([(0 << 32) | k for k in range(1, 31)], dtype=np.uint64)
    counts = np.arange(1, 31, dtype=np.int64)
    samples = np.full(31, 30, dtype=np.int64)
    pairs = ranked_candidates(codes, counts, np.empty(0, np.uint64), samples, 0.2, max_candidates=5)
    # Each of 1..30 ranks the pair first among its own, so every pair that passes the estimate stays ...
    assert len(pairs) == sum(1 for k in range(1, 31) if k / 30 >= 0.1)
    # ... while a document seeing only document 0 once keeps only its best five.
    lonely = ranked_candidates(codes, counts, np.empty(0, np.uint64), samples, 0.2, max_candidates=0)
    assert len(lonely) == 0


def test_star_clusters_do_not_chain() -> None:
    # A path a-b-c-d of verified pairs: a and d are not close, so union-find would join all four.
    lengths = [10, 12, 11, 9]
    clusters = build_clusters(4, [(0, 1, 0.7), (1, 2, 0.7), (2, 3, 0.7)], "first", lengths, [None] * 4)
    assert [c.members for c in clusters] == [(0, 1, 2), (3,)]
    assert clusters[0].similarities == ((0, 1, 0.7), (1, 2, 0.7))  # each member with the centre, b
    # Exact copies always stay with their twin, whichever centre takes them.
    clusters = build_clusters(5, [(3, 4, 1.0), (0, 1, 0.7), (1, 2, 0.7), (2, 3, 0.7)], "first", [*lengths, 9],
                              [None] * 5)
    assert [c.members for c in clusters] == [(0, 1, 2), (3, 4)]


def test_levels_of_sameness_and_level_copy() -> None:
    story = articles(1)[0]
    paragraphs = story.split("\n\n")
    words = story.split()
    # 72% of the story inside a longer page of the site's own reporting: the shorter (the story) is 72% inside.
    block = " ".join(words[: len(words) * 72 // 100]) + "\n\n" + "\n\n".join(articles(6)[2:])
    documents = [
        Document("story", story),
        Document("copy", "Advertisement\n\n" + story),
        Document("trimmed", "\n\n".join(paragraphs[: len(paragraphs) * 2 // 3])),
        Document("block", block),
    ]
    deduper = Deduper(DedupConfig(threshold=0.6))
    deduper.add(documents)
    (cluster,) = [c for c in deduper.clusters() if len(c.members) > 1]
    level = {frozenset((deduper.ids[i], deduper.ids[j])): lv for (i, j, _), lv in zip(cluster.similarities,
                                                                                       cluster.levels)}
    # The page with the most verified pairs (all have three; then the longest, "block") is the centre.
    assert level == {frozenset(("story", "copy")): COPY, frozenset(("story", "block")): BLOCK,
                     frozenset(("copy", "block")): BLOCK, frozenset(("trimmed", "block")): TRIMMED}
    copies = Deduper(DedupConfig(threshold=0.6, level="copy"))
    copies.add(documents)
    assert [sorted(copies.ids[m] for m in c.members) for c in copies.clusters() if len(c.members) > 1] == [
        ["copy", "story"]]


def site_corpus() -> list[Document]:
    """Eight short stories of one site, each framed by the site's long template; a page holding only the
    template; and one story copied by another site (with that site's own furniture)."""
    bodies = [" ".join(text.split()[:60]) for text in articles(9)]
    template = ["Save this recipe to your box. " + words_text(0, 70, "tpl"),
                "Follow us and share: " + words_text(0, 50, "share")]
    documents = [Document(f"s{i}", "\n\n".join([template[0], body, template[1]]), site="cooking.example")
                 for i, body in enumerate(bodies[:8])]
    documents.append(Document("template-only", "\n\n".join(template), site="cooking.example"))
    documents.append(Document("elsewhere", "Wire story\n\n" + bodies[3], site="other.example"))
    return documents


def test_site_furniture_never_merges_stories_and_furniture_only_pages_stay_alone() -> None:
    documents = site_corpus()
    deduper = Deduper(DedupConfig())
    deduper.add(documents[:4])
    deduper.add(documents[4:])
    clusters = [sorted(deduper.ids[m] for m in c.members) for c in deduper.clusters() if len(c.members) > 1]
    assert clusters == [["elsewhere", "s3"]]
    furniture = [deduper.ids[i] for i in np.flatnonzero(deduper.prepared().furniture)]
    assert furniture == ["template-only"]
    # Without sites nothing is learned: the template makes every story of the site one cluster.
    blind = Deduper(DedupConfig())
    blind.add([Document(d.id, d.text) for d in documents])
    assert max(len(c.members) for c in blind.clusters()) >= 8
