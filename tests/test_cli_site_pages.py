"""``variorum diff A B --site-page P …``: a site's template, learned from other pages of the site, is
left out of the comparison."""

from __future__ import annotations

import json

PROMO = "Ann Lee has covered city hall and the county courts for the paper since 2009 and lives by the river."


def _page(headline: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<html><head><title>{headline}</title></head><body><article><h1>{headline}</h1>{body}"
            "</article></body></html>")


STORY = [
    "The council voted on Tuesday to approve the budget for next year after weeks of debate over roads.",
    "The plan adds twelve police officers and restores Sunday hours at the main library, officials said.",
    "Opponents said the plan relies on an optimistic forecast of sales tax revenue for the coming year.",
]
OTHERS = [
    ["Forecasters expect a dry and sunny weekend across most of the region, with warm afternoons.",
     "Farmers welcomed the break after weeks of rain that had delayed the harvest in the valleys."],
    ["The team won its third match in a row on Sunday, moving to the top of the league table.",
     "The coach said the players had worked hard in training and deserved the points they earned."],
]


def test_a_promo_the_site_repeats_is_left_out_with_site_pages(tmp_path, run_cli) -> None:
    old, new = tmp_path / "a.html", tmp_path / "b.html"
    old.write_text(_page("Council approves budget", STORY), encoding="utf-8")
    new.write_text(_page("Council approves budget", [*STORY[:2], PROMO, STORY[2]]), encoding="utf-8")
    pages = []
    for number, paragraphs in enumerate(OTHERS):
        page = tmp_path / f"other{number}.html"
        page.write_text(_page(f"Other story {number}", [paragraphs[0], PROMO, paragraphs[1]]), encoding="utf-8")
        pages += ["--site-page", str(page)]
    code, out, _ = run_cli("diff", str(old), str(new), "--format", "json")
    assert code == 1 and [c["kind"] for c in json.loads(out)["changes"]] == ["paragraph_added"]
    code, out, _ = run_cli("diff", str(old), str(new), "--format", "json", *pages)
    assert code == 0 and json.loads(out)["summary"]["substantive"] == 0
    code, out, _ = run_cli("diff", str(old), str(new), "--format", "json", *pages[:2])
    assert code == 1  # one other page and this article: seen in two documents, under the threshold of three
