"""Near-duplicate stories among real web pages: copies across sites found, stories of one site never merged.

A stand-in for the held-out acceptance test of issue #14 (cross-site wire copies and hard negatives among
real news pages), built from the 181 real pages of ../shared/corpora/article-extraction-benchmark:

- **sites**: each of 30 real pages serves as a site's template — its navigation, boxes and footer kept,
  the article's paragraphs replaced by another story's — plus furniture that a site repeats on every
  article page: a newsletter sign-up, a share line, a standard author bio, a "most read" list of the
  site's own headlines, all inside the article element, in elements whose class names their role on half
  the sites and bare on the others (where only the site-template rule can tell them);
- **stories**: the benchmark's own article texts (its ground truth);
- **hard negatives**: every site runs four different stories and one two-sentence brief, whose extracted
  text is mostly that site's furniture;
- **copies**: 45 stories appear on two or three other sites as exact copies, trimmed copies (the first 60%
  of the paragraphs), extended copies (two paragraphs of local reporting added) and block copies (three
  paragraphs of local reporting around half of the wire story);
- the original pages as they are, but for those whose paragraphs serve as the local reporting above and
  the templates (what a template keeps of its own article — headings, lists, pull quotes — is that
  site's furniture here, as a live blog's stream or a gallery's captions are on real sites).

Every page is written as an ``.html`` file with its site's canonical URL and read by ``variorum dedup``
with its defaults, as a user would run it. Printed: copies found (a copy is found when it ends in its
story's cluster), false merges (pairs of different stories in one cluster, and how many of them share a
site), pair precision and recall, and the pages reported as furniture only.

Run: ``PYTHONPATH=src .venv/bin/python bench/dedup_pages.py [--corpus DIR] [--keep DIR] [DEDUP OPTIONS]``
(options it does not know, such as ``--level copy``, are passed to ``variorum dedup``).
"""

from __future__ import annotations

import argparse
import copy
import gzip
import itertools
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import lxml.html

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from capturegen import article_container  # noqa: E402  (tests/ holds the page generators)

CORPUS = next((p / "shared" / "corpora" / "article-extraction-benchmark" for p in Path(__file__).resolve().parents[2:4]
               if (p / "shared" / "corpora").is_dir()), Path("../shared/corpora/article-extraction-benchmark"))
SITES = 30
STORIES_PER_SITE = 4
COPIED_STORIES = 45
VARIANTS = ("exact", "trimmed", "extended", "block")
_FIRST_NAMES = ("Ana", "Ben", "Chloe", "David", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas")
_LAST_NAMES = ("Lopez", "Okafor", "Nguyen", "Schmidt", "Rossi", "Haddad", "Kowalski", "Silva", "Park", "Adeyemi")
_TOWNS = ("Springfield", "Riverton", "Lakeside", "Fairview", "Georgetown", "Milford", "Ashland", "Clinton")


@dataclass
class Page:
    """One generated page: its file name, its site, its story (None for the original benchmark pages,
    which are their own story) and whether it is a brief."""

    name: str
    site: str
    story: str
    brief: bool = False
    variant: str = ""


def _paragraphs(body: str) -> list[str]:
    return [p.strip() for p in body.split("\n") if len(p.split()) >= 12]


def _headline(paragraphs: list[str]) -> str:
    words = paragraphs[0].split()[:9]
    return " ".join(words).rstrip(",.;:") if words else "News"


def _site_furniture(site: str, rng: random.Random, headlines: list[str], marked: bool) -> list[str]:
    """What one site repeats inside every article: the same each time, so it is the site's, not the story's.
    ``marked``: in elements whose class names their role (which the extractor prunes), else bare."""
    writer = f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}"
    most_read = "".join(f"<li><a href='https://{site}/news/{i}/'>{h}</a></li>" for i, h in enumerate(headlines))
    furniture = [
        f"<p class='newsletter'>Get the {site} morning briefing: the day's top stories from {rng.choice(_TOWNS)} "
        "and beyond, delivered to your inbox every weekday before 7 a.m. Sign up now, it is free.</p>",
        "<p class='share'>Share this story on Facebook, Twitter and by email. Comment below and follow us for "
        "more coverage of the stories that matter to our community.</p>",
        f"<p class='bio'>{writer} covers local government and public safety for {site}. Reach {writer.split()[0]} "
        f"at newsroom@{site} or on social media, and send tips about stories we should look into.</p>",
        f"<div class='most-read'><h3>Most read</h3><ul>{most_read}</ul></div>",
    ]
    return furniture if marked else [re.sub(r" class='[^']*'", "", markup) for markup in furniture]


