"""Watches over a real server: the REST API, the live stream's alert messages, each watch's Atom feed,
and the background delivery that ``storyweave serve`` runs."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import httpx
import pytest
from httpserver import LocalHTTPServer
from test_api_support import LiveServer, running_server

ATOM = "{http://www.w3.org/2005/Atom}"
TEXT = ("The harbour authority of Haiphong raised container fees on Monday for the third time this year, citing "
        "dredging costs. Shipping lines said they would pass the increase on to customers within weeks.")
FAST = {"enrich_stages": [], "workers": 1, "stream_poll_s": 0.1, "alert_webhook_allow_private": True,
        "alert_retry_base_s": 0.0}


def _article(article_id: str, source: str, extra: str = "") -> dict[str, Any]:
    return {"id": article_id, "title": "Haiphong harbour fees rise", "text": TEXT + extra, "lang": "en",
            "source": source, "publish_date": "2024-05-05"}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    with running_server(tmp_path / "store.db", alert_deliver_every_s=0, **FAST) as live:
        yield live


def _listen(url: str, ready: threading.Event, alerts: list[dict[str, Any]], ids: list[str], want: int) -> None:
    with httpx.stream("GET", url, timeout=30) as response:
        event = None
        for line in response.iter_lines():
            if line.startswith("id: "):
                ids.append(line[4:])
            elif line.startswith("event: "):
                event = line[7:]
                if event == "ready":
                    ready.set()
            elif line.startswith("data: ") and event == "alert":
                alerts.append(json.loads(line[6:]))
                if len(alerts) >= want:
                    return


def test_api_stream_and_feed_carry_each_alert_once(server: LiveServer) -> None:
    created = httpx.post(server.url("/api/watches"), json={"words": "harbour fees", "name": "Ports <b>",
                                                           "webhook": "https://hooks.example/T000/secret-token"})
    assert created.status_code == 201, created.text
    watch = created.json()
    assert len(watch["secret"]) == 64
    listed = httpx.get(server.url("/api/watches")).json()["items"]
    assert listed == [{**{k: v for k, v in watch.items() if k != "secret"}, "webhook": "https://hooks.example/…"}]

    alerts: list[dict[str, Any]] = []
    ids: list[str] = []
    ready = threading.Event()
    listener = threading.Thread(target=_listen, args=(server.url("/api/stream"), ready, alerts, ids, 2), daemon=True)
    listener.start()
    assert ready.wait(20)
    for body in (_article("a1", "port-news.example"), _article("a1", "port-news.example"),
                 _article("a2", "wire.example", " (AFP)")):
        assert httpx.post(server.url("/api/ingest"), json=body, timeout=60).status_code == 200
    listener.join(20)
    assert [(a["kind"], a["payload"]["new_outlets"]) for a in alerts] == [
        ("new_event", ["port-news.example"]), ("coverage", ["wire.example"])]
    assert alerts[0]["payload"]["watch"] == {"id": watch["id"], "name": "Ports <b>"}
    assert ids[-1].endswith(f":{alerts[-1]['id']}")  # Last-Event-ID resumes articles and alerts alike

    # Resuming from the first alert sends the second one only.
    resumed: list[dict[str, Any]] = []
    resume_from = f"0:{alerts[0]['id']}"
    with httpx.stream("GET", server.url("/api/stream"), headers={"last-event-id": resume_from}, timeout=30) as r:
        event = None
        for line in r.iter_lines():
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: ") and event == "alert":
                resumed.append(json.loads(line[6:]))
                break
    assert [a["id"] for a in resumed] == [alerts[1]["id"]]

    feed = httpx.get(server.url(f"/feeds/watches/{watch['id']}.atom"))
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(feed.content)
    assert root.tag == f"{ATOM}feed" and root.findtext(f"{ATOM}title") == "storyweave watch: Ports <b>"
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}id") for e in entries] == [f"urn:storyweave:alert:{a['id']}" for a in reversed(alerts)]
    newest, oldest = entries
    assert newest.findtext(f"{ATOM}title") == "More coverage: Haiphong harbour fees rise (wire.example)"
    assert oldest.findtext(f"{ATOM}title") == "New event: Haiphong harbour fees rise (en, port-news.example)"
    event_id = alerts[0]["event_id"]
    assert oldest.find(f"{ATOM}link").get("href") == server.url(f"/events/{event_id}")  # type: ignore[union-attr]
    assert json.loads(oldest.findtext(f"{ATOM}summary") or "")["id"] == alerts[0]["id"]

    details = httpx.get(server.url(f"/api/watches/{watch['id']}")).json()
    assert "secret" not in details and details["webhook"] == "https://hooks.example/…"
    assert [a["id"] for a in details["alerts"]] == [a["id"] for a in reversed(alerts)]
    assert details["deliveries"] == {"pending": 2}
    page = httpx.get(server.url(f"/api/watches/{watch['id']}/alerts"), params={"after": alerts[0]["id"]}).json()
    assert [a["id"] for a in page["items"]] == [alerts[1]["id"]]

    assert httpx.delete(server.url(f"/api/watches/{watch['id']}")).json() == {"removed": watch["id"]}
    gone = httpx.get(server.url(f"/api/watches/{watch['id']}"))
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "not_found"
    assert httpx.get(server.url(f"/feeds/watches/{watch['id']}.atom")).status_code == 404


def test_api_refuses_bad_watches_and_foreign_writes(server: LiveServer) -> None:
    bad = httpx.post(server.url("/api/watches"), json={"words": "  "})
    assert bad.status_code == 400 and "needs words or an entity" in bad.json()["error"]["message"]
    blocked = httpx.post(server.url("/api/watches"), json={"words": "x", "webhook": "file:///etc/passwd"})
    assert blocked.status_code == 400 and "only http and https" in blocked.json()["error"]["message"]
    invalid = httpx.post(server.url("/api/watches"), json={"words": "x", "min_outlets": -3})
    assert invalid.status_code == 422
    cross_site = httpx.post(server.url("/api/watches"), json={"words": "x"}, headers={"origin": "https://evil.example"})
    assert cross_site.status_code == 403
    assert httpx.get(server.url("/api/watches")).json() == {"items": []}
    schema = httpx.get(server.url("/openapi.json")).json()
    assert {"/api/watches", "/api/watches/{watch_id}", "/api/alerts/deliver",
            "/feeds/watches/{watch_id}.atom"} <= set(schema["paths"])


def test_serve_delivers_in_the_background(tmp_path: Path) -> None:
    with LocalHTTPServer() as receiver:
        hook = receiver.route("/hook", status=200)
        with running_server(tmp_path / "store.db", alert_deliver_every_s=0.2, **FAST) as live:
            assert httpx.post(live.url("/api/watches"), json={"words": "harbour", "webhook": hook}).status_code == 201
            assert httpx.post(live.url("/api/ingest"), json=_article("a1", "port-news.example"), timeout=60).is_success
            deadline = time.monotonic() + 30
            while not receiver.posts and time.monotonic() < deadline:
                time.sleep(0.1)
            assert httpx.post(live.url("/api/alerts/deliver")).json() == {"delivered": [], "retrying": [],
                                                                          "failed": []}
        assert [json.loads(body)["id"] for _, _, body in receiver.posts] == [1]
