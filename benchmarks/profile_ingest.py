"""Where ingest time goes: each stage's share of CPU time, and what the run waits on.

    python benchmarks/profile_ingest.py              # all of semeval-dev (2,447 articles)
    python benchmarks/profile_ingest.py --limit 300  # the first 300

Two runs over the same articles, each into a fresh temporary store:

1. **Stages, in one process** (``workers = 1``): every stage's function is wrapped in a clock that
   charges CPU time and wall time to the innermost stage running on the calling thread, so nested
   stages are not counted twice and the shares add up to the whole run.  Enrichment runs in a
   thread beside the writer's, so each thread keeps its own stack of stages and CPU is that
   thread's own (``time.thread_time``); BLAS is held to one thread for the run (the encoders run
   on one anyway), so no stage's CPU escapes to a helper thread.  The first call of a stage
   includes loading its model; that part is shown apart, as start-up.
2. **Waiting, as a user runs it** (default settings: the worker pool past ``parallel_after``
   inputs): the main process's wall time split into start-up (to the first stored article), reading
   the input (I/O), the single writer storing and assigning, and waiting for enrichment workers;
   plus the CPU the workers and the fork server used, sampled from /proc.  The first stored
   article is timed twice: from the ``Tracker`` being built, and from this process's own start
   (its start time in /proc, so the interpreter's start and ``import storyweave`` count).
3. **The command itself** (with ``--only waits`` or all): ``storyweave --db NEW.db ingest FILE`` run
   as a subprocess on the same articles, timed from its launch to the first row in the store (the
   store is polled from here) and to its exit: what a user waits for, nothing left out.

The clocks wrap public functions of the stages (``extract.extract``, ``clean.clean``, the
recogniser's ``analyse``, ``Embedder.encode_passages``, the store's insert functions…) in this
process only; nothing in the library changes.  Models load while the clock runs; run it under the
shared lock, on a quiet machine, and quote ``uptime``'s load average with its figures.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import itertools
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import eval_file, first_lines

os.environ.setdefault("HF_HUB_OFFLINE", "1")

Clock = tuple[float, float]  # (CPU seconds of the calling thread, wall seconds)
# Issue 17's targets on 2 cores, for the whole of semeval-dev (2,447 articles).
TARGET_RATE = 25.0  # articles/s end to end
TARGET_FIRST_S = 10.0  # seconds from the command to the first stored article
START_UP = "start-up: "


def _process_age_s() -> float:
    """Seconds since this process started (/proc: its start time after boot, against the uptime),
    so that a figure "from the command" includes the interpreter's start and every import."""
    try:
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        started = int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22 of stat: starttime
        return float(Path("/proc/uptime").read_text().split()[0]) - started
    except (OSError, ValueError, IndexError):  # no /proc: the clock starts at this module's import
        return 0.0


# The perf_counter reading at which this process started, read before storyweave is imported.
LAUNCHED = time.perf_counter() - _process_age_s()


def _now() -> Clock:
    return time.thread_time(), time.perf_counter()


