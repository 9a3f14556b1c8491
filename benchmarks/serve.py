"""Load test of ``storyweave serve``: requests/s, p50 and p99 latency per page and API list, with
concurrent clients on loopback, with and without an ingest running into the same store.

    python benchmarks/serve.py [--articles 400] [--clients 32] [--seconds 10]
    python benchmarks/serve.py --articles 10000 --db /tmp/sw17/store10k.db

The store holds ``--articles`` articles replayed from semeval-dev (``../shared/eval/semeval-dev``;
the script exits when they are absent) with new ids, as ``throughput.py`` builds its corpora, and is
ingested once by ``storyweave ingest`` into ``--db`` (default ``/tmp/sw-cache/serve-bench-N.db``),
then reused.  The server runs in its own process (``storyweave serve``), the clients in this one,
so the two do not share a GIL.  Timing starts once the server reports ready (``/api/ready``), with
no warm-up request: the first request of every page and every search counts.

With ``--ingest on`` (or ``both``, the default), a copy of the store is served while
``storyweave ingest`` adds further replayed articles to it in another process; timing starts once
that ingest has stored its first article.  ``storyweave ingest`` lowers its own priority by the
``ingest_nice`` setting (10; its workers ``enrich_nice`` further), so a server on the same cores
answers first; ``STORYWEAVE_INGEST_NICE=0`` measures an ingest at normal priority, and
``--ingest-nice`` runs it under ``nice`` on top.  The clients are raw HTTP/1.1 on asyncio
streams in this one process: their CPU share is printed per scenario.  Targets (issue 17): p99 at
most 200 ms for pages and API lists, at most 400 ms for searches, no errors.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, eval_file
from throughput import build_corpus

CACHE = Path(os.environ.get("SW_CACHE", "/tmp/sw-cache"))
PAGE_TARGET_MS = 200.0
SEARCH_TARGET_MS = 400.0
INGEST_EXTRA = 5000  # articles the concurrent ingest may add (it is stopped when the timing ends)


def _env() -> dict[str, str]:
    """The server's and the ingest's environment: this checkout's code, unless PYTHONPATH names
    another (to measure an older version with the same benchmark)."""
    return {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": os.environ.get("PYTHONPATH") or str(REPO)}


def _storyweave(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "storyweave", "--db", str(db), *args]


def build_store(source: Path, articles: int, db: Path) -> None:
    """Ingest ``articles`` replayed eval articles into ``db``, unless it exists (then it is reused).

    The store is built under another name and renamed when complete, so an interrupted build is
    never taken for a finished one."""
    if db.exists():
        return
    db.parent.mkdir(parents=True, exist_ok=True)
    building = db.with_name(db.name + ".building")
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        build_corpus(source, articles, corpus)
        started = time.perf_counter()
        subprocess.run(_storyweave(building, "ingest", str(corpus)), env=_env(), check=True,
                       stdout=subprocess.DEVNULL)
    print(f"built {db}: {articles} articles in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    copy_store(building, db, move=True)


def copy_store(source: Path, target: Path, move: bool = False) -> None:
    """Copy (or move) a closed store with its write-ahead log, if one was left."""
    for suffix in ("-wal", ""):  # the log first: a store file without its log would look complete
        part = source.with_name(source.name + suffix)
        if part.exists():
            destination = target.with_name(target.name + suffix)
            if move:
                os.replace(part, destination)
            else:
                shutil.copyfile(part, destination)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(db: Path, port: int, log: Path) -> tuple[subprocess.Popen[bytes], float]:
    """The server process and the seconds it took to report ready (``/api/ready``; a server
    without it: ``/api/health``)."""
    started = time.perf_counter()
    with log.open("wb") as sink:
        process = subprocess.Popen(_storyweave(db, "serve", "--port", str(port)), env=_env(),
                                   stdout=subprocess.DEVNULL, stderr=sink)
    deadline = time.monotonic() + 180
    probe = "/api/ready"
    while time.monotonic() < deadline:
        try:
            status = httpx.get(f"http://127.0.0.1:{port}{probe}", timeout=5).status_code
            if status == 200:
                return process, time.perf_counter() - started
            if status == 404:
                probe = "/api/health"
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}; see {log}")
        time.sleep(0.2)
    process.kill()
    raise SystemExit("server did not report ready within 180 s")


@dataclass
class Outcome:
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    client_cpu_s: float = 0.0  # CPU this process spent as the clients


class Connection:
    """One keep-alive HTTP/1.1 connection to the server, as a browser without a cache holds; it
    keeps the cookies the server sets, as a browser does (the reader's language, chosen once).

    Written on asyncio streams rather than an HTTP library: the clients share the server's two
    cores, and a library's per-request cost (milliseconds in httpx) would be measured as the
    server's latency and take CPU from it."""

    HEADERS = "Accept: text/html,application/json\r\nAccept-Encoding: gzip\r\n"

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.cookies: dict[str, str] = {}

    async def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        """Status, headers (lower-case names) and body of ``GET path``; connection errors raise OSError."""
        if self.writer is None or self.reader is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        cookies = "; ".join(f"{k}={v}" for k, v in sorted(self.cookies.items()))
        cookie = f"Cookie: {cookies}\r\n" if cookies else ""
        request = f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n{self.HEADERS}{cookie}\r\n"
        self.writer.write(request.encode("latin-1"))
        try:
            head = await self.reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as exc:
            self.close()
            raise ConnectionResetError(f"connection closed before the answer ({len(exc.partial)} bytes)") from None
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name:
                headers[name.strip().lower()] = value.strip()
            if name.strip().lower() == "set-cookie":
                cookie_name, _, cookie_value = value.strip().split(";", 1)[0].partition("=")
                self.cookies[cookie_name.strip()] = cookie_value.strip()
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            body = await self._chunked()
        else:  # delimited by the end of the connection
            body = await self.reader.read()
            headers["connection"] = "close"
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, headers, body

    async def _chunked(self) -> bytes:
        assert self.reader is not None
        parts = []
        while size := int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16):
            parts.append((await self.reader.readexactly(size + 2))[:-2])
        while await self.reader.readuntil(b"\r\n") != b"\r\n":  # trailers, up to the empty line
            pass
        return b"".join(parts)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def fetch(connection: Connection, path: str, hops: int = 5) -> tuple[int, str]:
    """Status and the path finally answered, following redirects as a browser does (an event
    merged during a concurrent ingest answers 301)."""
    for _ in range(hops):
        status, headers, _ = await connection.get(path)
        if status not in (301, 302, 303, 307, 308) or "location" not in headers:
            return status, path
        location = urlsplit(headers["location"])
        path = location.path + (f"?{location.query}" if location.query else "")
    return status, path


