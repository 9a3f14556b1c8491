"""Helpers shared by the entity tests (not a test module)."""

from __future__ import annotations

from storyweave.entities import EntityRecognizer
from storyweave.models import Article, Mention


def mentions_in(recognizer: EntityRecognizer, text: str, lang: str) -> list[Mention]:
    """The mentions the recogniser finds in ``text``, read as an article body in ``lang``."""
    mentions, _ = recognizer.analyse(Article(id="a1", title="", text=text, origin="test", lang=lang))
    return mentions
