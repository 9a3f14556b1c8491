"""Word lists for the rule-based name recognisers in ``storyweave.entities.recognise``.

The lists are deliberately short and hand-written: they only have to stop the commonest false
names (sentence-initial function words, months, weekdays) and to type the runs a title or a head
word makes obvious.  Places are mostly left to the gazetteer; these rules aim at people and
organisations, which no gazetteer lists.
"""

from __future__ import annotations

from collections.abc import Sequence

import regex

from . import phrases, words

# --- Latin and Cyrillic scripts -------------------------------------------------------------------

# Lower-case words that never start (or make up) a name even when capitalised at a sentence start.
STOP_WORDS: dict[str, frozenset[str]] = {
    "en": words(
        """a an the this that these those there here it its he she they we i you his her their our my your
        in on at by for from to of with without about after before during since until as and or but if
        when while where what who whom which why how not no yes all some any each every many more most
        other such only also even still yet just so then than too very now today yesterday tomorrow
        tonight last next new old first second third one two three four five six seven eight nine ten
        is are was were be been being has have had do does did will would can could should may might must
        according under over between against among through into onto per via mr mrs ms dr
        monday tuesday wednesday thursday friday saturday sunday january february march april may june
        july august september october november december photo read more video live update breaking
        however meanwhile although though because despite"""
    ),
    "fr": words(
        """le la les l un une des du de d au aux ce cet cette ces il elle ils elles on nous vous je tu
        son sa ses leur leurs notre nos votre vos mon ma mes en dans sur sous par pour avec sans chez vers
        entre selon depuis pendant avant après et ou mais donc or ni car si quand lorsque comme que qui
        quoi dont où pas plus moins très aussi encore déjà tout tous toute toutes chaque plusieurs
        lundi mardi mercredi jeudi vendredi samedi dimanche janvier février mars avril mai juin juillet
        août septembre octobre novembre décembre hier aujourd demain photo lire aussi cependant enfin
        ainsi alors puis là ici voici voilà concernant nous"""
    ),
    "de": words(
        """der die das den dem des ein eine einer einem einen eines kein keine keiner keinem keinen dieser
        diese dieses diesem diesen jener jene jenes er sie es wir ihr ich du man sein seine ihre unser
        euer mein in im an am auf aus bei mit nach seit von vom zu zum zur für über unter vor hinter neben
        zwischen durch gegen ohne um und oder aber doch denn sondern wenn als wie weil dass ob auch noch
        schon nur nicht kein sehr mehr hier dort da dann jetzt heute gestern morgen so wer was wo wann
        warum alle viele montag dienstag mittwoch donnerstag freitag samstag sonntag januar februar märz
        april mai juni juli august september oktober november dezember foto bild lesen sie laut trotz
        während wegen bis nun damit dabei dazu deshalb außerdem"""
    ),
    "es": words(
        """el la los las lo un una unos unas al del de en con sin por para sobre entre desde hasta hacia
        según tras ante bajo y e o u ni pero sino que quien quienes cual cuales cuando donde como si no
        este esta estos estas ese esa esos esas aquel aquella su sus mi mis tu tus nuestro nuestra él ella
        ellos ellas yo nosotros usted ustedes se le les también ya aún muy más menos todo todos toda todas
        cada otro otra otros hoy ayer mañana lunes martes miércoles jueves viernes sábado domingo enero
        febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre diciembre
        ene abr ago sept dic foto lea además sin embargo asimismo así entonces luego durante mientras aunque
        porque"""
    ),
    "pt": words(
        """o a os as um uma uns umas ao aos do da dos das de em no na nos nas com sem por pelo pela para
        sobre entre desde até e ou mas que quem qual quando onde como se não este esta esse essa seu sua
        ele ela eles elas também já muito mais menos todo todos cada outro hoje ontem amanhã foto"""
    ),
    "it": words(
        """il lo la i gli le un uno una del della dei degli delle di da in con su per tra fra e o ma che chi
        quale quando dove come se non questo questa quello quella suo sua loro anche già molto più meno
        tutto tutti ogni altro oggi ieri domani foto"""
    ),
    "nl": words(
        """de het een van in op aan met voor bij uit naar over door tegen tot en of maar dat die dit deze
        wie wat waar wanneer hoe als niet ook al nog zeer meer hij zij wij ik u zijn haar hun vandaag
        gisteren morgen foto"""
    ),
    "tr": words(
        """bu şu o bir ve ile veya ya da de ki için gibi kadar göre sonra önce ancak fakat ama çünkü eğer
        bize size bana sana onlar
        her hiç çok daha en bazı tüm bütün ben sen biz siz onlar bunu şunu onu bunun onun bunlar bunlarla
        buna şuna ona bunda şunda onda bundan şundan ondan böyle şöyle öyle bunlara onlara
        bugün dün yarın geçen gelecek ayrıca ise yani hem ne nasıl neden nerede kim hangi diğer yeni son ilk
        ocak şubat mart nisan mayıs haziran temmuz ağustos eylül ekim kasım aralık pazartesi salı
        çarşamba perşembe cuma cumartesi pazar fotoğraf foto haber ayrıntılar öte yandan"""
    ),
    "vi": words(
        """và của là có được cho với trong tại theo từ đến về như khi đã đang sẽ các những một này đó
        người không cũng nhưng hoặc nếu vì để trên dưới sau trước ngày tháng năm hôm nay qua tới rằng
        thì mà ra vào lại rất nhiều đây ảnh chiều sáng tối trưa tuần cùng bên phía nhằm đồng thời
        vừa bị ở"""
    ),
    "ru": words(
        """в во на с со к ко по о об от до из за для без при про через над под между и или но а что как
        это этот эта эти тот та те он она они мы вы я его её их не ни также уже еще ещё очень все всё
        сегодня вчера завтра понедельник вторник среда среду четверг пятница пятницу суббота субботу
        воскресенье января февраля марта апреля мая июня июля августа сентября октября ноября декабря
        фото по словам кроме однако при этом утром днем днём вечером ночью позже ранее затем потом теперь
        сейчас тогда впрочем кроме того также накануне"""
    ),
    "uk": words(
        """в у на з зі до від для без при про через над під між і й та або але що як це цей ця ці той та ті
        він вона вони ми ви я його її їх не ні також вже ще дуже всі сьогодні вчора завтра фото
        із зі понеділок вівторок середа середу четвер пʼятниця п'ятниця пʼятницю п'ятницю субота суботу
        неділя неділю січня лютого березня квітня травня червня липня серпня вересня жовтня листопада
        грудня вранці вдень увечері ввечері вночі уночі згодом раніше пізніше тоді потім нині зараз наразі
        водночас втім однак проте натомість напередодні зокрема крім окрім за словами"""
    ),
    "pl": words(
        """w we na z ze do od dla bez przy o przez nad pod między i oraz lub ale że jak to ten ta te on ona
        oni my wy ja jego jej ich nie też już jeszcze bardzo wszyscy dziś wczoraj jutro zdjęcie
        według po za przed także jednak gdy kiedy który która które był była było byli są jest będzie
        może tym tego tej jako co czy się tak tylko teraz potem jednak natomiast ponadto poza wśród
        poniedziałek wtorek środa czwartek piątek sobota niedziela styczeń luty marzec kwiecień maj
        czerwiec lipiec sierpień wrzesień październik listopad grudzień stycznia lutego marca kwietnia
        maja czerwca lipca sierpnia września października listopada grudnia"""
    ),
    "el": words(
        """ο η το οι τα του της των τον την τη τους τις στο στη στην στον στα στις στους σε με για από και ή
        αλλά ότι που ως κατά μετά πριν προς χωρίς μέχρι ενώ όταν αν δεν θα να είναι ήταν έχει αυτό αυτή
        αυτός αυτά ένα μια ένας σήμερα χθες αύριο επίσης όμως ωστόσο σύμφωνα συνάντηση δευτέρα τρίτη τετάρτη
        πέμπτη παρασκευή σάββατο κυριακή ιανουάριος φεβρουάριος μάρτιος απρίλιος μάιος ιούνιος ιούλιος
        αύγουστος σεπτέμβριος οκτώβριος νοέμβριος δεκέμβριος ιανουαρίου φεβρουαρίου μαρτίου απριλίου μαΐου
        ιουνίου ιουλίου αυγούστου σεπτεμβρίου οκτωβρίου νοεμβρίου δεκεμβρίου"""
    ),
}