async def hammer(base: str, paths: list[str], clients: int, seconds: float) -> Outcome:
    """``clients`` concurrent loops over ``paths`` for ``seconds``, as browsers without a cache."""
    outcome = Outcome()
    address = urlsplit(base)
    deadline = time.monotonic() + seconds
    cpu_before = time.process_time()

    async def one_client(seed: int) -> None:
        rng = random.Random(seed)
        connection = Connection(address.hostname or "127.0.0.1", address.port or 80)
        while time.monotonic() < deadline:
            path = rng.choice(paths)
            start = time.perf_counter()
            try:
                status, answered = await asyncio.wait_for(fetch(connection, path), timeout=60)
                problem = None if status == 200 else f"HTTP {status} on {answered}"
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
                connection.close()
                problem = f"{type(exc).__name__} on {path}: {exc}"
            if problem is None:
                outcome.latencies.append(time.perf_counter() - start)
            else:
                outcome.errors[problem[:200]] += 1
        connection.close()

    await asyncio.gather(*(one_client(i) for i in range(clients)))
    outcome.client_cpu_s = time.process_time() - cpu_before
    return outcome


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def scenarios(base: str) -> dict[str, tuple[list[str], float]]:
    """Name → (paths, p99 target in ms), from what the store holds."""
    events = httpx.get(f"{base}/api/events", params={"limit": 100}, timeout=60).json()["items"]
    entities = httpx.get(f"{base}/api/entities", params={"limit": 100}, timeout=60).json()["items"]
    titles = [e["title"] for e in events if e.get("title")]
    words = [w for t in titles for w in re.findall(r"\w{5,}", t)]
    rng = random.Random(7)
    queries = [" ".join(rng.sample(words, 2)) for _ in range(40)] if len(words) > 2 else ["news"]
    quoted = [str(httpx.QueryParams({"q": q})) for q in queries]
    event_ids = [e["id"] for e in events[:50]]
    entity_ids = [e["id"] for e in entities[:50]]
    page, search = PAGE_TARGET_MS, SEARCH_TARGET_MS
    return {
        "front page /": (["/"], page),
        # A reader who chose a language (the menu's ?lang=, then its cookie): cards take a report's
        # title in it (views._reader_titles), and links keep ?lang= on every page.
        "front page, events in French": (["/?lang=fr", "/events?lang=fr"], page),
        "event page /events/ID": ([f"/events/{i}" for i in event_ids], page),
        "entity page /entities/ID": ([f"/entities/{quote(i, safe='')}" for i in entity_ids], page),
        "events page /events": (["/events"], page),
        "entities page /entities": (["/entities"], page),
        "search page /search?q=": ([f"/search?{q}" for q in quoted[:20]], search),
        "API /api/articles": (["/api/articles", "/api/articles?limit=100"], page),
        "API /api/events": (["/api/events", "/api/events?limit=100"], page),
        "API /api/storylines": (["/api/storylines"], page),
        "API /api/entities": (["/api/entities", "/api/entities?type=person"], page),
        "API /api/search?q=": ([f"/api/search?{q}" for q in quoted[20:]], search),
    }


