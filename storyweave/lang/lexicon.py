"""Small hand-written word lists: titles, qualifiers, function words, organisation markers.

All entries are in ``names.fold`` form (case-folded, accents dropped, Arabic letters unified and the
joined article ال removed), because they are compared against folded tokens.
"""

from __future__ import annotations

import importlib
import logging
from functools import cache, lru_cache

from .text import fold, strip_arabic_article

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
        "prefet",
        "prefete",
        "prefect",
        "prefecto",
        "prefecta",
        "prafekt",
        "prafektin",
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
        "vali",  # Turkish governor: "Vali Yerlikaya" is Ali Yerlikaya, not a person named Vali
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

# The Arabic article written as a word of its own in other scripts ("Al Jazeera", "Аль-Джазира"):
# Arabic script joins it to the name and drops it (``names.strip_arabic_article``), so must they.
LEADING_ARTICLES = frozenset(["al", "аль", "эль", "ал", "ель"])

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
        "aboul",
        "abul",
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
        "бен",
        "бин",
        "ибн",
        "бинт",
        "абу",
        "абуль",
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

# Popes and monarchs are named by a title and a regnal name that every language translates rather
# than transliterates (Pope Francis, pape François, البابا فرنسيس): no spelling rule can join them,
# so the regnal names news uses are listed here, each language's forms side by side.  The title
# stays part of the identity ("Francis" alone is anybody), and so does an ordinal (Leo XIII is not
# Leo XIV).  Names two living monarchs share across languages are left out on purpose: Belgium's
# Philippe is "Felipe" in Spanish, which is also Spain's king.
REGNAL_TITLES = {
    "pope": ("pope", "pape", "papa", "papst", "папа", "римский", "بابا"),  # Russian says "Папа Римский"
    "king": ("king", "roi", "rey", "könig", "kral", "король", "ملك"),
    "queen": ("queen", "reine", "reina", "königin", "kraliçe", "королева", "ملكة"),
}
REGNAL_NAMES = {
    "francis": ("francis", "françois", "francisco", "franziskus", "francesco", "franciszek", "franciscus",
                "fransuva", "франциск", "فرنسيس", "فرانسيس"),
    "leo": ("leo", "león", "léon", "leone", "лев", "ليو", "ليون"),
    "benedict": ("benedict", "benoît", "benedicto", "benedikt", "benedetto", "benedictus", "бенедикт", "بنديكت"),
    "john paul": ("john paul", "jean paul", "juan pablo", "johannes paul", "giovanni paolo", "jan paweł",
                  "иоанн павел", "يوحنا بولس"),
    "charles": ("charles", "carlos", "karl", "carlo", "карл", "تشارلز"),
    "elizabeth": ("elizabeth", "élisabeth", "elisabeth", "isabel", "elisabetta", "елизавета", "إليزابيث", "اليزابيث"),
}
# Ordinals as news writes them beside a regnal name (Roman numerals, digits, Arabic words), by number.
ARABIC_ORDINALS = ("أول", "ثاني", "ثالث", "رابع", "خامس", "سادس", "سابع", "ثامن", "تاسع", "عاشر")
ROMAN_NUMERALS = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv",
                  "xvi", "xvii", "xviii", "xix", "xx", "xxi", "xxii", "xxiii")

