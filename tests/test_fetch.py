"""Fetcher: real requests to a local server, SSRF refusals, redirects, timeouts, size caps."""

from __future__ import annotations

import gzip
import ipaddress
import socket
import tracemalloc
from collections.abc import Iterator

import httpx
import pytest
from httpserver import LocalHTTPServer, zero_bomb

from storyweave.errors import BlockedURLError, FetchError
from storyweave.fetch import Fetcher, is_public, legacy_ipv4, size_text
from storyweave.settings import Settings

PUBLIC_IP = "93.184.216.34"


@pytest.fixture(scope="module")
def server() -> Iterator[LocalHTTPServer]:
    with LocalHTTPServer() as running:
        yield running


def local_settings(**overrides: object) -> Settings:
    values: dict[str, object] = {"allow_private_addresses": True, "fetch_timeout_s": 2.0}
    values.update(overrides)
    return Settings(values)


def fetch(url: str, **overrides: object) -> object:
    with Fetcher(local_settings(**overrides)) as fetcher:
        return fetcher.get(url)


def one_line(message: str) -> bool:
    return "\n" not in message and message.strip() == message and bool(message)


def test_fetches_a_page_with_type_charset_and_user_agent(server: LocalHTTPServer) -> None:
    url = server.route("/page", body="<p>Café</p>".encode("cp1252"), content_type="text/html; charset=windows-1252")
    with Fetcher(local_settings(user_agent="sw-test/1.0")) as fetcher:
        page = fetcher.get(url)
    assert (page.url, page.final_url, page.status) == (url, url, 200)
    assert page.content_type == "text/html" and page.charset == "windows-1252"
    assert page.body == "<p>Café</p>".encode("cp1252")
    _path, headers = next(item for item in reversed(server.requests) if item[0] == "/page")
    assert headers["User-Agent"] == "sw-test/1.0"


def test_follows_redirects_and_reports_the_final_url(server: LocalHTTPServer) -> None:
    server.route("/target", body=b"<p>here</p>")
    start = server.route("/hop1", redirect_to="/hop2", status=301)
    server.route("/hop2", redirect_to=server.url("/target"), status=307)
    with Fetcher(local_settings()) as fetcher:
        page = fetcher.get(start)
    assert page.final_url == server.url("/target") and page.url == start
    assert page.body == b"<p>here</p>"


def test_too_many_redirects(server: LocalHTTPServer) -> None:
    url = server.route("/loop", redirect_to="/loop")
    with pytest.raises(FetchError, match=r"too many redirects \(more than 2\)") as caught:
        fetch(url, fetch_max_redirects=2)
    assert one_line(str(caught.value))
    assert server.hits("/loop") == 3


@pytest.mark.parametrize(("status", "phrase"), [(403, "Forbidden"), (404, "Not Found"), (500, "Internal Server Error")])
def test_http_errors(server: LocalHTTPServer, status: int, phrase: str) -> None:
    url = server.route(f"/status{status}", status=status, body=b"nope")
    with pytest.raises(FetchError) as caught:
        fetch(url)
    assert str(caught.value) == f"HTTP {status} {phrase} from {url}"


def test_timeout_while_waiting_for_headers(server: LocalHTTPServer) -> None:
    url = server.route("/slow", body=b"late", delay_s=30)
    with pytest.raises(FetchError, match=r"^timed out after 0.3s fetching http://127\.0\.0\.1") as caught:
        fetch(url, fetch_timeout_s=0.3)
    assert one_line(str(caught.value))


def test_body_that_trickles_in_hits_the_total_deadline(server: LocalHTTPServer) -> None:
    url = server.route("/drip", chunks=[b"x" * 10] * 50, chunk_delay_s=0.1)
    with pytest.raises(FetchError, match=r"timed out after 0.3s downloading .*fetch_total_timeout_s"):
        fetch(url, fetch_total_timeout_s=0.3)


