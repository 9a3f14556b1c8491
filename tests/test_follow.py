"""``storyweave follow`` against a real HTTP server on loopback: feeds that change between polls,
conditional requests, Retry-After, failures and backoff, slow, redirected and compressed answers,
feeds found behind pages, and per-host politeness measured at the server."""

from __future__ import annotations

import itertools
import time
from pathlib import Path
from typing import Any

import pytest
from follow_support import FAST, FEED_TYPE, article_page, entry, rss
from httpserver import LocalHTTPServer, zero_bomb

from storyweave import Tracker


def tracker_for(db: Path, **overrides: Any) -> Tracker:
    return Tracker(db=db, **{**FAST, **overrides})


def poll(tracker: Tracker, every_one: bool = True) -> dict[int, Any]:
    return {r.source_id: r for r in tracker.follow(once=True, every_one=every_one)}


def test_follow_keeps_the_store_current_as_the_feed_changes(db_path: Path) -> None:
    with LocalHTTPServer() as server, tracker_for(db_path) as tracker:
        first = [entry("g1", "Harbour terminal approved", server.url("/a1")),
                 entry("g2", "Ferry strike ends", server.url("/a2"), text="Short summary.")]
        server.route("/a2", body=article_page("Ferry strike ends"))
        server.route("/feed", body=rss(first), content_type=FEED_TYPE, etag='"v1"')
        source = tracker.add_source(server.url("/feed"), name="Harbour Daily", lang="fr", country="fr", every="15m")

        result = poll(tracker)[source["id"]]
        assert result.status == "ok" and sorted(result.added) == ["g1", "g2"]
        stored = {a["id"]: a for a in tracker.articles()}
        assert {a["source"] for a in stored.values()} == {"Harbour Daily"}  # never "unknown source"
        ferry = tracker.article("g2")
        assert "paragraph word79" in ferry.text and ferry.metadata["text_from"] == "link"  # summary → page
        assert ferry.lang_hint == "fr" and ferry.metadata["country"] == "FR"
        assert server.hits("/a1") == 0  # a full-text entry needs no page

        # Unchanged: a conditional request, answered 304, nothing fetched or stored.
        result = poll(tracker)[source["id"]]
        assert result.status == "not_modified" and not result.added
        assert server.requests[-1][0] == "/feed" and server.requests[-1][1].get("If-None-Match") == '"v1"'

        # Changed: only the new entry is stored; the old summary's page is not fetched again.
        server.route("/a3", body=article_page("Dock workers vote"))
        server.route("/feed", body=rss([entry("g3", "Dock workers vote", server.url("/a3"), text="Soon."), *first]),
                     content_type=FEED_TYPE, etag='"v2"')
        result = poll(tracker)[source["id"]]
        assert result.added == ["g3"] and result.known == 2
        assert server.hits("/a2") == 1 and server.hits("/a3") == 1
        assert tracker.stats()["articles"] == 3
        health = tracker.source(source["id"])
        assert health["articles_added"] == 3 and health["per_day"] == 3.0 and health["consecutive_failures"] == 0
        assert health["median_latency_ms"] is not None and health["last_success_at"]
        assert health["days"][0]["polls"] == 3


def test_an_entry_stored_by_another_ingest_is_skipped_without_fetching_its_page(db_path: Path) -> None:
    with LocalHTTPServer() as server, tracker_for(db_path) as tracker:
        server.route("/a1", body=article_page("Tug collides with pier"))
        server.route("/feed", body=rss([entry("g1", "Tug collides with pier", server.url("/a1"), text="Short.")]),
                     content_type=FEED_TYPE)
        tracker.ingest(server.url("/feed"))  # the same feed ingested once by hand
        assert server.hits("/a1") == 1
        source = tracker.add_source(server.url("/feed"))
        result = poll(tracker)[source["id"]]
        assert result.known == 1 and not result.added and server.hits("/a1") == 1
        # Same bytes again from a server without validators: seen as unchanged, not even parsed.
        assert poll(tracker)[source["id"]].status == "not_modified"


def test_an_empty_feed_is_a_success_and_a_broken_one_a_failure(db_path: Path) -> None:
    with LocalHTTPServer() as server, tracker_for(db_path) as tracker:
        server.route("/empty", body=rss([]), content_type=FEED_TYPE)
        server.route("/broken", body=b"<rss version='2.0'><channel><title>Harbour</title></chann",
                     content_type=FEED_TYPE)
        empty = tracker.add_source(server.url("/empty"))
        broken = tracker.add_source(server.url("/broken"))
        results = poll(tracker)
        assert results[empty["id"]].status == "ok" and results[empty["id"]].error is None
        assert results[broken["id"]].status == "error" and "feed" in str(results[broken["id"]].error)
        assert tracker.source(empty["id"])["last_status"] == "ok"
        assert tracker.source(broken["id"])["consecutive_failures"] == 1


