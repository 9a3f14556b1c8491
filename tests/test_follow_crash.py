"""``storyweave follow`` as a process: kill -9 mid-poll, then restart, loses and duplicates nothing and
fetches no stored article's page again; SIGTERM lets the article in hand finish, then exits."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from conftest import REPO
from follow_support import FEED_TYPE, article_page, entry, rss
from httpserver import LocalHTTPServer

from storyweave import Tracker

ENTRIES = 12
ENV = {"STORYWEAVE_ENRICH_STAGES": "", "STORYWEAVE_ASSIGN_EVENTS": "false", "STORYWEAVE_WORKERS": "1",
       "STORYWEAVE_ALLOW_PRIVATE_ADDRESSES": "true", "STORYWEAVE_FOLLOW_HOST_DELAY_S": "0.05",
       "STORYWEAVE_ENRICH_BATCH": "2", "HF_HUB_OFFLINE": "1"}


@contextmanager
def slow_feed() -> Iterator[LocalHTTPServer]:
    """A feed of summaries whose pages each take 0.3 s: a poll lasts seconds, long enough to interrupt."""
    with LocalHTTPServer() as server:
        entries = []
        for n in range(ENTRIES):
            server.route(f"/p{n}", body=article_page(f"Quay story {n}"), delay_s=0.3)
            entries.append(entry(f"quay-{n}", f"Quay story {n}", server.url(f"/p{n}"), text="Summary."))
        server.route("/feed", body=rss(entries), content_type=FEED_TYPE, etag='"v1"')
        yield server


def start_follow(db: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, **ENV, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-m", "storyweave", "--db", str(db), "follow", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def stored_ids(db: Path) -> list[str]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return [row[0] for row in conn.execute("SELECT id FROM articles ORDER BY seq")]


def wait_for_articles(db: Path, count: int, process: subprocess.Popen[str]) -> list[str]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ids = stored_ids(db) if db.exists() else []
        if len(ids) >= count:
            return ids
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    raise AssertionError(f"fewer than {count} articles after 120 s")


def page_hits(server: LocalHTTPServer) -> dict[str, int]:
    return {f"quay-{n}": server.hits(f"/p{n}") for n in range(ENTRIES)}


def add_source(db: Path, url: str) -> None:
    with Tracker(db=db) as tracker:
        tracker.add_source(url, name="Quay Times")


def test_kill_9_mid_poll_then_restart_loses_and_duplicates_nothing(db_path: Path) -> None:
    with slow_feed() as server:
        add_source(db_path, server.url("/feed"))
        process = start_follow(db_path)
        wait_for_articles(db_path, 3, process)
        process.kill()  # SIGKILL: no handler runs
        process.wait(timeout=30)
        before_kill = stored_ids(db_path)
        assert 3 <= len(before_kill) < ENTRIES

        restarted = start_follow(db_path, "--once", "--json")
        _, err = restarted.communicate(timeout=180)
        assert restarted.returncode == 0, err

        ids = stored_ids(db_path)
        assert sorted(ids) == sorted(f"quay-{n}" for n in range(ENTRIES))  # nothing lost, nothing twice
        hits = page_hits(server)
        for article_id in before_kill:  # stored before the kill: skipped without fetching its page again
            assert hits[article_id] == 1, (article_id, hits)
        # Fetched twice: at most the pages of the chunk in hand when the kill came (enrich_batch = 2).
        assert all(count in (1, 2) for count in hits.values()) and list(hits.values()).count(2) <= 2, hits
        feed_requests = [headers for path, headers in server.requests if path == "/feed"]
        assert len(feed_requests) == 2 and all("If-None-Match" not in h for h in feed_requests)  # no ETag saved
        with Tracker(db=db_path) as tracker:
            source = tracker.sources()[0]
            assert source["articles_added"] == ENTRIES - len(before_kill)  # the killed poll saved no health
            assert source["last_status"] == "ok"
            assert tracker.db.check().ok


def test_sigterm_finishes_the_article_in_hand_then_exits(db_path: Path) -> None:
    with slow_feed() as server:
        add_source(db_path, server.url("/feed"))
        process = start_follow(db_path)
        wait_for_articles(db_path, 2, process)
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
        assert "stopping after the current article" in err
        stored = stored_ids(db_path)
        fetched = [article_id for article_id, count in page_hits(server).items() if count]
        assert sorted(fetched) == sorted(stored)  # every page fetched became an article: none left half done

        finished = start_follow(db_path, "--once")
        _, err = finished.communicate(timeout=180)
        assert finished.returncode == 0, err
        assert sorted(stored_ids(db_path)) == sorted(f"quay-{n}" for n in range(ENTRIES))
        assert set(page_hits(server).values()) == {1}
