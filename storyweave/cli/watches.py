"""``storyweave watch …``: saved queries that fire alerts, and the delivery of their webhooks."""

from __future__ import annotations

import time
from typing import Annotated, Any

import typer

from .common import open_tracker, print_json, print_table, shown, stderr

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of a table.")]

watch_app = typer.Typer(
    help="Watches: saved queries (words, an entity, languages, minimum coverage) that fire alerts to a "
    "webhook, an Atom feed and the live stream.",
    no_args_is_help=True,
)


def _describe(watch: dict[str, Any]) -> str:
    parts = []
    if watch["words"]:
        parts.append(f"words: {watch['words']}")
    if watch["entity"]:
        parts.append(f"entity: {watch['entity']['query']} ({watch['entity']['id']})")
    if watch["langs"]:
        parts.append("in " + ",".join(watch["langs"]))
    outlets, langs = watch["min_outlets"], watch["min_langs"]
    parts.append(f"at least {outlets} outlet{'' if outlets == 1 else 's'}, {langs} language{'' if langs == 1 else 's'}")
    return "; ".join(parts)


@watch_app.command("add")
def add(
    words: Annotated[str, typer.Argument(help='Words to look for: all must appear; "a phrase"; -word excludes.')] = "",
    entity: Annotated[str | None, typer.Option("--entity", "-e",
                                               help="An entity id, or a name in any script (Putin, بوتين).")] = None,
    lang: Annotated[list[str] | None, typer.Option("--lang", "-l",
                                                   help="Only articles in this language (repeat or a,b).")] = None,
    min_outlets: Annotated[int, typer.Option("--min-outlets", help="Fire once the event has this many outlets.")] = 1,
    min_langs: Annotated[int, typer.Option("--min-langs", help="…and this many languages.")] = 1,
    webhook: Annotated[str | None, typer.Option("--webhook", help="URL to POST each alert to (signed JSON).")] = None,
    name: Annotated[str, typer.Option("--name", help="A name to show (default: the query).")] = "",
    as_json: JsonOption = False,
) -> None:
    """Add a watch; prints its id and the secret its webhook signatures use (shown only here)."""
    with open_tracker() as tracker:
        watch = tracker.add_watch(words=words, entity=entity, langs=lang or [], min_outlets=min_outlets,
                                  min_langs=min_langs, webhook=webhook, name=name)
    if as_json:
        print_json(watch)
        return
    typer.echo(shown(f"{watch['id']}  {watch['name']}  ({_describe(watch)})").plain)
    if watch["webhook"]:
        typer.echo(f"webhook secret (verify X-Storyweave-Signature with it): {watch['secret']}")


@watch_app.command("list")
def list_(as_json: JsonOption = False) -> None:
    """List the watches."""
    with open_tracker() as tracker:
        rows = tracker.watches()
    if as_json:
        print_json(rows)
        return
    for row in rows:
        row["query"] = _describe(row)
    print_table(rows, ["id", "name", "query", "webhook"], title="watches")


@watch_app.command("show")
def show(
    watch_id: Annotated[str, typer.Argument(help="Watch id (see 'storyweave watch list').")],
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="How many latest alerts to show.")] = 20,
    as_json: JsonOption = False,
) -> None:
    """Show a watch: its latest alerts and its failed webhook deliveries with their errors."""
    with open_tracker() as tracker:
        details = tracker.watch(watch_id, limit=limit)
    if as_json:
        print_json(details)
        return
    typer.echo(shown(f"{details['id']}  {details['name']}  ({_describe(details)})").plain)
    if details["webhook"]:
        counts = ", ".join(f"{n} {state}" for state, n in sorted(details["deliveries"].items())) or "none yet"
        typer.echo(shown(f"webhook {details['webhook']}: {counts}").plain)
    print_table([_alert_row(a) for a in details["alerts"]], ["id", "created_at", "kind", "event", "what", "delivery"],
                title="latest alerts")
    if details["failed"]:
        print_table([_alert_row(a) for a in details["failed"]], ["id", "created_at", "attempts", "last_error"],
                    title="failed deliveries (storyweave watch retry ID sends them again)")


def _alert_row(alert: dict[str, Any]) -> dict[str, Any]:
    payload = alert["payload"]
    new = payload["new_langs"] + payload["new_outlets"]
    return {**alert, "event": payload["event"]["title"] or alert["event_id"], "what": ", ".join(new)}


@watch_app.command("remove")
def remove(watch_id: Annotated[str, typer.Argument(help="Watch id.")]) -> None:
    """Delete a watch and its alerts."""
    with open_tracker() as tracker:
        tracker.remove_watch(watch_id)
    stderr.print(shown(f"removed watch {watch_id}"), highlight=False)


@watch_app.command("retry")
def retry(watch_id: Annotated[str, typer.Argument(help="Watch id.")]) -> None:
    """Queue a watch's failed webhook deliveries again (the next 'watch deliver' sends them)."""
    with open_tracker() as tracker:
        count = tracker.retry_failed_deliveries(watch_id)
    stderr.print(f"{count} deliveries queued again", highlight=False)


@watch_app.command("deliver")
def deliver(
    loop: Annotated[bool, typer.Option("--loop", help="Keep delivering until Ctrl-C.")] = False,
    every: Annotated[float | None, typer.Option("--every", min=0.1,
                                                help="Seconds between rounds with --loop "
                                                     "(default: setting alert_deliver_every_s).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Deliver pending alerts to their webhooks once (or, with --loop, keep doing so)."""
    with open_tracker() as tracker:
        pause = every or float(tracker.settings.alert_deliver_every_s) or 5.0
        while True:
            report = tracker.deliver_alerts()
            if as_json:
                print_json(report)
            elif any(report.values()) or not loop:
                stderr.print(f"delivered {len(report['delivered'])}, to retry {len(report['retrying'])}, "
                             f"failed {len(report['failed'])}", highlight=False)
            if not loop:
                return
            time.sleep(pause)


def register(app: typer.Typer) -> None:
    app.add_typer(watch_app, name="watch")
