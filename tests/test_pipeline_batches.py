"""The language models read a worker's batch together: the same entities as one by one, and an
article the model fails on is that article's reject alone."""

from __future__ import annotations

from typing import Any

import pytest

from storyweave.entities.recognise import ner
from storyweave.entities.recognise.ner import MentionExtractor
from storyweave.entities.recognise.spans import Span
from storyweave.models import Article, EnrichedArticle, RawDoc, Reject
from storyweave.pipeline import Enricher, enrich_many
from storyweave.settings import Settings

_TEXTS = [
    ("en", "Russian President Vladimir Putin spoke with Joe Biden in Geneva. The Kremlin and NATO said nothing."),
    ("fr", "Le président Emmanuel Macron s'est rendu à Marseille avec Gabriel Attal. L'ONU a salué cette visite."),
    ("en", "Storms closed schools across Scotland, and the Met Office warned Glasgow of more flooding."),
    ("de", "Bundeskanzler Olaf Scholz traf in Berlin den französischen Präsidenten Emmanuel Macron."),
    ("fr", "La maire de Paris Anne Hidalgo a inauguré une ligne de tramway avec la RATP."),
    ("en", "Russian President Vladimir Putin spoke with Joe Biden in Geneva. The Kremlin and NATO said nothing."),
]
_BROKEN = "Grimsby"  # the word the broken model below fails on


class _Counting:
    """A real model, counting how it is asked, and failing on any text with ``_BROKEN`` in it."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.asked: list[str] = []

    def __call__(self, text: str) -> list[Span]:
        self.asked.append("one")
        if _BROKEN in text:
            raise RuntimeError("the model failed on this input")
        spans: list[Span] = self.real(text)
        return spans

    def many(self, texts: list[str]) -> list[list[Span]]:
        self.asked.append(f"many:{len(texts)}")
        if any(_BROKEN in t for t in texts):
            raise RuntimeError("the model failed on this batch")
        found: list[list[Span]] = self.real.many(texts)
        return found


@pytest.fixture()
def models(monkeypatch: pytest.MonkeyPatch) -> dict[str, _Counting]:
    real = ner.shared_runner
    wrapped: dict[str, _Counting] = {}

    def runner(lang: str) -> _Counting | None:
        model = real(lang)
        if model is None:
            return None
        return wrapped.setdefault(lang, _Counting(model))

    monkeypatch.setattr(ner, "shared_runner", runner)
    return wrapped


def _articles() -> list[Article]:
    return [
        Article(id=f"a{n}", title="", text=text, origin=f"test:{n}", lang=lang) for n, (lang, text) in enumerate(_TEXTS)
    ]


def test_articles_read_together_get_the_mentions_each_gets_alone(models: dict[str, _Counting]) -> None:
    alone = [MentionExtractor(Settings()).extract(a) for a in _articles()]
    assert all(alone)
    extractor = MentionExtractor(Settings())
    for model in models.values():
        model.asked.clear()
    extractor.prime(_articles())
    together = [extractor.extract(a) for a in _articles()]
    assert together == alone
    # English and French were each read in one batch (the repeated English text once); only the
    # repeat was read again alone.  German has no model: the rules read it.
    assert models["en"].asked == ["many:2", "one"]
    assert models["fr"].asked == ["many:2"]


def test_what_was_read_together_is_not_kept_past_the_next_batch(models: dict[str, _Counting]) -> None:
    extractor = MentionExtractor(Settings())
    extractor.prime(_articles()[:3])
    extractor.prime(_articles()[3:5])
    models["en"].asked.clear()
    extractor.extract(_articles()[0])
    assert models["en"].asked == ["one"]


def _docs() -> list[RawDoc | Reject]:
    texts = [
        "Prime Minister Keir Starmer visited Manchester on Tuesday to meet nurses at the city hospital.",
        f"Fishermen in {_BROKEN} said the new quotas agreed in Brussels would close half of the harbour's boats.",
        "The European Central Bank kept interest rates unchanged, its president Christine Lagarde said in Frankfurt.",
        "Firefighters in California fought wildfires near Los Angeles as strong winds spread the flames overnight.",
    ]
    return [RawDoc(origin=f"test:{n}", id=f"doc-{n}", title="", text=text) for n, text in enumerate(texts)]


def test_an_article_the_model_fails_on_is_the_only_reject_of_its_batch(models: dict[str, _Counting]) -> None:
    settings = Settings({"enrich_stages": ["entities"]})
    outcomes = enrich_many(Enricher(settings), _docs())
    assert [type(o).__name__ for o in outcomes] == ["EnrichedArticle", "Reject", "EnrichedArticle", "EnrichedArticle"]
    rejected = outcomes[1]
    assert isinstance(rejected, Reject) and rejected.origin == "test:1"
    assert "RuntimeError: the model failed on this input" in rejected.reason
    assert models["en"].asked[0] == "many:4"  # the batch was tried together first
    enriched = [o for o in outcomes if isinstance(o, EnrichedArticle)]
    found = {m.surface for e in enriched for m in e.mentions}
    assert {"Keir Starmer", "Manchester", "Christine Lagarde", "Frankfurt", "Los Angeles"} <= found
    # Each article's mentions are those it gets alone.
    alone = [enrich_many(Enricher(settings), [doc])[0] for doc in _docs()]
    assert [o.mentions for o in outcomes if isinstance(o, EnrichedArticle)] == [
        o.mentions for o in alone if isinstance(o, EnrichedArticle)
    ]
