"""The progress bar of ingest commands: done/total, rate, elapsed time and time left."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from .common import stderr


class RateColumn(ProgressColumn):
    """Inputs per second over rich's recent samples."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:.1f}/s" if speed else "…/s", style="progress.data.speed")


def ingest_progress_bar(console: Console | None = None) -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
        console=console or stderr,
        transient=True,
    )


@contextmanager
def ingest_progress(
    description: str, total: int | None, console: Console | None = None
) -> Iterator[Callable[[str], None]]:
    """A callback for ``Tracker.ingest(on_progress=…)`` that moves a bar towards ``total`` inputs.

    ``total`` is an estimate (a JSON file holding a list counts as one input until it is read), so
    the bar's total grows when more inputs turn up; ``None`` means unknown (stdin, a URL).
    """
    with ingest_progress_bar(console) as progress:
        task_id = progress.add_task(description, total=total)
        task = progress.tasks[-1]

        def advance(origin: str) -> None:
            progress.advance(task_id)
            if task.total is not None and task.completed > task.total:
                progress.update(task_id, total=task.completed)

        yield advance
