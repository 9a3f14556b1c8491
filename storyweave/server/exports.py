"""Exports of any search, entity or event: JSON, CSV, Atom and RSS, streamed and uncapped.

CSV cells that a spreadsheet would run as a formula (starting with ``= + - @``, tab or carriage
return) get a leading apostrophe.  Feeds are built element by element with ElementTree, which
escapes every text and attribute; characters XML 1.0 cannot carry and bidi controls are removed.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Annotated, Any
from xml.etree import ElementTree as ET

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.exceptions import HTTPException

from ..limits import url_scheme
from ..tracker import Tracker
from .app import server_state
from .text import clean_lang, strip_bidi

router = APIRouter(tags=["exports"])

FORMATS = ("json", "csv", "atom", "rss")
CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

ARTICLE_COLUMNS = ["article_id", "title", "lang", "source", "url", "publish_date", "event_id"]
SEARCH_COLUMNS = ["article_id", "title", "lang", "source", "url", "publish_date", "score", "event_id", "why"]

Query1000 = Annotated[str, Query(min_length=1, max_length=1000, description="Search query, any language.")]
LangFilter = Annotated[str | None, Query(max_length=8)]


def safe_cell(value: Any) -> str:
    """A CSV cell that spreadsheets show as text, never evaluate."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(CSV_FORMULA_STARTS) else text


def csv_lines(columns: list[str], rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_cell(row.get(c)) for c in columns])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.getvalue():
        yield buffer.getvalue()


