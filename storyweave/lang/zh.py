"""How Chinese writes foreign names, for matching them with their spellings in other scripts.

Chinese renders a foreign name syllable by syllable with a small set of characters (Xinhua's
transcription tables): 特朗普 is te-lang-pu for Trump, 泽连斯基 ze-lian-si-ji for Zelensky.  The
pinyin of those characters shares few letters with the original: pinyin l stands for both l and r,
a final -ng for n, m or nothing, j and q for the palatalised t, d and k of Russian names (普京,
Putin; 弗拉基米尔, Vladimir), c for ts.  Each pinyin initial below lists the Latin consonants it may
transcribe; the resolver matches a name only on consonants that every syllable allows, and only
for a name written wholly in transcription characters (a Chinese name such as 王毅 is not one).
"""

from __future__ import annotations

# Characters of foreign-name transcription (the common ones; a name with any other is Chinese).
ZH_TRANSCRIPTION_CHARACTERS = frozenset(
    "阿埃艾爱安昂奥澳巴拜班邦保鲍贝本比彼毕宾波博伯勃布查达戴丹道德登邓迪蒂丁东杜多厄恩尔儿法凡范菲费芬丰"
    "弗伏福富盖甘冈高戈哥格葛根贡古瓜圭哈海汉翰豪赫黑亨洪侯胡华怀霍基吉加贾杰捷金京卡凯坎康考柯科可克肯"
    "库夸奎昆拉莱赖兰朗劳勒雷蕾里理利丽连列林琳凌留卢鲁路伦罗洛龙马玛迈麦曼芒毛梅美门蒙孟米密明莫默姆穆"
    "纳娜拿奈南内尼宁涅纽努诺欧帕潘庞佩彭皮平珀普齐奇琪乔钦琼丘茹若萨塞赛桑瑟森沙莎尚舍施什舒朔斯松苏"
    "索塔泰坦汤唐陶特滕提图托瓦万旺威韦维温沃乌伍西希锡谢辛休修逊雅亚娅扬耶伊因英尤于约泽扎詹兹佐祖朱"
    "茨夫冯萧奥"
)
# Pinyin initial → the Latin consonants it may transcribe; one not listed transcribes itself.
ZH_INITIAL_READINGS: dict[str, tuple[str, ...]] = {
    "j": ("j", "g", "k", "t", "d"),  # 吉 gi, 基 ki/-sky, 京 Putin's ti, 基 Vladimir's di
    "q": ("k", "ch", "t", "j"),  # pinyin q is no Latin q  # 奇 ki, 乔 Joe
    "x": ("s", "sh"),  # 西 si, 希 shi (pinyin x is no Latin x)
    "zh": ("zh", "j", "ch"),  # 朱 ju
    "c": ("ts", "z"),  # 茨 ts, z (pinyin c is no k)
    "g": ("g", "k"),
    "k": ("k", "g"),
    "l": ("l", "r"),  # one Chinese letter for both
    "r": ("r", "j", "l"),  # 若 jo
    "y": ("y", "j"),  # 约 jo (John), 扬 jan
}
# Pinyin final consonants → the Latin ones they may transcribe.
ZH_FINAL_READINGS: dict[str, tuple[str, ...]] = {
    "ng": ("ng", "n", "m", ""),  # 朗 ran/lan/ram, 登 den, 京 tin
    "n": ("n",),
}
# The syllable er (尔, 儿, 耳) stands for a final r or l, or for nothing (默克尔: Merkel).
ZH_ER_READINGS = ("r", "l", "")
