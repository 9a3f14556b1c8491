"""Detect an article's language (ISO 639-1) with lingua, weighing the language the page declares.

One lingua detector is built per process and set of languages, restricted to
``settings.languages``: fewer candidates make it faster and keep it from answering with languages
nobody asked for.  The answer is "und" whenever the evidence is thin: too few letters, letters split
between scripts, or a best guess below ``language_min_confidence``.  A declared language (HTML
``lang``, feed or JSONL ``lang``) acts as a prior: it settles short or ambiguous texts, but a text
clearly in another language overrides it.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from dataclasses import replace
from functools import cache, lru_cache
from typing import Any

import regex
from lingua import IsoCode639_1, IsoCode639_3, Language, LanguageDetectorBuilder

from .errors import ConfigError
from .models import Article
from .settings import Settings

log = logging.getLogger(__name__)

UNDETERMINED = "und"

# Letters per script family; a text is "mixed" when no family holds most of its letters.  Han, kana
# and Hangul form one family because Japanese and Korean text mixes them as a matter of course.
_SCRIPTS: dict[str, regex.Pattern[str]] = {
    "latin": regex.compile(r"\p{Latin}"),
    "arabic": regex.compile(r"\p{Arabic}"),
    "cyrillic": regex.compile(r"\p{Cyrillic}"),
    "greek": regex.compile(r"\p{Greek}"),
    "hebrew": regex.compile(r"\p{Hebrew}"),
    "devanagari": regex.compile(r"\p{Devanagari}"),
    "thai": regex.compile(r"\p{Thai}"),
    "armenian": regex.compile(r"\p{Armenian}"),
    "georgian": regex.compile(r"\p{Georgian}"),
}
_HAN = regex.compile(r"\p{Han}")
_KANA = regex.compile(r"[\p{Hiragana}\p{Katakana}]")
_HANGUL = regex.compile(r"\p{Hangul}")
_LETTER = regex.compile(r"\p{L}")
_NO_SCRIPT = -1
_SCRIPT_NAMES = tuple(_SCRIPTS)
# A CJK character carries about as much as a short word, so it counts as several letters.
_CJK_LETTER_WEIGHT = 3
# Share of kana among CJK characters above which a text is Japanese (Chinese never uses kana).
_KANA_SHARE_FOR_JAPANESE = 0.1
_HANGUL_SHARE_FOR_KOREAN = 0.5
# Codes people write for lingua's languages under another name.
_ALIASES = {"no": "nb", "iw": "he", "in": "id"}


@cache
def _iso_639_1_codes() -> frozenset[str]:
    """Every two-letter language code CLDR knows, to tell a typo from a language lingua lacks."""
    from babel import Locale

    return frozenset(code for code in Locale("en").languages if isinstance(code, str) and len(code) == 2)


def normalise_language_code(code: str | None) -> str | None:
    """ "fr-FR", "FR", "fr_FR", "fra" -> "fr"; None for anything that names no known language."""
    if not code:
        return None
    primary = regex.split(r"[-_\s]", code.strip().lower(), maxsplit=1)[0]
    primary = _ALIASES.get(primary, primary)
    if len(primary) == 2:
        return primary if primary in _iso_639_1_codes() else None
    if len(primary) == 3:
        try:
            language = Language.from_iso_code_639_3(IsoCode639_3.from_str(primary))
        except ValueError:
            return None
        return language.iso_code_639_1.name.lower()
    return None


def _lingua_language(code: str) -> Language | None:
    try:
        return Language.from_iso_code_639_1(IsoCode639_1.from_str(code))
    except ValueError:
        return None


# lingua's n-gram models take hundreds of MB (loaded lazily, per language, the first time a text
# may be in it) and are only read after that: one detector per set of languages and process, so
# that enrichment workers forked from a server that preloaded them (``worker_preload.py``) share
# those pages instead of each loading its own copy.
_LINGUA: dict[tuple[Language, ...], Any] = {}
_LINGUA_LOCK = threading.Lock()


def shared_lingua_detector(languages: tuple[Language, ...], *, preload: bool = False) -> Any:
    """This process's lingua detector for ``languages``; ``preload`` loads every model now."""
    key = tuple(sorted(languages, key=str))
    with _LINGUA_LOCK:
        if key not in _LINGUA:
            builder = LanguageDetectorBuilder.from_languages(*key)
            _LINGUA[key] = (builder.with_preloaded_language_models() if preload else builder).build()
        return _LINGUA[key]


@lru_cache(maxsize=1 << 14)
def _character_class(character: str) -> tuple[int, bool, bool, bool, bool]:
    """What the script counts make of one character: the index of its family in ``_SCRIPTS``
    (``_NO_SCRIPT``: none), whether it is Han, kana, Hangul, and a letter.  The same patterns as
    over the whole text, asked once per distinct character.  No character is in two families
    (Unicode scripts, not script extensions: checked over every code point), so the first one
    matching is the only one."""
    family = next((n for n, pattern in enumerate(_SCRIPTS.values()) if pattern.match(character)), _NO_SCRIPT)
    return (
        family,
        bool(_HAN.match(character)),
        bool(_KANA.match(character)),
        bool(_HANGUL.match(character)),
        bool(_LETTER.match(character)),
    )


