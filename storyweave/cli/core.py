"""Core commands: ingest, articles, show, rejects, settings, demo."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import typer

from ..errors import InputError
from ..follow.follower import PollResult
from ..follow.opml import read_opml
from ..pipeline import IngestReport
from ..settings import SETTINGS_TABLE
from ..store import describe
from .common import (
    MAX_CURSOR,
    ExecutorOption,
    RayAddressOption,
    date_option,
    open_tracker,
    print_json,
    print_more,
    print_reject,
    print_table,
    run_as_batch_job,
    shown,
    stderr,
)
from .progress import ingest_progress, ingest_progress_bar
from .serve import print_addresses
from .sources import print_poll, stop_on_signals

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of a table.")]
LimitOption = Annotated[int, typer.Option("--limit", "-n", min=1, help="How many rows to show.")]


StrictOption = Annotated[
    bool, typer.Option("--strict", help="Exit 1 when any input is rejected, even if others were stored.")
]


def ingest(
    targets: Annotated[list[str], typer.Argument(help="Files, directories, feed files, URLs, or - for stdin.")],
    as_json: JsonOption = False,
    strict: StrictOption = False,
    executor: ExecutorOption = None,
    ray_address: RayAddressOption = None,
) -> None:
    """Ingest articles from files, directories, JSON/JSONL, HTML pages, RSS/Atom feeds, URLs or stdin.

    Exit status: 0 when at least one input was stored or was already stored (rejects are listed and
    kept in 'storyweave rejects'); 1 when inputs were rejected and none could be used, or, with
    --strict, when any input was rejected; 2 on a usage error or an unreadable argument.
    """
    with open_tracker(executor=executor, ray_address=ray_address) as tracker:
        run_as_batch_job(tracker.settings)
        count = tracker.count_inputs(*targets)
        tracker.start_workers(count)  # the workers' models load while the writer is built
        with ingest_progress("ingesting", count) as on_progress:
            report = tracker.ingest(*targets, on_progress=on_progress)
    if as_json:
        print_json(report.as_dict())
    else:
        for reject in report.rejected:
            print_reject(reject.origin, reject.reason)
    _finish_ingest(report, strict, quiet=as_json)


def _finish_ingest(report: IngestReport, strict: bool, quiet: bool = False) -> None:
    """One summary line; exit 1 when the ingest failed (see ``IngestReport.failed``)."""
    if not report.failed(strict):
        if not quiet:
            stderr.print(report.summary(), highlight=False)
        return
    why = "an input was rejected (--strict)" if strict and (report.added or report.duplicates) else (
        "no input could be ingested")
    stderr.print(f"error: {why}: {report.summary()}; see 'storyweave rejects'", highlight=False)
    raise typer.Exit(1)


def articles(
    lang: Annotated[str | None, typer.Option(help="Only this language (ISO 639-1).")] = None,
    source: Annotated[str | None, typer.Option(help="Only this outlet.")] = None,
    since: Annotated[str | None, date_option("Published on or after this ISO date.")] = None,
    until: Annotated[str | None, date_option("Published on or before this ISO date.")] = None,
    cursor: Annotated[int | None, typer.Option(min=0, max=MAX_CURSOR,
                                               help="Continue after this cursor (from a previous page).")] = None,
    limit: LimitOption = 50,
    as_json: JsonOption = False,
) -> None:
    """List stored articles in ingest order, a page of --limit at a time."""
    with open_tracker() as tracker:
        rows = tracker.articles(lang=lang, source=source, since=since, until=until, cursor=cursor, limit=limit + 1)
    rows = print_more(rows, limit, "articles", "seq")
    if as_json:
        print_json(rows)
    else:
        print_table(rows, ["id", "lang", "publish_date", "source", "title"], title="articles")


def show(article_id: Annotated[str, typer.Argument(help="Article id.")], as_json: JsonOption = False) -> None:
    """Show one article: text, language, what cleaning removed, dates, entities and event."""
    with open_tracker() as tracker:
        details = tracker.article_details(article_id)
    if as_json:
        print_json(details)
        return
    _print_article(details)


def _print_article(details: dict[str, Any]) -> None:
    from rich.console import Console

    console = Console(highlight=False)
    console.rule(shown(details["title"] or details["id"]))
    console.print(shown(
        f"id {details['id']} · {details['lang']} ({details['lang_confidence']:.2f}) · "
        f"{details['publish_date'] or 'no date'} · {details['source'] or details['origin']}"
    ))
    console.print(shown(details["text"], keep_lines=True))
    if details.get("entities"):
        console.rule("entities")
        for entity in details["entities"]:
            surfaces = ", ".join(entity.get("surfaces", []))
            console.print(shown(f"{entity['id']:<14} {entity['type']:<13} {entity['name']}  ← {surfaces}"))
    if details["dates"]:
        console.rule("dates")
        for date in details["dates"]:
            console.print(shown(f"{date['date']}  {date['kind']:<11} {date['expression']}"))
    if details.get("event"):
        console.rule("event")
        console.print(shown(f"{details['event']['id']}  {details['event']['title']}"))
        if details.get("storyline"):
            console.print(shown(f"storyline {details['storyline']['id']}  {details['storyline']['title']}"))
    if details["removed"]:
        console.rule("removed by cleaning")
        for removal in details["removed"]:
            console.print(shown(f"[{removal['kind']}] {removal['text']}"))


def rejects(limit: LimitOption = 100, as_json: JsonOption = False) -> None:
    """List rejected inputs with their reasons."""
    with open_tracker() as tracker:
        rows = tracker.rejects(limit=limit)
    if as_json:
        print_json(rows)
    else:
        print_table(rows, ["origin", "reason", "times", "last_seen"], title="rejected inputs")


def settings(as_json: JsonOption = False) -> None:
    """List every setting with its current value, default and help."""
    with open_tracker() as tracker:
        current = tracker.settings.as_dict()
    rows = [{"name": s.name, "value": current[s.name], "default": s.default, "help": s.help} for s in SETTINGS_TABLE]
    if as_json:
        print_json(rows)
    else:
        print_table(rows, ["name", "value", "help"], title="settings (TOML key or STORYWEAVE_<NAME>)")


def bundled_examples() -> Path:
    """The example articles shipped in the repository's examples/ folder."""
    examples = Path(__file__).resolve().parents[2] / "examples"
    if not examples.is_dir():
        raise InputError(f"the bundled examples are missing ({examples}); run the demo from a storyweave checkout")
    return examples


