"""Rule-based name recognisers for Chinese and Japanese, which write no spaces and no capitals.

* Chinese: a person after a title (总统普京, 国务卿布林肯), a transliterated foreign name joined by
  a middle dot (弗拉基米尔·普京), an organisation ending in a head word (华为公司, 清华大学,
  中国共产党中央委员会), a short list of fixed organisations, places by suffix (河内市);
* Japanese: a katakana name, or a two-to-four kanji name after a particle, followed by a title
  (プーチン大統領, 岸田首相).

A name ends where a verb or particle of news prose starts, so that "普京宣布" gives 普京.
"""

from __future__ import annotations

import regex

from .spans import Span


def _phrases(text: str) -> list[str]:
    """``|``-separated entries, longest first so that alternations prefer them."""
    return sorted({p.strip() for p in text.split("|") if p.strip()}, key=len, reverse=True)


def _alternation(words: list[str]) -> str:
    return "|".join(map(regex.escape, words))


# --- Chinese --------------------------------------------------------------------------------------

ZH_PERSON_TITLES = _phrases(
    """总统|副总统|主席|国家主席|副主席|总理|副总理|首相|总书记|书记|外长|外交部长|国防部长|防长|部长|副部长|
    发言人|国务卿|秘书长|副秘书长|总干事|大使|特使|代表|国王|女王|王储|王子|公主|亲王|议长|委员长|市长|州长|
    省长|县长|行长|院长|校长|主任|总裁|董事长|总经理|首席执行官|创始人|领导人|最高领袖|领袖|党首|主教|教宗|
    教皇|将军|上将|司令|总司令|参谋长|法官|大法官|议员|参议员|众议员|教练|主帅|球员|选手|前锋|门将|记者|
    歌手|演员|导演|作家|专家|教授|博士|总统候选人|候选人"""
)
# Text that ends a name after a title: verbs and particles of news prose.
ZH_NAME_ENDERS = _phrases(
    """表示|说|称|指出|强调|宣布|认为|介绍|回答|通电话|通话|会见|会晤|会谈|举行|访问|出席|发表|致电|致函|签署|
    抵达|到达|前往|呼吁|赢得|参加|出访|发布|谴责|批评|警告|承诺|敦促|接见|讲话|致辞|主持|当选|辞职|回应|透露|
    告诉|提出|获得|重申|希望|要求|访华|出任|担任|领导|率领|率团|一行|本人|先生|女士|夫妇|
    在|与|和|同|及|对|向|的|于|将|已|也|是|就|会|被|把|从|为|等|曾|并|则|还|今天|昨天|日前|近日|当天|今年|
    明天|周一|周二|周三|周四|周五|周六|周日|星期一|星期二|星期三|星期四|星期五|星期六|星期日|星期天|本周|上周|
    下周|周末|当地时间|上午|下午|晚间|早些时候"""
)
ZH_FIXED_ORGS = _phrases(
    """外交部|国防部|商务部|财政部|国务院|联合国|安理会|北约|欧盟|克里姆林宫|白宫|五角大楼|世界卫生组织|
    世界银行|国际货币基金组织|中国共产党|越南共产党|共产党|全国人大|人民银行|新华社|欧洲联盟|东盟|非盟|
    世贸组织|奥委会|国际奥委会|红十字会"""
)
# Heads that end an organisation's name, and characters that turn them into another word (部分, 党员).
ZH_ORG_SUFFIXES = _phrases(
    """公司|集团|银行|大学|学院|委员会|组织|协会|基金会|研究院|研究所|法院|检察院|电视台|通讯社|航空|
    联合会|联盟|俱乐部|足球队|医院|部|党|局|署|军"""
)
# Characters before a head that make it another word: 北部 is a region's north, not a ministry.
ZH_ORG_SUFFIX_PRECEDERS = {"部": "东南西北中内外全"}
ZH_ORG_SUFFIX_BLOCKERS = {
    "部": "分署队长门落位件署",
    "党": "员派内外委",
    "大学": "生",
    "局": "势面部限",
    "署": "名",
    "军": "事队人",
}
ZH_COUNTRIES_GUO = _phrases(
    "中国|美国|英国|法国|德国|韩国|泰国|俄国|印度|日本|越南|俄罗斯|乌克兰|朝鲜|以色列|伊朗|巴基斯坦|加拿大|澳大利亚"
)
ZH_PLACE_SUFFIXES = "市省州县"
# Words for a part of any place (智利北部: Chile's north; チリ北部 in Japanese) that some knowledge-base
# regions are also called by (Malawi's Northern Region): alone they name no place.
CJK_PART_OF_PLACE_WORDS = frozenset(
    _phrases("北部|南部|东部|西部|中部|東部|东北部|西北部|东南部|西南部|東北部|東南部|中央|沿海|内陆|内陸|首都|边境|国境")
)
# Characters that separate words in running text: punctuation and the commonest particles.
ZH_BOUNDARY_CHARS = "在于到从向和与及的了，。、；：！？“”‘’（）《》「」 \n"
# Characters that open a clause rather than a name.
ZH_NOT_NAME_START = frozenset("这那该本各全城都每此个其新一我你他她们据由但而若如并且已将要")

