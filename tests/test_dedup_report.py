"""The report values and the clusters cache the faces share; the store runs no deduper."""

from __future__ import annotations

import subprocess
import sys

from helpers import articles, syndicated
from variorum.dedup import DedupConfig, Document
from variorum.dedup.pipeline import Deduper
from variorum.dedup.report import ClusterCache, member_links, story_clusters


def test_the_store_imports_no_deduper() -> None:
    code = ("import sys, variorum.store, variorum.store.queries; "
            "print(sorted(m for m in sys.modules if m.startswith('variorum.dedup')))")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert found.strip() == "[]"


def test_cache_computes_once_per_key_and_again_for_a_new_key() -> None:
    texts = articles(3)
    calls: list[int] = []

    def documents() -> list[Document]:
        calls.append(1)
        return [Document("a", texts[0]), Document("b", syndicated(texts[0])), Document("c", texts[1])]

    cache = ClusterCache()
    first = cache.get((3, 3), documents, DedupConfig())
    assert cache.get((3, 3), documents, DedupConfig()) is first and len(calls) == 1
    assert [[m.id for m in c.members] for c in first] == [["a", "b"]]
    cache.get((4, 4), documents, DedupConfig())
    assert len(calls) == 2


def test_member_similarity_is_the_best_link_and_the_representative_is_marked() -> None:
    texts = articles(1)
    deduper = Deduper(DedupConfig(keep="longest"))
    deduper.add([Document("short", syndicated(texts[0])), Document("long", texts[0] + "\n\nMore at the end.")])
    (cluster,) = [c for c in deduper.clusters() if len(c.members) > 1]
    links = member_links(cluster)
    assert links[cluster.representative] == (1.0, "representative")
    (story,) = story_clusters(deduper)
    assert story.representative == "long"
    other = next(m for m in story.members if m.id == "short")
    assert other.similarity == cluster.similarities[0][2] and other.level in ("copy", "trimmed", "block")