# First syllables of the verbs that most often follow a Vietnamese name: a lower-case syllable is
# part of an organisation's name only when it is none of these ("Bộ Y tế" but "Bộ Y tế ghi nhận").
VI_VERB_SYLLABLES = words(
    """ghi báo giảm tăng chọn tiếp công cảnh kêu đề thông nhận yêu ký tổ phát khẳng đánh triển tuyên ban
    chỉ trao gửi mở đưa đạt dự gặp thăm làm bắt giữ ra vào cho biết nói cấp duy chấp kiểm xử điều ngừng
    tham hợp hỗ cam bày bác lên xuống đón chúc mời hoàn quyết ước sẽ đã đang vẫn còn luôn thua thắng
    bầu mua bán đầu chi vay lãi"""
)

# Words that join name parts inside a run: "Ciudad de México", "Ludwig van Beethoven", "Bank of America".
PARTICLES = words(
    "de del della di da dos das do du des la las los le van von der den ten ter zu bin ibn ben bint al el of y for für"
)
# German articles are particles only after "von" / "van" ("Ursula von der Leyen"); otherwise they
# join two nouns, not a name ("Angaben der Polizei").
DE_ARTICLE_PARTICLES = words("der den des dem die")

# Titles before a person's name (lower-case; phrases allowed).  Shared across Latin-script languages
# because they rarely collide, and articles quote foreign titles.
PERSON_TITLES = phrases(
    """president|vice president|prime minister|minister|foreign minister|defence minister|defense minister|
    chancellor|secretary|secretary general|secretary-general|general secretary|mr|mr.|mrs|mrs.|ms|ms.|dr|dr.|
    prof|prof.|senator|sen.|governor|gov.|rep.|spokesman|spokeswoman|spokesperson|king|queen|prince|princess|
    pope|prefect|préfet|préfète|prefecto|prefecta|ceo|chairman|chairwoman|mayor|judge|ambassador|leader|sheikh|emir|archbishop|coach|striker|
    presidente|presidenta|vicepresidente|ministro|ministra|canciller|señor|señora|sr.|sra.|doña|alcalde|
    alcaldesa|gobernador|gobernadora|portavoz|secretario|secretaria|diputado|diputada|senador|senadora|
    rey|reina|papa|juez|jueza|mandatario|mandataria|líder|expresidente|expresidenta|exministro|exministra|
    futbolista|delantero|entrenador|cantante|actor|actriz|escritor|escritora|periodista|empresario|empresaria|
    président|présidente|ministre|premier ministre|chancelier|chancelière|m.|mme|porte-parole|
    secrétaire général|roi|reine|maire|
    präsident|präsidentin|kanzler|kanzlerin|bundeskanzler|bundeskanzlerin|herr|frau|papst|könig|königin|
    senhor|senhora|signor|signora|premier|
    cumhurbaşkanı|başbakan|bakan|bay|bayan|sayın|milletvekili|başkan|lider|genel başkan|genel başkanı|
    genel sekreter|genel sekreteri|devlet başkanı|ekonomist|sanatçı|gazeteci|yazar|oyuncu|şarkıcı|
    futbolcu|avukat|profesör|prof|doç|teknik direktör|iş insanı|iş adamı|
    ông|bà|chủ tịch|chủ tịch nước|tổng bí thư|thủ tướng|bộ trưởng|thứ trưởng|tổng thống|đại sứ|
    người phát ngôn|phó chủ tịch|phó thủ tướng|tổng thư ký|ngoại trưởng|cầu thủ|ca sĩ|nhà báo|
    đại tướng|thượng tướng|giám đốc|tổng giám đốc|huấn luyện viên|diễn viên|tỷ phú|
    президент|премьер-министр|министр|глава|господин|госпожа|пресс-секретарь|канцлер|председатель|
    генсек|генеральный секретарь|спикер|мэр|губернатор|прем'єр-міністр|міністр|пан|пані|речник|
    prezydent|prezydenta|prezydentem|prezydentowi|premiera|premierem|ministra|ministrem|szef|szefa|szefem|
    szefowa|rzecznik|rzecznika|rzecznikiem|kanclerz|kanclerza|kanclerzem|sekretarz|sekretarza|papież|papieża|
    król|króla|marszałek|marszałka|wicepremier|ambasador|gubernator|burmistrz|
    πρόεδρος|πρόεδρο|προέδρου|πρωθυπουργός|πρωθυπουργό|πρωθυπουργού|υπουργός|υπουργό|υπουργού|
    καγκελάριος|εκπρόσωπος|πρέσβης|δήμαρχος|βασιλιάς|πάπας|κύριος|κυρία"""
)

