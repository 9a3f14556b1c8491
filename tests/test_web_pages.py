"""Web pages and feeds as a reader gets them, through a real server over the seeded store: the
interface in the reader's language, entity names they can read, outlets, coverage and gists."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import httpx
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from test_api_support import LiveServer, find_putin, find_seed_event, running_server, seeded_store

from storyweave.server.i18n import LOCALE_DIR, translations, ui_languages
from storyweave.server.naming import entity_label, is_latin
from storyweave.server.views import CHIPS_SHOWN, distinct_dates
from storyweave.summarize import headline

TEMPLATES = LOCALE_DIR.parent / "templates"
HTML = {"accept": "text/html"}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeded_store(tmp_path_factory.mktemp("pages"))


@pytest.fixture(scope="module")
def server(store: Path) -> Iterator[LiveServer]:
    with running_server(store, stream_poll_s=0.2) as live:
        yield live


@pytest.fixture(scope="module")
def seed(server: LiveServer) -> dict[str, Any]:
    return find_seed_event(server.url(""))


def _get(server: LiveServer, path: str, **headers: str) -> httpx.Response:
    return httpx.get(server.url(path), headers={**HTML, **headers}, timeout=120)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# -- 12: a dozen salient entities, each date once --------------------------------------------------------
def test_event_page_shows_the_most_salient_entities_first_and_all_on_demand(server: LiveServer,
                                                                             seed: dict[str, Any]) -> None:
    html = _get(server, f"/events/{seed['id']}?lang=en").text
    entities = seed["entities"]
    assert len(entities) > CHIPS_SHOWN, "the seed event names more entities than the page shows at first"
    head, _, rest = html.partition('<details class="more-chips">')
    assert rest, "the other names must be one click away"
    shown = re.findall(r'data-entity="([^"]+)"', head)
    hidden = re.findall(r'data-entity="([^"]+)"', rest.partition("</details>")[0])
    assert len(shown) == CHIPS_SHOWN and set(shown) | set(hidden) == {e["id"] for e in entities}
    assert not set(shown) & set(hidden)
    # The names both reports carry come before those only one does.
    spread = {e["id"]: e["articles"] for e in entities}
    assert min(spread[i] for i in shown) >= max(spread[i] for i in hidden)
    assert find_putin(server.url(""))["id"] in shown
    assert f"All {len(entities)} names" in rest


def test_each_mentioned_date_is_listed_once() -> None:
    rows = [{"date": "2024-03-26", "expression": "26 مارس", "article_id": "a"},
            {"date": "2024-03-26", "expression": "26 مارس", "article_id": "a"},
            {"date": "2024-03-26T00:00", "expression": "26 mars", "article_id": "b"},
            {"date": "2024-03-26", "expression": "26 مارس", "article_id": "b"},
            {"date": "2024-03-28", "expression": "28 مارس", "article_id": "a"}]
    dates = distinct_dates(rows)
    assert [d["date"] for d in dates] == ["2024-03-26", "2024-03-28"]
    assert dates[0]["expressions"] == ["26 مارس", "26 mars"] and dates[0]["articles"] == 2


def test_event_page_lists_each_date_once(server: LiveServer, seed: dict[str, Any]) -> None:
    html = _get(server, f"/events/{seed['id']}?lang=en").text
    section = html.partition('<section class="key-dates">')[2].partition("</section>")[0]
    days = re.findall(r'<time datetime="([^"]+)"', section)
    assert days and len(days) == len(set(days)) == len({d["date"][:10] for d in seed["dates"]})


def _card_title(html: str, event_id: str) -> tuple[str, str]:
    """(lang, text) of an event card's title link."""
    card = html.partition(f'data-event="{event_id}"')[2].partition("</li>")[0]
    found = re.search(r'<a class="event-title"[^>]*\blang="([^"]+)"[^>]*>(.*?)</a>', card, re.S)
    assert found, f"no card for {event_id}"
    return found.group(1), " ".join(found.group(2).split())


def test_event_cards_read_in_the_readers_language_when_a_report_is(server: LiveServer,
                                                                    seed: dict[str, Any]) -> None:
    reports = [httpx.get(server.url(f"/api/articles/{a['id']}"), timeout=30).json()
               for a in seed["articles"] if not a.get("duplicate_of")]
    assert {"ar", "fr"} <= {r["lang"] for r in reports}
    for lang in ("fr", "ar"):
        shown_lang, title = _card_title(_get(server, f"/?lang={lang}").text, seed["id"])
        assert shown_lang == lang
        # The event's own title when it is in the reader's language, else the headline of its
        # longest report in that language (which of the two seeds represents the event depends on
        # the last bits of their vectors; both ways must read right).
        longest = max((r for r in reports if r["lang"] == lang), key=lambda r: (len(r["text"]), r["id"]))
        expected = seed["title"] if seed["lang"] == lang else headline(longest["title"])
        assert title.rstrip("…").split()[:4] == expected.split()[:4], (lang, title)
    # No report in German: the card keeps the event's own title, in its own language.
    assert _card_title(_get(server, "/?lang=de").text, seed["id"])[0] == seed["lang"]
    # The event list shares the cards: in the language of a report that is not the event's title's.
    other = "ar" if seed["lang"] == "fr" else "fr"
    assert _card_title(_get(server, f"/events?lang={other}").text, seed["id"])[0] == other


