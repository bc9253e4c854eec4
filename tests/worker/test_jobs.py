"""A segment between chunk tasks: its word samples go through the npz with its audio."""

import io

import numpy as np

from models.voice import VoiceOutput
from worker.jobs import word_arrays, word_samples


def test_word_samples_come_back_as_they_were_stored() -> None:
    words = [[(10, 400), (512, 1000)], [], [(0, 900)]]
    output = VoiceOutput(np.zeros(3000, np.float32), [1000, 1000, 1000], None, words)
    counts, pairs = word_arrays(output)
    buffer = io.BytesIO()
    np.savez(buffer, audio=output.audio, word_counts=counts, words=pairs)
    assert word_samples(np.load(io.BytesIO(buffer.getvalue()))) == words


def test_a_segment_stored_before_word_samples_has_none() -> None:
    buffer = io.BytesIO()
    np.savez(buffer, audio=np.zeros(10, np.float32), parts=np.array([10]))
    assert word_samples(np.load(io.BytesIO(buffer.getvalue()))) == []