# Word endings that make a token a title ("Außenministerin", "Dışişleri Bakanı", "Parteichef").
PERSON_TITLE_SUFFIXES: dict[str, tuple[str, ...]] = {
    "de": (
        "minister",
        "ministerin",
        "ministers",
        "präsident",
        "präsidentin",
        "präsidenten",
        "kanzler",
        "kanzlerin",
        "kanzlers",
        "sprecher",
        "sprecherin",
        "chef",
        "chefin",
        "chefs",
        "vorsitzende",
        "vorsitzender",
        "vorsitzenden",
        "trainer",
        "bürgermeister",
        "sänger",
        "sängerin",
        "schauspieler",
        "schauspielerin",
        "autor",
        "autorin",
        "moderator",
        "moderatorin",
        "regisseur",
        "regisseurin",
        "spieler",
        "spielerin",
        "stürmer",
        "torwart",
        "botschafter",
        "botschafterin",
        # "Generalsekretär", "Amtskollegen", "Chefökonomin", "Generaldirektor", "Oppositionsführer"
        "sekretär",
        "sekretärin",
        "kollege",
        "kollegen",
        "kollegin",
        "ökonom",
        "ökonomin",
        "direktor",
        "direktorin",
        "führer",
        "führerin",
        "präfekt",
        "präfektin",
    ),
    "es": ("presidente", "presidenta", "ministro", "ministra"),
    # with the "our" of "Cumhurbaşkanımız Erdoğan" ("our President") too
    "tr": (
        "bakanı",
        "başkanı",
        "sözcüsü",
        "sekreteri",
        "lideri",
        "başbakanı",
        "valisi",
        "temsilcisi",
        "bakanımız",
        "başkanımız",
        "valimiz",
        "ekonomisti",  # "OECD Başekonomisti Claire Jordan"
        "direktörü",
        "müdürü",
        "elçisi",
        "komutanı",
    ),
}

