"""A segment between chunk tasks: its audio, span lengths and word samples in one npz."""

import io

import numpy as np

from models.voice import VoiceOutput
from worker.jobs import pack_segment, unpack_segment


def test_a_segment_comes_back_as_it_was_stored() -> None:
    audio = np.linspace(-0.5, 0.5, 3000, dtype=np.float32)
    words = [[(10, 400), (512, 1000)], [], [(0, 900)]]
    stored = unpack_segment(pack_segment(VoiceOutput(audio, [1000, 1000, 1000], None, words)))
    assert np.array_equal(stored.audio, audio) and stored.audio.dtype == np.float32
    assert stored.part_samples == [1000, 1000, 1000]
    assert stored.word_samples == words


def test_a_segment_stored_before_word_samples_has_none() -> None:
    buffer = io.BytesIO()
    np.savez(buffer, audio=np.zeros(10, np.float32), parts=np.array([10]))
    stored = unpack_segment(buffer.getvalue())
    assert stored.part_samples == [10] and stored.word_samples == []
