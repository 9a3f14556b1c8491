"""Load harness shared by the concurrency test and benchmarks: a real ``storyweave serve`` process,
a real ``storyweave ingest`` process writing at the same time, and many HTTP clients on loopback.

Every response is recorded: status, latency, and whether the body mentions a locked database.
"""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

LOCK_WORDS = ("database is locked", "database table is locked", "SQLITE_BUSY")
QUERIES = ["strike", "Erdbeben Tokyo", "élection présidentielle", "Putin Hanoi", "inundaciones", "summit trade",
           "'; DROP TABLE articles; --", '"unbalanced', "NEAR(", "*", "title:x", "^", "Macron", "خبر"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve_process(db: Path, env: dict[str, str], log: Path) -> Iterator[tuple[str, int]]:
    """``python -m storyweave --db db serve`` on a free loopback port; yields its base URL and pid."""
    port = free_port()
    command = [sys.executable, "-m", "storyweave", "--db", str(db), "serve", "--port", str(port)]
    with log.open("wb") as sink:
        process = subprocess.Popen(command, env={**os.environ, "HF_HUB_OFFLINE": "1", **env},
                                   stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited: {log.read_text(errors='replace')[-2000:]}")
            try:
                if httpx.get(base + "/api/health", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not start in 120 s")
            time.sleep(0.2)
        yield base, process.pid
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def ids_in(db: Path, sql: str) -> list[str]:
    import sqlite3

    with sqlite3.connect(db, timeout=30) as conn:
        return [str(r[0]) for r in conn.execute(sql)]


@dataclass
class Sample:
    path: str
    status: int
    seconds: float
    locked: bool
    error: str = ""


@dataclass
class LoadResult:
    samples: list[Sample] = field(default_factory=list)

    def statuses(self) -> dict[int, int]:
        counts: dict[int, int] = {}
        for s in self.samples:
            counts[s.status] = counts.get(s.status, 0) + 1
        return dict(sorted(counts.items()))

    @property
    def server_errors(self) -> list[Sample]:
        return [s for s in self.samples if s.status >= 500]

    @property
    def failed(self) -> list[Sample]:
        """Requests that got no HTTP answer at all (connection reset, timeout)."""
        return [s for s in self.samples if s.status == 0]

    @property
    def locked(self) -> list[Sample]:
        return [s for s in self.samples if s.locked]

    def latency(self, quantile: float, reads_only: bool = True, route: str | None = None) -> float:
        values = sorted(s.seconds for s in self.samples
                        if (not reads_only or not s.path.startswith("POST")) and (route is None or _route(s) == route))
        if not values:
            return 0.0
        return values[min(len(values) - 1, int(quantile * len(values)))]

    def routes(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for sample in self.samples:
            counts[_route(sample)] = counts.get(_route(sample), 0) + 1
        return dict(sorted(counts.items()))


def _route(sample: Sample) -> str:
    """``GET /api/events/ev_1?x`` → ``GET /api/events/{id}``: latencies grouped by what was asked."""
    method, _, path = sample.path.partition(" ")
    path, _, query = path.partition("?")
    parts = path.split("/")
    if (len(parts) > 3 and parts[1] == "api") or (len(parts) > 2 and parts[1] in ("articles", "events", "entities")):
        keep = 3 if parts[1] == "api" else 2
        path = "/".join([*parts[:keep], "{id}", *parts[keep + 1:]])
    if "semantic=false" in query:
        path += " (words only)"
    return f"{method} {path}"


def _requests(rng: random.Random, article_ids: list[str], event_ids: list[str], writer: bool) -> tuple[str, str, Any]:
    """One request a reader (or, for ``writer`` clients, sometimes a poster) might make."""
    article = rng.choice(article_ids) if article_ids else "none"
    event = rng.choice(event_ids) if event_ids else "none"
    query = rng.choice(QUERIES)
    if writer and rng.random() < 0.3:
        number = rng.randrange(10**9)
        body = {"id": f"posted-{number}", "title": f"Posted during load {number}", "lang": "en",
                "text": f"A short report posted through the API while an ingest runs, number {number}."}
        return "POST", "/api/ingest", body
    choices = [
        ("GET", "/api/health", None), ("GET", "/api/articles?limit=20", None), ("GET", "/api/events", None),
        ("GET", f"/api/search?q={query}&semantic=false", None), ("GET", f"/api/search?q={query}", None),
        ("GET", f"/api/articles/{article}", None), ("GET", f"/api/events/{event}", None),
        ("GET", "/api/storylines", None), ("GET", "/api/entities", None), ("GET", "/", None),
        ("GET", "/events", None), ("GET", f"/events/{event}", None), ("GET", f"/search?q={query}", None),
        ("GET", "/entities", None), ("GET", f"/articles/{article}", None), ("GET", "/feeds/events.atom", None),
        ("GET", f"/api/search.csv?q={query}", None),
    ]
    return rng.choice(choices)


def run_clients(base: str, clients: int, seconds: float, article_ids: list[str], event_ids: list[str],
                writers: int = 0, seed: int = 1, timeout_s: float = 60) -> LoadResult:
    """``clients`` threads, each a keep-alive HTTP client, requesting for ``seconds``."""
    result = LoadResult()
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        with httpx.Client(base_url=base, timeout=timeout_s) as http:
            while time.monotonic() < stop_at:
                method, path, body = _requests(rng, article_ids, event_ids, writer=number < writers)
                started = time.perf_counter()
                try:
                    response = http.request(method, path, json=body)
                    text = response.text
                    sample = Sample(f"{method} {path}", response.status_code, time.perf_counter() - started,
                                    any(w in text for w in LOCK_WORDS))
                except httpx.HTTPError as exc:
                    sample = Sample(f"{method} {path}", 0, time.perf_counter() - started, False, repr(exc))
                with lock:
                    result.samples.append(sample)

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + timeout_s + 30)
    return result


def process_sample(pid: int) -> dict[str, float]:
    """Resident memory (MB: all of it, and its anonymous part), open file descriptors and threads
    of a live process, from /proc.  Anonymous memory is the heap; the rest of RSS is file pages
    (code, and the search's memory-mapped vectors) that the kernel can drop and read again."""
    status = Path(f"/proc/{pid}/status").read_text()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return {
        "rss_mb": int(fields["VmRSS"].split()[0]) / 1024,
        "anon_mb": int(fields.get("RssAnon", "0 kB").split()[0]) / 1024,
        "fds": len(os.listdir(f"/proc/{pid}/fd")),
        "threads": int(fields["Threads"]),
    }
