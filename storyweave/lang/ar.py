"""Arabic word lists for the Arabic-script name recogniser (``entities.recognise.arabic``).

Spellings are folded by ``arabic.ar_norm`` before matching (alef variants, Persian yeh and kaf),
so one spelling of each word is enough.  Place names are not listed here: nationality adjectives
and country names are derived from the CLDR territory names that ``babel`` ships.
"""

from __future__ import annotations

from . import phrases, words

# Titles that are complete by themselves: what follows is (adjectives, then) the name.
AR_PERSON_TITLES = phrases(
    """الرئيس|الرئيسة|رئيس الوزراء|رئيسة الوزراء|رئيس الحكومة|رئيس الجمهورية|رئيس الدولة|رئيس البرلمان|
    رئيس مجلس النواب|رئيس مجلس الشعب|رئيس مجلس الأمة|رئيس مجلس الشورى|رئيس مجلس السيادة|رئيس الأركان|
    رئيس هيئة الأركان|الرئيس التنفيذي|المدير التنفيذي|المدير العام|المديرة العامة|الأمين العام|أمين عام|
    نائب الرئيس|نائبة الرئيس|ولي العهد|ولي ولي العهد|الوزير|الوزيرة|السيد|السيدة|الملك|الملكة|الأمير|
    الأميرة|الشيخ|الشيخة|السلطان|الإمام|الإمبراطور|البابا|البطريرك|المستشار|المستشارة|المتحدث|المتحدثة|
    الناطق|الناطقة|المتحدث الرسمي|المتحدث باسم|المتحدثة باسم|الناطق باسم|الناطقة باسم|المتحدث الرسمي باسم|
    النائب|النائبة|السفير|السفيرة|المبعوث|المبعوثة|المبعوث الخاص|
    المبعوث الأممي|المندوب|المندوبة|الجنرال|المشير|الفريق|الفريق أول|اللواء|العميد|العقيد|المقدم|الرائد|
    النقيب|الأدميرال|الدكتور|الدكتورة|البروفيسور|المهندس|الأستاذ|الزعيم|القائد|المرشد|المرشد الأعلى|
    آية الله|الحاخام|القاضي|القاضية|المحافظ|الحاكم|العمدة|رئيس البلدية|المدرب|اللاعب|النجم|الكاتب|
    الكاتبة|الفنان|الفنانة|المطرب|المطربة|الممثل|الممثلة|المخرج|الروائي|الشاعر|الناشط|
    الناشطة|المعارض|المرشح|المرشحة|رجل الأعمال|الملياردير|كبير الاقتصاديين|كبيرة الاقتصاديين|كبير المفاوضين|
    كبيرة المفاوضين"""
)

# Title heads followed by the domain they rule before the name: وزير الخارجية الأمريكي أنتوني بلينكن.
AR_COMPLEMENT_TITLES = words(
    """وزير وزيرة رئيس رئيسة نائب نائبة مدير مديرة أمين قائد زعيم محافظ حاكم سفير سفيرة مبعوث مندوب
    مستشار مستشارة المتحدث المتحدثة الناطق الناطقة متحدث ناطق وزيرا وزيري"""
)

# Organisation heads: the head plus the words after it make the name ("وزارة الخارجية").
AR_ORG_HEADS = words(
    """وزارة حزب شركة منظمة جامعة بنك مصرف مجلس حركة جيش وكالة صحيفة قناة اتحاد هيئة مؤسسة جمعية محكمة
    لجنة نادي مجموعة مستشفى معهد مركز جبهة تحالف ائتلاف كتائب ميليشيا مفوضية صندوق برنامج مكتب"""
)
# Heads of a state's own bodies (وزارة الخارجية, الحكومة, الشرطة): ``patterns.STATE_BODY_HEADS`` in Arabic.
AR_STATE_BODY_HEADS = words("وزارة وزارات حكومة شرطة جيش برلمان سفارة قنصلية رئاسة")
# Heads that also name an organisation with the article, when adjectives follow: البنك المركزي المصري.
AR_ARTICLE_ORG_HEADS = words("البنك الجيش الحزب المجلس الاتحاد الحرس المصرف الصندوق")

