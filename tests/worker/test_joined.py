"""Audio encoded in stretches at once and joined (worker/joined.py): a chapter's MP3 and its
AAC piece of the M4B; and the mastering that lets any stretch of a chapter be made alone
(worker/mastering.py's `Master`)."""

import multiprocessing
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
import pytest
import soundfile

from config.manuscript import Metadata
from config.settings import AcxSettings, Settings
from tests.worker.speechlike import speechlike, with_lengths, write_wav
from worker import joined
from worker.chapters import _encoders
from worker.encode import Tags, write_mp3
from worker.joined import (
    Pcm,
    Stretch,
    encode_stretch,
    encoder_threads,
    lame,
    stretches,
    write_joined_file,
)
from worker.m4b import mux_m4b, write_piece
from worker.mastering import Master, plan, survey, write_acx_mp3

ACX = 44100
MP3_FRAME, AAC_FRAME = 1152, 1024
Audio = npt.NDArray[np.float32]


def noise(seconds: float, seed: int) -> Audio:
    return (np.random.default_rng(seed).standard_normal(round(seconds * ACX)) * 0.1).astype(
        np.float32
    )


def decoded(path: Path) -> Audio:
    with av.open(str(path)) as container:
        return np.concatenate([frame.to_ndarray()[0] for frame in container.decode(audio=0)])


def snr_db(pcm: Audio, heard: Audio) -> float:
    return float(10 * np.log10(np.mean(pcm**2) / np.mean((heard - pcm) ** 2)))


def packets(path: Path) -> int:
    with av.open(str(path)) as container:
        return sum(1 for p in container.demux(container.streams.audio[0]) if p.size)


@pytest.fixture
def short_stretches(monkeypatch: pytest.MonkeyPatch) -> int:
    """Stretches of 5.2 s, so that seconds of audio make several."""
    monkeypatch.setattr(joined, "STRETCH_SAMPLES", 200 * MP3_FRAME)
    return 200 * MP3_FRAME


def master_of(wav: Path) -> Master:
    found = survey(wav)
    return Master(wav, found.rate, plan(found, AcxSettings()), AcxSettings())


def mp3_joined(master: Master, out: Path, threads: int, title: str = "") -> None:
    pcm = Pcm(master.pcm, master.samples, ACX)
    write_joined_file(out, "mp3", Tags(title=title).as_dict(), pcm, lame(), threads)


def joins(samples: int, frame: int) -> list[int]:
    return [s.start * frame for s in stretches(samples, frame)[1:]]


def assert_heard_as_one_stream(
    pcm: Audio, heard: Audio, one: Audio, at: list[int], within_db: float = 0.05
) -> None:
    """As close to the PCM as one encoder's stream, overall and around every join."""
    assert snr_db(pcm, heard) == pytest.approx(snr_db(pcm, one), abs=within_db)
    assert snr_db(pcm, heard) > 15
    for sample in at:
        near = slice(sample - 4096, sample + 4096)
        error = np.sqrt(np.mean((heard[near] - pcm[near]) ** 2))
        alone = np.sqrt(np.mean((one[near] - pcm[near]) ** 2))
        assert error <= 1.5 * alone + 1e-4, f"the join at sample {sample}"


def test_a_stream_is_cut_every_so_many_frames_and_the_last_stretch_is_not_short() -> None:
    size = joined.STRETCH_SAMPLES // MP3_FRAME
    assert stretches(None, MP3_FRAME) == [Stretch(0, None)]  # a length not known: one
    assert stretches(joined.STRETCH_SAMPLES, MP3_FRAME) == [Stretch(0, None)]
    assert stretches(3 * size * MP3_FRAME, MP3_FRAME) == [
        Stretch(0, size),
        Stretch(size, 2 * size),
        Stretch(2 * size, None),
    ]
    # 2.4 stretches: the 0.4 goes with the last, not alone
    assert stretches(int(2.4 * size * MP3_FRAME), MP3_FRAME) == [
        Stretch(0, size),
        Stretch(size, None),
    ]
    assert stretches(3 * joined.STRETCH_SAMPLES, AAC_FRAME)[1].start * AAC_FRAME == pytest.approx(
        joined.STRETCH_SAMPLES, abs=AAC_FRAME
    )