# Institution nouns that news capitalises but that name no one institution on their own ("el
# Gobierno", "die Regierung", "the Police", "el Estado", "la Ley"): every country has one.  In a longer name they still
# mark an organisation ("Gobierno de México").
GENERIC_INSTITUTION_NOUNS = frozenset(
    [
        "government", "gobierno", "gouvernement", "regierung", "hükümet", "governo", "governement",
        "правительство", "police", "policía", "policia", "polizei", "polis", "полиция", "army", "ejército",
        "armée", "armee", "ordu", "армия", "ministry", "ministerio", "ministère", "ministerium", "bakanlık",
        "министерство", "opposition", "oposición", "muhalefet", "state", "estado", "état", "etat", "staat",
        "devlet", "государство", "executive", "ejecutivo", "exécutif", "nation", "nación", "constitution",
        "constitución", "verfassung", "anayasa", "law", "ley", "loi", "gesetz", "security", "seguridad",
        "sécurité", "sicherheit", "güvenlik", "municipality", "municipio", "ayuntamiento", "belediye",
        "parliament", "parlamento", "parlement", "parlament", "meclis", "senate", "senado", "sénat", "senat",
        "health", "salud", "sanidad", "santé", "gesundheit", "sağlık", "education", "educación", "hacienda",
        "justice", "justicia",
        # courts, presidencies, chancelleries, prosecutors: "the Court", "la Presidencia", "la Fiscalía"
        "court", "corte", "cour", "tribunal", "gericht", "mahkeme", "house", "presidency", "presidencia",
        "présidence", "chancellery", "cancillería", "chancellerie", "fiscalía", "savcılık",
        # the fields ministries are named after, written alone for the ministry ("Defense said",
        # "ministerios como Interior", "Aile, Çalışma ve Sosyal Hizmetler Bakanlığı")
        "defense", "defence", "defensa", "défense", "verteidigung", "savunma", "interior", "intérieur",
        "industry", "industria", "industrie", "sanayi", "commerce", "comercio", "handel", "ticaret",
        "economy", "economía", "économie", "wirtschaft", "ekonomi", "finance", "finanzas", "finances",
        "finanzen", "maliye", "agriculture", "agricultura", "landwirtschaft", "tarım", "labour", "labor",
        "trabajo", "travail", "arbeit", "çalışma", "environment", "ambiente", "environnement", "umwelt",
        "çevre", "transport", "transporte", "transports", "verkehr", "ulaştırma", "energy", "energía",
        "énergie", "energie", "enerji", "culture", "cultura", "kultur", "kültür", "tourism", "turismo",
        "tourisme", "turizm", "family", "familia", "famille", "familie", "aile", "youth", "juventud",
        "gençlik", "sport", "sports", "deporte", "deportes", "spor",
        # a company's or a club's own board: every one has one
        "yönetim kurulu", "board of directors", "consejo de administración", "conseil d'administration",
        "junta directiva", "vorstand", "aufsichtsrat",
    ]
)

# Common nouns and adjectives that news writes with a capital but that name no one thing on their
# own: the Earth, the Internet, God; religions' and parties' adjectives and their followers ("Jewish
# groups", "Republican strategist"); a republic (every country's "presidente de la República").
# Lower-case as ``recognise.tokens.lower`` writes them.
CAPITALISED_COMMON_WORDS = frozenset(
    [
        "earth", "tierra", "terre", "erde", "dünya", "internet", "web", "god", "dios", "dieu", "gott",
        "allah", "tanrı", "república", "république", "republic", "republik", "cumhuriyeti",
        "jewish", "jews", "jew", "christian", "christians", "muslim", "muslims", "catholic", "catholics",
        "protestant", "protestants", "islamic", "judío", "judíos", "judía", "cristiano", "cristianos",
        "católico", "católicos", "musulmán", "musulmanes", "juif", "juifs", "juive", "chrétien", "chrétiens",
        "musulman", "musulmans", "catholique", "catholiques", "jüdisch", "jüdische", "juden", "christen",
        "muslime", "yahudi", "yahudiler", "hristiyan", "hristiyanlar", "müslüman", "müslümanlar",
        "democratic", "republican", "democrat", "demócrata", "republicano",
        "republicana", "démocrate", "républicain",
    ]
)