class StageClock:
    """Charges time to the innermost stage running on the calling thread (exclusive time), CPU and
    wall apart.  One stack per thread: the writer's stages and the enrichment thread's run at once,
    and one shared stack would charge one thread's time to the other's stage."""

    def __init__(self) -> None:
        self.cpu: dict[str, float] = defaultdict(float)
        self.wall: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._local = threading.local()
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    @property
    def _stack(self) -> list[list[Any]]:  # [stage, start clock] of this thread's open stages
        stack: list[list[Any]] | None = getattr(self._local, "stack", None)
        if stack is None:
            stack = self._local.stack = []
        return stack

    def _charge(self, stage: str, since: Clock, now: Clock) -> None:
        with self._lock:
            self.cpu[stage] += now[0] - since[0]
            self.wall[stage] += now[1] - since[1]

    def enter(self, stage: str, first_call_is_start_up: bool = True) -> None:
        now = _now()
        stack = self._stack
        if stack:
            self._charge(stack[-1][0], stack[-1][1], now)
        with self._lock:
            if first_call_is_start_up and stage not in self._seen:  # the first call loads the stage's model
                self._seen.add(stage)
                stage = f"{START_UP}{stage}"
            self.calls[stage] += 1
        stack.append([stage, now])

    def leave(self) -> None:
        now = _now()
        stack = self._stack
        stage, since = stack.pop()
        self._charge(stage, since, now)
        if stack:
            stack[-1][1] = now

    def wrap(self, stage: str | Callable[..., str], function: Callable[..., Any]) -> Callable[..., Any]:
        """``function`` timed as ``stage`` (or as ``stage(*args)`` when the stage depends on them)."""

        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            self.enter(stage(*args, **kwargs) if callable(stage) else stage)
            try:
                return function(*args, **kwargs)
            finally:
                self.leave()

        return timed

    def patch(self, owner: Any, attribute: str, stage: str | Callable[..., str]) -> None:
        setattr(owner, attribute, self.wrap(stage, getattr(owner, attribute)))

    def iterate(self, stage: str, items: Iterable[Any]) -> Iterator[Any]:
        """``items`` with the time spent producing each charged to ``stage``."""
        iterator = iter(items)
        while True:
            self.enter(stage)
            try:
                item = next(iterator)
            except StopIteration:
                return
            finally:
                self.leave()
            yield item


def _inputs(source: Path, settings: Any, limit: int) -> Iterator[Any]:
    from storyweave.ingest import iter_inputs

    docs = iter_inputs(str(source), settings)
    return itertools.islice(docs, limit) if limit else docs


def profile_stages(source: Path, limit: int, directory: Path) -> tuple[StageClock, float, int]:
    """Run 1: the whole ingest in this process, every stage clocked.  (clock, wall s, articles)."""
    from storyweave import Tracker, dates, pipeline
    from storyweave import clean as clean_stage
    from storyweave import extract as extract_stage
    from storyweave.entities.resolve import reconcile
    from storyweave.language import LanguageDetector, shared_lingua_detector

    clock = StageClock()
    clock.enter(f"{START_UP}opening the store, building the stages", first_call_is_start_up=False)
    tracker = Tracker(db=directory / "stages.db", workers=1)
    enricher, writer = tracker.enricher, tracker.writer
    # lingua loads each language's models on the first text that may be in it, well after the
    # stage's first call: hundreds of ms each, charged to "language" over the first few hundred
    # articles.  Workers fork from a server that loaded them all (worker_preload.py), and so does
    # this run, before the stage builds its detector (the same one).
    shared_lingua_detector(tuple(LanguageDetector.lingua_languages(tracker.settings).values()), preload=True)
    _ = enricher.language, enricher.entities, enricher.embedder  # what loads when the stages are built
    clock.leave()
    clock.patch(extract_stage, "extract", "extract")
    clock.patch(clean_stage, "clean", "clean")
    clock.patch(enricher.language, "detect", "language")
    clock.patch(enricher.entities, "analyse", "entities (recognise + resolve)")
    # The models read a worker's batch ahead of analysing its articles: that is entity time too.
    clock.patch(enricher.entities, "prime", "entities (recognise + resolve)")
    clock.patch(dates, "find_dates", "dates")
    clock.patch(enricher.embedder, "encode_passages", lambda model, texts: f"embed {model}")
    for name in ("find_existing", "insert_article", "insert_dates", "insert_vectors", "id_taken_by_other_content",
                 "has_article_id", "record_reject"):
        clock.patch(tracker.db, name, "writer: article rows")  # the store's own operations, as the writer calls them
    clock.patch(reconcile, "store_article_entities", "writer: entities (store + reconcile)")
    if writer.assigner is not None:
        clock.patch(writer.assigner, "assign", "writer: event assignment")
    clock.patch(writer, "store_batch", "writer: transaction, commit")
    started = _now()
    # The main thread's time outside its stages is "pipeline glue"; the enrichment thread's own
    # loop between stages is small and left out.
    clock.enter("pipeline glue", first_call_is_start_up=False)
    try:
        docs = clock.iterate("read + parse input (I/O)", _inputs(source, tracker.settings, limit))
        with threadpool_limits(limits=1, user_api="blas"):
            report = pipeline.run(docs, enricher, writer)
    finally:
        clock.leave()
        tracker.close()
    wall = time.perf_counter() - started[1]
    return clock, wall, len(report.added) + len(report.duplicates) + len(report.rejected)


