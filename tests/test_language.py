"""The language stage: lingua restricted to the configured languages, a declared language as prior."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import regex

from storyweave.clean import clean
from storyweave.errors import ConfigError
from storyweave.language import LanguageDetector, normalise_language_code, script_counts
from storyweave.models import Article
from storyweave.settings import Settings

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval" / "semeval-dev" / "articles.jsonl"

SAMPLES = {
    "ar": "أعلنت وزارة الصحة اليوم عن افتتاح مستشفى جديد في العاصمة بسعة مئتي سرير.",
    "fr": "Le gouvernement a présenté mercredi un nouveau plan pour rénover les écoles du pays.",
    "en": "The government presented a new plan on Wednesday to renovate the country's schools.",
    "de": "Die Regierung hat am Mittwoch einen neuen Plan zur Sanierung der Schulen vorgestellt.",
    "es": "El gobierno presentó el miércoles un nuevo plan para renovar las escuelas del país.",
    "ru": "Правительство в среду представило новый план ремонта школ по всей стране.",
    "tr": "Hükümet çarşamba günü ülkedeki okulları yenilemek için yeni bir plan açıkladı.",
    "vi": "Chính phủ đã công bố kế hoạch mới nhằm cải tạo các trường học trên cả nước vào thứ Tư.",
    "zh": "政府周三公布了一项翻新全国学校的新计划，预计将持续五年。",
    "ja": "政府は水曜日、全国の学校を改修する新しい計画を発表しました。",
    "fa": "دولت روز چهارشنبه طرح جدیدی برای نوسازی مدارس کشور ارائه کرد.",
}


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector(Settings())


def article(text: str, title: str = "", hint: str | None = None) -> Article:
    return Article(id="t", title=title, text=text, origin="test", lang_hint=hint)


@pytest.mark.parametrize("lang", sorted(SAMPLES))
def test_short_texts_in_many_languages(detector: LanguageDetector, lang: str) -> None:
    result = detector.detect(article(SAMPLES[lang]))
    assert result.lang == lang
    assert result.lang_confidence >= 0.5


@pytest.mark.parametrize(("name", "lang"), [("000", "ar"), ("004", "fr")])
def test_seeds(detector: LanguageDetector, name: str, lang: str) -> None:
    raw = next((REPO / "examples").glob(f"{name}_*.txt")).read_text(encoding="utf-8")
    title, _, text = raw.partition("\n")
    result = detector.detect(clean(article(text, title=title)))
    assert (result.lang, result.lang_confidence > 0.9) == (lang, True)
    assert result.text == clean(article(text, title=title)).text  # detection changes nothing else


@pytest.mark.parametrize(
    "text",
    ["", "12345 678 2024", "Hola", "asdkjh qwpoeiru zxmcnv", "sdfg hjkl poiu ytre wqas zxcv bnml", "東京都"],
)
def test_und_when_unsure(detector: LanguageDetector, text: str) -> None:
    result = detector.detect(article(text))
    assert (result.lang, result.lang_confidence) == ("und", 0.0)


def test_mixed_scripts_without_a_winner_are_und(detector: LanguageDetector) -> None:
    text = "Hello world and hello again " + "مرحبا بالعالم مرحبا مرة أخرى"
    assert detector.detect(article(text)).lang == "und"


def test_hint_decides_short_and_ambiguous_text(detector: LanguageDetector) -> None:
    assert detector.detect(article("Hola", hint="es-ES")).lang == "es"
    assert detector.detect(article("2024", hint="fr-FR")).lang == "fr"
    ambiguous = "El gato come pescado"  # Spanish, but close to Portuguese at this length
    assert detector.detect(article(ambiguous)).lang == "und"
    assert detector.detect(article(ambiguous, hint="es")).lang == "es"


def test_text_wins_over_a_wrong_hint(detector: LanguageDetector) -> None:
    result = detector.detect(article(SAMPLES["fr"], hint="en"))
    assert result.lang == "fr" and result.lang_confidence > 0.9
    assert detector.detect(article(SAMPLES["ar"], hint="de")).lang == "ar"


def test_hint_for_a_script_no_configured_language_uses(detector: LanguageDetector) -> None:
    greek = "Η κυβέρνηση παρουσίασε την Τετάρτη ένα νέο σχέδιο για τα σχολεία."
    assert detector.detect(article(greek)).lang == "und"
    assert detector.detect(article(greek, hint="el-GR")).lang == "el"


def test_a_declared_language_the_detector_cannot_check_stands_unless_the_text_is_plainly_another(
    detector: LanguageDetector,
) -> None:
    indonesian = (
        "Gempa bermagnitudo 6,4 mengguncang wilayah Antofagasta di Chile utara pada Selasa, menewaskan tiga "
        "orang dan merusak puluhan rumah, kata badan penanggulangan bencana setempat."
    )
    assert "id" not in detector.codes
    assert detector.detect(article(indonesian, hint="id")).lang == "id"  # not its nearest candidate, Spanish
    assert detector.detect(article(SAMPLES["es"], hint="id")).lang == "es"


def test_kana_and_hangul_shortcuts(detector: LanguageDetector) -> None:
    assert detector.detect(article("東京都に住んでいます。", hint="zh")).lang == "ja"
    assert detector.detect(article("서울은 대한민국의 수도입니다.")).lang == "ko"


@pytest.mark.parametrize(
    "text",
    [
        "",
        SAMPLES["fr"] + " " + SAMPLES["ar"] + " " + SAMPLES["ru"],
        "東京都に住んでいます。서울은 대한민국의 수도입니다. 政府周三 Ωμέγα שלום Երևան თბილისი नमस्ते สวัสดี",
        "e\u0301te\u0301 ﷺ ـــ 123 ½ Ⅻ ǅ ʰ ﾃｽﾄ 𝔄𝔅 🙂 \u200d\u0640",  # combining marks, ligatures, letter-likes
        (SAMPLES["de"] + "\n") * 40,
    ],
)
def test_script_counts_read_the_text_as_the_patterns_do(text: str) -> None:
    # The counts are taken per distinct character: each must equal the pattern's own count over
    # the whole text, or a language could change.
    families, han, kana, hangul, letters = script_counts(text)
    scripts = ["latin", "arabic", "cyrillic", "greek", "hebrew", "devanagari", "thai", "armenian", "georgian"]
    assert families == {name: len(regex.findall(rf"\p{{{name.title()}}}", text)) for name in scripts}
    assert han == len(regex.findall(r"\p{Han}", text))
    assert kana == len(regex.findall(r"[\p{Hiragana}\p{Katakana}]", text))
    assert hangul == len(regex.findall(r"\p{Hangul}", text))
    assert letters == len(regex.findall(r"\p{L}", text))
    assert script_counts(text) == (families, han, kana, hangul, letters)  # the same from the cache


def test_only_configured_languages_are_answered() -> None:
    detector = LanguageDetector(Settings({"languages": ["fr", "en"]}))
    assert detector.codes == {"fr", "en"}
    assert detector.detect(article(SAMPLES["de"])).lang in {"und", "en", "fr"}
    assert detector.detect(article(SAMPLES["ar"])).lang == "und"


def test_language_codes_are_checked() -> None:
    with pytest.raises(ConfigError, match="klingon"):
        LanguageDetector(Settings({"languages": ["fr", "klingon"]}))
    with pytest.raises(ConfigError):
        LanguageDetector(Settings({"languages": ["km"]}))  # a real language lingua lacks, and nothing else
    assert LanguageDetector(Settings({"languages": ["fr", "en", "km", "EN-gb"]})).codes == {"fr", "en"}


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("fr-FR", "fr"),
        ("FR", "fr"),
        ("pt_BR", "pt"),
        ("fra", "fr"),
        ("zh-Hans", "zh"),
        ("und", None),
        ("xx", None),
        ("english", None),
        (None, None),
        ("", None),
    ],
)
def test_normalise_language_code(code: str | None, expected: str | None) -> None:
    assert normalise_language_code(code) == expected


@pytest.mark.skipif(not EVAL.is_file(), reason="semeval-dev evaluation data is not present")
def test_accuracy_on_a_sample_of_semeval_dev(detector: LanguageDetector) -> None:
    rows = [json.loads(line) for line in EVAL.open(encoding="utf-8")][::25]
    right = sum(
        detector.detect(clean(article(row.get("text") or "", title=row.get("title") or ""))).lang == row["lang"]
        for row in rows
    )
    assert right / len(rows) >= 0.97