def test_a_joined_mp3_decodes_as_one_stream_does(tmp_path: Path, short_stretches: int) -> None:
    wav = write_wav(tmp_path / "c.wav", speechlike(20.0, ACX), ACX)
    master = master_of(wav)
    pcm = np.concatenate(list(master.pcm()))
    assert master.samples == len(pcm)
    mp3_joined(master, tmp_path / "joined.mp3", threads=3)
    write_mp3(master.pcm(), ACX, tmp_path / "one.mp3", Tags())
    heard, one = decoded(tmp_path / "joined.mp3"), decoded(tmp_path / "one.mp3")
    at = joins(len(pcm), MP3_FRAME)
    assert len(at) >= 3
    # Then: every sample there, none more (LAME's delay and padding in the file's tag)
    assert len(heard) == len(one) == len(pcm)
    assert_heard_as_one_stream(pcm, heard, one, at)


def test_a_frame_dropped_at_a_join_would_show(tmp_path: Path, short_stretches: int) -> None:
    """The checks above can fail: frames kept one too few at each join shift the audio
    after it, and the decoded stream is no longer the PCM."""
    wav = write_wav(tmp_path / "c.wav", speechlike(12.0, ACX), ACX)
    master = master_of(wav)
    pcm = np.concatenate(list(master.pcm()))
    shortened = [
        encode_stretch(Pcm(master.pcm, master.samples, ACX), s, lame())[: -1 if s.stop else None]
        for s in stretches(master.samples, MP3_FRAME)
    ]
    with av.open(str(tmp_path / "bad.mp3"), "w", "mp3") as box:
        stream = box.add_stream("libmp3lame", rate=ACX, layout="mono")
        stream.bit_rate = 192_000
        for part in shortened:
            for packet in part:
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
        mp3_joined(master, tmp_path / f"{threads}.mp3", threads, title="I")
        write_piece(wav, tmp_path / f"{threads}.m4a", threads=threads)
    for ext in ("mp3", "m4a"):
        one = (tmp_path / f"1.{ext}").read_bytes()
        assert one == (tmp_path / f"2.{ext}").read_bytes() == (tmp_path / f"4.{ext}").read_bytes()


def test_a_chapter_mastered_for_acx_in_stretches_passes_as_a_whole_does(
    tmp_path: Path, short_stretches: int
) -> None:
    wav = write_wav(tmp_path / "c.wav", speechlike(16.0, ACX), ACX)
    report = write_acx_mp3(wav, tmp_path / "c.mp3", Tags(title="I"), threads=2)
    assert report.passed, report.problems
    assert (report.bit_rate, report.constant_bit_rate) == (192_000, True)
    master = master_of(wav)
    assert len(stretches(master.samples, MP3_FRAME)) >= 3
    assert len(decoded(tmp_path / "c.mp3")) == master.samples


def test_a_joined_aac_piece_decodes_as_one_stream_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wav = write_wav(tmp_path / "c.wav", speechlike(20.0, ACX), ACX)
    pcm = soundfile.read(str(wav), dtype="float32")[0]
    write_piece(wav, tmp_path / "one.m4a")  # 20 s: one stretch
    monkeypatch.setattr(joined, "STRETCH_SAMPLES", 200 * AAC_FRAME)
    write_piece(wav, tmp_path / "joined.m4a", threads=3)
    at = joins(len(pcm), AAC_FRAME)
    assert len(at) >= 3
    assert packets(tmp_path / "joined.m4a") == packets(tmp_path / "one.m4a")
    heard, one = decoded(tmp_path / "joined.m4a"), decoded(tmp_path / "one.m4a")
    assert len(heard) == len(one) >= len(pcm)
    # The piece's edit list skips AAC's priming; its last packet runs past the chapter's end
    assert len(heard) - len(pcm) < AAC_FRAME
    # FFmpeg's AAC encoder steers its quantizer by the bits it has spent so far: a stretch's
    # encoder spends them a little differently from one stream's all along (not at the
    # joins), so the error differs by tenths of a dB, either way.
    assert_heard_as_one_stream(pcm, heard[: len(pcm)], one[: len(pcm)], at, within_db=0.5)


