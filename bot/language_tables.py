"""Lookup tables for bot.language: scripts, marker letters, lexicons, language names.

Words are written naturally here; bot.language normalises them (case, apostrophes,
zero-width joiners) the same way it normalises incoming messages.
"""

# Unicode blocks -> script. Anything not listed is ignored as evidence.
SCRIPT_RANGES = (
    (0x0041, 0x024F, "latin"),
    (0x1E00, 0x1EFF, "latin"),
    (0x0400, 0x052F, "cyrillic"),
    (0x0600, 0x06FF, "arabic"),
    (0x0750, 0x077F, "arabic"),
    (0x08A0, 0x08FF, "arabic"),
    (0xFB50, 0xFDFF, "arabic"),
    (0xFE70, 0xFEFF, "arabic"),
    (0x0980, 0x09FF, "bengali"),
    (0x0B80, 0x0BFF, "tamil"),
    (0x0D80, 0x0DFF, "sinhala"),
)

# Scripts used by exactly one of our languages: seeing them decides.
SCRIPT_LANGUAGE = {"bengali": "bn", "tamil": "ta", "sinhala": "si"}

# The script each language is natively written in (everyone may also write Latin).
NATIVE_SCRIPTS = {
    "en": ("latin",), "ur": ("arabic",), "fa": ("arabic",), "ps": ("arabic",),
    "bn": ("bengali",), "ar": ("arabic",), "ckb": ("arabic",), "ru": ("cyrillic",),
    "tg": ("cyrillic",), "ky": ("cyrillic",), "uz": ("latin", "cyrillic"),
    "si": ("sinhala",), "ta": ("tamil",),
}

# Letters (or letter pairs) that point to some languages of a script; space-separated.
MARKERS = {
    "arabic": (
        ("ټ ډ ړ ږ ښ ګ ڼ ې ۍ ځ څ", ("ps",)),
        ("ٹ ڈ ڑ ں ے ہ ۃ", ("ur",)),
        ("ێ ۆ ڵ ڕ ە", ("ckb",)),
        ("ة ى أ إ ؤ", ("ar",)),
        ("ھ", ("ur", "ckb")),
        ("پ چ ژ گ", ("fa", "ur", "ps", "ckb")),
    ),
    "cyrillic": (
        ("ҷ ӯ ӣ", ("tg",)),
        ("ҳ қ ғ", ("tg", "uz")),
        ("ў", ("uz",)),
        ("ң ө ү", ("ky",)),
        ("щ", ("ru",)),
    ),
    "latin": (
        ("o' g'", ("uz",)),
    ),
}

# Frequent function and everyday words that are unambiguous within their script.
LEXICONS = {
    "en": """
        i need want the a an my your for how what can could should would go going
        please help with and of does have has am are you this that there where
        when why which not get from about will they she we our them his her it
        was were been be if but any some much many know tell give take send pay
        back home work working money lost still now very only just because than then
        thank thanks""",
    "ur": """
        mujhe mujhay mjhe mujhy mera meri mere hum humein hamein humain ap aap apka
        aapka apna apni apne tum kya kia kyun kyon kaise kaisay kese kaisi kab kahan
        kidhar kitna kitne kitni hai hain hay hy hoga hogi hoon hun tha thi nahi nahin
        nai nhi chahiye chahye chahiay chahta chahti naukri nokri kaam bhai behen
        shukriya shukria mein ka ki ke ko se aur bhi koi kuch yeh ye woh wo raha rahi
        rahe karna karo karen karein karte gaya gayi liya diya milega milta jana jaana
        wapas wapis paise paisa abhi sirf lekin magar agar phir yahan wahan sahi galat
        theek thik bohat bahut zyada aaj ghar madad batao bataen bataye bhej yaar
        میں ہے ہیں کا کی کے کو سے نہیں مجھے میرا میری میرے کیا اور یہ وہ چاہیے
        چاہتا چاہتی ہوں تھا تھی پر بھی کوئی کچھ آپ ہم جی گیا رہا رہی کرنا کریں
        لیے لئے بہت ساتھ اگر لیکن شکریہ""",
    "uz": """
        menga meni mening sen siz sizga sizning biz bizga bu shu nima nimaga nega
        qanday qancha qayer qayerda qachon kim ish ishlash ishlayman ishga ishim kerak
        bor yo'q yoq rahmat salom assalomu alaykum yaxshi pul pulim viza pasport chet
        xorij xorijda uchun bilan va emas edi yordam iltimos bo'ladi bo'ladimi qilib
        qilish qildim kerakmi uyga oila ota ona aka uka opa singil ketdi keldi
        мен менга мени менинг сен ким иш пул бу шу нима қандай қанча қаерда қачон
        керак бор йўқ ёрдам учун билан эмас уйга ишлайман ишга бўлади қилиб қилиш""",
    "fa": """
        در به از که را این آن است هست هستم استم میخواهم میخوام می نمی برای با چه
        چطور چگونه کجا کجاست چرا یک هم ولی اما باید شما او خود خیلی تشکر ممنون
        لطفا دارم ندارم کنم کنید شد شده بود میکنم""",
    "ps": """
        زه زما د یې مې ته په کې کښې که هم دی ده دي چې څنګه غواړم غواړو لپاره دا شته نشته مونږ
        موږ تاسو ستاسو ولې کوم څه څو وکړم کړئ مننه ورور خور کور پیسې ځم لاړ بېرته
        اوس هو""",
    "ar": """
        في على الى إلى عن نعم انا أنا اريد أريد ابي ابغى هل كيف ماذا شنو شلون وين
        ليش لماذا هذا هذه مع عندي ممكن الذي التي اللي يا أو ليس كان يوجد حتى
        شكرا""",
    "ckb": """
        لە بۆ چۆن دەمەوێت ئەمە ئەوە ئێمە ئێوە نییە هەیە زۆر سوپاس تکایە چەند
        کوێ کوێیە بەڵێ نەخێر دەکەم بکەم""",
    "ru": """
        я мне меня мой моя мои в на не нет и что как где когда почему это есть можно
        нужно нужна нужен хочу помогите пожалуйста спасибо работа работу работать
        деньги денег у с по за из для от до или но уже еще ещё очень сколько какой
        какие они он она мы вы вас нас был была было будет сказали если только""",
    "tg": """
        ман мо шумо ӯ вай дар ба аз ки бо барои чӣ чи куҷо куҷост кай чаро чанд кор
        мехоҳам мехохам мекунам намекунам ҳаст хаст нест аст ҳам хам ҳа ха
        ташаккур пул хона модар падар бародар хоҳар ёрӣ ёри кӯмак кумак бояд мумкин
        лозим шуд шудам кардам гуфт гуфтанд ин ҳамин""",
    "ky": """
        мен сен ким иш учун алар ал бул ошол жана менен үчүн эмне эмнеге кантип канча кайда качан
        ким жумуш керек бар жок ооба жардам акча үй уй апам атам агам эжем барам
        келем жатам жатат болот болобу кылам кылыш эмес дагы бирок анан мага сага""",
}

