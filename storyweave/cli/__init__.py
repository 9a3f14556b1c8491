"""The ``storyweave`` command: a thin typer layer over ``storyweave.Tracker``.

Each area registers its commands from its own module (``core``, ``entities``, ``events``, …) via
``register(app)``.  Only the CLI configures logging; errors print one line and exit non-zero.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from ..errors import StoryweaveError
from ..safetext import escape_controls
from .common import state

# Areas that add commands; each module defines register(app).
COMMAND_MODULES = ["core", "events", "search", "serve", "sources", "pairs", "entities", "exports", "admin", "watches"]

app = typer.Typer(
    name="storyweave",
    help="Track news stories across languages: ingest, entities, events, storylines, search, exports, serve.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _global_options(
    db: Annotated[
        str | None,
        typer.Option("--db", help="Store to use: a SQLite file or a postgresql://user@host/database URL "
                     "(default: storyweave.db in the user data dir)."),
    ] = None,
    config: Annotated[Path | None, typer.Option("--config", help="TOML settings file.")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress details to stderr.")] = False,
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    state.db = db
    state.config = config


for _name in COMMAND_MODULES:
    importlib.import_module(f"{__name__}.{_name}").register(app)


def main() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        app()
    except StoryweaveError as exc:
        typer.echo(f"error: {escape_controls(str(exc))}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        typer.echo("interrupted; everything stored so far is kept, re-run to continue", err=True)
        sys.exit(130)
