"""The web server: REST API under /api, the web UI, exports, feeds and live updates.

``create_app(tracker_or_settings)`` builds the FastAPI application; ``serve(tracker, host, port)``
runs it with uvicorn until interrupted.
"""

from __future__ import annotations

from typing import Any

from ..settings import Settings
from ..tracker import Tracker
from .app import create_app


def serve(
    tracker: Tracker | Settings | None = None, host: str = "127.0.0.1", port: int = 8000, follow: bool = False,
    **uvicorn_options: Any,
) -> None:
    """Serve the store of ``tracker`` on ``host:port`` until interrupted (Ctrl-C); with ``follow``,
    poll the followed sources in a background thread meanwhile."""
    import uvicorn
    from threadpoolctl import threadpool_limits

    app = create_app(tracker, host=host, follow=follow)
    # log_config=None: uvicorn logs through the standard logging set up by the caller (the CLI).
    # No access log: a line per request costs more than answering a page from memory.
    uvicorn_options.setdefault("access_log", False)
    # h11 even where httptools is installed: httptools answers a request with a header it refuses
    # in plain text itself, where every error must leave in the JSON error envelope.
    uvicorn_options.setdefault("http", "h11")
    threads = int(app.state.storyweave.settings.embed_threads)
    # The matrix products of a search (one query against every article) gain nothing from more
    # threads than the encoders use, and lose much when those threads wait for a busy core.
    with threadpool_limits(limits=threads, user_api="blas"):
        uvicorn.run(app, host=host, port=port, log_config=None, **uvicorn_options)


__all__ = ["create_app", "serve"]