# Words that make a capitalised run an organisation wherever they sit in it.
ORG_HEADS = words(
    """ministry party bank university council company corporation corp inc ltd llc group agency union
    association committee commission court army organization organisation foundation institute
    federation league parliament congress senate police department office airlines fc club times news
    airways systems television radio tribune gazette journal herald börse
    ministerio partido banco universidad consejo empresa agencia unión asociación comité comisión corte
    tribunal ejército organización fundación instituto federación congreso senado policía gobierno centro
    colegio escuela academia école lycée académie schule akademie
    secretaría cámara fiscalía sa asamblea generalitat guardia fondo junta audiencia sindicato
    real atlético deportivo inter sporting athletic racing club
    ministère parti banque université conseil commission entreprise agence société armée assemblée
    ministério universidade ministero partito banca università
    partei bank universität verband gmbh ag gericht kommission bundestag bundesrat polizei regierung
    stiftung konzern bundestag bundesrat bundeswehr bundesliga landtag grünen nationen bahn post telekom
    partisi bankası üniversitesi meclisi derneği vakfı örgütü birliği mahkemesi kurulu komisyonu ajansı
    belediyesi holding a.ş. bakanlığı yolları kurumu başkanlığı müdürlüğü milletler
    министерство партия банк университет совет компания агентство союз комитет комиссия суд армия
    организация фонд институт федерация парламент дума госдума полиция правительство кремль
    міністерство партія"""
)

# Token endings that make a token an organisation head (German and Turkish compounds).
ORG_SUFFIXES: dict[str, tuple[str, ...]] = {
    "de": (
        "ministerium",
        "partei",
        "gericht",
        "verband",
        "bank",
        "universität",
        "kommission",
        "behörde",
        "konzern",
        "gesellschaft",
        "amt",
        "amts",
        "regierung",
        "institut",
        "instituts",
        "gerichtshof",
        "gerichtshofs",
        "ministeriums",
        "gerichts",
        "agentur",
    ),
    "tr": (
        "bakanlığı",
        "partisi",
        "bankası",
        "üniversitesi",
        "meclisi",
        "örgütü",
        "birliği",
        "mahkemesi",
        "kurumu",
        "başkanlığı",
        "müdürlüğü",
        "federasyonu",
        "enstitüsü",
        "gazetesi",
        "grubu",
        "kulübü",
        "şirketi",
        "vakfı",
        "derneği",
        "konseyi",
        "komitesi",
        "ajansı",
        "televizyonu",
        "radyosu",
        "sendikası",
        "borsası",
        "valiliği",
        "hastanesi",
        "okulu",
        "lisesi",
        "akademisi",
        "komutanlığı",
        "savcılığı",
        "belediyesi",
        "spor",  # football clubs: Trabzonspor, Sivasspor
    ),
}
# Of those endings, the ones that make an organisation only when written onto a name: "Spor" alone
# is "sport" ("Gençlik ve Spor Bakanı", the minister of youth and sports).
ORG_COMPOUND_ONLY_SUFFIXES = words("spor")
# Turkish writes case endings onto an organisation's name ("İçişleri Bakanlığınca", "... Bakanlığına"):
# a token is still the head when one of these follows a head ending in its possessive vowel.
# So do the possessive "our" ("Sağlık Bakanlığımız") and the short genitive ("Bakanlığın").
TR_ORG_CASE_ENDINGS = (
    "nca", "nce", "na", "ne", "ndan", "nden", "nın", "nin", "nun", "nün",
    "nda", "nde", "nı", "ni", "nu", "nü", "yla", "yle", "ndaki", "ndeki",
    "mız", "miz", "muz", "müz", "n",
)  # fmt: skip

# German organisation head words that are names on their own ("die Grünen", "der Bundestag"); any
# other bare head is a common noun there ("die Polizei", "die Regierung").
DE_ORG_NAMES = words("grünen bundestag bundesrat bundeswehr bundesliga landtag")
# Head words that name one organisation on their own in any language: the German ones, the Kremlin,
# the Duma, Catalonia's Generalitat, and the clubs sports pages call by their first word ("el Real",
# "l'Inter").  Every other head alone is a common noun: "el Instituto", "Bakanlığı", "the Council".
HEADS_NAMING_ALONE = DE_ORG_NAMES | words(
    "кремль дума госдума generalitat real atlético inter sporting athletic racing telekom"
)

