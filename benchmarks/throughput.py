"""End-to-end articles/s and peak memory of ``storyweave cluster`` at growing corpus sizes.

Corpora of N articles are built by replaying semeval-dev: replay k gets new ids, publication dates
shifted by k weeks (each replay spread over one week) and its words lightly thinned (every m-th
word dropped, m depending on k), so copies are neither exact duplicates nor near-identical
syndicated copies of earlier replays: every article goes through full enrichment and assignment.

python benchmarks/throughput.py                      # 1k and 10k
python benchmarks/throughput.py --sizes 1000,10000,100000
python benchmarks/throughput.py --sizes 100000 --memory-every 300   # PSS by process as it runs

Prints, per size: wall time, articles/s, and the peak RSS and peak PSS of the cluster process and
its enrichment workers together.  PSS shares each page among the processes mapping it, so it is the
honest total; RSS counts shared library code once per process.  Past ``parallel_after`` articles
enrichment runs in ``workers`` processes (``STORYWEAVE_WORKERS=1`` runs it in-process, to compare).
Then the growth exponent b fitted to time ≈ a·n^b (b = 1 is linear), and the raw encoder speed on
the same texts, to show how close the pipeline gets to it.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, eval_file

os.environ.setdefault("HF_HUB_OFFLINE", "1")
_START = date(2024, 1, 1)
# Issue 17's targets on 2 cores: articles/s from this many articles on, and peak PSS at 100k.
TARGET_RATE, TARGET_RATE_FROM = 30.0, 10_000
TARGET_PSS_MIB, TARGET_PSS_AT = 2048.0, 100_000
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _thin(text: str, every: int, offset: int) -> str:
    words = text.split(" ")
    return " ".join(w for i, w in enumerate(words) if (i + offset) % every != 0)


def replayed(record: dict[str, Any], replay: int, index: int, count: int) -> dict[str, Any]:
    """Replay ``replay`` of ``record``, the ``index``-th of ``count`` records: a new id, a date in
    the replay's own week, and from the second replay on thinned text and another URL."""
    record = dict(record)
    day = _START + timedelta(days=7 * replay + (7 * index) // count)
    record["id"] = f"{record['id']}-r{replay}"
    record["publish_date"] = day.isoformat()
    if replay:
        record["text"] = _thin(record.get("text") or "", 4 + replay % 5, replay)
        # In the query, not the fragment: stores drop fragments from canonical URLs, which
        # made every replay a duplicate of its original.
        url = record.get("url") or "https://replay.invalid/"
        record["url"] = f"{url}{'&' if '?' in url else '?'}replay={replay}"
    return record


def build_corpus(source: Path, size: int, target: Path, first: int = 0) -> None:
    """``size`` replayed articles into ``target``, from the ``first``-th of the endless replay on
    (so a later slice never repeats the ids of an earlier one)."""
    records = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    with target.open("w", encoding="utf-8") as out:
        for n in range(first, first + size):
            replay, index = divmod(n, len(records))
            out.write(json.dumps(replayed(records[index], replay, index, len(records)), ensure_ascii=False) + "\n")


def _role(pid: int, parent_role: str | None) -> str:
    """What a process of the cluster run is: the command itself, the fork server, a worker."""
    if parent_role is None:
        return "main"
    if parent_role == "main":
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return "other"
        if b"forkserver" in command:
            return "fork server"
        if b"resource_tracker" in command:
            return "other"
    return "workers"


def _tree_memory(pid: int, cpu: dict[int, tuple[str, float]]) -> dict[str, tuple[int, int]]:
    """Resident and proportional bytes (RSS, PSS) of ``pid`` and all its descendants, from /proc,
    summed by role (``main``, ``fork server``, ``workers``, ``other``).  Each process's CPU seconds
    so far go into ``cpu`` (by pid, with its role), so a worker that has exited keeps its last count.

    RSS counts a page shared by several processes (the code of numpy, onnxruntime, spaCy and the
    interpreter, mapped by the main process and every worker) once per process; PSS divides each
    shared page among the processes that map it, so the PSS sum is the memory the job occupies.
    """
    children: dict[int, list[int]] = {}
    seconds: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        children.setdefault(int(stat[1]), []).append(int(entry.name))
        seconds[int(entry.name)] = (int(stat[11]) + int(stat[12])) / _TICKS  # utime + stime
    by_role: dict[str, tuple[int, int]] = {}
    stack: list[tuple[int, str | None]] = [(pid, None)]
    while stack:
        current, parent_role = stack.pop()
        role = _role(current, parent_role)
        stack += [(child, role) for child in children.get(current, [])]
        if current in seconds:
            cpu[current] = (role, seconds[current])
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text().splitlines()
        except OSError:
            continue
        fields = {line.split(":")[0]: int(line.split()[1]) * 1024 for line in rollup[1:] if line.endswith("kB")}
        rss, pss = by_role.get(role, (0, 0))
        by_role[role] = (rss + fields.get("Rss", 0), pss + fields.get("Pss", 0))
    return by_role


@dataclass
class ClusterRun:
    """One ``storyweave cluster`` run: wall seconds, peak RSS and PSS (MiB) of its process tree,
    (RSS, PSS) bytes by role when the PSS total peaked, and CPU seconds by role."""

    elapsed: float
    peak_rss: float
    peak_pss: float
    at_peak: dict[str, tuple[int, int]]
    cpu: dict[str, float]


def run_cluster(corpus: Path, output: Path, memory_every: float = 0.0) -> ClusterRun:
    """Run ``storyweave cluster`` on ``corpus``, its process tree sampled from /proc every half second
    (the main process's own peak RSS where /proc is missing).  With ``memory_every``, PSS by role
    is printed that often, to see which process any growth comes from.  CPU seconds by role are
    each process's last sample, the main process's its own usage at exit: a worker's final half
    second may be missed."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "storyweave", "cluster", "--articles", str(corpus), "--output", str(output)],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    peak_rss = peak_pss = 0
    at_peak: dict[str, tuple[int, int]] = {}
    cpu: dict[int, tuple[str, float]] = {}
    next_report = memory_every
    while True:
        done, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if done:
            break
        if Path("/proc").is_dir():
            by_role = _tree_memory(proc.pid, cpu)
            rss, pss = sum(r for r, _ in by_role.values()), sum(p for _, p in by_role.values())
            peak_rss = max(peak_rss, rss)
            if pss > peak_pss:
                peak_pss, at_peak = pss, by_role
            if memory_every and time.perf_counter() - started >= next_report:
                next_report += memory_every
                roles = "  ".join(f"{role} {p / 2**20:.0f}" for role, (_, p) in sorted(by_role.items()))
                print(f"  {time.perf_counter() - started:7.0f}s  PSS MiB: {roles}", flush=True)
        time.sleep(0.5)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"storyweave cluster failed with exit code {proc.returncode}")
    own = usage.ru_maxrss * 1024
    by_role: dict[str, float] = {}
    for pid, (role, seconds) in cpu.items():
        if pid != proc.pid:
            by_role[role] = by_role.get(role, 0.0) + seconds
    by_role["main"] = usage.ru_utime + usage.ru_stime
    return ClusterRun(
        elapsed, max(peak_rss, own) / 2**20, max(peak_pss, own if not peak_pss else 0) / 2**20, at_peak, by_role
    )


def _load_average() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def encoder_speed(source: Path, limit: int) -> dict[str, float]:
    """Articles/s of each embedding model alone on the spans the pipeline feeds it (batched)."""
    from storyweave import Settings
    from storyweave.embed import Embedder
    from storyweave.models import Article

    settings = Settings.load()
    embedder = Embedder(settings)
    records = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines()[:limit]]
    articles = [
        Article(id=str(r["id"]), title=r.get("title") or "", text=r.get("text") or "", origin="") for r in records
    ]
    speeds = {}
    for model in embedder.models:
        texts = [embedder.spans(a)[model] for a in articles]
        embedder.encode_passages(model, texts[:2])  # load the model outside the timing
        started = time.perf_counter()
        for i in range(0, len(texts), 32):
            embedder.encode_passages(model, texts[i : i + 32])
        speeds[model] = len(texts) / (time.perf_counter() - started)
    return speeds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000", help="Comma-separated corpus sizes.")
    parser.add_argument(
        "--encoder-sample", type=int, default=300, help="Articles timed for raw encoder speed (0: skip it)."
    )
    parser.add_argument(
        "--memory-every", type=float, default=0.0, help="Print PSS by process role every this many seconds."
    )
    args = parser.parse_args()
    source = eval_file("articles.jsonl")
    sizes = [int(s) for s in args.sizes.split(",")]
    results: list[tuple[int, float, float]] = []
    print(f"{'articles':>9} {'seconds':>9} {'articles/s':>11} {'peak RSS MiB':>13} {'peak PSS MiB':>13}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            corpus = Path(tmp) / f"corpus-{size}.jsonl"
            build_corpus(source, size, corpus)
            before = _load_average()
            run = run_cluster(corpus, Path(tmp) / f"clusters-{size}.csv", args.memory_every)
            elapsed, rss, pss, at_peak = run.elapsed, run.peak_rss, run.peak_pss, run.at_peak
            results.append((size, elapsed, rss))
            print(f"{size:>9} {elapsed:>9.1f} {size / elapsed:>11.1f} {rss:>13.0f} {pss:>13.0f}", flush=True)
            roles = ", ".join(f"{role} {p / 2**20:.0f}" for role, (_, p) in sorted(at_peak.items()))
            print(f"  PSS MiB by process at the peak: {roles}; load average {before} before, "
                  f"{_load_average()} after", flush=True)
            cpu = ", ".join(f"{role} {seconds:.1f}" for role, seconds in sorted(run.cpu.items()))
            total = sum(run.cpu.values())
            print(f"  CPU s by process: {cpu}; {1000 * total / size:.1f} ms per article, "
                  f"{total / (elapsed * (os.cpu_count() or 1)):.0%} of {os.cpu_count()} cores", flush=True)
            if size >= TARGET_RATE_FROM:
                met = "met" if size / elapsed >= TARGET_RATE else "NOT met"
                print(f"  target >= {TARGET_RATE:.0f} articles/s at {TARGET_RATE_FROM:,}+: {met}", flush=True)
            if size >= TARGET_PSS_AT:
                met = "met" if pss <= TARGET_PSS_MIB else "NOT met"
                print(f"  target peak PSS <= {TARGET_PSS_MIB:.0f} MiB at {TARGET_PSS_AT:,}: {met}", flush=True)
    if len(results) >= 2:
        xs = [math.log(n) for n, _, _ in results]
        ys = [math.log(t) for _, t, _ in results]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)
        print(f"growth exponent (log time vs log n): {slope:.2f}  (1.00 = linear; includes ~model start-up)")
    speeds = encoder_speed(source, args.encoder_sample) if args.encoder_sample > 0 else {}
    for model, speed in speeds.items():
        print(f"raw encoder {model}: {speed:.1f} articles/s (batched, spans as the pipeline reads them)")
    if speeds and results:
        bound = 1.0 / sum(1.0 / s for s in speeds.values())
        best = max(n / t for n, t, _ in results)
        print(f"encoders alone, all models in sequence: {bound:.1f} articles/s; pipeline reaches {best / bound:.0%}")


if __name__ == "__main__":
    main()
