"""A segment between chunk tasks: its take goes through storage whole (`worker.takes`)."""

import io

import numpy as np

from config.manifest import QAFinding
from models.voice import VoiceOutput
from worker import takes


def test_a_take_comes_back_as_it_was_stored() -> None:
    words = [[(10, 400), (512, 1000)], [], [(0, 900)]]
    audio = np.random.default_rng(1).standard_normal(3000).astype(np.float32)
    output = VoiceOutput(audio, [1000, 1000, 1000], None, words)
    finding = QAFinding(
        chapter=0, segment=4, text="It asked.", checks=["pace"], detail="too fast", fixed=False
    )
    take = takes.decode(takes.encode(output, [finding]))
    assert np.array_equal(take.audio, audio) and take.audio.dtype == np.float32
    assert take.part_samples == [1000, 1000, 1000]
    assert take.word_samples == words
    assert take.findings == [finding]


def test_a_take_stored_as_an_archive_by_an_earlier_version_still_reads() -> None:
    buffer = io.BytesIO()
    qa = (
        '[{"chapter": 0, "segment": 1, "text": "Hi.", "checks": ["pace"], "detail": "fast",'
        ' "fixed": true}]'
    )
    np.savez(
        buffer,
        audio=np.ones(30, np.float32),
        parts=np.array([10, 20]),
        qa=np.array(qa),
        word_counts=np.array([2, 0]),
        words=np.array([[0, 4], [5, 9]]),
    )
    take = takes.decode(buffer.getvalue())
    assert take.part_samples == [10, 20] and len(take.audio) == 30
    assert take.word_samples == [[(0, 4), (5, 9)], []]
    assert [f.segment for f in take.findings] == [1]


def test_an_archive_stored_before_word_samples_has_none() -> None:
    buffer = io.BytesIO()
    np.savez(buffer, audio=np.zeros(10, np.float32), parts=np.array([10]))
    take = takes.decode(buffer.getvalue())
    assert take.word_samples == [] and take.findings == []
