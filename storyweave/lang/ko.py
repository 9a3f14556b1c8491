"""Korean words the title-based name recogniser reads (``entities.recognise.korean``).

Korean writes no capitals, and news names a person before the role: "블라디미르 푸틴 러시아
대통령" (Vladimir Putin, Russia's president), "푸틴 대통령은".  Particles join the word before them:
"대통령이", "대통령과".
"""

from __future__ import annotations

from . import words

# Roles that follow a person's name, longest first where one opens another.
KO_PERSON_TITLES = (
    "국가주석", "부통령", "대통령", "부총리", "총리", "외무장관", "외교장관", "국무장관", "국방장관", "장관",
    "사무총장", "총장", "위원장", "국왕", "여왕", "왕세자", "대변인", "의장", "총재", "주석", "총서기",
    "서기장", "대사", "특사", "주지사", "지사", "시장", "교황", "상원의원", "하원의원", "의원", "최고지도자",
    "회장", "사장", "감독", "선수", "대표", "총리실장", "수상",
)
# Particles that end a word ("푸틴은", "대통령과"): a word carrying one ends a name before it.
KO_PARTICLES = (
    "에서는", "에게서", "으로서", "으로", "에서", "에게", "께서", "까지", "부터", "처럼", "보다", "과의", "와의",
    "은", "는", "이", "가", "을", "를", "의", "에", "와", "과", "도", "로", "만", "서",
)
# Words that come right before a title but name nobody: "전 대통령", "현직 대통령", "신임 총리".
KO_NOT_NAMES = words(
    """전 현 현직 전직 신임 차기 당시 초대 역대 부 前 現 대리 권한대행 임시 명예 공동 새 해당 이번 양국 두 세
    각국 정상 국가 외국 미국 러시아 중국 일본 북한 한국 프랑스 독일 영국"""
)

# How Korean writes foreign names: one letter for r and l (ㄹ), ㅂ for b and v, ㅍ for p and f, ㅈ for
# j and z, an "eu" after a consonant that has no vowel (트럼프, teu-leom-peu: Trump).  A syllable's
# romanised initial or final consonant → the Latin ones it may transcribe; one not listed, itself.
KO_INITIAL_READINGS: dict[str, tuple[str, ...]] = {
    "l": ("l", "r"),
    "b": ("b", "v"),
    "p": ("p", "f"),
    "j": ("j", "z"),
    "s": ("s", "sh"),
    "g": ("g", "k"),
}
KO_FINAL_READINGS: dict[str, tuple[str, ...]] = {"l": ("l", "r"), "ng": ("ng", "n")}
