"""Server-rendered web pages (Jinja2, autoescaped).  Scripts are static files: the CSP forbids inline JS."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..outlets import outlet_of
from .i18n import page_context, remember_choice, request_languages
from .naming import entity_label
from .state import server_state
from .templates import templates
from .text import clean_lang, decode_cursor, one_page
from .views import entity_page, event_page, front_page_events, unique_by_article, with_coverage

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

LangParam = Annotated[str | None, Query(max_length=8)]


def _render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    for key, value in page_context(request).items():
        context.setdefault(key, value)
    response = templates.TemplateResponse(request, name, context, status_code=status)
    remember_choice(request, response)
    return response


def _front_page(request: Request) -> list[dict[str, Any]]:
    state = server_state(request)
    return with_coverage(state, front_page_events(state, int(state.settings.page_size)), request_languages(request))


@router.get("/")
def index(request: Request, lang: LangParam = None) -> Response:
    return _render(request, "index.html", {"events": _front_page(request)})


@router.get("/fragments/events")
def events_fragment(request: Request, lang: LangParam = None) -> Response:
    """The front page's event list alone, for the live updater to swap in."""
    return _render(request, "_events.html", {"events": _front_page(request)})


@router.get("/events")
def all_events(request: Request, cursor: Annotated[str | None, Query(max_length=500)] = None,
               lang: LangParam = None) -> Response:
    state = server_state(request)
    size = int(state.settings.page_size)
    rows, next_cursor = one_page(state.reader().events(limit=size + 1, cursor=decode_cursor(cursor)), size)
    return _render(request, "events.html", {"events": with_coverage(state, rows, request_languages(request)),
                                            "next_cursor": next_cursor})


@router.get("/events/{event_id}")
def event(request: Request, event_id: str, lang: LangParam = None) -> Response:
    state = server_state(request)
    context = event_page(state, event_id, request_languages(request))
    if context["event"]["id"] != event_id:  # merged into another event: send the reader there
        target = request.url_for("event", event_id=context["event"]["id"]).include_query_params(**request.query_params)
        return RedirectResponse(str(target), status_code=301)
    return _render(request, "event.html", context)


@router.get("/events/{event_id}/unique")
def event_unique(request: Request, event_id: str, lang: LangParam = None) -> Response:
    """Fragment: what each source says that the others do not (slower, so loaded after the page)."""
    state = server_state(request)
    event_data = state.reader().event(event_id)
    tracker = state.reader()
    articles = [tracker.article(a["id"]) for a in event_data.get("articles", []) if not a.get("duplicate_of")]
    return _render(request, "_unique.html", {"unique": unique_by_article(state, event_data, articles)})


@router.get("/entities")
def entities(request: Request, type: Annotated[str | None, Query(pattern="^(person|place|organisation|other)$")] = None,
             lang: LangParam = None) -> Response:
    state = server_state(request)
    languages = request_languages(request)
    rows = state.reader().entities(limit=int(state.settings.max_page_size), type=type)
    for row in rows:
        row.update(entity_label(row.get("names") or {}, row.get("name") or row["id"], languages))
    return _render(request, "entities.html", {"entities": rows, "type": type})


@router.get("/entities/{entity_id}")
def entity(request: Request, entity_id: str, cursor: Annotated[str | None, Query(max_length=500)] = None,
           lang: LangParam = None) -> Response:
    context = entity_page(server_state(request), entity_id, request_languages(request), decode_cursor(cursor))
    return _render(request, "entity.html", context)


@router.get("/articles/{article_id:path}")
def article(request: Request, article_id: str, lang: LangParam = None) -> Response:
    details = server_state(request).reader().article_details(article_id)
    details["outlet"] = outlet_of(details.get("source"), details.get("url"), details.get("title"), details.get("text"))
    paragraphs = [p for p in (details.get("text") or "").split("\n") if p.strip()]
    return _render(request, "article.html", {"article": details, "paragraphs": paragraphs})


@router.get("/sources")
def sources(request: Request, lang: LangParam = None) -> Response:
    """The followed sources and their health."""
    return _render(request, "sources.html", {"sources": server_state(request).reader().sources()})


@router.get("/search")
def search(request: Request, q: Annotated[str, Query(max_length=1000)] = "", lang: LangParam = None,
           only: Annotated[str | None, Query(max_length=8)] = None,
           cursor: Annotated[str | None, Query(max_length=500)] = None) -> Response:
    state = server_state(request)
    size = int(state.settings.page_size)
    hits: list[dict[str, Any]] = []
    next_cursor = None
    if q.strip():
        after = decode_cursor(cursor)
        hits, next_cursor = one_page(state.reader().search(q, lang=clean_lang(only), limit=size + 1,
                                                           cursor=after if isinstance(after, int) else None),
                                     size, lambda hit: int(hit["cursor"]))
    for hit in hits:  # stores written before outlets were derived at ingest
        hit["source"] = outlet_of(hit.get("source"), hit.get("url"), hit.get("title"))
    return _render(request, "search.html", {"q": q, "only": clean_lang(only), "hits": hits,
                                            "next_cursor": next_cursor})