def test_last_modified_is_sent_back(db_path: Path) -> None:
    with LocalHTTPServer() as server, tracker_for(db_path) as tracker:
        stamp = "Wed, 05 Jun 2024 10:00:00 GMT"
        server.route("/feed", body=rss([entry("g1", "Cranes arrive", "http://harbour.example/1")]),
                     content_type=FEED_TYPE, last_modified=stamp)
        source = tracker.add_source(server.url("/feed"))
        poll(tracker)
        assert poll(tracker)[source["id"]].status == "not_modified"
        assert server.requests[-1][1].get("If-Modified-Since") == stamp


def test_retry_after_is_honoured_for_the_whole_host(db_path: Path) -> None:
    with LocalHTTPServer() as server, tracker_for(db_path) as tracker:
        server.route("/busy", status=429, headers={"Retry-After": "120"})
        server.route("/other", body=rss([entry("g1", "Pilot boats", "http://harbour.example/1")]),
                     content_type=FEED_TYPE)
        busy = tracker.add_source(server.url("/busy"))
        other = tracker.add_source(server.url("/other"))
        before = time.time()
        results = poll(tracker)
        assert results[busy["id"]].status == "error" and "429" in str(results[busy["id"]].error)
        assert results[other["id"]].status == "deferred" and server.hits("/other") == 0
        with tracker_for(db_path) as reader:
            rows = {row["id"]: row for row in reader.db.list_sources()}
        assert rows[busy["id"]]["next_poll_at"] >= before + 120
        assert rows[other["id"]]["next_poll_at"] >= before + 119
        assert poll(tracker, every_one=False) == {}  # nothing is due: the host is left alone
        assert server.hits("/busy") == 1 and server.hits("/other") == 0


def test_failures_back_off_then_pause_the_source(db_path: Path) -> None:
    with LocalHTTPServer() as server, tracker_for(db_path, follow_retry_s=100.0, follow_pause_after=3) as tracker:
        server.route("/feed", status=500, body=b"oops")
        source = tracker.add_source(server.url("/feed"))
        waits = []
        for _ in range(3):
            before = time.time()
            result = poll(tracker)[source["id"]]
            assert result.status == "error" and "HTTP 500" in str(result.error)
            row = tracker.db.get_source(source["id"])
            assert row is not None
            waits.append(row["next_poll_at"] - before)
        # Doubling with jitter: the n-th wait lies in [base·2^(n-1)/2, base·2^(n-1)] (plus the poll's own time).
        assert 50 <= waits[0] <= 101 and 100 <= waits[1] <= 201
        assert result.paused and "3 consecutive failures" in result.paused and "HTTP 500" in result.paused
        listed = tracker.sources()[0]
        assert listed["state"] == "paused" and "HTTP 500" in listed["pause_reason"]
        assert listed["consecutive_failures"] == 3 and listed["last_error"].startswith("HTTP 500")
        assert poll(tracker) == {} and server.hits("/feed") == 3  # paused: not polled, even with --all
        server.route("/feed", body=rss([entry("g1", "Back online", "http://harbour.example/1")]),
                     content_type=FEED_TYPE)
        resumed = tracker.resume_source(source["id"])
        assert resumed["state"] == "active" and resumed["consecutive_failures"] == 0
        assert poll(tracker, every_one=False)[source["id"]].added == ["g1"]


def test_slow_redirected_and_compressed_answers(db_path: Path) -> None:
    with LocalHTTPServer() as server, tracker_for(db_path, fetch_timeout_s=0.5, fetch_total_timeout_s=2.0) as tracker:
        feed = rss([entry("g1", "Lighthouse restored", "http://harbour.example/1")])
        server.route("/slow", body=feed, content_type=FEED_TYPE, delay_s=5)
        server.route("/moved", redirect_to="/gz", status=301)
        server.route("/gz", body=feed, content_type=FEED_TYPE, content_encoding="gzip")
        slow = tracker.add_source(server.url("/slow"))
        moved = tracker.add_source(server.url("/moved"))
        results = poll(tracker)
        assert results[slow["id"]].status == "error" and "timed out" in str(results[slow["id"]].error)
        assert results[moved["id"]].added == ["g1"]
        assert server.requests[-1][1].get("Accept-Encoding") == "gzip, deflate"
        assert server.requests[-1][1].get("User-Agent", "").startswith("storyweave/")