# Fixed organisation names worth knowing without a gazetteer.
AR_FIXED_ORGS = phrases(
    """الأمم المتحدة|الاتحاد الأوروبي|الاتحاد الأفريقي|حلف الناتو|حلف شمال الأطلسي|الناتو|الكرملين|
    البيت الأبيض|مجلس الأمن|مجلس الأمن الدولي|صندوق النقد الدولي|البنك الدولي|جامعة الدول العربية|
    منظمة الصحة العالمية|منظمة التجارة العالمية|الوكالة الدولية للطاقة الذرية|البنتاغون|الكونغرس|
    مجلس التعاون الخليجي|منظمة التحرير الفلسطينية|الصليب الأحمر|الهلال الأحمر|اليونسكو|اليونيسف|أوبك|
    الفيفا|حماس|حزب الله|طالبان|داعش"""
)

# Heads of a place name ("مدينة حلب"): only these produce places, never a bare preposition.
AR_PLACE_HEADS = words("مدينة محافظة ولاية إقليم جزيرة العاصمة عاصمة بلدة بلدية قرية منطقة مخيم")

# Words before a name that the knowledge base gives both to a place and to an organisation (قنا:
# Qena, and the Qatar News Agency's acronym) that make it the place: a place's head, "governor of"
# (محافظ قنا), and "in" (في قنا; joined to the name, بقنا).
AR_PLACE_CUES = AR_PLACE_HEADS | words("محافظ في")
AR_LOCATIVE_CLITIC = "ب"

# A saint's name opening a foreign place's, as Arabic writes it ("بلدة سان فون", Saint-Fons): the
# place is the prefix and the word after it, never the prefix alone.
# The countries whose places' Arabic names may carry the article (القاهرة, الموصل, الدار البيضاء): a
# place elsewhere is transliterated without it, so "البورصة" (the stock exchange) is no Bursa.
AR_NAMING_COUNTRIES = words("AE BH DJ DZ EG EH IQ JO KM KW LB LY MA MR OM PS QA SA SD SO SS SY TD TN YE IL")
AR_SAINT_PREFIXES = words("سان سانت سانتا سانتو ساو")

# Words that are never part of a name: prepositions, conjunctions, pronouns, common verbs and nouns
# of news prose, weekdays, months and the words for a year or a month (عام 2019).  Checked with and
# without a clitic (و ف ب ل ك) in front.
AR_STOP_WORDS = words(
    """في من إلى الى على عن مع أن إن ان أنه إنه لأن حتى منذ عند بعد قبل خلال حول ضد بين دون غير لدى لكن
    أو او ثم بل قد لقد لم لن لا ما ماذا هل كما كيف أين متى التي الذي الذين اللذين هذا هذه ذلك تلك هناك هنا
    هو هي هم نحن أنا كل بعض أي أمام وراء فوق تحت عبر نحو يوم أمس اليوم غدا غداً الآن أيضا أيضاً جدا
    قال قالت يقول تقول أكد أكدت يؤكد أعرب أعربت دعا دعت يدعو شكر أجرى أجرت يجري أرسل أرسلت يهنئ هنأ يقدم قدم
    وقع أعلن أعلنت صرح ذكر ذكرت أضاف أضافت أشار أشارت التقى التقت يلتقي استقبل استقبلت بحث ناقش وافق رفض
    اتفق اتفقا أجاب أجابت زار زارت يزور سيزور كان كانت يكون تكون ليس سيتم تم يتم عليه عليها فيه فيها منه منها
    له لها وصل وصلت غادر غادرت شدد شددت حذر حذرت طالب طالبت أشاد أشادت أدان أدانت نفى نفت اعتبر اعتبرت رأى
    أوضح أوضحت ألقى ترأس شارك شاركت فاز خسر عاد توجه بعث تلقى تلقت قرر أمر وجه وجهت يرى ترى سيلتقي
    رسالة مكالمة هاتفية زيارة دعوة وسائل إعلام المؤتمر كلمة بيان تصريحات تصريح مقابلة وقت
    احترام سرور بكل خبر نبأ بشأن حوالي مساء صباح ظهر رسمية رسميا رسمياً دعم عدد
    الأحد الاثنين الإثنين الثلاثاء الأربعاء الخميس الجمعة السبت يناير فبراير أبريل مايو يونيو يوليو
    أغسطس سبتمبر أكتوبر نوفمبر ديسمبر كانون شباط آذار نيسان أيار حزيران تموز أيلول تشرين
    عام سنة شهر أسبوع"""
)

