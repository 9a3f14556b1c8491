"""A real HTTP server on 127.0.0.1 for tests: pages, feeds, errors, redirects, slow and compressed bodies.

Usage::

    with LocalHTTPServer() as server:
        server.route("/page", body=b"<html>…</html>", content_type="text/html; charset=utf-8")
        server.route("/gone", status=404)
        server.route("/slow", body=b"late", delay_s=5)            # for timeouts
        server.route("/moved", redirect_to="/page")                # 302 (status=301/307/308 also)
        server.route("/bomb", body=zeros, content_encoding="gzip")  # compressed on the fly
        server.route("/drip", chunks=[b"a", b"b"], chunk_delay_s=1) # body trickles in
        server.route("/crawl", header_byte_delay_s=1)               # headers trickle in, a byte at a time
        server.route("/raw", raw=head_bytes)                     # exactly these bytes (a broken peer)
        url = server.url("/page")
        server.hits("/page")                                       # how many requests it answered
        server.posts                                               # (path, headers, body) of each POST
        server.route("/feed", body=xml, etag='"v1"')               # 304 to If-None-Match "v1"
        server.timeline                                            # (path, started, finished) per answer

``LocalHTTPServer(host="127.0.0.2")`` listens on another loopback address: another host to a client.

Each request runs in its own thread; delays wait on an event that ``close()`` sets, so a test that
gives up on a slow route never waits for it.  Import it from a test module with
``from httpserver import LocalHTTPServer`` (pytest puts ``tests/`` on ``sys.path``).
"""

from __future__ import annotations

import gzip
import threading
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    content_encoding: str | None = None
    chunks: list[bytes] | None = None
    chunk_delay_s: float = 0.0
    header_byte_delay_s: float = 0.0
    raw: bytes | None = None
    etag: str | None = None
    last_modified: str | None = None


def compress(body: bytes, encoding: str) -> bytes:
    """Body bytes as sent with ``Content-Encoding: encoding`` (gzip, deflate or raw-deflate)."""
    if encoding == "gzip":
        return gzip.compress(body, compresslevel=6)
    if encoding == "deflate":
        return zlib.compress(body, 6)
    if encoding == "raw-deflate":
        packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        return packer.compress(body) + packer.flush()
    raise ValueError(f"unknown encoding {encoding!r}")


def zero_bomb(size: int, encoding: str = "gzip") -> bytes:
    """``size`` zero bytes compressed, built a megabyte at a time so the test never holds ``size``."""
    wbits = {"gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}[encoding]
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    block = bytes(1 << 20)
    parts = [packer.compress(block) for _ in range(size >> 20)]
    parts.append(packer.compress(bytes(size & ((1 << 20) - 1))))
    parts.append(packer.flush())
    return b"".join(parts)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, owner: LocalHTTPServer, host: str) -> None:
        self.owner = owner
        super().__init__((host, 0), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that hang up early (timeouts, size caps) are the point of many tests


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        started = time.monotonic()
        try:
            self._answer()
        finally:
            with self.server.owner.lock:
                self.server.owner.timeline.append((self.path.split("?", 1)[0], started, time.monotonic()))

    def _not_modified(self, route: Route) -> bool:
        """Whether the request's validators match the route's (a conditional GET that gets 304)."""
        if route.etag is not None and self.headers.get("If-None-Match") == route.etag:
            return True
        return route.last_modified is not None and self.headers.get("If-Modified-Since") == route.last_modified

    def _answer(self) -> None:
        owner = self.server.owner
        path = self.path.split("?", 1)[0]
        with owner.lock:
            owner.requests.append((self.path, dict(self.headers.items())))
            owner.counts[path] += 1
            route = owner.routes.get(path)
        if route is None:
            route = Route(status=404, body=b"not found", content_type="text/plain")
        if route.delay_s and owner.stopping.wait(route.delay_s):
            return
        body = route.body
        if route.header_byte_delay_s or route.raw is not None:
            self._send_raw(route)
            return
        if route.content_encoding:
            body = compress(body, route.content_encoding)
        validators = {"ETag": route.etag, "Last-Modified": route.last_modified}
        if self._not_modified(route):
            self.send_response(304)
            for name, value in validators.items():
                if value is not None:
                    self.send_header(name, value)
            self.end_headers()
            return
        try:
            self.send_response(route.status)
            for name, value in validators.items():
                if value is not None:
                    self.send_header(name, value)
            self.send_header("Content-Type", route.content_type)
            if route.content_encoding:
                encoding = "deflate" if route.content_encoding == "raw-deflate" else route.content_encoding
                self.send_header("Content-Encoding", encoding)
            for name, value in route.headers.items():
                self.send_header(name, value)
            if route.chunks is None:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if route.chunks is None:
                self.wfile.write(body)
                return
            for chunk in route.chunks:
                self.wfile.write(chunk)
                self.wfile.flush()
                if owner.stopping.wait(route.chunk_delay_s):
                    return
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_POST(self) -> None:
        """Record the body (a webhook receiver's view: path, headers, bytes), then answer as GET does."""
        length = self.headers.get("Content-Length", "0")
        body = self.rfile.read(int(length)) if length.isdigit() else b""
        with self.server.owner.lock:
            self.server.owner.posts.append((self.path, dict(self.headers.items()), body))
        self.do_GET()

    def _send_raw(self, route: Route) -> None:
        """Exactly ``route.raw`` (default: a status line and a header that never ends), written a byte
        every ``header_byte_delay_s`` when that is set: a slow or malformed peer."""
        raw = route.raw
        if raw is None:
            raw = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Slow: " + b"x" * 100_000
        step = 1 if route.header_byte_delay_s else max(1, len(raw))
        try:
            for index in range(0, len(raw), step):
                self.wfile.write(raw[index : index + step])
                self.wfile.flush()
                if route.header_byte_delay_s and self.server.owner.stopping.wait(route.header_byte_delay_s):
                    return
        except OSError:  # the client gave up (the point of a slow peer)
            pass
        self.close_connection = True


class LocalHTTPServer:
    """Threaded ``http.server`` on a free port of 127.0.0.1 (or ``host``) with routes set by the test."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.posts: list[tuple[str, dict[str, str], bytes]] = []
        self.timeline: list[tuple[str, float, float]] = []
        self.counts: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self._server = _Server(self, host)
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05})
        self._thread.daemon = True
        self._thread.start()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def route(self, path: str, *, redirect_to: str | None = None, **options: Any) -> str:
        """Answer GET ``path`` as described by ``Route`` fields; return its full URL."""
        if redirect_to is not None:
            options.setdefault("status", 302)
            options.setdefault("headers", {})["Location"] = redirect_to
        with self.lock:
            self.routes[path] = Route(**options)
        return self.url(path)

    def hits(self, path: str) -> int:
        with self.lock:
            return self.counts[path]

    def close(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> LocalHTTPServer:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
