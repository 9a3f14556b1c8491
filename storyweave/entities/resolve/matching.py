"""When are two names the same entity?  The guards that keep look-alikes apart live here.

Two names match when *every* token matches (same consonant skeleton under one of the readings the
two scripts allow, see ``names.skeleton_variants``; same-script pairs must also
look alike letter by letter), the qualifier tokens agree (bin/ibn/abu, South/North: "Mohammed bin
Salman" is not "Mohammed bin Zayed", "Sudan" is not "South Sudan"), and their lengths are
comparable.  Different knowledge-base ids never merge; callers check that before calling here.
"""

from __future__ import annotations

from rapidfuzz import fuzz

from ..names import QUALIFIERS, NameForm

SAME_SCRIPT_MIN_SIMILARITY = 60.0  # rapidfuzz ratio of romanised tokens that share a skeleton


def _qualifiers(form: NameForm) -> list[str]:
    return sorted(s for t, s in zip(form.tokens, form.skeletons, strict=True) if t in QUALIFIERS)


def token_match(a: NameForm, i: int, b: NameForm, j: int) -> bool:
    sa, sb = a.skeletons[i], b.skeletons[j]
    if not sa and not sb:  # all vowels and glides ("Phu" / "فو", "Yi"): the other tokens decide
        return True
    if not sa or not sb:
        return False
    if sa != sb and not (a.variants[i] & b.variants[j]):
        return False
    if a.script == b.script and a.script in ("latin", "cyrillic") and a.tokens[i] != b.tokens[j]:
        return fuzz.ratio(a.roman[i], b.roman[j]) >= SAME_SCRIPT_MIN_SIMILARITY
    return True


def _length_ok(a: NameForm, b: NameForm) -> bool:
    la, lb = a.roman_len, b.roman_len
    return la > 0 and lb > 0 and 0.5 <= la / lb <= 2.0


def same_name(a: NameForm, b: NameForm) -> bool:
    """Full-name equality across scripts, with every guard."""
    if not a.tokens or not b.tokens or not _length_ok(a, b):
        return False
    if a.short or b.short:  # too few consonants: the vowel pattern decides (Huawei / Хуавэй / هواوي)
        return a.short and b.short and bool(a.vowel_key) and a.vowel_key == b.vowel_key
    if _qualifiers(a) != _qualifiers(b):
        return False
    n = len(a.tokens)
    if n == len(b.tokens):
        if all(token_match(a, i, b, i) for i in range(n)):
            return True
        # Family name first in one outlet, last in another ("Trong Nguyen Phu" is rarer, but 2 tokens flip)
        return n == 2 and token_match(a, 0, b, 1) and token_match(a, 1, b, 0)
    # Token boundaries differ (Xi Jinping / 习近平 → XiJinPing, Jean-Marie / Jean Marie).
    return (
        abs(n - len(b.tokens)) <= 2
        and len(a.skeleton_key) >= 5
        and (a.skeleton_key == b.skeleton_key or bool(a.key_variants & b.key_variants))
        and (a.script != b.script or a.key.replace(" ", "") == b.key.replace(" ", ""))
    )


def contains_name(longer: NameForm, shorter: NameForm) -> bool:
    """``shorter`` is ``longer`` without some middle tokens ("Recep Tayyip Erdoğan" ⊃ "Recep Erdoğan")."""
    m, n = len(shorter.tokens), len(longer.tokens)
    if m < 2 or m >= n:
        return False
    if not token_match(shorter, 0, longer, 0) or not token_match(shorter, m - 1, longer, n - 1):
        return False
    j = 1
    for i in range(1, m - 1):
        while j < n - 1 and not token_match(shorter, i, longer, j):
            j += 1
        if j >= n - 1:
            return False
        j += 1
    skipped = set(longer.tokens) - set(shorter.tokens)
    return not (skipped & QUALIFIERS)


def part_of_name(full: NameForm, part: NameForm) -> bool:
    """A one-token mention that is the family (last) or given (first) name of ``full``."""
    if len(part.tokens) != 1 or len(full.tokens) < 2 or len(part.skeleton_key) < 2:
        return False
    if part.tokens[0] in QUALIFIERS:
        return False
    return token_match(part, 0, full, len(full.tokens) - 1) or token_match(part, 0, full, 0)