_HAN = regex.compile(r"\p{Han}")
_ZH_TITLE = regex.compile(_alternation(ZH_PERSON_TITLES))
_ZH_ENDER = regex.compile(_alternation(ZH_NAME_ENDERS))
_ZH_VERB = regex.compile(_alternation([w for w in ZH_NAME_ENDERS if len(w) > 1]))
_ZH_DOT = "·・•‧"
_ZH_DOTS = regex.compile(f"[{_ZH_DOT}]")
_ZH_TRANSLIT = regex.compile(rf"\p{{Han}}+(?:[{_ZH_DOT}]\p{{Han}}+)+")
_ZH_ORG = regex.compile(_alternation(ZH_FIXED_ORGS))
_ZH_ORG_SUFFIX = regex.compile(_alternation(ZH_ORG_SUFFIXES))
_ZH_COUNTRY = regex.compile(_alternation(ZH_COUNTRIES_GUO))
_ZH_CHUNK = regex.compile(rf"[^{regex.escape(ZH_BOUNDARY_CHARS)}]+")
_ZH_PLACE = regex.compile(rf"(?:(?<=[{regex.escape(ZH_BOUNDARY_CHARS)}])|^)(\p{{Han}}{{2,3}}?)[{ZH_PLACE_SUFFIXES}]")
_ZH_NOT_PLACE = frozenset("这那该本各全城都每此个")
_ZH_MAX_NAME = 4
_ZH_MAX_SEGMENT = 6
_ZH_MAX_ORG_PREFIX = 10


def _zh_segment_end(text: str, start: int, longest: int) -> int:
    """End of the 1..``longest`` Han characters from ``start`` that are followed by a verb, particle,
    punctuation or the text's end; -1 when no such end exists."""
    for size in range(1, longest + 1):
        end = start + size
        if end > len(text) or not _HAN.match(text[end - 1]):
            return -1
        if end == len(text) or not _HAN.match(text[end]) or _ZH_ENDER.match(text, end) or _ZH_TITLE.match(text, end):
            return end
    return -1


def _zh_name_end(text: str, start: int) -> int:
    """End of a 2–4 character name after a title: the shortest stretch followed by a verb or particle."""
    end = _zh_segment_end(text, start, _ZH_MAX_NAME)
    return end if end - start >= 2 else -1


def _zh_name_start(text: str, start: int, dot: int) -> int:
    """Where the first part of a dotted name, ending at ``dot``, begins: after the last title or
    particle in front of it, and at most ``_ZH_MAX_SEGMENT`` characters back."""
    title_end = max((m.end() for m in _ZH_TITLE.finditer(text, start, dot)), default=start)
    start = max(title_end, dot - _ZH_MAX_SEGMENT)
    while start < dot - 1 and text[start] in ZH_BOUNDARY_CHARS + "".join(ZH_NOT_NAME_START):
        start += 1
    return start


def _zh_dotted_names(text: str) -> list[Span]:
    """弗拉基米尔·普京 anywhere: a dotted run of Han characters is a transliterated foreign name.

    A run may hold two names and the words between them ("弗拉基米尔·普京周二与法国总统埃马纽埃尔·马克龙"):
    a part after a dot ends the name where a verb, particle or title follows its first characters,
    and the rest of that part, up to the next dot, opens the next name."""
    out = []
    for match in _ZH_TRANSLIT.finditer(text):
        dots = [i for i in range(match.start(), match.end()) if text[i] in _ZH_DOT]
        start = _zh_name_start(text, match.start(), dots[0])
        for k, dot in enumerate(dots):
            part_end = dots[k + 1] if k + 1 < len(dots) else match.end()
            end = _zh_segment_end(text, dot + 1, _ZH_MAX_SEGMENT)
            if end < 0 or end >= part_end:
                if part_end == match.end():  # the last part: as far as a name may reach
                    out.append(Span(start, end if end > 0 else match.end(), "person", 0.8))
                continue
            out.append(Span(start, end, "person", 0.8))
            start = _zh_name_start(text, end, part_end) if k + 1 < len(dots) else -1
            if start < 0:
                break
    return out