def test_a_page_leads_to_its_feed(db_path: Path) -> None:
    with LocalHTTPServer() as server, tracker_for(db_path) as tracker:
        server.route("/", body=b'<html><head><title>Harbour</title><link rel="alternate" type="application/rss+xml" '
                               b'href="/rss.xml"></head><body>Home</body></html>')
        server.route("/rss.xml", body=rss([entry("g1", "Regatta on Sunday", "http://harbour.example/1")]),
                     content_type=FEED_TYPE, etag='"x"')
        server.route("/nofeed", body=b"<html><head><title>Blog</title></head><body>No feed here</body></html>")
        page = tracker.add_source(server.url("/"))
        bare = tracker.add_source(server.url("/nofeed"))
        results = poll(tracker)
        assert results[page["id"]].added == ["g1"]
        assert tracker.source(page["id"])["feed_url"] == server.url("/rss.xml")
        assert "names no feed" in str(results[bare["id"]].error)
        assert poll(tracker)[page["id"]].status == "not_modified"  # validators now go to the feed itself
        assert server.hits("/") == 1


def test_requests_to_one_host_are_one_at_a_time_and_spaced(db_path: Path) -> None:
    delay = 0.25
    with LocalHTTPServer() as one, LocalHTTPServer(host="127.0.0.2") as two, \
            tracker_for(db_path, follow_host_delay_s=delay, follow_concurrency=4) as tracker:
        for server in (one, two):
            for n in range(3):
                links = [server.url(f"/p{n}-{k}") for k in range(2)]
                titles = [f"Story {n} {k} from {server.host}" for k in range(2)]
                for k in range(2):
                    server.route(f"/p{n}-{k}", body=article_page(titles[k]))
                server.route(f"/f{n}", body=rss([entry(f"{server.host}-{n}-{k}", titles[k], link, "Brief.")
                                                 for k, link in enumerate(links)]), content_type=FEED_TYPE)
                tracker.add_source(server.url(f"/f{n}"))
        results = tracker.follow(once=True)
        assert len(results) == 6 and sum(len(r.added) for r in results) == 12
        for server in (one, two):
            answered = sorted(server.timeline, key=lambda item: item[1])
            assert len(answered) == 9  # 3 feeds and 6 pages
            for (_, _, ended), (_, started, _) in itertools.pairwise(answered):
                # Times taken at the server: the next request starts after the last one ended, plus the delay.
                assert started - ended >= delay - 0.01, answered


def test_hostile_feeds_meet_the_ingest_guards(db_path: Path) -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>' \
           b'<rss version="2.0"><channel><title>&b;</title><item><title>x</title></item></channel></rss>'
    flood = ('<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item '
             + " ".join(f'a{n}="1"' for n in range(500)) + "><title>x</title></item></channel></rss>").encode()
    with LocalHTTPServer() as server, tracker_for(db_path, max_input_bytes=1_000_000) as tracker:
        server.route("/bomb", body=bomb, content_type=FEED_TYPE)
        server.route("/flood", body=flood, content_type=FEED_TYPE)
        server.route("/zip", body=zero_bomb(20_000_000), content_type=FEED_TYPE, headers={"Content-Encoding": "gzip"})
        server.route("/zip-page", body=zero_bomb(20_000_000), headers={"Content-Encoding": "gzip"})
        server.route("/ok", body=rss([entry("g1", "Harbour fees", server.url("/zip-page"), text="Fees rise.")]),
                     content_type=FEED_TYPE)
        ids = {name: tracker.add_source(server.url(f"/{name}"))["id"] for name in ("bomb", "flood", "zip", "ok")}
        results = poll(tracker)
        assert "entities" in str(results[ids["bomb"]].error)
        assert "attributes" in str(results[ids["flood"]].error)
        assert "larger than" in str(results[ids["zip"]].error)
        assert results[ids["ok"]].added == ["g1"]  # the page was refused: the summary is kept, with the reason
        assert "larger than" in tracker.article("g1").metadata["link_fetch_error"]
        assert tracker.stats()["articles"] == 1


def test_private_addresses_stay_refused_unless_allowed(db_path: Path) -> None:
    with LocalHTTPServer() as server, tracker_for(db_path, allow_private_addresses=False) as tracker:
        server.route("/feed", body=rss([entry("g1", "x", "http://harbour.example/1")]), content_type=FEED_TYPE)
        source = tracker.add_source(server.url("/feed"))
        result = poll(tracker)[source["id"]]
        assert "non-public address" in str(result.error) and server.hits("/feed") == 0


@pytest.mark.parametrize("every", ["0s", "-5m", "soon", ""])
def test_a_bad_interval_is_a_one_line_error(db_path: Path, every: str) -> None:
    from storyweave.errors import InputError

    with tracker_for(db_path) as tracker, pytest.raises(InputError, match="interval"):
        tracker.add_source("http://harbour.example/feed", every=every or " ")
