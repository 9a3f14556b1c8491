"""Shared set-up for the server tests: a seeded store and a real uvicorn server on 127.0.0.1.

The seeded store (the two seed articles, the June 2024 fixture and a few hostile or oddly written
articles made up here) is built once per test session through the full pipeline, then copied for
each server, so a test that writes never changes what another test reads.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from conftest import EXAMPLES
from fastapi import FastAPI

from storyweave import Settings, Tracker
from storyweave.ingest import record_to_doc
from storyweave.server import create_app

# Made-up articles (never eval data).  Titles carry the payloads the UI must neutralise.
XSS_TITLE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"> Hanoi harbour festival'
BIDI_TITLE = "Harbour fees \u202eslaunch\u202c rise again in \u2066Haiphong\u2069"
FORMULA_TITLE = '=HYPERLINK("http://evil.invalid","click") harbour report'
EXTRA_ARTICLES: list[dict[str, Any]] = [
    {
        "id": "test-xss-1",
        "title": XSS_TITLE,
        "text": "The Hanoi harbour festival opened on Saturday with boat races. "
        '<img src=x onerror="window.__pwned=3"> Organisers expect 20,000 visitors this year.',
        "lang": "en",
        "source": "<b>evil</b>.example",
        "url": "javascript:window.__pwned=4",
        "publish_date": "2024-05-04",
    },
    {
        "id": "test-bidi-1",
        "title": BIDI_TITLE,
        "text": "Port authorities in Haiphong raised container fees for the third time this year.",
        "lang": "en",
        "source": "port-news.example",
        "publish_date": "2024-05-05",
    },
    {
        "id": "test-formula-1",
        "title": FORMULA_TITLE,
        "text": "+cmd|' /C calc'!A0 harbour statistics for the quarter were published on Monday.",
        "lang": "en",
        "source": "@formula.example",
        "publish_date": "2024-05-06",
    },
    {
        "id": "test-zh-1",
        "title": "河内港口节开幕",
        "text": "河内港口节周六开幕，举行了龙舟比赛。主办方预计今年将有两万名游客。",
        "lang": "zh",
        "source": "zh.example",
        "publish_date": "2024-05-04",
    },
]

_built: dict[str, Path] = {}
_lock = threading.Lock()


def seeded_store(directory: Path) -> Path:
    """A copy, in ``directory``, of the seeded store (built on first use in this session)."""
    with _lock:
        if "db" not in _built:
            build_dir = Path(directory).parent / "seeded-store"
            build_dir.mkdir(parents=True, exist_ok=True)
            db = build_dir / "seeded.db"
            with Tracker(db=db) as tracker:
                tracker.ingest(str(EXAMPLES))
                tracker.ingest_docs(record_to_doc(r, f"test#{r['id']}") for r in EXTRA_ARTICLES)
                tracker.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            _built["db"] = db
    target = Path(directory) / "store.db"
    shutil.copyfile(_built["db"], target)
    return target


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """A uvicorn server in a background thread; ``url(path)`` builds addresses on it."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.port = free_port()
        # A long keep-alive: on a loaded machine a shared test client can sit idle for more than
        # uvicorn's default 5 s, and a request racing the server's close of that idle connection
        # is reset.
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", log_config=None,
                                timeout_graceful_shutdown=1, timeout_keep_alive=120)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("test server did not start")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@contextmanager
def running_server(db: Path, host: str = "127.0.0.1", app_hook: Any = None, **overrides: Any) -> Iterator[LiveServer]:
    """Serve ``db`` on a free loopback port; ``host`` is the address the app believes it is bound to."""
    settings = Settings.load(db=str(db), **overrides)
    app = create_app(settings, host=host)
    if app_hook is not None:
        app_hook(app)
    server = LiveServer(app).start()
    try:
        yield server
    finally:
        server.stop()


def find_putin(base_url: str) -> dict[str, Any]:
    """The entity for Vladimir Putin (from the API's entity list, by its English or French name)."""
    entities = httpx.get(f"{base_url}/api/entities", params={"type": "person", "limit": 500}, timeout=30).json()
    for entity in entities["items"]:
        names = " ".join([entity.get("name") or "", *(entity.get("names") or {}).values()]).lower()
        if "putin" in names or "poutine" in names:
            return dict(entity)
    raise AssertionError("no entity for Putin in the store")


def find_seed_event(base_url: str) -> dict[str, Any]:
    """The event holding the Arabic seed (its details, from the API)."""
    articles = httpx.get(f"{base_url}/api/articles", params={"lang": "ar"}, timeout=30).json()["items"]
    assert articles, "the Arabic seed is not in the store"
    details = httpx.get(f"{base_url}/api/articles/{articles[0]['id']}", timeout=30).json()
    event_id = details["event"]["id"]
    event: dict[str, Any] = httpx.get(f"{base_url}/api/events/{event_id}", timeout=30).json()
    return event
