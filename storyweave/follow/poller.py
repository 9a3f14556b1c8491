"""One source's feed, fetched: a conditional request, the feed found behind a page, or the failure.

This half runs in the fetch threads and never touches the store; ``follower`` hands each answer
to the single writer.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from ..encoding import decode_bytes
from ..errors import FetchError, HTTPStatusError
from ..extract import page_hints
from ..fetch import FetchedPage
from ..ingest import sniff_format
from .polite import PoliteFetcher, host_of
from .schedule import retry_after_s

# Statuses whose Retry-After is a request to slow down (others carry it rarely and mean less).
_SLOW_DOWN = frozenset({429, 503})
_SNIFF_CHARS = 65536


@dataclass
class FeedAnswer:
    """What polling one source's feed gave: ``kind`` is fetched, not_modified, error or deferred."""

    source: dict[str, Any]
    kind: str
    page: FetchedPage | None = None
    feed_url: str | None = None
    error: str | None = None
    retry_after_s: float | None = None
    latency_ms: float | None = None


def _is_page(page: FetchedPage) -> bool:
    """An HTML page rather than a feed: by its content type, else by its first element."""
    if "html" in page.content_type:
        return True
    if any(word in page.content_type for word in ("rss", "atom", "rdf", "xml")):
        return False
    return sniff_format(decode_bytes(page.body[:_SNIFF_CHARS], page.charset)[0]) == "html"


def discovered_feed(page: FetchedPage) -> str | None:
    """The first feed a page names in ``<link rel="alternate" type="application/rss+xml">`` (or Atom)."""
    feeds = page_hints(decode_bytes(page.body, page.charset)[0]).feeds
    return urljoin(page.final_url, feeds[0]) if feeds else None


def fetch_feed(fetcher: PoliteFetcher, source: dict[str, Any]) -> FeedAnswer:
    """Poll ``source`` once: validators go along once its feed is known; a page leads to its feed."""
    url = source.get("feed_url") or source["url"]
    headers: dict[str, str] = {}
    if source.get("feed_url"):
        if source.get("etag"):
            headers["If-None-Match"] = source["etag"]
        if source.get("last_modified"):
            headers["If-Modified-Since"] = source["last_modified"]
    waiting = fetcher.gate.blocked_for(host_of(url))
    if waiting > 0:
        return FeedAnswer(source, "deferred", retry_after_s=waiting)
    started = time.monotonic()
    try:
        page = fetcher.get(url, headers)
        if page.status == 304:
            return FeedAnswer(source, "not_modified", page, url, latency_ms=_ms(started))
        if _is_page(page):
            found = discovered_feed(page)
            if found is None:
                raise FetchError(f"{url} is an HTML page that names no feed (<link rel=\"alternate\" "
                                 "type=\"application/rss+xml\">); give the feed's own URL")
            page, url = fetcher.get(found), found
            if _is_page(page):
                raise FetchError(f"{found}, the feed {source['url']} names, is an HTML page, not a feed")
        return FeedAnswer(source, "fetched", page, url, latency_ms=_ms(started))
    except HTTPStatusError as exc:
        wait = retry_after_s(exc.retry_after, time.time()) if exc.status in _SLOW_DOWN else None
        if wait is not None:  # at once, so the host's other sources in this round are left alone too
            fetcher.gate.block(host_of(url), wait)
        return FeedAnswer(source, "error", error=str(exc), retry_after_s=wait, latency_ms=_ms(started))
    except FetchError as exc:
        return FeedAnswer(source, "error", error=str(exc), latency_ms=_ms(started))


def _ms(started: float) -> float:
    return (time.monotonic() - started) * 1000
