"""The dedup pipeline on real article text: versions found, unrelated stories apart, bad input handled."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from helpers import articles, syndicated
from variorum.dedup import DedupConfig, Deduper, Document
from variorum.dedup.pipeline import exact_edges, sketch


def memberships(deduper: Deduper, config_clusters: list) -> dict[str, int]:
    return {deduper.ids[m]: number for number, c in enumerate(config_clusters) for m in c.members}


def test_syndicated_copies_cluster_and_unrelated_articles_do_not() -> None:
    texts = articles(12)
    documents = [Document(f"orig{i}", t) for i, t in enumerate(texts)]
    documents += [Document(f"copy{i}", syndicated(t)) for i, t in enumerate(texts[:6])]
    deduper = Deduper(DedupConfig())
    deduper.add(documents[:7])
    deduper.add(documents[7:])
    clusters = deduper.clusters()
    where = memberships(deduper, clusters)
    for i in range(6):
        assert where[f"orig{i}"] == where[f"copy{i}"]
    assert len({where[f"orig{i}"] for i in range(12)}) == 12


def test_sketching_on_two_processes_gives_what_one_process_gives() -> None:
    texts = articles(12)
    documents = [Document(f"orig{i}", t) for i, t in enumerate(texts)]
    documents += [Document(f"copy{i}", syndicated(t)) for i, t in enumerate(texts[:6])] + [Document("empty", "")]
    documents.append(Document("surrogate", "A lone \udc80 surrogate in “quoted” text: " + texts[0]))
    batches = [documents[start:start + 4] for start in range(0, len(documents), 4)]
    serial, parallel = Deduper(DedupConfig()), Deduper(DedupConfig())
    serial.add_all(batches)
    sizes = [sys.getsizeof(d.text) for d in documents]
    parallel.add_all(batches, processes=2)
    # Sending the texts to the workers leaves them as they were (pickling a string would cache a UTF-8
    # copy on it, doubling the memory of a corpus the caller holds).
    assert [sys.getsizeof(d.text) for d in documents] == sizes
    assert parallel.ids == serial.ids
    assert np.array_equal(parallel.sketch().signatures, serial.sketch().signatures)
    assert parallel.clusters() == serial.clusters()
    assert sum(len(c.members) > 1 for c in serial.clusters()) == 6
    assert memberships(parallel, parallel.clusters())["surrogate"] == memberships(parallel, parallel.clusters())["orig0"]


def test_jaccard_misses_trimmed_copies_that_containment_finds() -> None:
    text = articles(1)[0]
    paragraphs = text.split("\n\n")
    # Two thirds kept: a Jaccard near 0.6, well inside what LSH is tuned to catch for containment (copies up
    # to three times shorter), so the pair is a candidate whatever the seed.
    trimmed = "\n\n".join(paragraphs[: max(1, len(paragraphs) * 2 // 3)])
    documents = [Document("full", text), Document("trimmed", trimmed)]
    for measure, together in (("containment", True), ("jaccard", False)):
        for seed in range(1, 6):
            deduper = Deduper(DedupConfig(measure=measure, threshold=0.7, verify=True, seed=seed))
            deduper.add(documents)
            assert (len(deduper.clusters()) == 1) is together


def test_verify_gives_exact_similarities() -> None:
    text = articles(1)[0]
    deduper = Deduper(DedupConfig(verify=True))
    deduper.add([Document("a", text), Document("b", text + "\n\nOne more paragraph at the end of it.")])
    (cluster,) = deduper.clusters()
    assert cluster.similarities[0][2] == 1.0  # containment of the shorter in the longer


def test_empty_short_and_exact_duplicate_documents() -> None:
    deduper = Deduper(DedupConfig())
    deduper.add([
        Document("empty1", ""), Document("empty2", "  \n— … "), Document("short1", "Breaking news"),
        Document("short2", "BREAKING\nnews!"), Document("short3", "Other news"),
    ])
    clusters = [[deduper.ids[m] for m in c.members] for c in deduper.clusters()]
    assert clusters == [["empty1"], ["empty2"], ["short1", "short2"], ["short3"]]


def test_non_text_characters_do_not_break_the_pipeline() -> None:
    junk = "".join(chr(c) for c in range(0, 0x3000, 7)) + "\ufffd\x00\udc80".encode("utf-8", "surrogatepass").decode(
        "utf-8", "replace")
    deduper = Deduper(DedupConfig())
    deduper.add([Document("junk", junk), Document("junk2", junk)])
    assert len(deduper.clusters()) == 1


def test_many_identical_documents_make_one_cluster_without_entering_lsh_more_than_once() -> None:
    count = 100_000
    deduper = Deduper(DedupConfig())
    text = "The same wire story, word for word, published again and again by every site."
    deduper.add(Document(str(i), text) for i in range(count))
    whole = deduper.sketch()
    edges, first = exact_edges(whole.keys, whole.word_counts)
    assert int(first.sum()) == 1 and len(edges) == count - 1
    (cluster,) = deduper.clusters()
    assert len(cluster.members) == count and cluster.representative == 0


def test_copies_within_a_batch_are_sketched_once_and_get_what_they_would_alone() -> None:
    texts = articles(3)
    batch = [texts[0], texts[1], texts[0], "", "two words", "", texts[0].upper(), texts[2], "two words"]
    config = DedupConfig(verify=True)
    together = sketch(batch, config)
    alone = [sketch([text], config) for text in batch]
    assert len(np.unique(together.keys)) == 5  # the upper-case copy has the same words
    for number, single in enumerate(alone):
        assert np.array_equal(together.signatures[number], single.signatures[0])
        assert together.sizes[number] == single.sizes[0] and together.keys[number] == single.keys[0]
        assert together.sets is not None and single.sets is not None
        assert np.array_equal(together.sets[number], single.sets[0])


def test_a_million_identical_keys_group_in_linear_time() -> None:
    keys = np.full(1_000_000, 42, dtype=np.uint64)
    edges, first = exact_edges(keys, np.ones(len(keys), dtype=np.int64))
    assert int(first.sum()) == 1 and len(edges) == len(keys) - 1


def test_versions_ordered_by_date_and_newest_kept() -> None:
    text = articles(1)[0]
    deduper = Deduper(DedupConfig(keep="newest"))
    deduper.add([Document("late", text + " Updated.", "2024-05-02T08:00:00Z"),
                 Document("undated", text),
                 Document("early", text + " First.", "2024-05-01")])
    (cluster,) = deduper.clusters()
    assert [deduper.ids[m] for m in cluster.members] == ["early", "late", "undated"]
    assert deduper.ids[cluster.representative] == "late"


def test_bad_parameters_are_refused() -> None:
    for bad in ({"threshold": 1.5}, {"ngram": 0}, {"num_perm": 1}, {"measure": "cosine"}, {"keep": "best"}):
        with pytest.raises(ValueError):
            DedupConfig(**bad)  # type: ignore[arg-type]


def test_shared_counts_are_the_sizes_of_the_intersections() -> None:
    from variorum.dedup.containment import shared_counts
    from variorum.dedup.shingle import ShingleSets

    rng = np.random.default_rng(3)
    # Small value ranges, so that sets overlap a lot; empty sets too.
    members = [np.unique(rng.integers(0, 60, size=rng.integers(0, 40))).astype(np.uint32) for _ in range(30)]
    offsets = np.concatenate(([0], np.cumsum([len(m) for m in members]))).astype(np.int64)
    sets = ShingleSets(np.concatenate(members), offsets)
    pairs = np.array([(i, j) for i in range(30) for j in range(30) if i != j], dtype=np.int64)
    expected = [len(set(members[i].tolist()) & set(members[j].tolist())) for i, j in pairs.tolist()]
    assert shared_counts(sets, pairs).tolist() == expected
    assert shared_counts(sets, np.empty((0, 2), dtype=np.int64)).tolist() == []


def test_plain_text_records_give_the_body_id_site_and_errors_of_their_extraction() -> None:
    from variorum.dedup.documents import documents
    from variorum.dedup.furniture import site_of
    from variorum.extract.records import EMPTY, HTML, OK, TEXT, Record, extract_record

    texts = [
        "Rain Expected\nBy Ann Lee\n\nWASHINGTON — It will rain.\n\nCorrection: an earlier version misspelled Lee.",
        "(Bloomberg) — Russia is hosting a summit.\n\nMore text here, and more.",
        "   \n\n  ", "One paragraph only, no front matter at all.", "x" * 5000,
    ]
    records = [Record(TEXT, f"t{n}", f"src{n}", text, f"https://www.site{n % 2}.example/a{n}")
               for n, text in enumerate(texts)]
    records += [Record(TEXT, "bytes", "b", "Headline\n\nBody in bytes, caf\u00e9.".encode()),
                Record(TEXT, "binary", "bin", b"\x00\x01\x02\xff" * 100),
                Record(TEXT, "wide", "w", "\u00e9" * 1300, None),
                Record(HTML, "page", "p", "<html><body><article><p>A page, a paragraph of it.</p></article></body></html>")]

    def through_extraction(max_bytes: int) -> tuple[list[Document], list[str]]:
        found, left_out = [], []
        for record in records:
            extraction = extract_record(record, max_bytes=max_bytes)
            if extraction.status not in (OK, EMPTY) or extraction.article is None:
                left_out.append(f"{record.source}: {extraction.error or 'cannot be read'}; left out")
                continue
            article = extraction.article
            found.append(Document(extraction.id, article.body, article.published,
                                  site_of(extraction.url or article.url)))
        return found, left_out

    for max_bytes in (2400, 1_000_000):  # the small limit leaves the long texts out as too large
        left_out: list[str] = []
        assert (list(documents(records, left_out.append, max_bytes=max_bytes)), left_out) == through_extraction(max_bytes)
        assert len(left_out) == (3 if max_bytes == 2400 else 1)  # too large (twice), binary
    assert next(documents(records[:1], print)).text == "It will rain.\n\nCorrection: an earlier version misspelled Lee."
