"""Web UI tests in headless Chromium (Playwright) against a real server; screenshots go to test-artifacts/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import REPO
from test_api_support import (
    BIDI_TITLE,
    XSS_TITLE,
    LiveServer,
    find_putin,
    find_seed_event,
    running_server,
    seeded_store,
)

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="UI tests need Chromium at /usr/bin/chromium "
                                                                 "(apt-get install chromium)")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    store = seeded_store(tmp_path_factory.mktemp("ui"))
    with running_server(store, stream_poll_s=0.2) as live:
        yield live


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.csp_violations = []
    page.on("console",
            lambda msg: page.csp_violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    yield page
    context.close()


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_seed_event_page_reads_in_both_scripts(server: LiveServer, page: Any) -> None:
    event = find_seed_event(server.url(""))
    page.goto(server.url(f"/events/{event['id']}?lang=fr"))
    page.wait_for_selector(".unique-list, .unique .empty", timeout=60_000)
    _shot(page, "event-seed-fr")  # before the checks, so a failure leaves the picture to look at
    arabic = page.locator(".article-item a.article-title[lang=ar]").first
    french = page.locator(".article-item a.article-title[lang=fr]").first
    assert arabic.is_visible() and french.is_visible()
    assert arabic.evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert french.evaluate("el => getComputedStyle(el).direction") == "ltr"
    # One chip for Putin, whatever script each article wrote him in; shown in French (Poutine) when known.
    chips = page.locator(".chips .chip").all_inner_texts()
    putin_chips = [c for c in chips if any(n in c.lower() for n in ("putin", "poutine", "путин", "بوت"))]
    assert len(putin_chips) == 1, chips
    putin = find_putin(server.url(""))
    chip = page.locator(f".chips .chip[data-entity='{putin['id']}']")
    assert chip.count() == 1 and "Poutine" in chip.inner_text()  # the French reader's name for him
    assert page.locator("h1.headline[lang=fr]").count() == 1
    assert page.locator(".timeline li").count() >= 1

    page.goto(server.url(f"/events/{event['id']}?lang=ar"))
    page.wait_for_selector(".unique-list, .unique .empty", timeout=60_000)
    _shot(page, "event-seed-ar")
    headline = page.locator("h1.headline")
    assert headline.get_attribute("lang") == "ar"
    assert headline.evaluate("el => getComputedStyle(el).direction") == "rtl"

    page.goto(server.url(f"/events/{event['id']}?lang=de"))  # no German report: labelled fallback
    assert "Noch kein Bericht auf Deutsch" in page.locator(".shown-in").inner_text()
    assert page.csp_violations == []


@pytest.mark.parametrize(("lang", "storyline", "sources"), [
    ("en", "Storyline", "Sources"), ("fr", "Fil de l'histoire", "Sources"), ("ar", "تسلسل القصة", "المصادر"),
])
def test_seed_event_page_in_the_interface_language(server: LiveServer, page: Any, lang: str, storyline: str,
                                                   sources: str) -> None:
    event = find_seed_event(server.url(""))
    page.goto(server.url(f"/events/{event['id']}?lang={lang}"))
    page.wait_for_selector(".unique-list, .unique .empty", timeout=60_000)
    _shot(page, f"event-seed-{lang}")
    html = page.locator("html")
    assert html.get_attribute("lang") == lang
    assert html.evaluate("el => getComputedStyle(el).direction") == ("rtl" if lang == "ar" else "ltr")
    assert page.locator(".timeline h2").inner_text() == storyline
    assert page.locator(".sources > h2").first.inner_text() == sources
    # The dozen most salient names show; the rest wait behind one click.
    assert page.locator(".entities > .chips .chip").count() == 12
    hidden = page.locator(".more-chips .chip").first
    assert not hidden.is_visible()
    page.locator(".more-chips summary").click()
    assert hidden.is_visible()
    # The French seed's outlet comes from its dateline, in every interface language.
    assert "VOVWORLD" in page.locator(".outlet h4").all_inner_texts()
    if lang == "en":  # names only known in Arabic get a Latin form beside them
        romanised = page.locator(".chip .roman").all_inner_texts()
        assert len(romanised) >= 2 and all(r.isascii() for r in romanised), romanised
    assert page.csp_violations == []


def test_language_menu_is_one_site_wide_choice(server: LiveServer, page: Any) -> None:
    page.goto(server.url("/"))
    assert page.locator("html").get_attribute("lang") == "en"  # the browser's en-GB
    assert page.locator("select[name=lang]").count() == 1
    with page.expect_navigation():
        page.select_option(".lang-choice select", "fr")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").inner_text() == "Derniers événements"
    _shot(page, "front-page-fr")
    page.click("header.site nav a[href^='/entities']")
    assert page.locator("h1").inner_text() == "Entités"
    page.goto(server.url("/search"))  # no ?lang= anywhere: the remembered choice holds
    assert page.locator("html").get_attribute("lang") == "fr"
    with page.expect_navigation():
        page.select_option(".lang-choice select", "ar")
    assert page.locator("html").evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert page.locator("h1").inner_text() == "بحث"


def test_front_page_cards_give_coverage_and_a_gist(server: LiveServer, page: Any) -> None:
    event = find_seed_event(server.url(""))
    page.goto(server.url("/"))
    _shot(page, "front-page-en")
    card = page.locator(f".event-card[data-event='{event['id']}']")
    assert card.locator(".coverage").inner_text().split() == ["2", "articles", "1", "outlet", "2", "languages"]
    gist = card.locator(".gist .chip").all_inner_texts()
    assert len(gist) == 3 and "Vladimir Putin" in gist and all(g.isascii() for g in gist)
    assert card.locator(".gist .happened").inner_text().startswith("on ")
    for coverage in page.locator(".event-card .coverage").all_inner_texts():
        assert len(coverage.split()) == 6, coverage


def test_not_found_page_offers_links(server: LiveServer, page: Any) -> None:
    response = page.goto(server.url("/events/no-such-event?lang=fr"))
    assert response is not None and response.status == 404
    _shot(page, "not-found-fr")
    assert page.locator("h1").inner_text() == "Page introuvable"
    assert "storyweave" not in page.locator(".error-message").inner_text()
    page.click(".next-steps a[href^='/search']")
    assert page.locator("h1").inner_text() == "Rechercher"


def test_entity_page_lists_every_name(server: LiveServer, page: Any) -> None:
    putin = find_putin(server.url(""))
    page.goto(server.url(f"/entities/{putin['id']}"))
    surfaces = page.locator(".surfaces bdi").all_inner_texts()
    assert any("بوت" in s for s in surfaces) and any("Poutine" in s for s in surfaces)
    arabic = page.locator(".surfaces bdi[lang=ar]").first
    assert arabic.evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert page.locator(".month .event-card").count() >= 1
    _shot(page, "entity-putin")


def test_hostile_titles_never_execute(server: LiveServer, page: Any) -> None:
    results = httpx.get(server.url("/api/search"), params={"q": "Hanoi harbour festival", "semantic": "false"}).json()
    xss = next(h for h in results["items"] if h["article_id"] == "test-xss-1")
    pages = ["/", f"/articles/{xss['article_id']}", "/search?q=harbour+festival", "/search?q=%3Cscript%3E"]
    if xss["event_id"]:
        pages.append(f"/events/{xss['event_id']}")
    for path in pages:
        page.goto(server.url(path))
        page.wait_for_load_state("networkidle")
        assert page.evaluate("typeof window.__pwned") == "undefined", path
    page.goto(server.url(f"/articles/{xss['article_id']}"))
    assert page.locator("h1").inner_text() == XSS_TITLE  # shown as text, not markup
    assert page.locator("a[href^='javascript']").count() == 0
    page.click("h1")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    _shot(page, "xss-article")

    page.goto(server.url("/articles/test-bidi-1"))
    shown = page.locator("h1").inner_text()
    assert shown == BIDI_TITLE.translate({0x202E: None, 0x202C: None, 0x2066: None, 0x2069: None})
    page.goto(server.url("/search?q=Haiphong+fees"))
    assert not any(ch in page.content() for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def test_search_page_explains_matches(server: LiveServer, page: Any) -> None:
    page.goto(server.url("/search?q=Putin"))
    hits = page.locator(".hit")
    assert hits.count() >= 2
    arabic = page.locator(".hit .hit-title[lang=ar]").first
    assert arabic.evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert page.locator(".hit .why-entity").count() >= 1
    _shot(page, "search-putin")
    page.goto(server.url("/search?q=%E6%B8%AF%E5%8F%A3"))  # 港口: two Chinese characters
    assert page.locator(".hit .hit-title[lang=zh]").count() == 1


def test_front_page_updates_live(server: LiveServer, page: Any) -> None:
    page.goto(server.url("/"))
    assert page.locator(".event-card").count() >= 2
    assert page.locator(".event-card .badge").count() >= 2
    # (wait_for_function would need eval, which the page's CSP rightly refuses)
    page.locator("html[data-live=ready]").wait_for(state="attached", timeout=20_000)
    article = {"id": "live-1", "title": "خبر عاجل: مهرجان ميناء هانوي", "text": "افتتح مهرجان ميناء هانوي يوم السبت.",
               "lang": "ar", "source": "live.example"}
    response = httpx.post(server.url("/api/ingest"), json=article, timeout=180)
    assert response.status_code == 200 and response.json()["added"] == 1
    item = page.locator(".live-item[data-article='live-1'] a")
    item.wait_for(timeout=20_000)
    assert item.inner_text() == article["title"]
    assert item.evaluate("el => getComputedStyle(el).direction") == "rtl"
    page.locator("#events .event-title", has_text="مهرجان ميناء هانوي").wait_for(timeout=20_000)
    _shot(page, "front-page-live")
    # An undated event still says how widely it is covered.
    card = page.locator("#events .event-card", has=page.locator(".event-title", has_text="خبر عاجل"))
    assert card.locator(".coverage").inner_text().split() == ["1", "article", "1", "outlet", "1", "language"]
    assert card.locator(".dates").inner_text() == "date unknown"
    assert page.csp_violations == []


def test_sources_page_shows_each_source_health(browser: Any, page: Any, tmp_path: Path) -> None:
    from follow_support import FAST, FEED_TYPE, entry, rss
    from httpserver import LocalHTTPServer

    from storyweave import Tracker

    db = tmp_path / "sources.db"
    with LocalHTTPServer() as feeds, Tracker(db=db, **{**FAST, "follow_pause_after": 2}) as tracker:
        feeds.route("/ar", body=rss([entry("ar-1", "افتتاح ميناء جديد", "http://harbour.example/ar/1")],
                                    title="أخبار الميناء"), content_type=FEED_TYPE)
        feeds.route("/fr", body=rss([entry(f"fr-{n}", f"Le port s'agrandit {n}", f"http://harbour.example/fr/{n}")
                                     for n in range(3)]), content_type=FEED_TYPE)
        feeds.route("/down", status=503, body=b"maintenance")
        tracker.add_source(feeds.url("/ar"), lang="ar", country="EG", every="30m")
        tracker.add_source(feeds.url("/fr"), name="Le Courrier du Port", lang="fr", country="FR")
        tracker.add_source(feeds.url("/down"), name="Harbour Wire", every="1h")
        for _ in range(2):
            tracker.follow(once=True, every_one=True)
    with running_server(db) as live:
        page.goto(live.url("/sources?lang=en"))
        _shot(page, "sources")
        rows = page.locator("table.sources tbody tr")
        assert rows.count() == 3
        assert page.locator("nav a[href^='/sources']").inner_text() == "Sources"
        arabic = page.locator("tr[data-source='1']")
        assert "أخبار الميناء" in arabic.locator(".source-name").inner_text()  # the feed's own title names it
        assert arabic.locator(".source-name").evaluate("el => getComputedStyle(el).direction") == "rtl"
        french = page.locator("tr[data-source='2']")
        assert "Le Courrier du Port" in french.inner_text() and "3" in french.locator("td.num").nth(1).inner_text()
        down = page.locator("tr.source-paused")
        assert down.count() == 1 and "HTTP 503" in down.locator(".state .reason").inner_text()
        assert "2 consecutive failures" in down.inner_text()
        page.goto(live.url("/sources?lang=fr"))
        assert page.locator("table.sources th").first.inner_text() == "Nom"
        assert page.csp_violations == []
