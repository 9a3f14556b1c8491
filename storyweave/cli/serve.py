"""``storyweave serve``: the REST API and web UI over the store."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

import typer

from ..store import describe
from ..tracker import Tracker
from .common import ExecutorOption, RayAddressOption, open_tracker


def browsable_host(host: str) -> str:
    """The host to put in a link: a wildcard address is reached at loopback, IPv6 in brackets."""
    if host in ("", "0.0.0.0"):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def _widest_event(tracker: Tracker, article_ids: list[str] | None) -> dict[str, Any] | None:
    """The event reported in the most languages (then by the most articles): among the events of
    ``article_ids`` when given (the demo's own examples), else among the latest events."""
    if article_ids:
        ids = {str(e["id"]) for e in (tracker.article_event(a)["event"] for a in article_ids) if isinstance(e, dict)}
        events = [tracker.event(event_id) for event_id in sorted(ids)]
        for event in events:
            event["articles"] = len(event["articles"])
    else:
        events = tracker.events(limit=200)
    return max(events, key=lambda e: (len(e["langs"]), e["articles"]), default=None)


def pages_worth_opening(tracker: Tracker, base: str, article_ids: list[str] | None = None) -> list[tuple[str, str]]:
    """(what, address) of the pages a newcomer should open: the front page, the event reported in
    the most languages (the seed story in the demo), a search for the most mentioned person, the API docs."""
    pages = [("front page", base)]
    top = _widest_event(tracker, article_ids)
    if top is not None:
        what = f"event ({top['articles']} articles, {len(top['langs'])} languages)"
        pages.append((what, f"{base}events/{top['id']}"))
    people = tracker.entities(limit=1, type="person") or tracker.entities(limit=1)
    query = people[0]["name"] if people else "Putin"
    pages.append((f"search for {query}", f"{base}search?q={quote(query)}"))
    pages.append(("REST API docs", f"{base}docs"))
    return pages


def print_addresses(tracker: Tracker, host: str, port: int, article_ids: list[str] | None = None) -> None:
    """Say where the server listens and what to open, before it starts (its own log is quiet);
    ``article_ids`` (those just ingested) pick the event to show."""
    base = f"http://{browsable_host(host)}:{port}/"
    typer.echo(f"storyweave: serving {describe(tracker.db_path)} on {base} (Ctrl-C to stop)", err=True)
    for what, address in pages_worth_opening(tracker, base, article_ids):
        typer.echo(f"  {what:<40} {address}", err=True)


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: Annotated[
            str, typer.Option("--host", help="Address to bind; off loopback, writes need the api_token setting.")
        ] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", help="TCP port.", min=0, max=65535)] = 8000,
        follow: Annotated[
            bool, typer.Option("--follow", help="Also poll the followed sources in the background, as "
                                                "'storyweave follow' does.")
        ] = False,
        executor: ExecutorOption = None,
        ray_address: RayAddressOption = None,
    ) -> None:
        """Serve the web UI, the REST API (/api, docs at /docs), feeds and live updates."""
        from ..memory import limit_malloc_arenas
        from ..server import serve as run_server
        from ..server.state import is_loopback

        limit_malloc_arenas()  # before the server's thread pool starts
        tracker = open_tracker(executor=executor, ray_address=ray_address)
        if not is_loopback(host) and not tracker.settings.api_token:
            typer.echo(f"note: bound to {host} without api_token: POST /api/ingest is refused (read-only)", err=True)
        print_addresses(tracker, host, port)
        try:
            run_server(tracker, host=host, port=port, follow=follow)
        finally:
            tracker.close()
