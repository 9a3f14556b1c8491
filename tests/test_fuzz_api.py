"""Hypothesis-generated requests against the real server (uvicorn on 127.0.0.1): no 5xx, ever.

Query strings with any characters on every list and search endpoint, any number as a cursor, any
path segment where an id goes, any JSON value (or plain bytes) as the body of POST /api/ingest, and
hostile headers (Host, Origin, Sec-Fetch-Site, Content-Type, Last-Event-ID) on reads and writes.  Every answer is either
a success or the JSON error envelope with a 4xx status; every record the ingest refuses is in the
rejects table with its reason.  test_api.py checks the envelope shapes and a fixed list of hostile
queries; this explores beyond a list.
"""

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from test_api_support import LiveServer, running_server
from test_reliability_support import LIGHT_SETTINGS, sound_store_copy

FUZZ = hypothesis_settings(max_examples=150, deadline=None,
                           suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

_chars = st.characters(blacklist_categories=("Cs",))
_value = st.one_of(st.text(_chars, max_size=40), st.sampled_from(
    ["", "0", "-1", "1e309", "NaN", "999999999999999999999", "abc", "\x00", "\u202e", "'; DROP TABLE x; --",
     '"', "*", "NEAR(", "2024-13-45", "../../etc/passwd", "%", "%00", "<script>", "true", "None"]))
_params = st.dictionaries(st.sampled_from(["q", "limit", "cursor", "lang", "since", "until", "entity", "source",
                                           "semantic", "type", "kind", "page"]), _value, max_size=5)
_ENDPOINTS = ["/api/articles", "/api/events", "/api/storylines", "/api/entities", "/api/search", "/api/search.json",
              "/api/search.csv", "/feeds/search.atom", "/feeds/events.rss", "/", "/events", "/entities", "/search",
              "/api/watches", "/watches"]
_ID_ROUTES = ["/api/articles/{}", "/api/events/{}", "/api/events/{}/summary", "/api/storylines/{}",
              "/api/entities/{}", "/articles/{}", "/events/{}", "/events/{}/unique", "/entities/{}",
              "/api/events/{}.csv", "/feeds/event/{}.atom", "/feeds/entity/{}.rss", "/api/watches/{}",
              "/api/watches/{}/alerts", "/feeds/watches/{}.atom"]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sound_store_copy(tmp_path_factory.mktemp("fuzz-api"))


@pytest.fixture(scope="module")
def server(store: Path) -> Iterator[LiveServer]:
    with running_server(store, max_request_bytes=200_000, **LIGHT_SETTINGS) as live:
        yield live


@pytest.fixture(scope="module")
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url(""), timeout=120) as http:
        yield http


def _assert_answer(response: httpx.Response) -> None:
    assert response.status_code < 500, (response.request.url, response.status_code, response.text[:500])
    if response.status_code >= 400 and response.request.url.path.startswith("/api/"):
        body = response.json()
        assert set(body) == {"error"} and body["error"]["status"] == response.status_code, body


@FUZZ
@given(endpoint=st.sampled_from(_ENDPOINTS), params=_params)
def test_any_query_string(client: httpx.Client, endpoint: str, params: dict[str, str]) -> None:
    _assert_answer(client.get(endpoint, params=params))


@FUZZ
@given(route=st.sampled_from(_ID_ROUTES), segment=_value.filter(bool))
def test_any_id_in_a_path(client: httpx.Client, route: str, segment: str) -> None:
    _assert_answer(client.get(route.format(quote(segment, safe=""))))


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(_chars, max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(_chars, max_size=8), inner, max_size=4),
    max_leaves=25,
)
_record = st.fixed_dictionaries(
    {"id": st.text(_chars, min_size=1, max_size=20) | st.integers()},
    optional={"title": _json | st.text(_chars, max_size=80), "text": _json | st.text(_chars, max_size=300),
              "html": st.text(_chars, max_size=200), "lang": _json, "publish_date": _json, "url": _json,
              "source": _json, "extra": _json},
)


