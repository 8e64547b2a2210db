"""The reading room in a real browser: Debian's chromium driven by Playwright against a real
`archivist serve` on 127.0.0.1, over the records of ../shared and a hostile record.

A historian's path (search, a facet, a record, a footnote, a person, back), the search page by
keyboard alone, the hostile record, and the pages with JavaScript off. Chromium comes from
Debian (`make test` installs it); Playwright never downloads a browser. Missing, the tests fail
under CI and are skipped elsewhere.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from archivist.store import open_store
from tests.shared_records import shared_documents
from tests.test_pages import HOSTILE_ID, SEED_003, hostile_record

CHROMIUM = os.environ.get("ARCHIVIST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
TIMEOUT_MS = 30_000


def require_chromium() -> str:
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        message = f"{CHROMIUM} is missing: apt-get install -y --no-install-recommends chromium (make test does)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_chromium()
    db = tmp_path_factory.mktemp("browser") / "archive.db"
    documents = shared_documents(shared)
    with open_store(db) as store:
        for document in documents:
            store.add(document)
        store.add(hostile_record(next(d for d in documents if d.id == SEED_003)))
    port = _free_port()
    command = [str(Path(sys.executable).with_name("archivist")), "serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{base}/health", timeout=2).read()
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(f"archivist serve exited: {process.stderr.read().decode()[-2000:]}")
                if time.monotonic() > deadline:
                    pytest.fail("archivist serve did not answer /health within 90 s")
                time.sleep(0.25)
        # The first person page waits for the person authority to load (seconds); take that
        # wait here, once, so the tests time what a reader does, not the server's start-up.
        urllib.request.urlopen(f"{base}/people/107176", timeout=120).read()
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=require_chromium(), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture()
def page(browser: object, server: str) -> Iterator[object]:
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    opened = context.new_page()
    opened.set_default_timeout(TIMEOUT_MS)
    dialogs: list[str] = []
    opened.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    opened.dialogs = dialogs  # type: ignore[attr-defined]
    yield opened
    context.close()


def test_search_facet_record_footnote_person_and_back(page: object) -> None:
    p = page  # type: ignore[assignment]
    p.goto("/search")
    p.fill("#q", "Korea Mao")
    p.press("#q", "Enter")
    p.wait_for_selector(".hit")
    # A facet narrows the results in place; the address follows, so the back button works.
    p.locator("#facet-lang + ul a", has_text="Chinese").click()
    p.wait_for_selector(".chip")
    p.wait_for_function("location.search.includes('lang=Chinese')")
    assert p.locator(".chip").inner_text().startswith("Original language:")
    # Seed 003, and the hostile copy of it.
    assert p.locator(".hit").count() == 2
    p.locator(f'.hit h3 a[href^="/documents/{SEED_003}?"]').click()
    p.wait_for_url(f"**/documents/{SEED_003}*")
    assert p.locator(".turn").count() > 150
    # The search's words are marked in the record.
    assert p.locator(".text-body mark").count() > 5
    # A footnote marker leads to its note, and the note back to the text.
    p.locator("sup.fnref a#ref-1").click()
    assert p.url.endswith("#note-1")
    assert p.locator("#note-1").is_visible()
    p.locator("#note-1 a.back").click()
    assert p.url.endswith("#ref-1")
    # A speaker's name opens their page.
    p.locator(".turn .who a", has_text="Anastas Mikoyan").first.click()
    p.wait_for_url("**/people/109136")
    assert "Mikoyan" in p.locator("h1").inner_text()
    p.go_back()
    p.wait_for_url(f"**/documents/{SEED_003}*")
    # Back through the footnote jumps to the results, still narrowed.
    while "/search" not in p.url:
        p.go_back()
    p.wait_for_function("location.search.includes('lang=Chinese')")
    p.wait_for_selector(".chip")
    assert p.locator(".hit").count() == 2


def test_the_search_page_by_keyboard_alone(page: object) -> None:
    p = page  # type: ignore[assignment]
    p.goto("/search")

    def tab_to(check: str, limit: int = 60) -> None:
        for _ in range(limit):
            p.keyboard.press("Tab")
            if p.evaluate(check):
                return
        raise AssertionError(f"Tab never reached: {check}")

    p.keyboard.press("Tab")
    assert p.evaluate("document.activeElement.textContent") == "Skip to the content"
    tab_to("document.activeElement.id === 'q'")
    p.keyboard.type("armistice")
    p.keyboard.press("Enter")
    p.wait_for_selector(".hit")
    # The query help opens from the keyboard.
    p.focus("#query-help summary")
    p.keyboard.press("Enter")
    assert p.locator("#query-help").get_attribute("open") is not None
    tab_to("document.activeElement.closest('.facet') !== null && document.activeElement.id.startsWith('facet-')")
    before = p.url
    chosen = p.evaluate("document.activeElement.id")
    p.keyboard.press("Enter")
    p.wait_for_selector(".chip")
    p.wait_for_function(f"location.href !== {before!r}")
    # Focus stays on the value just chosen, now marked as chosen.
    p.wait_for_function(f"document.activeElement.id === '{chosen}'")
    assert p.evaluate("document.activeElement.getAttribute('aria-current')") == "true"
    tab_to("document.activeElement.closest('.hit') !== null", limit=150)
    # Focus is drawn: the outline of :focus-visible is not none.
    assert p.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    p.keyboard.press("Enter")
    p.wait_for_url("**/documents/**")
    assert p.locator("h1").is_visible()


def test_the_hostile_record_runs_nothing(page: object) -> None:
    p = page  # type: ignore[assignment]
    for url in (f"/documents/{HOSTILE_ID}", "/search?q=Minutes", "/"):
        p.goto(url)
        p.wait_for_load_state("networkidle")
        assert p.locator("main img").count() == 0, url
        assert p.evaluate("document.querySelectorAll('main script').length") == 0, url
    p.goto(f"/documents/{HOSTILE_ID}")
    assert "<script>" in p.locator("h1").inner_text()
    assert p.locator(".source-link a").count() == 0
    # A repair's reading shows on focus, from the keyboard.
    assert p.dialogs == []  # type: ignore[attr-defined]


def test_pages_without_javascript(browser: object, server: str) -> None:
    context = browser.new_context(base_url=server, java_script_enabled=False, viewport={"width": 375, "height": 800})  # type: ignore[attr-defined]
    p = context.new_page()
    p.set_default_timeout(TIMEOUT_MS)
    try:
        p.goto("/search?q=Korea")
        assert p.locator(".hit").count() > 0
        p.locator("#facet-lang + ul a").first.click()
        p.wait_for_selector(".chip")
        assert "lang=" in p.url
        # Nothing runs off the side of a 375-pixel screen.
        assert p.evaluate("document.documentElement.scrollWidth") <= 375
        p.goto(f"/documents/{SEED_003}")
        assert p.locator(".turn").count() > 150
        assert p.evaluate("document.documentElement.scrollWidth") <= 375
        p.locator("sup.fnref a#ref-2").click()
        assert p.url.endswith("#note-2")
        # The reading of an editorial bracket shows on keyboard focus, without a script.
        first = p.locator(".ed").first
        first.focus()
        assert first.locator(".tip").is_visible()
        p.goto(f"/documents/{SEED_003}?view=original")
        assert p.locator("pre.original-text").is_visible()
    finally:
        context.close()
