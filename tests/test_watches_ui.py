"""The Watches page in headless Chromium: add watches with the form, see an alert fire and a delivery
fail, remove a watch.  Screenshots go to test-artifacts/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import REPO
from test_api_support import LiveServer, free_port, running_server, seeded_store

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="UI tests need Chromium at /usr/bin/chromium")

HARBOUR = {"id": "ui-harbour-1", "title": "Haiphong harbour fees rise again", "lang": "en",
           "source": "port-news.example",
           "text": "The harbour authority of Haiphong raised container fees on Monday for the third time this year, "
                   "citing dredging costs; shipping lines said they would pass the increase on to customers.",
           "publish_date": "2024-05-07"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    store = seeded_store(tmp_path_factory.mktemp("watches-ui"))
    # New articles skip the model stages (each founds its own event); one failed attempt fails a delivery.
    with running_server(store, enrich_stages=[], workers=1, alert_webhook_attempts=1, alert_deliver_every_s=0,
                        alert_webhook_allow_private=True) as live:
        yield live


@pytest.fixture
def page(server: LiveServer) -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
        page = context.new_page()
        page.csp_violations = []
        page.on("console", lambda msg: page.csp_violations.append(msg.text)
                if "Content Security Policy" in msg.text else None)
        yield page
        context.close()
        browser.close()


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_watches_page_adds_shows_firings_and_failures_and_removes(server: LiveServer, page: Any) -> None:
    page.goto(server.url("/"))
    page.click("header.site nav a[href^='/watches']")
    assert page.locator("h1").inner_text() == "Watches"
    assert page.locator(".watch-list .empty").inner_text() == "No watches yet."

    dead_hook = f"http://127.0.0.1:{free_port()}/hook"  # nothing listens there: every delivery fails
    page.fill("input[name=words]", "harbour fees")
    page.fill("input[name=webhook]", dead_hook)
    page.fill("input[name=name]", "Harbour fees")
    page.click(".watch-form button[type=submit]")
    assert "Watch added." in page.locator(".notice.added").inner_text()
    assert len(page.locator(".notice.added .secret").inner_text()) == 64

    page.fill("input[name=entity]", "بوتين")
    page.fill("input[name=langs]", "ar, fr")
    page.fill("input[name=min_langs]", "2")
    page.click(".watch-form button[type=submit]")
    assert page.locator(".notice.added").count() == 1 and page.locator(".notice.added .secret").count() == 0
    rows = page.locator("table.watches tbody tr")
    assert rows.count() == 2
    putin_row = rows.nth(1)
    assert "بوتين" in putin_row.inner_text() and "AR, FR" in putin_row.inner_text()

    page.fill("input[name=words]", "---")  # nothing to look for: the form comes back with the reason
    page.click(".watch-form button[type=submit]")
    assert "no letter or digit" in page.locator(".notice.error").inner_text()
    assert page.input_value("input[name=words]") == "---"

    assert httpx.post(server.url("/api/ingest"), json=HARBOUR, timeout=120).json()["added"] == 1
    assert httpx.post(server.url("/api/alerts/deliver"), timeout=60).json()["failed"] == [1]
    page.goto(server.url("/watches"))
    _shot(page, "watches")
    fired = page.locator(".recent-alerts tbody tr")
    assert fired.count() == 1
    assert "New event" in fired.inner_text() and HARBOUR["title"] in fired.inner_text()
    assert "port-news.example" in fired.inner_text()
    failed = page.locator(".failed-deliveries tbody tr")
    assert failed.count() == 1 and "cannot connect to 127.0.0.1" in failed.inner_text()
    assert page.csp_violations == []

    page.locator("table.watches tbody tr").first.locator("button.remove").click()
    page.wait_for_url(server.url("/watches"))
    remaining = page.locator("table.watches tbody tr")
    assert remaining.count() == 1 and "بوتين" in remaining.inner_text()
    assert page.locator(".recent-alerts .empty").count() == 1  # the removed watch's alerts went with it

    page.goto(server.url("/watches?lang=ar"))
    _shot(page, "watches-ar")
    assert page.locator("h1").inner_text() == "المراقبات"
    assert page.locator("html").evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert page.csp_violations == []
