"""Where the enrichment workers' memory lives: shared with the fork server, copied from it, or new.

Runs ``storyweave cluster`` on ``--articles`` replayed semeval-dev articles (as ``throughput.py``
builds them) and, every ``--every`` seconds, reads ``/proc/<pid>/smaps`` of the fork server and
of each worker.  A worker's mapping that starts and ends where one of the server's does was
inherited at the fork: its private pages are pages the worker wrote after the fork (a reference
count, a cache entry, a reused free chunk: each copies a whole page) or first touched; the other
mappings were made by the worker itself (models it loaded, buffers, heap growth).  No privileges
are needed: only the ``Private_Dirty`` and ``Pss`` of the worker's own mappings are read.

    python benchmarks/worker_memory.py --articles 3000 --every 30
    python benchmarks/worker_memory.py --attach PID     # a running ingest, cluster or throughput.py

Prints, per sample: the fork server's PSS and, per worker, its PSS, what it shares with the server,
what it copied from each kind of inherited mapping (``[heap]``, anonymous memory: pymalloc's
arenas and numpy's arrays) and what it allocated itself.  Run it under the shared lock.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, eval_file
from throughput import build_corpus

_SERVER_MARK = b"from multiprocessing.forkserver import main"


def mappings(pid: int) -> dict[tuple[int, int], dict[str, int | str]]:
    """``(start, end) -> {"path": ..., field: kB}`` from ``/proc/<pid>/smaps``."""
    out: dict[tuple[int, int], dict[str, int | str]] = {}
    current: dict[str, int | str] = {}
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        parts = line.split()
        if not parts[0].endswith(":"):  # a mapping's header: range, permissions, ..., path
            start, end = (int(x, 16) for x in parts[0].split("-"))
            current = {"path": parts[5] if len(parts) > 5 else ""}
            out[(start, end)] = current
        elif len(parts) == 3 and parts[2] == "kB":
            current[parts[0][:-1]] = int(parts[1])
    return out


def _kind(path: str) -> str:
    if path == "[heap]":
        return "heap"
    return "anonymous" if not path or path.startswith("[anon") else "files"


def worker_breakdown(server: dict[tuple[int, int], dict[str, int | str]], worker: int) -> dict[str, float]:
    """MiB of ``worker``'s memory by where it lives, against the fork server's mappings."""
    parts: dict[str, float] = {}

    def add(key: str, kib: int | str) -> None:
        parts[key] = parts.get(key, 0.0) + int(kib) / 1024

    for span, fields in mappings(worker).items():
        add("PSS", fields.get("Pss", 0))
        kind = _kind(str(fields["path"]))
        if kind == "files":
            add("private in file mappings", fields.get("Private_Dirty", 0))
            continue
        if span in server:
            add(f"copied: inherited {kind}", fields.get("Private_Dirty", 0))
            add("shared (RSS)", int(fields.get("Shared_Clean", 0)) + int(fields.get("Shared_Dirty", 0)))
        else:
            add(f"new: own {kind}", fields.get("Private_Dirty", 0))
    return parts


def _tree(root: int) -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(parent, []).append(int(entry.name))
    return children


def _descendants(root: int) -> list[int]:
    children, found, stack = _tree(root), [], [root]
    while stack:
        found.append(pid := stack.pop())
        stack += children.get(pid, [])
    return found


def _is_server_or_worker(pid: int) -> bool:
    """Workers are forks of the server: their command line is the server's."""
    try:
        return _SERVER_MARK in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def sample(root: int) -> None:
    """The fork servers among ``root``'s children, and their workers."""
    if _is_server_or_worker(root):
        return
    children = _tree(root)
    for pid in children.get(root, []):
        if not _is_server_or_worker(pid):
            continue
        try:
            server = mappings(pid)
        except OSError:
            continue
        server_pss = sum(int(f.get("Pss", 0)) for f in server.values()) / 1024
        print(f"  fork server {pid}: PSS {server_pss:.0f} MiB", flush=True)
        for worker in children.get(pid, []):
            try:
                parts = worker_breakdown(server, worker)
            except OSError:  # the worker ended meanwhile
                continue
            text = ", ".join(f"{key} {value:.1f}" for key, value in parts.items() if key != "PSS")
            print(f"    worker {worker}: PSS {parts['PSS']:.0f} MiB; {text}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=3000, help="Replayed semeval-dev articles to cluster.")
    parser.add_argument("--every", type=float, default=30.0, help="Seconds between samples.")
    parser.add_argument("--attach", type=int, help="Sample this running process's tree instead, until it ends.")
    args = parser.parse_args()
    if args.attach:
        while Path(f"/proc/{args.attach}").exists():
            print(f"{time.strftime('%H:%M:%S')}  load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
            for pid in _descendants(args.attach):
                sample(pid)
            time.sleep(args.every)
        return
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        build_corpus(eval_file("articles.jsonl"), args.articles, corpus)
        started = time.perf_counter()
        command = [sys.executable, "-m", "storyweave", "cluster", "--articles", str(corpus),
                   "--output", str(Path(tmp) / "clusters.csv")]
        proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while proc.poll() is None:
            time.sleep(min(args.every, 1.0))
            if time.perf_counter() - started >= args.every:
                started += args.every
                print(f"{time.strftime('%H:%M:%S')}  load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
                sample(proc.pid)
        if proc.returncode:
            raise SystemExit(f"storyweave cluster failed with exit code {proc.returncode}")


if __name__ == "__main__":
    main()
