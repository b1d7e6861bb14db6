#!/usr/bin/env python3
"""Writes Tests/LCTokenizerTests/Fixtures/tokenizer-parity.json: llama.cpp's token ids for a fixed set of
strings, in both special-token modes, so a Swift test can assert our tokenizer gives the same ids.

The reference is llama-cpp-python (it builds llama.cpp from source):
    Llama(model_path, vocab_only=True).tokenize(text.encode(), add_bos=False, special=True / False)

Usage: Scripts/make-tokenizer-fixture.py [--model PATH]
"""
import argparse
import ctypes
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_MODEL = os.path.join(ROOT, "models", "SmolLM2-135M-Instruct.Q4_1.gguf")
OUT = os.path.join(ROOT, "Tests", "LCTokenizerTests", "Fixtures", "tokenizer-parity.json")
LLAMA_CPP_PYTHON = "llama-cpp-python==0.3.36"


def load_llama():
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        print(f"make-tokenizer-fixture: installing {LLAMA_CPP_PYTHON} (builds llama.cpp, a few minutes)")
        subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", LLAMA_CPP_PYTHON])
    import llama_cpp
    return llama_cpp


PROSE = [
    "Hello world",
    "The quick brown fox jumps over the lazy dog.",
    "It was the best of times, it was the worst of times, it was the age of wisdom.",
    "Call me Ishmael. Some years ago—never mind how long precisely—I thought I would sail about a little.",
    "In 1492, Columbus sailed the ocean blue.",
    "She said, \"I'm not sure that's right,\" and walked away.",
    "Mr. and Mrs. Dursley, of number four, Privet Drive, were proud to say that they were perfectly normal.",
    "A journey of a thousand miles begins with a single step.",
    "Wait... what?! Are you serious???",
    "e-mail, co-operate, state-of-the-art, well-being",
    "Dr. Smith (M.D.) arrived at 9:30 a.m. on Jan. 5th.",
    "The U.S.A. and the U.K. signed the treaty.",
    "hello",
    "HELLO WORLD",
    "hElLo WoRlD",
    "a",
    "I",
    "",
]
WHITESPACE = [
    " ", "  ", "   ", "    ", "\t", "\t\t", "\n", "\n\n", "\n\n\n", "\r\n", "\r\n\r\n", " \n ", "\n \n",
    " leading space", "  two leading spaces", "trailing space ", "trailing spaces   ", "  both  ",
    "word  word", "word   word", "word    word", "word\tword", "word\t\tword", "word \tword",
    "line one\nline two\n", "para one\n\npara two", "\tindented with tab", "    indented with spaces",
    "mixed \t \n whitespace", "a\u00a0b (no-break space)", "ideographic\u3000space", "em\u2003space",
    "\u2028line separator", "next\u0085line", "thin\u2009space", "\x0bvertical tab\x0c form feed",
    "space before newline \nnext", "   \n   \n", "x\n\n\n\n\ny",
]
NUMBERS = [
    "0", "7", "42", "123", "1234", "12345", "1234567890", "3.14159", "2.718281828", "0.5", ".5", "5.",
    "1,000,000", "1 000 000", "-42", "+7", "1e10", "6.02e23", "100%", "$9.99", "€20", "£3.50", "¥1000",
    "10:30", "2024-01-15", "12/25/2023", "version 2.0.1", "v1.2.3-beta", "3rd 4th 21st 22nd",
    "phone: 555-123-4567", "  123  ", "a1b2c3", "x86_64", "²³ ½ ¼ ¾", "Ⅻ Ⅳ", "١٢٣ ٤٥٦", "१२३४",
    "１２３ fullwidth", "٣.١٤",
]
PUNCTUATION = [
    "!", "?", "...", "!!!", "?!", ".,;:", "()", "[]", "{}", "<>", "\"quoted\"", "'single'",
    "«guillemets»", "„German“", "“curly” ‘quotes’", "—em dash— –en dash–", "a/b\\c|d", "@user #hashtag",
    "a & b && c", "x = y + z * 2 - 1 / 3", "50% off!!", "***bold***", "__init__", "~tilde~ ^caret^ `tick`",
    "¿Qué? ¡Sí!", "…", "•bullet", "§ 3 ¶ 2", "©®™",
]
CONTRACTIONS = [
    "don't", "I'm", "you're", "we've", "they'll", "she'd", "it's", "can't", "won't", "isn't",
    "DON'T", "I'M", "YOU'RE", "WE'VE", "THEY'LL", "SHE'D", "IT'S", "It'S", "They'Ll", "We'Re",
    "rock 'n' roll", "'s", "'ll", "'twas", "O'Neill", "the dogs' bones", "'quoted'", "I've'",
]
ACCENTS = [
    "café", "naïve", "résumé", "über", "façade", "São Paulo", "Zürich", "Ελληνικά", "Москва", "Ångström",
    "cafe\u0301 (combining acute)", "n\u0303", "Ｆｕｌｌｗｉｄｔｈ", "ĳ ŀ ǅ", "Þór", "straße", "İstanbul", "ğüşıöç",
    "Hà Nội", "Kraków", "Dvořák",
]
EMOJI = [
    "😀", "Hello 👋 world 🌍", "👍🏽", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇺🇸🇫🇷", "❤️", "☺", "🙂🙃", "🤔💭",
    "I feel 😢 today", "🔥🔥🔥", "1️⃣ 2️⃣", "👩🏾‍⚕️", "🧑‍💻 coding", "🫠",
]
SCRIPTS = [
    "你好，世界", "我今天感觉很难过。", "日本語のテキストです。", "カタカナ ひらがな 漢字", "한국어 텍스트입니다",
    "नमस्ते दुनिया", "मुझे आज बहुत अकेलापन महसूस हो रहा है।", "مرحبا بالعالم", "أنا أشعر بالقلق",
    "שלום עולם", "สวัสดีชาวโลก", "Привет, как дела?", "Γειά σου κόσμε", "Բարեւ", "ሰላም", "ᏣᎳᎩ",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝕞𝕒𝕥𝕙", "∀x∈ℝ: x²≥0", "→ ← ↑ ↓", "中文English混合mixed", "𝐁𝐨𝐥𝐝", "\U00040000 plane four",
]
CODE = [
    "def hello():\n    print(\"Hello, world!\")\n",
    "for (int i = 0; i < n; i++) {\n\tsum += a[i];\n}",
    "const x = await fetch(`/api/${id}`);",
    "SELECT * FROM users WHERE id = 42;",
    "<div class=\"main\"><p>Text</p></div>",
    "{\"key\": \"value\", \"n\": [1, 2, 3]}",
    "if x != None and y >= 10:\n        return x ** 2",
    "#include <stdio.h>\nint main(void) { return 0; }",
    "git commit -m 'fix: handle edge case'",
    "https://example.com/path?query=1&other=two#frag",
    "user@example.com",
    "a_b_c = snake_case_name; camelCaseName; PascalCase",
    "    \n    \n        deeply   indented",
    "// comment\n/* block */\n# hash",
    "λx.x",
    "fn main() -> Result<(), Box<dyn Error>> { Ok(()) }",
]
SPECIAL = [
    "<|im_start|>user\nI feel anxious about tomorrow.<|im_end|>\n<|im_start|>assistant\n",
    "<|im_start|>system\nYou are a supportive listener.<|im_end|>\n",
    "<|im_start|>", "<|im_end|>", "<|endoftext|>", "<|im_start|><|im_end|>", "text<|im_end|>text",
    " <|im_start|> ", "  <|im_end|>  x", "<|im_start|>user\n\n<|im_end|>", "<|im_start", "im_start|>",
    "<|im_start|", "<|IM_START|>", "<| im_start |>", "<reponame>", "<repo_name>", "<file_sep>", "<filename>",
    "<gh_stars>", "<issue_start><issue_comment><issue_closed>", "<jupyter_start><jupyter_text>",
    "<jupyter_code><jupyter_output><jupyter_script><empty_output>", "<<|im_end|>>", "<|im_end|><|im_end|>",
    "\n<|im_end|>\n", "a<|endoftext|>b", "<|endoftext|>\n\n",
]
MENTAL_HEALTH = [
    "I've been feeling really overwhelmed lately and I don't know who to talk to.",
    "Sometimes I can't sleep because my thoughts won't stop racing.",
    "My therapist said I should try journaling, but I keep forgetting.",
    "I'm worried that my anxiety is getting worse.",
    "It helps to talk about it. Thank you for listening.",
    "I feel lonely even when I'm surrounded by people.",
    "What are some grounding techniques for panic attacks?",
    "I lost my job last week and I feel like a failure.",
    "My mom passed away in March; grief comes in waves.",
    "How do I tell my partner that I'm struggling?",
    "I've been drinking more than usual to cope.",
    "Breathing exercises: inhale for 4, hold for 7, exhale for 8.",
    "If you are in immediate danger, call your local emergency number (911 in the US, 112 in the EU).",
    "I don't want to wake up tomorrow.",
    "Me siento muy triste y no sé qué hacer.",
    "Je me sens seul(e) depuis des semaines.",
    "Ich habe keine Kraft mehr.",
    "mujhe bahut akela mehsoos ho raha hai",
    "kms lol jk... or not",
]


