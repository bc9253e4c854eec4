import numpy as np

from models.piper import PiperVoice
from models.seams import log_mel_l1, seam_score

PARAGRAPH = [
    "Well, I awoke, and found that I had kicked my bedclothes off;",
    "and no wonder, for it was hot and the sun shining brightly.",
    "I jumped up and washed and hurried on my clothes,",
    "but in a hazy and half-awake condition, as if I had slept for a long, long while.",
]


def test_identical_audio_scores_zero_and_different_audio_does_not() -> None:
    rng = np.random.default_rng(0)
    audio = rng.standard_normal(22050).astype(np.float32) * 0.1
    assert log_mel_l1(audio, audio, 22050) == 0.0
    assert log_mel_l1(audio * 0.5, audio, 22050) > 0.5


def test_context_brings_segments_closer_to_the_one_pass_reading(voice: PiperVoice) -> None:
    segments = [(voice.phonemize(text),) for text in PARAGRAPH]
    independent = seam_score(voice, [segments], context=False)
    with_context = seam_score(voice, [segments], context=True)
    assert independent.segments == with_context.segments == 4
    assert with_context.log_mel_l1 < 0.8 * independent.log_mel_l1
    assert with_context.duration_error < independent.duration_error
