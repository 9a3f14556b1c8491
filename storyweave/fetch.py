"""Fetch one URL safely: http(s) only, public addresses only, bounded size and time.

Server-side request forgery is the threat: a feed or a user could point storyweave at
``http://169.254.169.254/`` (cloud credentials), at ``http://127.0.0.1:6379/`` or at a private
intranet host.  So every hop, redirects included, is checked before it is requested:

- the scheme must be http or https;
- the host is resolved (numeric spellings such as ``2130706433``, ``0177.0.0.1`` or ``0x7f.1`` are
  read the way C's ``inet_aton`` reads them) and *every* address it resolves to must be public:
  loopback, private, link-local, multicast, reserved, unspecified, shared (CGNAT) addresses and
  IPv6 forms that embed such an IPv4 address are refused, unless ``allow_private_addresses`` is on;
- the connection then goes to the address that was checked, not to a second DNS answer: the request
  URL carries the IP, the ``Host`` header and the TLS server name (SNI, used for certificate
  checks) carry the original host name.  That closes DNS rebinding.  Environment proxies are
  ignored for the same reason (``trust_env=False``).

With ``allow_private_addresses`` on, nothing is resolved or pinned: the transport connects by name,
which is also what lets tests use ``httpx.MockTransport`` with made-up host names.

Bodies are streamed and decompressed here, not by httpx, with a bound on the decompressed size, so
a gzip bomb is cut off at ``max_input_bytes`` instead of being inflated in memory.
"""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import logging
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from .errors import BlockedURLError, FetchError, HTTPStatusError
from .settings import Settings

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_POST_ANSWER_BYTES = 65536
_KEPT_HEADERS = ("etag", "last-modified")


@dataclass(frozen=True)
class FetchedPage:
    """One fetched response: what was asked for, where it ended, and the decoded body bytes.

    ``headers`` keeps the validators a later conditional request sends back (ETag, Last-Modified);
    a 304 answer to such a request is a page with ``status`` 304 and an empty body.
    """

    url: str
    final_url: str
    status: int
    content_type: str
    charset: str | None
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """One verified TLS context for every Fetcher: building it (loading CA roots) is slow."""
    return httpx.create_ssl_context()


def size_text(size: int) -> str:
    """``10_000_000`` → ``"10 MB"``: sizes in messages, in the units people think in."""
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if size >= scale:
            value = size / scale
            return f"{value:g} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{size} bytes"


def size_cap_message(subject: str, cap: int) -> str:
    return f"{subject} is larger than the {size_text(cap)} cap (max_input_bytes)"


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for ``host``, in its order, without repeats."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: dict[str, None] = {}
    for info in infos:
        seen.setdefault(str(info[4][0]), None)
    return list(seen)


def legacy_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """Read ``host`` as ``inet_aton`` would: 1 to 4 parts, each decimal, ``0x`` hex or ``0`` octal.

    Browsers, curl and the C resolver accept ``http://2130706433/`` and ``http://0177.0.0.1/`` as
    127.0.0.1, so a check that only knows dotted decimal would be bypassed.
    """
    parts = host.split(".")
    if not 1 <= len(parts) <= 4 or not all(parts):
        return None
    numbers: list[int] = []
    for part in parts:
        try:
            if part.lower().startswith("0x"):
                numbers.append(int(part[2:] or "0", 16))
            elif len(part) > 1 and part.startswith("0"):
                numbers.append(int(part, 8))
            elif part.isdigit():
                numbers.append(int(part))
            else:
                return None
        except ValueError:
            return None
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(numbers)):
        return None
    value = 0
    for n in head:
        value = value * 256 + n
    value = (value << (8 * (5 - len(numbers)))) | last
    return ipaddress.IPv4Address(value)


def parse_ip(host: str) -> IPAddress | None:
    """``host`` as an IP address (any spelling), or None when it is a name."""
    bare = host.strip("[]")
    try:
        return ipaddress.ip_address(bare.split("%", 1)[0])
    except ValueError:
        return legacy_ipv4(bare)