# -- 13: outlets from the URL or the dateline --------------------------------------------------------------
def test_seed_outlet_comes_from_its_dateline(server: LiveServer, seed: dict[str, Any]) -> None:
    french = next(a for a in seed["articles"] if a["lang"] == "fr")
    assert httpx.get(server.url(f"/api/articles/{french['id']}"), timeout=30).json()["source"] == "VOVWORLD"
    html = _get(server, f"/events/{seed['id']}").text
    assert "<h4><bdi>VOVWORLD</bdi></h4>" in html
    assert "unknown source" not in html


def test_stores_written_before_get_outlets_at_display(tmp_path: Path, store: Path) -> None:
    old = tmp_path / "old.db"
    old.write_bytes(store.read_bytes())
    with sqlite3.connect(old) as conn:  # as a store written before outlets were derived
        conn.execute("UPDATE articles SET source = NULL")
    with running_server(old, enrich_stages=[], assign_events=False) as live:
        seed = find_seed_event(live.url(""))
        html = _get(live, f"/events/{seed['id']}").text
        assert "<h4><bdi>VOVWORLD</bdi></h4>" in html  # the French seed's dateline
        fixture = httpx.get(live.url("/api/articles/sw-fixture-putin-hanoi-2024-06-20"), timeout=30).json()
        assert fixture["source"] is None
        page = _get(live, "/articles/sw-fixture-putin-hanoi-2024-06-20").text
        assert "<bdi>storyweave.invalid</bdi>" in page  # fixtures.storyweave.invalid → its registrable domain