class LocalReporting:
    """Paragraphs of an outlet's own reporting: real paragraphs of benchmark stories that no page carries
    otherwise, each handed out once."""

    def __init__(self, paragraphs: list[str]) -> None:
        self._left = iter(paragraphs)

    def take(self, count: int) -> list[str]:
        return [next(self._left) for _ in range(count)]

    def brief(self) -> list[str]:
        """A two-sentence brief: the first two sentences of an unused paragraph."""
        sentences = re.split(r"(?<=[.!?])\s+", next(self._left))
        return [" ".join(sentences[:2])]


def _render_page(template: lxml.html.HtmlElement, own_text: str, site: str, slug: str, headline: str,
                 paragraphs: list[str], furniture: list[str]) -> str:
    """``template`` with its article's paragraphs (those whose text is in ``own_text``, the template's
    labelled article) replaced by ``paragraphs`` and the site's furniture, its headline and titles set to
    ``headline``, and a canonical URL on ``site``."""
    root = copy.deepcopy(template)
    for element in root.xpath("//script | //style | //noscript"):
        element.drop_tree()
    container = article_container(root)
    squashed = " ".join(own_text.split())
    own = [p for p in container.iter("p") if not p.findall(".//p")
           and len(p.text_content().split()) >= 5 and " ".join(p.text_content().split()) in squashed]
    pieces = []
    for text in paragraphs:
        element = lxml.html.Element("p")
        element.text = text
        pieces.append(element)
    pieces += [lxml.html.fragment_fromstring(markup) for markup in furniture]
    for piece in pieces:  # where the template's first paragraph stood, as its siblings
        piece.tail = "\n"
        if own:
            own[0].addprevious(piece)
        else:
            container.append(piece)
    for paragraph in own:
        paragraph.drop_tree()
    for heading in root.xpath("//h1"):
        heading.text, heading[:] = headline, []
    for title in root.xpath("//title"):
        title.text = f"{headline} | {site}"
    for meta in root.xpath("//meta[@property='og:title' or @name='twitter:title']"):
        meta.set("content", headline)
    for element in root.xpath("//link[@rel='canonical'] | //meta[@property='og:url']"):
        element.drop_tree()
    head = root.find("head")
    if head is None:
        head = lxml.html.Element("head")
        root.insert(0, head)
    head.append(lxml.html.fragment_fromstring(f"<link rel='canonical' href='https://{site}/news/{slug}/'>"))
    return lxml.html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")


