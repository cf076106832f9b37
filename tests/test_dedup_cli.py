"""``variorum dedup`` and ``variorum index`` from the command line, and the on-disk index."""

from __future__ import annotations

import csv
import io
import json
from functools import partial
from pathlib import Path

import pytest

from helpers import articles, syndicated
from variorum.dedup import DedupConfig, sketch
from variorum.dedup import index as dedup_index
from variorum.extract import parts


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    texts = articles(4)
    folder = tmp_path / "site"
    folder.mkdir()
    for i, text in enumerate(texts):
        (folder / f"story{i}.txt").write_text(text, encoding="utf-8")
    (folder / "wire-story0.txt").write_text(syndicated(texts[0]), encoding="utf-8")
    (folder / "upper-story1.txt").write_text(texts[1].upper(), encoding="utf-8")
    (folder / "blank.txt").write_text("", encoding="utf-8")
    (folder / "noise.bin.txt").write_bytes(b"\x00\x01\x02\xff" * 100)
    return folder


def test_csv_lists_every_document_with_its_cluster_and_representative(run_cli, corpus: Path) -> None:
    status, out, err = run_cli("dedup", str(corpus), "--format", "csv")
    assert status == 0
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(out))}
    rows = {key.removeprefix("site/"): row for key, row in rows.items()}
    assert rows["wire-story0.txt"]["representative"] == rows["story0.txt"]["representative"] == "site/story0.txt"
    assert rows["upper-story1.txt"]["cluster"] == rows["story1.txt"]["cluster"]
    assert rows["story2.txt"]["cluster"] != rows["story3.txt"]["cluster"]
    assert "noise.bin.txt" not in rows and "noise.bin.txt" in err and "left out" in err


def test_jsonl_has_one_object_per_cluster_with_similarities_and_summaries(run_cli, corpus: Path) -> None:
    status, out, _ = run_cli("dedup", str(corpus), "-f", "jsonl", "--keep", "longest", "--summaries")
    clusters = [json.loads(line) for line in out.splitlines()]
    assert status == 0 and len(clusters) == 2
    wire = next(c for c in clusters if any(m["id"] == "site/wire-story0.txt" for m in c["members"]))
    assert wire["representative"] == "site/story0.txt"
    second = wire["members"][1]
    assert 0.5 <= second["similarity"] <= 1.0 and "verdict" in second["change_from_previous"]


