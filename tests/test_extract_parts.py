"""Inputs cut into parts: reading every part in order gives exactly the records of reading the inputs whole."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from helpers import PARAGRAPH, page
from variorum.errors import InputError
from variorum.extract.formats import Fields, read_input, read_inputs
from variorum.extract.parts import FileGroup, LineRange, RowGroups, WholeInputs, line_starts, read_part, split_inputs

MAX_BYTES = 600


def whole(names: list[str], fields: Fields = Fields()) -> list:
    return list(read_inputs(names, fields, MAX_BYTES))


def in_parts(names: list[str], fields: Fields = Fields(), **sizes: int) -> tuple[list, list]:
    parts = list(split_inputs(names, fields, **sizes))
    return parts, [record for part in parts for record in read_part(part, fields, MAX_BYTES)]


@pytest.fixture
def export(tmp_path: Path) -> Path:
    """JSONL with every kind of line: ids, urls, neither; blank and whitespace lines, bad JSON, a list, a
    line over the limit; CRLF endings; and no newline at the very end."""
    lines = [
        json.dumps({"id": "first", "text": "One\n\n" + PARAGRAPH}),
        "",
        "{not json",
        json.dumps({"text": "No id here. " + PARAGRAPH}),
        json.dumps({"id": "long", "text": "x " * 2000}),
        "   ",
        json.dumps({"url": "https://x.example/u", "html": page("Url only").decode()}) + "\r",
        "[1, 2]",
        *(json.dumps({"text": f"Story {n}. {PARAGRAPH}"}) for n in range(12)),
        json.dumps({"id": "ü-last", "text": "Ünïcödé at the end, no newline after it."}),
    ]
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.mark.parametrize("part_bytes", [1, 37, 100, 500, 1000, 10**6])
def test_jsonl_ranges_give_the_records_of_the_whole_file(export: Path, part_bytes: int) -> None:
    expected = whole([str(export)])
    parts, records = in_parts([str(export)], part_bytes=part_bytes)
    assert records == expected
    assert all(isinstance(part, LineRange) for part in parts)
    assert [r.id for r in records[:3]] == ["first", f"{export}:3", f"{export}:4"]
    assert records[3].error == f"line is over the limit of {MAX_BYTES:,} bytes" and records[3].id == f"{export}:5"
    assert records[-1].id == "ü-last" and records[-2].id == f"{export}:20"
    if part_bytes <= 100:
        assert len(parts) >= 15  # a cut after nearly every line
        # The line over the limit straddles cuts: the part it starts in owns all of it, the next starts after.
        long_start = export.read_bytes().index(b'{"id": "long"')
        owner = next(p for p in parts if p.start <= long_start < (p.end or 10**9))
        assert owner.end is not None and owner.end - long_start > 4000
    if part_bytes == 10**6:
        assert parts == [LineRange(str(export), export, 0, None, 1)]


def test_line_starts_are_line_starts_with_their_numbers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("variorum.extract.parts.SCAN_BYTES", 5)  # cuts and newlines across scan chunks
    data = b"aaaa\n\nbbbbbbbbbbbbbbbb\ncc\nd\n\n\neeeeeeee\n"
    path = tmp_path / "x.jsonl"
    path.write_bytes(data)
    with path.open("rb") as stream:
        starts = list(line_starts(stream, 4))
    assert starts[0] == (0, 1)
    for offset, number in starts[1:]:
        assert data[offset - 1:offset] == b"\n" and number == data[:offset].count(b"\n") + 1
    assert [offset for offset, _ in starts] == [0, 5, 23, 28]  # 28: the first blank line after "d"; none at the end


def test_directory_groups_give_the_records_of_the_whole_directory(tmp_path: Path, export: Path) -> None:
    site = tmp_path / "site"
    (site / "2024" / "march").mkdir(parents=True)
    for n in range(7):
        (site / "2024" / f"story{n}.txt").write_text(f"Story {n}\n\n{PARAGRAPH}", encoding="utf-8")
    (site / "2024" / "march" / "bridge.html").write_bytes(page("Bridge"))
    (site / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (site / "noise.bin.txt").write_bytes(b"\x00\x01\x02\xff" * 100)
    (site / "huge.txt").write_text("word " * 1000, encoding="utf-8")
    (site / "broken.parquet").write_bytes(b"PAR1 not really PAR1")
    (site / ".hidden.html").write_bytes(page("Hidden"))
    (site / "export.jsonl").write_bytes(export.read_bytes())
    expected = whole([str(site)])
    parts, records = in_parts([str(site)], part_files=2)
    assert records == expected and len(records) > 20
    assert all(isinstance(part, FileGroup) and len(part.files) <= 2 for part in parts) and len(parts) == 7
    parts, records = in_parts([str(site)], part_bytes=3000)  # small files, then two of over 3,000 bytes
    assert records == expected
    assert [p.files[-1] for p in parts if isinstance(p, FileGroup)] == ["export.jsonl", "huge.txt", "noise.bin.txt"]
    kinds = {r.id: r.kind for r in records}
    assert kinds["site/logo.png"] == "skipped" and kinds["site/broken.parquet"] == kinds["site/huge.txt"] == "broken"
    assert "site/.hidden.html" not in kinds


def test_parquet_row_groups_give_the_records_of_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "export.parquet"
    rows = 23
    table = pa.table({
        "id": [None if n % 3 else f"p{n}" for n in range(rows)],
        "text": [None if n == 5 else f"Story {n}. {PARAGRAPH}" for n in range(rows)],
    })
    pq.write_table(table, path, row_group_size=4)
    expected = whole([str(path)])
    parts, records = in_parts([str(path)], part_bytes=1)
    assert records == expected and len(records) == rows
    assert [p.groups for p in parts if isinstance(p, RowGroups)] == [(g,) for g in range(6)]
    assert [p.first_row for p in parts if isinstance(p, RowGroups)] == [0, 4, 8, 12, 16, 20]
    assert records[1].id == f"{path}#2" and records[5].kind == "broken" and records[21].id == "p21"
    parts, records = in_parts([str(path)], part_bytes=2000)  # about 1,000 bytes a group
    assert records == expected and [p.groups for p in parts if isinstance(p, RowGroups)] == [(0, 1), (2, 3), (4, 5)]


def test_many_inputs_whole_files_grouped_and_errors_where_reading_raises_them(tmp_path: Path, export: Path) -> None:
    pages = []
    for n in range(5):
        pages.append(tmp_path / f"page{n}.html")
        pages[-1].write_bytes(page(f"Page {n}"))
    packed = tmp_path / "packed.jsonl.gz"
    packed.write_bytes(gzip.compress(export.read_bytes()))
    table = pa.table({"id": ["q1", "q2"], "text": [PARAGRAPH, "Other. " + PARAGRAPH]})
    pq.write_table(table, tmp_path / "t.parquet", row_group_size=1)
    names = [str(pages[0]), str(pages[1]), str(packed), str(export), str(pages[2]), str(tmp_path / "t.parquet"),
             str(pages[3]), pages[4].as_uri()]
    parts, records = in_parts(names, part_bytes=2000, part_files=2)
    assert records == whole(names)
    assert [type(p).__name__ for p in parts][:3] == ["WholeInputs", "WholeInputs", "LineRange"]
    assert parts[0] == WholeInputs((str(pages[0]), str(pages[1])), ("page0.html", "page1.html"))
    assert parts[1].name == str(packed) and records[0].id == "page0.html"
    # Inputs that cannot be read are read whole, so reading them raises what reading them whole raises.
    (tmp_path / "bad.parquet").write_bytes(b"PAR1 not really PAR1")
    (tmp_path / "blob").write_bytes(b"\x00\x01\x02\xff" * 100)
    for bad in ("bad.parquet", "blob", "missing.jsonl"):
        name = str(tmp_path / bad)
        with pytest.raises(InputError) as expected:
            list(read_input(name))
        (part,) = split_inputs([name])
        assert part == WholeInputs((name,), (bad,))
        with pytest.raises(InputError) as found:
            list(read_part(part))
        assert str(found.value) == str(expected.value)


def test_a_damaged_row_group_is_one_broken_record_and_the_next_groups_are_read(tmp_path: Path) -> None:
    path = tmp_path / "damaged.parquet"
    texts = [f"Story {n}. {PARAGRAPH}" for n in range(30)]
    pq.write_table(pa.table({"id": [f"r{n}" for n in range(30)], "text": texts}), path, row_group_size=10)
    column = pq.ParquetFile(path).metadata.row_group(1).column(1)
    start = column.dictionary_page_offset or column.data_page_offset
    data = bytearray(path.read_bytes())
    data[start:start + 8] = b"\xff" * 8  # the page header of the second group's text
    path.write_bytes(bytes(data))
    expected = whole([str(path)])
    assert [(r.id, r.kind) for r in expected if r.kind == "broken"] == [(f"{path}#11", "broken")]
    assert len(expected) == 21 and expected[-1].id == "r29"
    assert in_parts([str(path)], part_bytes=1)[1] == expected