class CpuSampler:
    """CPU seconds of this process's descendants by role (fork server, workers), from /proc."""

    def __init__(self, every_s: float = 0.25) -> None:
        self.every_s = every_s
        self.ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        self.latest: dict[int, tuple[str, float]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="cpu-sampler", daemon=True)

    def __enter__(self) -> CpuSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.every_s)

    def sample(self) -> None:
        parents: dict[int, int] = {}
        cpu: dict[int, float] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:  # ended meanwhile
                continue
            pid = int(entry.name)
            parents[pid] = int(fields[1])
            cpu[pid] = (int(fields[11]) + int(fields[12])) / self.ticks  # utime + stime
        me = os.getpid()
        for pid, seconds in cpu.items():
            # The child of this process that ``pid`` descends from: workers descend from the fork server.
            top, parent = pid, parents.get(pid)
            while parent is not None and parent not in (0, me):
                top, parent = parent, parents.get(parent)
            if parent != me:
                continue
            if self._is_fork_server(top):
                role = "fork server" if top == pid else "workers"
            else:
                role = "other children" if top == pid else "workers"
            self.latest[pid] = (role, seconds)

    @staticmethod
    def _is_fork_server(pid: int) -> bool:
        try:
            return b"forkserver" in Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return False

    def by_role(self) -> dict[str, tuple[int, float]]:
        out: dict[str, tuple[int, float]] = {}
        for role, seconds in self.latest.values():
            count, total = out.get(role, (0, 0.0))
            out[role] = (count + 1, total + seconds)
        return out


def profile_waits(source: Path, limit: int, directory: Path) -> dict[str, Any]:
    """Run 2: a default ingest (worker pool past ``parallel_after``), the main process's wall time
    split by what it was doing, and the CPU its helper processes used."""
    from storyweave import Tracker, pipeline

    started = time.perf_counter()
    cpu_started = time.process_time()
    spent: dict[str, float] = defaultdict(float)
    first_stored: list[float] = []  # seconds after ``started``

    def timed(kind: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any) -> Any:
            begun = time.perf_counter()
            try:
                return function(*args)
            finally:
                spent[kind] += time.perf_counter() - begun
                if not first_stored:
                    first_stored.append(time.perf_counter() - started)

        return run

    def reading(items: Iterable[Any]) -> Iterator[Any]:
        iterator = iter(items)
        while True:
            begun = time.perf_counter()
            try:
                item = next(iterator)
            except StopIteration:
                return
            finally:
                spent["io"] += time.perf_counter() - begun
            yield item

    with CpuSampler() as sampler:
        tracker = Tracker(db=directory / "waits.db")
        # As ``storyweave ingest`` does: the workers' models start loading before the writer is built.
        tracker.start_workers(limit or tracker.count_inputs(str(source)))
        writer = tracker.writer
        writer.store_batch = timed("writer", writer.store_batch)  # type: ignore[method-assign]
        try:
            report = pipeline.run(reading(_inputs(source, tracker.settings, limit)), tracker.enricher, writer)
        finally:
            tracker.close()
        sampler.sample()
    wall = time.perf_counter() - started
    return {
        "wall": wall,
        "articles": len(report.added) + len(report.duplicates) + len(report.rejected),
        "first": first_stored[0] if first_stored else float("nan"),
        "first_from_launch": (first_stored[0] + started - LAUNCHED) if first_stored else float("nan"),
        "io": spent["io"],
        "writer": spent["writer"],
        "main_cpu": time.process_time() - cpu_started,
        "helpers": sampler.by_role(),
        "workers_setting": tracker.settings.workers or min(os.cpu_count() or 1, 8),
        "parallel_after": tracker.settings.parallel_after,
    }


