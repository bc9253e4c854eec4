"""Words written in another script than the voice's language.

espeak-ng reads a letter its voice has no rules for by the letter's name: in an English
voice "καλημέρα" is "kappa alpha lambda eta mu epsilon rho alpha", and every Chinese
character is "Chinese letter". A narrator says such a word as its own language does, and so
does narrate: a run of letters in another script is phonemized by espeak-ng's voice for that
script's language, and its sounds are brought to the nearest the voice's language has (an
English voice learnt English sounds only: a trilled r or a tone number would be noise).
"""

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator

# A script (the first word of its letters' Unicode names) and the espeak-ng language that
# reads it; a script missing here is read as espeak-ng's voice reads it (letter names).
SCRIPT_LANGUAGES = {
    "GREEK": "el",
    "CYRILLIC": "ru",
    "ARMENIAN": "hy",
    "HEBREW": "he",
    "ARABIC": "ar",
    "DEVANAGARI": "hi",
    "BENGALI": "bn",
    "GURMUKHI": "pa",
    "GUJARATI": "gu",
    "TAMIL": "ta",
    "TELUGU": "te",
    "KANNADA": "kn",
    "MALAYALAM": "ml",
    "SINHALA": "si",
    "THAI": "th",
    "MYANMAR": "my",
    "GEORGIAN": "ka",
    "ETHIOPIC": "am",
    "HANGUL": "ko",
    "HIRAGANA": "ja",
    "KATAKANA": "ja",
    "CJK": "cmn",
}
# The scripts each language is written in, where that is not Latin alone.
_OWN_SCRIPTS = {
    "el": {"GREEK"},
    "ru": {"CYRILLIC"},
    "uk": {"CYRILLIC"},
    "bg": {"CYRILLIC"},
    "sr": {"CYRILLIC", "LATIN"},
    "mk": {"CYRILLIC"},
    "be": {"CYRILLIC"},
    "kk": {"CYRILLIC"},
    "hy": {"ARMENIAN"},
    "he": {"HEBREW"},
    "ar": {"ARABIC"},
    "fa": {"ARABIC"},
    "ur": {"ARABIC"},
    "hi": {"DEVANAGARI"},
    "mr": {"DEVANAGARI"},
    "ne": {"DEVANAGARI"},
    "bn": {"BENGALI"},
    "ta": {"TAMIL"},
    "th": {"THAI"},
    "ka": {"GEORGIAN"},
    "ko": {"HANGUL", "CJK"},
    "ja": {"HIRAGANA", "KATAKANA", "CJK"},
    "cmn": {"CJK"},
    "yue": {"CJK"},
}
# English voices: sounds of other languages that espeak-ng's English never makes, as the
# nearest English sounds; any other sound outside ENGLISH_SOUNDS (a tone number, a mark of
# breath or length it never makes) is dropped.
ENGLISH_SOUNDS = set("abdefhijklmnopstuvwzæðŋɐɑɔəɚɛɜɡɪɹɾʃʊʌʒʔʲˈˌːθᵻ ")
TO_ENGLISH = {
    "r": "ɹ", "ʀ": "ɹ", "ʁ": "ɹ", "ɻ": "ɹ", "ɽ": "ɾ", "ɺ": "l",
    "q": "k", "c": "k", "ɢ": "ɡ", "ɣ": "ɡ", "ɟ": "dʒ", "ʈ": "t", "ɖ": "d",
    "x": "h", "χ": "h", "ħ": "h", "ɦ": "h", "ç": "h",
    "ɕ": "ʃ", "ʂ": "ʃ", "ʐ": "ʒ", "ʑ": "ʒ",
    "ɲ": "nj", "ʎ": "lj", "ɭ": "l", "ɳ": "n", "ɴ": "ŋ",
    "β": "v", "ɸ": "f", "ʋ": "v", "ɰ": "w", "ɥ": "w",
    "y": "u", "ø": "ɜ", "œ": "ɜ", "ɶ": "ɑ", "ɨ": "ɪ", "ɯ": "u", "ɤ": "ʌ", "ɵ": "ə",
    "ɒ": "ɑ", "ɞ": "ɜ", "ɘ": "ə", "ʉ": "u",
}  # fmt: skip


def script(ch: str) -> str:
    """The script of a letter or of a mark on one ("GREEK", "LATIN"); "" for the rest
    (spaces, digits, punctuation), which every script shares."""
    if unicodedata.category(ch)[0] not in "LM":
        return ""
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0].split("-", 1)[0]


def script_name(name: str) -> str:
    """A script as people name it ("Greek", "Han") from its Unicode name ("GREEK", "CJK")."""
    return "Han" if name == "CJK" else name.title()


def own_scripts(language: str) -> set[str]:
    """The scripts an espeak-ng language ("en-us", "el") is written in."""
    return _OWN_SCRIPTS.get(language.lower().split("-")[0], {"LATIN"})


def runs(text: str, own: set[str]) -> Iterator[tuple[str, str]]:
    """The text in runs and the espeak-ng language of each: "" for the voice's own (its
    scripts, and what every script shares), a language for a run of words in a script the
    voice has no rules for. Spaces between two words of one such script stay in its run."""
    if text.isascii():  # most text: no letter of another script
        yield text, ""
        return
    start, language = 0, ""
    for i, ch in enumerate(text):
        if language and unicodedata.category(ch)[0] == "M":
            continue  # a mark (an accent, a vowel point) goes with its letter
        found = script(ch)
        if not found:
            if ch.isspace() and language and _continues(text, i, language):
                continue
            found_language = ""
        else:
            found_language = "" if found in own else SCRIPT_LANGUAGES.get(found, "")
        if found_language != language:
            if i > start:
                yield text[start:i], language
            start, language = i, found_language
    if start < len(text):
        yield text[start:], language


_SPACES = re.compile(r"\s*")


def _continues(text: str, space: int, language: str) -> bool:
    """Whether the spaces at `space` lead to another word of the same foreign run."""
    after = _SPACES.match(text, space).end()  # type: ignore[union-attr]  # \s* always matches
    return after < len(text) and SCRIPT_LANGUAGES.get(script(text[after]), "") == language


_ASCII_LETTERS = re.compile(r"[A-Za-z]")
_WORD = re.compile(r"\w+")
_NOT_ASCII = re.compile(r"[^\x00-\x7f]")


def letters_by_script(text: str) -> Counter[str]:
    """How many letters of each script a text has (ASCII's counted at C speed: a book)."""
    counts: Counter[str] = Counter(script(ch) for ch in _NOT_ASCII.findall(text))
    del counts[""]
    counts["LATIN"] += len(_ASCII_LETTERS.findall(text))
    return counts


def foreign_words(text: str, own: set[str]) -> Counter[tuple[str, str]]:
    """(word, script) of each word with letters in a script other than `own`, counted."""
    found: Counter[tuple[str, str]] = Counter()
    # Every word, and only those not ASCII looked into: a pattern that searched for a word
    # around a non-ASCII letter took quadratic time over a long ASCII word (hostile input).
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        other = [name for name in map(script, word) if name and name not in own]
        if other:
            found[word, other[0]] += 1
    return found


def to_english(phonemes: list[str]) -> list[str]:
    """Another language's phonemes as the nearest an English voice knows."""
    spoken: list[str] = []
    for phoneme in phonemes:
        for sound in TO_ENGLISH.get(phoneme, phoneme):
            if sound in ENGLISH_SOUNDS:
                spoken.append(sound)
    return spoken