def test_json_report_and_output_file(run_cli, corpus: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    status, out, _ = run_cli("dedup", str(corpus), "-f", "json", "-o", str(report),
                         "--measure", "jaccard", "--threshold", "0.3", "--no-summaries")
    data = json.loads(report.read_text(encoding="utf-8"))
    assert status == 0 and out == ""
    assert data["parameters"]["measure"] == "jaccard" and data["documents"] == 7


def test_write_unique_keeps_one_file_per_story(run_cli, corpus: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "unique"
    status, _, err = run_cli("dedup", str(corpus), "-f", "csv", "--write-unique", str(out_dir))
    assert status == 0 and "5 unique written" in err
    assert sorted(p.name for p in out_dir.iterdir()) == ["blank.txt", "story0.txt", "story1.txt", "story2.txt",
                                                        "story3.txt"]


def test_write_unique_jsonl(run_cli, tmp_path: Path) -> None:
    texts = articles(2)
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in
                              [("a", texts[0]), ("b", texts[1]), ("a2", texts[0])]), encoding="utf-8")
    status, _, _ = run_cli("dedup", str(source), "--write-unique", str(tmp_path / "out.jsonl"))
    kept = [json.loads(line)["id"] for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert status == 0 and kept == ["a", "b"]


def test_bad_options_and_inputs_are_clear_errors(run_cli, tmp_path: Path) -> None:
    status, _, err = run_cli("dedup", str(tmp_path / "missing"))
    assert status == 2 and "no such file" in err
    status, _, err = run_cli("dedup", str(tmp_path), "--threshold", "2")
    assert status == 2 and "threshold" in err
    status, _, err = run_cli("dedup", str(tmp_path), "--dask", "nowhere")
    assert status == 2 and "--dask nowhere" in err


def test_index_add_query_and_parameter_mismatch(run_cli, corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    status, _, err = run_cli("index", "add", str(index), str(corpus / "story0.txt"),
                         str(corpus / "story2.txt"))
    assert status == 0 and "now 2" in err
    status, _, err = run_cli("index", "add", str(index), str(corpus / "story3.txt"))
    assert status == 0 and "now 3" in err
    status, out, _ = run_cli("index", "query", str(index), str(corpus / "wire-story0.txt"),
                         "-f", "json")
    (result,) = json.loads(out)
    assert [m["id"] for m in result["matches"]] == ["story0.txt"]
    assert result["matches"][0]["similarity"] >= 0.5
    status, _, err = run_cli("index", "query", str(index), str(corpus / "story0.txt"),
                         "--ngram", "3")
    assert status == 2 and "ngram=3 (the index has 5)" in err
    status, _, err = run_cli("index", "add", str(index), str(corpus / "story1.txt"),
                         "--num-perm", "64")
    assert status == 2 and "num_perm=64 (the index has 128)" in err


def test_index_reopens_appends_and_refuses_what_is_not_an_index(tmp_path: Path) -> None:
    config = DedupConfig(ngram=3, num_perm=32)
    root = tmp_path / "idx"
    params = dedup_index.open_or_create(root, dedup_index.IndexParams.of(config))
    texts = ["one two three four five", "six seven eight nine ten", "one two three four five six"]
    dedup_index.add(root, ["a", "b"], [None, "2024-01-01"], sketch(texts[:2], config))
    assert dedup_index.open_or_create(root, dedup_index.IndexParams(5, 128, 1)) == params
    dedup_index.add(root, ["c"], [None], sketch(texts[2:], config))
    loaded = dedup_index.load(root)
    assert loaded["ids"].tolist() == ["a", "b", "c"]
    matches = dedup_index.query(loaded, sketch(["one two three four five"], config), 0, "containment", 0.5, 5)
    assert [m.id for m in matches][:2] == ["a", "c"] and matches[0].similarity == 1.0
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "file").write_text("x")
    with pytest.raises(dedup_index.IndexFileError):
        dedup_index.open_or_create(tmp_path / "other", params)
    with pytest.raises(dedup_index.IndexFileError):
        dedup_index.read_params(tmp_path / "nothing")


def test_dask_option_gives_the_same_csv_and_warnings_as_the_local_run(
    run_cli, corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = articles(6)
    lines = [json.dumps({"id": f"a{i}", "text": t}) for i, t in enumerate(texts)] + ["{broken", "", "[1]"]
    lines += [json.dumps({"text": syndicated(t)}) for t in texts[:3]]
    lines.append(json.dumps({"id": "a0-copy", "text": texts[0]}))
    export = tmp_path / "export.jsonl"
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # Small parts, so that both inputs are read by both workers in many pieces.
    monkeypatch.setattr(parts, "split_inputs", partial(parts.split_inputs, part_bytes=2000, part_files=2))
    for inputs in ([str(export)], [str(corpus)], [str(export), str(corpus)]):
        status, local, local_err = run_cli("dedup", *inputs, "-f", "csv")
        assert status == 0 and len(local.splitlines()) > 5
        status, remote, remote_err = run_cli("dedup", *inputs, "-f", "csv", "--dask", "local:2")
        assert status == 0 and remote == local
        assert remote_err == local_err and "left out" in remote_err
    assert remote_err.count("variorum: warning:") == 3 and "noise.bin.txt" in remote_err
    assert f"{export}:7: not JSON" in remote_err and remote_err.endswith("; 3 records left out\n")


def test_write_unique_parquet_and_verify(run_cli, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    texts = articles(2)
    pq.write_table(pa.table({"id": ["a", "b", "a-copy"], "text": [texts[0], texts[1], syndicated(texts[0])]}),
                   tmp_path / "in.parquet")
    status, out, _ = run_cli("dedup", str(tmp_path / "in.parquet"), "--verify", "-f", "csv",
                         "--write-unique", str(tmp_path / "out.parquet"))
    assert status == 0 and "a-copy,0,a" in out
    assert pq.read_table(tmp_path / "out.parquet").column("id").to_pylist() == ["a", "b"]


def test_write_unique_never_overwrites_and_reports_what_it_wrote(run_cli, tmp_path: Path) -> None:
    texts = articles(2)
    for folder, text in (("a", texts[0]), ("b", texts[1])):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "other.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "uniq"
    status, _, err = run_cli("dedup", str(tmp_path / "a"), str(tmp_path / "b"), "-f", "csv", "--write-unique", str(out))
    assert status == 0 and "2 unique written" in err
    assert (out / "a" / "other.txt").read_text(encoding="utf-8") == texts[0]
    assert (out / "b" / "other.txt").read_text(encoding="utf-8") == texts[1]
    # Again into the same folder: the files exist, nothing is overwritten, and nothing is claimed.
    status, _, err = run_cli("dedup", str(tmp_path / "a"), str(tmp_path / "b"), "-f", "csv", "--write-unique", str(out))
    assert status != 0 and "refusing to overwrite" in err and "unique written" not in err
    assert (out / "a" / "other.txt").read_text(encoding="utf-8") == texts[0]
    # An output file that exists is refused before the run.
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "x", "text": texts[0]}) + "\n", encoding="utf-8")
    (tmp_path / "taken.jsonl").write_text("precious\n", encoding="utf-8")
    status, _, err = run_cli("dedup", str(source), "--write-unique", str(tmp_path / "taken.jsonl"))
    assert status != 0 and "refusing to overwrite" in err
    assert (tmp_path / "taken.jsonl").read_text(encoding="utf-8") == "precious\n"