# -- 14: the interface in the reader's language ------------------------------------------------------------
def _template_messages() -> set[Any]:
    found = extract_from_dir(str(TEMPLATES), method_map=[("**.html", "jinja2.ext:babel_extract")],
                             options_map={"**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}})
    return {message for _, _, message, _, _ in found}


def test_every_interface_string_is_translated_in_every_catalogue() -> None:
    assert {"en", "fr", "ar", "es", "de", "tr", "ru", "zh"} <= set(ui_languages())
    messages = _template_messages()
    assert len(messages) > 50
    for lang in set(ui_languages()) - {"en"}:
        with (LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
            catalogue = read_po(handle, locale=lang)
        for message in messages:
            entry = catalogue.get(message[0] if isinstance(message, tuple) else message)
            assert entry is not None and not entry.fuzzy, (lang, message)
            forms = entry.string if isinstance(entry.string, tuple) else (entry.string,)
            assert len(forms) == (catalogue.num_plurals if isinstance(message, tuple) else 1), (lang, message)
            assert all(form.strip() for form in forms), (lang, message)
            # Placeholders survive translation (a plural form may spell its number out: "مقالان").
            wanted = set(re.findall(r"%\((\w+)\)s", message if isinstance(message, str) else message[1]))
            assert set(re.findall(r"%\((\w+)\)s", " ".join(forms))) <= wanted, (lang, message)
            if isinstance(message, str):
                assert wanted == set(re.findall(r"%\((\w+)\)s", forms[0])), (lang, message)
    # The compiled catalogues are the ones in use, plural rules included.
    assert translations("ar").ngettext("%(count)s article", "%(count)s articles", 2) == "مقالان"
    assert translations("ru").ngettext("%(count)s article", "%(count)s articles", 5) == "%(count)s статей"


def test_interface_follows_accept_language_then_the_remembered_choice(server: LiveServer,
                                                                      seed: dict[str, Any]) -> None:
    french = _get(server, f"/events/{seed['id']}", **{"accept-language": "fr-CH, fr;q=0.9, en;q=0.5"}).text
    assert '<html lang="fr" dir="ltr">' in french and "Fil de l'histoire" in french
    assert "Storyline" not in french and "Dates mentionnées" in french

    with httpx.Client(base_url=server.url(""), headers=HTML, timeout=120) as browser:
        chosen = browser.get(f"/events/{seed['id']}", params={"lang": "ar"},
                             headers={"accept-language": "fr"})
        assert chosen.cookies.get("lang") == "ar"
        assert '<html lang="ar" dir="rtl">' in chosen.text and "تسلسل القصة" in chosen.text
        later = browser.get("/", headers={"accept-language": "fr"})  # no ?lang=: the cookie decides
        assert '<html lang="ar" dir="rtl">' in later.text and "آخر الأحداث" in later.text


def test_one_language_control(server: LiveServer, seed: dict[str, Any]) -> None:
    html = _get(server, "/entities?type=person&lang=fr").text
    assert html.count('name="lang"') == 2  # the menu, and the quick search keeping the choice
    assert html.count('<select name="lang"') == 1
    menu = html.partition('<form class="lang-choice"')[2].partition("</form>")[0]
    # The menu reloads the same page: its filter rides along, the language is the menu's.
    assert '<input type="hidden" name="type" value="person">' in menu and 'name="lang" value=' not in menu
    event_page = _get(server, f"/events/{seed['id']}").text
    assert event_page.count('<select name="lang"') == 1 and "Read in" not in event_page


# -- 15: names the reader can read ---------------------------------------------------------------------------
def test_entity_label_romanises_only_for_readers_of_another_script() -> None:
    peskov = {"ar": "دميتري بيسكوف"}
    english = entity_label(peskov, "دميتري بيسكوف", ["en"])
    assert english["shown"] == "دميتري بيسكوف" and english["romanised"] and is_latin(english["romanised"])
    assert english["romanised"].lower().startswith("dm")
    assert entity_label(peskov, "دميتري بيسكوف", ["ar"])["romanised"] is None
    putin = {"en": "Vladimir Putin", "fr": "Vladimir Poutine", "ar": "فلاديمير بوتن"}
    assert entity_label(putin, "فلاديمير بوتن", ["de"])["shown"] == "Vladimir Putin"
    assert entity_label(putin, "فلاديمير بوتن", ["fr"])["shown"] == "Vladimir Poutine"
    trong = {"ar": "نجوين فو ترونج", "fr": "Nguyên Phu Trong"}
    assert entity_label(trong, "نجوين فو ترونج", ["es"]) == {"shown": "Nguyên Phu Trong", "shown_lang": "fr",
                                                             "romanised": None}


def test_english_reader_sees_every_entity_in_latin_letters(server: LiveServer, seed: dict[str, Any]) -> None:
    html = _get(server, f"/events/{seed['id']}", **{"accept-language": "en-GB,en;q=0.9"}).text
    chips = re.findall(r'<a class="chip [^"]+" href="/entities/[^"]+" data-entity="[^"]+">(.*?)</a>', html, re.S)
    assert len(chips) == len(seed["entities"])
    romanised = 0
    for chip in chips:
        roman = re.search(r'<span class="roman"[^>]*>\((.*?)\)</span>', chip)
        shown = re.sub(r"<[^>]+>", "", chip.partition('<span class="roman"')[0])
        shown = re.sub(r"\s\d+$", "", shown.strip())
        assert is_latin(shown) or (roman and is_latin(roman.group(1))), chip
        romanised += bool(roman)
    assert romanised >= 2  # Nguyen Duc Thang and Peskov have only their Arabic names


# -- 16: a 404 in web terms ----------------------------------------------------------------------------------
def test_not_found_page_speaks_web(server: LiveServer) -> None:
    for path in ("/events/no-such-event", "/entities/no-such-entity", "/no-such-page"):
        response = _get(server, path)
        assert response.status_code == 404
        assert "storyweave events" not in response.text and "storyweave entities" not in response.text
        assert "list them with" not in response.text
        main = response.text.partition("<main>")[2]
        assert '<a href="/">' in main and '<a href="/search">' in main and 'action="/search"' in main
    french = _get(server, "/events/no-such-event", **{"accept-language": "fr"})
    assert "Page introuvable" in french.text
    api = httpx.get(server.url("/api/events/no-such-event"), timeout=30)
    assert api.status_code == 404 and api.json()["error"]["code"] == "not_found"


# -- 17: feeds with titles and leads ----------------------------------------------------------------------
def test_event_feeds_carry_the_event_title_and_each_lead(server: LiveServer, seed: dict[str, Any]) -> None:
    rss = ET.fromstring(httpx.get(server.url(f"/feeds/event/{seed['id']}.rss"), timeout=60).content)
    channel = rss.find("channel")
    assert channel is not None
    assert channel.findtext("title") == seed["title"] != seed["id"]
    items = channel.findall("item")
    assert len(items) == len(seed["articles"])
    for item in items:
        assert len(item.findtext("description") or "") > 40
    assert any("Poutine" in (item.findtext("description") or "") for item in items)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    atom = ET.fromstring(httpx.get(server.url(f"/feeds/event/{seed['id']}.atom"), timeout=60).content)
    assert atom.findtext("a:title", namespaces=ns) == seed["title"]
    assert all(len(entry.findtext("a:summary", namespaces=ns) or "") > 40 for entry in atom.findall("a:entry", ns))
    putin = find_putin(server.url(""))
    entity_feed = ET.fromstring(httpx.get(server.url(f"/feeds/entity/{putin['id']}.rss"), timeout=60).content)
    assert entity_feed.findtext("channel/title") != f"storyweave entity {putin['id']}"


# -- 18 and 19: front-page cards ---------------------------------------------------------------------------
def test_every_front_page_card_shows_its_coverage(server: LiveServer) -> None:
    html = _get(server, "/", **{"accept-language": "en"}).text
    cards = html.split('<li class="event-card"')[1:]
    assert len(cards) >= 4
    for card in cards:
        coverage = re.search(r'<span class="coverage">(.*?)</span>\s*</span>', card, re.S)
        assert coverage, card
        assert re.fullmatch(r"\d+ articles? \d+ outlets? \d+ languages?", _text(coverage.group(1))), card


def test_seed_card_has_a_gist_in_the_reader_language(server: LiveServer, seed: dict[str, Any]) -> None:
    def card(lang: str) -> str:
        html = _get(server, "/", **{"accept-language": lang}).text
        return html.partition(f'data-event="{seed["id"]}"')[2].partition("</li>")[0]

    english = card("en")
    assert "2 articles" in english and "1 outlet" in english and "2 languages" in english
    gist = english.partition('<p class="gist"')[2].partition("</p>")[0]
    names = [re.sub(r"<[^>]+>", "", n).strip() for n in re.findall(r'<a class="chip[^>]*>(.*?)</a>', gist, re.S)]
    assert len(names) == 3 and all(is_latin(n) for n in names), names
    assert "Vladimir Putin" in names
    # The day of the happening is the briefing's (28 March), never the attack the text recalls (22 March).
    assert _text(gist).endswith(" on 28 March 2024"), gist
    french = card("fr")
    assert "Vladimir Poutine" in french and "2 articles" in french and "2 langues" in french
    assert re.search(r" le \d{1,2} \w+ 20\d\d", _text(french))
    arabic = card("ar")
    assert "فلاديمير بوتن" in arabic and "مقالان" in arabic


def test_entity_page_shows_a_page_of_events_at_a_time_and_links_the_older_ones(store: Path) -> None:
    """A country or a pandemic has hundreds of events: its page lists ``page_size`` of them, newest
    first, and "Older events" walks the rest, each event once."""
    with running_server(store, page_size=1) as live:
        entities = httpx.get(live.url("/api/entities"), params={"limit": 50}, timeout=60).json()["items"]
        counts = {e["id"]: httpx.get(live.url("/api/events"), params={"entity": e["id"], "limit": 100},
                                     timeout=60).json()["items"] for e in entities}
        entity_id, expected = max(counts.items(), key=lambda item: len(item[1]))
        assert len(expected) >= 3, "the seeded store has an entity in several events"
        seen: list[str] = []
        path: str | None = f"/entities/{entity_id}"
        while path:
            html = httpx.get(live.url(path), headers=HTML, timeout=60).text
            shown = re.findall(r'<li class="event-card" data-event="([^"]+)"', html)
            assert len(shown) == 1, path
            seen.extend(shown)
            more = re.search(r'<a class="more" href="([^"]+)"', html)
            path = more.group(1).replace("&amp;", "&") if more else None
        assert seen == [e["id"] for e in expected]


def test_entity_page_lists_undated_events_after_every_dated_month(tmp_path: Path) -> None:
    from storyweave import Tracker
    from storyweave.ingest.records import record_to_doc

    records = [
        {"id": "dated", "title": "Angela Merkel opens the Hamburg harbour festival",
         "text": "Former chancellor Angela Merkel opened the Hamburg harbour festival with a speech about ships.",
         "lang": "en", "source": "a.example", "publish_date": "2024-05-04"},
        {"id": "undated", "title": "Angela Merkel's memoirs top the bestseller list",
         "text": "The memoirs of Angela Merkel lead the bestseller list of booksellers, the trade association said.",
         "lang": "en", "source": "b.example"},
    ]
    db = tmp_path / "store.db"
    with Tracker(db=db) as tracker:
        tracker.ingest_docs(record_to_doc(r, f"test#{r['id']}") for r in records)
    with running_server(db) as live:
        merkel = next(e for e in httpx.get(live.url("/api/entities"), timeout=60).json()["items"]
                      if e.get("name") == "Angela Merkel")
        events = httpx.get(live.url("/api/events"), params={"entity": merkel["id"]}, timeout=60).json()["items"]
        assert sorted(bool(e.get("first_date")) for e in events) == [False, True]
        html = httpx.get(live.url(f"/entities/{merkel['id']}"), headers=HTML, timeout=60).text
        headings = re.findall(r'<section class="month">\s*<h3>(.*?)</h3>', html, re.S)
        assert [_text(h) for h in headings] == ["2024-05", "date unknown"]