def test_an_m4b_of_pieces_made_in_stretches_is_the_book_of_pieces_made_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = [
        (write_wav(tmp_path / f"{k}.wav", speechlike(s, ACX, seed=k), ACX), f"Chapter {k}")
        for k, s in enumerate((12.0, 3.0, 9.0))
    ]
    whole = [tmp_path / f"w{k}.m4a" for k in range(3)]
    for (wav, _), piece in zip(book, whole, strict=True):
        write_piece(wav, piece)
    monkeypatch.setattr(joined, "STRETCH_SAMPLES", 100 * AAC_FRAME)
    cut = [tmp_path / f"c{k}.m4a" for k in range(3)]
    for (wav, _), piece in zip(book, cut, strict=True):
        write_piece(wav, piece, threads=2)
    spans = mux_m4b(with_lengths(book, cut), tmp_path / "cut.m4b", Metadata(title="B"))
    assert spans == mux_m4b(with_lengths(book, whole), tmp_path / "whole.m4b", Metadata(title="B"))
    heard, one = decoded(tmp_path / "cut.m4b"), decoded(tmp_path / "whole.m4b")
    assert len(heard) == len(one)
    assert float(np.corrcoef(heard, one)[0, 1]) > 0.99


def test_any_stretch_of_the_mastered_pcm_is_the_whole_s_samples_there(tmp_path: Path) -> None:
    wav = write_wav(tmp_path / "c.wav", speechlike(26.0, ACX), ACX)
    master = master_of(wav)
    whole = np.concatenate(list(master.pcm()))
    assert master.samples == len(whole)
    end = len(whole)
    head = master.steps.pad_head  # the room tone added before the first word
    for start, stop in [
        (0, 1000),
        (head - 7, head + 7),
        (441_000 - 5, 441_000 + 5),
        (123_457, 1_000_001),
        (end - 150_000, end - 10),  # across the room tone added after the last word
        (end - 10, None),
        (0, None),
    ]:
        part = np.concatenate(list(master.pcm(start, stop)))
        assert np.array_equal(part, whole[start:stop]), (start, stop)
    assert head > 0 and end - master.steps.pad_tail < end - 10
    # a part of a chapter (as one over 120 minutes is cut), from its offset in the WAV
    found = survey(wav, (7.0, 19.0))
    part_master = Master(wav, found.rate, plan(found, AcxSettings()), AcxSettings())
    part_whole = np.concatenate(list(part_master.pcm()))
    mid = np.concatenate(list(part_master.pcm(300_001, 500_003)))
    assert np.array_equal(mid, part_whole[300_001:500_003])


def test_a_wav_at_another_rate_is_mastered_whole_only(tmp_path: Path) -> None:
    wav = write_wav(tmp_path / "c.wav", speechlike(3.0, 22050), 22050)
    master = master_of(wav)
    assert master.samples is None  # its length at 44.1 kHz is the resampler's to say
    assert stretches(master.samples, MP3_FRAME) == [Stretch(0, None)]
    steps = master.steps
    at_22k = steps.pad_head + steps.stop - steps.start + steps.pad_tail
    assert len(np.concatenate(list(master.pcm()))) == pytest.approx(2 * at_22k, abs=2)
    with pytest.raises(ValueError, match=r"44\.1 kHz"):
        next(master.pcm(1000, 2000))


def test_one_stretch_is_muxed_as_it_is_encoded(tmp_path: Path) -> None:
    """A PCM of a length not known ahead (a WAV at another rate) is one stretch: its packets
    go to the file as they come, so memory stays flat whatever the chapter's length."""
    out = tmp_path / "c.mp3"
    sizes = []

    def read(_start: int, _stop: int | None) -> Iterator[Audio]:
        for second in range(40):
            if second == 30:
                sizes.append(out.with_name(out.name + ".part").stat().st_size)
            yield noise(1.0, second)

    write_joined_file(out, "mp3", {}, Pcm(read, None, ACX), lame(), threads=4)
    assert sizes and sizes[0] > 20 * 24_000  # 20 s of 192 kbit/s already written
    assert len(decoded(out)) == 40 * ACX


