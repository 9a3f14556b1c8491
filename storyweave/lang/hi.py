"""Hindi words the title-based name recogniser reads (``entities.recognise.hindi``).

Devanagari has no capitals.  News names a person after the role, the role after the country and
a postposition: "रूस के राष्ट्रपति व्लादिमीर पुतिन ने" (Russia's president Vladimir Putin [did]).  The
name ends at a postposition or conjunction ("ने", "से", "और").
"""

from __future__ import annotations

from . import phrases, words

HI_PERSON_TITLES = phrases(
    """राष्ट्रपति|उपराष्ट्रपति|प्रधानमंत्री|प्रधान मंत्री|उपप्रधानमंत्री|मंत्री|विदेश मंत्री|रक्षा मंत्री|गृह मंत्री|
    वित्त मंत्री|मुख्यमंत्री|राज्यपाल|महासचिव|प्रवक्ता|राजदूत|सांसद|अध्यक्ष|चांसलर|पोप|राजा|रानी|श्री|श्रीमती|
    डॉ|डॉक्टर|न्यायाधीश|कप्तान|कोच|जनरल|सेनाध्यक्ष"""
)
# Words that end a name: postpositions, conjunctions, the copula.
HI_NAME_ENDERS = words(
    """ने को से का की के में पर और तथा एवं या है हैं था थे थी ही भी तो कि जो जिन्होंने द्वारा साथ लिए बाद
    पहले सोमवार मंगलवार बुधवार गुरुवार शुक्रवार शनिवार रविवार"""
)
