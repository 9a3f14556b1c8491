"""Cut captions, credits, bylines, teaser and related-article blocks, boilerplate and repeated lines.

``clean(article)`` is a pure function of one article: it works line by line on the text, in any
language, and records every cut as a ``Removal`` so a user can audit what was dropped.  It is
deliberately conservative: a line is cut only when a marker says what it is ("Photo:", "Par …",
"Lire aussi") or when its shape cannot be reporting (a headline printed twice in a row, then a
summary, repeated to the end of the page).  Cutting a sentence of reporting is worse than keeping a
caption, so every rule also checks length and sentence shape before it fires.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .models import Article, Removal

# --- text shape helpers --------------------------------------------------------------------------

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
# A sentence end followed by more text: a line with one of these holds at least two sentences.
_INNER_SENTENCE_END = re.compile(r"[.!?؟。！？](?:[\"'”»)\]]*)\s+\S")
_FINAL_PERIOD = re.compile(r"[.。;；:：,،]\s*$")
_SPACES = re.compile(r"[ \t\u00a0]{2,}")


def _size(line: str) -> int:
    """Words in a line; CJK script has no spaces, so two of its characters count as a word."""
    return len(line.split()) + len(_CJK.findall(line)) // 2


def _norm(line: str) -> str:
    """A comparison key that ignores spacing, case and trailing link ornaments."""
    return " ".join(line.split()).casefold().rstrip(" »›>|•·-–—")


def _headline_like(line: str) -> bool:
    """Short, one sentence, no closing period: how a link to another article reads."""
    return 0 < _size(line) <= 20 and not _INNER_SENTENCE_END.search(line) and not _FINAL_PERIOD.search(line)


# --- captions and credits ------------------------------------------------------------------------

# Words that introduce a photo credit or caption, followed by a separator (":", "=", "/", "|", dash).
_CREDIT_WORDS = (
    r"photo\s*credits?|image\s*credits?|image\s*source|photos?|photographs?|pictures?|pics?|images?|credits?"
    r"|cr[ée]dits?\s*photos?|cr[ée]dits?|illustration|fotos?|fotograf[íi]as?|fotoğraf|görsel|imagen(?:es)?"
    r"|imagem|immagine|cr[ée]dito|bild(?:quelle)?|zdj[eę]cie|ảnh(?:\s+minh\s+họa)?|hình\s+ảnh|hình"
    r"|фото(?:графия)?|источник\s+фото|الصورة|صورة|الصور|تصوير|عکس|צילום|תמונה"
    r"|图片来源|图片|图源|图|摄影|写真|画像|사진"
)
# Credit and caption labels that news sites (BBC in every language, among others) join with a comma.
_CAPTION_LABELS = (
    r"image\s+caption|media\s+caption|photo\s+caption|fuente\s+de\s+la\s+imagen|pie\s+de\s+foto"
    r"|автор\s+фото|подпись\s+к\s+фото|fotoğraf\s+kaynağı|fotoğraf\s+altı\s+yazı|مصدر\s+الصورة"
    r"|التعليق\s+على\s+الصورة|منبع\s+تصویر|توضیح\s+تصویر|chú\s+thích\s+ảnh|bildunterschrift|légende"
)
_CREDIT_PREFIX = (
    rf"(?:(?:{_CREDIT_WORDS})\s*[:：=|/—–]"
    rf"|(?:{_CAPTION_LABELS})\s*[:：=|/—–,،]"
    r"|(?:photo(?:graph)?s?|pictures?|images?)\s+by\b|fot\.|©)"
)
_LEADING_CREDIT = re.compile(rf"^[(\[（【]?\s*(?P<label>{_CREDIT_PREFIX})\s*", re.IGNORECASE)
_CREDIT_ANYWHERE = re.compile(_CREDIT_PREFIX, re.IGNORECASE)
_CAPTION_LABEL = re.compile(rf"^[(\[（【]?\s*(?:{_CAPTION_LABELS})", re.IGNORECASE)
_BRACKETED_CREDIT = re.compile(
    rf"[(\[（【]\s*{_CREDIT_PREFIX}[^()\[\]（）【】\n]{{0,80}}[)\]）】]"
    r"|[（(][^（）()\n]{1,30}摄[）)]",  # Chinese "(新华社记者 … 摄)": photo taken by
    re.IGNORECASE,
)
_AGENCIES = (
    r"getty\s+images|afp|reuters|ap(?:\s+photo)?|epa(?:-efe)?|efe|xinhua|ttxvn|vna|anadolu|ansa|dpa|sputnik"
    r"|tass|тасс|риа\s+новости|imago|shutterstock|istock"
)
_NAME_PART = r"[\w.'’\- ]{1,40}"
_AGENCY_LINE = re.compile(rf"^(?:{_NAME_PART}/\s*)?(?:{_AGENCIES})(?:\s*/{_NAME_PART})?$", re.IGNORECASE)
_AGENCY_SLASH = re.compile(rf"(?:{_AGENCIES})\s*/{_NAME_PART}$|{_NAME_PART}/\s*(?:{_AGENCIES})$", re.IGNORECASE)
# What may stand right before a credit that ends a line: the end of a sentence or a separator.
_BEFORE_TRAILING_CREDIT = re.compile(r"(?:[.!?؟。！？…\"'”»)\]）]\s+|\s*[|•·—–]\s*)$")
_CREDIT_TAIL_WORDS = 7
_CREDIT_WINDOW_CHARS = 120
# Characters every trailing credit contains: its separator, "©", "by" or the Polish "fot.".
_CREDIT_TRIGGER = re.compile(r"[:：=/|—–©]|by\b|fot\.", re.IGNORECASE)
_CAPTION_MAX_WORDS = 40
_CREDIT_MAX_NAME_WORDS = 6

# --- bylines -------------------------------------------------------------------------------------

# "By Jane Doe": the words after the marker must look like names, which only cased scripts can show.
_BYLINE_NAMED = re.compile(
    r"^(?:reporting\s+by|written\s+by|words\s+by|by|par|von|por|di|door|przez|texte?\s+de|texto\s+de)\s+(?P<rest>.+)$",
    re.IGNORECASE,
)
# "Autor: …", "Reporter: …": the label says it all, so any script will do.
_BYLINE_LABELED = re.compile(
    r"^(?:authors?|auteurs?|autor(?:es|in|en)?|autore|autori|reporters?|correspondent|correspondant|corresponsal"
    r"|texte?|texto|testo|redacción|rédaction|reportagem|yazan|muhabir|haber|editör|editors?|edited\s+by"
    r"|editing\s+by|reporting|автор|авторы|текст|корреспондент|редактор|phóng\s+viên|pv|bài(?:\s+và\s+ảnh)?"
    r"|biên\s+tập|tác\s+giả|记者|文|编辑|责任编辑|作者|撰文|كتب|كتبت|إعداد|تحرير|المحرر|نویسنده|خبرنگار"
    r"|כתב|כתבה|מאת)\s*[:：/—–]\s*(?P<rest>.+)$",
    re.IGNORECASE,
)
# Markers of scripts without case, used without a colon: "بقلم محمد علي", "记者 张三".
_BYLINE_CASELESS = re.compile(r"^(?:بقلم|מאת|记者|撰文)\s*(?P<rest>.+)$")
# Source lines that close an article: "Theo TTXVN", "Source: Reuters".
_SOURCE_LINE = re.compile(
    r"^(?:(?:source|sources|quelle|fuente|fonte|kaynak|источник|المصدر|来源|出典|منبع|nguồn)\s*[:：]"
    r"|(?P<theo>theo)\s)\s*(?P<rest>.+)$",
    re.IGNORECASE,
)
# Words that join or prefix names ("Jane Doe and John Smith", "Anika von Greve"): not a clause.
_NAME_CONNECTOR_WORDS = (
    "and & et und y e и і та و ve và och og van von de da di del della der den du dos das la le al el "
    "bin ibn à a au in en aus em"
)
_NAME_CONNECTORS = frozenset(_NAME_CONNECTOR_WORDS.split())
_BYLINE_SEPARATORS = re.compile(r"\s*(?:[|;,/(\[–—•·]|\s-\s)\s*")
_BYLINE_MAX_WORDS = 12


# --- related-article blocks and boilerplate ------------------------------------------------------

_RELATED_MARKERS = (
    r"read\s+more|read\s+also|also\s+read|more\s+on\s+this(?:\s+story)?|related(?:\s+(?:articles?|stories|news"
    r"|coverage|content))?|see\s+also|recommended(?:\s+for\s+you)?|you\s+may\s+also\s+like|more\s+stories"
    r"|[àa]\s+lire\s+aussi|lire\s+aussi|lire\s+également|voir\s+aussi|sur\s+le\s+même\s+sujet"
    r"|lesen\s+sie\s+auch|lesen\s+sie\s+mehr|mehr\s+zum\s+thema|auch\s+interessant|das\s+könnte\s+sie\s+auch"
    r"\s+interessieren|le(?:e|a|er)\s+también|lea\s+más|te\s+puede\s+interesar|noticias\s+relacionadas|ver\s+también"
    r"|leia\s+também|leia\s+mais|veja\s+também|notícias\s+relacionadas|leggi\s+anche|potrebbe\s+interessarti"
    r"|articoli\s+correlati|إقرأ\s+أيضا[ًً]?|اقرأ\s+أيضا[ًً]?|اقرأ\s+أيضً?ا|اقرأ\s+المزيد|مواضيع\s+ذات\s+صلة"
    r"|أخبار\s+ذات\s+صلة|اخبار\s+ذات\s+صلة|читайте\s+также|читать\s+также|смотрите\s+также|по\s+теме"
    r"|ayrıca\s+okuyun|ayrıca\s+bakınız|ilgili\s+haberler|bunlar\s+da\s+ilginizi\s+çekebilir|ilginizi\s+çekebilir"
    r"|daha\s+fazla\s+oku|xem\s+thêm|tin\s+liên\s+quan|đọc\s+thêm|bài\s+liên\s+quan|相关新闻|相关阅读|延伸阅读"
    r"|推荐阅读|关联阅读|関連記事|あわせて読みたい|관련기사|czytaj\s+także|czytaj\s+też|lees\s+ook|läs\s+också"
    r"|بیشتر\s+بخوانید|مطالب\s+مرتبط|קרא\s+עוד|ראו\s+גם"
)
_RELATED_LINE = re.compile(
    rf"^[\W_]*(?:{_RELATED_MARKERS})(?P<sep>\s*[:：|»>›→\-–—…]+|\s*$|\s+)(?P<rest>.*)$", re.IGNORECASE
)
# Markers that can also open an ordinary sentence ("По теме переговоров …") need a separator.
_RELATED_NEEDS_SEPARATOR = re.compile(r"^[\W_]*(?:по\s+теме|related|recommended|see\s+also|voir\s+aussi)", re.I)
_RELATED_MAX_HEADLINES = 12

_BOILERPLATE_LINES = (
    re.compile(
        r"^[\W_]*(?:advertisement|advertising|sponsored(?:\s+content)?|publicité|anzeige|werbung|publicidad"
        r"|publicidade|pubblicità|реклама|إعلان|reklam|quảng\s+cáo|广告)[\W_]*$",
        re.IGNORECASE,
    ),
    re.compile(
        r"all\s+rights\s+reserved|tous\s+droits\s+réservés|alle\s+rechte\s+vorbehalten|todos\s+los\s+derechos"
        r"\s+reservados|todos\s+os\s+direitos\s+reservados|tutti\s+i\s+diritti\s+riservati|все\s+права\s+защищены"
        r"|جميع\s+الحقوق\s+محفوظة|tüm\s+hakları\s+saklıdır|版权所有|bản\s+quyền\s+thuộc",
        re.IGNORECASE,
    ),
    re.compile(
        r"^[\W_]*(?:share\s+(?:this|on)|partager\s+(?:cet|sur)|teilen\s+sie|compartir\s+en|compartilhe|condividi"
        r"|поделиться|شارك\s+(?:هذا|على)|paylaş|chia\s+sẻ|follow\s+us|suivez-nous|folgen\s+sie\s+uns|síguenos"
        r"|siga-nos|seguici|подписывайтесь|تابعونا|bizi\s+takip\s+edin|theo\s+dõi\s+chúng\s+tôi"
        r"|click\s+here\s+to|cliquez\s+ici|subscribe\s+to\s+our|abonnez-vous)",
        re.IGNORECASE,
    ),
    re.compile(
        r"^[\W_]*(?:tags|mots[-\s]clés|schlagwörter|etiquetas|теги|الكلمات\s+المفتاحية|etiketler|từ\s+khóa|标签)"
        r"\s*[:：]",
        re.IGNORECASE,
    ),
)
# Newsletter sign-up notices: a mention of the newsletter and of subscribing, in one short line.
_NEWSLETTER = re.compile(r"newsletter|boletín|infolettre|bülten|рассылк|النشرة\s+البريدية|bản\s+tin", re.I)
_SUBSCRIBE = re.compile(r"subscri|suscrib|abonn|inscri|kaydol|abone|подпис|اشترك|spam|đăng\s+ký", re.I)
_BOILERPLATE_MAX_WORDS = 25
# Cookie and privacy consent banners that scrapers keep as the first paragraph: a line naming cookies
# or the privacy policy that also speaks as the site ("our website") or as the consenting reader ("I
# accept", "please agree").  Both are needed: a report on cookie rules names cookies and consent in
# the third person ("websites must ask users to accept cookies") and stays.
_PRIVACY = re.compile(
    r"\bcookies?\b|çerez|ملفات\s+(?:تعريف\s+)?الارتباط|الكوكيز|куки|datenschutzerklärung|privacy\s+policy"
    r"|politique\s+de\s+confidentialité|política\s+de\s+privacidad|gizlilik\s+politika",
    re.IGNORECASE,
)
_SITE_VOICE = re.compile(
    r"\b(?:our|unserer?[nms]?|notre|nos|nuestr[oa]s?|nostro|nosso)\s+(?:web\s*)?(?:site|seite|webseite|website"
    r"|sitio|página|portal|angebot|internetauftritt)|sitemiz|موقعنا|наш(?:ем)?\s+сайт"
    r"|\bi\s+(?:accept|agree)|ich\s+(?:akzeptiere|willige|bin\s+damit\s+einverstanden)|akzeptiere\s+diese"
    r"|stimmen\s+sie|j['’]accepte|votre\s+consentement|your\s+consent|ihre\s+einwilligung|acepto"
    r"|su\s+consentimiento|kabul\s+ediyorum|أوافق|я\s+согласен",
    re.IGNORECASE,
)
_CONSENT_MAX_WORDS = 90

_REPEAT_MIN_CHARS = 20
_TEASER_MIN_UNITS = 2
_TEASER_MAX_SUMMARY_LINES = 2
_TEASER_MAX_SUMMARY_WORDS = 120


@dataclass
class _Line:
    """One line of the text while it is being cleaned; ``text`` is None once it is cut whole."""

    index: int
    original: str
    text: str | None


def clean(article: Article) -> Article:
    """A copy of ``article`` with captions, bylines, teasers and repeats cut and listed in ``removed``."""
    cuts: list[tuple[int, Removal]] = []
    title, title_cut = _cut_inline_credits(" ".join(article.title.split()))
    if title_cut:
        cuts.extend((-1, Removal("credit", part)) for part in title_cut)
    raw = article.text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [_Line(i, line, line.strip()) for i, line in enumerate(raw.split("\n"))]
    _cut_title_repeat(lines, title, cuts)
    _cut_teaser_block(lines, cuts)
    _cut_related_blocks(lines, cuts)
    for line in lines:
        if line.text:
            _clean_line(line, cuts)
    _cut_repeated(lines, cuts)
    cuts.sort(key=lambda cut: cut[0])
    return replace(
        article,
        title=title,
        text=_join(lines),
        removed=[*article.removed, *(removal for _, removal in cuts)],
    )


def _join(lines: list[_Line]) -> str:
    """Kept lines, with blank lines only between paragraphs (never two in a row, none at the ends)."""
    out: list[str] = []
    for line in lines:
        if line.text is None:
            continue  # a cut line leaves no gap of its own
        if line.text or (out and out[-1]):
            out.append(line.text)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def _cut_whole(line: _Line, kind: str, cuts: list[tuple[int, Removal]]) -> None:
    if line.text:
        cuts.append((line.index, Removal(kind, line.text)))
    line.text = None


def _cut_title_repeat(lines: list[_Line], title: str, cuts: list[tuple[int, Removal]]) -> None:
    """Extractors often print the headline again as the first line of the body."""
    first = next((line for line in lines if line.text), None)
    if first is not None and first.text and title and _norm(first.text) == _norm(title):
        _cut_whole(first, "repeated", cuts)


def _cut_teaser_block(lines: list[_Line], cuts: list[tuple[int, Removal]]) -> None:
    """Cut links to other articles that close a page: a headline printed twice, then its summary.

    Pages render each teaser as a linked headline twice (image alt text and link text), then a
    summary paragraph, and repeat that to the end of the page.  Only that shape is cut, and only
    when at least two such units run to the end of the text with body text before them, so a
    single paragraph printed twice by an extractor is merely de-duplicated later.
    """
    kept = [line for line in lines if line.text]
    keys = [_norm(line.text or "") for line in kept]
    count = len(kept)
    doubled = [i + 1 < count and keys[i] == keys[i + 1] and _headline_like(kept[i].text or "") for i in range(count)]
    # Everything is computed once, from the end backwards: walking from every start to the end
    # took time growing with the square of the line count (20,000 one-letter lines: 200 s).
    next_doubled = [count] * (count + 3)  # the first doubled headline at or after i
    for i in range(count - 1, -1, -1):
        next_doubled[i] = i if doubled[i] else next_doubled[i + 1]
    units = [0] * (count + 1)  # headline-twice-then-summary units from i to the end; 0: the run breaks
    distinct = [0] * (count + 1)  # distinct doubled headlines from i to the end
    seen: set[str] = set()
    for i in range(count - 1, -1, -1):
        if doubled[i]:
            end = next_doubled[i + 2]
            if end - (i + 2) <= _TEASER_MAX_SUMMARY_LINES and all(
                _size(line.text or "") <= _TEASER_MAX_SUMMARY_WORDS for line in kept[i + 2 : end]
            ):
                units[i] = 1 if end >= count else (units[end] + 1 if units[end] else 0)
            seen.add(keys[i])
        distinct[i] = len(seen)
    for start in range(1, count - 1):
        # Distinct headlines: one line printed over and over (a photographer's credit) is no teaser list.
        if doubled[start] and units[start] >= _TEASER_MIN_UNITS and distinct[start] >= _TEASER_MIN_UNITS:
            block = kept[start:]
            cuts.append((block[0].index, Removal("teaser", "\n".join(line.text or "" for line in block))))
            for line in block:
                line.text = None
            return


def _cut_related_blocks(lines: list[_Line], cuts: list[tuple[int, Removal]]) -> None:
    """Cut "Read more: <headline>" lines, and a bare "Related" marker with the headlines under it."""
    position = 0
    while position < len(lines):
        line = lines[position]
        position += 1
        match = _RELATED_LINE.match(line.text or "")
        if line.text is None or match is None:
            continue
        rest = match.group("rest").strip()
        has_separator = bool(match.group("sep").strip())
        if rest:
            # An inline headline must look like one; without a separator only strong markers count.
            if not _headline_like(rest) and _size(rest) > 25:
                continue
            if not has_separator and (_RELATED_NEEDS_SEPARATOR.match(line.text) or _FINAL_PERIOD.search(rest)):
                continue
            _cut_whole(line, "related", cuts)
            continue
        block = [line]
        following = position
        while following < len(lines) and len(block) <= _RELATED_MAX_HEADLINES:
            candidate = lines[following]
            if candidate.text is None or not candidate.text:
                following += 1
                continue
            if not _headline_like(candidate.text) or _whole_line_kind(candidate.text) is not None:
                break  # a credit or byline closing the page is recorded as what it is
            block.append(candidate)
            following += 1
        cuts.append((line.index, Removal("related", "\n".join(item.text or "" for item in block))))
        for item in block:
            item.text = None
        position = following


def _clean_line(line: _Line, cuts: list[tuple[int, Removal]]) -> None:
    """Whole-line cuts first (boilerplate, byline, caption); otherwise cut credits inside the line."""
    text = line.text or ""
    kind = _whole_line_kind(text)
    if kind is not None:
        _cut_whole(line, kind, cuts)
        return
    kept, parts = _cut_inline_credits(text)
    if parts:
        cuts.extend((line.index, Removal("credit", part)) for part in parts)
        line.text = kept or None


def _whole_line_kind(text: str) -> str | None:
    size = _size(text)
    if size <= _BOILERPLATE_MAX_WORDS and any(pattern.search(text) for pattern in _BOILERPLATE_LINES):
        return "boilerplate"
    if size <= 40 and _NEWSLETTER.search(text) and _SUBSCRIBE.search(text):
        return "boilerplate"
    if size <= _CONSENT_MAX_WORDS and _PRIVACY.search(text) and _SITE_VOICE.search(text):
        return "boilerplate"
    if size <= _CAPTION_MAX_WORDS:
        match = _LEADING_CREDIT.match(text)
        if match is not None:
            if _CAPTION_LABEL.match(text) or _size(text[match.end() :]) > _CREDIT_MAX_NAME_WORDS:
                return "caption"
            return "credit"
    core = text.strip(" \t()[]（）*_•|-–—")
    if size <= 8 and _AGENCY_LINE.match(core):
        return "credit"
    if size <= _BYLINE_MAX_WORDS and _is_byline(core):
        return "byline"
    source = _SOURCE_LINE.match(core)
    if source is not None and _size(source.group("rest")) <= 5:
        rest = source.group("rest")
        # "Theo" is also a first name and Vietnamese for "according to": only capitalised names follow.
        if source.group("theo") is None and not _INNER_SENTENCE_END.search(rest):
            return "credit"
        if source.group("theo") is not None and all(_capitalised(word) for word in rest.split()):
            return "credit"
    return None


def _is_byline(core: str) -> bool:
    labeled = _BYLINE_LABELED.match(core)
    if labeled is not None:
        rest = labeled.group("rest")
        return _size(rest) <= 10 and not _INNER_SENTENCE_END.search(rest)
    caseless = _BYLINE_CASELESS.match(core)
    if caseless is not None:
        rest = caseless.group("rest")
        return _size(rest) <= 6 and not re.search(r"[.!?؟。，,：:]", rest)
    named = _BYLINE_NAMED.match(core)
    if named is None or re.search(r"[.!?;:؟。]$", core):
        return False
    return _looks_like_names(named.group("rest"))


def _looks_like_names(rest: str) -> bool:
    """True for "Jane Doe and John Smith, Reuters"; false for "the end of the year" or "Monday, the …".

    The part before the first separator must be two or more capitalised words (or one acronym such
    as AFP); after a separator a title such as "staff writer" may follow, but not a clause.
    """
    first, *others = _BYLINE_SEPARATORS.split(rest, maxsplit=1)
    words = [word.strip("\"'“”«»") for word in first.split()]
    names = [word for word in words if word.casefold() not in _NAME_CONNECTORS]
    if not names or any(not _capitalised(word) for word in names):
        return False
    if len(names) == 1 and not (names[0].isupper() and len(names[0]) >= 2) and "@" not in names[0]:
        return False
    lowercase = [w for w in " ".join(others).split() if w.casefold() not in _NAME_CONNECTORS and not _capitalised(w)]
    return len(lowercase) <= 2


def _capitalised(word: str) -> bool:
    letters = [ch for ch in word if ch.isalpha()]
    return (bool(letters) and letters[0].isupper()) or "@" in word or word.isdigit()


def _cut_inline_credits(text: str) -> tuple[str, list[str]]:
    """Cut bracketed credits anywhere and one credit that ends the line after a sentence or "|".

    Only the credit goes: in "أجاب نائب المتحدث … في المؤتمر الصحفي. الصورة: مينه نهات" the first
    sentence is reporting (who answered, where) even though it also describes the photo, so it stays
    and only "الصورة: مينه نهات" is cut.
    """
    parts: list[str] = []

    def take(match: re.Match[str]) -> str:
        parts.append(match.group(0).strip())
        return " "

    kept = _BRACKETED_CREDIT.sub(take, text)
    tail_start = _trailing_credit_start(kept)
    if tail_start is not None:
        parts.append(kept[tail_start:].strip())
        kept = kept[:tail_start]
    if not parts:
        return text, []
    return _SPACES.sub(" ", kept).strip(), parts


def _trailing_credit_start(text: str) -> int | None:
    """Where a short credit that closes the line starts, separator included; None if there is none."""
    # A credit has a few words at most, so only the end of the line is searched (long lines are common).
    window = max(0, len(text) - _CREDIT_WINDOW_CHARS)
    if not _CREDIT_TRIGGER.search(text, window):
        return None  # the full patterns are slow to try at every position, and most lines have no credit
    candidates = [match.start() for match in _CREDIT_ANYWHERE.finditer(text, window)]
    if "/" in text[window:]:
        candidates += [match.start() for match in _AGENCY_SLASH.finditer(text, window)]
    for start in sorted(candidates):
        if start == 0:
            continue
        tail = text[start:]
        if _size(tail) > _CREDIT_TAIL_WORDS or _INNER_SENTENCE_END.search(tail.rstrip(".。")):
            continue
        before = _BEFORE_TRAILING_CREDIT.search(text[:start])
        if before is None:
            continue
        separator = before.group(0)
        # A separator such as "|" belongs to the credit; sentence punctuation belongs to the sentence.
        cut_at = start - len(separator) if separator.strip() and separator.strip()[0] in "|•·—–" else start
        if text[:cut_at].strip():
            return cut_at
    return None


def _cut_repeated(lines: list[_Line], cuts: list[tuple[int, Removal]]) -> None:
    """Drop lines the page printed before (keep the first); short lines such as "Yes." may recur."""
    seen: set[str] = set()
    for line in lines:
        if not line.text:
            continue
        key = _norm(line.text)
        if len(key) + len(_CJK.findall(key)) < _REPEAT_MIN_CHARS:
            continue
        if key in seen:
            _cut_whole(line, "repeated", cuts)
        else:
            seen.add(key)
