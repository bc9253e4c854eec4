"""An MP3 encoded in stretches at once and joined (worker/mp3join.py), and the mastering
that lets any stretch of a chapter be made alone (worker/mastering.py's `Master`)."""

from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
import pytest

from config.settings import AcxSettings
from tests.worker.speechlike import speechlike, write_wav
from worker import mp3join
from worker.encode import Tags, write_mp3
from worker.mastering import Master, plan, survey, write_acx_mp3
from worker.mp3join import FRAME, Stretch, stretches, write_joined

ACX = 44100
Audio = npt.NDArray[np.float32]


def decoded(path: Path) -> Audio:
    with av.open(str(path)) as container:
        return np.concatenate([frame.to_ndarray()[0] for frame in container.decode(audio=0)])


def snr_db(pcm: Audio, decoded: Audio) -> float:
    return float(10 * np.log10(np.mean(pcm**2) / np.mean((decoded - pcm) ** 2)))


@pytest.fixture
def short_stretches(monkeypatch: pytest.MonkeyPatch) -> int:
    """Stretches of 200 frames (5.2 s), so that seconds of audio make several."""
    monkeypatch.setattr(mp3join, "STRETCH_FRAMES", 200)
    return 200


def master_of(wav: Path) -> Master:
    found = survey(wav)
    return Master(wav, found.rate, plan(found, AcxSettings()), AcxSettings())


def test_a_stream_is_cut_every_so_many_frames_and_the_last_stretch_is_not_short() -> None:
    size = mp3join.STRETCH_FRAMES
    assert stretches(None) == [Stretch(0, None)]  # a length not known: one encoder
    assert stretches(size * FRAME) == [Stretch(0, None)]
    assert stretches(3 * size * FRAME) == [
        Stretch(0, size),
        Stretch(size, 2 * size),
        Stretch(2 * size, None),
    ]
    # 2.4 stretches: the 0.4 goes with the last, not alone
    assert stretches(int(2.4 * size * FRAME)) == [Stretch(0, size), Stretch(size, None)]


def test_a_joined_mp3_decodes_as_one_stream_does(tmp_path: Path, short_stretches: int) -> None:
    wav = write_wav(tmp_path / "c.wav", speechlike(20.0, ACX), ACX)
    master = master_of(wav)
    pcm = np.concatenate(list(master.pcm()))
    assert master.samples == len(pcm)
    write_joined(master.pcm, master.samples, ACX, tmp_path / "joined.mp3", Tags(), threads=3)
    write_mp3(master.pcm(), ACX, tmp_path / "one.mp3", Tags())
    joined, one = decoded(tmp_path / "joined.mp3"), decoded(tmp_path / "one.mp3")
    joins = [s.start * FRAME for s in stretches(master.samples)[1:]]
    assert len(joins) >= 3
    # Then: every sample there, none more (LAME's delay and padding in the file's tag)
    assert len(joined) == len(one) == len(pcm)
    # and as close to the PCM as one encoder's stream, overall and at every join
    assert snr_db(pcm, joined) == pytest.approx(snr_db(pcm, one), abs=0.05)
    assert snr_db(pcm, joined) > 25
    for at in joins:
        near = slice(at - 4 * FRAME, at + 4 * FRAME)
        error = np.sqrt(np.mean((joined[near] - pcm[near]) ** 2))
        alone = np.sqrt(np.mean((one[near] - pcm[near]) ** 2))
        assert error <= 1.5 * alone + 1e-4, f"the join at sample {at}"


def test_a_stretch_dropped_at_a_join_would_show(tmp_path: Path, short_stretches: int) -> None:
    """The check above can fail: frames kept one too few at a join shift the audio after
    it by a frame, and the decoded stream is no longer the PCM."""
    wav = write_wav(tmp_path / "c.wav", speechlike(12.0, ACX), ACX)
    master = master_of(wav)
    pcm = np.concatenate(list(master.pcm()))
    good = mp3join.encode_stretch
    shortened = [
        good(master.pcm, master.samples, s, ACX, 192_000)[: None if s.stop is None else -1]
        for s in stretches(master.samples)
    ]
    with av.open(str(tmp_path / "bad.mp3"), "w", "mp3") as box:
        stream = box.add_stream("libmp3lame", rate=ACX, layout="mono")
        stream.bit_rate = 192_000
        for packets in shortened:
            for packet in packets:
                packet.stream = stream
                box.mux(packet)
    bad = decoded(tmp_path / "bad.mp3")
    assert len(bad) < len(pcm)
    assert snr_db(pcm[: len(bad)], bad) < 10


def test_the_same_pcm_makes_the_same_bytes_whatever_the_threads(
    tmp_path: Path, short_stretches: int
) -> None:
    wav = write_wav(tmp_path / "c.wav", speechlike(14.0, ACX), ACX)
    master = master_of(wav)
    for threads in (1, 2, 4):
        out = tmp_path / f"{threads}.mp3"
        write_joined(master.pcm, master.samples, ACX, out, Tags(title="I"), threads=threads)
    assert (tmp_path / "1.mp3").read_bytes() == (tmp_path / "2.mp3").read_bytes()
    assert (tmp_path / "1.mp3").read_bytes() == (tmp_path / "4.mp3").read_bytes()


def test_a_chapter_mastered_for_acx_in_stretches_passes_as_a_whole_does(
    tmp_path: Path, short_stretches: int
) -> None:
    wav = write_wav(tmp_path / "c.wav", speechlike(16.0, ACX), ACX)
    report = write_acx_mp3(wav, tmp_path / "c.mp3", Tags(title="I"), threads=2)
    assert report.passed, report.problems
    assert (report.bit_rate, report.constant_bit_rate) == (192_000, True)
    assert len(stretches(master_of(wav).samples)) >= 3


def test_any_stretch_of_the_mastered_pcm_is_the_whole_s_samples_there(tmp_path: Path) -> None:
    wav = write_wav(tmp_path / "c.wav", speechlike(26.0, ACX), ACX)
    master = master_of(wav)
    whole = np.concatenate(list(master.pcm()))
    assert master.samples == len(whole)
    for start, stop in [(0, 1000), (441_000 - 5, 441_000 + 5), (123_457, 1_000_001), (0, None)]:
        part = np.concatenate(list(master.pcm(start, stop)))
        assert np.array_equal(part, whole[start:stop]), (start, stop)


def test_a_wav_at_another_rate_is_mastered_whole_only(tmp_path: Path) -> None:
    wav = write_wav(tmp_path / "c.wav", speechlike(3.0, 22050), 22050)
    master = master_of(wav)
    assert master.samples is None  # its length at 44.1 kHz is the resampler's to say
    assert stretches(master.samples) == [Stretch(0, None)]
    steps = master.steps
    at_22k = steps.pad_head + steps.stop - steps.start + steps.pad_tail
    assert len(np.concatenate(list(master.pcm()))) == pytest.approx(2 * at_22k, abs=2)
    with pytest.raises(ValueError, match="44.1 kHz"):
        next(master.pcm(1000, 2000))
