"""Politeness towards the hosts storyweave follows: one request at a time per host, a minimum
delay between two of them, and a host that answered ``Retry-After`` is left alone until then.

Every request the follower makes (feeds, and the pages of entries that carry only a summary) goes
through one ``HostGate``, so the rule holds across the fetch threads and the writer's thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from urllib.parse import urlsplit

import httpx

from ..errors import FetchError
from ..fetch import FetchedPage, Fetcher
from ..settings import Settings


def host_of(url: str) -> str:
    """The host a URL's requests count against (lower case; the port does not make another host)."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


class HostGate:
    """Per host: a lock held for the length of a request, the time the last one ended, and the
    time until which the host asked to be left alone."""

    def __init__(self, delay_s: float) -> None:
        self.delay_s = max(0.0, delay_s)
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._last_end: dict[str, float] = {}
        self._blocked: dict[str, float] = {}

    def _lock(self, host: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(host, threading.Lock())

    def ready_at(self, host: str) -> float:
        """The monotonic time from which the next request to ``host`` may start."""
        with self._guard:
            return max(self._last_end.get(host, -1e18) + self.delay_s, self._blocked.get(host, -1e18))

    def busy(self, host: str) -> bool:
        return self._lock(host).locked()

    def blocked_for(self, host: str) -> float:
        """Seconds ``host`` still asked to be left alone (0 when it did not)."""
        with self._guard:
            return max(0.0, self._blocked.get(host, 0.0) - time.monotonic())

    def block(self, host: str, seconds: float) -> None:
        with self._guard:
            self._blocked[host] = max(self._blocked.get(host, 0.0), time.monotonic() + seconds)

    @contextmanager
    def turn(self, host: str) -> Iterator[None]:
        """Wait for ``host``'s turn, then hold it for one request."""
        with self._lock(host):
            with self._guard:
                wait = self._last_end.get(host, -1e18) + self.delay_s - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                yield
            finally:
                with self._guard:
                    self._last_end[host] = time.monotonic()


class PoliteFetcher(Fetcher):
    """A ``Fetcher`` (same SSRF guards, size cap and deadlines) whose every request takes its host's turn."""

    def __init__(self, settings: Settings, gate: HostGate, transport: httpx.BaseTransport | None = None) -> None:
        super().__init__(settings, transport)
        self.gate = gate

    def get(self, url: str, headers: Mapping[str, str] | None = None) -> FetchedPage:
        host = host_of(url)
        waiting = self.gate.blocked_for(host)
        if waiting > 0:
            raise FetchError(f"{host} asked to be left alone for {waiting:.0f}s more (Retry-After); not fetched now")
        with self.gate.turn(host):
            return super().get(url, headers)