def _zh_family_names_alone(text: str, names: list[Span]) -> list[Span]:
    """The last part of a dotted name (普京 of 弗拉基米尔·普京) written alone elsewhere in the text:
    news writes the full name once, then the family name, with no title before it.  An
    organisation named after the person (特朗普集团) swallows it later (``chinese_spans``)."""
    out: list[Span] = []
    families = {_ZH_DOTS.split(text[s.start : s.end])[-1] for s in names if _ZH_DOTS.search(text, s.start, s.end)}
    for family in sorted(f for f in families if len(f) >= 2):
        for match in regex.finditer(regex.escape(family), text):
            # Anywhere, not only before a verb or particle: the text itself named this person in full.
            if not any(s.start <= match.start() < s.end for s in (*names, *out)):
                out.append(Span(match.start(), match.end(), "person", 0.7))
    return out


def _zh_suffix_orgs(text: str) -> list[Span]:
    """X公司, X大学, X委员会: from a word boundary to the last organisation head within reach."""
    out = []
    for chunk in _ZH_CHUNK.finditer(text):
        start = chunk.start()
        if text[start] in ZH_NOT_NAME_START or not _HAN.match(text[start]):
            continue
        limit = min(chunk.end(), start + _ZH_MAX_ORG_PREFIX + 3)
        best = -1
        for match in _ZH_ORG_SUFFIX.finditer(text, start + 1, limit, overlapped=True):
            following = text[match.end() : match.end() + 1]
            if following and following in ZH_ORG_SUFFIX_BLOCKERS.get(match.group(), ""):
                continue
            if text[match.start() - 1] in ZH_ORG_SUFFIX_PRECEDERS.get(match.group(), ""):
                continue
            prefix = text[start : match.start()]
            if len(prefix) < 2 or _ZH_VERB.search(prefix) or _ZH_TITLE.search(prefix):
                continue
            best = max(best, match.end())
        if best > 0:
            out.append(Span(start, best, "organisation", 0.8))
    return out


def chinese_spans(text: str) -> list[Span]:
    spans = _zh_dotted_names(text)
    spans += _zh_family_names_alone(text, spans)
    for match in _ZH_TITLE.finditer(text):
        if any(s.start <= match.end() < s.end for s in spans):
            continue  # a dotted name after the title ("总统弗拉基米尔·普京") is found whole above
        end = _zh_name_end(text, match.end())
        if end > 0 and text[match.end()] not in ZH_NOT_NAME_START:
            spans.append(Span(match.end(), end, "person", 0.8))
    orgs = [Span(m.start(), m.end(), "organisation", 0.85) for m in _ZH_ORG.finditer(text)]
    orgs.extend(_zh_suffix_orgs(text))
    spans.extend(Span(m.start(), m.end(), "place", 0.8) for m in _ZH_COUNTRY.finditer(text))
    for match in _ZH_PLACE.finditer(text):
        if not set(match.group(1)) & _ZH_NOT_PLACE:
            spans.append(Span(match.start(), match.end(), "place", 0.6))
    # An organisation's name swallows the places and shorter names inside it: 中国人民银行.
    extents = {(o.start, o.end) for o in orgs}
    longest = [
        Span(a, b, "organisation", 0.86)
        for a, b in sorted(extents)
        if not any(c <= a and b <= d and (c, d) != (a, b) for c, d in extents)
    ]
    kept = [s for s in spans if not any(o.start <= s.start and s.end <= o.end for o in longest)]
    kept.extend(longest)
    return kept


# --- Japanese -------------------------------------------------------------------------------------

JA_PERSON_TITLES = _phrases(
    """大統領|副大統領|首相|前首相|元首相|外相|国務長官|議長|長官|大臣|事務総長|報道官|国家主席|主席|書記長|
    総書記|監督|選手|容疑者|被告|氏|さん|会長|社長|代表|知事|市長|党首|総裁|大使|国王|女王|皇太子|首席|総理"""
)
_JA_TITLE = _alternation(JA_PERSON_TITLES)
_JA_KATAKANA_NAME = regex.compile(rf"([\p{{Katakana}}ー・=＝]{{2,}})(?=(?:{_JA_TITLE}))")
_JA_KANJI_NAME = regex.compile(rf"(?:(?<=[のはがをにとへもや、。「」（）\s])|^)(\p{{Han}}{{2,4}}?)(?=(?:{_JA_TITLE}))")
_JA_NOT_NAME = frozenset("同前元新現両各本当副")


def japanese_spans(text: str) -> list[Span]:
    spans = [Span(m.start(1), m.end(1), "person", 0.8) for m in _JA_KATAKANA_NAME.finditer(text)]
    for match in _JA_KANJI_NAME.finditer(text):
        name = match.group(1)
        if name[0] not in _JA_NOT_NAME and not any(s.start <= match.start(1) < s.end for s in spans):
            spans.append(Span(match.start(1), match.end(1), "person", 0.7))
    return spans
