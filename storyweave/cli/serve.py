"""``storyweave serve``: the REST API and web UI over the store."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import open_tracker


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: Annotated[
            str, typer.Option("--host", help="Address to bind; off loopback, writes need the api_token setting.")
        ] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", help="TCP port.", min=0, max=65535)] = 8000,
    ) -> None:
        """Serve the web UI, the REST API (/api, docs at /docs), feeds and live updates."""
        from ..memory import limit_malloc_arenas
        from ..server import serve as run_server
        from ..server.app import is_loopback

        limit_malloc_arenas()  # before the server's thread pool starts
        tracker = open_tracker()
        if not is_loopback(host) and not tracker.settings.api_token:
            typer.echo(f"note: bound to {host} without api_token: POST /api/ingest is refused (read-only)", err=True)
        typer.echo(f"storyweave: serving {tracker.db_path} on http://{host}:{port}/ (Ctrl-C to stop)", err=True)
        try:
            run_server(tracker, host=host, port=port)
        finally:
            tracker.close()
