"""Dedup on a real dask.distributed LocalCluster, workers reading their own parts of files, gives exactly the
local clusters; a part that cannot be read fails as the local run does; bad addresses fail fast."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest

from helpers import articles, syndicated
from variorum.dedup import DedupConfig, Deduper
from variorum.dedup.dask import (
    MAX_WARNINGS,
    DaskError,
    SketchedPart,
    connect,
    dedup_on_dask,
    parse_address,
    sketch_part,
)
from variorum.dedup.documents import documents
from variorum.errors import InputError
from variorum.extract.formats import Fields, read_input, read_inputs
from variorum.extract.parts import split_inputs


def write_corpus(root: Path) -> list[str]:
    """A JSONL export and a directory: originals, syndicated copies and exact copies across both, records
    that are left out, an empty document and one shorter than a shingle."""
    texts = articles(30)
    lines = [json.dumps({"id": f"o{i}", "text": t}) for i, t in enumerate(texts)]
    lines += ["{broken", "", json.dumps({"text": "   "})]
    lines += [json.dumps({"text": syndicated(t)}) for t in texts[:6]]  # ids are line numbers
    lines += [json.dumps({"id": f"x{i}", "text": texts[i], "published": "2024-01-02"}) for i in range(3)]
    lines += [json.dumps({"id": "s", "text": "Hi there"}), json.dumps({"id": "u", "text": f"{texts[4]} Ünïcödé"})]
    export = root / "export.jsonl"
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    site = root / "site"
    site.mkdir()
    for i, text in enumerate(texts[6:10]):
        (site / f"wire{i}.txt").write_text(syndicated(text), encoding="utf-8")
    (site / "blank.txt").write_text("", encoding="utf-8")
    (site / "copy.txt").write_text(texts[12], encoding="utf-8")
    (site / "noise.bin.txt").write_bytes(b"\x00\x01\x02\xff" * 100)
    return [str(export), str(site)]


def test_workers_reading_their_parts_give_the_same_clusters_as_the_local_run(tmp_path: Path) -> None:
    inputs = write_corpus(tmp_path)
    config = DedupConfig()
    local_left_out: list[str] = []
    local = Deduper(config)
    local.add(documents(read_inputs(inputs), local_left_out.append))
    expected = local.clusters()
    assert sum(len(c.members) > 1 for c in expected) == 11 and len(local_left_out) == 3
    parts = list(split_inputs(inputs, part_bytes=3000, part_files=2))
    assert len(parts) > 10
    seen: list[SketchedPart] = []
    with connect("local:2") as client:
        remote, candidates = dedup_on_dask(parts, config, client, on_part=seen.append)
    assert remote.ids == local.ids and remote.published == local.published
    assert remote.clusters(candidates) == expected
    assert [p.name for p in seen] == [p.name for p in parts]
    assert [w for p in seen for w in p.warnings] == local_left_out
    assert sum(p.left_out for p in seen) == 3 and sum(len(p.ids) for p in seen) == len(local.ids)


def test_a_part_that_cannot_be_read_fails_after_the_parts_before_it(tmp_path: Path) -> None:
    inputs = write_corpus(tmp_path)
    blob = tmp_path / "blob"
    blob.write_bytes(b"\x00\x01\x02\xff" * 100)
    seen: list[str] = []
    with connect("local:1") as client, pytest.raises(InputError, match="not a format Variorum reads") as error:
        dedup_on_dask(split_inputs([inputs[0], str(blob), inputs[1]]), DedupConfig(), client,
                      on_part=lambda part: seen.append(part.name))
    assert error.value.source == str(blob) and seen == [inputs[0], str(blob)]


def test_a_worker_sends_back_the_first_warnings_of_a_part_and_counts_the_rest(tmp_path: Path) -> None:
    export = tmp_path / "bad.jsonl"
    export.write_text("{broken\n" * (MAX_WARNINGS + 5) + json.dumps({"id": "ok", "text": articles(1)[0]}) + "\n")
    (part,) = split_inputs([str(export)])
    result = sketch_part(part, DedupConfig(), Fields(), 10_000)
    assert result.left_out == MAX_WARNINGS + 5 and len(result.warnings) == MAX_WARNINGS
    assert result.warnings[1].startswith(f"{export}:2: not JSON") and result.warnings[1].endswith("; left out")
    assert result.ids == ["ok"] and result.sketch is not None and len(result.sketch.keys) == 1
    assert result.error is None and result.name == str(export)


def test_unreachable_scheduler_is_a_clear_error_within_seconds() -> None:
    started = time.monotonic()
    with pytest.raises(DaskError, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9"), \
            connect("tcp://127.0.0.1:9", timeout=1.0):
        pass
    assert time.monotonic() - started < 10


def test_addresses_are_checked() -> None:
    assert parse_address("local") == ("local", None)
    for bad in ("local:0", "local:x", "somewhere"):
        with pytest.raises(DaskError):
            parse_address(bad)


def test_furniture_learned_on_workers_gives_the_local_clusters_for_both_measures(tmp_path: Path) -> None:
    from test_dedup_scale import site_corpus

    corpus = site_corpus()
    export = tmp_path / "sites.jsonl"
    export.write_text("".join(json.dumps({"id": d.id, "text": d.text, "url": f"https://{d.site}/{d.id}"}) + "\n"
                              for d in corpus), encoding="utf-8")
    with connect("local:2") as client:
        for config in (DedupConfig(), DedupConfig(measure="jaccard", threshold=0.5)):
            local = Deduper(config)
            local.add(documents(read_input(str(export)), lambda message: None))
            expected = local.clusters()
            remote, candidates = dedup_on_dask(split_inputs([str(export)], part_bytes=2000), config, client)
            assert remote.sites == local.sites and remote.sites[0] == "cooking.example"
            assert remote.clusters(candidates) == expected
            assert np.array_equal(remote.prepared().furniture, local.prepared().furniture)
            assert remote.prepared().furniture.sum() == 1
    assert [sorted(local.ids[m] for m in c.members) for c in expected if len(c.members) > 1] == [["elsewhere", "s3"]]


def test_the_labelled_neardup_corpus_at_10000_documents_gives_the_local_report_on_dask(
        run_cli, tmp_path: Path) -> None:
    """The default (containment 0.6, story level) and Jaccard 0.5, as ``bench/dedup.py --neardup`` runs them:
    the JSON report of ``--dask local:2`` is the local one, byte for byte."""
    import importlib.util

    from helpers import EXTRACTION_CORPUS

    generator = EXTRACTION_CORPUS.parent / "neardup" / "corpus.py"
    if not generator.exists():
        pytest.skip(f"shared neardup corpus not found at {generator}")
    spec = importlib.util.spec_from_file_location("neardup_corpus", generator)
    assert spec is not None and spec.loader is not None
    corpus = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(corpus)
    labelled = corpus.build(10_000)
    source = tmp_path / "neardup.jsonl"
    source.write_text("".join(json.dumps({"id": d["id"], "text": d["text"]}) + "\n" for d in labelled),
                      encoding="utf-8")
    for options in ([], ["--measure", "jaccard", "--threshold", "0.5"]):
        reports = []
        for where in ([], ["--dask", "local:2"]):
            target = tmp_path / f"report{len(reports)}.json"
            status, _, err = run_cli("dedup", str(source), "-f", "json", "-o", str(target), *options, *where)
            assert status == 0 and "10,000 documents" in err
            reports.append(target.read_bytes())
        assert reports[0] == reports[1]
        found = json.loads(reports[0])
        predicted = {m["id"]: c["cluster"] for c in found["clusters"] for m in c["members"]}
        truth = {d["id"]: d["cluster"] for d in labelled}
        f1 = corpus.quality(truth, {doc: predicted.get(doc, f"alone-{doc}") for doc in truth})[2]
        assert f1 >= (0.99 if not options else 0.95)
