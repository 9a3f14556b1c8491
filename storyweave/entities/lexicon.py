"""Small hand-written word lists: titles, qualifiers, function words, organisation markers.

All entries are in ``names.fold`` form (case-folded, accents dropped, Arabic letters unified and the
joined article ال removed), because they are compared against folded tokens.
"""

from __future__ import annotations

import importlib
import logging
from functools import cache, lru_cache

log = logging.getLogger(__name__)

# Words that precede a name without being part of it ("الرئيس بوتين", "président Macron").
LEADING_TITLES = frozenset(
    [
        "رئيس",
        "رئيسه",
        "سيد",
        "سيده",
        "انسه",
        "امين",
        "عام",
        "وزير",
        "وزيره",
        "ملك",
        "ملكه",
        "امير",
        "اميره",
        "شيخ",
        "دكتور",
        "نائب",
        "متحدث",
        "باسم",
        "زعيم",
        "بابا",
        "مستشار",
        "مستشاره",
        "قائد",
        "جنرال",
        "رئيس_وزراء",
        "وزراء",
        "سفير",
        "حاكم",
        "مرشد",
        "اخ",
        "president",
        "presidente",
        "presidenta",
        "praesident",
        "prasident",
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "prof",
        "sir",
        "lord",
        "lady",
        "king",
        "queen",
        "pope",
        "pape",
        "papa",
        "папа",
        "prince",
        "princess",
        "prime",
        "minister",
        "secretary",
        "general",
        "chancellor",
        "senator",
        "governor",
        "mayor",
        "pope",
        "sheikh",
        "emir",
        "monsieur",
        "madame",
        "mme",
        "mlle",
        "m",
        "le",
        "la",
        "les",
        "l",
        "general",
        "secretaire",
        "ministre",
        "premier",
        "chef",
        "roi",
        "reine",
        "docteur",
        "maitre",
        "depute",
        "senateur",
        "gouverneur",
        "maire",
        "ayatollah",
        "herr",
        "frau",
        "der",
        "die",
        "das",
        "bundeskanzler",
        "bundeskanzlerin",
        "kanzler",
        "kanzlerin",
        "ministerprasident",
        "senor",
        "senora",
        "sr",
        "sra",
        "don",
        "dona",
        "rey",
        "reina",
        "ministro",
        "ministra",
        "el",
        "los",
        "las",
        "cumhurbaskani",
        "basbakan",
        "bay",
        "bayan",
        "sayin",
        "ong",
        "ba",
        "tong",
        "bi",
        "thu",
        "chu",
        "tich",
        "thu",
        "tuong",
        "президент",
        "господин",
        "госпожа",
        "г",
        "генеральныи",
        "генсек",
        "секретарь",
        "министр",
        "премьер",
        "канцлер",
        "король",
    ]
)

# Tokens that make two otherwise similar names different ("Mohammed bin Salman" / "Mohammed bin
# Zayed", "Sudan" / "South Sudan"): both names must carry the same ones.
NAME_QUALIFIERS = frozenset(
    [
        "bin",
        "ibn",
        "ben",
        "bint",
        "abu",
        "abou",
        "abdel",
        "abdul",
        "south",
        "north",
        "east",
        "west",
        "new",
        "upper",
        "lower",
        "great",
        "little",
        "sud",
        "nord",
        "est",
        "ouest",
        "nouvelle",
        "nouveau",
        "sur",
        "norte",
        "oeste",
        "este",
        "nueva",
        "nuevo",
        "sued",
        "nord",
        "ost",
        "west",
        "neu",
        "guney",
        "kuzey",
        "dogu",
        "bati",
        "yeni",
        "nam",
        "bac",
        "dong",
        "tay",
        "بن",
        "ابن",
        "بنت",
        "ابو",
        "جنوب",
        "شمال",
        "شرق",
        "غرب",
        "جديده",
        "جديد",
        "южныи",
        "северныи",
        "восточныи",
        "западныи",
        "новыи",
        "новая",
        "южная",
        "северная",
    ]
)

PATRONYMIC_ENDINGS = ("ovich", "evich", "ovitch", "ovna", "evna", "ович", "евич", "овна", "евна", "ична", "ьич")