# Adjectives that may sit between a title and a name besides nationalities ("الرئيس السابق", "مدير عام":
# a director general, whose عام is no name).
AR_TITLE_MODIFIERS = words(
    """المؤقت المؤقتة السابق السابقة الأسبق الحالي الحالية المنتخب المنتخبة بالوكالة الجديد الجديدة العام
    العامة عام عامة الأول الأولى الرسمي الرسمية الخاص الخاصة الأممي الأممية الدولي التنفيذي التنفيذية المساعد
    المساعدة الأعلى الراحل الراحلة المخلوع المعزول المنتهية ولايته الفخري الشرفي الأوروبي الأوروبية العربي
    العربية الأفريقي الأمريكي الأمريكية الأميركي الأميركية البريطاني البريطانية الإنجليزي الكوري الكورية
    الخليجي"""
)
# Stems of nationality adjectives that CLDR country names do not give (الأمريكي from الولايات المتحدة).
AR_EXTRA_NATIONALITY_STEMS = words("امريك اميرك بريطان انجليز اوروب عرب افريق خليج كور اسكتلند")

# Given names very common in Arabic-script news: Arab names and transliterated foreign ones.
# A name made of one of these plus one to three name tokens is a person without any title.
AR_GIVEN_NAMES = words(
    """محمد أحمد محمود مصطفى خالد عمر عثمان يوسف إبراهيم إسماعيل حسين حسن حسني فيصل سلمان سلطان ناصر
    جمال كمال سمير سامي هشام وليد طارق ماجد فهد بندر نايف مشعل تميم حمد جاسم راشد منصور نبيه نبيل نجيب
    هاني وائل ياسر ياسين يحيى زكريا موسى داود سليمان صالح صلاح رجب طيب بشار حافظ رفيق سعد سعود سيف
    مروان معمر عمرو عماد عصام أيمن أسامة حمزة فاطمة عائشة مريم زينب ليلى سارة نادية هدى منى رانيا
    خديجة نجلاء قيس نوري هادي جواد عباس مسعود حيدر مقتدى نوح يونس أنور رياض فؤاد شريف مهدي نبيل
    فلاديمير فولوديمير دونالد جو جوزيف إيمانويل أنجيلا أولاف شي سيرغي سيرجي ديمتري دميتري ألكسندر
    أليكسي ميخائيل نيكولاي يفغيني بوريس أنتوني أنطونيو ريشي كير تيريزا ليز كامالا هيلاري باراك جورج جون
    مايك مايكل ويليام تشارلز هاري جاك جان مارين فرانسوا نيكولا ماريو جورجيا جيورجيا بيدرو كلاوديا لولا
    خافيير إيلون مارك بيل ستيف تيم جيف بنيامين نفتالي يائير إسحاق إيهود أرييل ناريندرا فوميو شينزو كيم
    أورسولا شارل روبرت جيمس ريتشارد ديفيد بول بيتر كريستين أنالينا فريدريش ماريا أنطونيو جاستن
    فيكتور رودريغو لويس كارلوس أندريه ماتيو"""
)
# Given names that are also common words or prepositions once alef and yeh are folded (علي / على):
# they continue a name but never start one without a title.
AR_AMBIGUOUS_GIVEN = words("علي عيسى أمين سالم كريم جميل سعيد عادل أمل نور رشيد حسن طيب بدر")

# Connectors inside compound names: عبد الله، محمد بن سلمان، أبو مازن.
AR_NAME_CONNECTORS = words("عبد ابو أبو بن ابن بنت ام أم آل")
