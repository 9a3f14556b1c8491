"""``storyweave sources …`` (followed feeds and their health) and ``storyweave follow`` (the poll loop)."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.text import Text

from ..errors import InputError
from ..follow.follower import PollResult
from ..store import describe
from ..tracker import Tracker
from .common import (
    ExecutorOption,
    RayAddressOption,
    open_tracker,
    print_json,
    print_table,
    run_as_batch_job,
    shown,
    stderr,
)
from .progress import ingest_progress_bar

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of a table.")]
SourceArg = Annotated[str, typer.Argument(help="Source id (from 'storyweave sources list') or its URL.")]

HEALTH_COLUMNS = ["id", "name", "state", "every", "last_success_at", "last_error", "consecutive_failures",
                  "per_day", "median_latency_ms"]

sources_app = typer.Typer(help="Followed sources (feeds, or pages naming one) and their health.",
                          no_args_is_help=True)


def _table_row(source: dict[str, Any]) -> dict[str, Any]:
    row = dict(source)
    if source["state"] == "paused":
        row["state"] = f"paused: {source['pause_reason']}"
    return row


def _print_source(source: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print_json(source)
        return
    fields = [{"field": key, "value": value} for key, value in source.items() if key != "days"]
    print_table(fields, ["field", "value"], title=f"source {source['id']}")
    if source.get("days"):
        print_table(source["days"], ["day", "polls", "failures", "added"], title="last days")


@sources_app.command("add")
def add(
    url: Annotated[str, typer.Argument(help="Feed URL, or a web page whose <link rel=alternate> names its feed.")],
    name: Annotated[str | None, typer.Option(help="Outlet name every article from it carries.")] = None,
    lang: Annotated[str | None, typer.Option(help="Its language (ISO 639-1), a hint for each article.")] = None,
    country: Annotated[str | None, typer.Option(help="Its country (ISO 3166, e.g. FR).")] = None,
    every: Annotated[str | None, typer.Option(help="Poll interval: 90s, 15m, 2h, 1d (default setting "
                                                   "source_every_s).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Follow a source; 'storyweave follow' polls it."""
    with open_tracker() as tracker:
        source = tracker.add_source(url, name=name, lang=lang, country=country, every=every)
    if as_json:
        print_json(source)
    else:
        stderr.print(shown(f"following source {source['id']} ({source['name']}) every {source['every']}"))


@sources_app.command("list")
def list_sources(as_json: JsonOption = False) -> None:
    """Every source with its health: last success, last error, failures in a row, articles a day, latency."""
    with open_tracker() as tracker:
        sources = tracker.sources()
    if as_json:
        print_json(sources)
    elif not sources:
        stderr.print("no sources followed yet; add one with 'storyweave sources add URL'", highlight=False)
    else:
        print_table([_table_row(s) for s in sources], HEALTH_COLUMNS, title="sources")


@sources_app.command("show")
def show(ref: SourceArg, as_json: JsonOption = False) -> None:
    """One source: its settings, its health and its last days."""
    with open_tracker() as tracker:
        _print_source(tracker.source(ref), as_json)


def _change(verb: str, change: Callable[[Tracker], dict[str, Any]]) -> None:
    with open_tracker() as tracker:
        source = change(tracker)
    stderr.print(shown(f"{verb} source {source['id']} ({source['name']})"))


@sources_app.command("remove")
def remove(ref: SourceArg) -> None:
    """Stop following a source (the articles it brought stay)."""
    _change("removed", lambda tracker: tracker.remove_source(ref))


@sources_app.command("pause")
def pause(ref: SourceArg) -> None:
    """Stop polling a source until 'sources resume'."""
    _change("paused", lambda tracker: tracker.pause_source(ref))


@sources_app.command("resume")
def resume(ref: SourceArg) -> None:
    """Poll a paused source again (at once), its failures forgotten."""
    _change("resumed", lambda tracker: tracker.resume_source(ref))


