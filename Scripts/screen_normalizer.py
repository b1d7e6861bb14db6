"""The crisis screen's text normaliser (Sources/LCSafety/Screen/TextNormalizer.swift), re-implemented in Python.

The screen classifier is trained on these tokens and scored in Swift on TextNormalizer's tokens, so the two must
agree exactly. train-screen-classifier.py writes probe sentences with their normalised tokens into
classifier.json and the Swift loader refuses the file if its own normaliser disagrees on any probe.

Folding: compatibility decomposition with combining marks dropped, lower case, "ß" -> "ss"; curly apostrophes
become "'"; leetspeak inside words; runs of one repeated character collapse to one. "<s>" starts a sentence,
"<?>" ends a question, "<,>" marks a pause; sentences of fewer than three words merge into a neighbour.
"""
import unicodedata

SENTENCE_START = "<s>"
QUESTION_MARK = "<?>"
PAUSE = "<,>"
LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
APOSTROPHES = {"'", "\u2019", "\u2018", "\u02BC", "`", "\u00B4"}
TERMINATORS = {".", "!", "?", ";", "\n", "\u2026", "\u3002"}
TERMINAL_NEXT = set(".!?;\n\u2026")
PAUSES = {",", ":", "(", ")", "\u2013", "\u2014"}


def _alphabetic(ch: str) -> bool:
    return ch.isalpha() or unicodedata.category(ch) == "Nl"


def _numeric(ch: str) -> bool:
    return unicodedata.numeric(ch, None) is not None


def collapse(word: str) -> str:
    """Runs of one repeated character become one ("dieeee" -> "die", "kill" -> "kil"); ASCII digits are kept."""
    out, prev = [], None
    for c in word:
        if c != prev or c in "0123456789":
            out.append(c)
            prev = c
    return "".join(out)


def finish(raw: str):
    """One raw word: apostrophes trimmed, leetspeak, repeated letters. None when nothing is left."""
    chars = raw.strip("'")
    if not chars:
        return None
    letters = sum(1 for c in chars if _alphabetic(c))
    if letters >= 2 or (letters == 1 and len(chars) <= 4):
        chars = "".join(LEET.get(c, c) for c in chars)
    elif letters == 0:
        chars = chars.replace("@", "").replace("$", "")
    out = collapse(chars)
    if all(c == "*" for c in out):
        return None
    return out


def tokens(text: str):
    """Normalised tokens of `text` with sentence markers, as TextNormalizer.tokens computes them."""
    scalars = []
    for ch in text:
        if ord(ch) < 128:
            scalars.append(ch)
        else:
            scalars.extend(unicodedata.normalize("NFKD", ch))
    sentences, current, word = [], [], []

    def flush_word():
        tok = finish("".join(word))
        if tok is not None:
            current.append(tok)
        word.clear()

    def flush_sentence(question):
        nonlocal current
        flush_word()
        if question and current:
            current.append(QUESTION_MARK)
        if current:
            sentences.append(current)
        current = []

    i, n = 0, len(scalars)
    while i < n:
        ch = scalars[i]
        i += 1
        o = ord(ch)
        if o < 128:
            if 0x61 <= o <= 0x7A or 0x30 <= o <= 0x39:
                word.append(ch)
                continue
            if 0x41 <= o <= 0x5A:
                word.append(chr(o + 0x20))
                continue
        elif unicodedata.category(ch) in ("Mn", "Me"):
            continue
        if ch in APOSTROPHES:
            if word:
                word.append("'")
            continue
        if ch in ("*", "@", "$"):
            word.append(ch)
            continue
        if ch in TERMINATORS:
            nxt = scalars[i] if i < n else " "
            terminal = nxt.isspace() or nxt in TERMINAL_NEXT
            if ch == "!" and not terminal and word and _alphabetic(nxt):
                word.append("i")
                continue
            if terminal:
                flush_sentence(ch == "?")
                continue
            flush_word()
            continue
        if ch in PAUSES:
            flush_word()
            if current and current[-1] != PAUSE:
                current.append(PAUSE)
            continue
        if o < 128:
            flush_word()
            continue
        if _alphabetic(ch) or _numeric(ch):
            word.append("ss" if ch == "\u00DF" else ch.lower())
        else:
            flush_word()
    flush_sentence(False)
    return _merged(sentences)


def _merged(sentences):
    def words(toks):
        return sum(1 for t in toks if t not in (QUESTION_MARK, PAUSE))
    groups = []
    for s in sentences:
        if groups and (words(s) < 3 or words(groups[-1]) < 3):
            groups[-1].extend(s)
        else:
            groups.append(list(s))
    out = []
    for g in groups:
        out.append(SENTENCE_START)
        out.extend(g)
    return out
