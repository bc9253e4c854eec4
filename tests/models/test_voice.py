"""What every voice shares: the words of a span's phonemes."""

from models.voice import spoken_words


def test_spoken_words_are_the_runs_between_word_breaks_without_punctuation() -> None:
    phonemes = tuple("ɪts ʌvðə, lˈeɪt . ɡˈoʊ!")
    words = spoken_words(phonemes)
    assert ["".join(phonemes[a:b]) for a, b in words] == ["ɪts", "ʌvðə", "lˈeɪt", "ɡˈoʊ"]


def test_no_phonemes_or_punctuation_alone_are_no_words() -> None:
    assert spoken_words(()) == []
    assert spoken_words(tuple(", . ?")) == []
