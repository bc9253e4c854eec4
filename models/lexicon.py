"""Pronunciation lexicons: how to say what espeak gets wrong (names, coinages, acronyms).

Two formats. W3C PLS 1.0 (`<lexicon xmlns="http://www.w3.org/2005/01/pronunciation-lexicon"
alphabet="ipa">` with `<lexeme>`s of one or more `<grapheme>` and an `<alias>` or
`<phoneme>`), and a plain TSV: `word<TAB>alias` or `word<TAB>[[ipa]]`, `#` comments and blank
lines allowed. Phonemes must be IPA, the voice's own alphabet.

A lexicon is applied before normalization, so an alias may hold numbers ("Henry VIII" ->
"Henry the Eighth", "2B" -> "to be") that the normalizer then reads. A phoneme entry becomes
`[[ipa]]`, which the phonemizer hands to the voice as it is. Matching is whole-word: "Nimue"
matches "Nimue" and "Nimue's" but not "Nimueh"; an entry in lower case matches any case, one
with capitals only that case ("US" is not "us"; "Reading" the town is not a heading's
"READING", whose case says nothing). A straight and a curly apostrophe are the same
("O'Brien" matches a typeset "O’Brien"). Later entries win.
"""

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from lxml import etree

from config.errors import LexiconError
from config.manuscript import LexiconEntry
from models.safexml import RejectedXML, parse_xml
from models.traced import Traced

PLS_NAMESPACE = "http://www.w3.org/2005/01/pronunciation-lexicon"
MAX_LEXICON_BYTES = 16 * 1024 * 1024
_IPA = "ipa"
_TSV_HINT = "expected word<TAB>alias or word<TAB>[[ipa]]"
_WORD = re.compile(r"\w+")
# A possessive takes the sound the word ends in: Nimue's -z, Kate's -s, Rhys's -ɪz.
_SIBILANT_ENDINGS = ("s", "z", "ʃ", "ʒ", "tʃ", "dʒ")
_VOICELESS_ENDINGS = ("p", "t", "k", "f", "θ")
_MARKS = "ˈˌː "
_OPEN, _CLOSE = re.compile(r"\[\["), re.compile(r"\]\]")


def load_lexicons(paths: Iterable[Path]) -> list[LexiconEntry]:
    """The entries of every lexicon, in order (so later files win)."""
    return [entry for path in paths for entry in load_lexicon(path)]


