"""Whole responses kept until the store changes: ETag and 304, gzip, one computation per page at a time.

A page or API answer depends only on the request (path, query, host, the reader's languages) and on
the store's content, so a GET answered once is answered again from memory, byte for byte, until any
writer (this server, or ``storyweave ingest`` in another process) commits to the store.  The
store's version (``StoreVersion``: SQLite's ``data_version``) is read on each request; it costs
microseconds and reads no table.

- **ETag** (weak, over the uncompressed body) and ``Cache-Control: no-cache``: a browser keeps the
  page and asks again with ``If-None-Match``; an unchanged page is a 304 without a body.
- **gzip** for text bodies from ``GZIP_MIN_BYTES``, compressed once per cached answer, when the
  request accepts it (``Vary: Accept-Encoding``).
- **One computation at a time per page**: while a request computes a page anew after a commit,
  the other requests for it get the version before (stale by one computation) instead of each
  computing it, so an ingest running beside the server does not multiply the work.  With no earlier
  version they wait for the one being computed.  When every slot (below) is busy, the request that
  finds its page out of date gets the version before too, and the page is computed behind it: under
  a steady ingest every page is out of date after each commit, and readers would otherwise queue
  behind the computation of every other page.  An idle server computes the page while the reader
  waits, so a write shows on the next request.
- **Few computations at once**: at most ``computations`` pages are computed at the same time (the
  rest queue, first come first served).  A computation is Python holding the GIL; thirty of them
  in the thread pool would each take thirty times as long, and would starve the event loop that
  answers every cached page.
- **Before everything else**: the cache is the application's outermost layer, so an answer in
  memory is sent without routing or other middleware; it was kept with the headers they added.
  HEAD is answered from memory as GET without the body.

Only complete answers are kept (status 200 with a Content-Length, setting no cookie but the
reader's language choice); streams, exports, errors and the health and readiness probes pass
through untouched.  The language cookie is kept with the answer: a ``?lang=`` answer sets it for
whoever sends the same request (the key holds the query and the cookie sent), and a client that
never sends it back (a script, a feed reader) would otherwise have every such page computed anew.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import logging
from collections import OrderedDict, deque
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool

from .i18n import COOKIE
from .state import ASGIApp, Message, Receive, Scope, Send, StoreVersion

log = logging.getLogger(__name__)

GZIP_MIN_BYTES = 1024
CACHE_CONTROL = b"no-cache"
VARY = b"Accept, Accept-Encoding, Accept-Language, Cookie"
# Answers that must be computed on each request: the live stream, probes, writes.
UNCACHED_PATHS = ("/api/stream", "/api/health", "/api/ready", "/api/ingest", "/static/")
_COMPRESSIBLE = (b"text/", b"application/json", b"application/xml", b"application/atom", b"application/rss",
                 b"image/svg")
_KEY_HEADERS = (b"host", b"accept", b"accept-language", b"cookie")
LANGUAGE_COOKIE_PREFIX = COOKIE.encode() + b"="


@dataclass(frozen=True)
class Entry:
    version: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    gzipped: bytes | None
    etag: bytes

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzipped or b"")


class ResponseCache:
    """ASGI middleware keeping whole GET answers per store version (see the module's notes)."""

    def __init__(self, app: ASGIApp, version: StoreVersion, max_bytes: int, computations: int) -> None:
        self.app = app
        self.version = version
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple[bytes, ...], Entry] = OrderedDict()
        self._held = 0
        self._computing: dict[tuple[bytes, ...], asyncio.Future[Entry | None]] = {}
        self.computations = max(1, computations)
        self._slots: tuple[asyncio.AbstractEventLoop, Slots] | None = None
        self._refreshing: set[asyncio.Task[None]] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or scope["method"] not in ("GET", "HEAD")
                or scope["path"].startswith(UNCACHED_PATHS)):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        if b"content-length" in headers or b"transfer-encoding" in headers:  # a GET with a body: the app decides
            await self.app(scope, receive, send)
            return
        key = (scope["path"].encode(), scope.get("query_string", b""), *(headers.get(h, b"") for h in _KEY_HEADERS))
        head = scope["method"] == "HEAD"
        version = self.version.current()
        if version is None:
            await self.app(scope, receive, send)
            return
        entry = self._entries.get(key)
        if entry is not None and (entry.version == version or key in self._computing):
            self._entries.move_to_end(key)
            await self._answer(entry, headers, send, head)
            return
        if head:  # kept answers only: a HEAD computes nothing for later GETs
            await self.app(scope, receive, send)
            return
        pending = self._computing.get(key)
        if pending is not None:
            computed = await asyncio.shield(pending)
            if computed is not None:
                await self._answer(computed, headers, send)
                return
            await self.app(scope, receive, send)
            return
        future: asyncio.Future[Entry | None] = asyncio.get_running_loop().create_future()
        self._computing[key] = future
        if entry is not None and self._semaphore().busy:
            # Every slot is busy: waiting for one would make this reader pay for the queue, so
            # they get the version before and the page is computed anew behind them.
            task = asyncio.create_task(self._refresh(key, dict(scope), version, future))
            self._refreshing.add(task)
            task.add_done_callback(self._refreshing.discard)
            self._entries.move_to_end(key)
            await self._answer(entry, headers, send)
            return
        computed = None
        try:
            computed = await self._compute(scope, receive, send, version)
        finally:
            del self._computing[key]
            future.set_result(computed)
        if computed is not None:
            self._keep(key, computed)
            await self._answer(computed, headers, send)

    async def _refresh(self, key: tuple[bytes, ...], scope: Scope, version: int,
                       future: asyncio.Future[Entry | None]) -> None:
        """Compute a page with no reader waiting for it; an answer that can no longer be kept (the
        page now redirects, or fails) drops the version before, so the next reader gets it live."""
        asked = False

        async def receive() -> Message:
            nonlocal asked
            if not asked:
                asked = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await asyncio.Event().wait()  # no client to disconnect: wait until cancelled
            return {"type": "http.disconnect"}

        async def nowhere(message: Message) -> None:
            return None

        computed = None
        try:
            computed = await self._compute(scope, receive, nowhere, version, behind=True)
        except Exception:  # the live request that follows shows the error; the log keeps why
            log.exception("computing %s again failed", scope.get("path"))
        finally:
            del self._computing[key]
            future.set_result(computed)
        if computed is not None:
            self._keep(key, computed)
        elif key in self._entries:
            self._held -= self._entries.pop(key).size

    def _semaphore(self) -> Slots:
        """The slots of the running loop (a test may run the application in several loops in turn)."""
        loop = asyncio.get_running_loop()
        if self._slots is None or self._slots[0] is not loop:
            self._slots = (loop, Slots(self.computations))
        return self._slots[1]

    async def _compute(self, scope: Scope, receive: Receive, send: Send, version: int,
                       behind: bool = False) -> Entry | None:
        """Run the application in one of the slots: a complete answer is returned (not sent); any
        other goes to the client as it comes and None is returned.  A computation ``behind`` a
        reader (who has been answered) waits until no reader waits for a slot.

        The slot is given back when the answer starts, which is when a page has been computed: a
        stream (an export) keeps going without holding it."""
        start: Message | None = None
        parts: list[bytes] = []
        passing = False
        slots = self._semaphore()
        await slots.acquire(behind)
        holding = True

        async def capture(message: Message) -> None:
            nonlocal start, passing, holding
            if holding and message["type"] == "http.response.start":
                slots.release()
                holding = False
            if passing:
                await send(message)
            elif message["type"] == "http.response.start":
                start = message
                names = {name.lower() for name, _ in message.get("headers", [])}
                if message["status"] != 200 or b"content-length" not in names or _sets_other_cookies(message):
                    passing = True
                    await send(message)
            elif message["type"] == "http.response.body":
                parts.append(message.get("body", b""))

        try:
            await self.app(scope, receive, capture)
        finally:
            if holding:
                slots.release()
        if passing or start is None:
            return None
        kept = [(n, v) for n, v in start.get("headers", []) if n.lower() not in (b"content-length", b"etag")]
        # Hashing and compressing take milliseconds on a big page: not on the event loop.
        return await run_in_threadpool(_entry, version, kept, b"".join(parts))

    def _keep(self, key: tuple[bytes, ...], entry: Entry) -> None:
        if entry.size > self.max_bytes // 8:  # one huge answer must not empty the cache
            return
        old = self._entries.pop(key, None)
        self._held += entry.size - (old.size if old else 0)
        self._entries[key] = entry
        while self._held > self.max_bytes and self._entries:
            self._held -= self._entries.popitem(last=False)[1].size

    async def _answer(self, entry: Entry, request_headers: dict[bytes, bytes], send: Send, head: bool = False) -> None:
        common = [*entry.headers, (b"etag", entry.etag), (b"cache-control", CACHE_CONTROL), (b"vary", VARY)]
        wanted = request_headers.get(b"if-none-match", b"")
        if wanted and (wanted.strip() == b"*" or entry.etag in [t.strip() for t in wanted.split(b",")]):
            await send({"type": "http.response.start", "status": 304,
                        "headers": [(n, v) for n, v in common if n.lower() != b"content-type"]})
            await send({"type": "http.response.body", "body": b""})
            return
        body = entry.body
        if entry.gzipped is not None and _accepts_gzip(request_headers.get(b"accept-encoding", b"")):
            body = entry.gzipped
            common.append((b"content-encoding", b"gzip"))
        common.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": 200, "headers": common})
        await send({"type": "http.response.body", "body": b"" if head else body})