def demo(
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the result in the browser at the end.")
    ] = True,
    host: Annotated[str, typer.Option(help="Address to serve on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8000,
    follow: Annotated[Path | None, typer.Option(
        "--follow", help="Follow the feeds of this OPML file (e.g. storyweave/follow/world-news.opml) instead; "
                         "without a network, the bundled examples are shown.")] = None,
) -> None:
    """Ingest the bundled example articles (or follow real feeds), show what storyweave found, then serve it."""
    subscriptions = _followable(follow) if follow is not None else None
    with open_tracker() as tracker:
        stderr.print(shown(f"store: {describe(tracker.db_path)}"), highlight=False)
        if subscriptions is not None:
            shown_ids = _follow_for_demo(tracker, subscriptions)
        else:
            examples = bundled_examples()
            with ingest_progress("ingesting examples", tracker.count_inputs(examples)) as on_progress:
                report = tracker.ingest(str(examples), on_progress=on_progress)
            _finish_ingest(report, strict=False)
            shown_ids = report.added + report.duplicates
        _print_demo_summary(tracker)
        if serve:
            from ..server import serve as serve_app

            print_addresses(tracker, host, port, shown_ids or None)
            serve_app(tracker, host=host, port=port, follow=subscriptions is not None)


def _followable(path: Path) -> bytes | None:
    """The OPML file's bytes when its first feed's host can be reached; else None, said in one line."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    feeds = read_opml(data)
    if not feeds:
        raise InputError(f"{path} names no feed (no <outline xmlUrl=…>)")
    host = urlsplit(feeds[0].url).hostname or ""
    try:
        socket.create_connection((host, 443), timeout=5).close()
    except OSError as exc:
        stderr.print(shown(f"no network (cannot reach {host}: {exc.strerror or exc}); showing the bundled "
                           "examples instead"), highlight=False)
        return None
    return data


def _follow_for_demo(tracker: Any, data: bytes) -> list[str]:
    """Follow the OPML's feeds and poll each once; the ids of the articles that came in."""
    report = tracker.import_opml(data)
    stderr.print(f"following {len(report['added']) + len(report['known'])} feeds; first poll (Ctrl-C to stop)",
                 highlight=False)
    with stop_on_signals() as stop, ingest_progress_bar() as progress:
        task = progress.add_task("polling feeds", total=tracker.due_count())

        def advanced(result: PollResult) -> None:
            progress.advance(task)
            print_poll(result)

        results = tracker.follow(once=True, stop=stop, on_poll=advanced)
    return [article_id for result in results for article_id in result.added]


def _print_demo_summary(tracker: Any) -> None:
    print_table(tracker.articles(limit=20), ["id", "lang", "publish_date", "title"], title="articles")
    events = tracker.events(limit=10)
    if events:
        print_table(events, ["id", "title", "articles", "langs", "storyline_id"], title="events")
    entities = tracker.entities(limit=15)
    if entities:
        print_table(entities, ["id", "type", "name", "articles", "langs"], title="top entities")


def register(app: typer.Typer) -> None:
    app.command()(ingest)
    app.command()(articles)
    app.command()(show)
    app.command()(rejects)
    app.command()(settings)
    app.command()(demo)
