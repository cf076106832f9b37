"""Dedup on a real dask.distributed LocalCluster gives exactly the local clusters; bad addresses fail fast."""

from __future__ import annotations

import time

import pytest

from variorum.dedup import DedupConfig, Deduper, Document
from variorum.dedup.dask import DaskError, connect, dedup_on_dask, parse_address

from test_dedup_pipeline import articles, syndicated


def test_local_cluster_gives_the_same_clusters_as_the_local_run() -> None:
    texts = articles(30)
    documents = [Document(f"o{i}", t) for i, t in enumerate(texts)]
    documents += [Document(f"c{i}", syndicated(t)) for i, t in enumerate(texts[:10])]
    documents += [Document(f"x{i}", texts[i]) for i in range(3)] + [Document("empty", ""), Document("s", "Hi there")]
    # Texts travel as UTF-8; a lone surrogate (from undecodable input) must come back as it was.
    documents += [Document("u", f"{texts[4]} \udc80 Ünïcödé"), Document("u2", f"{texts[4]} \udc80 Ünïcödé")]
    config = DedupConfig()
    local = Deduper(config)
    local.add(documents)
    expected = local.clusters()
    assert sum(len(c.members) > 1 for c in expected) == 10
    with connect("local:2") as client:
        remote, candidates = dedup_on_dask(documents, config, client, partition_size=7)
        assert remote.ids == local.ids
        assert remote.clusters(candidates) == expected


def test_unreachable_scheduler_is_a_clear_error_within_seconds() -> None:
    started = time.monotonic()
    with pytest.raises(DaskError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        with connect("tcp://127.0.0.1:9", timeout=1.0):
            pass
    assert time.monotonic() - started < 10


def test_addresses_are_checked() -> None:
    assert parse_address("local") == ("local", None)
    for bad in ("local:0", "local:x", "somewhere"):
        with pytest.raises(DaskError):
            parse_address(bad)
