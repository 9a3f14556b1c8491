"""One base error; each subclass carries a one-line message that says what to do.

The CLI prints ``str(error)`` on one line and exits non-zero; the REST API wraps it in its error
envelope.  Per-document problems during ingest are not raised: they become ``Reject`` records.
"""

from __future__ import annotations


class StoryweaveError(Exception):
    """Base of every error storyweave raises on purpose."""

    exit_code = 1


class ConfigError(StoryweaveError):
    """A setting, TOML file or environment variable has a bad value."""


class InputError(StoryweaveError):
    """An input cannot be read at all (missing path, bad CSV header, unreadable file)."""

    exit_code = 2


class FetchError(StoryweaveError):
    """A URL could not be fetched (refused scheme or address, timeout, HTTP error, too large)."""


class HTTPStatusError(FetchError):
    """The server answered with an HTTP error status; ``retry_after`` is its Retry-After header, if any."""

    def __init__(self, message: str, status: int, retry_after: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class BlockedURLError(FetchError):
    """A URL points at a scheme or address storyweave refuses to fetch."""


class StoreError(StoryweaveError):
    """The database is unusable (corrupt, newer schema, locked beyond the timeout)."""


class NotFoundError(StoryweaveError):
    """An id (article, entity, event, storyline) is not in the store."""

    exit_code = 3


class ExecutorError(StoryweaveError):
    """Enrichment workers could not start or were lost (a Ray cluster unreachable or gone)."""
