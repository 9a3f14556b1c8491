"""The FastAPI application: security headers, size limit, the error envelope, and its routers.

The state every module shares (trackers, search engine, caches) lives in ``state.py``, so the
routers import it rather than this module, and the package has no import cycle.

Every error, whatever raised it (unknown route, wrong method, validation, storyweave errors, bugs),
leaves as ``{"error": {"code", "message", "status"}}``; browsers asking for a web page get the same
message as an HTML page.  Reads go through one ``Tracker`` per worker thread (SQLite connections
must not be shared between concurrent requests); writes go through a single writer tracker behind a
lock, as the store has exactly one writer.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.staticfiles import StaticFiles

from .. import __version__
from ..embed import loaded_models
from ..errors import BlockedURLError, FetchError, InputError, NotFoundError, StoreError, StoryweaveError
from ..settings import Settings
from ..tracker import Tracker
from . import alerts, api, exports, guard, sources, stream, ui, watch_pages
from .cache import ResponseCache
from .i18n import page_context
from .naming import romanised
from .state import ASGIApp, Message, Receive, Scope, Send, ServerState, error_body
from .templates import STATIC_DIR, templates
from .views import front_page_events, warm_cards, with_coverage

log = logging.getLogger(__name__)

SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}

# -- errors ------------------------------------------------------------------------------------------
def _wants_html(request: Request) -> bool:
    path = request.url.path
    if path.startswith(("/api", "/feeds", "/openapi", "/static")):
        return False
    return "text/html" in request.headers.get("accept", "")


def error_response(request: Request, status: int, message: str, code: str | None = None,
                   headers: dict[str, str] | None = None) -> Response:
    body = error_body(status, message, code)
    if _wants_html(request):
        context = {**page_context(request), "error": body["error"], "detail": web_detail(message)}
        response: Response = templates.TemplateResponse(request, "error.html", context, status_code=status)
    else:
        response = JSONResponse(body, status_code=status)
    response.headers.update(headers or {})
    response.headers.update(SECURITY_HEADERS)
    return response


def web_detail(message: str) -> str:
    """An error message for a web page: the clauses that tell a terminal user which command to run
    ("…; list them with 'storyweave events'") are left out, as the page offers links instead."""
    kept = [part for part in message.split("; ") if "'storyweave " not in part and "`storyweave " not in part]
    return "; ".join(kept) or message


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors()[:5]:
        where = " ".join(str(p) for p in error.get("loc", ()) if p != "body") or "request"
        parts.append(f"{where}: {error.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        defaults = {404: f"nothing at {request.url.path}",
                    405: f"{request.method} is not allowed on {request.url.path}"}
        stock = exc.detail in ("Not Found", "Method Not Allowed") or not isinstance(exc.detail, str)
        message = defaults.get(exc.status_code, str(exc.detail)) if stock else str(exc.detail)
        return error_response(request, exc.status_code, message, headers=dict(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        return error_response(request, 422, _validation_message(exc))

    @app.exception_handler(StoryweaveError)
    async def _storyweave(request: Request, exc: StoryweaveError) -> Response:
        status = 500
        if isinstance(exc, NotFoundError):
            status = 404
        elif isinstance(exc, InputError | BlockedURLError):
            status = 400
        elif isinstance(exc, FetchError):
            status = 502
        elif isinstance(exc, StoreError):
            status = 503
        return error_response(request, status, str(exc))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return error_response(request, 500, "internal error; the server log has the details")


# -- middleware ----------------------------------------------------------------------------------------
class SecurityHeaders:
    """Adds the security headers to every response that passes through the application."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.decode().lower() not in SECURITY_HEADERS]
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Refuses request bodies over ``max_bytes`` with 413, by Content-Length or while streaming."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        message = f"request body over the server's limit of {self.max_bytes} bytes (setting max_request_bytes)"
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > self.max_bytes:
                # The body is read to its end, so the connection stays usable: closing it with
                # unread bytes would make the kernel reset it before the client reads the 413.
                await self._drain(receive)
                response = JSONResponse(error_body(413, message), status_code=413)
                await response(scope, receive, send)
                return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            incoming = await receive()
            if incoming["type"] == "http.request":
                received += len(incoming.get("body", b""))
                if received > self.max_bytes:
                    if incoming.get("more_body"):
                        await self._drain(receive)
                    raise StarletteHTTPException(413, message)
            return incoming

        await self.app(scope, limited_receive, send)

    async def _drain(self, receive: Receive) -> None:
        """Read and drop the rest of an oversized body (up to a bound), so the client sees the 413
        instead of a connection reset while it is still sending."""
        drained, bound = 0, max(1 << 20, 4 * self.max_bytes)
        while drained <= bound:
            incoming = await receive()
            if incoming["type"] != "http.request":
                return
            drained += len(incoming.get("body", b""))
            if not incoming.get("more_body"):
                return