# Words that open or close the name of a competition, a festival or a day ("Copa del Rey", "Süper
# Lig", "Türkiye Kupası", "Liga MX", "Gençlik ve Spor Bayramı", "Dünya Kadınlar Günü"): the name is
# an event ("other"), not a person's or a company's, and the word alone names none ("la Liga
# española" is any country's).
# Plural names of happenings written after a place ("Tokyo Olympics", "Paris Peace Talks"): an event,
# not a team named for the place.
EVENT_PLURALS = words("olympics games championships awards talks elections protests riots")

COMPETITION_HEADS = words(
    """liga ligas lig copa copas coupe cup pokal kupası kupa şampiyonası campeonato championnat torneo
    tournoi mundial bayramı günü"""
)

# Words that make a name a facility, whoever it is named after: "St. Anna Hospital", "Hospital
# Universitario La Paz", "Estadio Azteca", "Cerereso de Cieneguillas" (Mexico's prisons go by
# acronyms: Cereso, Cefereso); the word alone names none ("el director del Hospital").
FACILITY_WORDS = words(
    """hospital hôpital clínica clinique klinik klinikum krankenhaus clinic estadio stade stadion
    aeropuerto aéroport cárcel prisión penitenciaría reclusorio museo musée salonu stadyumu stadı
    havalimanı havaalanı cezaevi müzesi cereso cerereso cefereso"""
)

# Turkish nationality words (adjective and noun alike), which no place name's ending derives:
# "Türk", "Alman", "İspanyol".  Those that do ("Amerikalı", "Suriyeli") are found by their ending.
TR_NATIONALITIES = words(
    """türk alman fransız ingiliz rus arap kürt yunan ermeni japon çinli ispanyol italyan hollandalı
    acem fars leh macar bulgar romen sırp hırvat boşnak arnavut gürcü azeri özbek kazak kırgız türkmen"""
)
TR_PLACE_ADJECTIVE_ENDINGS = ("lı", "li", "lu", "lü")  # "Suriyeli": of Suriye (Syria)

# A Turkish word that opens a sentence with a possessive and a case ending is a noun of the
# sentence, never a name's first word: "Yaralılarımıza Allah acil şifalar versin" ("to our wounded").
TR_INFLECTED_ENDINGS = (
    "ımıza", "imize", "umuza", "ümüze", "ımızı", "imizi", "umuzu", "ümüzü", "ımızın", "imizin",
    "larına", "lerine", "larını", "lerini", "larının", "lerinin", "larımız", "lerimiz",
)  # fmt: skip

# Words that make a run an organisation when they start it (German) or appear in it (Spanish):
# "Deutsche Bahn", "Vereinte Nationen", "Guardia Civil", "Partido Popular".
ORG_ADJECTIVES: dict[str, frozenset[str]] = {
    "de": words(
        """deutsche deutschen deutscher europäische europäischen europäischer vereinte vereinten
        internationale internationalen internationaler arabische arabischen arabischer afrikanische
        afrikanischen afrikanischer"""
    ),
    "es": words(
        """nacional internacional civil popular supremo suprema federal central constitucional mundial
        europea europeo socialista comunista nacionales judicial legislativo ejecutivo electoral"""
    ),
    "tr": words("türk ulusal uluslararası milli"),
}

# A common noun before a company's name, not part of it ("Der Autobauer Volkswagen", "Hãng Samsung").
DE_ORG_DESCRIPTOR_SUFFIXES = (
    "konzern",
    "autobauer",
    "hersteller",
    "gewerkschaft",
    "unternehmen",
    "firma",
    "verein",
    "sender",
    "discounter",
    "versicherer",
    "fluggesellschaft",
    "händler",
    "riese",
)


def is_org_descriptor(low: str) -> bool:
    """A German common noun naming what kind of company follows, in any case ("des Herstellers")."""
    return low.endswith(DE_ORG_DESCRIPTOR_SUFFIXES) or low.removesuffix("s").endswith(DE_ORG_DESCRIPTOR_SUFFIXES)


VI_ORG_DESCRIPTORS = phrases("hãng hàng không|hãng tin|hãng thông tấn|hãng|công ty công nghệ")

# The last word of a football club named after its city ("Orlando City", "Manchester United").
CLUB_TAILS = words("city united fc cf sc")
# A club's legal form, which news often leaves out: "FC Bayern München" is "Bayern München".
CLUB_FORMS = words("fc cf sc ac afc sv")


