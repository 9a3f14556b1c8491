"""Poll 1,000 feeds on loopback for several rounds and measure the follower.

python benchmarks/follow.py                       # 1,000 feeds × 20 entries on 250 hosts, 4 rounds
python benchmarks/follow.py --feeds 200 --hosts 50

Politeness is per host name: one request at a time and ``follow_host_delay_s`` (default 1 s)
between two.  Putting 1,000 feeds on one host would measure that rule (999 s a round), not the
follower, and is not what following looks like: news feeds live on many hosts.  So the feeds are
spread over ``--hosts`` loopback addresses (127.0.0.1, 127.0.0.2, …; Linux routes all of 127/8 to
the loopback interface), served by one asyncio server in this process.  With 250 hosts each has 4
feeds, so a round needs at least 3 delays (3 s) whatever the follower's speed; the follower runs with
its default settings otherwise (8 fetch threads, 1 s delay), without the enrichment models and event
assignment, which are not what this measures.

The follower is a child process (``--follower``), so its CPU time and memory are its own.  Rounds:
1. every feed new (20,000 articles through extract, clean, language and the store);
2. nothing changed: every feed answers 304 to its ETag;
3. a tenth of the feeds gained 2 entries each;
4. nothing changed again.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from html import escape
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


# -- the feed server (parent) ---------------------------------------------------------------------
class Feeds:
    """Feed bodies and ETags by (host, path); ``version`` bumps what a feed holds."""

    def __init__(self, feeds: int, hosts: int, entries: int) -> None:
        self.entries = entries
        self.where = [(f"127.0.0.{1 + n % hosts}", f"/feed/{n}.xml") for n in range(feeds)]
        self.extra: dict[int, int] = {}
        self.bodies: dict[tuple[str, str], tuple[bytes, str]] = {}
        for n in range(feeds):
            self._build(n)

    def _build(self, n: int) -> None:
        count = self.entries + self.extra.get(n, 0)
        items = "".join(
            f"<item><guid>feed{n}-entry{k}</guid><title>Feed {n} story {k}: harbour works enter phase {k}</title>"
            f"<link>http://{self.where[n][0]}/feed{n}/story{k}</link><description>"
            + escape(f"Story {k} of feed {n}. " + "The harbour authority published the timetable of the works, "
                     "which will close two quays for repairs and dredging over the coming weeks. " * 4)
            + "</description></item>"
            for k in range(count - 1, -1, -1)
        )
        body = (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Feed {n}</title>'
                f"<link>http://{self.where[n][0]}/</link>{items}</channel></rss>").encode()
        self.bodies[self.where[n]] = (body, f'"{n}-{count}"')

    def grow(self, share: float, more: int) -> int:
        changed = list(range(0, len(self.where), max(1, round(1 / share))))
        for n in changed:
            self.extra[n] = self.extra.get(n, 0) + more
            self._build(n)
        return len(changed)


async def _answer(feeds: Feeds, host: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        path = lines[0].split(" ")[1]
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
        found = feeds.bodies.get((host, path))
        if found is None:
            writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        elif headers.get("if-none-match") == found[1]:
            writer.write(f"HTTP/1.1 304 Not Modified\r\nETag: {found[1]}\r\nConnection: close\r\n\r\n".encode())
        else:
            writer.write(f"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml; charset=utf-8\r\nETag: {found[1]}"
                         f"\r\nContent-Length: {len(found[0])}\r\nConnection: close\r\n\r\n".encode() + found[0])
        await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


def serve(feeds: Feeds, hosts: int) -> int:
    """Listen on one port of every 127.0.0.N; return the port."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    port: list[int] = []

    async def start() -> None:
        first = await asyncio.start_server(lambda r, w: _answer(feeds, "127.0.0.1", r, w), "127.0.0.1", 0)
        port.append(first.sockets[0].getsockname()[1])
        for n in range(2, hosts + 1):
            host = f"127.0.0.{n}"
            await asyncio.start_server(lambda r, w, h=host: _answer(feeds, h, r, w), host, port[0])
        ready.set()

    threading.Thread(target=lambda: (loop.run_until_complete(start()), loop.run_forever()), daemon=True).start()
    ready.wait(30)
    return port[0]


# -- the follower (child) -------------------------------------------------------------------------
def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def follower(db: str) -> None:
    """One round per line on stdin; one JSON line of figures per round on stdout."""
    from storyweave import Tracker

    with Tracker(db=db, enrich_stages=[], assign_events=False, allow_private_addresses=True) as tracker:
        for _ in sys.stdin:
            usage, started = resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
            results = tracker.follow(once=True, every_one=True)
            wall = time.monotonic() - started
            after = resource.getrusage(resource.RUSAGE_SELF)
            unchanged = [r.latency_ms or 0.0 for r in results if r.status == "not_modified"]
            statuses: dict[str, int] = {}
            for result in results:
                statuses[result.status] = statuses.get(result.status, 0) + 1
            print(json.dumps({
                "wall_s": wall, "polls": len(results), "statuses": statuses,
                "added": sum(len(r.added) for r in results),
                "cpu_s": (after.ru_utime + after.ru_stime) - (usage.ru_utime + usage.ru_stime),
                "rss_mb": rss_mb(), "peak_rss_mb": after.ru_maxrss / 1024,
                "unchanged_latency_s": sum(unchanged) / 1000,
                "unchanged_median_ms": statistics.median(unchanged) if unchanged else None,
            }), flush=True)


# -- the run (parent) -----------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--hosts", type=int, default=250, help="Loopback addresses the feeds are spread over.")
    parser.add_argument("--entries", type=int, default=20)
    parser.add_argument("--follower", metavar="DB", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.follower:
        follower(args.follower)
        return
    if not 1 <= args.hosts <= 254:
        parser.error("--hosts must be 1 to 254 (127.0.0.1 … 127.0.0.254)")
    feeds = Feeds(args.feeds, args.hosts, args.entries)
    port = serve(feeds, args.hosts)
    print(f"load average before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    with tempfile.TemporaryDirectory() as folder:
        db = str(Path(folder) / "follow.db")
        from storyweave import Tracker

        with Tracker(db=db) as tracker:
            urls = "".join(f'<outline xmlUrl="http://{host}:{port}{path}"/>' for host, path in feeds.where)
            tracker.import_opml(f"<opml><body>{urls}</body></opml>".encode())
        child = subprocess.Popen([sys.executable, __file__, "--follower", db], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
        assert child.stdin is not None and child.stdout is not None
        plan = [("all new", None), ("unchanged (304)", None), ("10% of feeds +2 entries", (0.1, 2)),
                ("unchanged (304)", None)]
        print(f"{args.feeds} feeds × {args.entries} entries on {args.hosts} hosts; follow_host_delay_s 1.0, "
              "follow_concurrency 8 (defaults)")
        for name, change in plan:
            if change is not None:
                feeds.grow(*change)
            child.stdin.write("round\n")
            child.stdin.flush()
            row = json.loads(child.stdout.readline())
            median = row["unchanged_median_ms"]
            print(f"{name:<26} {row['wall_s']:6.2f} s wall  {row['polls'] / row['wall_s']:7.1f} polls/s  "
                  f"cpu {row['cpu_s']:6.2f} s  rss {row['rss_mb']:6.1f} MB (peak {row['peak_rss_mb']:.1f})  "
                  f"added {row['added']:>6}  {row['statuses']}  304s: {row['unchanged_latency_s']:.2f} s of requests"
                  + (f", median {median:.1f} ms" if median is not None else ""))
        child.stdin.close()
        child.wait(timeout=60)
    print(f"load average after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")


if __name__ == "__main__":
    main()