def test_a_stretch_that_fails_leaves_no_file(tmp_path: Path, short_stretches: int) -> None:
    out = tmp_path / "c.mp3"

    def read(start: int, stop: int | None) -> Iterator[Audio]:
        if start > 2 * short_stretches:
            raise OSError("the disk went away")
        yield noise(((stop or 20 * ACX) - start) / ACX, start)

    with pytest.raises(OSError, match="went away"):
        write_joined_file(out, "mp3", {}, Pcm(read, 20 * ACX, ACX), lame(), threads=2)
    assert list(tmp_path.iterdir()) == []


def test_encoders_per_file_share_the_cores_among_the_delivery_processes() -> None:
    cores = len(os.sched_getaffinity(0))
    assert encoder_threads(1) == min(8, cores)
    assert encoder_threads(cores) == 1  # every core has a process: one encoder each
    assert encoder_threads(10 * cores) == 1


@pytest.fixture
def two_slots() -> Iterator[None]:
    joined.share_slots(multiprocessing.get_context("spawn").BoundedSemaphore(2))
    yield
    joined.share_slots(None)


def busiest(threads: int, tmp_path: Path) -> int:
    """The most stretches encoded at once for a PCM of 6 stretches and `threads` encoders."""
    lock, now, most = threading.Lock(), [0], [0]

    def read(start: int, stop: int | None) -> Iterator[Audio]:
        with lock:
            now[0] += 1
            most[0] = max(most[0], now[0])
        time.sleep(0.3)  # long enough that the other encoders are under way meanwhile
        yield noise(((stop or 6 * joined.STRETCH_SAMPLES) - start) / ACX, start)
        with lock:
            now[0] -= 1

    pcm = Pcm(read, 6 * joined.STRETCH_SAMPLES, ACX)
    write_joined_file(tmp_path / f"{threads}.mp3", "mp3", {}, pcm, lame(), threads)
    return most[0]


def test_a_delivery_pool_s_slots_bound_its_encoders_at_once(
    tmp_path: Path, short_stretches: int, two_slots: None
) -> None:
    assert encoder_threads(1000) == min(8, len(os.sched_getaffinity(0)))  # a pool decides
    assert busiest(4, tmp_path) == 2


def test_without_slots_a_file_s_encoders_all_run_at_once(
    tmp_path: Path, short_stretches: int
) -> None:
    """The check above can fail: without the slots, the four encoders work side by side."""
    assert busiest(4, tmp_path) > 2


def test_a_slot_lost_with_a_killed_process_does_not_hang_the_file(
    tmp_path: Path,
    short_stretches: int,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The slots are the host's, shared by every narrating process's pool: a process killed
    while it held slots never gives them back, and the other pools' files must still be
    made (slower, but made) rather than wait for ever."""
    slots = multiprocessing.get_context("spawn").BoundedSemaphore(1)
    assert slots.acquire(block=False)  # held by a process that is gone
    joined.share_slots(slots)
    monkeypatch.setattr(joined, "SLOT_WAIT_S", 0.5)
    out = tmp_path / "lost.mp3"
    pcm = Pcm(lambda start, stop: [noise(((stop or 12 * ACX) - start) / ACX, start)], 12 * ACX, ACX)
    writer = threading.Thread(target=write_joined_file, args=(out, "mp3", {}, pcm, lame(), 2))
    try:
        writer.start()
        writer.join(timeout=60)
        assert not writer.is_alive(), "the file waited for a slot that never comes"
    finally:
        joined.share_slots(None)
        slots.release()  # a thread still waiting (the check failed) takes it and ends
    assert av.open(str(out)).duration is not None
    assert "no encoding slot came free" in caplog.text


def test_each_process_of_a_delivery_pool_takes_its_slots() -> None:
    with _encoders(Settings(delivery_workers=3)) as pool:
        # a process of the pool may take the cores the others leave idle
        assert pool.submit(encoder_threads, 1000).result() == min(8, len(os.sched_getaffinity(0)))
