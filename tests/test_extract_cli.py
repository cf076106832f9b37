"""``variorum extract`` end to end, and ``variorum diff`` on HTML pages, through the real entry point."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from variorum.cli.inputs import load_article
from variorum.errors import InputError

PARAGRAPH = ("The council voted on Tuesday to close the old bridge for repairs, which are expected to take "
             "six months and cost more than two million pounds, officials said.")


def page(title: str, body: str = PARAGRAPH) -> str:
    return (f"<html><head><title>{title}</title><meta name='author' content='Ann Lee'></head><body><article>"
            f"<h1>{title}</h1><p>{body} <a href='https://council.example/vote'>The vote</a> was close.</p>"
            f"<figure><img src='b.jpg'><figcaption>The old bridge.</figcaption></figure>"
            f"<p>{body} It was the second such vote this year.</p></article></body></html>")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "bridge.html").write_text(page("Bridge to close"))
    (tmp_path / "site" / "empty.html").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    (tmp_path / "site" / "note.txt").write_text("Bridge Vote\nBy Ann Lee\n\n" + PARAGRAPH)
    (tmp_path / "feed.jsonl").write_text("\n".join([
        json.dumps({"id": "j1", "url": "https://x.example/j1", "html": page("From JSONL")}),
        "this line is not json",
        json.dumps({"id": "j3", "text": "Plain\n\n" + PARAGRAPH}),
    ]) + "\n")
    return tmp_path


def test_jsonl_output_follows_the_contract(run_cli, corpus: Path) -> None:
    code, out, err = run_cli("extract", "--format", "jsonl", str(corpus / "site"))
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(row["id"], row["status"]) for row in rows] == [
        ("site/bridge.html", "ok"), ("site/empty.html", "empty"), ("site/note.txt", "ok"),
    ]
    bridge = rows[0]
    assert list(bridge) == ["id", "url", "title", "authors", "published", "modified", "sitename", "language", "categories",
                            "text", "captions", "links", "status", "error"]
    assert bridge["title"] == "Bridge to close" and bridge["authors"] == ["Ann Lee"]
    assert bridge["captions"] == ["The old bridge."]
    assert bridge["links"] == [{"text": "The vote", "href": "https://council.example/vote"}]
    assert bridge["text"].count("\n\n") == 1
    assert rows[1]["error"] == "no article text found" and rows[1]["text"] == ""
    assert rows[2]["title"] == "Bridge Vote"
    assert err.strip().endswith("read 3 records: 2 extracted, 1 empty (no article text found), 0 failed")


def test_bad_jsonl_line_is_warned_counted_and_strict_fails(run_cli, corpus: Path) -> None:
    feed = str(corpus / "feed.jsonl")
    code, out, err = run_cli("extract", "-f", "jsonl", feed)
    assert code == 0
    assert [json.loads(line)["status"] for line in out.splitlines()] == ["ok", "failed", "ok"]
    assert f"variorum: warning: {feed}:2: not JSON" in err
    assert "read 3 records: 2 extracted, 0 empty (no article text found), 1 failed" in err
    code, out, err = run_cli("extract", "--strict", "-f", "jsonl", feed)
    assert code == 2
    assert err.startswith(f"variorum: error: {feed}:2: not JSON") and "Traceback" not in err


def test_bad_inputs_give_one_line_and_status_2(run_cli, tmp_path: Path) -> None:
    binary = tmp_path / "image.bin"
    binary.write_bytes(b"\x00\x01\x02\x03" * 100)
    for argument, problem in [
        (str(tmp_path / "missing.html"), "no such file or directory"),
        (str(binary), "not a format Variorum reads"),
        ("https://example.org/page", "not a local file"),
    ]:
        code, out, err = run_cli("extract", argument)
        assert code == 2 and out == ""
        assert err.startswith(f"variorum: error: {argument}: {problem}")
        assert err.count("\n") == 1


def test_single_page_over_the_size_cap(run_cli, tmp_path: Path) -> None:
    big = tmp_path / "big.html"
    big.write_text(page("Big") + "<!--" + "x" * 5000 + "-->")
    code, out, err = run_cli("extract", "--max-bytes", "2000", str(big))
    assert code == 2 and err.startswith(f"variorum: error: {big}: file is ") and "over the limit of 2,000" in err


def test_text_json_and_markdown_formats(run_cli, corpus: Path) -> None:
    bridge = str(corpus / "site" / "bridge.html")
    code, out, _ = run_cli("extract", bridge)
    assert code == 0 and out.startswith("Bridge to close\n\nBy Ann Lee\n\nThe council voted") and "==>" not in out
    code, out, _ = run_cli("extract", str(corpus / "feed.jsonl"))
    assert out.startswith("==> j1 <==\nFrom JSONL\n") and "\n==> j3 <==\nPlain\n" in out
    code, out, _ = run_cli("extract", "-f", "json", bridge, str(corpus / "feed.jsonl"))
    assert [item["status"] for item in json.loads(out)] == ["ok", "ok", "failed", "ok"]
    output = corpus / "out.md"
    code, out, _ = run_cli("extract", "-f", "markdown", "-o", str(output), bridge)
    markdown = output.read_text()
    assert code == 0 and out == ""
    assert markdown.startswith("# Bridge to close\n\n*Ann Lee*")
    assert "[The vote](<https://council.example/vote>)" in markdown and "*The old bridge.*" in markdown


def test_markdown_names_the_authors_once(run_cli, corpus: Path) -> None:
    code, out, _ = run_cli("extract", "-f", "markdown", str(corpus / "site" / "bridge.html"))
    assert code == 0 and out.count("Ann Lee") == 1


def test_a_byline_that_says_more_than_the_names_stays_in_markdown() -> None:
    from variorum.article import Article
    from variorum.extract.output import markdown

    plain = Article.from_parts([("byline", "By Ann Lee and Bo Chen"), ("paragraph", "It rained.")],
                               authors=("Ann Lee", "Bo Chen"))
    titled = Article.from_parts([("byline", "By Ann Lee, Science Correspondent"), ("paragraph", "It rained.")],
                                authors=("Ann Lee",))
    assert "By Ann Lee" not in markdown(plain) and "*Ann Lee, Bo Chen*" in markdown(plain)
    assert "By Ann Lee, Science Correspondent" in markdown(titled)


def test_file_url_input(run_cli, corpus: Path) -> None:
    code, out, _ = run_cli("extract", "-f", "jsonl", (corpus / "site" / "bridge.html").as_uri())
    assert code == 0 and json.loads(out)["title"] == "Bridge to close"


def test_diff_loads_html_pages_and_file_urls(tmp_path: Path) -> None:
    saved = tmp_path / "saved"
    saved.write_text(page("Bridge to close"))
    article = load_article(saved.as_uri())
    assert article.title == "Bridge to close" and article.texts_of("caption") == ["The old bridge."]
    assert article.paragraphs[0].startswith("The council voted")
    boilerplate = tmp_path / "nav.html"
    boilerplate.write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    with pytest.raises(InputError, match="no article text found"):
        load_article(str(boilerplate))
    text = tmp_path / "v1.txt"
    text.write_text("Bridge Vote\n\n" + PARAGRAPH)
    assert load_article(str(text)).texts_of("headline") == ["Bridge Vote"]


def test_standard_input_page(run_cli, monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(page("From stdin").encode())))
    code, out, err = run_cli("extract", "-f", "jsonl", "-")
    row = json.loads(out)
    assert code == 0 and (row["id"], row["title"], row["status"]) == ("-", "From stdin", "ok")
    code, out, err = run_cli("extract", "-", "-")
    assert code == 2 and "standard input can be named only once" in err


def test_workers_keep_the_input_order_and_the_output(run_cli, tmp_path: Path) -> None:
    lines = []
    for n in range(60):
        if n % 17 == 5:
            lines.append("not json either")
        else:
            lines.append(json.dumps({"id": f"p{n}", "html": page(f"Story {n}", f"{PARAGRAPH} Number {n}.")}))
    (tmp_path / "many.jsonl").write_text("\n".join(lines) + "\n")
    outputs = {}
    for workers in ("1", "2", "3"):
        code, out, err = run_cli("extract", "-f", "jsonl", "--workers", workers, str(tmp_path / "many.jsonl"))
        assert code == 0 and err.strip().endswith("read 60 records: 56 extracted, 0 empty (no article text found), "
                                                  "4 failed")
        outputs[workers] = out
    assert outputs["1"] == outputs["2"] == outputs["3"]
    rows = [json.loads(line) for line in outputs["2"].splitlines()]
    assert [row["title"] for row in rows if row["status"] == "ok"] == [
        f"Story {n}" for n in range(60) if n % 17 != 5]