def _row(name: str, *cells: str) -> str:
    return f"  {name:<48}" + "".join(f"{c:>11}" for c in cells)


def print_stages(clock: StageClock, wall: float, articles: int) -> None:
    total_cpu = sum(clock.cpu.values())
    total_wall = sum(clock.wall.values())
    print(f"\n1. stages, in one process (workers=1): {articles} articles in {wall:.1f} s "
          f"= {articles / wall:.1f} articles/s, {total_cpu:.1f} CPU s")
    # Per article in CPU: on 2 cores the rate is bounded by CPU, and wall time double-counts a
    # thread's waits.
    print(_row("stage (time inside nested stages is theirs)", "CPU s", "CPU share", "wall s", "wall share",
               "CPU ms/art."))
    steady = sorted((s for s in clock.cpu if not s.startswith(START_UP)), key=lambda s: -clock.cpu[s])
    start_up = sorted((s for s in clock.cpu if s.startswith(START_UP) and clock.wall[s] >= 0.05),
                      key=lambda s: -clock.wall[s])
    for stage in [*steady, *start_up]:
        print(_row(stage, f"{clock.cpu[stage]:.1f}", f"{clock.cpu[stage] / total_cpu:.1%}",
                   f"{clock.wall[stage]:.1f}", f"{clock.wall[stage] / total_wall:.1%}",
                   f"{1000 * clock.cpu[stage] / max(1, articles):.1f}"))
    loading = [s for s in clock.cpu if s.startswith(START_UP)]
    print(_row("start-up in all (building stages, first calls)", f"{sum(clock.cpu[s] for s in loading):.1f}",
               f"{sum(clock.cpu[s] for s in loading) / total_cpu:.1%}", f"{sum(clock.wall[s] for s in loading):.1f}",
               f"{sum(clock.wall[s] for s in loading) / total_wall:.1%}"))


def print_waits(found: dict[str, Any]) -> None:
    wall, first = found["wall"], found["first"]
    after = max(1e-9, wall - first)
    io, writer = found["io"], found["writer"]
    waiting = max(0.0, after - io - writer)
    print(f"\n2. waits, as a user runs it (workers={found['workers_setting']}, pool past "
          f"{found['parallel_after']} inputs): {found['articles']} articles in {wall:.1f} s "
          f"= {found['articles'] / wall:.1f} articles/s")
    print(_row("main process, wall", "seconds", "share"))
    print(_row("start-up (to the first stored article)", f"{first:.1f}", f"{first / wall:.1%}"))
    print(_row("  the same from this process's start", f"{found['first_from_launch']:.1f}"))
    print(_row("reading the input (I/O)", f"{io:.1f}", f"{io / wall:.1%}"))
    print(_row("writer (store, entities, assignment)", f"{writer:.1f}", f"{writer / wall:.1%}"))
    print(_row("waiting for enrichment (workers)", f"{waiting:.1f}", f"{waiting / wall:.1%}"))
    print(_row("CPU by process", "processes", "CPU s", "busy share"))
    print(_row("main (reader + writer)", "1", f"{found['main_cpu']:.1f}", f"{found['main_cpu'] / wall:.1%}"))
    for role, (count, seconds) in sorted(found["helpers"].items()):
        print(_row(role, str(count), f"{seconds:.1f}", f"{seconds / (wall * max(1, count)):.1%}"))
    print(f"  (busy share: CPU seconds over wall seconds per process; {os.cpu_count()} cores here; "
          "start-up includes the first stored article's own time)")
    rate = found["articles"] / wall

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    print(f"  targets (2 cores, all 2,447 articles): >= {TARGET_RATE:.0f} articles/s: {rate:.1f}, "
          f"{verdict(rate >= TARGET_RATE)}; first stored article <= {TARGET_FIRST_S:.0f} s: {first:.1f} s, "
          f"{verdict(first <= TARGET_FIRST_S)} (from the Tracker; from this process's start "
          f"{found['first_from_launch']:.1f} s)")


