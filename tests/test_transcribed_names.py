"""Chinese and Japanese transcriptions of foreign names join the person (issue 13, names we lack).

特朗普 (te-lang-pu) and トランプ (to-ra-n-pu) share no letters with "Trump" once romanised, so the
cross-script skeletons never matched them.  ``lang.zh`` and ``lang.ja`` say which Latin consonants
each syllable may transcribe; a name joins on them only where the match is long enough or the
article's context agrees, and voicing stays apart (プーチン is Putin, never Biden).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from storyweave import Settings, Tracker
from storyweave.entities.names import name_form
from storyweave.entities.resolve.matching import same_name, strong_match, transcribes
from storyweave.entities.transcriptions import foreign_skeletons

FIXTURE = Path(__file__).parent / "fixtures" / "languages" / "transcribed_names.jsonl"


@pytest.mark.parametrize(
    ("written", "latin"),
    [
        ("特朗普", "Trump"),
        ("普京", "Putin"),
        ("马克龙", "Macron"),
        ("泽连斯基", "Zelensky"),
        ("拜登", "Biden"),
        ("布林肯", "Blinken"),
        ("古特雷斯", "Guterres"),
        ("内塔尼亚胡", "Netanyahu"),
        ("プーチン", "Putin"),
        ("トランプ", "Trump"),
        ("ラブロフ", "Lavrov"),
        ("ゼレンスキー", "Zelensky"),
        ("バイデン", "Biden"),
        ("에르도안", "Erdogan"),  # Turkish ğ is silent: the transcription drops the g the Latin keeps
        ("埃尔多安", "Erdoğan"),
    ],
)
def test_a_transcription_reads_as_the_name_it_transcribes(written: str, latin: str) -> None:
    assert transcribes(name_form(written), 0, name_form(latin), 0)


@pytest.mark.parametrize(
    ("written", "latin"),
    [("普京", "Biden"), ("拜登", "Putin"), ("プーチン", "Biden"), ("バイデン", "Putin")],
)
def test_voicing_and_consonants_keep_other_names_apart(written: str, latin: str) -> None:
    assert not transcribes(name_form(written), 0, name_form(latin), 0)


def test_a_chinese_name_is_no_transcription() -> None:
    # 王毅 and 习近平 are written in characters transcriptions do not use: they match by pinyin only.
    assert foreign_skeletons("王毅") == frozenset() and foreign_skeletons("习近平") == frozenset()
    assert not transcribes(name_form("王毅"), 0, name_form("Wang"), 0)


def test_a_bare_transcribed_name_needs_context_and_a_full_one_stands_alone() -> None:
    assert same_name(name_form("特朗普"), name_form("Trump"))
    assert not strong_match(name_form("特朗普"), name_form("Trump"))  # many names read alike
    assert strong_match(name_form("弗拉基米尔·普京"), name_form("Vladimir Putin"))
    assert not strong_match(name_form("乔·拜登"), name_form("Joe Biden"))  # too few consonants


def test_a_katakana_and_a_chinese_transcription_of_one_name_meet() -> None:
    assert transcribes(name_form("プーチン"), 0, name_form("普京"), 0)
    assert not transcribes(name_form("プーチン"), 0, name_form("拜登"), 0)


@pytest.fixture(scope="module")
def tracker(tmp_path_factory: pytest.TempPathFactory) -> Tracker:
    tracker = Tracker(db=tmp_path_factory.mktemp("transcribed") / "store.db", settings=Settings.load(environ={}))
    report = tracker.ingest(FIXTURE)
    assert len(report.added) == 3
    return tracker


def _ids(tracker: Tracker, surface: str) -> set[str]:
    rows = tracker.db.conn.execute("SELECT DISTINCT entity_id FROM mentions WHERE surface = ?", (surface,))
    return {r[0] for r in rows}


def test_one_person_in_english_chinese_and_japanese_reports(tracker: Tracker) -> None:
    putin = _ids(tracker, "Vladimir Putin")
    macron = _ids(tracker, "Emmanuel Macron")
    assert len(putin) == 1 and len(macron) == 1 and putin != macron
    assert _ids(tracker, "弗拉基米尔·普京") == putin and _ids(tracker, "普京") == putin
    assert _ids(tracker, "プーチン") == putin
    assert _ids(tracker, "埃马纽埃尔·马克龙") == macron and _ids(tracker, "マクロン") == macron


@pytest.mark.parametrize(
    ("korean", "latin"),
    [("블라디미르 푸틴", "Vladimir Putin"), ("도널드 트럼프", "Donald Trump"), ("에마뉘엘 마크롱", "Emmanuel Macron")],
)
def test_a_korean_full_name_is_the_latin_one(korean: str, latin: str) -> None:
    assert strong_match(name_form(korean), name_form(latin))


def test_korean_keeps_voicing_apart() -> None:
    assert transcribes(name_form("바이든"), 0, name_form("Biden"), 0)
    assert not transcribes(name_form("바이든"), 0, name_form("Putin"), 0)
    assert not strong_match(name_form("블라디미르 푸틴"), name_form("Volodymyr Zelensky"))