def test_unreachable_port() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError, match=r"^cannot connect to 127\.0\.0\.1: ") as caught:
        fetch(f"http://127.0.0.1:{port}/")
    assert one_line(str(caught.value))


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw-deflate"])
def test_compressed_bodies_are_decoded(server: LocalHTTPServer, encoding: str) -> None:
    text = ("Un article compressé. " * 400).encode()
    url = server.route(f"/compressed-{encoding}", body=text, content_encoding=encoding)
    assert fetch(url).body == text  # type: ignore[attr-defined]


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_compression_bomb_is_cut_off_at_the_cap(server: LocalHTTPServer, encoding: str) -> None:
    bomb = zero_bomb(50_000_000, encoding)  # 50 MB of zeros in about 50 kB
    url = server.route(f"/bomb-{encoding}", body=bomb, content_type="text/html", headers={"Content-Encoding": encoding})
    tracemalloc.start()
    try:
        with pytest.raises(FetchError, match=r"is larger than the 1 MB cap \(max_input_bytes\)"):
            fetch(url, max_input_bytes=1_000_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20_000_000, "the bomb was inflated far past the cap"


def test_plain_body_over_the_cap(server: LocalHTTPServer) -> None:
    url = server.route("/big", body=b"a" * 5000)
    with pytest.raises(FetchError, match=r"larger than the 4 kB cap"):
        fetch(url, max_input_bytes=4000)
    url = server.route("/big-chunked", chunks=[b"a" * 1000] * 5)  # no Content-Length to trust
    with pytest.raises(FetchError, match=r"larger than the 4 kB cap"):
        fetch(url, max_input_bytes=4000)


def test_corrupt_gzip_body(server: LocalHTTPServer) -> None:
    body = gzip.compress(b"hello")[:-12] + b"garbage!" * 4
    url = server.route("/corrupt", body=body, content_type="text/plain", headers={"Content-Encoding": "gzip"})
    with pytest.raises(FetchError, match="corrupt gzip body"):
        fetch(url)


# -- SSRF ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "gopher://127.0.0.1:70/",
        "ftp://example.com/feed.xml",
        "javascript:alert(1)",
        "//example.com/no-scheme",
    ],
)
def test_only_http_and_https(url: str) -> None:
    with pytest.raises(BlockedURLError, match="only http and https") as caught:
        fetch(url, allow_private_addresses=False)
    assert one_line(str(caught.value))


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1", "localhost", "2130706433", "0177.0.0.1", "0x7f.1", "127.1", "0x7f000001",
        "169.254.169.254", "10.0.0.1", "172.16.5.4", "192.168.1.1", "100.64.0.1", "0.0.0.0", "224.0.0.1",
        "240.0.0.1", "255.255.255.255", "[::1]", "[::]", "[::ffff:127.0.0.1]", "[::ffff:169.254.169.254]",
        "[fe80::1]", "[fc00::1]", "[ff02::1]", "[2002:7f00:1::]", "[64:ff9b::a00:1]",
    ],
)
def test_non_public_addresses_are_refused_before_connecting(server: LocalHTTPServer, host: str) -> None:
    before = len(server.requests)
    with pytest.raises(BlockedURLError, match="non-public address") as caught:
        fetch(f"http://{host}:{server.port}/page", allow_private_addresses=False)
    assert "allow_private_addresses" in str(caught.value) and one_line(str(caught.value))
    assert len(server.requests) == before


def test_loopback_is_fetched_when_the_setting_allows_it(server: LocalHTTPServer) -> None:
    server.route("/allowed", body=b"ok")
    assert fetch(f"http://2130706433:{server.port}/allowed").body == b"ok"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("spelling", "dotted"),
    [("2130706433", "127.0.0.1"), ("0177.0.0.1", "127.0.0.1"), ("0x7f.1", "127.0.0.1"), ("127.1", "127.0.0.1"),
     ("0xA9.254.169.254", "169.254.169.254"), ("10.1", "10.0.0.1"), ("1.2.3.4", "1.2.3.4")],
)
def test_legacy_ipv4_spellings(spelling: str, dotted: str) -> None:
    assert legacy_ipv4(spelling) == ipaddress.IPv4Address(dotted)