def json_lines(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """A JSON array written one item at a time."""
    yield "["
    for index, row in enumerate(rows):
        yield ("," if index else "") + "\n" + json.dumps(row, ensure_ascii=False, default=str)
    yield "\n]\n"


def _xml_text(value: Any) -> str:
    return _XML_INVALID.sub("", strip_bidi("" if value is None else str(value)))


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _link(row: dict[str, Any], base_url: str) -> str:
    """The row's own link when it is an absolute http(s) URL, else its page here: a feed reader
    follows links, so a javascript: or data: URL an article came with must never go out."""
    own = str(row.get("link") or row.get("url") or "")
    return own if url_scheme(own) in ("http", "https") else f"{base_url}articles/{row['article_id']}"


def _urn(row: dict[str, Any]) -> str:
    return str(row.get("urn") or f"urn:storyweave:article:{row['article_id']}")


def _element(tag: str, text: Any = None, **attributes: str) -> ET.Element:
    element = ET.Element(tag, {k: _xml_text(v) for k, v in attributes.items()})
    if text is not None:
        element.text = _xml_text(text)
    return element


def atom_lines(title: str, self_url: str, base_url: str, rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    now = datetime.now(UTC).isoformat(timespec="seconds")
    head = ET.Element("feed", {"xmlns": "http://www.w3.org/2005/Atom"})
    for child in (_element("title", title), _element("id", f"urn:storyweave:feed:{self_url}"),
                  _element("updated", now), _element("link", rel="self", href=self_url)):
        head.append(child)
    opening = ET.tostring(head, encoding="unicode").removesuffix("</feed>")
    yield '<?xml version="1.0" encoding="utf-8"?>\n' + opening + "\n"
    for row in rows:
        entry = ET.Element("entry")
        when = _when(row.get("publish_date"))
        link = _link(row, base_url)
        for child in (_element("title", row.get("title") or row["article_id"]),
                      _element("id", _urn(row)),
                      _element("updated", (when.isoformat(timespec="seconds") if when else now)),
                      _element("link", href=link),
                      _element("summary", row.get("summary") or "")):
            entry.append(child)
        if row.get("lang"):
            entry.set("xml:lang", _xml_text(row["lang"]))
        if row.get("source"):
            author = ET.SubElement(entry, "author")
            author.append(_element("name", row["source"]))
        yield ET.tostring(entry, encoding="unicode") + "\n"
    yield "</feed>\n"


def rss_lines(title: str, self_url: str, rows: Iterable[dict[str, Any]], base_url: str) -> Iterator[str]:
    channel = ET.Element("channel")
    for child in (_element("title", title), _element("link", self_url), _element("description", title)):
        channel.append(child)
    opening = ET.tostring(channel, encoding="unicode").removesuffix("</channel>")
    yield '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0">' + opening + "\n"
    for row in rows:
        item = ET.Element("item")
        when = _when(row.get("publish_date"))
        for child in (_element("title", row.get("title") or row["article_id"]),
                      _element("link", _link(row, base_url)),
                      _element("guid", _urn(row), isPermaLink="false"),
                      _element("description", row.get("summary") or "")):
            item.append(child)
        if when:
            item.append(_element("pubDate", format_datetime(when)))
        yield ET.tostring(item, encoding="unicode") + "\n"
    yield "</channel></rss>\n"


# -- row sources ------------------------------------------------------------------------------------
def search_rows(tracker: Tracker, q: str, lang: str | None) -> Iterator[dict[str, Any]]:
    for hit in tracker.iter_search(q, lang=lang):
        yield {**hit, "why": " ".join(sorted({w["kind"] for w in hit["why"]})), "summary": hit.get("snippet", "")
               .replace("\ue000", "").replace("\ue001", "")}


def event_rows(tracker: Tracker, event_id: str) -> Iterator[dict[str, Any]]:
    event = tracker.event(event_id)
    for article in event.get("articles", []):
        yield {**article, "article_id": article["id"], "event_id": event["id"]}


def entity_rows(tracker: Tracker, entity_id: str) -> Iterator[dict[str, Any]]:
    entity = tracker.entity(entity_id)
    from ..store.search import event_ids_for

    articles = entity.get("articles", [])
    events = event_ids_for(tracker.conn, [a["id"] for a in articles])
    for article in articles:
        yield {**article, "article_id": article["id"], "event_id": events.get(article["id"])}


_MEDIA = {"json": "application/json", "csv": "text/csv; charset=utf-8",
          "atom": "application/atom+xml; charset=utf-8", "rss": "application/rss+xml; charset=utf-8"}


def _stream(request: Request, kind: str, name: str, title: str, columns: list[str],
            rows: Iterator[dict[str, Any]]) -> StreamingResponse:
    # Pull the first row now so a missing event or entity becomes a clean 404, not a broken stream.
    first = next(rows, None)
    everything = rows if first is None else _chain(first, rows)
    base = str(request.base_url)
    body: Iterator[str]
    if kind == "json":
        body = json_lines(everything)
    elif kind == "csv":
        body = csv_lines(columns, everything)
    elif kind == "atom":
        body = atom_lines(title, str(request.url), base, everything)
    else:
        body = rss_lines(title, str(request.url), everything, base)
    headers = {"content-disposition": f'attachment; filename="{name}.{kind}"'} if kind in ("json", "csv") else {}
    return StreamingResponse(body, media_type=_MEDIA[kind], headers=headers)


def _chain(first: dict[str, Any], rest: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    yield first
    yield from rest


def _fresh_tracker(request: Request) -> Tracker:
    """A tracker of its own: a streamed export outlives the request thread that started it."""
    state = server_state(request)
    tracker = Tracker(settings=state.settings)
    tracker.search_engine = state.search_engine
    return tracker


def _closing(tracker: Tracker, rows: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    try:
        yield from rows
    finally:
        tracker.close()


@router.get("/api/search.{kind}", summary="Every search hit as json, csv, atom or rss (streamed, uncapped)")
def export_search(request: Request, kind: str, q: Query1000, lang: LangFilter = None) -> StreamingResponse:
    kind = _kind(kind)
    tracker = _fresh_tracker(request)
    rows = _closing(tracker, search_rows(tracker, q, clean_lang(lang)))
    return _stream(request, kind, "search", f"storyweave search: {q}", SEARCH_COLUMNS, rows)


@router.get("/api/events/{event_id}.{kind}", summary="An event's articles as json, csv, atom or rss")
def export_event(request: Request, event_id: str, kind: str) -> Response:
    if kind not in FORMATS:  # an event id with a dot in it, not an export
        return JSONResponse(server_state(request).reader().event(f"{event_id}.{kind}"))
    tracker = _fresh_tracker(request)
    rows = _closing(tracker, event_rows(tracker, event_id))
    return _stream(request, kind, f"event-{event_id}", f"storyweave event {event_id}", ARTICLE_COLUMNS, rows)


@router.get("/api/entities/{entity_id}.{kind}", summary="Articles naming an entity as json, csv, atom or rss")
def export_entity(request: Request, entity_id: str, kind: str) -> Response:
    if kind not in FORMATS:  # an entity id with a dot in it, not an export
        return JSONResponse(server_state(request).reader().entity(f"{entity_id}.{kind}"))
    tracker = _fresh_tracker(request)
    rows = _closing(tracker, entity_rows(tracker, entity_id))
    return _stream(request, kind, f"entity-{entity_id}", f"storyweave entity {entity_id}", ARTICLE_COLUMNS, rows)


def front_page_rows(request: Request) -> Iterator[dict[str, Any]]:
    from .views import front_page_events

    state = server_state(request)
    base = str(request.base_url)
    for event in front_page_events(state, int(state.settings.page_size)):
        yield {"article_id": event["id"], "title": event.get("title"), "lang": event.get("lang"),
               "publish_date": event.get("last_date"), "link": f"{base}events/{event['id']}",
               "urn": f"urn:storyweave:event:{event['id']}",
               "summary": f"{event.get('articles')} articles in {', '.join(sorted(event.get('langs') or {}))}"}


@router.get("/feeds/events.{kind}", summary="The front page's events as an Atom or RSS feed")
def feed_events(request: Request, kind: str) -> StreamingResponse:
    rows = list(front_page_rows(request))  # small and ranked: built before streaming starts
    return _stream(request, _kind(kind, feeds_only=True), "events", "storyweave: latest events", [], iter(rows))


@router.get("/feeds/search.{kind}", summary="A search as an Atom or RSS feed")
def feed_search(request: Request, kind: str, q: Query1000, lang: LangFilter = None) -> StreamingResponse:
    return export_search(request, _kind(kind, feeds_only=True), q, lang)


@router.get("/feeds/event/{event_id}.{kind}", summary="An event as an Atom or RSS feed")
def feed_event(request: Request, event_id: str, kind: str) -> Response:
    return export_event(request, event_id, _kind(kind, feeds_only=True))


@router.get("/feeds/entity/{entity_id}.{kind}", summary="An entity's articles as an Atom or RSS feed")
def feed_entity(request: Request, entity_id: str, kind: str) -> Response:
    return export_entity(request, entity_id, _kind(kind, feeds_only=True))


def _kind(kind: str, feeds_only: bool = False) -> str:
    allowed = ("atom", "rss") if feeds_only else FORMATS
    if kind not in allowed:
        raise HTTPException(404, f"no export format {kind!r}; use one of {', '.join(allowed)}")
    return kind