def load_average() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def run_pass(db: Path, args: argparse.Namespace, ingest_from: Path | None, workdir: Path) -> bool:
    """One server over ``db``, every scenario in turn; True when every target is met."""
    port = free_port()
    server, ready_s = start_server(db, port, workdir / "server.log")
    base = f"http://127.0.0.1:{port}"
    ingest: subprocess.Popen[bytes] | None = None
    met = True
    try:
        plan = scenarios(base)
        label = "without ingest"
        if ingest_from is not None:
            before = httpx.get(f"{base}/api/health", timeout=60).json()["articles"]
            nice = ["nice", "-n", str(args.ingest_nice)] if args.ingest_nice else []
            ingest = subprocess.Popen([*nice, *_storyweave(db, "ingest", str(ingest_from))], env=_env(),
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            began = time.perf_counter()
            while httpx.get(f"{base}/api/health", timeout=60).json()["articles"] == before:
                if ingest.poll() is not None or time.perf_counter() - began > 120:
                    raise SystemExit("the concurrent ingest stored nothing")
                time.sleep(0.5)
            label = (f"with a concurrent ingest{f' at nice {args.ingest_nice}' if args.ingest_nice else ''} "
                     f"(first article stored after {time.perf_counter() - began:.0f} s)")
        print(f"\n{label}: server ready {ready_s:.1f} s after start; {args.clients} clients, "
              f"{args.seconds:.0f} s per scenario; load average {load_average()}")
        errors: Counter[str] = Counter()
        rounds = [(round_, name, paths, target) for round_ in range(1, args.rounds + 1)
                  for name, (paths, target) in plan.items()]
        for round_, name, paths, target in rounds:
            if name == next(iter(plan)):
                print(f"round {round_}: " + ("first requests included" if round_ == 1 else
                                             "every page and search asked before"))
                print(f"{'scenario':<28} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'target':>7} "
                      f"{'errors':>7} {'client CPU':>10}")
            outcome = asyncio.run(hammer(base, paths, args.clients, args.seconds))
            p99 = percentile(outcome.latencies, 0.99) * 1000
            failed = sum(outcome.errors.values())
            ok = p99 <= target and failed == 0
            met = met and ok
            errors.update(outcome.errors)
            print(f"{name:<28} {len(outcome.latencies) / args.seconds:7.1f} "
                  f"{percentile(outcome.latencies, 0.5) * 1000:8.1f} {p99:8.1f} "
                  f"{max(outcome.latencies, default=float('nan')) * 1000:8.1f} {target:7.0f} {failed:7d}"
                  f" {outcome.client_cpu_s / args.seconds:10.0%}{'' if ok else '  MISSED'}", flush=True)
        if ingest is not None:
            after = httpx.get(f"{base}/api/health", timeout=60).json()["articles"]
            print(f"ingest stored {after - before} articles meanwhile")
        print(f"load average at the end: {load_average()}")
        for problem, count in errors.most_common(10):
            print(f"  error x{count}: {problem}")
    finally:
        if ingest is not None:
            ingest.terminate()
            ingest.wait(timeout=60)
        server.terminate()
        server.wait(timeout=30)
    if errors:
        tail = (workdir / "server.log").read_text(errors="replace").splitlines()[-30:]
        print("server log (last lines):\n  " + "\n  ".join(tail))
    return met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=400, help="Replayed eval articles in the store.")
    parser.add_argument("--db", type=Path, help="Store to serve: built there once, then reused.")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10.0, help="Load time per scenario.")
    parser.add_argument("--rounds", type=int, default=1,
                        help="Run the scenarios this many times on the same server (round 2: pages seen before).")
    parser.add_argument("--ingest", choices=["off", "on", "both"], default="both",
                        help="Run the scenarios without, with, or without then with a concurrent ingest.")
    parser.add_argument("--ingest-nice", type=int, default=0,
                        help="Run the concurrent ingest at this nice level (a batch job beside an interactive server).")
    args = parser.parse_args()
    source = eval_file("articles.jsonl")
    db = args.db or CACHE / f"serve-bench-{args.articles}.db"
    build_store(source, args.articles, db)
    met = True
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        if args.ingest in ("off", "both"):
            met = run_pass(db, args, None, workdir) and met
        if args.ingest in ("on", "both"):
            copy = workdir / "store.db"
            copy_store(db, copy)  # the reused store stays as built
            extra = workdir / "extra.jsonl"
            build_corpus(source, INGEST_EXTRA, extra, first=args.articles)
            met = run_pass(copy, args, extra, workdir) and met
    print("\nall targets met" if met else "\nsome targets missed")


if __name__ == "__main__":
    main()