@sources_app.command("import")
def import_opml(file: Annotated[Path, typer.Argument(help="OPML file (any nesting), or - for stdin.")],
                as_json: JsonOption = False) -> None:
    """Follow every feed of an OPML subscription list."""
    try:
        data = sys.stdin.buffer.read() if str(file) == "-" else file.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {file}: {exc.strerror or exc}") from None
    with open_tracker() as tracker:
        report = tracker.import_opml(data)
    if as_json:
        print_json(report)
        return
    for refused in report["refused"]:
        stderr.print(Text.assemble(Text("refused", style="yellow"), " ", shown(refused["url"]), ": ",
                                   shown(refused["reason"])), soft_wrap=True, highlight=False)
    stderr.print(f"added {len(report['added'])}, followed already {len(report['known'])}, "
                 f"refused {len(report['refused'])}", highlight=False)


@sources_app.command("export")
def export_opml(output: Annotated[Path, typer.Option("--output", "-o", help="File to write; - for stdout.")] = Path(
        "-")) -> None:
    """Every followed source as OPML 2.0."""
    with open_tracker() as tracker:
        text = tracker.export_opml()
    if str(output) == "-":
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {output}: {exc.strerror or exc}") from None


@contextmanager
def stop_on_signals() -> Iterator[threading.Event]:
    """An event set by SIGTERM or Ctrl-C: the loop then finishes the article in hand and returns."""
    stop = threading.Event()

    def ask_to_stop(signum: int, frame: object) -> None:
        if not stop.is_set():
            stderr.print("stopping after the current article…", highlight=False)
        # Set from another thread: the handler may interrupt this thread inside the event's own lock.
        threading.Thread(target=stop.set, name="stop").start()

    previous = {sig: signal.signal(sig, ask_to_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def print_poll(result: PollResult) -> None:
    """One line per poll that brought something or failed."""
    label = Text(f"source {result.source_id} ", style="bold")
    if result.error:
        line = Text.assemble(label, shown(result.name), ": ", Text("error", style="red"), " ", shown(result.error))
        if result.paused:
            line.append(" (paused)")
    elif result.added or result.rejected:
        line = Text.assemble(label, shown(result.name), f": {len(result.added)} new, {result.known} known, "
                                                         f"{len(result.rejected)} rejected")
    else:
        return
    stderr.print(line, soft_wrap=True, highlight=False)


def follow(
    once: Annotated[bool, typer.Option("--once", help="Poll each due source once, then exit (for cron).")] = False,
    every_one: Annotated[bool, typer.Option("--all", help="Poll every active source now, due or not.")] = False,
    as_json: JsonOption = False,
    executor: ExecutorOption = None,
    ray_address: RayAddressOption = None,
) -> None:
    """Poll followed sources and store their new articles, until stopped (SIGTERM or Ctrl-C finish the
    article in hand first).  With --once: each due source once."""
    with open_tracker(executor=executor, ray_address=ray_address) as tracker, stop_on_signals() as stop:
        run_as_batch_job(tracker.settings)
        if not once:
            stderr.print(shown(f"following {len(tracker.sources())} sources into {describe(tracker.db_path)} "
                               "(Ctrl-C to stop)"), highlight=False)
            tracker.follow(stop=stop, on_poll=print_poll, every_one=every_one)
            return
        with ingest_progress_bar() as progress:
            task = progress.add_task("polling sources", total=tracker.due_count(every_one))

            def advanced(result: PollResult) -> None:
                progress.advance(task)
                if not as_json:
                    print_poll(result)

            results = tracker.follow(once=True, every_one=every_one, stop=stop, on_poll=advanced)
    if as_json:
        print_json([r.as_dict() for r in results])
    else:
        added = sum(len(r.added) for r in results)
        failed = sum(1 for r in results if r.error)
        stderr.print(f"polled {len(results)} sources: {added} new articles, {failed} failed", highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(sources_app, name="sources")
    app.command()(follow)
