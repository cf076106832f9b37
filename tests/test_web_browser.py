"""End-to-end tests of the web interface in headless Chromium (Debian's package at /usr/bin/chromium,
driven by Playwright; no browser is ever downloaded): history, comparison, the cosmetic toggle, deep
links, the compare page with the two seed files, and a hostile article that must show as text and run
nothing. With VARIORUM_SCREENSHOTS=docs/screenshots (`make screenshots`) the tests write the screenshots the
README shows."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Iterator

import pytest
from helpers import SEED_A, SEED_B
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, expect, sync_playwright
from test_web_api import HOSTILE_TEXT, fill, serving

from variorum.store import open_store
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


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, int]]]:
    store = open_store(tmp_path_factory.mktemp("browser") / "web.db")
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
    screenshot(page, "history")
    page.get_by_role("link", name="4 substantive changes (1 major, 3 minor), 1 cosmetic; similarity 96.6%", exact=True).click()

    expect(page).to_have_url(f"{base_url}/articles/{ids['syria']}/compare?from=1&to=2")
    rows = page.locator("table.changes tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.locator("td.kind")).to_have_text(["headline", "caption", "link", "punctuation"])
    expect(page.locator("#change-1")).to_contain_text("Putin's Syria Peace Conference Boycotted by Assad Opponents")
    expect(page.locator("#change-3")).to_contain_text("date 2026/04/11 → 2024/04/27")
    expect(page.locator("#text-a del.kind-headline")).to_have_text("Putin's Syria Peace Conference Boycotted by Assad Opponents")
    expect(page.locator("#inline")).to_be_hidden()
    screenshot(page, "comparison")

    toggle = page.locator("#toggle-cosmetic")
    expect(toggle).to_have_text("Show cosmetic changes (1)")
    toggle.click()
    expect(rows).to_have_count(5)
    expect(page.locator("#change-5 td.kind")).to_have_text("layout")
    expect(page.locator("#toggle-cosmetic")).to_have_attribute("aria-checked", "true")
    page.locator("#toggle-cosmetic").click()
    expect(rows).to_have_count(4)

    page.get_by_role("link", name="Inline").click()
    expect(page.locator("#inline")).to_be_visible()
    expect(page.locator("#side")).to_be_hidden()
    expect(page.locator("#text-inline ins.kind-link")).to_contain_text("2024/04/27")

    deep = f"{base_url}/articles/{ids['syria']}/compare?from=1&to=2#change-3"
    page.goto(deep)
    assert page.evaluate("document.querySelector(':target').id") == "change-3"
    expect(page.locator("#change-3")).to_be_in_viewport()
    page.locator("#change-3 .jump a", has_text="in B").click()
    assert page.evaluate("location.hash") == "#c3"
    expect(page.locator("#c3")).to_be_in_viewport()
    expect(page.locator("#c3")).to_have_text("https://www.themoscowtimes.com/2024/04/27/putins-goals-in-syria-went-beyond-saving-assad")

    page.set_viewport_size(PHONE)
    page.goto(f"{base_url}/articles/{ids['syria']}/compare?from=1&to=2")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "comparison-phone")


def test_compare_page_with_the_two_seed_files(site, watched):
    base_url, _ids = site
    page = watched.page
    page.goto(base_url + "/compare")
    page.locator("input[name=file_a]").set_input_files(str(SEED_A))
    page.locator("input[name=file_b]").set_input_files(str(SEED_B))
    page.get_by_role("button", name="Compare").click()
    expect(page.locator(".result .verdict")).to_have_text("4 substantive changes (1 major, 3 minor), 1 cosmetic; similarity 96.6%")
    expect(page.locator("table.changes td.kind")).to_have_text(["headline", "caption", "link", "punctuation"])
    expect(page.locator("#change-1")).to_contain_text("removed “Putin's Syria Peace Conference Boycotted by Assad Opponents”")
    expect(page.locator("#change-3")).to_contain_text("2026/04/11 → 2024/04/27")
    expect(page.locator("#change-4")).to_contain_text("removed “'”")
    expect(page.locator("#change-4 .note")).to_contain_text("speaker: Dmitry Peskov")
    expect(page.locator("#text-b")).to_contain_text("Russia is hosting a Syria peace summit")
    screenshot(page, "compare", full_page=False)


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
    page.goto(base_url + "/changes")
    expect(page.locator("table.changes-list tbody tr")).to_have_count(3)
    screenshot(page, "changes")
    page.locator("table.changes-list a.compare-link").first.click()
    expect(page.locator("table.changes td.kind")).to_have_text(["number"])
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

    page.goto(f"{base_url}/articles/{ids['hostile']}/compare")
    page.locator("#text-b ins").first.hover()
    expect(page.locator("table.changes")).to_contain_text("<b onmouseover=alert(1)>")

    page.goto(base_url + "/compare")
    page.locator("textarea[name=text_a]").fill(HOSTILE_TEXT)
    page.locator("textarea[name=text_b]").fill(HOSTILE_TEXT.replace("Breaking", "<svg onload=alert(1)>Breaking"))
    page.get_by_role("button", name="Compare").click()
    expect(page.locator(".result .verdict")).to_contain_text("substantive change")
    expect(page.locator("#text-b")).to_contain_text("<svg onload=alert(1)>Breaking")
    assert page.locator("main svg").count() == 0
    assert page.evaluate("window.__pwned") is None
