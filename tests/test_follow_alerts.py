"""Following and watching together: the follow loop delivers the alerts its polls fire, to a real
webhook receiver on loopback, and ``serve --follow`` (two deliverers on one store) sends each once."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from follow_support import FAST, FEED_TYPE, LONG, entry, rss
from httpserver import LocalHTTPServer
from typer.testing import CliRunner

from storyweave import Settings, Tracker
from storyweave.cli import app

# Alerts need events: articles found their own (no models), as in test_watches.py.
WATCHED = {**FAST, "assign_events": True, "alert_webhook_allow_private": True, "alert_retry_base_s": 0.0}
FLOODS = ("Heavy rain closed schools across the Mekong delta on Tuesday as rivers rose to their highest level in "
          "a decade; officials moved families from low-lying villages to shelters in the provincial capital.")
STORIES = [
    LONG,
    "A container ship ran aground outside the harbour at dawn, and tugs worked through the morning to free it "
    "before the tide turned; no crew member was hurt and no fuel leaked, the coast guard said. " * 2,
    "Fishermen blocked the harbour entrance for six hours in protest at new quotas, letting only ferries and "
    "ambulance boats through, until the ministry agreed to meet their union next week. " * 2,
]


def _posted_ids(receiver: LocalHTTPServer) -> list[int]:
    ids = []
    for path, headers, body in receiver.posts:
        alert_id = json.loads(body)["id"]
        assert path == "/hook" and headers["X-Storyweave-Alert"] == str(alert_id)
        ids.append(alert_id)
    return ids


def test_follow_once_delivers_the_alert_its_poll_fired(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in WATCHED.items():
        monkeypatch.setenv(f"STORYWEAVE_{name.upper()}", json.dumps(value) if isinstance(value, list) else str(value))
    monkeypatch.setenv("STORYWEAVE_ENRICH_STAGES", "")
    with LocalHTTPServer() as feeds, LocalHTTPServer() as receiver:
        hook = receiver.route("/hook", status=204)
        feeds.route("/feed", content_type=FEED_TYPE, etag='"v1"', body=rss([
            entry("g1", "Harbour terminal approved", "http://harbour.example/1"),
            entry("g2", "Mekong floods close schools", "http://harbour.example/2", text=FLOODS)]))
        with Tracker(db=db_path) as tracker:
            watch = tracker.add_watch(words="harbour terminal", webhook=hook, name="Port works")
            tracker.add_source(feeds.url("/feed"), name="Harbour Daily")

        result = CliRunner().invoke(app, ["--db", str(db_path), "follow", "--once", "--json"])
        assert result.exit_code == 0, result.output
        assert sorted(json.loads(result.output)[0]["added_ids"]) == ["g1", "g2"]
        # Delivered by the follow run itself: nothing else ran a delivery round.
        assert len(receiver.posts) == 1
        alert = json.loads(receiver.posts[0][2])
        assert alert["watch"]["id"] == watch["id"] and alert["article"]["id"] == "g1"
        with Tracker(db=db_path) as tracker:
            assert tracker.watch(watch["id"])["deliveries"] == {"delivered": 1}

        # The unchanged feed (a 304) fires nothing, and the delivered alert is not sent again.
        again = CliRunner().invoke(app, ["--db", str(db_path), "follow", "--once", "--all", "--json"])
        assert again.exit_code == 0, again.output
        assert json.loads(again.output)[0]["status"] == "not_modified"
        assert _posted_ids(receiver) == [alert["id"]]


def test_serve_follow_sends_each_alert_once_though_two_deliverers_run(db_path: Path) -> None:
    """The server's delivery thread (a round every 0.05 s) and the follow loop's delivery after its
    poll both claim from one outbox while a slow receiver holds each POST for 0.5 s: the follow loop
    is still posting the first alert when the thread looks at the others.  A claim is a lease taken
    in a write transaction, so each alert goes out once whichever deliverer takes it."""
    from test_api_support import LiveServer

    from storyweave.server import create_app

    options: dict[str, Any] = {**WATCHED, "alert_deliver_every_s": 0.05}
    with LocalHTTPServer() as feeds, LocalHTTPServer() as receiver:
        hook = receiver.route("/hook", status=204, delay_s=0.5)
        feeds.route("/feed", content_type=FEED_TYPE, body=rss(
            [entry(f"s{n}", f"Harbour story {n}", f"http://harbour.example/{n}", text=text)
             for n, text in enumerate(STORIES)]))
        with Tracker(db=db_path, **options) as tracker:
            watch = tracker.add_watch(words="harbour", webhook=hook)
            tracker.add_source(feeds.url("/feed"), name="Harbour Daily")
        live = LiveServer(create_app(Settings.load(db=str(db_path), **options), follow=True)).start()
        try:
            with Tracker(db=db_path, **options) as reader:
                deadline = time.monotonic() + 120
                while time.monotonic() < deadline:
                    if reader.watch(watch["id"])["deliveries"] == {"delivered": len(STORIES)}:
                        break
                    time.sleep(0.1)
                assert reader.watch(watch["id"])["deliveries"] == {"delivered": len(STORIES)}
                fired = sorted(a["id"] for a in reader.alerts(watch["id"]))
            time.sleep(1.0)  # more of the server's delivery rounds, which must find nothing to send
        finally:
            live.stop()
        assert not [t for t in threading.enumerate() if t.name in ("follow", "alert-delivery")]
        assert sorted(_posted_ids(receiver)) == fired and len(fired) == len(STORIES)
