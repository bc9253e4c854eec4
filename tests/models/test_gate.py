"""The quality gate, with the real Whisper tiny.en on the real voice's audio."""

from pathlib import Path

import numpy as np
import pytest
import soundfile

from config.errors import PrecisionError
from models.gate import Rendition, judge, report_for, transcribe, wer, words
from models.piper import PiperVoice
from models.variants import choose_precision, report_path
from models.voice import SynthesisParams, VoiceInput

TEXT = "The keeper climbed the stairs and lit the great lamp before the storm came in."


def test_word_error_rate_counts_substitutions_deletions_and_insertions() -> None:
    assert wer(["a", "b", "c", "d"], ["a", "b", "c", "d"]) == 0.0
    assert wer(["a", "b", "c", "d"], ["a", "x", "c"]) == 50.0  # one substituted, one dropped
    assert wer(["a", "b"], ["a", "b", "c", "d"]) == 100.0  # two inserted
    assert wer(["the", "cat", "sat"], ["cat", "sat", "down"]) == pytest.approx(200 / 3)
    assert wer([], []) == 0.0


def test_words_are_compared_as_spoken() -> None:
    """Both sides go through the voice's normalizer, so '$3.50' and '3 dollars' agree."""
    spoken = "it was the year eighteen eighty seven mister hammond's well known boat"
    assert words("It was the year 1887. Mr. Hammond's well-known boat!") == spoken.split(" ")
    assert words("It cost $3.50.") == words("it cost 3 dollars and 50 cents")
    assert words("Mr. Hammond at 10:30 p.m.") == words("Mister Hammond at ten thirty PM")
    assert words("“I’m sure it wouldn’t,” said Mrs. Medley’s cat.") == words(
        "I'm sure it wouldn't, said Missus Medley's cat."
    )


def test_whisper_hears_the_voice_and_the_gate_refuses_garbled_audio(
    voice: PiperVoice, tmp_path: Path
) -> None:
    params = SynthesisParams(length_scale=1.0, noise_scale=0.0, noise_w=0.0)
    (out,) = voice.synthesize([(VoiceInput((voice.phonemize(TEXT),)),)], params)[0]
    clean, garbled = tmp_path / "fp32.wav", tmp_path / "variant.wav"
    soundfile.write(clean, out.audio, voice.sample_rate)
    soundfile.write(garbled, out.audio[::-1], voice.sample_rate)  # same length, no words
    assert wer(words(TEXT), words(transcribe(clean))) < 20.0

    duration = len(out.audio) / voice.sample_rate
    fp32 = Rendition("fp32", [clean], duration, 1.0)
    variant = Rendition("int8", [garbled], duration, 0.5)
    report = judge("joe", "cpu", TEXT, fp32, variant)
    assert not report.passed
    assert report.wer > report.wer_fp32 + 1.0
    assert "WER" in report.reason and "duration" not in report.reason

    report.save(report_path(tmp_path, "0123456789abcdef", "int8", "cpu"))
    with pytest.raises(PrecisionError, match="failed its quality gate"):
        choose_precision("int8", "cpu", "0123456789abcdef", tmp_path, "joe")
    assert choose_precision("auto", "cpu", "0123456789abcdef", tmp_path, "joe") == "fp32"


def test_the_gate_refuses_a_variant_that_changes_the_pace() -> None:
    fp32 = Rendition("fp32", [], 100.0, 10.0)
    slower = Rendition("bf16", [], 103.0, 5.0)
    report = report_for("joe", "cpu", TEXT, words(TEXT), 4.0, 4.0, fp32, slower)
    assert not report.passed
    assert "duration off by 3.0%" in report.reason
    assert np.isclose(report.x_real_time, 20.6)