# Words that name a position or a kind of place rather than a place: ISO 3166-2 has regions called
# "Centre", "Central", "Nord", "Eastern", "Capital" that would otherwise turn every such word into
# a place.  A subdivision name made only of these (and of NAME_QUALIFIERS) is not an alias.
GENERIC_PLACE_WORDS = frozenset(
    [
        "central",
        "centre",
        "center",
        "centro",
        "zentral",
        "zentrum",
        "northern",
        "southern",
        "eastern",
        "western",
        "northeast",
        "northwest",
        "southeast",
        "southwest",
        "nordeste",
        "noroeste",
        "sudeste",
        "suroeste",
        "sudoeste",
        "capital",
        "capitale",
        "hauptstadt",
        "coast",
        "cote",
        "costa",
        "kuste",
        "littoral",
        "islands",
        "island",
        "iles",
        "ile",
        "islas",
        "isla",
        "inseln",
        "insel",
        "highlands",
        "lowlands",
        "lakes",
        "lake",
        "mountains",
        "river",
        "valley",
        "plateau",
        "metropolitan",
        "federal",
        "district",
        "region",
        "province",
        "state",
        "territory",
        "city",
        "interior",
        "oriental",
        "occidental",
        "orientale",
        "occidentale",
        "septentrional",
        "meridional",
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

# Generic words that say what kind of organisation a name is, grouped by meaning: the first word of
# each line is the canonical reading every other word of the line romanises to, so "مجموعة فاغنر",
# "groupe Wagner", "группа Вагнера" and "Wagner Group" compare token by token (``names.name_form``).
# Folded forms (no accents, Arabic without the article).  Chinese and Vietnamese are left out: Chinese
# names are written as one run, and Vietnamese type words are syllables that are also names (Đảng, Bộ).
_ORG_TYPE_LINES = """
group groupe grupo gruppe gruppo grup groep grupa группа группы группу группой група مجموعه گروه
party parti partido partei partito partij partia partisi партия партии партию партией партія حزب
ministry ministere ministerio ministerium ministero ministerie ministerstwo bakanligi министерство
  министерства міністерство وزاره وزارت
bank banque banco banca bankasi банк банка банку банком بنك بانک
university universite universidad universitat universita universidade universiteit uniwersytet
  universitesi университет университета університет جامعه دانشگاه
agency agence agencia agentur agenzia ajansi агентство агентства агентству агентстві وكاله خبرگزاری
company compagnie compania empresa gesellschaft konzern societe sirketi компания компании компанию
  компанія شركه شرکت
council conseil consejo rat consiglio konseyi совет совета рада مجلس
army armee ejercito esercito ordusu армия армии армию армія جيش ارتش
union unione birligi союз союза союзу союзом اتحاد
movement mouvement movimiento bewegung movimento hareketi движение движения حركه جنبش
front frente fronte cephesi фронт фронта جبهه
court cour tribunal gericht corte mahkemesi суд суда محكمه دادگاه
"""


@cache
def org_type_words() -> dict[str, str]:
    """Folded organisation type word -> its canonical (English) reading."""

    found: dict[str, str] = {}
    canonical = ""
    for line in _ORG_TYPE_LINES.strip("\n").splitlines():
        words = line.split()
        if not line.startswith(" "):  # an indented line continues the one above
            canonical = words[0]
        for word in words:
            found.setdefault(fold(word), canonical)
    return found


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

    folded = {fold(w) for text in _EXTRA_STOPWORDS.values() for w in text.split()}
    return frozenset(folded | {strip_arabic_article(w) for w in folded})


# What a state body's name says besides its head ("Ministry", "Bakanlığı", "وزارة"): the field it
# works in, its level, and the particles between.  A name made only of these and heads ("Foreign
# Ministry", "Dışişleri Bakanlığı", "Ministerio de Sanidad", "وزارة الخارجية", "Bundesregierung")
# names every country's body alike: whose it is, only the article says (``resolve.bodies``).
# Folded (``text.fold_token``) like the words compared with them.
_BODY_WORDS = """
    foreign affairs home interior internal external health public national federal central state
    general local municipal regional provincial
    asuntos exteriores exterior relaciones salud sanidad nacional federal interior gobernación
    affaires etrangeres étrangères étrangère interieur intérieur sante santé nationale fédéral
    federale sécurité securite publique
    auswärtiges auswaertiges bundes landes innen aussen außen
    dışişleri icisleri içişleri sağlık saglik milli eğitim egitim adalet hazine ulusal iç dış
    الخارجيه الداخليه الصحه العدل الدفاع الماليه التعليم التربيه الاقتصاد الاعلام الوطنيه الاتحاديه
    عامه العامه خارجيه داخليه صحه النواب الشيوخ الشعب الوزراء الامه الشوري
    representatives deputies diputados députés deputes deputados senators lords commons
    of the for and de del la el los las le les des du da di do für fur der die das und y et ve e
"""
# Heads of a legislature's or a cabinet's name besides ``patterns.STATE_BODY_HEADS`` ("House of
# Representatives", "مجلس النواب", "Cámara de Diputados", "Congress", "Asamblea Nacional"): every
# country has one too.
BODY_HEADS = frozenset(
    strip_arabic_article(fold(w))
    for w in (
        *("house", "chamber", "cámara", "chambre", "kammer", "congress", "congreso", "congrès", "kongress", "مجلس"),
        *("assembly", "asamblea", "assemblée", "assemblee", "versammlung"),
    )
)
BODY_NAME_WORDS = frozenset(
    strip_arabic_article(fold(w)) for w in (*_BODY_WORDS.split(), *GENERIC_INSTITUTION_NOUNS) if " " not in w
)
