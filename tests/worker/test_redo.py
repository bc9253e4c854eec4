"""The splice of `narrate redo`: the same audio spliced back gives the assembled master."""

from pathlib import Path

import numpy as np
import pytest
import soundfile

from config.settings import AssemblySettings, BreakClass
from worker.audio import ChapterSpool, assemble
from worker.redo import Cut, Levels, splice


@pytest.mark.parametrize("index", [0, 1, 2])
@pytest.mark.parametrize("out_rate", [44100, 24000])
def test_splicing_a_segment_back_gives_the_assembly_within_one_step(
    tmp_path: Path, index: int, out_rate: int
) -> None:
    # Tones, not noise: their peaks stay under the limiter's ceiling, which would otherwise
    # act on blocks placed differently in a chapter's assembly and in a splice.
    rng = np.random.default_rng(index)
    segments = [
        np.sin(np.arange(n) * rng.uniform(0.05, 0.5)).astype(np.float32) * 0.1
        for n in (5000, 8000, 6000)
    ]
    settings = AssemblySettings()
    with ChapterSpool(22050, directory=tmp_path) as spool:
        for i, audio in enumerate(segments):
            spool.add(i, audio, [len(audio)], BreakClass.SENTENCE)
        master = assemble(spool, [0, 1, 2], settings, out_rate, tmp_path / "master.wav")
    starts = [round(t.start_s * 22050) for t in master.timings]
    ends = [round(t.end_s * 22050) for t in master.timings]
    cut = Cut.around(starts, ends, index, len(segments[index]), (22050, out_rate))
    levels = Levels(22050, out_rate, master.gain, settings.peak_ceiling_db)
    frames = splice(master.path, tmp_path / "spliced.wav", cut, segments[index], levels)
    old, _ = soundfile.read(master.path, dtype="int16")
    new, _ = soundfile.read(tmp_path / "spliced.wav", dtype="int16")
    assert frames == len(new) == len(old)
    assert np.abs(old.astype(np.int32) - new).max() <= 1
