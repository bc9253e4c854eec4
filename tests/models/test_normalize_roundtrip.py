"""Hard text through the ear: normalized, spoken by the real voice, heard by Whisper tiny.en.

Each sentence of tests/data/hard_text.txt has words a listener must hear ("eighth",
"fahrenheit") and misreadings they must not ("roman", "slash"). Whisper writes what it hears
its own way ("1887", "$3.50"), so its transcript is compared as the gate compares it, through
`models.gate.words`; misreadings are also looked for in the transcript as written.
"""

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pytest
import soundfile

from models.gate import transcribe, words
from models.normalize import normalize
from models.piper import PiperVoice
from models.voice import SynthesisParams, VoiceInput

HARD_TEXT = Path(__file__).parents[1] / "data" / "hard_text.txt"
SILENT = SynthesisParams(length_scale=1.0, noise_scale=0.0, noise_w=0.0)
GAP_S = 0.6
CHUNK_S = 25.0  # Whisper hears 30 s at a time; a sentence across a window's edge gets lost


class Expect(NamedTuple):
    heard: tuple[str, ...]
    not_heard: tuple[str, ...] = ()


# The opening words of each sentence -> the words that must be heard, and misreadings (as
# words or phrases: a chunk of audio holds other sentences, which may say "slash" rightly).
EXPECTED = {
    "In 1887 Henry VIII's": Expect(("eighteen", "eighth", "dollars"), ("henry roman",)),
    "Chapter IV opens": Expect(("chapter", "four", "march", "thirty"), ("chapter roman",)),
    "Dr. Smith moved": Expect(("doctor", "street", "saint")),
    "The temperature rose": Expect(("degrees", "fahrenheit", "celsius"), ("72f", "22c")),
    "She ran 5 km": Expect(("kilometers", "minutes", "miles", "hour"), ("twenty men",)),
    "Louis XIV and": Expect(("fourteenth", "second", "war"), ("louis roman", "war roman")),
    "Prices rose 12%": Expect(("percent", "nineties", "sixties")),
    "The war lasted": Expect(("nineteen", "pages", "fifteen"), ("cpp",)),
    "Add 1/2 a cup": Expect(("half", "quarters"), ("one slash two", "three slash four")),
    "Write to jane.doe": Expect(("dot", "example", "path"), ("https", "colon")),
    "Call 555-0123": Expect(("zero", "eight"), ("eight hundred forty thousand",)),
    "The company raised": Expect(("million", "billion", "nineteen"), ("dollars then",)),
    "On 3/4/2021": Expect(("march", "fourth", "am"), ("three slash four",)),
    "Mr. and Mrs. Jones": Expect(("mister", "missus", "number", "mount")),
    "Bring fruit, e.g.": Expect(("example", "cetera")),
    "The 1st, 22nd": Expect(("first", "third", "point")),
    "The cave was": Expect(("minus", "million")),
    "It cost £2.20": Expect(("pounds", "pence", "euros", "versus")),
    "Part II of Book XII": Expect(("book", "twelve", "twenty"), ("john roman",)),
    "The rules in § 4": Expect(("section", "number"), ("hash five",)),
    "The film opened": Expect(("march", "fourth", "twenty")),
    "King George I ruled": Expect(("king", "first")),
    "Exactly 1887 people": Expect(("people", "eighteen")),
    "The rope weighed": Expect(("kilograms", "feet", "half"), ("six fd",)),
    "Dr. Who drove": Expect(("doctor", "drive", "eighties"), ("baker doctor", "hundred eighties")),
    "Einstein wrote": Expect(("squared", "nineteen", "few"), ("dot", "it two", "five one")),
    "The hut was": Expect(("by", "feet", "times", "war"), ("asterisk", "ex", "double")),
    "Sr. Mary Clare": Expect(("sister", "eighteen", "ninety", "thousands"), ("senior",)),
    "XII. THE LAST": Expect(("twelve", "night"), ("roman",)),
    "At 0800 hours": Expect(("hundred", "minus", "forty", "millimeter"), ("zero eight",)),
    "The chest, made": Expect(
        ("circa", "pounds", "ounces", "miles", "hour"), ("meters", "the fifth", "dot")
    ),
}


def expected(sentence: str) -> Expect:
    return next(e for opening, e in EXPECTED.items() if sentence.startswith(opening))


def misreadings(sentence: str, transcript: str) -> list[str]:
    """What a listener expects of the sentence and Whisper did not hear, and what it heard
    that they would not expect."""
    spoken = [word.removesuffix("'s") for word in words(transcript)]
    written = transcript.lower().replace(",", " ").replace(".", " ").split()
    heard = f" {' '.join(spoken)} | {' '.join(written)} "
    expect = expected(sentence)
    missing = [f"no {word!r}" for word in expect.heard if word not in spoken]
    return missing + [f"heard {w!r}" for w in expect.not_heard if f" {w} " in heard]


def chunks(voice: PiperVoice, sentences: Sequence[str]) -> Iterator[tuple[list[int], np.ndarray]]:
    """(sentence indexes, audio) in pieces Whisper hears whole, a pause between sentences."""
    gap = np.zeros(int(GAP_S * voice.sample_rate), dtype=np.float32)
    items = [(VoiceInput((voice.phonemize(text),)),) for text in sentences]
    indexes: list[int] = []
    audio: list[np.ndarray] = [gap]
    for i, outputs in enumerate(voice.synthesize(items, SILENT)):
        if indexes and sum(map(len, audio)) + len(outputs[0].audio) > CHUNK_S * voice.sample_rate:
            yield indexes, np.concatenate(audio)
            indexes, audio = [], [gap]
        indexes.append(i)
        audio += [outputs[0].audio, gap]
    yield indexes, np.concatenate(audio)


def heard_wrongly(
    voice: PiperVoice, normalizer: Callable[[str], str], folder: Path
) -> dict[str, list[str]]:
    """Each hard sentence that Whisper heard wrongly, with what was wrong."""
    sentences = HARD_TEXT.read_text(encoding="utf-8").splitlines()
    wrong = {}
    for n, (indexes, audio) in enumerate(chunks(voice, [normalizer(s) for s in sentences])):
        wav = folder / f"chunk{n}.wav"
        soundfile.write(wav, audio, voice.sample_rate)
        transcript = transcribe(wav)
        for i in indexes:
            if found := misreadings(sentences[i], transcript):
                wrong[sentences[i]] = found
    return wrong


def test_every_hard_sentence_has_its_expectations() -> None:
    sentences = HARD_TEXT.read_text(encoding="utf-8").splitlines()
    assert len(sentences) == len(EXPECTED) >= 25
    assert all(expected(sentence) for sentence in sentences)


def test_misreadings_are_found_as_heard_and_as_written() -> None:
    sentence = "In 1887 Henry VIII's portrait sold for $3.50 at auction."
    right = "In 1887, Henry VIII's portrait sold for $3.50 at auction."
    assert misreadings(sentence, right) == []
    wrong = "An 1887 Henry Roman 8 portrait sold for $3.50 at auction."
    assert misreadings(sentence, wrong) == [
        "no 'eighteen'",
        "no 'eighth'",
        "heard 'henry roman'",
    ]


@pytest.mark.slow
def test_whisper_hears_what_a_listener_expects(voice: PiperVoice, tmp_path: Path) -> None:
    assert heard_wrongly(voice, normalize, tmp_path) == {}