def _sets_other_cookies(start: Message) -> bool:
    """Does the answer set a cookie other than the reader's language choice (which depends on the
    request alone, so may be answered again to the same request)?"""
    return any(
        name.lower() == b"set-cookie" and not value.startswith(LANGUAGE_COOKIE_PREFIX)
        for name, value in start.get("headers", [])
    )


class Slots:
    """A semaphore whose waiters for readers go before those computing behind a reader."""

    def __init__(self, count: int) -> None:
        self.free = count
        self._waiting: tuple[deque[asyncio.Future[None]], deque[asyncio.Future[None]]] = (deque(), deque())

    @property
    def busy(self) -> bool:
        return self.free == 0

    async def acquire(self, behind: bool = False) -> None:
        if self.free > 0 and not any(self._waiting):
            self.free -= 1
            return
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting[behind].append(turn)
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():  # handed the slot just as it was cancelled
                self.release()
            raise

    def release(self) -> None:
        """Hand the slot to the first waiter (readers' first), else free it."""
        for queue in self._waiting:
            while queue:
                turn = queue.popleft()
                if not turn.done():
                    turn.set_result(None)
                    return
        self.free += 1


def _entry(version: int, headers: list[tuple[bytes, bytes]], body: bytes) -> Entry:
    content_type = next((v for n, v in headers if n.lower() == b"content-type"), b"")
    gzipped = None
    if len(body) >= GZIP_MIN_BYTES and content_type.startswith(_COMPRESSIBLE):
        # Level 5: nearly the size of level 9 at a fraction of its time, paid once per version.
        gzipped = gzip.compress(body, compresslevel=5, mtime=0)
    etag = b'W/"' + hashlib.blake2b(body, digest_size=12).hexdigest().encode() + b'"'
    return Entry(version, headers, body, gzipped, etag)


def _accepts_gzip(value: bytes) -> bool:
    for part in value.lower().split(b","):
        coding, _, params = part.strip().partition(b";")
        if coding.strip() in (b"gzip", b"*"):
            quality = params.strip()
            return not (quality.startswith(b"q=") and quality[2:].strip() in (b"0", b"0.0", b"0.00", b"0.000"))
    return False