@pytest.mark.parametrize("name", ["example.com", "1.2.3.4.5", "08.1.1.1", "256.1.1.1", "4294967296", "1..2", "a1.2"])
def test_names_are_not_read_as_addresses(name: str) -> None:
    assert legacy_ipv4(name) is None


def test_public_addresses_are_public() -> None:
    assert is_public(ipaddress.ip_address("8.8.8.8"))
    assert is_public(ipaddress.ip_address("2001:4860:4860::8888"))
    assert not is_public(ipaddress.ip_address("::ffff:10.0.0.1"))


def test_a_name_with_any_private_address_is_refused() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, text="should not be reached"))
    resolver = {"mixed.test": [PUBLIC_IP, "10.0.0.5"]}
    with (
        Fetcher(local_settings(allow_private_addresses=False), transport, lambda host, port: resolver[host]) as fetcher,
        pytest.raises(BlockedURLError, match=r"mixed\.test resolves to the non-public address 10\.0\.0\.5"),
    ):
        fetcher.get("http://mixed.test/")


def test_connection_is_pinned_to_the_checked_address() -> None:
    seen: list[tuple[str, str, object]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.host, request.headers["host"], request.extensions.get("sni_hostname")))
        return httpx.Response(200, text="pinned", headers={"content-type": "text/plain"})

    with Fetcher(
        local_settings(allow_private_addresses=False), httpx.MockTransport(answer), lambda host, port: [PUBLIC_IP]
    ) as fetcher:
        page = fetcher.get("https://News.Example.test/a?b=1")
    assert page.body == b"pinned" and page.final_url == "https://news.example.test/a?b=1"
    assert seen == [(PUBLIC_IP, "news.example.test", "news.example.test")]


def test_next_checked_address_is_tried_when_the_first_refuses() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.host == PUBLIC_IP:
            raise httpx.ConnectError("connection refused", request=request)
        return httpx.Response(200, text="second")

    with Fetcher(
        local_settings(allow_private_addresses=False),
        httpx.MockTransport(answer),
        lambda host, port: [PUBLIC_IP, "93.184.216.35"],
    ) as fetcher:
        assert fetcher.get("http://two.test/").body == b"second"


def test_redirect_from_a_public_host_to_loopback_is_refused(server: LocalHTTPServer) -> None:
    """A public-looking site answers with a redirect into the machine itself: the hop is re-checked."""
    secret = server.route("/secret", body=b"internal admin page")

    def public_site(request: httpx.Request) -> httpx.Response:
        assert request.url.host == PUBLIC_IP  # the made-up public host, pinned to its checked address
        return httpx.Response(302, headers={"Location": secret})

    with (
        Fetcher(
            local_settings(allow_private_addresses=False),
            httpx.MockTransport(public_site),
            lambda host, port: [PUBLIC_IP],
        ) as fetcher,
        pytest.raises(BlockedURLError, match=r"127\.0\.0\.1 is the non-public address"),
    ):
        fetcher.get("http://news.example.test/story")
    assert server.hits("/secret") == 0


def test_redirect_to_a_decimal_loopback_spelling_is_refused(server: LocalHTTPServer) -> None:
    transport = httpx.MockTransport(
        lambda request: httpx.Response(301, headers={"Location": f"http://2130706433:{server.port}/secret"})
    )
    with (
        Fetcher(local_settings(allow_private_addresses=False), transport, lambda host, port: [PUBLIC_IP]) as fetcher,
        pytest.raises(BlockedURLError),
    ):
        fetcher.get("http://news.example.test/")


def test_unresolvable_host() -> None:
    def no_dns(host: str, port: int) -> list[str]:
        raise socket.gaierror(-2, "Name or service not known")

    with (
        Fetcher(local_settings(allow_private_addresses=False), resolver=no_dns) as fetcher,
        pytest.raises(FetchError, match=r"^cannot resolve host nowhere\.test: "),
    ):
        fetcher.get("http://nowhere.test/")


def test_size_text() -> None:
    assert [size_text(n) for n in (10_000_000, 1_500_000, 4000, 12)] == ["10 MB", "1.5 MB", "4 kB", "12 bytes"]
