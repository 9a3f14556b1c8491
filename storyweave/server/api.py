"""REST API under /api: articles, events, storylines, entities, search, ingest, health.

Lists page with an opaque ``cursor``: each page returns ``cursor`` and a ready ``next`` link (both
null on the last page).  Cursors are positions in a stable order (insertion or the store's own),
so pages neither skip nor repeat items when new articles arrive between requests.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..errors import InputError
from ..ingest import record_to_doc
from ..ingest.records import flatten_nested
from ..memory import release_free_memory
from ..models import RawDoc, Reject
from .state import ServerState, error_body, is_loopback, server_state
from .text import clean_lang, decode_cursor, one_page

router = APIRouter(prefix="/api", tags=["api"])

Lang = Annotated[str | None, Query(description="ISO 639-1 language code, e.g. ar, fr.", max_length=8)]
Since = Annotated[str | None, Query(description="Earliest publication date, YYYY-MM-DD.", max_length=32)]
Until = Annotated[str | None, Query(description="Latest publication date, YYYY-MM-DD.", max_length=32)]
Source = Annotated[str | None, Query(description="Outlet name or domain, exactly as stored.", max_length=300)]
Cursor = Annotated[str | None, Query(description="The 'cursor' of the previous page.", max_length=500)]
Limit = Annotated[int | None, Query(ge=1, description="Items per page (default setting page_size).")]


def page_limit(state: ServerState, limit: int | None) -> int:
    cap = int(state.settings.max_page_size)
    if limit is not None and limit > cap:
        raise InputError(f"limit {limit} is over the largest page size {cap} (setting max_page_size)")
    return limit or int(state.settings.page_size)


def paged(
    request: Request, rows: list[dict[str, Any]], limit: int, position: Callable[[dict[str, Any]], Any]
) -> dict[str, Any]:
    """A page of ``rows`` (fetched with ``limit + 1`` to learn whether more exist) with its next link."""
    items, cursor = one_page(rows, limit, position)
    next_link = str(request.url.include_query_params(cursor=cursor)) if cursor else None
    return {"items": items, "cursor": cursor, "next": next_link}


def _without(item: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k not in keys}


def paged_by_row_cursor(request: Request, rows: list[dict[str, Any]], limit: int) -> dict[str, Any]:
    """A page of rows that carry their own ``cursor`` field, which stays out of the items."""
    page = paged(request, rows, limit, lambda row: row["cursor"])
    page["items"] = [_without(item, "cursor") for item in page["items"]]
    return page


# -- health ----------------------------------------------------------------------------------------
@router.get("/health", summary="Liveness and store counts")
def health(request: Request) -> dict[str, Any]:
    tracker = server_state(request).reader()
    return {"status": "ok", "version": __version__, "schema": tracker.db.schema_version(), **tracker.stats()}


@router.get("/ready", summary="Readiness: 200 once the models a first search needs are loaded, 503 before",
            responses={503: {"description": "Still loading the models"}})
async def ready(request: Request) -> JSONResponse:
    state = server_state(request)
    if not state.ready.is_set():
        return JSONResponse(error_body(503, "warming up: loading the models", "warming_up"), status_code=503,
                            headers={"retry-after": "1"})
    return JSONResponse({"status": "ready", "warmed": list(state.warmed)})


# -- articles --------------------------------------------------------------------------------------
@router.get("/articles", summary="Articles in ingest order")
def list_articles(request: Request, lang: Lang = None, source: Source = None, since: Since = None,
                  until: Until = None, cursor: Cursor = None, limit: Limit = None) -> dict[str, Any]:
    state = server_state(request)
    size = page_limit(state, limit)
    after = decode_cursor(cursor)
    rows = state.reader().articles(lang=clean_lang(lang), source=source, since=since, until=until,
                                   cursor=after if isinstance(after, int) else None, limit=size + 1)
    return paged(request, rows, size, lambda row: int(row["seq"]))


@router.get("/articles/{article_id:path}", summary="One article with its entities, dates and event")
def get_article(request: Request, article_id: str) -> dict[str, Any]:
    state = server_state(request)
    details = state.reader().article_details(article_id)
    # Response serialisation has a depth limit of its own; leave room for the envelope around it.
    details["metadata"] = flatten_nested(details["metadata"], int(state.settings.max_metadata_depth))
    return details


# -- events and storylines ---------------------------------------------------------------------------
@router.get("/events", summary="Events, most recent first")
def list_events(request: Request, lang: Lang = None, since: Since = None, until: Until = None,
                entity: Annotated[str | None, Query(description="Entity id it involves.", max_length=300)] = None,
                source: Source = None, cursor: Cursor = None, limit: Limit = None) -> dict[str, Any]:
    state = server_state(request)
    size = page_limit(state, limit)
    rows = state.reader().events(limit=size + 1, cursor=decode_cursor(cursor), lang=clean_lang(lang), since=since,
                                 until=until, entity=entity, source=source)
    return paged_by_row_cursor(request, rows, size)


@router.get("/events/{event_id}", summary="One event: articles, entities, dates, storyline")
def get_event(request: Request, event_id: str) -> dict[str, Any]:
    return server_state(request).reader().event(event_id)


@router.get("/events/{event_id}/summary", summary="Headline in a language and what each source adds")
def get_event_summary(request: Request, event_id: str, lang: Lang = None) -> dict[str, Any]:
    from .views import event_summary

    return event_summary(server_state(request), event_id, lang, request.headers.get("accept-language"))


@router.get("/storylines", summary="Storylines, most recent first")
def list_storylines(request: Request, cursor: Cursor = None, limit: Limit = None) -> dict[str, Any]:
    state = server_state(request)
    size = page_limit(state, limit)
    rows = state.reader().storylines(limit=size + 1, cursor=decode_cursor(cursor))
    return paged_by_row_cursor(request, rows, size)


@router.get("/storylines/{storyline_id}", summary="One storyline with its events in order")
def get_storyline(request: Request, storyline_id: str) -> dict[str, Any]:
    return server_state(request).reader().storyline(storyline_id)


# -- entities ------------------------------------------------------------------------------------------
@router.get("/entities", summary="Entities, most mentioned first")
def list_entities(request: Request,
                  type: Annotated[str | None, Query(description="person, place, organisation or other.",
                                                    pattern="^(person|place|organisation|other)$")] = None,
                  lang: Lang = None, cursor: Cursor = None, limit: Limit = None) -> dict[str, Any]:
    state = server_state(request)
    size = page_limit(state, limit)
    after = decode_cursor(cursor)
    offset = after if isinstance(after, int) else 0
    # The entity list is ranked (mentions), so the cursor is a position in that ranking.
    rows = state.reader().entities(limit=offset + size + 1, type=type, lang=clean_lang(lang))[offset:]
    for position, row in enumerate(rows, start=offset + 1):
        row["_position"] = position
    page = paged(request, rows, size, lambda row: row["_position"])
    page["items"] = [_without(item, "_position", "cursor") for item in page["items"]]
    return page


@router.get("/entities/{entity_id}", summary="One entity: names in every script, articles")
def get_entity(request: Request, entity_id: str) -> dict[str, Any]:
    return server_state(request).reader().entity(entity_id)


# -- search ----------------------------------------------------------------------------------------------
@router.get("/search", summary="Full-text, cross-lingual semantic and entity search, blended")
def search(request: Request,
           q: Annotated[str, Query(min_length=1, max_length=1000, description="Query, any language.")],
           lang: Lang = None, source: Source = None, since: Since = None, until: Until = None,
           semantic: Annotated[bool, Query(description="Include cross-lingual semantic matches.")] = True,
           cursor: Cursor = None, limit: Limit = None) -> dict[str, Any]:
    state = server_state(request)
    size = page_limit(state, limit)
    after = decode_cursor(cursor)
    hits = state.reader().search(q, lang=clean_lang(lang), source=source, since=since, until=until, semantic=semantic,
                                 limit=size + 1, cursor=after if isinstance(after, int) else None)
    page = paged(request, hits, size, lambda hit: int(hit["cursor"]))
    page["items"] = [_without(hit, "cursor") for hit in page["items"]]
    page["query"] = q
    return page


# -- ingest ----------------------------------------------------------------------------------------------
def require_writer(request: Request) -> None:
    """Writes need ``Authorization: Bearer <api_token>``; without a token set, only a loopback server accepts them."""
    state = server_state(request)
    token = str(state.settings.api_token or "")
    if not token:
        if is_loopback(state.host):
            return
        raise StarletteHTTPException(403, "writes are disabled: set the api_token setting to accept them on "
                                          f"{state.host}")
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise StarletteHTTPException(401, "send the api_token setting as 'Authorization: Bearer <token>'",
                                     headers={"www-authenticate": "Bearer"})


def _docs_from_body(value: Any) -> tuple[list[RawDoc | Reject], str | None]:
    """Article records from a JSON body, or the URL to fetch when the body is ``{"url": …}``."""
    if isinstance(value, dict) and "url" in value and "id" not in value:
        url = value["url"]
        if not isinstance(url, str) or not url.strip():
            raise StarletteHTTPException(422, "field 'url' must be a non-empty string")
        return [], url.strip()
    records = value if isinstance(value, list) else [value]
    if not records:
        raise StarletteHTTPException(422, "send an article object, a list of them, or {\"url\": …}")
    return [record_to_doc(record, f"api#{number}") for number, record in enumerate(records, start=1)], None


@router.post("/ingest", summary="Add articles (the JSON record of docs/formats.md, one or many) or fetch {\"url\": …}",
             responses={200: {"description": "What was added, skipped as duplicate, or rejected"}})
async def ingest(request: Request) -> dict[str, Any]:
    require_writer(request)
    body = await request.body()
    try:
        value = json.loads(body or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise StarletteHTTPException(422, f"body is not valid JSON: {exc}") from None
    docs, url = _docs_from_body(value)
    state = server_state(request)

    def run() -> dict[str, Any]:
        with state.write_lock:
            writer = state.writer
            report = writer.ingest(url) if url is not None else writer.ingest_docs(docs)
            release_free_memory()  # an ingest frees much more than a read: give it back now
        return report.as_dict()

    return await run_in_threadpool(run)