# Tokens that mark a name as an organisation when no knowledge base types it.
ORG_MARKERS = frozenset(
    [
        "bank",
        "party",
        "company",
        "corporation",
        "corp",
        "inc",
        "ltd",
        "llc",
        "plc",
        "group",
        "university",
        "ministry",
        "agency",
        "council",
        "union",
        "association",
        "federation",
        "committee",
        "organization",
        "organisation",
        "institute",
        "army",
        "court",
        "parliament",
        "banque",
        "parti",
        "societe",
        "universite",
        "ministere",
        "agence",
        "conseil",
        "armee",
        "tribunal",
        "parlement",
        "assemblee",
        "partei",
        "gesellschaft",
        "universitat",
        "ministerium",
        "bundestag",
        "banco",
        "partido",
        "empresa",
        "universidad",
        "ministerio",
        "bankasi",
        "partisi",
        "sirketi",
        "universitesi",
        "bakanligi",
        "cong",
        "ty",
        "dang",
        "ngan",
        "hang",
        "شركه",
        "حزب",
        "بنك",
        "جامعه",
        "وزاره",
        "منظمه",
        "مجلس",
        "جيش",
        "محكمه",
        "برلمان",
        "وكاله",
        "اتحاد",
        "банк",
        "партия",
        "компания",
        "университет",
        "министерство",
        "агентство",
        "совет",
        "армия",
        "суд",
    ]
)

# Function words in the languages storyweave scans with its gazetteer; none of them may ever be
# read as a place or organisation, whatever a geographic database lists as an alternate name.
_EXTRA_STOPWORDS: dict[str, str] = {
    "ar": """في من على الى الي عن مع امام خلف بين عند منذ حتى بعد قبل خلال ضد نحو لدى حول هذا هذه ذلك
             تلك التي الذي الذين كان كانت قد لا ما ان او ثم كل غير يوم عام اي هو هي هم نحن انا انت لم لن
             اذا اذ كما بل لكن وقد وفي وقال قال ايضا فقط جدا هنا هناك اليوم امس غدا عدد مثل تم عبر دون
             سنه شهر اكثر اقل اول ثاني بعض جميع اخرى اخر فيه فيها منه منها عليه عليها اليه لها له""",
    "fr": "le la les un une des du de et en au aux par pour sur dans avec sans sous mais ou est sont ce cette",
    "en": "the a an and or of in on at to for by with from as is are was were this that it he she they",
    "de": "der die das ein eine und oder in im am an auf mit von zu fur ist sind war nicht den dem des",
    "es": "el la los las un una y o de del en con por para sin sobre es son fue que se al lo",
    "tr": "ve ile bir bu su o da de ki icin gibi daha en cok ama veya ya",
    "vi": "va cua la cac nhung mot trong cho voi da se duoc khong nay do ve tai",
    "ru": "и в во на с со к ко по из за от до не но что это как он она они мы вы",
}


@cache
def stopwords(lang: str) -> frozenset[str]:
    """Function words of ``lang``: spaCy's lists (plain data in the spacy package) plus ours."""
    from .names import fold, strip_arabic_article

    words: set[str] = set(_EXTRA_STOPWORDS.get(lang, "").split())
    try:
        module = importlib.import_module(f"spacy.lang.{lang}.stop_words")
        words.update(getattr(module, "STOP_WORDS", ()))
    except ImportError:
        log.debug("no spaCy stop words for %s", lang)
    folded = {fold(w) for w in words}
    return frozenset(folded | {strip_arabic_article(w) for w in folded})


@lru_cache(maxsize=1)
def all_stopwords() -> frozenset[str]:
    found: set[str] = set()
    for lang in ("ar", "fr", "en", "de", "es", "tr", "vi", "ru", "it", "pt", "nl", "pl", "fa", "uk"):
        found |= stopwords(lang)
    return frozenset(found)


@lru_cache(maxsize=1)
def runtime_stopwords() -> frozenset[str]:
    """Our own short lists only: cheap to load in every worker (spaCy's lists are used at KB build)."""
    from .names import fold, strip_arabic_article

    folded = {fold(w) for text in _EXTRA_STOPWORDS.values() for w in text.split()}
    return frozenset(folded | {strip_arabic_article(w) for w in folded})
