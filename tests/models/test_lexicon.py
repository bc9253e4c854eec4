"""Lexicons: PLS and TSV files in, words or `[[ phonemes ]]` out, phonemes to the voice."""

import logging
import re
from pathlib import Path

import pytest

from config.errors import LexiconError
from config.manuscript import LexiconEntry
from models.lexicon import Lexicon, apply_lexicon, load_lexicon, load_lexicons, parse_pls
from models.phonemizer import Phonemizer
from models.wording import Wording
from worker.segment import segment_chapter
from worker.synthesize import phonemize_segments

PLS = """<?xml version="1.0" encoding="UTF-8"?>
<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon"
         alphabet="ipa" xml:lang="en-US">
  <!-- names from the book -->
  <lexeme>
    <grapheme>Nimue</grapheme>
    <grapheme>Nimüe</grapheme>
    <phoneme>ˈnɪmjuː</phoneme>
  </lexeme>
  <lexeme>
    <grapheme>W3C</grapheme>
    <alias>World Wide Web Consortium</alias>
    <phoneme>ignored</phoneme>
  </lexeme>
  <lexeme>
    <grapheme>Caoimhe</grapheme>
    <phoneme alphabet="ipa">ˈkiːvə</phoneme>
  </lexeme>
</lexicon>
"""

TSV = """\ufeff# the book's names
Nimue\t[[ˈnɪmjuː]]

2B\tto be
henry viii\tHenry the Eighth
"""

ENTRIES = [
    LexiconEntry(grapheme="Nimue", phonemes="ˈnɪmjuː"),
    LexiconEntry(grapheme="Kate", phonemes="keɪt"),
    LexiconEntry(grapheme="Rhys", phonemes="ɹiːs"),
    LexiconEntry(grapheme="nasa", alias="Nasa"),
    LexiconEntry(grapheme="US", alias="U S"),
    LexiconEntry(grapheme="Henry VIII", alias="Henry the Eighth"),
    LexiconEntry(grapheme="Henry", alias="Harry"),
]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_pls_lexicon_gives_an_entry_per_grapheme(tmp_path: Path) -> None:
    entries = load_lexicon(write(tmp_path, "names.pls", PLS))
    assert entries == [
        LexiconEntry(grapheme="Nimue", phonemes="ˈnɪmjuː"),
        LexiconEntry(grapheme="Nimüe", phonemes="ˈnɪmjuː"),
        LexiconEntry(grapheme="W3C", alias="World Wide Web Consortium"),  # the first one
        LexiconEntry(grapheme="Caoimhe", phonemes="ˈkiːvə"),
    ]


def test_a_tsv_lexicon_skips_comments_and_blank_lines(tmp_path: Path) -> None:
    entries = load_lexicon(write(tmp_path, "names.tsv", TSV))
    assert entries == [
        LexiconEntry(grapheme="Nimue", phonemes="ˈnɪmjuː"),
        LexiconEntry(grapheme="2B", alias="to be"),
        LexiconEntry(grapheme="henry viii", alias="Henry the Eighth"),
    ]


def test_xml_is_recognized_by_content_as_well(tmp_path: Path) -> None:
    assert load_lexicon(write(tmp_path, "names.lex", PLS))[0].grapheme == "Nimue"


def test_a_tsv_named_so_is_tsv_whatever_it_begins_with(tmp_path: Path) -> None:
    """ "<3" was read as the start of XML ("not well-formed XML")."""
    entries = load_lexicon(write(tmp_path, "faces.tsv", "<3\theart\nZork\tzorkle\n"))
    assert apply_lexicon("I <3 Zork", entries) == "I heart zorkle"


def test_a_utf16_lexicon_with_its_mark_is_read(tmp_path: Path) -> None:
    """As Windows Notepad saves "Unicode"; without a mark, not UTF-8 is said with its fix."""
    path = tmp_path / "u16.tsv"
    path.write_bytes("Zork\tzorkle\r\n".encode("utf-16"))
    assert apply_lexicon("Zork", load_lexicon(path)) == "zorkle"
    path.write_bytes("Zork\tzorkle\n".encode("utf-16-le"))  # NULs: UTF-8 of a kind
    with pytest.raises(LexiconError, match=rf"^{re.escape(str(path))}:1: a control .*UTF-8$"):
        load_lexicon(path)
    path.write_bytes(b"Zork\tzorkle\n\xff\xfe\xfd")
    with pytest.raises(LexiconError, match=r": not UTF-8 text \(.*\); save it as UTF-8$"):
        load_lexicon(path)