def without_club_form(name: str, keep: int = 1) -> str | None:
    """A club's name without the legal form that closes or opens it ("Liverpool FC" → "Liverpool",
    "FC Bayern München" → "Bayern München") when more than ``keep`` words are there; ``None`` when
    there is none to drop."""
    found = name.split()
    if len(found) > keep and found[-1].casefold() in CLUB_FORMS:
        return " ".join(found[:-1])
    if len(found) > keep and found[0].casefold() in CLUB_FORMS:
        return " ".join(found[1:])
    return None
# Languages that capitalise every noun, so a capitalised word after a name may be no part of it.
NOUNS_CAPITALISED = words("de lb")
# The first word of a club named after its city ("Real Valladolid", "FC Barcelona").
CLUB_HEADS = CLUB_FORMS | words("real")
# Prepositions that put the name after them where a place goes ("in Liverpool", "à Lyon"), which
# keep a city's name the city's in a report on its club.
LOCATIVE_PREPOSITIONS = words("in at near en à au aux dans im nach")
# The words that join the last item of an enumeration ("Arizona, Florida y Washington").
LIST_CONJUNCTIONS = words("and or y o e et ou und oder ve veya ile i и или")

# Legal forms written after a company's name; their dots keep them out of the token run.
LEGAL_FORMS = ("S.A.", "S.L.", "A.Ş.", "Inc.", "Ltd.", "S.p.A.", "N.V.", "Co.")

# Vietnamese capitalises only the first syllable of an organisation: "Bộ Ngoại giao", "Đảng Cộng sản".
VI_ORG_HEADS = phrases(
    """bộ|đảng|ngân hàng|công ty|tập đoàn|quốc hội|chính phủ|ủy ban|uỷ ban|trường|viện|hãng|đài|báo|hội đồng|
    tổng cục|đại học|học viện|bệnh viện|liên đoàn|hiệp hội|tòa án|toà án|cục|sở|tổng công ty|thông tấn xã"""
)

# First words of a place name ("Ciudad de México", "New York", "San Francisco").
PLACE_HEADS = words(
    """city ciudad cité ville stadt şehir provincia province estado state región region república republic
    san santa são saint st. nueva new puerto port lake lago mount monte isla island islas islands
    océano ocean océan ozean golfo gulf golfe río rivière cordillera sierra plaza piazza praça"""
)

# Heads of a state's or a town's own bodies: a country or city named before one ("Türkiye Dışişleri
# Bakanlığı", "French Foreign Ministry" aside, "Paris Police Prefecture") or after it and a particle
# ("Ministerio de Asuntos Exteriores de Turquía") is that place, named as itself, as well as the
# body's owner.  Unlike a company, a club or a paper named after its city ("Manchester United",
# "Los Angeles Times"), the body acts for the place.  Lower case; German and Turkish compounds by ending.
STATE_BODY_HEADS = words(
    """ministry ministries ministère ministères ministerio ministerios ministero ministério ministerie
    bakanlığı bakanlık министерство міністерство embassy embajada ambassade ambasciata botschaft
    büyükelçiliği consulate consulado consulat konsolosluğu government gobierno gouvernement governo
    regierung hükümeti правительство police policía polizei polisi полиция army ejército armée
    esercito armee ordusu армия parliament parlamento parlement parlament meclisi парламент
    municipality municipio ayuntamiento mairie municipalité belediyesi prefecture prefectura
    préfecture valiliği governorate senate senado sénat senat presidency presidencia présidence
    cumhurbaşkanlığı başbakanlığı polizeipräsidium polizeidirektion polizeiinspektion"""
)
STATE_BODY_SUFFIXES = ("ministerium", "botschaft", "regierung", "polizei", "bakanlığı", "valiliği", "belediyesi")


# A ministry is named by its field ("Adalet Bakanlığı", the Ministry of Justice): the one word right
# before its head is that field, never its country, which comes first ("Türkiye Adalet Bakanlığı").
MINISTRY_HEADS = words(
    """ministry ministère ministerio ministero ministério ministerie bakanlığı bakanlık министерство
    міністерство"""
)


def heads_ministry(word: str) -> bool:
    low = word.casefold()
    return low in MINISTRY_HEADS or (len(low) > 8 and low.endswith("ministerium"))


def heads_state_body(word: str) -> bool:
    """``word`` (any case) heads a state's or a town's body: "Bakanlığı", "Police", "Außenministerium"."""
    low = word.casefold()
    return low in STATE_BODY_HEADS or (len(low) > 8 and low.endswith(STATE_BODY_SUFFIXES))

# Head words that only say what kind of place follows ("Stadt Krefeld" is Krefeld, "Region Hannover"
# its district): unlike "Nueva" or "San", they make no other place of the name after them.
PLACE_DESIGNATORS = words(
    """city ciudad cité ville stadt şehir provincia province estado state región region república
    republic"""
)