def is_public(ip: IPAddress) -> bool:
    """True for a globally routable unicast address, looking inside IPv6 forms that embed IPv4."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None and not is_public(embedded):
            return False
        if ip in ipaddress.IPv6Network("64:ff9b::/96"):  # NAT64: the IPv4 address is the last 32 bits
            return is_public(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return ip.is_global and not (
        ip.is_multicast or ip.is_private or ip.is_loopback or ip.is_link_local
        or ip.is_reserved or ip.is_unspecified
    )


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


class _BoundedDecoder:
    """Decodes a Content-Encoding stream, refusing to produce more than ``cap`` bytes."""

    def __init__(self, encoding: str, cap: int, url: str) -> None:
        self.encoding = encoding
        self.cap = cap
        self.url = url
        self.out = bytearray()
        self._zlib: zlib._Decompress | None = None
        if encoding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding not in ("", "identity", "deflate"):
            raise FetchError(f"unsupported Content-Encoding {encoding!r} from {url}")

    def _check(self) -> None:
        if len(self.out) > self.cap:
            raise FetchError(size_cap_message(f"response from {self.url}", self.cap))

    def feed(self, data: bytes) -> None:
        if not data:
            return
        if self.encoding in ("", "identity"):
            self.out += data
            self._check()
            return
        if self._zlib is None:
            # "deflate" is meant to be zlib-wrapped, but many servers send raw deflate.
            wrapped = len(data) >= 2 and (data[0] & 0x0F) == 8 and ((data[0] << 8) | data[1]) % 31 == 0
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        try:
            while data:
                # max_length bounds each step's output, so a bomb never inflates past the cap.
                self.out += self._zlib.decompress(data, self.cap + 1 - len(self.out))
                self._check()
                data = self._zlib.unconsumed_tail
        except zlib.error as exc:
            raise FetchError(f"corrupt {self.encoding} body from {self.url}: {_one_line(exc)}") from None

    def finish(self) -> bytes:
        if self._zlib is not None:
            try:
                self.out += self._zlib.flush()
            except zlib.error as exc:
                raise FetchError(f"corrupt {self.encoding} body from {self.url}: {_one_line(exc)}") from None
            self._check()
        return bytes(self.out)


def _content_type(header: str) -> tuple[str, str | None]:
    media, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'")
    return media.strip().lower(), charset


class _Deadline:
    """The wall-clock limit of one fetch, enforced from outside the blocked read.

    httpx's timeouts are per read: a peer sending a header byte a second never trips them.  So a
    timer thread shuts down the fetch's sockets (learnt from httpcore's connection trace) when the
    time is up; the blocked read then returns at once and the fetch fails as timed out.
    """

    def __init__(self, seconds: float) -> None:
        self.expires = time.monotonic() + seconds
        self.expired = False
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        return max(0.0, self.expires - time.monotonic())

    def trace(self, event: str, info: dict[str, Any]) -> None:
        if not event.endswith(("connect_tcp.complete", "start_tls.complete")):
            return
        stream = info.get("return_value")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if isinstance(sock, socket.socket):
            with self._lock:
                self._sockets.append(sock)
                if self.expired:
                    _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)

    def cancel(self) -> None:
        self._timer.cancel()


def _pinned_targets(
    url: httpx.URL, addresses: list[str] | None
) -> list[tuple[httpx.URL, dict[str, str], dict[str, str]]]:
    """(request URL, headers, extensions) per checked address: the connection goes to the address
    itself while Host and the TLS server name keep the name; by name when nothing was pinned."""
    if addresses is None:
        return [(url, {}, {})]
    host_header = url.netloc.decode("ascii")
    extensions = {"sni_hostname": url.host} if url.scheme == "https" else {}
    return [(url.copy_with(host=address), {"Host": host_header}, dict(extensions)) for address in addresses]


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed by the client: nothing left to stop
        sock.shutdown(socket.SHUT_RDWR)


class Fetcher:
    """GETs URLs under the rules in this module's docstring; reuse one for many URLs.

    ``transport`` swaps the network for tests (any ``httpx.BaseTransport``); ``resolver`` swaps
    DNS (``host, port → [ip, …]``), which lets tests give a made-up host a public-looking address.
    ``private_setting`` is the setting a refusal names as the way to allow private addresses.
    """

    def __init__(
        self,
        settings: Settings,
        transport: httpx.BaseTransport | None = None,
        resolver: Resolver | None = None,
        private_setting: str = "allow_private_addresses",
    ) -> None:
        self.settings = settings
        self.private_setting = private_setting
        self.resolver = resolver or system_resolver
        self.timeout_s = float(settings.fetch_timeout_s)
        self.client = httpx.Client(
            # No keep-alive: pooled connections are keyed by the pinned IP, so a TLS connection
            # verified for one host name could otherwise carry a request for another name on that IP.
            transport=transport
            or httpx.HTTPTransport(
                verify=_ssl_context(), retries=0, limits=httpx.Limits(max_keepalive_connections=0)
            ),
            timeout=httpx.Timeout(self.timeout_s),
            follow_redirects=False,
            trust_env=False,
            headers={
                "User-Agent": settings.user_agent,
                "Accept-Encoding": "gzip, deflate",
                "Accept": "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
                "application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.5",
            },
        )

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def get(self, url: str, headers: Mapping[str, str] | None = None) -> FetchedPage:
        """Fetch ``url``, following redirects; raise ``FetchError`` (``BlockedURLError``,
        ``HTTPStatusError``).  ``headers`` go with every hop (conditional requests send validators)."""
        current = self._checked_url(url)
        deadline = _Deadline(float(self.settings.fetch_total_timeout_s))
        try:
            for _ in range(int(self.settings.fetch_max_redirects) + 1):
                addresses = self._addresses(current)
                response_or_next = self._request(current, addresses, url, deadline, dict(headers or {}))
                if isinstance(response_or_next, FetchedPage):
                    return response_or_next
                current = self._checked_url(str(response_or_next))
        finally:
            deadline.cancel()
        raise FetchError(
            f"too many redirects (more than {self.settings.fetch_max_redirects}) fetching {url} "
            "(fetch_max_redirects)"
        )

    # -- checks ------------------------------------------------------------------------------------
    def _checked_url(self, url: str) -> httpx.URL:
        """Parse ``url``, refusing other schemes; numeric IPv4 spellings become dotted decimal."""
        try:
            parts = urlsplit(url.strip())
            port = parts.port
        except ValueError as exc:
            raise FetchError(f"invalid URL {url!r}: {_one_line(exc)}") from None
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            shown = f"{scheme}://" if scheme else "scheme-less"
            raise BlockedURLError(f"refusing {shown} URL {url!r}: only http and https URLs are fetched")
        host = parts.hostname
        if not host:
            raise FetchError(f"invalid URL {url!r}: no host name")
        legacy = legacy_ipv4(host)
        netloc = parts.netloc
        if legacy is not None and str(legacy) != host:
            userinfo = netloc.rpartition("@")[0]
            netloc = (f"{userinfo}@" if userinfo else "") + str(legacy) + (f":{port}" if port else "")
        try:
            return httpx.URL(urlunsplit((scheme, netloc, parts.path, parts.query, "")))
        except httpx.InvalidURL as exc:
            raise FetchError(f"invalid URL {url!r}: {_one_line(exc)}") from None

    def _addresses(self, url: httpx.URL) -> list[str] | None:
        """The checked addresses to connect to, or None to connect by name (private allowed)."""
        if self.settings.allow_private_addresses:
            return None
        host = url.host
        ip = parse_ip(host)
        if ip is not None:
            found = [str(ip)]
        else:
            try:
                found = self.resolver(host, url.port or (443 if url.scheme == "https" else 80))
            except (OSError, UnicodeError) as exc:
                raise FetchError(f"cannot resolve host {host}: {_one_line(exc)}") from None
            if not found:
                raise FetchError(f"cannot resolve host {host}: no addresses")
        for address in found:
            parsed = parse_ip(address)
            if parsed is None or not is_public(parsed):
                what = f"{host} is" if ip is not None else f"{host} resolves to"
                raise BlockedURLError(
                    f"refusing {url}: {what} the non-public address {address} "
                    f"(set {self.private_setting} to reach local or private hosts)"
                )
        return found

    def check_url(self, url: str) -> None:
        """Raise ``BlockedURLError`` when ``get`` or ``post`` would refuse ``url`` (its scheme, or an
        address it resolves to); a host that cannot be resolved now is not refused here."""
        checked = self._checked_url(url)
        try:
            self._addresses(checked)
        except BlockedURLError:
            raise
        except FetchError:  # unresolvable now, perhaps not later: each delivery checks again
            return

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        """POST ``body`` to ``url`` under the address checks of ``get`` and return the HTTP status.

        Redirects are not followed (a receiver that moved is to be updated, not chased), and at most
        64 kB of the answer is read: only its status matters.  Raises ``FetchError``.
        """
        checked = self._checked_url(url)
        addresses = self._addresses(checked)
        deadline = _Deadline(float(self.settings.fetch_total_timeout_s))
        last_error: httpx.ConnectError | None = None
        try:
            for target, pinned, extensions in _pinned_targets(checked, addresses):
                timeout = httpx.Timeout(min(self.timeout_s, deadline.remaining()))
                try:
                    with self.client.stream(
                        "POST", target, content=body, headers={**headers, **pinned},
                        extensions={**extensions, "trace": deadline.trace}, timeout=timeout,
                    ) as response:
                        read = 0
                        for chunk in response.iter_raw():
                            read += len(chunk)
                            if read > _POST_ANSWER_BYTES:
                                break
                        return response.status_code
                except httpx.ConnectError as exc:
                    if deadline.expired:
                        raise self._timed_out(checked) from None
                    last_error = exc
                except httpx.HTTPError as exc:
                    if deadline.expired:
                        raise self._timed_out(checked) from None
                    raise FetchError(f"cannot post to {checked}: {_one_line(exc)}") from None
        finally:
            deadline.cancel()
        reason = _one_line(last_error) if last_error else "no address to connect to"
        raise FetchError(f"cannot connect to {checked.host}: {reason}")

    # -- one hop -----------------------------------------------------------------------------------
    def _timed_out(self, url: httpx.URL) -> FetchError:
        return FetchError(
            f"timed out after {self.settings.fetch_total_timeout_s:g}s downloading {url} (fetch_total_timeout_s)"
        )

    def _request(
        self, url: httpx.URL, addresses: list[str] | None, asked: str, deadline: _Deadline, extra: dict[str, str]
    ) -> FetchedPage | httpx.URL:
        """GET one hop: a page, or the next URL when the answer is a redirect."""
        last_error: httpx.ConnectError | None = None
        for target, pinned, extensions in _pinned_targets(url, addresses):
            if deadline.expired or deadline.remaining() <= 0:
                raise self._timed_out(url)
            timeout = httpx.Timeout(min(self.timeout_s, deadline.remaining()))
            try:
                with self.client.stream(
                    "GET", target, headers={**extra, **pinned}, extensions={**extensions, "trace": deadline.trace},
                    timeout=timeout,
                ) as response:
                    return self._read(url, response, asked, deadline)
            except UnicodeError as exc:  # connecting by name: the system resolver's IDNA refuses the host
                raise FetchError(f"cannot resolve host {url.host}: {_one_line(exc)}") from None
            except httpx.InvalidURL as exc:
                # httpx reads a redirect's Location before it hands the response over; ours are checked.
                raise FetchError(f"cannot fetch {url}: its redirect Location is invalid: {_one_line(exc)}") from None
            except httpx.HTTPError as exc:
                if deadline.expired:  # the watchdog cut the connection: that is the real cause
                    raise self._timed_out(url) from None
                if isinstance(exc, httpx.ConnectError):
                    last_error = exc  # try the host's next checked address
                    continue
                if isinstance(exc, httpx.TimeoutException):
                    raise FetchError(f"timed out after {timeout.read:g}s fetching {url}") from None
                raise FetchError(f"cannot fetch {url}: {_one_line(exc)}") from None
        reason = _one_line(last_error) if last_error else "no address to connect to"
        raise FetchError(f"cannot connect to {url.host}: {reason}")

    def _read(
        self, url: httpx.URL, response: httpx.Response, asked: str, deadline: _Deadline
    ) -> FetchedPage | httpx.URL:
        status = response.status_code
        if status in _REDIRECTS:
            location = response.headers.get("location")
            if not location:
                raise FetchError(f"HTTP {status} redirect without a Location header from {url}")
            try:
                return url.join(location)
            except httpx.InvalidURL as exc:  # "http:\\127.0.0.1\", "http:127.0.0.1/", …
                raise FetchError(
                    f"HTTP {status} redirect from {url} to an invalid URL {location[:200]!r}: {_one_line(exc)}"
                ) from None
        if status >= 400:
            reason = response.reason_phrase or ""
            raise HTTPStatusError(f"HTTP {status} {reason} from {url}".replace("  ", " "), status,
                                  response.headers.get("retry-after"))
        cap = int(self.settings.max_input_bytes)
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap and not response.headers.get("content-encoding"):
            raise FetchError(size_cap_message(f"response from {url}", cap))
        if response.is_stream_consumed:
            # A custom transport handed over a body httpx already read (and decoded): only cap it.
            decoder = _BoundedDecoder("identity", cap, str(url))
            self._stream_into(decoder, [response.content], deadline, url)
        else:
            decoder = _BoundedDecoder(response.headers.get("content-encoding", "").strip().lower(), cap, str(url))
            self._stream_into(decoder, response.iter_raw(), deadline, url)
        if deadline.expired:  # a close-delimited body ends where the watchdog cut it: that is no end
            raise self._timed_out(url)
        media, charset = _content_type(response.headers.get("content-type", ""))
        kept = {name: response.headers[name] for name in _KEPT_HEADERS if name in response.headers}
        return FetchedPage(
            url=asked, final_url=str(url), status=status, content_type=media, charset=charset,
            body=decoder.finish(), headers=kept,
        )

    def _stream_into(
        self, decoder: _BoundedDecoder, chunks: Iterable[bytes], deadline: _Deadline, url: httpx.URL
    ) -> None:
        for chunk in chunks:
            decoder.feed(chunk)
            if deadline.remaining() <= 0:
                raise FetchError(
                    f"timed out after {self.settings.fetch_total_timeout_s:g}s downloading {url} "
                    "(fetch_total_timeout_s)"
                )
