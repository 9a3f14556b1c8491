"""Event and storyline commands: cluster, events, event, storylines, storyline, consolidate."""

from __future__ import annotations

import csv
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import InputError
from ..models import RawDoc, Reject
from ..settings import Settings
from .common import (
    MAX_CURSOR,
    ExecutorOption,
    RayAddressOption,
    date_option,
    open_output,
    open_tracker,
    print_json,
    print_more,
    print_reject,
    print_table,
    run_as_batch_job,
    shown,
    state,
    stderr,
)

if TYPE_CHECKING:
    from ..store import Store
    from ..store.spool import OrderedSpool

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of a table.")]
LimitOption = Annotated[int, typer.Option("--limit", "-n", min=1, help="How many rows to show.")]
CursorOption = Annotated[int | None, typer.Option(min=0, max=MAX_CURSOR,
                                                  help="Continue after this cursor (from a previous page).")]
_PROGRESS_EVERY = 100


# -- cluster ----------------------------------------------------------------------------------------


def cluster(
    articles: Annotated[Path, typer.Option("--articles", help="Article JSONL (id, title, text, publish_date, …).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="CSV to write: article_id,event_id,storyline_id.")],
    keep_store: Annotated[
        Path | None, typer.Option("--store", help="Keep the store here instead of a temporary one.")
    ] = None,
    executor: ExecutorOption = None,
    ray_address: RayAddressOption = None,
) -> None:
    """Cluster articles into events and storylines as a stream in publication order, through the full
    pipeline, into a fresh store; write one row per input article."""
    from ..store.spool import OrderedSpool

    settings = Settings.load(state.config, executor=executor, ray_address=ray_address)
    if keep_store is not None and keep_store.exists():
        raise InputError(f"store {keep_store} already exists; 'cluster' needs a fresh one")
    run_as_batch_job(settings)
    with tempfile.TemporaryDirectory(prefix="storyweave-cluster-") as tmp:
        with OrderedSpool(Path(tmp) / "input.db") as spool:
            ids, bad = _read_articles(articles, settings, spool)
            handle = open_output(output)
            db = keep_store if keep_store is not None else Path(tmp) / "cluster.db"
            stored = _ingest_stream(db, settings, spool)
        from ..tracker import Tracker

        with Tracker(db=db, settings=settings) as tracker, handle:
            writer = csv.writer(handle)
            writer.writerow(["article_id", "event_id", "storyline_id"])
            for input_id, stored_id in zip(ids, stored, strict=True):
                found = tracker.article_event(stored_id) if stored_id else {}
                event, storyline = found.get("event"), found.get("storyline")
                writer.writerow(
                    [
                        input_id,
                        event["id"] if isinstance(event, dict) else "",
                        storyline["id"] if isinstance(storyline, dict) else "",
                    ]
                )
            events, storylines = tracker.db.cluster_totals()
    for reject in bad:
        print_reject(reject.origin, reject.reason)
    stderr.print(
        shown(f"clustered {len(ids)} articles into {events} events and {storylines} storylines → {output}"),
        highlight=False,
    )


def _read_articles(path: Path, settings: Settings, spool: OrderedSpool) -> tuple[list[str | None], list[Reject]]:
    """Spool the usable records; return their ids in input order, and the rejected records."""
    from ..pairs.data import read_raw_docs

    ids: list[str | None] = []
    bad: list[Reject] = []
    try:
        for doc in read_raw_docs(path, settings):
            if isinstance(doc, Reject):
                bad.append(doc)
            else:
                spool.add(doc)
                ids.append(doc.id)
    except UnicodeDecodeError:
        raise InputError(f"articles file {path} is not UTF-8 text") from None
    if not ids:
        reason = f"; first problem: {bad[0].origin}: {bad[0].reason}" if bad else ""
        raise InputError(f"no usable article records in {path}{reason}")
    return ids, bad


def _ingest_stream(db: Path, settings: Settings, spool: OrderedSpool) -> list[str | None]:
    """Ingest the inputs as one stream in publication order; return, per input (in file order), the
    id of the stored article it became or copies, ``None`` when it was rejected.

    An exact copy of an earlier input is not stored again: it maps to the article it copies, so it
    still gets that article's event.
    """
    from ..tracker import Tracker

    started = time.monotonic()
    done = 0

    def progress(origin: str) -> None:
        nonlocal done
        done += 1
        if done % _PROGRESS_EVERY == 0 or done == len(spool):
            rate = done / max(time.monotonic() - started, 1e-9)
            print(f"clustered {done}/{len(spool)} articles ({rate:.1f}/s)", file=sys.stderr, flush=True)

    with Tracker(db=db, settings=settings) as tracker:
        tracker.start_workers(len(spool))  # the workers' models load while the writer is built
        report = tracker.ingest_docs(spool.in_publication_order(), on_progress=progress)
        for reject in report.rejected:
            print_reject(reject.origin, reject.reason)
        result = tracker.consolidate(full=False)
        if result["merged"] or result["storylines_linked"]:
            stderr.print(
                f"final consolidation: {len(result['merged'])} events merged, "
                f"{len(result['storylines_linked'])} storylines linked",
                highlight=False,
            )
        return [_stored_as(tracker.db, settings, spool.get(seq)) for seq in range(len(spool))]


def _stored_as(db: Store, settings: Settings, doc: RawDoc) -> str | None:
    origin = db.article_origin(doc.id) if doc.id is not None else None
    if origin is not None and origin == doc.origin:
        return doc.id
    # Not stored from this input: either a copy of a stored article (same content or canonical URL,
    # whatever its id) or rejected.  Extraction is cheap and tells which.
    from ..extract import extract

    article = extract(doc, settings)
    if isinstance(article, Reject):
        return None
    return db.copy_of(article.content_hash, article.canonical_url)


# -- reading ----------------------------------------------------------------------------------------


def events(
    lang: Annotated[str | None, typer.Option(help="Only events with an article in this language.")] = None,
    source: Annotated[str | None, typer.Option(help="Only events with an article from this outlet.")] = None,
    entity: Annotated[
        str | None,
        typer.Option(help="Only events naming this entity: an id (sw:…, Q…) or a name in any script (Putin, بوتين)."),
    ] = None,
    since: Annotated[str | None, date_option("Only events lasting until this ISO date or later.")] = None,
    until: Annotated[str | None, date_option("Only events starting on or before this ISO date.")] = None,
    cursor: CursorOption = None,
    limit: LimitOption = 50,
    by_coverage: Annotated[
        bool, typer.Option("--by-coverage", help="Most articles first (the biggest stories), without paging.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """List events, newest first (or the most covered first), a page of --limit at a time."""
    with open_tracker() as tracker:
        if entity:
            found = tracker.find_entity(entity)
            how = "" if found["matched_by"] == "id" else f" (the name {entity!r} resolved to it)"
            stderr.print(shown(f"entity: {found['id']} {found['name']}{how}"), highlight=False)
            entity = found["id"]
        rows = tracker.events(
            limit=limit + 1,
            cursor=cursor,
            lang=lang,
            since=since,
            until=until,
            entity=entity,
            source=source,
            by_coverage=by_coverage,
        )
    rows = rows[:limit] if by_coverage else print_more(rows, limit, "events", "cursor")
    if as_json:
        print_json(rows)
        return
    for row in rows:
        row["langs"] = " ".join(f"{k}:{v}" for k, v in row["langs"].items())
    print_table(rows, ["id", "first_date", "last_date", "articles", "langs", "sources", "title"], title="events")


def event(event_id: Annotated[str, typer.Argument(help="Event id.")], as_json: JsonOption = False) -> None:
    """Show one event: its articles by language and outlet, entities, dates and storyline."""
    with open_tracker() as tracker:
        details = tracker.event(event_id)
    if as_json:
        print_json(details)
        return
    _print_event(details)


def _print_event(details: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.text import Text

    console = Console(highlight=False)
    console.rule(shown(details["title"] or details["id"]))
    console.print(shown(
        f"{details['id']} · {details['first_date'] or 'undated'} … {details['last_date'] or 'undated'} · "
        f"{len(details['articles'])} articles from {details['sources']} outlets"
    ))
    by_lang: dict[str, list[dict[str, Any]]] = {}
    for article in details["articles"]:
        by_lang.setdefault(article["lang"], []).append(article)
    for lang, members in sorted(by_lang.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        console.print(Text.assemble(shown(lang, style="bold"), f" ({len(members)})"))
        for a in sorted(members, key=lambda m: (m["source"] or "", m["publish_date"] or "")):
            copy = shown(f" (copy of {a['duplicate_of']})" if a["duplicate_of"] else "", style="dim")
            line = shown(f"  {a['source'] or '-'} · {a['publish_date'] or 'undated'} · {a['title']} ")
            console.print(Text.assemble(line, shown(a["id"], style="dim"), copy))
    if details["entities"]:
        print_table(details["entities"][:20], ["id", "type", "name", "articles"], title="entities")
    if details["dates"]:
        print_table(details["dates"][:20], ["date", "expression", "article_id"], title="dates mentioned")
    storyline = details["storyline"]
    print_table(
        storyline["events"],
        ["id", "first_date", "last_date", "articles", "title"],
        title=f"storyline {storyline['id']}: {storyline['title']}",
    )


def storylines(cursor: CursorOption = None, limit: LimitOption = 50, as_json: JsonOption = False) -> None:
    """List storylines, newest first."""
    with open_tracker() as tracker:
        rows = tracker.storylines(limit=limit, cursor=cursor)
    if as_json:
        print_json(rows)
    else:
        print_table(rows, ["id", "first_date", "last_date", "events", "articles", "title"], title="storylines")


def storyline(storyline_id: Annotated[str, typer.Argument(help="Storyline id.")], as_json: JsonOption = False) -> None:
    """Show one storyline with its events in time order."""
    with open_tracker() as tracker:
        details = tracker.storyline(storyline_id)
    if as_json:
        print_json(details)
        return
    print_table(
        details["events"],
        ["id", "first_date", "last_date", "articles", "lang", "title"],
        title=f"storyline {details['id']}: {details['title']}",
    )


def consolidate(as_json: JsonOption = False) -> None:
    """Re-check every event for merges and link lone events into the storylines they continue."""
    with open_tracker() as tracker:
        result = tracker.consolidate()
    if as_json:
        print_json(result)
        return
    stderr.print(
        f"checked {result['checked']} events: {len(result['merged'])} merged, "
        f"{len(result['storylines_linked'])} storylines linked",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    app.command()(cluster)
    app.command()(events)
    app.command()(event)
    app.command()(storylines)
    app.command()(storyline)
    app.command()(consolidate)