def test_a_straight_and_a_curly_apostrophe_are_the_same() -> None:
    """Users type "O'Brien"; a typeset book has "O’Brien" (either way round)."""
    straight = [LexiconEntry(grapheme="O'Brien", alias="oh bryan")]
    curly = [LexiconEntry(grapheme="O’Brien", alias="oh bryan")]
    for entries in (straight, curly):
        assert apply_lexicon("O'Brien met O’Brien’s dog.", entries) == (
            "oh bryan met oh bryan’s dog."
        )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Nimue\t[[ˈnɪmjuː]]\n# ok\n\nKate keɪt\n", "names.tsv:4: expected word<TAB>alias"),
        ("Nimue\t[[ ]]\n", "names.tsv:1: empty or bracketed phonemes"),
        ("Nimue\tsay [[ˈnɪmjuː]]\n", "names.tsv:1: phonemes go alone in [[ ]]"),
        ("Nimue\tone\ttwo\n", "names.tsv:1: expected word<TAB>alias"),
        ("\tan alias\n", "names.tsv:1: expected word<TAB>alias"),
        # the voice said "#", "!" and digits as it liked, and the run passed
        ("Zork\t[[QQ#@!7]]\n", "names.tsv:1: 'Q' in 'QQ#@!7' is not an IPA phoneme"),
        ("# ok\nZork\t[[ˈzɔːk1]]\n", "names.tsv:2: '1' in 'ˈzɔːk1' is not an IPA phoneme"),
    ],
)
def test_a_bad_tsv_line_is_named(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(LexiconError, match=re.escape(message)):
        load_lexicon(write(tmp_path, "names.tsv", text))


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (('alphabet="ipa" xml', 'alphabet="x-sampa" xml'), r"names.pls:8: .*'x-sampa'.* IPA"),
        (("<alias>World Wide Web Consortium</alias>", ""), None),  # falls back to the phoneme
        (("<grapheme>Caoimhe</grapheme>", ""), "names.pls:15: .*<grapheme>"),
        (('<phoneme alphabet="ipa">ˈkiːvə</phoneme>', ""), "names.pls:15: .*<alias> or a"),
        (("<phoneme>ˈnɪmjuː</phoneme>", "<phoneme>  </phoneme>"), "names.pls:8: empty"),
        (("</lexicon>", ""), r"names.pls:\d+: not well-formed XML"),
    ],
)
def test_a_bad_pls_lexeme_is_named(
    tmp_path: Path, edit: tuple[str, str], message: str | None
) -> None:
    path = write(tmp_path, "names.pls", PLS.replace(*edit))
    if message is None:
        assert load_lexicon(path)[2] == LexiconEntry(grapheme="W3C", phonemes="ignored")
        return
    with pytest.raises(LexiconError, match=message):
        load_lexicon(path)


def test_other_xml_is_not_a_lexicon() -> None:
    with pytest.raises(LexiconError, match=r"names\.pls:1: not a PLS lexicon"):
        parse_pls(b"<speak>Nimue</speak>", "names.pls")


def test_entities_are_refused_before_parsing() -> None:
    bomb = b'<!DOCTYPE lexicon [<!ENTITY a "aaaa">]><lexicon alphabet="ipa">&a;</lexicon>'
    with pytest.raises(LexiconError, match=r"names\.pls: declares XML entities"):
        parse_pls(bomb, "names.pls")


def test_an_external_entity_behind_a_long_comment_is_refused_too() -> None:
    """The whole prolog is read, not its first kilobytes."""
    hidden = (
        b"<!--" + b"x" * 10_000 + b'--><!DOCTYPE lexicon [<!ENTITY f SYSTEM "file:///etc/passwd">]>'
        b'<lexicon alphabet="ipa">&f;</lexicon>'
    )
    with pytest.raises(LexiconError, match=r"names\.pls: declares XML entities"):
        parse_pls(hidden, "names.pls")


def test_a_missing_lexicon_is_a_lexicon_error(tmp_path: Path) -> None:
    with pytest.raises(LexiconError, match="cannot read"):
        load_lexicon(tmp_path / "missing.tsv")