def build(corpus: Path, folder: Path, seed: int = 14) -> list[Page]:
    """Write the pages into ``folder``; what each one is."""
    rng = random.Random(seed)
    truth = json.loads((corpus / "ground-truth.json").read_text(encoding="utf-8"))
    files = sorted((corpus / "html").glob("*.html.gz"))
    raw = {f.name.split(".")[0]: gzip.decompress(f.read_bytes()).decode("utf-8", errors="replace") for f in files}
    stories = {key: _paragraphs(truth[key].get("articleBody") or "") for key in raw}
    stories = {key: ps for key, ps in stories.items() if len(ps) >= 5}
    templates = []
    for key in sorted(raw):
        try:
            root = lxml.html.document_fromstring(raw[key])
        except (ValueError, lxml.etree.ParserError):
            continue
        body = " ".join((truth[key].get("articleBody") or "").split())
        if len([p for p in article_container(root).iter("p") if len(p.text_content().split()) >= 15
                and " ".join(p.text_content().split()) in body]) >= 3:
            templates.append((key, root))
    rng.shuffle(templates)
    sites = [(f"site{n:02d}.example", root) for n, (_, root) in enumerate(templates[:SITES])]
    own_text = {f"site{n:02d}.example": truth[key].get("articleBody") or "" for n, (key, _) in enumerate(templates[:SITES])}
    # A template keeps what of its own article is not in paragraphs (headings, lists, quotes), so its
    # story is neither a story here nor an original page: it is part of that site's template.
    template_keys = {key for key, _ in templates[:SITES]}
    story_keys = sorted(set(stories) - template_keys)
    rng.shuffle(story_keys)
    pages: list[Page] = []

    def write(site: str, template: lxml.html.HtmlElement, story: str, paragraphs: list[str], furniture: list[str],
              brief: bool = False, variant: str = "") -> None:
        name = f"{site}-{len(pages):04d}.html"
        slug = re.sub(r"[^a-z0-9]+", "-", _headline(paragraphs).lower()).strip("-")[:60] + f"-{len(pages)}"
        (folder / name).write_text(_render_page(template, own_text[site], site, slug, _headline(paragraphs), paragraphs,
                                                furniture),
                                   encoding="utf-8")
        pages.append(Page(name, site, story, brief, variant))

    used = SITES * STORIES_PER_SITE
    local = LocalReporting([p for key in story_keys[used:] for p in stories[key]])
    unused = set(story_keys[used:])
    own_stories = iter(story_keys)
    site_stories: dict[str, list[str]] = {}
    furniture_of: dict[str, list[str]] = {}
    for site, template in sites:
        chosen = [next(own_stories) for _ in range(STORIES_PER_SITE)]
        site_stories[site] = chosen
        furniture_of[site] = _site_furniture(site, rng, [_headline(stories[k]) for k in chosen],
                                              marked=len(furniture_of) % 2 == 0)
        for key in chosen:
            write(site, template, key, stories[key], furniture_of[site])
        brief = f"brief-{site}"
        write(site, template, brief, local.brief(), furniture_of[site], brief=True)
    copied = rng.sample(sorted(k for ks in site_stories.values() for k in ks), COPIED_STORIES)
    home = {key: site for site, keys in site_stories.items() for key in keys}
    templates_by_site = dict(sites)
    for number, key in enumerate(copied):
        others = [site for site, _ in sites if site != home[key]]
        for site in rng.sample(others, rng.choice((1, 2))):
            variant = VARIANTS[(number + len(pages)) % len(VARIANTS)]
            paragraphs = stories[key]
            if variant == "trimmed":
                paragraphs = paragraphs[:max(3, round(len(paragraphs) * 0.6))]
            elif variant == "extended":
                paragraphs = paragraphs + local.take(2)
            elif variant == "block":
                half = paragraphs[:max(3, len(paragraphs) // 2)]
                paragraphs = local.take(2) + half + local.take(1)
            write(site, templates_by_site[site], key, paragraphs, furniture_of[site], variant=variant)
    for key, html in raw.items():  # the originals (each its own story, on its own site), but for those
        if key in unused or key in template_keys:  # whose paragraphs are the local reporting above,
            continue                                  # and the templates' own
        name = f"original-{key[:12]}.html"
        (folder / name).write_text(html, encoding="utf-8")
        pages.append(Page(name, f"original-{key}", f"original-{key}"))
    return pages


def score(pages: list[Page], clusters: dict[str, int], furniture_only: set[str]) -> dict[str, object]:
    """Copies found, false merges and pair precision/recall of a clustering (page name → cluster id).

    A generated page of a story shares that story with the original benchmark page it came from (a copy
    of the page's text): the pair counts as a copy too."""
    story_of = {page.name: page.story.removeprefix("original-") for page in pages}
    by_story: dict[str, list[str]] = defaultdict(list)
    for page in pages:
        by_story[story_of[page.name]].append(page.name)
    site_of = {page.name: page.site for page in pages}
    label = {name: clusters.get(name, -1 - n) for n, name in enumerate(story_of)}
    true_pairs = {(a, b) for names in by_story.values() for a, b in itertools.combinations(sorted(names), 2)}
    members: dict[int, list[str]] = defaultdict(list)
    for name, cluster in label.items():
        members[cluster].append(name)
    found_pairs = {(a, b) for names in members.values() for a, b in itertools.combinations(sorted(names), 2)}
    copies = [page for page in pages if not page.brief and not page.name.startswith("original-")
              and sum(not n.startswith("original-") for n in by_story[page.story]) > 1]
    first_of = {story: next(n for n in names if not n.startswith("original-")) for story, names in by_story.items()
                if any(not n.startswith("original-") for n in names)}
    copies = [page for page in copies if page.name != first_of[page.story]]
    missed = [page for page in copies if label[page.name] != label[first_of[page.story]]]
    found = len(copies) - len(missed)
    false = found_pairs - true_pairs
    same_site = sum(site_of[a] == site_of[b] for a, b in false)
    return {
        "copies": len(copies), "copies_found": found,
        "missed": Counter(page.variant for page in missed),
        "false_merges": len(false), "false_merges_same_site": same_site,
        "false_merged_stories": sorted({tuple(sorted((story_of[a], story_of[b]))) for a, b in false})[:10],
        "pair_precision": len(found_pairs & true_pairs) / len(found_pairs) if found_pairs else 1.0,
        "pair_recall": len(found_pairs & true_pairs) / len(true_pairs) if true_pairs else 1.0,
        "same_site_negative_pairs": sum(site_of[a] == site_of[b] and story_of[a] != story_of[b]
                                        for a, b in itertools.combinations(sorted(story_of), 2)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--keep", type=Path, help="write the pages into this folder and keep them")
    arguments, options = parser.parse_known_args()  # the rest goes to variorum dedup (--level, --threshold, …)
    if not (arguments.corpus / "ground-truth.json").is_file():
        sys.exit(f"bench/dedup_pages.py: {arguments.corpus}: no ground-truth.json (the shared corpus is missing)")
    with tempfile.TemporaryDirectory() as scratch:
        folder = arguments.keep or Path(scratch) / "pages"
        folder.mkdir(parents=True, exist_ok=True)
        pages = build(arguments.corpus, folder)
        report = Path(scratch) / "report.json"
        command = [sys.executable, "-c", "from variorum.cli.app import main; main()", "dedup", str(folder),
                   "--format", "json", "--output", str(report)]
        command += options
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        elapsed = time.perf_counter() - started
        data = json.loads(report.read_text(encoding="utf-8"))
    # ids are paths under the folder's name: the file name is the page's
    clusters = {Path(member["id"]).name: cluster["cluster"] for cluster in data["clusters"]
                for member in cluster["members"]}
    result = score(pages, clusters, {Path(name).name for name in data.get("furniture_only", [])})
    kinds = Counter("brief" if p.brief else "original" if p.name.startswith("original-") else "story" for p in pages)
    print(f"{len(pages)} pages ({dict(kinds)}) on {SITES} site templates; variorum dedup "
          f"{' '.join(options) or '(defaults)'}: {elapsed:.1f} s")
    print(f"  copies found: {result['copies_found']} / {result['copies']}; missed by kind: {dict(result['missed'])}")  # type: ignore[call-overload]
    print(f"  false merges (pairs of different stories in one cluster): {result['false_merges']}, of them on one "
          f"site: {result['false_merges_same_site']} (of {result['same_site_negative_pairs']} same-site pairs)")
    print(f"  pair precision {result['pair_precision']:.3f}, recall {result['pair_recall']:.3f}")
    for pair in result["false_merged_stories"]:  # type: ignore[attr-defined]
        print(f"    ✗ {pair[0]} + {pair[1]}")


if __name__ == "__main__":
    main()