# A saint's name opening a place's ("San Pedro", "Saint-Denis", "St. Louis"): hundreds of towns
# share each one, and the knowledge base lists only the largest, so such a name is only that place
# when the text names its country (``KnowledgeBase.usable``).
SAINT_PREFIXES = words("san santa santo são sao saint sainte st ste sankt")
# Joined to another name by a hyphen ("Saint-Fons", "Sankt-Peter-Ording"), as French and German name
# towns: a place wherever it is written, capitalised nouns or not.
SAINT_NAMED = regex.compile(r"^(?:" + "|".join(sorted(SAINT_PREFIXES)) + r")-\p{Lu}", regex.IGNORECASE)

# Last words of a facility or a square, which are places whoever they are named after: "St Peter's
# Square", "Union Station", "Heathrow Airport"; German writes them onto the name ("Petersplatz").
FACILITY_TAILS = words(
    """square street avenue boulevard road bridge airport station stadium cathedral basilica chapel
    mosque palace harbour harbor"""
)  # not "church" (the Catholic Church is a body), nor words that are surnames too (Park, Temple, Castle)
FACILITY_SUFFIXES: dict[str, tuple[str, ...]] = {
    "de": ("platz", "straße", "strasse", "bahnhof", "flughafen", "brücke", "stadion", "kirche"),
}

# Last words of a broadcaster's or a party's name: "Catholic Sat", "Iguana TV", "Austria's
# Conservatives".  A party named by its members in the plural is an organisation, not a person.
ORG_TAILS = words(
    """tv sat radio network conservatives liberals democrats republicans socialists communists
    greens tories nationalists birlik"""
)

# An article opening a capitalised name makes it a title (a work, a paper, a ship), not a person's.
TITLE_ARTICLES = words("the")

# Definite articles before a lone capitalised word make it a common noun written with a capital
# ("la Tierra", "la Presidencia", "el Instituto", "the Internet"): people are never named with one,
# and the places and bodies that are ("la Rioja", "the Kremlin") are in the knowledge base.
DEFINITE_ARTICLES: dict[str, frozenset[str]] = {
    "es": words("el la los las del al"),
    "fr": words("le la les du des au aux"),
    "it": words("il lo la gli le del della dello dei degli delle al alla"),
    "pt": words("o a os as do da dos das no na ao"),
    "en": words("the"),
}

# A particle fused with an article ("del Estado", "du Nord"): institutions and places have them,
# family names rarely do ("Pérez de Cuéllar", "von der Leyen" are written after a given name).
ARTICLE_PARTICLES = words("del della dello degli delle du des")

# Compass words that open a region named after a place ("Kuzey Irak", "Northern Syria", "Sud Liban"):
# with a known place after them, the whole name is a place, never a person.
DIRECTIONS = words(
    """north northern south southern east eastern west western central
    nord sud est ouest centre norte sur este oeste centro nördlich süd ost west mittel
    kuzey güney doğu batı orta
    شمال جنوب شرق غرب وسط شمالي جنوبي شرقي غربي"""
)

# Feasts and calendar days written with capitals: "other", never a person or an organisation.
HOLIDAYS = phrases(
    """new year|new year's eve|new year's day|christmas|christmas eve|easter|ramadan|eid|eid al-fitr|
    eid al-adha|thanksgiving|halloween|nouvel an|réveillon|saint-sylvestre|noël|pâques|neujahr|silvester|
    weihnachten|ostern|año nuevo|nochevieja|navidad|nochebuena|semana santa|pascua|yılbaşı|noel|ramazan|
    ramazan bayramı|kurban bayramı|новый год|рождество|пасха|рамадан|hanukkah|chanukah|hanoucca|hanouka|
    chanukka|januká|janucá|hanuka|ханука|nativity|epiphany|advent|lent|pentecost|good friday|
    ash wednesday|all saints|passover|yom kippur|rosh hashanah|diwali|nevruz|nowruz|natividad|epifanía|
    cuaresma|nativité|épiphanie|pfingsten"""
)

# A news page's own furniture ("Güncelleme: 03.01.2020", "Son Dakika Haberleri Haberi Kaydet",
# "Actualizado"): a capitalised run made only of these words names nothing.
PAGE_FURNITURE = words(
    """güncelleme güncellenme güncellendi tarihi yayınlanma giriş son dakika haberleri haberi kaydet
    paylaş abone yorum yorumlar okunma
    actualizado actualización publicado aktualisiert aktualisierung veröffentlicht publié modifié mis
    updated published escuchar nota video vídeo videos vidéo fotos galería galerie canlı izle
    mirá"""
)

