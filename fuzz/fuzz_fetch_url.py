"""atheris: arbitrary URLs through the Fetcher's checks; a real server on 127.0.0.1 must never be hit.

Every host name resolves to loopback (a hostile DNS answer), so any URL that gets through the
checks would reach the server, and the harness stops with the URL that did.

python fuzz/fuzz_fetch_url.py -max_total_time=600
"""

from __future__ import annotations

import sys

import atheris
from _common import REPO  # noqa: F401  (puts tests/ on sys.path)

with atheris.instrument_imports():
    from storyweave import Settings
    from storyweave.errors import FetchError
    from storyweave.fetch import Fetcher

from httpserver import LocalHTTPServer

SERVER = LocalHTTPServer().__enter__()
SERVER.route("/", body=b"internal")
FETCHER = Fetcher(Settings({"fetch_timeout_s": 0.3, "fetch_total_timeout_s": 0.5}),
                  resolver=lambda host, port: ["127.0.0.1", "::1"])
PREFIXES = ["http://", "https://", "HTTP://", "", "//", "http:\\\\", "http://127.0.0.1:PORT/", "http://0x7f.1:PORT",
            "http://[::ffff:127.0.0.1]:PORT"]


def test_one_input(data: bytes) -> None:
    provider = atheris.FuzzedDataProvider(data)
    prefix = PREFIXES[provider.ConsumeIntInRange(0, len(PREFIXES) - 1)].replace("PORT", str(SERVER.port))
    url = prefix + provider.ConsumeUnicodeNoSurrogates(200).replace("PORT", str(SERVER.port))
    before = len(SERVER.requests)
    try:
        FETCHER.get(url)
    except FetchError as exc:
        if not str(exc) or "\n" in str(exc):
            raise AssertionError(f"bad error message for {url!r}: {exc!r}") from None
    if len(SERVER.requests) != before:
        raise AssertionError(f"{url!r} reached the loopback server")


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
