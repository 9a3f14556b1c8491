"""Calendar words of every language the date patterns read: month and weekday names, relative days,
fixed-date holidays, and the cues of a sentence that recalls the background (``storyweave.dates``
reads them)."""

from __future__ import annotations


def lookup(table: dict[int, str]) -> dict[str, int]:
    """name -> number, from number -> names separated by ``|``."""
    return {name: month for month, names in table.items() for name in names.split("|")}


MONTHS: dict[str, int] = lookup(
    {
        1: "january|jan|janvier|janv|enero|januar|jänner|ocak|"
        "января|январь|يناير|جانفي|كانون الثاني|gennaio|janeiro|januari",
        2: "february|feb|février|fevrier|févr|febrero|februar|şubat|"
        "subat|февраля|февраль|فبراير|فيفري|شباط|febbraio|fevereiro|februari",
        3: "march|mar|mars|marzo|märz|maerz|mart|марта|март|مارس|آذار|março|maart",
        4: "april|apr|avril|abril|nisan|апреля|апрель|أبريل|ابريل|إبريل|أفريل|نيسان|aprile",
        5: "may|mai|mayo|mayıs|mayis|мая|май|مايو|ماي|أيار|maggio|maio|mei",
        6: "june|jun|juin|junio|juni|haziran|июня|июнь|يونيو|يونيه|جوان|حزيران|giugno|junho",
        7: "july|jul|juillet|julio|juli|temmuz|июля|июль|يوليو|يوليه|جويلية|تموز|luglio|julho",
        8: "august|aug|août|aout|agosto|ağustos|agustos|августа|август|أغسطس|اغسطس|أوت|آب|augustus",
        9: "september|sep|sept|septembre|septiembre|setiembre|eylül|"
        "eylul|сентября|сентябрь|سبتمبر|أيلول|settembre|setembro",
        10: "october|oct|octobre|octubre|oktober|ekim|октября|октябрь|أكتوبر|اكتوبر|تشرين الأول|ottobre|outubro",
        11: "november|nov|novembre|noviembre|kasım|kasim|ноября|ноябрь|نوفمبر|تشرين الثاني|novembro",
        12: "december|dec|décembre|decembre|déc|diciembre|dezember|"
        "aralık|aralik|декабря|декабрь|ديسمبر|كانون الأول|dicembre|dezembro",
    }
)
# Monday = 0, as date.weekday() counts.
WEEKDAYS: dict[str, int] = lookup(
    {
        0: "monday|lundi|lunes|montag|pazartesi|понедельник|الاثنين|الإثنين|thứ hai",
        1: "tuesday|mardi|martes|dienstag|salı|вторник|الثلاثاء|thứ ba",
        2: "wednesday|mercredi|miércoles|miercoles|mittwoch|çarşamba|среду|среда|الأربعاء|الاربعاء|thứ tư",
        3: "thursday|jeudi|jueves|donnerstag|perşembe|четверг|الخميس|thứ năm",
        4: "friday|vendredi|viernes|freitag|cuma|пятницу|пятница|الجمعة|thứ sáu",
        5: "saturday|samedi|sábado|sabado|samstag|cumartesi|субботу|суббота|السبت|thứ bảy",
        6: "sunday|dimanche|domingo|sonntag|pazar|воскресенье|الأحد|الاحد|chủ nhật",
    }
)
# Words that only read as a weekday behind a marker (Pazar = market, Cuma = Friday prayer, الأحد = the one).
WEEKDAY_NEEDS_MARKER = frozenset(
    {
        "pazar",
        "cuma",
        "pazartesi",
        "salı",
        "çarşamba",
        "perşembe",
        "cumartesi",
        "الأحد",
        "الاحد",
        "الجمعة",
        "السبت",
        "الاثنين",
        "الإثنين",
        "thứ hai",
        "thứ ba",
        "thứ tư",
        "thứ năm",
        "thứ sáu",
        "thứ bảy",
        "среду",
        "среда",
        "пятницу",
        "пятница",
        "субботу",
        "суббота",
        "понедельник",
        "вторник",
        "четверг",
        "воскресенье",
    }
)

RELATIVE_DAYS: dict[str, int] = {
    **dict.fromkeys(
        [
            "day before yesterday",
            "avant-hier",
            "anteayer",
            "antier",
            "vorgestern",
            "evvelsi gün",
            "позавчера",
            "أول أمس",
            "أول من أمس",
            "hôm kia",
            "前天",
        ],
        -2,
    ),
    **dict.fromkeys(
        ["yesterday", "hier", "ayer", "gestern", "dün", "вчера", "أمس", "الأمس", "hôm qua", "昨天", "昨日"], -1
    ),
    **dict.fromkeys(
        ["today", "aujourd'hui", "aujourd’hui", "hoy", "heute", "bugün", "сегодня", "hôm nay", "今天", "今日"], 0
    ),
    **dict.fromkeys(["tomorrow", "demain", "yarın", "завтра", "غدا", "غداً", "ngày mai", "明天"], 1),
}
# Relative-day words that are ordinary words in another language: French "hier" is German "here".
NOT_RELATIVE_IN = {"hier": frozenset({"de", "nl"})}
# Fixed-date holidays news names instead of a date ("on New Year's Eve", "am Silvesterabend").
HOLIDAYS: dict[str, tuple[int, int]] = {
    **dict.fromkeys(
        [
            "new year's eve",
            "new year’s eve",
            "new years eve",
            "silvesterabend",
            "silvesternacht",
            "silvester",
            "saint-sylvestre",
            "nochevieja",
            "yılbaşı gecesi",
            "ليلة رأس السنة",
            "канун нового года",
        ],
        (12, 31),
    ),
    **dict.fromkeys(
        [
            "new year's day",
            "new year’s day",
            "neujahrstag",
            "jour de l'an",
            "jour de l’an",
            "día de año nuevo",
            "año nuevo",
            "yılbaşı",
            "رأس السنة الميلادية",
        ],
        (1, 1),
    ),
    **dict.fromkeys(["christmas eve", "heiligabend", "nochebuena", "réveillon de noël"], (12, 24)),
    **dict.fromkeys(["christmas day", "weihnachtstag", "jour de noël", "día de navidad"], (12, 25)),
}
# Sentences that recall the background rather than report the happening: births, birthdays and
# ages (a profile box's "Geburtsdatum 12. Dezember 1990" too), anniversaries (each recalls one
# day), and "since ..." (a stretch of the past).  Regular-expression alternatives.
DAY_RECALLED = (
    r"born|née?|nacid[oa]|nació|geboren|doğdu|doğumlu|doğan|родил(?:ся|ась)|ولد|وُلد"
    r"|anniversary|anniversaire|aniversario|jahrestag|yıl ?dönümü|годовщин\w*|ذكرى"
    r"|birthday|geburtstag|cumpleaños|doğum günü|день рождения|عيد ميلاد|alt geworden|cumplió|a fêté ses"
    r"|geburtsdatum|date of birth|birth ?date|date de naissance|fecha de nacimiento|doğum tarihi|дата рождения"
    r"|تاريخ الميلاد|تاريخ ميلاد"
)
SINCE = r"since|depuis|desde|seit|منذ عام"