def script_counts(text: str) -> tuple[dict[str, int], int, int, int, int]:
    """Letters per script family in ``_SCRIPTS``, then Han, kana, Hangul and all letters in ``text``.

    A sample of a thousand characters holds a hundred distinct ones or so: counting the characters
    first and classifying each distinct one (cached across texts) reads the text once instead of
    running thirteen patterns over all of it, a fifth of the stage's time outside lingua."""
    counts = [0] * len(_SCRIPT_NAMES)
    han = kana = hangul = letters = 0
    for character, times in Counter(text).items():
        family, is_han, is_kana, is_hangul, is_letter = _character_class(character)
        if family != _NO_SCRIPT:
            counts[family] += times
        han += times if is_han else 0
        kana += times if is_kana else 0
        hangul += times if is_hangul else 0
        letters += times if is_letter else 0
    return dict(zip(_SCRIPT_NAMES, counts, strict=True)), han, kana, hangul, letters


class LanguageDetector:
    """``detect(article)`` sets ``lang`` and ``lang_confidence``; build one and reuse it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        languages = self.lingua_languages(settings)
        self.codes = frozenset(languages)
        self._detector = shared_lingua_detector(tuple(languages.values()))

    @staticmethod
    def lingua_languages(settings: Settings) -> dict[str, Language]:
        """lingua's languages for ``settings.languages``, by code (an unknown code is an error)."""
        languages: dict[str, Language] = {}
        for raw in settings.languages:
            code = normalise_language_code(raw)
            if code is None:
                raise ConfigError(
                    f"setting 'languages': {raw!r} is not an ISO 639-1 language code (use codes such as fr, ar, zh)"
                )
            language = _lingua_language(code)
            if language is None:
                log.warning("language %r is not supported by the detector and is skipped", code)
                continue
            languages[code] = language
        if not languages:
            raise ConfigError("setting 'languages' names no language the detector supports (try: en,fr,ar)")
        return languages

    def detect(self, article: Article) -> Article:
        lang, confidence = self.detect_text(
            f"{article.title}\n{article.text[: self.settings.language_sample_chars]}", article.lang_hint
        )
        return replace(article, lang=lang, lang_confidence=round(confidence, 4))

    def detect_text(self, text: str, hint: str | None = None) -> tuple[str, float]:
        """The language of ``text`` as (ISO 639-1 code or "und", confidence in 0..1)."""
        hinted = normalise_language_code(hint)
        counts, han, kana, hangul, letters = script_counts(text)
        cjk = han + kana + hangul
        counts["cjk"] = cjk
        counts["other"] = max(0, letters - sum(counts.values()))
        weighted = letters + cjk * (_CJK_LETTER_WEIGHT - 1)
        if weighted < self.settings.language_min_letters:
            if hinted is not None:
                return hinted, self.settings.language_hint_confidence
            return UNDETERMINED, 0.0
        if max(counts.values()) / letters < self.settings.language_min_script_share:
            return UNDETERMINED, 0.0
        if cjk / letters >= self.settings.language_min_script_share:
            # Kana and Hangul belong to one language each; only Han alone needs the statistical model.
            if kana / cjk >= _KANA_SHARE_FOR_JAPANESE and "ja" in self.codes:
                return "ja", 1.0
            if hangul / cjk >= _HANGUL_SHARE_FOR_KOREAN and "ko" in self.codes:
                return "ko", 1.0
        return self._weigh(text, hinted)

    def _weigh(self, text: str, hinted: str | None) -> tuple[str, float]:
        scores = {
            value.language.iso_code_639_1.name.lower(): value.value
            for value in self._detector.compute_language_confidence_values(text)
        }
        total = sum(scores.values())
        if total <= 0:
            # None of the configured languages uses this script; only a declared language can help.
            return (hinted, self.settings.language_hint_confidence) if hinted is not None else (UNDETERMINED, 0.0)
        if hinted in scores:
            # Bayes with the declaration as prior: the hinted language starts ``hint_weight`` times
            # likelier, so a close call goes its way while a clear other language still wins.
            scores[hinted] *= self.settings.language_hint_weight
            total = sum(scores.values())
        best = max(scores, key=lambda code: scores[code])
        confidence = scores[best] / total
        settings = self.settings
        # A language the page declares that the detector cannot check stands unless the text is plainly
        # one of the candidates (a text really in one scores close to 1): Indonesian would otherwise get
        # its nearest candidate, Spanish at 0.76.
        plainly = max(settings.language_unchecked_hint_override, settings.language_min_confidence)
        if hinted is not None and hinted not in self.codes and confidence < plainly:
            return hinted, settings.language_hint_confidence
        if confidence < settings.language_min_confidence:
            return UNDETERMINED, 0.0
        return best, confidence