def test_index_add_twice_is_idempotent_and_remove_takes_documents_out(run_cli, corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    status, _, err = run_cli("index", "add", str(index), str(corpus))
    # upper-story1.txt has the words of story1.txt: identical content, skipped.
    assert status == 0 and "added 6 documents" in err and "now 6" in err
    assert err.rstrip().endswith("skipped 1 document with the same text as one indexed")
    status, _, err = run_cli("index", "add", str(index), str(corpus))
    assert status == 0 and "added 0 documents" in err and "now 6" in err
    assert "skipped 6 documents already indexed by id and 1 document with the same text" in err
    copy = tmp_path / "copy.txt"
    copy.write_text((corpus / "story2.txt").read_text(encoding="utf-8"), encoding="utf-8")
    status, _, err = run_cli("index", "add", str(index), str(copy))
    assert "added 0 documents" in err and "1 document with the same text as one indexed" in err
    status, out, _ = run_cli("index", "query", str(index), str(corpus / "story2.txt"), "-f", "json")
    assert [m["id"] for m in json.loads(out)[0]["matches"]] == ["site/story2.txt"]
    status, _, err = run_cli("index", "remove", str(index), "site/story2.txt", "nothing.txt")
    assert status == 0 and "removed 1 documents" in err and "now 5" in err and "1 id not in the index" in err
    status, out, _ = run_cli("index", "query", str(index), str(corpus / "story2.txt"), "-f", "json")
    assert json.loads(out)[0]["matches"] == []


def test_summaries_extract_only_the_versions_they_compare(
    run_cli, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from variorum.cli import dedup as cli_dedup

    extracted: list[str] = []
    original = cli_dedup.extract_record

    def counted(record, **options):  # type: ignore[no-untyped-def]
        extracted.append(record.id)
        return original(record, **options)

    monkeypatch.setattr(cli_dedup, "extract_record", counted)
    status, out, _ = run_cli("dedup", str(corpus), "-f", "json", "--summaries")
    data = json.loads(out)
    assert status == 0 and data["documents"] == 7
    members = sorted(m["id"] for c in data["clusters"] for m in c["members"])
    assert sorted(extracted) == members  # the 4 versions of the 2 clusters, not the 7 documents again
    assert all("change_from_previous" in c["members"][1] for c in data["clusters"])


def test_level_copy_keeps_only_copies_and_json_reports_levels(run_cli, tmp_path: Path) -> None:
    text = articles(1)[0]
    paragraphs = text.split("\n\n")
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in [
        ("story", text), ("copy", "Advertisement\n\n" + text),
        ("trimmed", "\n\n".join(paragraphs[: len(paragraphs) // 2]))]), encoding="utf-8")
    status, out, _ = run_cli("dedup", str(source), "-f", "json")
    (cluster,) = json.loads(out)["clusters"]
    assert status == 0 and {m["id"]: m["level"] for m in cluster["members"]}["trimmed"] == "trimmed"
    status, out, _ = run_cli("dedup", str(source), "-f", "json", "--level", "copy")
    data = json.loads(out)
    assert data["parameters"]["level"] == "copy"
    assert [sorted(m["id"] for m in c["members"]) for c in data["clusters"]] == [["copy", "story"]]


def test_briefs_of_sister_sites_sharing_a_legal_footer_stay_apart(run_cli, tmp_path: Path) -> None:
    """Two sister papers print the same terms notice inside the article; on a two-sentence brief it is most
    of the extracted text, which no per-site rule can learn (one page per site). The extractor leaves such
    notices out, so the two briefs are two stories."""
    footer = ("<p>Registration on or use of this site constitutes acceptance of our User Agreement, Privacy Policy "
              "and Cookie Statement, and Your California Privacy Rights.</p><p>© 2019 {site}. All rights reserved "
              "(About Us). The material on this site may not be reproduced, distributed, transmitted, cached or "
              "otherwise used, except with the prior written permission of {site}.</p><p>Community Rules apply to "
              "all content you upload or otherwise submit to this site.</p>")
    briefs = {"nj.example": "The county opened a second testing site on Route 9 on Monday, officials said.",
              "oregon.example": "A rockslide closed Highway 26 near the summit for six hours on Sunday night."}
    folder = tmp_path / "pages"
    folder.mkdir()
    for site, brief in briefs.items():
        (folder / f"{site}.html").write_text(
            f"<html><head><title>Brief</title><link rel='canonical' href='https://{site}/news/brief/'></head>"
            f"<body><article><h1>Brief</h1><p>{brief}</p>{footer.format(site=site)}</article></body></html>",
            encoding="utf-8")
    status, out, _ = run_cli("dedup", str(folder), "-f", "json")
    assert status == 0 and json.loads(out)["clusters"] == []
