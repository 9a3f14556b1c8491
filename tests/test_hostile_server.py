"""Hostile requests the red team of issue 15 sent to a real server (uvicorn on 127.0.0.1).

Bad input is a 4xx in the error envelope, never a 5xx (huge cursors, a Last-Event-ID that is not a
number, metadata nested hundreds deep); a web page elsewhere cannot write into the store (Host,
Origin, Sec-Fetch-Site, Content-Type); HEAD answers like GET without a body; CSV and JSON exports
carry no bidi override or control character.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from test_api_support import LiveServer, running_server

from storyweave import Tracker
from storyweave.ingest import record_to_doc

# No models: these tests are about the server's handling of requests, not about enrichment.
FAST: dict[str, Any] = {"enrich_stages": [], "assign_events": True}
HOSTILE_TITLE = "Harbour \u202efees\u202c rise \x1b[31mred\x1b[0m in \u2066Haiphong\u2069 \x85\x9b"
RECORDS = [
    {"id": "calm-1", "title": "Harbour fees rise in Haiphong", "text": "Port fees in Haiphong rose again on Monday.",
     "lang": "en", "source": "port.example", "publish_date": "2024-05-05"},
    {"id": "hostile-1", "title": HOSTILE_TITLE, "text": "Port fees in Haiphong rose again on Monday, the third time.",
     "lang": "en", "source": "\u202eevil\x07.example", "publish_date": "2024-05-06"},
    {"id": "deep-1", "title": "Deep metadata harbour report", "text": "A report whose metadata is nested deeply.",
     "lang": "en", "publish_date": "2024-05-07"},
]
HUGE = 10**30


def _cursor(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _nested(depth: int) -> Any:
    value: Any = "bottom"
    for _ in range(depth):
        value = {"k": value}
    return value


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("hostile-server") / "store.db"
    with Tracker(db=db, **FAST) as tracker:
        report = tracker.ingest_docs(record_to_doc(r, f"test#{r['id']}") for r in RECORDS)
        assert report.added == [r["id"] for r in RECORDS], report.as_dict()
    # A store written before ingest bounded the nesting (or imported) may still hold such metadata.
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE articles SET metadata = ? WHERE id = 'deep-1'", (json.dumps({"deep": _nested(900)}),))
    return db


@pytest.fixture(scope="module")
def server(store: Path) -> Iterator[LiveServer]:
    with running_server(store, stream_poll_s=0.1, **FAST) as live:
        yield live


@pytest.fixture(scope="module")
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url(""), timeout=60) as http:
        yield http


def _assert_4xx_envelope(response: httpx.Response) -> dict[str, Any]:
    assert 400 <= response.status_code < 500, (response.request.url, response.status_code, response.text[:300])
    body = response.json()
    assert set(body) == {"error"} and body["error"]["status"] == response.status_code, body
    error: dict[str, Any] = body["error"]
    return error


# -- point 7: no 5xx from bad input -----------------------------------------------------------------
@pytest.mark.parametrize("raw", [f"i:{HUGE}", f"i:-{HUGE}", f"i:{2**63}", "i:-1", "i:" + "9" * 5000])
@pytest.mark.parametrize("path", ["/api/articles", "/api/events", "/api/storylines", "/api/entities", "/api/search"])
def test_a_cursor_out_of_range_is_a_400(client: httpx.Client, path: str, raw: str) -> None:
    params = {"cursor": _cursor(raw), **({"q": "harbour", "semantic": "false"} if "search" in path else {})}
    error = _assert_4xx_envelope(client.get(path, params=params))
    assert "cursor" in error["message"]


def test_a_cursor_out_of_range_on_the_events_page_is_a_400(client: httpx.Client) -> None:
    response = client.get("/events", params={"cursor": _cursor(f"i:{HUGE}")})
    assert response.status_code == 400, response.text[:300]


def _first_stream_event(client: httpx.Client, **kwargs: Any) -> httpx.Response | str:
    with client.stream("GET", "/api/stream", **kwargs) as response:
        if response.status_code != 200:
            response.read()
            return response
        for line in response.iter_lines():
            if line.startswith("data:"):
                return line
    raise AssertionError("the stream ended without an event")


def test_stream_after_a_huge_number_is_a_4xx(client: httpx.Client) -> None:
    answer = _first_stream_event(client, params={"after": str(HUGE)})
    assert isinstance(answer, httpx.Response)
    _assert_4xx_envelope(answer)


@pytest.mark.parametrize("last_id", [b"\xb2", b"1\xb2", "\u0663".encode(), b"abc", str(HUGE).encode(), b"-5",
                                     b"0x7"])
def test_stream_with_a_last_event_id_that_is_no_position_starts_now(client: httpx.Client, last_id: bytes) -> None:
    answer = _first_stream_event(client, headers={"last-event-id": last_id})
    assert isinstance(answer, str), answer.text[:300] if isinstance(answer, httpx.Response) else answer
    newest = client.get("/api/articles", params={"limit": 500}).json()["items"][-1]["seq"]
    assert json.loads(answer.removeprefix("data:")) == {"seq": newest}


def test_stream_with_a_good_last_event_id_resumes(client: httpx.Client) -> None:
    answer = _first_stream_event(client, headers={"last-event-id": "1"})
    assert isinstance(answer, str)
    assert json.loads(answer.removeprefix("data:")) == {"seq": 1}


def test_an_article_with_deeply_nested_metadata_is_served(client: httpx.Client) -> None:
    response = client.get("/api/articles/deep-1")
    assert response.status_code == 200, response.text[:300]
    assert response.json()["title"] == "Deep metadata harbour report"
    assert client.get("/articles/deep-1").status_code == 200


def test_ingest_refuses_metadata_nested_deeper_than_the_setting(client: httpx.Client) -> None:
    body = [{"id": "too-deep", "title": "Too deep", "text": "Nested too deep.", "extra": _nested(900)},
            {"id": "shallow-enough", "title": "Shallow", "text": "Nested a little.", "extra": _nested(20)}]
    response = client.post("/api/ingest", json=body)
    assert response.status_code == 200, response.text[:300]
    report = response.json()
    assert report["added_ids"] == ["shallow-enough"], report
    assert "max_metadata_depth" in report["rejects"][0]["reason"]
    assert client.get("/api/articles/shallow-enough").status_code == 200


# -- point 8: no writes from other sites ----------------------------------------------------------------
def _post(client: httpx.Client, headers: dict[str, str], body: bytes | None = None) -> httpx.Response:
    record = {"id": "cross-site", "title": "Written by another site", "text": "This must never be stored."}
    return client.post("/api/ingest", content=body or json.dumps(record).encode(), headers=headers)


@pytest.mark.parametrize("headers", [
    {"origin": "http://evil.example", "host": "evil.example", "content-type": "text/plain"},
    {"host": "evil.example", "content-type": "application/json"},
    {"host": "evil.example:8000", "content-type": "application/json"},
    {"origin": "http://evil.example", "content-type": "application/json"},
    {"origin": "null", "content-type": "application/json"},
    {"sec-fetch-site": "cross-site", "content-type": "application/json"},
    {"sec-fetch-site": "same-site", "content-type": "application/json"},
    {"content-type": "text/plain"},
    {"content-type": "application/x-www-form-urlencoded"},
    {"content-type": "multipart/form-data; boundary=x"},
    {},
])
def test_cross_site_writes_are_refused(client: httpx.Client, store: Path, headers: dict[str, str]) -> None:
    error = _assert_4xx_envelope(_post(client, headers))
    assert error["status"] in (400, 403, 415), error
    with sqlite3.connect(store) as conn:
        assert conn.execute("SELECT count(*) FROM articles WHERE id = 'cross-site'").fetchone()[0] == 0


def test_a_foreign_host_cannot_read_either(client: httpx.Client) -> None:
    """DNS rebinding: a page on evil.example whose name now points at 127.0.0.1 reads nothing."""
    error = _assert_4xx_envelope(client.get("/api/articles", headers={"host": "evil.example"}))
    assert "allowed_hosts" in error["message"]
    assert client.get("/", headers={"host": "evil.example", "accept": "text/html"}).status_code == 400


def test_same_origin_and_scripted_writes_are_accepted(client: httpx.Client, server: LiveServer) -> None:
    origin = server.url("").rstrip("/")
    for number, headers in enumerate([
        {"content-type": "application/json", "origin": origin, "sec-fetch-site": "same-origin"},
        {"content-type": "application/json; charset=utf-8"},
        {"content-type": "application/json", "host": f"localhost:{server.port}"},
        {"content-type": "application/json", "origin": f"http://localhost:{server.port}",
         "host": f"localhost:{server.port}"},
    ]):
        record = {"id": f"same-origin-{number}", "title": f"Same origin {number}", "text": "Posted from the UI."}
        response = _post(client, headers, json.dumps(record).encode())
        assert response.status_code == 200, (headers, response.text[:300])
        assert response.json()["added"] == 1


def test_extra_allowed_hosts_come_from_a_setting(store: Path, tmp_path: Path) -> None:
    copy = tmp_path / "hosts.db"
    copy.write_bytes(store.read_bytes())
    with running_server(copy, allowed_hosts=["news.home.arpa"], **FAST) as live:
        ok = httpx.get(live.url("/api/health"), headers={"host": "news.home.arpa"}, timeout=30)
        assert ok.status_code == 200
        assert httpx.get(live.url("/api/health"), headers={"host": "evil.example"}, timeout=30).status_code == 400


# -- point 14: HEAD, exports ---------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/", "/events", "/api/health", "/api/articles", "/api/articles/calm-1",
                                  "/feeds/events.atom", "/static/app.css", "/api/search.csv?q=harbour"])
def test_head_answers_like_get_without_a_body(client: httpx.Client, path: str) -> None:
    head = client.head(path)
    get = client.get(path)
    assert head.status_code == get.status_code == 200, (path, head.status_code)
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers["content-security-policy"] == get.headers["content-security-policy"]


def test_head_on_a_missing_page_is_a_404_and_head_on_the_stream_ends(client: httpx.Client) -> None:
    assert client.head("/api/articles/no-such-article").status_code == 404
    assert client.head("/api/stream").status_code == 200
    assert client.get("/api/health").status_code == 200  # the connection is still usable


def _event_of(client: httpx.Client, article_id: str) -> str:
    event_id: str = client.get(f"/api/articles/{article_id}").json()["event"]["id"]
    return event_id


@pytest.mark.parametrize("kind", ["csv", "json"])
def test_exports_carry_no_bidi_override_or_control_character(client: httpx.Client, kind: str) -> None:
    bodies = [client.get(f"/api/events/{_event_of(client, 'hostile-1')}.{kind}").text,
              client.get(f"/api/search.{kind}", params={"q": "Haiphong"}).text]
    for body in bodies:
        rows = list(csv.DictReader(io.StringIO(body))) if kind == "csv" else json.loads(body)
        titles = [row["title"] for row in rows if row.get("article_id") == "hostile-1"]
        assert titles, body[:500]
        for row in rows:
            for value in row.values():
                text = str(value)
                assert not any(ch in text for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"), row
                assert not any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in text), row
        assert "fees" in titles[0] and "red" in titles[0]