def load_lexicon(path: Path) -> list[LexiconEntry]:
    """A PLS (.pls, .xml, or anything starting with '<') or TSV lexicon's entries."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_LEXICON_BYTES + 1)
    except OSError as error:
        raise LexiconError(f"{path}: cannot read ({error.strerror or error})") from error
    if len(data) > MAX_LEXICON_BYTES:
        raise LexiconError(f"{path}: larger than {MAX_LEXICON_BYTES // (1024 * 1024)} MB")
    suffix = path.suffix.lower()
    looks_xml = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<" and suffix not in _TSV
    if suffix in (".pls", ".xml") or looks_xml:
        return parse_pls(data, str(path))
    try:
        text = _decoded(data)
    except UnicodeDecodeError as error:
        raise LexiconError(f"{path}: not UTF-8 text ({error.reason}); save it as UTF-8") from error
    if control := _CONTROL.search(text):
        line = text.count("\n", 0, control.start()) + 1
        raise LexiconError(
            f"{path}:{line}: a control character ({control[0]!r}): not a text file, or "
            "UTF-16 without its mark; save it as UTF-8"
        )
    return parse_tsv(text, str(path))


_TSV = (".tsv", ".txt")  # read as TSV whatever they begin with ("<3<TAB>heart")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # all but tab and line ends


def _decoded(data: bytes) -> str:
    """UTF-8, or UTF-16 marked by its BOM (Windows Notepad's "Unicode")."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16")
    return data.decode("utf-8-sig")


def parse_tsv(text: str, source: str) -> list[LexiconEntry]:
    """`word<TAB>alias` and `word<TAB>[[ipa]]` lines; errors name the file and line."""
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            entries.append(_tsv_entry(line, f"{source}:{number}"))
    return entries


def _tsv_entry(line: str, where: str) -> LexiconEntry:
    word, tab, said = line.partition("\t")
    word, said = word.strip(), said.strip()
    if not tab or not word or not said or "\t" in said:
        raise LexiconError(f"{where}: {_TSV_HINT}, not {line.strip()!r}")
    if said.startswith("[[") and said.endswith("]]"):
        return LexiconEntry(grapheme=word, phonemes=_phonemes(said[2:-2], where))
    if "[[" in said or "]]" in said:
        raise LexiconError(f"{where}: phonemes go alone in [[ ]]; {_TSV_HINT}")
    return LexiconEntry(grapheme=word, alias=said)


def _phonemes(ipa: str, where: str) -> str:
    ipa = " ".join(ipa.split())
    if not ipa or "[" in ipa or "]" in ipa:
        raise LexiconError(f"{where}: empty or bracketed phonemes: {ipa!r}")
    if wrong := _NOT_IPA.search(ipa):
        raise LexiconError(
            f"{where}: {wrong[0]!r} in {ipa!r} is not an IPA phoneme (IPA as espeak-ng writes "
            "it: [[ˈnɪmjuː]]); the voice would say it as a sign, or not at all"
        )
    return ipa


# Digits, capitals and signs of ASCII are no IPA phoneme (its syllable dot aside), though a
# voice's table holds some (piper's "!", "#", "0"-"9"): given as phonemes, they were spoken
# as whatever the voice makes of them, with no word of it.
_NOT_IPA = re.compile(r"[0-9A-Z!-\-/:-@\\^_`{|}~]")


def parse_pls(data: bytes, source: str) -> list[LexiconEntry]:
    """A PLS 1.0 document's lexemes, one entry per grapheme."""
    root = _parse_xml(data, source)
    if etree.QName(root).localname != "lexicon":
        raise LexiconError(f"{source}:{root.sourceline}: not a PLS lexicon (root <{root.tag}>)")
    alphabet = root.get("alphabet", "")
    return [
        entry
        for lexeme in root.iter(f"{{{PLS_NAMESPACE}}}lexeme", "lexeme")
        for entry in _lexeme(lexeme, alphabet, source)
    ]


def _lexeme(lexeme: etree._Element, alphabet: str, source: str) -> list[LexiconEntry]:
    where = f"{source}:{lexeme.sourceline}"
    graphemes = [(g.text or "").strip() for g in _children(lexeme, "grapheme")]
    if not graphemes or not all(graphemes):
        raise LexiconError(f"{where}: a lexeme needs one or more non-empty <grapheme>")
    said = _children(lexeme, "alias", "phoneme")
    if not said:
        raise LexiconError(f"{where}: a lexeme needs an <alias> or a <phoneme>")
    # PLS: the first pronunciation in document order is the preferred one.
    alias, phonemes = _pronunciation(said[0], alphabet, source)
    return [LexiconEntry(grapheme=g, alias=alias, phonemes=phonemes) for g in graphemes]


def _pronunciation(element: etree._Element, alphabet: str, source: str) -> tuple[str, str]:
    """(alias, "") or ("", phonemes) from an <alias> or <phoneme> element."""
    where = f"{source}:{element.sourceline}"
    text = " ".join((element.text or "").split())
    if etree.QName(element).localname == "phoneme":
        _check_alphabet(element.get("alphabet", alphabet), where)
        return "", _phonemes(text, where)
    if not text:
        raise LexiconError(f"{where}: empty <alias>")
    return text, ""


def _children(element: etree._Element, *names: str) -> list[etree._Element]:
    return [
        child
        for child in element
        if isinstance(child.tag, str) and etree.QName(child).localname in names
    ]


def _check_alphabet(alphabet: str, where: str) -> None:
    if alphabet.lower() != _IPA:
        raise LexiconError(
            f"{where}: phonetic alphabet {alphabet or '(none)'!r} is not supported; "
            'write the phonemes in IPA (alphabet="ipa")'
        )


def _parse_xml(data: bytes, source: str) -> etree._Element:
    """The root element, parsed as hostile input (`models.safexml`)."""
    try:
        return parse_xml(data)
    except RejectedXML as error:
        where = f"{source}:{error.line}" if error.line else source
        raise LexiconError(f"{where}: {error.reason}") from error


class Lexicon:
    """Entries compiled into one pattern, to apply to every sentence of a book."""

    def __init__(self, entries: Sequence[LexiconEntry]) -> None:
        self._exact: dict[str, LexiconEntry] = {}
        self._any_case: dict[str, LexiconEntry] = {}
        for entry in entries:
            _check_entry(entry)
            key = _key(entry.grapheme)
            if key == key.lower():
                self._any_case[key] = entry
            else:
                self._exact[key] = entry
        self._pattern = _pattern(self._exact, self._any_case) if entries else None

    def apply(self, text: str) -> str:
        """The text with every entry's word replaced by its alias or `[[ phonemes ]]`.

        Brackets already in the text are split apart first ("[ [") so that only a lexicon
        makes phonemes: a book's "[[" is not an instruction to the voice.
        """
        text = text.replace("[[", "[ [").replace("]]", "] ]")
        if self._pattern is None:
            return text
        return self._pattern.sub(self._replace, text)

    def apply_traced(self, text: Traced) -> Traced:
        """`apply`, each character of the result knowing the source characters it says."""
        text = text.sub(_OPEN, lambda _: "[ [").sub(_CLOSE, lambda _: "] ]")
        return text if self._pattern is None else text.sub(self._pattern, self._replace)

    def _replace(self, match: re.Match[str]) -> str:
        key = _key(match.group("word"))
        entry = self._exact.get(key) or self._any_case.get(key.lower())
        if entry is None:
            return match.group(0)
        possessive = match.group("possessive") or ""
        if entry.alias:
            return entry.alias + possessive
        return f"[[{entry.phonemes}{_possessive(entry.phonemes) if possessive else ''}]]"


def _check_entry(entry: LexiconEntry) -> None:
    """An entry from a manuscript, not from our parsers: the same rules hold."""
    said = entry.alias or entry.phonemes
    if not _key(entry.grapheme) or not said or "[" in said or "]" in said:
        raise LexiconError(
            f"lexicon entry {entry.grapheme!r}: needs a word and an alias or phonemes, "
            "without brackets"
        )


def apply_lexicon(text: str, entries: Sequence[LexiconEntry]) -> str:
    """`Lexicon(entries).apply(text)`: for one text; compile a Lexicon once for many."""
    return Lexicon(entries).apply(text)


def _key(grapheme: str) -> str:
    return " ".join(grapheme.replace("’", "'").split())


def _pattern(exact: dict[str, LexiconEntry], any_case: dict[str, LexiconEntry]) -> re.Pattern[str]:
    """Graphemes other than single words as alternatives, longest first; any other word is
    looked up whole, which keeps a lexicon of thousands of names as fast as one of ten."""
    phrases = [(k, False) for k in exact if not _WORD.fullmatch(k)]
    phrases += [(k, True) for k in any_case if not _WORD.fullmatch(k)]
    phrases.sort(key=lambda item: len(item[0]), reverse=True)
    alternatives = [_alternative(key, fold) for key, fold in phrases] + [r"\w+"]
    return re.compile(rf"(?<!\w)(?P<word>{'|'.join(alternatives)})(?P<possessive>['’]s)?(?!\w)")


def _alternative(grapheme: str, any_case: bool) -> str:
    spaced = r"\s+".join(re.escape(word) for word in grapheme.split()).replace("'", "['’]")
    return f"(?i:{spaced})" if any_case else spaced


def _possessive(phonemes: str) -> str:
    last = phonemes.rstrip(_MARKS)
    if last.endswith(_SIBILANT_ENDINGS):
        return "ɪz"
    return "s" if last.endswith(_VOICELESS_ENDINGS) else "z"
