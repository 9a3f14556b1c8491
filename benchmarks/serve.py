"""Load test of ``storyweave serve``: requests/s and p50/p99 latency for the front page, event pages
and search, with concurrent clients on loopback.

    python benchmarks/serve.py [--articles 400] [--clients 32] [--seconds 15]

The store is built once from the SemEval dev articles (``../shared/eval/semeval-dev``; the script
exits when they are absent) and cached under ``/tmp/sw-cache``.  The server runs in its own process
(``storyweave serve``), the clients in this one, so the two do not share a GIL.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval" / "semeval-dev" / "articles.jsonl"
CACHE = Path(os.environ.get("SW_CACHE", "/tmp/sw-cache"))


def build_store(articles: int) -> Path:
    """Ingest the first ``articles`` eval articles into a cached store (once)."""
    db = CACHE / f"serve-bench-{articles}.db"
    done = db.with_suffix(".done")
    if done.exists():
        return db
    from storyweave import Tracker
    from storyweave.ingest import record_to_doc

    CACHE.mkdir(parents=True, exist_ok=True)
    for stale in CACHE.glob(f"{db.name}*"):
        stale.unlink()
    with EVAL.open(encoding="utf-8") as handle:
        records = [json.loads(line) for _, line in zip(range(articles), handle, strict=False)]
    started = time.perf_counter()
    with Tracker(db=db) as tracker:
        docs = (record_to_doc(r, f"semeval#{i}") for i, r in enumerate(records, start=1))
        report = tracker.ingest_docs(docs)
    print(f"built {db}: {len(report.added)} articles in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    done.write_text("ok")
    return db


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(db: Path, port: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "storyweave", "--db", str(db), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("server did not start within 60 s")


async def hammer(base: str, paths: list[str], clients: int, seconds: float) -> tuple[int, int, list[float]]:
    """``clients`` concurrent loops over ``paths`` for ``seconds``: (ok, failed, latencies in s)."""
    latencies: list[float] = []
    failed = 0
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:

        async def one_client(seed: int) -> None:
            nonlocal failed
            rng = random.Random(seed)
            while time.monotonic() < deadline:
                path = rng.choice(paths)
                start = time.perf_counter()
                try:
                    response = await client.get(path)
                    ok = response.status_code == 200
                except httpx.HTTPError:
                    ok = False
                if ok:
                    latencies.append(time.perf_counter() - start)
                else:
                    failed += 1

        await asyncio.gather(*(one_client(i) for i in range(clients)))
    return len(latencies), failed, latencies


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=400, help="eval articles in the store (cached per size)")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=15.0, help="load time per scenario")
    args = parser.parse_args()
    if not EVAL.is_file():
        raise SystemExit(f"skipped: evaluation data not present at {EVAL}")

    db = build_store(args.articles)
    port = free_port()
    server = start_server(db, port)
    base = f"http://127.0.0.1:{port}"
    try:
        events = httpx.get(f"{base}/api/events", params={"limit": 100}, timeout=30).json()["items"]
        titles = [e["title"] for e in events if e.get("title")]
        words = [w for t in titles for w in re.findall(r"\w{5,}", t)]
        rng = random.Random(7)
        queries = [" ".join(rng.sample(words, 2)) for _ in range(40)] if len(words) > 2 else ["news"]
        scenarios = {
            "front page /": ["/"],
            "event page /events/ID": [f"/events/{e['id']}" for e in events[:50]],
            "search /api/search?q=": [f"/api/search?q={httpx.QueryParams({'q': q})['q']}" for q in queries],
        }
        # Warm up: load the models and fill the caches a first visitor would.
        for paths in scenarios.values():
            for path in paths[:3]:
                httpx.get(base + path, timeout=120)
        print(
            f"store: {args.articles} articles, {len(events)}+ events; {args.clients} clients, "
            f"{args.seconds:.0f} s per scenario, loopback"
        )
        print(f"{'scenario':<26} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
        for name, paths in scenarios.items():
            ok, failed, latencies = asyncio.run(hammer(base, paths, args.clients, args.seconds))
            print(
                f"{name:<26} {ok / args.seconds:8.1f} {percentile(latencies, 0.5) * 1000:8.1f} "
                f"{percentile(latencies, 0.99) * 1000:8.1f} {failed:7d}"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