# -- start-up ----------------------------------------------------------------------------------------
WARM_UP_QUERY = "news"
WARM_UP_NAME = "بوتين"
WARM_CARDS = 20_000  # newest events whose cards are computed before ready (1.2 ms each at 10k articles, 2-core EPYC)


def warm_up(state: ServerState, stopping: threading.Event | None = None) -> None:
    """Pay what a first reader would: load both encoders and the name knowledge base, read the
    article vectors (one search does all three), load the romaniser that names entities in scripts
    the reader may not read (8 s), rank the front page and compute the newest events' cards (what
    the event list and the entity pages show of each event).  Then report ready."""
    try:
        state.reader().search(WARM_UP_QUERY, limit=1)
        state.warmed.append("search")
        romanised(WARM_UP_NAME)
        state.warmed.append("romaniser")
        # The cards for a client that names no language (scripts, feed readers, first visits).
        with_coverage(state, front_page_events(state, int(state.settings.page_size)), [])
        state.warmed.append("front page")
        warm_cards(state, WARM_CARDS)
        state.warmed.append("event cards")
    except Exception:  # a broken model must not keep the server unready: searches fall back to words
        if stopping is not None and stopping.is_set():
            # The server stopped under it and closed the store: nothing failed.
            log.info("the server stopped while warming up")
        else:
            log.exception("warming up the server failed; it serves without")
    finally:
        state.warmed.extend(f"model {name}" for name in loaded_models())
        # The models, knowledge base and romaniser are millions of objects that live as long as the
        # server: out of the collector's reach, a full collection no longer stalls every request.
        gc.freeze()
        state.ready.set()


# -- factory -----------------------------------------------------------------------------------------
def create_app(tracker_or_settings: Tracker | Settings | None = None, *, host: str = "127.0.0.1",
               follow: bool = False) -> FastAPI:
    """The storyweave web application over one store.

    Pass a ``Tracker`` (it becomes the single writer; readers open their own connections to the
    same file) or ``Settings``.  ``host`` is the address the server binds: on a loopback address
    writes need no token unless ``api_token`` is set; elsewhere they always need it.  Requests must
    name that address (or, on loopback, localhost; or a name in ``allowed_hosts``): see ``guard``.
    With ``follow``, the followed sources are polled in a background thread through the writer.
    """
    if isinstance(tracker_or_settings, Tracker):
        settings, writer = tracker_or_settings.settings, tracker_or_settings
    else:
        settings, writer = (tracker_or_settings or Settings.load()), None
    if int(settings.serve_model_threads) > 0:  # before the models load (warm-up)
        settings.set("embed_threads", int(settings.serve_model_threads), "setting serve_model_threads")
    state = ServerState(settings, host, writer)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        stop = threading.Event()
        delivery = threading.Thread(target=state.deliver_until, args=(stop,), name="alert-delivery", daemon=True)
        if float(settings.alert_deliver_every_s) > 0:
            delivery.start()
        # In a thread: the server answers (``/api/health``, ``/api/ready`` with 503) while it loads.
        threading.Thread(target=warm_up, args=(state, stop), name="warm-up", daemon=True).start()
        if follow:
            state.start_following()
        yield
        stop.set()
        if delivery.is_alive():
            delivery.join(timeout=float(settings.alert_webhook_timeout_s) + 5)
        state.close()

    app = FastAPI(
        lifespan=lifespan,
        title="storyweave",
        version=__version__,
        description="Multilingual news events, storylines and entities from a self-hosted store.",
        docs_url=None,  # the stock Swagger UI loads from a CDN; /docs is a local page instead
        redoc_url=None,
    )
    app.state.storyweave = state
    install_error_handlers(app)

    app.add_middleware(guard.RequestGuard, bound=host, allowed_hosts=settings.allowed_hosts)
    app.add_middleware(BodyLimit, max_bytes=int(settings.max_request_bytes))
    app.add_middleware(SecurityHeaders)
    # Outermost, so a kept answer skips everything else.  It only ever keeps answers that went
    # through the guard (200s, never its refusals), under a key holding the Host they were asked by.
    app.add_middleware(ResponseCache, version=state.version, max_bytes=int(settings.serve_cache_mb) << 20,
                       computations=int(settings.serve_computations))

    app.include_router(exports.router)  # first: /api/events/ID.csv must not be read as an event id
    app.include_router(api.router)
    app.include_router(alerts.router)
    app.include_router(sources.router)
    app.include_router(stream.router)
    app.include_router(ui.router)
    app.include_router(watch_pages.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    def docs(request: Request) -> Response:
        return templates.TemplateResponse(request, "docs.html", {**page_context(request), "schema": app.openapi()})

    return app