def test_lexicons_merge_in_order_and_later_entries_win(tmp_path: Path) -> None:
    first = write(tmp_path, "a.tsv", "Nimue\tNim way\nKate\tKatie\n")
    second = write(tmp_path, "b.tsv", "Nimue\tNim you\n")
    entries = load_lexicons([first, second])
    assert apply_lexicon("Nimue and Kate", entries) == "Nim you and Katie"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("Nimue smiled.", "[[ˈnɪmjuː]] smiled."),
        ("Nimue's sword", "[[ˈnɪmjuːz]] sword"),  # the possessive as the word ends
        ("Kate’s hat", "[[keɪts]] hat"),
        ("Rhys's boat", "[[ɹiːsɪz]] boat"),
        ("Nimueh and NIMUE", "Nimueh and NIMUE"),  # whole words; capitals match their case
        ("nasa, NASA and Nasa", "Nasa, Nasa and Nasa"),  # a lower-case entry: any case
        ("the US and us", "the U S and us"),
        ("Henry VIII and Henry", "Henry the Eighth and Harry"),  # the longer entry first
        ("Henry  VIII's", "Henry the Eighth's"),
        ("a [[wiki]] link", "a [ [wiki] ] link"),  # only a lexicon makes phonemes
    ],
)
def test_entries_replace_whole_words(text: str, said: str) -> None:
    assert Lexicon(ENTRIES).apply(text) == said


@pytest.mark.parametrize(
    "entry",
    [
        LexiconEntry(grapheme="Nimue"),
        LexiconEntry(grapheme=" ", alias="nothing"),
        LexiconEntry(grapheme="Nimue", alias="[[ˈnɪmjuː]]"),
        LexiconEntry(grapheme="Nimue", phonemes="ˈnɪm]]juː"),
    ],
)
def test_entries_from_a_manuscript_are_checked_too(entry: LexiconEntry) -> None:
    with pytest.raises(LexiconError, match="lexicon entry"):
        Lexicon([entry])


def test_an_empty_lexicon_changes_nothing_but_brackets() -> None:
    assert Lexicon([]).apply("Nimue [[x]]") == "Nimue [ [x] ]"


class Heard:
    """A voice that records the text it is given."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def phonemize(self, text: str) -> tuple[str, ...]:
        self.texts.append(text)
        return tuple(text)


def test_the_lexicon_comes_before_normalization() -> None:
    heard = Heard()
    segments = segment_chapter("Henry VIII met Nimue in 1509. He paid $5 for 2B.")
    lexicon = [
        LexiconEntry(grapheme="Henry VIII", alias="Bluff King Hal"),
        LexiconEntry(grapheme="Nimue", phonemes="ˈnɪmjuː"),
        LexiconEntry(grapheme="2B", alias="2 bees"),
    ]
    phonemize_segments(heard, segments, Wording(tuple(lexicon)))
    assert heard.texts == [
        "Bluff King Hal met [[ˈnɪmjuː]] in fifteen oh nine.",
        "He paid five dollars for two bees.",
    ]


@pytest.fixture(scope="module")
def phonemizer() -> Phonemizer:
    return Phonemizer.load("joe")


def test_phonemes_in_brackets_reach_the_voice_as_written(phonemizer: Phonemizer) -> None:
    said = "".join(phonemizer.phonemize("I met [[ˈnɪmjuː]] today."))
    assert said == "aɪ mˈɛt ˈnɪmjuː tədˈeɪ."
    assert "".join(phonemizer.phonemize("[[ˈnɪmjuː]]-like")).startswith("ˈnɪmjuːlˈaɪk")


def test_punctuation_after_phonemes_is_kept(phonemizer: Phonemizer) -> None:
    """espeak drops punctuation at the start of a text; piper-tts loses it after [[ ]]."""
    assert "".join(phonemizer.phonemize("I met [[ˈnɪmjuː]].")) == "aɪ mˈɛt ˈnɪmjuː."
    said = "".join(phonemizer.phonemize("[[ˈnɪmjuː]], then home"))
    assert said == "ˈnɪmjuː, ðˈɛn hˈoʊm"


def test_unknown_phonemes_are_dropped_with_a_warning(
    phonemizer: Phonemizer, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="models.phonemizer"):
        said = phonemizer.phonemize("[[ˈnɪm☃juː]]")
    assert "".join(said) == "ˈnɪmjuː"
    assert "does not know" in caplog.text