# Long single words and runs: many merges inside one word, ties between equal-rank pairs.
PATHOLOGICAL = [
    "a" * 1000, "ab" * 400, "=" * 300, "\n" * 64, " " * 64 + "x", "1" * 200, "😀" * 40, "e\u0301" * 100,
    "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(300)),
    "".join("0123456789abcdef"[(i * i + 7 * i) % 16] for i in range(600)),
    "".join(c.upper() if i % 3 == 0 else c for i, c in enumerate("supercalifragilisticexpialidocious" * 8)),
    "'s'S'll'LL're" * 20, "<|im_start|" * 20 + ">", "<<|im_end|>|im_end|>" * 10, "\u3000" * 20 + "a",
    " \u00a0" * 20 + "a", "Ġthe" * 30,
]


def long_document():
    path = "/usr/share/common-licenses/GPL-3"
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        return [text[:4096], text[10000:16000]]
    # Fallback so the script still works where the license file is missing.
    return ["\n\n".join(PROSE * 20)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=os.environ.get("LOCALCOUNSEL_MODEL", DEFAULT_MODEL))
    args = ap.parse_args()
    llama_cpp = load_llama()
    llm = llama_cpp.Llama(model_path=args.model, vocab_only=True, verbose=False)

    groups = [PROSE, WHITESPACE, NUMBERS, PUNCTUATION, CONTRACTIONS, ACCENTS, EMOJI, SCRIPTS, CODE, SPECIAL,
              MENTAL_HEALTH, PATHOLOGICAL, long_document()]
    texts = []
    seen = set()
    for group in groups:
        for t in group:
            if t not in seen:
                seen.add(t)
                texts.append(t)

    cases = []
    for t in texts:
        b = t.encode("utf-8")
        cases.append({
            "text": t,
            "special": llm.tokenize(b, add_bos=False, special=True),
            "plain": llm.tokenize(b, add_bos=False, special=False),
        })
    # Token pieces (llama_token_to_piece with special=True) for a sample of ids: all specials and byte
    # tokens at the start of the vocabulary, then every 97th id.
    vocab = llama_cpp.llama_model_get_vocab(llm.model)
    n_vocab = llama_cpp.llama_vocab_n_tokens(vocab)
    buf = ctypes.create_string_buffer(4096)
    piece_ids = list(range(0, min(400, n_vocab))) + list(range(400, n_vocab, 97))
    pieces = []
    for i in piece_ids:
        n = llama_cpp.llama_token_to_piece(vocab, i, buf, len(buf), 0, True)
        pieces.append({"id": i, "hex": buf.raw[:n].hex()})

    fixture = {
        "model": os.path.basename(args.model),
        "pieces": pieces,
        "reference": f"llama-cpp-python {llama_cpp.__version__}: tokenize(text, add_bos=False, special=True|False)",
        "cases": cases,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    # One case per line keeps diffs of the committed fixture readable.
    with open(OUT, "w", encoding="utf-8") as f:
        head = {k: v for k, v in fixture.items() if k != "cases"}
        f.write(json.dumps(head, ensure_ascii=False)[:-1] + ',"cases":[\n')
        f.write(",\n".join(json.dumps(c, ensure_ascii=False, separators=(",", ":")) for c in cases))
        f.write("\n]}\n")
    print(f"make-tokenizer-fixture: {len(cases)} strings -> {os.path.relpath(OUT, ROOT)}")


if __name__ == "__main__":
    main()