@FUZZ
@given(body=st.one_of(_json, _record, st.lists(_record | _json, max_size=4)))
def test_any_json_body_to_ingest(client: httpx.Client, store: Path, body: Any) -> None:
    response = client.post("/api/ingest", content=json.dumps(body, allow_nan=True),
                           headers={"content-type": "application/json"})
    _assert_answer(response)
    if response.status_code == 200:
        report = response.json()
        with sqlite3.connect(store) as conn:
            recorded = {(o, r) for o, r in conn.execute("SELECT origin, reason FROM rejects")}
        for reject in report["rejects"]:
            assert reject["reason"] and "\n" not in reject["reason"]
            assert not reject["reason"].startswith(("could not process", "unexpected error")), reject
            assert (reject["origin"], reject["reason"]) in recorded


@FUZZ
@given(raw=st.binary(max_size=3000), content_type=st.sampled_from(
    ["application/json", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data", ""]))
def test_any_bytes_to_ingest(client: httpx.Client, raw: bytes, content_type: str) -> None:
    _assert_answer(client.post("/api/ingest", content=raw, headers={"content-type": content_type}))


_header_value = st.one_of(st.text(st.characters(min_codepoint=32, max_codepoint=255), max_size=40).map(str.strip),
                         st.integers().map(str), st.sampled_from(
                             ["null", "http://evil.example", "http://127.0.0.1", "file://", "localhost", "[::1]",
                              "evil.example:80", "cross-site", "same-site", "none", "same-origin", "\xb2",
                              "application/json", "text/plain", "application/x-www-form-urlencoded", "*/*"]))
_headers = st.dictionaries(st.sampled_from(["host", "origin", "sec-fetch-site", "content-type", "last-event-id",
                                            "accept", "referer"]), _header_value, max_size=4)
_cursor = st.integers().map(lambda n: base64.urlsafe_b64encode(f"i:{n}".encode()).decode().rstrip("="))


@FUZZ
@given(endpoint=st.sampled_from([*_ENDPOINTS[:5], "/events"]), cursor=_cursor)
def test_any_number_as_a_cursor(client: httpx.Client, endpoint: str, cursor: str) -> None:
    params = {"cursor": cursor, **({"q": "harbour", "semantic": "false"} if "search" in endpoint else {})}
    _assert_answer(client.get(endpoint, params=params))


@FUZZ
@given(method=st.sampled_from(["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"]),
       endpoint=st.sampled_from(["/api/ingest", "/api/articles", "/", "/api/health", "/static/app.css"]),
       headers=_headers)
def test_any_hostile_headers(client: httpx.Client, store: Path, method: str, endpoint: str,
                             headers: dict[str, str]) -> None:
    body = json.dumps({"id": "fuzzed-headers", "title": "Sent with fuzzed headers", "text": "Fuzzed."})
    response = client.request(method, endpoint, headers={k: v.encode("latin-1") for k, v in headers.items()},
                              content=body if method in ("POST", "PUT") else None)
    if method == "HEAD":  # the GET answer's status and headers, no body (not even the error envelope)
        assert response.status_code < 500 and response.content == b"", response.status_code
    else:
        _assert_answer(response)
    if response.status_code == 200 and endpoint == "/api/ingest":
        # Stored only when the request came from no other site and was JSON.
        assert headers.get("content-type", "").startswith("application/json"), headers
        assert headers.get("origin") in (None, f"http://{response.request.url.netloc.decode()}"), headers
        assert headers.get("sec-fetch-site") in (None, "same-origin", "none"), headers


@FUZZ
@given(last_id=_header_value)
def test_any_last_event_id(client: httpx.Client, last_id: str) -> None:
    with client.stream("GET", "/api/stream", headers={"last-event-id": last_id.encode("latin-1")}) as response:
        if "\x7f" in last_id:  # DEL is no header character (RFC 9110): refused, or read as ignorable
            assert response.status_code in (200, 400)
            return
        assert response.status_code == 200
        for line in response.iter_lines():
            if line.startswith("data:"):
                assert json.loads(line.removeprefix("data:"))["seq"] >= 0
                break


def test_the_store_survived_the_fuzzing(client: httpx.Client, store: Path) -> None:
    from storyweave.store.check import check_store
    from storyweave.store.db import connect

    assert client.get("/api/health").status_code == 200
    conn = connect(store)
    try:
        report = check_store(conn)
    finally:
        conn.close()
    assert report.ok, report.errors
