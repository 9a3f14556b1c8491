"""storyweave: an offline, multilingual news story tracker.

``Tracker`` is imported on first use, so importing one stage module (``storyweave.clean``) does not
pull in every other stage and its models.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import (
    BlockedURLError,
    ConfigError,
    FetchError,
    InputError,
    NotFoundError,
    StoreError,
    StoryweaveError,
)
from .settings import Settings

if TYPE_CHECKING:
    from .tracker import Tracker

__version__ = "0.1.0"

__all__ = [
    "BlockedURLError",
    "ConfigError",
    "FetchError",
    "InputError",
    "NotFoundError",
    "Settings",
    "StoreError",
    "StoryweaveError",
    "Tracker",
    "__version__",
]


def __getattr__(name: str) -> Any:
    if name == "Tracker":
        from .tracker import Tracker

        return Tracker
    raise AttributeError(f"module 'storyweave' has no attribute {name!r}")
