"""End-to-end tests of the web interface in headless Chromium (Debian's package at /usr/bin/chromium,
driven by Playwright; no browser is ever downloaded): history, comparison, the cosmetic toggle, deep
links, the compare page with the two seed files, and a hostile article that must show as text and run
nothing. With VARIORUM_SCREENSHOTS=docs/screenshots (`make screenshots`) the tests write the screenshots the
README shows."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, expect, sync_playwright

from helpers import HOSTILE_TEXT, SEED_A, SEED_B, fill, serving
from variorum import Article
from variorum.store import Store, open_store
from variorum.track.record import record_fetch
from variorum.web import create_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
# `make screenshots` sets VARIORUM_SCREENSHOTS=docs/screenshots to refresh the README's pictures; an ordinary
# test run takes the same screenshots into a temporary folder, so it never dirties the working tree
SCREENSHOTS = Path(os.environ.get("VARIORUM_SCREENSHOTS") or tempfile.mkdtemp(prefix="variorum-screenshots-"))
LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


_STORES: list[Store] = []


def site_store() -> Store:
    """The store the module's site serves (for fixtures that add articles to it)."""
    return _STORES[-1]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, int]]]:
    store = open_store(tmp_path_factory.mktemp("browser") / "web.db")
    _STORES.append(store)
    ids = fill(store)
    with serving(create_app(store)) as base_url:
        yield base_url, ids
    store.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Watched:
    """A page with the console errors and dialogs it produced."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("dialog", self._dialog)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


@pytest.fixture
def watched(browser: Browser) -> Iterator[Watched]:
    context = browser.new_context(viewport=LAPTOP)
    page = Watched(context.new_page())
    yield page
    context.close()
    assert page.errors == [] and page.dialogs == []


def screenshot(page: Page, name: str, *, full_page: bool = False) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    assert path.stat().st_size > 10_000
    return path


MOVED = "https://news.example.org/world/moved-paragraphs"
PARAGRAPHS = [f"Paragraph {n} tells part {n} of the story, with its own facts and figures about the day." for n in range(1, 13)]


@pytest.fixture(scope="module")
def moved_id(site) -> int:
    """An article whose second version moved its last paragraph to the top and changed one number."""
    base_url, _ids = site
    store = site_store()
    second = [PARAGRAPHS[-1], *PARAGRAPHS[:-1]]
    second[5] = second[5].replace("part 5", "part 55")
    record_fetch(store, MOVED, Article.from_text("Moves\n\n" + "\n\n".join(PARAGRAPHS)), b"")
    record_fetch(store, MOVED, Article.from_text("Moves\n\n" + "\n\n".join(second)), b"")
    found = store.article(MOVED)
    assert found is not None
    return found.id


def relative_luminance(rgb: tuple[float, ...]) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(v) for v in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: tuple[float, ...], second: tuple[float, ...]) -> float:
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def colour(page: Page, selector: str, prop: str) -> tuple[float, ...]:
    """A computed colour of the first element matching ``selector``, as (r, g, b); a transparent background
    is the background of the nearest ancestor that has one (white at the top)."""
    value = page.evaluate(
        """([selector, prop]) => {
            let element = document.querySelector(selector);
            let found = getComputedStyle(element)[prop];
            while (prop === "backgroundColor" && found === "rgba(0, 0, 0, 0)" && element.parentElement) {
                element = element.parentElement;
                found = getComputedStyle(element)[prop];
            }
            return found === "rgba(0, 0, 0, 0)" ? "rgb(255, 255, 255)" : found;
        }""", [selector, prop])
    return tuple(float(v) for v in value[value.index("(") + 1:value.index(")")].split(","))


def test_history_comparison_cosmetic_toggle_and_deep_link(site, watched):
    base_url, ids = site
    page = watched.page
    page.goto(base_url + "/")
    expect(page.locator("table.articles tbody tr")).to_have_count(4)
    screenshot(page, "articles")
    page.get_by_role("link", name="https://news.example.org/world/syria-talks").click()

    expect(page).to_have_url(f"{base_url}/articles/{ids['syria']}")
    expect(page.locator("svg.timeline rect.bar")).to_have_count(3)
    expect(page.locator("svg.timeline rect.bar.major")).to_have_count(2)
    expect(page.locator("table.versions tbody tr")).to_have_count(3)
    expect(page.locator("#version-2 .highlights")).to_contain_text("Putin's Syria Peace Conference Boycotted by Assad Opponents")
    expect(page.locator("#version-3 .highlights")).to_contain_text("1,600")
    expect(page.locator("#version-3 .highlights")).to_contain_text("1,500")
    screenshot(page, "history")
    page.get_by_role("link", name="4 substantive changes (1 major, 3 minor), 1 cosmetic; similarity 96.4%", exact=True).click()

    expect(page).to_have_url(f"{base_url}/articles/{ids['syria']}/compare?from=1&to=2")
    rows = page.locator("table.changes tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.locator("td.kind")).to_have_text(["headline", "caption", "link", "punctuation"])
    expect(page.locator("#change-1")).to_contain_text("Putin's Syria Peace Conference Boycotted by Assad Opponents")
    expect(page.locator("#change-3")).to_contain_text("date 2026/04/11 → 2024/04/27")
    expect(page.locator("#side .cell.a del.kind-headline")).to_contain_text("Putin's Syria Peace Conference Boycotted by Assad Opponents")
    expect(page.locator("#side .row.head .cell.a")).to_contain_text("Version 1, fetched 2026-01-30 09:00 UTC")
    expect(page.locator("#side .row.head .cell.b")).to_contain_text("Version 2, fetched 2026-01-30 11:00 UTC")
    expect(page.locator("#inline")).to_be_hidden()
    expect(page.locator("nav.around a[rel=next]")).to_have_attribute("href", f"/articles/{ids['syria']}/compare?from=2&to=3")
    expect(page.locator("nav.around a[rel=prev]")).to_have_count(0)
    screenshot(page, "comparison")

    toggle = page.locator("#toggle-cosmetic")
    expect(toggle).to_have_text("Show cosmetic changes (1)")
    toggle.click()
    expect(rows).to_have_count(5)
    expect(page.locator("#change-5 td.kind")).to_have_text("layout")
    expect(page.locator("#toggle-cosmetic")).to_have_attribute("aria-checked", "true")
    page.locator("#toggle-cosmetic").click()
    expect(rows).to_have_count(4)

    page.get_by_role("link", name="Inline", exact=True).click()
    expect(page).to_have_url(f"{base_url}/articles/{ids['syria']}/compare?from=1&to=2&view=inline")
    expect(page.locator("#inline")).to_be_visible()
    expect(page.locator("#side")).to_have_count(0)
    expect(page.locator("#inline ins.kind-link")).to_contain_text("2024/04/27")
    page.locator("#toggle-cosmetic").click()  # the view is kept in the URL
    expect(page).to_have_url(f"{base_url}/articles/{ids['syria']}/compare?from=1&to=2&view=inline&cosmetic=1")
    page.reload()
    expect(page.locator("#inline")).to_be_visible()
    expect(page.locator("#toggle-cosmetic")).to_have_attribute("aria-checked", "true")

    deep = f"{base_url}/articles/{ids['syria']}/compare?from=1&to=2#change-3"
    page.goto(deep)
    assert page.evaluate("document.querySelector(':target').id") == "change-3"
    expect(page.locator("#change-3")).to_be_in_viewport()
    page.locator("#change-3 .jump a", has_text="in B").click()
    assert page.evaluate("location.hash") == "#c3"
    expect(page.locator("#c3")).to_be_in_viewport()
    expect(page.locator("#c3")).to_contain_text("https://www.themoscowtimes.com/2024/04/27/putins-goals-in-syria-went-beyond-saving-assad")

    page.set_viewport_size(PHONE)
    page.goto(f"{base_url}/articles/{ids['syria']}/compare?from=1&to=2")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    expect(page.locator("#side")).to_be_hidden()  # a phone reads the inline view by default
    expect(page.locator("#inline")).to_be_visible()
    screenshot(page, "comparison-phone")


def test_rows_line_up_across_the_columns_and_unchanged_runs_fold(site, moved_id, watched):
    base_url, _ids = site
    page = watched.page
    page.goto(f"{base_url}/articles/{moved_id}/compare?view=side")
    rows = page.locator("#side > .row:not(.head)")
    assert rows.count() >= 4
    for index in range(rows.count()):
        cells = rows.nth(index).locator(".cell")
        a_box, b_box = cells.nth(0).bounding_box(), cells.nth(1).bounding_box()
        assert a_box is not None and b_box is not None
        assert abs(a_box["y"] - b_box["y"]) < 1 and abs(a_box["height"] - b_box["height"]) < 1
        assert a_box["x"] + a_box["width"] <= b_box["x"] + 1  # A on the left, B on the right
    fold = page.locator("#side details.fold").first
    expect(fold.locator("summary")).to_have_text(re.compile(r"Show \d+ unchanged paragraphs"))
    expect(fold.locator(".row").first).to_be_hidden()
    fold.locator("summary").click()
    expect(fold.locator(".row").first).to_be_visible()
    changed = page.locator("#side .row.changed")
    expect(changed.locator(".cell.a del")).to_contain_text("5")
    expect(changed.locator(".cell.b ins")).to_contain_text("55")
    screenshot(page, "comparison-rows")


def test_a_moved_paragraph_is_drawn_once_and_linked_both_ways_in_both_views(site, moved_id, watched):
    base_url, _ids = site
    page = watched.page
    for view, prefix in (("side", "#side"), ("inline", "#inline")):
        page.goto(f"{base_url}/articles/{moved_id}/compare?view={view}")
        expect(page.locator(f"{prefix} :text('Paragraph 12 tells part 12')")).to_have_count(1)
        arrived = page.locator(f"{prefix} .moved_to")
        left = page.locator(f"{prefix} .moved_from")
        expect(arrived).to_have_count(1)
        expect(left).to_have_count(1)
        expect(left).not_to_contain_text("Paragraph 12 tells")
        left.locator("a.move-link").click()
        target = page.evaluate("document.querySelector(':target') && document.querySelector(':target').closest('.row, .irow').className")
        assert "moved_to" in target, view
        expect(arrived).to_be_in_viewport()
        arrived.locator("a.move-link").click()
        target = page.evaluate("document.querySelector(':target').closest('.row, .irow').className")
        assert "moved_from" in target, view
        expect(left).to_be_in_viewport()
        number = page.locator("table.changes tr[data-kind=paragraph_moved] .deep-link").inner_text()
        page.locator(f"#change-{number} .jump a", has_text="inline" if view == "inline" else "in B").click()
        expect(arrived).to_be_in_viewport()


def test_marks_do_not_rely_on_colour_and_meet_wcag_aa_contrast(site, moved_id, watched):
    base_url, ids = site
    page = watched.page
    page.goto(f"{base_url}/articles/{ids['syria']}/compare?from=1&to=2&view=side")
    for selector in ("#side ins", "#side del", ".sig.major", ".sig.minor", ".sig.cosmetic", "nav.views a", ".meta"):
        if page.locator(selector).count() == 0:
            continue
        ratio = contrast(colour(page, selector, "color"), colour(page, selector, "backgroundColor"))
        assert ratio >= 4.5, (selector, round(ratio, 2))
    styles = page.evaluate("""() => {
        const ins = getComputedStyle(document.querySelector('#side ins'));
        const del = getComputedStyle(document.querySelector('#side del'));
        return [ins.textDecorationLine, ins.fontWeight, del.textDecorationLine];
    }""")
    assert "underline" in styles[0] and int(styles[1]) >= 600 and "line-through" in styles[2]
    spoken = page.locator("#side del .sr-only").first.inner_text()
    assert spoken.strip() == "deleted:"
    page.goto(f"{base_url}/articles/{moved_id}/compare?view=side")
    assert page.locator("#side .row.moved_to .gutter").inner_text() == "↷"


def test_pages_fit_a_phone_with_targets_large_enough(site, moved_id, watched):
    base_url, ids = site
    page = watched.page
    page.set_viewport_size(PHONE)
    for path in ("/", f"/articles/{ids['syria']}", f"/articles/{moved_id}/compare", f"/articles/{moved_id}/compare?view=side",
                 "/changes", "/compare", "/clusters", "/sources", f"/articles/{ids['syria']}/versions/2"):
        page.goto(base_url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (path, width)
    page.goto(f"{base_url}/articles/{moved_id}/compare")
    for selector in ("nav.views a", "#inline a.move-link", "#inline details.fold > summary", "table.changes .jump a"):
        box = page.locator(selector).first.bounding_box()
        assert box is not None and box["height"] >= 24, (selector, box)
    screenshot(page, "comparison-phone-inline")


def test_the_skip_link_is_the_first_stop_of_the_keyboard(site, watched):
    base_url, ids = site
    page = watched.page
    page.goto(f"{base_url}/articles/{ids['syria']}/compare?from=1&to=2")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#content"


def test_search_finds_a_past_headline_and_a_body_word(site, watched):
    base_url, ids = site
    page = watched.page
    page.goto(base_url + "/")
    page.locator("input[name=q]").fill("\"Boycotted by Assad\"")  # the first version's headline only
    page.locator("form.filters button").click()
    rows = page.locator("table.articles tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator(".snippet mark").first).to_have_text("Boycotted by Assad")
    expect(rows.first.locator(".snippet a")).to_have_text("version 1")
    page.locator("input[name=q]").fill("Peskov")  # a word of the body
    page.locator("form.filters button").click()
    expect(rows).to_have_count(2)
    expect(page.locator(".snippet mark").first).to_have_text("Peskov")
    screenshot(page, "search")


def test_compare_page_with_the_two_seed_files(site, watched):
    base_url, _ids = site
    page = watched.page
    page.goto(base_url + "/compare")
    page.locator("input[name=file_a]").set_input_files(str(SEED_A))
    page.locator("input[name=file_b]").set_input_files(str(SEED_B))
    page.get_by_role("button", name="Compare").click()
    expect(page.locator(".result .verdict")).to_have_text("4 substantive changes (1 major, 3 minor), 1 cosmetic; similarity 96.4%")
    expect(page.locator("table.changes td.kind")).to_have_text(["headline", "caption", "link", "punctuation"])
    expect(page.locator("#change-1")).to_contain_text("removed “Putin's Syria Peace Conference Boycotted by Assad Opponents”")
    expect(page.locator("#change-3")).to_contain_text("2026/04/11 → 2024/04/27")
    expect(page.locator("#change-4")).to_contain_text("removed “'”")
    expect(page.locator("#change-4 .note")).to_contain_text("speaker: Dmitry Peskov")
    expect(page.locator("#side .cell.b").first).to_be_visible()
    expect(page.locator("#side")).to_contain_text("Russia is hosting a Syria peace summit")
    screenshot(page, "compare", full_page=False)


def test_the_compare_form_keeps_pasted_text_over_the_size_limit(browser, tmp_path):
    store = open_store(tmp_path / "small.db")
    with serving(create_app(store, max_upload_bytes=2_000)) as base_url:
        context = browser.new_context(viewport=LAPTOP)
        page = context.new_page()
        page.goto(base_url + "/compare")
        long_text = "A long pasted paragraph of text. " * 100
        page.locator("textarea[name=text_a]").fill(long_text)
        page.locator("textarea[name=text_b]").fill("short")
        page.get_by_role("button", name="Compare").click()
        expect(page.locator("#too-large")).to_be_visible()
        expect(page.locator("#too-large")).to_contain_text("over this server's limit of 2,000 bytes")
        expect(page).to_have_url(base_url + "/compare")
        assert page.locator("textarea[name=text_a]").input_value() == long_text
        context.close()
    store.close()


def test_clusters_changes_and_docs_pages(site, watched):
    base_url, ids = site
    page = watched.page
    page.goto(base_url + "/clusters")
    members = page.locator("section.cluster table.members tbody tr")
    expect(members).to_have_count(2)
    expect(members.nth(1)).to_contain_text("wire.example.com")
    screenshot(page, "clusters")
    members.nth(1).get_by_role("link", name="compare").click()
    expect(page.locator(".verdict")).to_contain_text("substantive change")
    expect(page.locator("table.changes")).to_contain_text("Distributed by Wire Example")
    page.goto(base_url + "/changes?site=wire.example.com")
    expect(page.locator("ol.change-stream > li")).to_have_count(0)
    page.goto(base_url + "/changes?site=news.example.org&kind=number")
    entry = page.locator("ol.change-stream > li", has_text="1,600")
    expect(entry.locator(".highlights del")).to_contain_text("1,600")
    expect(entry.locator(".highlights ins")).to_contain_text("1,500")
    expect(page.locator("ol.change-stream")).not_to_contain_text("Hostile")
    screenshot(page, "changes")
    page.goto(base_url + "/changes?limit=1")
    expect(page.locator(".pager")).to_contain_text(re.compile(r"1–1 of [4-9]"))
    page.locator(".pager a[rel=next]").click()
    expect(page).to_have_url(base_url + "/changes?limit=1&offset=1")
    page.locator("ol.change-stream a.compare-link").first.click()
    expect(page.locator(".verdict")).to_contain_text("substantive change")
    page.goto(base_url + "/docs")
    expect(page.locator("section.operation")).to_have_count(12)


def test_a_hostile_article_shows_as_text_and_runs_nothing(site, watched):
    base_url, ids = site
    page = watched.page
    page.add_init_script("window.__pwned = undefined;")
    for path in (f"/articles/{ids['hostile']}", f"/articles/{ids['hostile']}/versions/1",
                 f"/articles/{ids['hostile']}/compare?cosmetic=1", "/?q=hostile"):
        page.goto(base_url + path)
        page.wait_for_load_state("load")
        page.mouse.move(400, 400)
        assert page.evaluate("window.__pwned") is None, path
        assert page.locator("main img, main script, main [onerror], main [onmouseover]").count() == 0, path
        assert page.locator('a[href^="javascript:" i]').count() == 0, path

    page.goto(f"{base_url}/articles/{ids['hostile']}/versions/1")
    expect(page.locator("h1")).to_have_text('<img src=x onerror="window.__pwned=1">Hostile')
    expect(page.locator(".article-text")).to_contain_text("Breaking <script>window.__pwned = 1</script> news")
    expect(page.locator(".article-text")).to_contain_text('<a href="javascript:window.__pwned=1">link</a>')
    unsafe = page.locator("ul.links .unsafe-link")
    expect(unsafe).to_have_text("javascript:window.__pwned=1")
    unsafe.click()
    expect(page.locator("ul.links a.outbound")).to_have_attribute("href", "https://example.org/ok")
    screenshot(page, "hostile")

    page.goto(f"{base_url}/articles/{ids['hostile']}/compare?view=side")
    page.locator("#side .cell.b ins").first.hover(force=True)
    expect(page.locator("table.changes")).to_contain_text("<b onmouseover=alert(1)>")

    page.goto(base_url + "/compare")
    page.locator("textarea[name=text_a]").fill(HOSTILE_TEXT)
    page.locator("textarea[name=text_b]").fill(HOSTILE_TEXT.replace("Breaking", "<svg onload=alert(1)>Breaking"))
    page.get_by_role("button", name="Compare").click()
    expect(page.locator(".result .verdict")).to_contain_text("substantive change")
    expect(page.locator("#side")).to_contain_text("<svg onload=alert(1)>Breaking")
    assert page.locator("main svg").count() == 0
    assert page.evaluate("window.__pwned") is None