# Last words of a place name, per language ("Salda Gölü", "Hudson River", "Bodensee" is one word).
PLACE_TAILS: dict[str, frozenset[str]] = {
    "tr": words("gölü dağı dağları adası adaları nehri ırmağı körfezi boğazı ovası vadisi çölü denizi"),
    "en": words(
        """river lake island islands mountains mountain valley bay strait desert sea gulf peninsula falls
        springs heights hills keys plains rapids woods"""
    ),
    "de": words("see fluss insel inseln gebirge tal bucht wüste meer"),
}


def reads_as_place(words: Sequence[str], lang: str | None = None) -> bool:
    """Whether a name of several lower-cased words says it is a place by its own head or tail word
    ("Ciudad de México", "Salda Gölü"): the tails of ``lang``, or of any language when it is unknown."""
    if len(words) < 2:
        return False
    tails = PLACE_TAILS.get(lang, frozenset()) if lang else frozenset().union(*PLACE_TAILS.values())
    return words[0] in PLACE_HEADS or words[-1] in tails


# Vietnamese place words that precede a proper name: "thành phố Hồ Chí Minh", "tỉnh Quảng Nam".
VI_PLACE_TRIGGERS = phrases("thành phố|tp.|tỉnh|huyện|quận|thủ đô|xã|tại|ở")

# Countries Vietnamese puts between a title and a name: "Tổng thống Nga Vladimir Putin".
VI_COUNTRIES = phrases(
    """nga|mỹ|hoa kỳ|trung quốc|pháp|đức|anh|nhật bản|hàn quốc|ấn độ|việt nam|lào|campuchia|thái lan|
    ukraine|israel|iran|triều tiên|indonesia|singapore|malaysia|philippines|úc|canada|brazil|cuba"""
)

# Conjunctions allowed inside an organisation's name: "Adalet ve Kalkınma Partisi".
ORG_CONJUNCTIONS = words("and und et e y ve và i и")
# Words that join an institution's name after its head word, where a person's name never has them
# ("Organización para la Cooperación y el Desarrollo Económicos", "Organisation for Economic
# Co-operation and Development"), an article after them allowed.
ORG_CONNECTORS = ORG_CONJUNCTIONS | words("para por pour per ile")

# Common Vietnamese family names: a run starting with one is a person.
VI_SURNAMES = words(
    """nguyễn trần lê phạm hoàng huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương lý tô đinh trương lương vương
    mai trịnh đoàn lâm tạ cao"""
)

# Upper-case words that name nothing: currency codes and units news quotes, economic measures in
# several languages (GDP is PIB, BIP, GSYH; VAT is IVA, TVA, KDV), screens and papers.
NOT_ACRONYMS = words(
    """USD EUR GBP JPY CNY VND RUB TRY TL YTL CHF GDP PIB BIP GSYH VAT IVA TVA KDV MWST GMT UTC CET MEZ CEO
    TV ID PDF OK AVM"""
)

# Common given names (German, English, Romance, Turkish, Slavic, Arabic in Latin letters): in German,
# where every noun is capitalised, a run of capitals is a person only after a title or one of these.
GIVEN_NAMES = words(
    """alexander alexandra andreas andrea angela anna annalena anne antonio antony armin barbara benjamin
    bernd boris carl carlos carsten charles christian christine christina christoph claudia daniel david
    dieter donald elon emmanuel erik eva felix florian frank franz friedrich georg gerhard gregor hans
    heiko heinrich helene helmut hubert horst ingrid jan jens joachim joe johann johannes jonas josef
    julia jürgen karin karl katarina katharina kevin klaus kristina lars lena lisa lukas manfred manuela
    marco marcus maria marie mario mark markus martin martina matthias max michael michaela nancy nicole
    norbert olaf oliver paul peter petra philipp rainer ralf ricarda robert roland rolf rudolf sabine
    sahra sarah sebastian stefan steffen stephan susanne sven thomas tim tobias ulrich ursula uwe volker
    walter werner wolfgang wladimir wolodymyr xavier
    alberto alejandro ana andrés ángel antonia beatriz carmen cristina diego eduardo elena emilio enrique
    fernando francisco gabriel gonzalo gustavo ignacio isabel javier jesús jorge josé juan julio laura
    leonardo lionel lucía luis manuel marcelo maría marta miguel nicolás pablo patricia pedro rafael ramón
    ricardo roberto santiago sergio teresa xavier yolanda
    ahmet ali ayşe burak can cem deniz ekrem emine emre fatma hakan hasan hüseyin ibrahim ismail kemal
    kemal mahmut mansur mehmet meral murat mustafa necmettin nur osman ömer özgür recep selahattin
    serkan süleyman tayyip yusuf zeynep
    abdel abdullah ahmed bashar hassan mohamed mohammed muhammad omar
    dmitri dmitry sergei sergey vladimir volodymyr yulia
    george james john joseph kamala michael richard robert william"""
)
