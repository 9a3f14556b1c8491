"""Who may talk to the server: the Host it is reached by, the site a write comes from, HEAD requests.

A server on 127.0.0.1 trusts its callers (writes need no token there), so a web page elsewhere must
not be able to reach it through the user's browser:

- DNS rebinding points a foreign name at 127.0.0.1; the browser then sends ``Host: evil.example``.
  On a loopback or specific address, only the names that address is reached by (plus the
  ``allowed_hosts`` setting) are served; a server bound to every interface (0.0.0.0) cannot know
  its names and checks Host only when ``allowed_hosts`` is set.
- A cross-site form or ``fetch`` sends the page's ``Origin`` (and ``Sec-Fetch-Site``): a write
  whose origin is not this server is refused.  Scripts and curl send neither and still work.
- A JSON endpoint takes only a JSON content type: a form (or ``text/plain``) is what a page on
  another site can post without asking the server first (no CORS preflight).

HEAD is answered as GET without the body, so link checkers and monitors get the GET status and
headers instead of 405.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from urllib.parse import urlsplit

from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from .state import ASGIApp, Message, Receive, Scope, Send, error_body, is_loopback

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Routes whose body is JSON; everything a browser can send cross-site without a preflight is refused.
JSON_ENDPOINTS = ("/api/",)
_LOOPBACK_NAMES = ("localhost", "localhost.localdomain", "127.0.0.1", "::1")
_WILDCARDS = ("0.0.0.0", "::", "")  # bound to every interface
_DRAIN_BOUND = 1 << 20


def _split_host(value: str) -> tuple[str, int | None]:
    """(name, port) of a Host header or an origin's netloc; the name lower case, without a final dot."""
    try:
        parts = urlsplit(f"//{value}")
        name, port = parts.hostname or "", parts.port
    except ValueError:
        return "", None
    return name.rstrip("."), port


def allowed_host_names(bound: str, extra: Iterable[str]) -> frozenset[str] | None:
    """Host names a server bound to ``bound`` answers to; None means any (bound to every interface)."""
    names = {name.strip().lower().rstrip(".") for name in extra if name.strip()}
    bound_name = bound.strip("[]").lower()
    if bound_name in _WILDCARDS:
        return frozenset(names) if names else None
    names.add(bound_name)
    if is_loopback(bound_name):
        names.update(_LOOPBACK_NAMES)
    return frozenset(names)


def _host_allowed(name: str, allowed: frozenset[str] | None) -> bool:
    if allowed is None or name in allowed:
        return True
    if "localhost" in allowed and name.endswith(".localhost"):
        return True  # browsers resolve *.localhost to loopback themselves (RFC 6761), never through DNS
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    # Any loopback address reaches a server bound to one; another site's name never is an address.
    return address.is_loopback and "localhost" in allowed


def _default_port(scheme: str) -> int:
    return 443 if scheme in ("https", "wss") else 80


def same_origin(origin: str, host: str, scheme: str) -> bool:
    """Whether ``origin`` (an Origin header) names this server, reached as ``host`` over ``scheme``."""
    try:
        parts = urlsplit(origin)
        origin_port = parts.port or _default_port(parts.scheme)
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    name, port = _split_host(host)
    if parts.hostname.rstrip(".") != name:
        return False
    # Behind a TLS proxy the Host may carry no port while the origin is https: the name decides then.
    return port is None or origin_port == port


class RequestGuard:
    """Refuses foreign Host names, cross-site writes and non-JSON bodies; answers HEAD as GET."""

    def __init__(self, app: ASGIApp, bound: str, allowed_hosts: Iterable[str] = ()) -> None:
        self.app = app
        self.allowed = allowed_host_names(bound, allowed_hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]}
        refusal = self._refusal(scope, headers)
        if refusal is not None:
            status, message, code = refusal
            await _drain(receive)
            await JSONResponse(error_body(status, message, code), status_code=status)(scope, receive, send)
            return
        if scope["method"] == "HEAD":
            await self.app(dict(scope, method="GET"), receive, _without_body(send))
            return
        await self.app(scope, receive, send)

    def _refusal(self, scope: Scope, headers: dict[str, str]) -> tuple[int, str, str | None] | None:
        host = headers.get("host", "")
        name, _ = _split_host(host)
        if host and not _host_allowed(name, self.allowed):
            shown = host[:100].encode("unicode_escape").decode("ascii")
            return 400, (f"this server does not answer to the host name {shown!r}; add it to the "
                         "allowed_hosts setting if it is yours"), "bad_host"
        if scope["method"] in SAFE_METHODS:
            return None
        origin = headers.get("origin")
        fetch_site = headers.get("sec-fetch-site")
        cross_site = fetch_site is not None and fetch_site not in ("same-origin", "none")
        if cross_site or (origin is not None and not same_origin(origin, host, scope.get("scheme", "http"))):
            return 403, "writes from another site are refused; send the request from this server's own pages", None
        has_body = headers.get("content-length", "0") != "0" or "transfer-encoding" in headers
        if has_body and scope["path"].startswith(JSON_ENDPOINTS):
            media = headers.get("content-type", "").split(";")[0].strip().lower()
            if media != "application/json" and not media.endswith("+json"):
                return 415, (f"send the body as JSON with 'Content-Type: application/json' "
                             f"(got {media[:60] or 'none'!r})"), None
        return None


def _without_body(send: Send) -> Send:
    """A ``send`` for a HEAD request: the GET answer's status and headers, then an empty body at once.

    Ending the response at its start also ends endless ones (the live stream): once the response is
    complete, the server reports the client gone, and the stream stops.
    """
    finished = False

    async def send_head(message: Message) -> None:
        nonlocal finished
        if finished:
            return
        if message["type"] == "http.response.start":
            await send(message)
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            finished = True
            return
        await send(message)

    return send_head


async def _drain(receive: Receive) -> None:
    """Read and drop a refused request's body (up to a bound), so the client reads the refusal
    instead of a connection reset while it is still sending."""
    drained = 0
    while drained <= _DRAIN_BOUND:
        try:
            incoming = await receive()
        except StarletteHTTPException:  # the body limit ran out first: the refusal still goes out
            return
        if incoming["type"] != "http.request":
            return
        drained += len(incoming.get("body", b""))
        if not incoming.get("more_body"):
            return
