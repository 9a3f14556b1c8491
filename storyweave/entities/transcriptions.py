"""Foreign names as Chinese, Japanese and Korean transcribe them, matched with other scripts' spellings.

特朗普 (te-lang-pu), トランプ (to-ra-n-pu) and 트럼프 (teu-leom-peu) share no consonant skeleton
with "Trump" once romanised letter by letter.  ``lang.zh``, ``lang.ja`` and ``lang.ko`` say which
Latin consonants each syllable may transcribe; a token's readings are every combination, as voiced
skeletons (transcriptions keep b apart from p and d from t: 拜登 is Biden, 普京 Putin).  Only a
token written wholly in katakana, wholly in Hangul, or wholly in the characters Chinese
transcription uses, has readings: 王毅 is a Chinese name.
"""

from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii

from ..lang.ja import JA_INITIAL_READINGS, JA_MORAIC_N_READINGS, JA_SILENT_KANA
from ..lang.ko import KO_FINAL_READINGS, KO_INITIAL_READINGS
from ..lang.zh import ZH_ER_READINGS, ZH_FINAL_READINGS, ZH_INITIAL_READINGS, ZH_TRANSCRIPTION_CHARACTERS
from .names import TRANSCRIBING_SCRIPTS, NameForm, is_katakana, voiced_skeleton

__all__ = ["foreign_skeletons", "foreign_variants", "voiced_variants"]

_INITIAL = re.compile("^(?:zh|ch|sh|ts|[bcdfghjklmnpqrstvwxyz])")
_HANGUL_TOKEN = re.compile("^[\uac00-\ud7a3]+$")
_SOFT_G = re.compile("(?<=[aeiou])g(?=[aeiou])")
_FINAL = re.compile("(?:ng|[bdgklmnpst])$")
_MAX_FOREIGN_READINGS = 512  # more readings than this and a match says nothing


@lru_cache(maxsize=1 << 14)
def foreign_skeletons(token: str) -> frozenset[str]:
    """Voiced skeletons of the foreign name a Chinese or Japanese token may transcribe: 特朗普 reads
    T-R-M-P among others, as Trump does.  None for a token that is not a transcription (a Chinese
    name, a word) or that reads too many ways to be evidence."""
    if is_katakana(token):
        syllables = [_kana_readings(c) for c in token if c not in JA_SILENT_KANA]
    elif len(token) >= 2 and all(c in ZH_TRANSCRIPTION_CHARACTERS for c in token):
        syllables = [_pinyin_readings(anyascii(c).lower()) for c in token]
    elif len(token) >= 2 and _HANGUL_TOKEN.match(token):
        syllables = [_hangul_readings(anyascii(c).lower()) for c in token]
    else:
        return frozenset()
    readings = [""]
    for options in syllables:
        readings = [r + o for r in readings for o in options]
        if len(readings) > _MAX_FOREIGN_READINGS:
            return frozenset()
    return frozenset(voiced_skeleton(r) for r in readings)


@lru_cache(maxsize=20_000)  # as name_form's: the same names come back in article after article
def foreign_variants(form: NameForm) -> tuple[frozenset[str], ...]:
    """Per token, ``foreign_skeletons`` of a name in a transcribing script; nothing elsewhere."""
    if form.script not in TRANSCRIBING_SCRIPTS:
        return tuple(frozenset() for _ in form.tokens)
    return tuple(foreign_skeletons(t) for t in form.tokens)


@lru_cache(maxsize=20_000)
def voiced_variants(form: NameForm) -> tuple[frozenset[str], ...]:
    """Per token, its ``voiced_skeleton``, a final -ng also read -n (as ``skeleton_variants``), and
    without a g between vowels: Turkish ğ is silent, and transcriptions write what is heard
    (에르도안, エルドアン, 埃尔多安 for "Erdogan", Erdoğan written without its breve)."""
    out = []
    for r in form.roman:
        keys = {voiced_skeleton(r), voiced_skeleton(_SOFT_G.sub("", r))}
        keys |= {k[:-1] for k in keys if k.endswith("NG") and len(k) > 2}
        out.append(frozenset(keys))
    return tuple(out)


def _pinyin_readings(syllable: str) -> tuple[str, ...]:
    if syllable == "er":
        return tuple("a" + f for f in ZH_ER_READINGS)
    initial = m.group() if (m := _INITIAL.match(syllable)) else ""
    final = next((f for f in ZH_FINAL_READINGS if syllable.endswith(f) and len(syllable) > len(f)), "")
    initials = ZH_INITIAL_READINGS.get(initial, (initial,))
    finals = ZH_FINAL_READINGS.get(final, ("",))
    # "a" keeps syllables apart (t + s is no ts) and stands for any vowel: skeletons drop vowels.
    return tuple(dict.fromkeys(i + "a" + f for i in initials for f in finals))


def _kana_readings(kana: str) -> tuple[str, ...]:
    roman = anyascii(kana).lower()
    if roman == "n":
        return JA_MORAIC_N_READINGS
    initial = m.group() if (m := _INITIAL.match(roman)) else ""
    return tuple(i + "a" for i in JA_INITIAL_READINGS.get(initial, (initial,)))


def _hangul_readings(syllable: str) -> tuple[str, ...]:
    initial = m.group() if (m := _INITIAL.match(syllable)) else ""
    rest = syllable[len(initial) :]
    final = m.group() if rest and (m := _FINAL.search(rest)) and len(rest) > len(m.group()) else ""
    initials = KO_INITIAL_READINGS.get(initial, (initial,))
    finals = KO_FINAL_READINGS.get(final, (final,))
    return tuple(dict.fromkeys(i + "a" + f for i in initials for f in finals))
