"""atheris: hostile HTTP peers: any status line and headers, malformed redirects, slow bytes.

A real server on 127.0.0.1 answers with the raw bytes the fuzzer chose (status line, headers such
as Location, Content-Length, Content-Encoding, then a body), optionally one byte at a time.  Rules:
the Fetcher returns a page or raises a one-line FetchError and nothing else, and never takes much
longer than fetch_total_timeout_s, however slowly the peer speaks.

python fuzz/fuzz_peers.py -max_total_time=600 -timeout=30
"""

from __future__ import annotations

import sys
import time

import atheris
from _common import REPO  # noqa: F401  (puts tests/ on sys.path)

with atheris.instrument_imports():
    from storyweave import Settings
    from storyweave.errors import FetchError
    from storyweave.fetch import Fetcher

from httpserver import LocalHTTPServer

SERVER = LocalHTTPServer().__enter__()
TOTAL_S = 1.0
FETCHER = Fetcher(Settings({"allow_private_addresses": True, "fetch_timeout_s": 0.5, "fetch_total_timeout_s": TOTAL_S,
                            "fetch_max_redirects": 2}))
STATUSES = [b"200 OK", b"301 Moved", b"302 Found", b"303 See Other", b"307 Temporary", b"308 Permanent", b"404 No",
            b"999 Odd", b"", b"abc"]
HEADERS = [b"Location", b"Content-Length", b"Content-Encoding", b"Content-Type", b"Transfer-Encoding", b"X-Any"]
LOCATIONS = [b"http:127.0.0.1/", b"http:\\\\127.0.0.1\\", b"http://[::1/x", b"//", b"/redirect", b"http://",
             b"javascript:alert(1)", b"http://127.0.0.1:0/", b"https://[", b"\\\\x"]


def test_one_input(data: bytes) -> None:
    provider = atheris.FuzzedDataProvider(data)
    head = b"HTTP/1.1 " + STATUSES[provider.ConsumeIntInRange(0, len(STATUSES) - 1)] + b"\r\n"
    for _ in range(provider.ConsumeIntInRange(0, 4)):
        name = HEADERS[provider.ConsumeIntInRange(0, len(HEADERS) - 1)]
        value = (LOCATIONS[provider.ConsumeIntInRange(0, len(LOCATIONS) - 1)] if provider.ConsumeBool()
                 else provider.ConsumeBytes(30).replace(b"\r", b"").replace(b"\n", b""))
        head += name + b": " + value + b"\r\n"
    raw = head + b"\r\n" + provider.ConsumeBytes(200)
    delay = provider.PickValueInList([0.0, 0.0, 0.0, 0.05, 0.3])
    url = SERVER.route("/redirect", raw=raw, header_byte_delay_s=delay)
    started = time.monotonic()
    try:
        FETCHER.get(url)
    except FetchError as exc:
        if not str(exc) or "\n" in str(exc) or "\r" in str(exc):
            raise AssertionError(f"bad error message for {raw!r}: {exc!r}") from None
    if time.monotonic() - started > TOTAL_S + 3:
        raise AssertionError(f"a fetch of {raw!r} (a byte every {delay}s) outlasted its deadline")


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