def _stored_articles(db: Path) -> int:
    """Rows in the store's articles table, read-only; 0 while the store or its table is not there."""
    if not db.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.05)
    except sqlite3.Error:
        return 0
    try:
        return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.Error:  # not created or migrated yet, or a write holds it: ask again
        return 0
    finally:
        conn.close()


def profile_command(source: Path, limit: int, directory: Path, run: int) -> dict[str, Any]:
    """Run 3: ``storyweave --db NEW.db ingest FILE`` as a user types it, timed from its launch to the
    first row in the store (polled from here every 20 ms) and to its exit."""
    inputs = first_lines(source, limit, directory)
    db = directory / f"command-{run}.db"
    command = Path(sys.executable).with_name("storyweave")
    argv = [str(command)] if command.exists() else [sys.executable, "-m", "storyweave"]
    argv += ["--db", str(db), "ingest", str(inputs)]
    launched = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    first = float("nan")
    while process.poll() is None:
        if first != first and _stored_articles(db):  # nan until the first row is seen
            first = time.perf_counter() - launched
        time.sleep(0.02)
    wall = time.perf_counter() - launched
    errors = process.stderr.read() if process.stderr else ""
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {process.returncode}: {errors[-2000:]}")
    stored = _stored_articles(db)
    if first != first and stored:  # stored and exited within one poll
        first = wall
    summary = next((line for line in reversed(errors.splitlines()) if line.startswith("added ")), "")
    return {"first": first, "wall": wall, "articles": stored, "summary": summary}


def print_command(found: dict[str, Any]) -> None:
    first, wall = found["first"], found["wall"]
    print(f"\n3. the command, timed from its launch: storyweave --db NEW.db ingest FILE "
          f"({found['summary'] or 'no summary'})")
    print(_row("first stored article (polled every 20 ms)", f"{first:.1f} s"))
    print(_row("whole command, to its exit", f"{wall:.1f} s"))
    print(_row("articles stored per second of the command", f"{found['articles'] / wall:.1f}"))
    print(f"  target: first stored article <= {TARGET_FIRST_S:.0f} s from the command: {first:.1f} s, "
          f"{'met' if first <= TARGET_FIRST_S else 'NOT met'}; load average now "
          f"{' '.join(f'{v:.2f}' for v in os.getloadavg())}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=0, help="Only the first N articles (0: all).")
    parser.add_argument("--only", choices=["stages", "waits", "command"],
                        help="Run one part: stages; waits (also runs the command); the command alone.")
    parser.add_argument("--commands", type=int, default=1, help="How many times to run the command (run 3).")
    args = parser.parse_args()
    source = eval_file("articles.jsonl")
    began = time.perf_counter()
    importlib.import_module("storyweave.tracker")  # what every command pays before it reads any input

    print(f"importing storyweave: {time.perf_counter() - began:.2f} s; load average "
          f"{' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        if args.only in (None, "stages"):
            print_stages(*profile_stages(source, args.limit, Path(tmp)))
        if args.only in (None, "waits"):
            print_waits(profile_waits(source, args.limit, Path(tmp)))
        if args.only in (None, "waits", "command"):
            for run in range(max(1, args.commands)):
                print_command(profile_command(source, args.limit, Path(tmp), run))
    print(f"\nload average at the end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
