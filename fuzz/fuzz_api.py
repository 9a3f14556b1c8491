"""atheris: arbitrary query strings, cursors, path ids, headers and POST bodies against the ASGI app (in process).

A store is built once from the made-up corpus in tests/test_reliability_support.py; any 5xx stops
the run with the request that caused it.

python fuzz/fuzz_api.py -max_total_time=600
"""

from __future__ import annotations

import base64
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

import atheris
from _common import REPO  # noqa: F401  (puts tests/ on sys.path)

with atheris.instrument_imports():
    from fastapi.testclient import TestClient

    from storyweave import Settings, Tracker
    from storyweave.ingest import record_to_doc
    from storyweave.server import create_app

from test_reliability_support import LIGHT_SETTINGS, make_corpus

STORE = Path(tempfile.mkdtemp()) / "fuzz.db"
with Tracker(db=STORE, **LIGHT_SETTINGS) as _tracker:
    _tracker.ingest_docs(record_to_doc(r, "seed") for r in make_corpus(30))
# The app believes it is bound to loopback, so the client speaks to it by a loopback name (the
# test client's own "testserver" is a foreign host, refused before any route runs).
CLIENT = TestClient(create_app(Settings.load(db=str(STORE), **LIGHT_SETTINGS)), base_url="http://127.0.0.1",
                    raise_server_exceptions=False)
GETS = ["/api/articles", "/api/events", "/api/entities", "/api/search", "/api/search.csv", "/feeds/search.atom",
        "/", "/events", "/search", "/entities"]
IDS = ["/api/articles/{}", "/api/events/{}", "/articles/{}", "/events/{}", "/entities/{}", "/feeds/event/{}.atom"]
KEYS = ["q", "limit", "cursor", "lang", "since", "until", "entity", "source", "semantic"]
HEADERS = ["host", "origin", "sec-fetch-site", "content-type", "last-event-id", "accept"]
METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE"]


def test_one_input(data: bytes) -> None:
    provider = atheris.FuzzedDataProvider(data)
    kind = provider.ConsumeIntInRange(0, 4)
    if kind == 0:
        path = GETS[provider.ConsumeIntInRange(0, len(GETS) - 1)]
        params = {KEYS[provider.ConsumeIntInRange(0, len(KEYS) - 1)]: provider.ConsumeUnicodeNoSurrogates(40)
                  for _ in range(provider.ConsumeIntInRange(0, 3))}
        response = CLIENT.get(path, params=params)
    elif kind == 1:
        route = IDS[provider.ConsumeIntInRange(0, len(IDS) - 1)]
        response = CLIENT.get(route.format(quote(provider.ConsumeUnicodeNoSurrogates(60), safe="") or "x"))
    elif kind == 2:
        response = CLIENT.post("/api/ingest", content=provider.ConsumeBytes(4000),
                               headers={"content-type": "application/json"})
    elif kind == 3:  # a cursor that decodes to any integer, of any size
        number = provider.ConsumeInt(provider.ConsumeIntInRange(1, 64))
        cursor = base64.urlsafe_b64encode(f"i:{number}".encode()).decode().rstrip("=")
        response = CLIENT.get(GETS[provider.ConsumeIntInRange(0, len(GETS) - 1)], params={"cursor": cursor, "q": "x"})
    else:  # hostile headers on any method: Host, Origin, Sec-Fetch-Site, Content-Type, Last-Event-ID
        # Only bytes HTTP lets a header carry: the client would refuse the rest before sending.
        headers = {HEADERS[provider.ConsumeIntInRange(0, len(HEADERS) - 1)]:
                   bytes(b for b in provider.ConsumeBytes(40) if b >= 32 and b != 127).strip()
                   for _ in range(provider.ConsumeIntInRange(0, 4))}
        method = METHODS[provider.ConsumeIntInRange(0, len(METHODS) - 1)]
        path = ["/api/ingest", "/api/articles", "/", "/api/health"][provider.ConsumeIntInRange(0, 3)]
        response = CLIENT.request(method, path, headers=headers, content=provider.ConsumeBytes(200) or None)
    if response.status_code >= 500:
        raise AssertionError(f"{response.request.method} {response.request.url} -> {response.status_code}: "
                             f"{response.text[:300]}")


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
