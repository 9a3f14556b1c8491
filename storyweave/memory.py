"""Keep long-running processes' resident memory from ratcheting up when nothing leaks.

Enrichment workers and the server allocate and free many short-lived objects, the server in a
pool of threads.  glibc gives each thread its own heap ("arena") and keeps freed memory in it for
reuse, so resident memory grows with the number of threads and never shrinks: the soak benchmark
measured about half the server's growth this way.  ``limit_malloc_arenas`` caps the heaps, once,
before threads start; ``release_free_memory`` returns free pages, costs a few milliseconds, and so
runs between units of work.  Both are no-ops where the C library is not glibc.

``collector_paused`` keeps Python's cycle collector out of a bulk load: building the knowledge base
creates hundreds of thousands of long-lived objects, and the collector, run again and again while
they pile up, took half of their loading time.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_M_ARENA_MAX = -8  # mallopt's parameter number in glibc's malloc.h


@functools.cache
def _glibc() -> Any | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"))
        libc.malloc_trim, libc.mallopt  # noqa: B018  (present only in glibc)
    except (OSError, AttributeError):
        return None
    return libc


def release_free_memory() -> None:
    """Return free heap pages to the system."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


def limit_malloc_arenas(arenas: int = 2) -> None:
    """Let all threads share ``arenas`` heaps, so freed memory is reused across a thread pool."""
    libc = _glibc()
    if libc is not None:
        libc.mallopt(_M_ARENA_MAX, arenas)


_PAUSE_LOCK = threading.Lock()
_pauses = [0, False]  # [loads under way in any thread, whether the collector ran before the first]


@contextmanager
def collector_paused() -> Iterator[None]:
    """No automatic cycle collection while the block runs (in any thread: the collector is the
    process's), for loads that create many objects and drop few.  Nested or concurrent pauses
    (the writer's warm-up thread and the main thread) end when the last one does, and leave the
    collector as it was before the first."""
    with _PAUSE_LOCK:
        if _pauses[0] == 0:
            _pauses[1] = gc.isenabled()
            gc.disable()
        _pauses[0] += 1
    try:
        yield
    finally:
        with _PAUSE_LOCK:
            _pauses[0] -= 1
            if _pauses[0] == 0 and _pauses[1]:
                gc.enable()
