"""Routes for exports of any search, entity or event: JSON, CSV, Atom and RSS, streamed and uncapped.

The formats themselves are built in ``storyweave.exports``, which the CLI's export commands share.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.exceptions import HTTPException

from ..exports import FORMATS, MEDIA_TYPES, Export, entity_export, event_export, render, search_export
from ..tracker import Tracker
from .state import server_state
from .text import clean_lang

router = APIRouter(tags=["exports"])

Query1000 = Annotated[str, Query(min_length=1, max_length=1000, description="Search query, any language.")]
LangFilter = Annotated[str | None, Query(max_length=8)]


def _stream(request: Request, kind: str, export: Export) -> StreamingResponse:
    body = render(kind, export, str(request.url), str(request.base_url))
    headers = {"content-disposition": f'attachment; filename="{export.name}.{kind}"'} if kind in ("json", "csv") else {}
    return StreamingResponse(body, media_type=MEDIA_TYPES[kind], headers=headers)


def _tracked(request: Request, build: Callable[[Tracker], Export]) -> Export:
    """``build``'s export over a tracker of its own, closed when the stream ends (or fails to start)."""
    tracker = _fresh_tracker(request)
    try:
        export = build(tracker)
    except BaseException:
        tracker.close()
        raise
    export.rows = _closing(tracker, export.rows)
    return export


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
    return _stream(request, kind, _tracked(request, lambda tracker: search_export(tracker, q, clean_lang(lang))))


@router.get("/api/events/{event_id}.{kind}", summary="An event's articles as json, csv, atom or rss")
def export_event(request: Request, event_id: str, kind: str) -> Response:
    if kind not in FORMATS:  # an event id with a dot in it, not an export
        return JSONResponse(server_state(request).reader().event(f"{event_id}.{kind}"))
    return _stream(request, kind, _tracked(request, lambda tracker: event_export(tracker, event_id)))


@router.get("/api/entities/{entity_id}.{kind}", summary="Articles naming an entity as json, csv, atom or rss")
def export_entity(request: Request, entity_id: str, kind: str) -> Response:
    if kind not in FORMATS:  # an entity id with a dot in it, not an export
        return JSONResponse(server_state(request).reader().entity(f"{entity_id}.{kind}"))
    return _stream(request, kind, _tracked(request, lambda tracker: entity_export(tracker, entity_id)))


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
    export = Export(iter(rows), [], "storyweave: latest events", "events")
    return _stream(request, _kind(kind, feeds_only=True), export)


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
