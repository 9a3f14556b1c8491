"""``benchmarks/profile_ingest.py``'s stage clock: each thread's stages get that thread's time.

Enrichment runs in a thread beside the writer; a clock with one stack for both charged one thread's
work to the stage the other happened to be in."""

from __future__ import annotations

import importlib.util
import threading
import time
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "profile_ingest.py"


def load_clock_class() -> type:
    spec = importlib.util.spec_from_file_location("profile_ingest_under_test", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.StageClock


def spin(cpu_s: float) -> None:
    """Busy for ``cpu_s`` of this thread's own CPU time."""
    until = time.thread_time() + cpu_s
    while time.thread_time() < until:
        pass


def test_two_threads_stages_interleaved_are_each_charged_their_own_cpu() -> None:
    clock = load_clock_class()()
    enrich_open, assign_open, enrich_closed = threading.Event(), threading.Event(), threading.Event()

    def enrichment() -> None:
        clock.enter("enrich", first_call_is_start_up=False)
        enrich_open.set()
        assign_open.wait(10)
        spin(0.3)
        clock.leave()  # closes while the writer's "assign" is still open
        enrich_closed.set()

    clock.enter("writer", first_call_is_start_up=False)
    worker = threading.Thread(target=enrichment)
    worker.start()
    assert enrich_open.wait(10)
    clock.enter("assign", first_call_is_start_up=False)  # nested in "writer" while "enrich" is open
    assign_open.set()
    assert enrich_closed.wait(10)
    spin(0.1)
    clock.leave()
    worker.join(10)
    clock.leave()

    assert clock.cpu["enrich"] >= 0.3
    assert 0.1 <= clock.cpu["assign"] < 0.25
    # The writer's own time is spent waiting: neither thread's spinning lands there.
    assert clock.cpu["writer"] < 0.1
    assert clock.calls == {"writer": 1, "enrich": 1, "assign": 1}
