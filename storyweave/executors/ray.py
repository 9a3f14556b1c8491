"""Enrichment on a Ray cluster: a pool of actors, each loading the models once.

``ray_address`` names the cluster (``host:6379`` of a ``ray start --head`` node, or a
``ray://host:10001`` client address); empty joins the cluster ``RAY_ADDRESS`` names or starts a Ray
instance on this machine.  A caller that called ``ray.init`` itself (a test, a benchmark) keeps its
instance: the executor only adds its actors to it.

Batches go to the actor with the fewest unfinished ones, at most two per actor in flight (memory
stays flat on endless inputs); results are taken in submission order, so the store is the same as
with the local executors.  Enrichment is a pure function of its input, so an actor lost with its
node is restarted and its batches run again.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

import ray

from ..errors import ConfigError, ExecutorError
from ..memory import release_free_memory
from .base import Enrichment, Input, Outcome, batches

_IN_FLIGHT_PER_ACTOR = 2
_CONNECT_TIMEOUT_S = 5.0
_RESTARTS = 2  # an actor lost (node gone, process killed) is restarted, its batches retried
# Environment the workers need whatever node they run on: models are bundled or cached, never
# fetched, so a worker must not try the model hub either.
_FORWARDED_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


class EnrichActor:
    """One Ray worker process: builds its enricher (models load on first use) and keeps it."""

    def __init__(self, work: Enrichment) -> None:
        self.work = work
        self.enricher = work.make_enricher(work.settings)

    def node_id(self) -> str:
        return str(ray.get_runtime_context().get_node_id())

    def enrich(self, batch: list[Input]) -> list[Outcome]:
        outcomes = self.work.enrich_batch(self.enricher, batch)
        release_free_memory()
        return outcomes


class RayExecutor:
    def __init__(self, enrichment: Enrichment, enricher: Any = None) -> None:
        # ``enricher`` is the caller's own: never used here, the models load on the actors only.
        self.enrichment = enrichment
        self._actors: list[Any] = []
        self._actor_nodes: list[str] = []
        self._started_ray = False
        self.tasks_by_node: Counter[str] = Counter()

    def enriched(self, docs: Iterable[Input]) -> Iterator[Outcome]:
        actors = self._start()
        pending: deque[tuple[Any, int]] = deque()  # (result ref, actor index), in submission order
        try:
            for batch in batches(docs, self.enrichment.settings.enrich_batch):
                if len(pending) >= _IN_FLIGHT_PER_ACTOR * len(actors):
                    yield from self._take(pending)
                busy = _unfinished(pending)
                chosen = min(range(len(actors)), key=lambda a: (busy[a], a))
                pending.append((actors[chosen].enrich.remote(batch), chosen))
            while pending:
                yield from self._take(pending)
        except ray.exceptions.RayError as exc:
            raise ExecutorError(f"enrichment on Ray failed: {_one_line(exc)}; what was stored is kept, "
                                "re-run to continue") from None

    def _take(self, pending: deque[tuple[Any, int]]) -> list[Outcome]:
        ref, actor = pending.popleft()
        outcomes: list[Outcome] = ray.get(ref)
        self.tasks_by_node[self._actor_nodes[actor]] += 1
        return outcomes

    def _start(self) -> list[Any]:
        if self._actors:
            return self._actors
        if not ray.is_initialized():
            self._connect(self.enrichment.settings.ray_address)
        settings = self.enrichment.settings
        cpus = max(1, int(settings.ray_actor_cpus))
        count = int(settings.ray_actors) or max(1, int(ray.cluster_resources().get("CPU", 1)) // cpus)
        remote = ray.remote(EnrichActor).options(
            num_cpus=cpus,
            max_restarts=_RESTARTS,
            max_task_retries=_RESTARTS,
            scheduling_strategy="SPREAD",  # one node's actors on every node before two on any
            runtime_env={"env_vars": {name: os.environ.get(name, value) for name, value in _FORWARDED_ENV.items()}},
        )
        try:
            self._actors = [remote.remote(self.enrichment) for _ in range(count)]
            self._actor_nodes = ray.get([actor.node_id.remote() for actor in self._actors])
        except ray.exceptions.RayError as exc:
            self.close()
            raise ExecutorError(f"could not start enrichment actors on Ray: {_one_line(exc)}") from None
        return self._actors

    def _connect(self, address: str) -> None:
        if address and address != "auto":
            _check_reachable(address)
        # ray.init replaces the SIGTERM handler, which would stop 'follow' without finishing the
        # article in hand: the caller's handler is put back.
        main_thread = threading.current_thread() is threading.main_thread()
        handler = signal.getsignal(signal.SIGTERM) if main_thread else None
        try:
            ray.init(
                address=address or None,
                include_dashboard=False,
                configure_logging=False,  # the library never configures logging
                log_to_driver=False,  # workers' output would break into the CLI's progress bars
            )
        except Exception as exc:  # ray raises ConnectionError, RuntimeError, ValueError…
            where = f"the Ray cluster at {address}" if address else "a local Ray instance"
            raise ExecutorError(f"could not join {where}: {_one_line(exc)}") from None
        finally:
            if main_thread and handler is not None:
                signal.signal(signal.SIGTERM, handler)
        self._started_ray = True

    def close(self) -> None:
        for actor in self._actors:
            ray.kill(actor)
        self._actors, self._actor_nodes = [], []
        if self._started_ray:
            ray.shutdown()
            self._started_ray = False


def _unfinished(pending: deque[tuple[Any, int]]) -> Counter[int]:
    """Batches each actor has not finished yet (a slow node gets fewer), found without waiting."""
    refs = [ref for ref, _ in pending]
    done = set(ray.wait(refs, num_returns=len(refs), timeout=0)[0]) if refs else set()
    return Counter(actor for ref, actor in pending if ref not in done)


def _check_reachable(address: str) -> None:
    """Fail in seconds with the reason when nothing listens at ``address`` (ray.init would retry
    for a minute and then print pages)."""
    parts = urlsplit(address if "://" in address else f"//{address}")
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        host, port = None, None
    if not host or port is None:
        raise ConfigError(f"ray_address {address!r} is not host:port (or ray://host:port)")
    try:
        socket.create_connection((host, port), timeout=_CONNECT_TIMEOUT_S).close()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ExecutorError(
            f"cannot reach the Ray cluster at {address}: {reason}; start it with 'ray start --head' "
            "or fix ray_address"
        ) from None


def _one_line(exc: BaseException, limit: int = 300) -> str:
    flat = " ".join(f"{type(exc).__name__}: {exc}".split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
