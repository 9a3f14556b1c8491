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

    app = create_app(tracker, host=host, follow=follow)
    # log_config=None: uvicorn logs through the standard logging set up by the caller (the CLI).
    uvicorn.run(app, host=host, port=port, log_config=None, **uvicorn_options)


__all__ = ["create_app", "serve"]