# Latin words shared by all our languages (greetings, places, migration loanwords): no evidence.
NEUTRAL_WORDS = """
    ok okay hi hello salam salaam assalamualaikum visa passport agent job company contract
    salary dunki whatsapp facebook online dubai saudi saudia arabia qatar kuwait oman bahrain
    uae malaysia korea japan russia moscow europe italy greece poland romania germany uk
    turkey iran iraq afghanistan pakistan bangladesh kabul lahore karachi dhaka
"""

# Names of each language, in any script and common spelling, as a request to switch.
LANGUAGE_NAMES = {
    "en": """english eng inglish angrezi angraizi ingliz inglizcha انگریزی انگلیسی
        انګلیسي انجليزي انكليزي الانجليزية الإنجليزية ئینگلیزی английский английском
        английски англисӣ англисча ইংরেজি ইংলিশ ඉංග්‍රීසි ஆங்கிலம் ஆங்கிலத்தில்""",
    "ur": "urdu اردو اُردو урду",
    "fa": "dari farsi persian parsi دری فارسی فارسي پارسی",
    "ps": "pashto pushto pakhto pukhto pashtu پښتو پشتو پختو пушту",
    "bn": "bangla bengali bangali বাংলা বাংলায় বাংলাতে",
    "ar": "arabic arabi arbi عربي عربى عربی العربية العربي بالعربي بالعربية арабский",
    "ckb": "kurdish kurdi sorani کوردی كوردي کردی سۆرانی کوردیی",
    "ru": "russian rus russki ruski русский русском русски руский рус",
    "tg": "tajik tajiki tojiki тоҷикӣ тоҷики точики таджикский таджикском таджикски",
    "ky": """kyrgyz kirgiz kyrgyzcha qirg'iz кыргызча кыргыз кыргызский кыргызском
        киргизский киргизском""",
    "uz": """uzbek o'zbek o'zbekcha ozbek ozbekcha uzbekcha ўзбекча ўзбек узбекча
        узбекский узбекском""",
    "si": "sinhala sinhalese singhala සිංහල සිංහලෙන්",
    "ta": "tamil thamil தமிழ் தமிழில்",
}

# Words that may surround a language name in a switch request ("urdu mein", "на русском").
FILLER_WORDS = """
    please pls plz in into to language lang speak talk talking reply answer write chat
    change switch use i want can you me we need only ok okay and the a my with by
    mein me mai main mn mujhe se karo karen kren baat zaban zuban zabaan bolo bolen
    میں مجھے زبان بات کریں کرو سے به لطفا لطفاً با صحبت کنید بنویسید
    په ژبه ژبې ژبی مهرباني وکړئ کې باللغة اللغة لغة من فضلك رجاء لو سمحت
    بە زمانی تکایە на по языке язык языком пожалуйста говорите пишите можно
    ба бо забони забон лутфан илтимос тилинде тили тил сураныч tilida tili til
    iltimos ভাষায় ভাষা দয়া করে প্লিজ භාෂාවෙන් කරුණාකර மொழியில் மொழி தயவுசெய்து
"""

# "language" itself, in every language: a message of these (and filler words) alone
# asks for the numbered language menu ("language", "change language", "زبان", "язык").
LANGUAGE_WORDS = """
    language languages lang zaban zuban zabaan زبان زبانیں ژبه ژبې لغة اللغة زمان
    язык языки тил забон ভাষা භාෂාව மொழி til
"""

# langdetect codes -> ours ("hi" is Hindustani written in Devanagari).
LANGDETECT_CODES = {
    "en": "en", "ur": "ur", "hi": "ur", "fa": "fa", "ar": "ar", "ru": "ru",
    "bn": "bn", "ta": "ta",
}
