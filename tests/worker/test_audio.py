import itertools
from pathlib import Path

import numpy as np
import pytest
import soundfile

from config.settings import AssemblySettings, BreakClass
from tests.worker.speechlike import speechlike
from worker.audio import (
    MAKEUP_DB,
    ChapterSpool,
    assemble,
    block_levels,
    chapter_gain,
    finish,
    limit,
    limited_gain,
    to_pcm16,
)

RATE = 22050


def tone(seconds: float, amplitude: float, freq: float = 220.0) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def build(tmp_path: Path, settings: AssemblySettings, out_rate: int):  # type: ignore[no-untyped-def]
    breaks = [BreakClass.CLAUSE, BreakClass.SENTENCE, BreakClass.PARAGRAPH, BreakClass.CHAPTER]
    with ChapterSpool(RATE, directory=tmp_path) as spool:
        # Added out of order, as batches finish: assembly puts them back in reading order.
        for index in (2, 0, 3, 1):
            spool.add(index, tone(1.0, 0.3), [RATE // 2, RATE - RATE // 2], breaks[index])
        chapter = assemble(spool, [0, 1, 2, 3], settings, out_rate, tmp_path / "c.wav")
    assert not spool.path.exists()  # the scratch file goes with the spool
    return chapter


def test_pauses_follow_break_classes_and_timings_match_the_file(tmp_path: Path) -> None:
    settings = AssemblySettings()
    chapter = build(tmp_path, settings, 44100)
    starts = [t.start_s for t in chapter.timings]
    gaps = [b - a - 1.0 for a, b in itertools.pairwise(starts)]
    expected = [
        settings.pause_s[b] for b in (BreakClass.CLAUSE, BreakClass.SENTENCE, BreakClass.PARAGRAPH)
    ]
    assert np.allclose(gaps, expected, atol=1e-3)
    assert starts[0] == settings.lead_in_s
    assert chapter.timings[0].parts[0] == (settings.lead_in_s, settings.lead_in_s + 0.5)
    info = soundfile.info(str(chapter.path))
    assert info.samplerate == 44100 and info.subtype == "PCM_16" and info.channels == 1
    assert info.frames == chapter.frames
    used = (BreakClass.CLAUSE, BreakClass.SENTENCE, BreakClass.PARAGRAPH, BreakClass.CHAPTER)
    total = settings.lead_in_s + 4 + sum(settings.pause_s[b] for b in used)
    assert abs(chapter.duration_s - total) < 0.01


def test_pauses_are_silent(tmp_path: Path) -> None:
    chapter = build(tmp_path, AssemblySettings(), 22050)
    audio, rate = soundfile.read(str(chapter.path))
    first, second = chapter.timings[1], chapter.timings[2]
    gap = audio[int((first.end_s + 0.02) * rate) : int((second.start_s - 0.02) * rate)]
    assert len(gap) > 0.3 * rate
    assert np.max(np.abs(gap)) < 1e-3


def test_loudness_is_normalized_and_peaks_stay_under_the_ceiling(tmp_path: Path) -> None:
    settings = AssemblySettings(target_rms_db=-20.0, peak_ceiling_db=-3.0)
    chapter = build(tmp_path, settings, 44100)
    audio, _ = soundfile.read(str(chapter.path))
    rms_db = 20 * np.log10(np.sqrt(np.mean(audio**2)))
    peak_db = 20 * np.log10(np.max(np.abs(audio)))
    assert peak_db <= -3.0
    assert abs(rms_db - (-20.0)) < 1.0  # a sine's crest is 3 dB: the limiter takes a little


@pytest.mark.parametrize("target_db", [-23.0, -20.0, -19.0, -18.0])
def test_the_whole_file_meets_the_rms_target_whatever_the_limiter_takes(
    tmp_path: Path, target_db: float
) -> None:
    """Speech peaks ~18 dB over its RMS: at -19 dB the limiter under -3 dB took most of a
    louder target's gain back (-19 gave -20.1 dB, 0.6 dB over -20's). The gain makes up
    for it, so the file, pauses included, is at the target as ACX measures it."""
    breaks = [BreakClass.SENTENCE, BreakClass.PARAGRAPH, BreakClass.SENTENCE]
    settings = AssemblySettings(target_rms_db=target_db, peak_ceiling_db=-3.0)
    with ChapterSpool(RATE, directory=tmp_path) as spool:
        for index, brk in enumerate(breaks):
            audio = speechlike(4.0, RATE, seed=index, lead_in_s=0.0, tail_s=0.0)
            spool.add(index, audio, [len(audio)], brk)
        chapter = assemble(spool, [0, 1, 2], settings, 44100, tmp_path / "c.wav")
    audio, _ = soundfile.read(str(chapter.path))
    assert 20 * np.log10(np.max(np.abs(audio))) <= -3.0
    assert 10 * np.log10(np.mean(np.square(audio))) == pytest.approx(target_db, abs=0.05)


def test_the_limiter_is_made_up_for_no_more_than_its_allowance() -> None:
    """A target the peaks leave no room for is missed, not met by squashing the speech."""
    audio = speechlike(3.0, RATE)
    levels = block_levels(audio, RATE)
    ceiling = 10 ** (-3 / 20)
    assert limited_gain(1.0, levels, 1.0) == 1.0  # nothing over the ceiling: nothing to make up
    assert limited_gain(100.0, levels, ceiling) == pytest.approx(100 * 10 ** (MAKEUP_DB / 20))
    silence = block_levels(np.zeros(RATE, np.float32), RATE)
    assert limited_gain(1.0, silence, ceiling) == 1.0


def test_requested_sample_rates(tmp_path: Path) -> None:
    for rate in (16000, 22050, 48000):
        chapter = build(tmp_path, AssemblySettings(), rate)
        assert soundfile.info(str(chapter.path)).samplerate == rate


def test_limiter_holds_a_loud_burst_under_the_ceiling() -> None:
    audio = tone(0.5, 0.2)
    audio[5000:5200] *= 5.0  # a peak at 1.0
    limited = limit(audio, 10 ** (-3 / 20), RATE)
    assert np.max(np.abs(limited)) <= 10 ** (-3 / 20)
    assert np.allclose(limited[:3000], audio[:3000])  # far from the burst: untouched


def test_pcm16_is_what_libsndfile_writes_from_the_same_floats(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    audio = np.clip(rng.standard_normal(200_000).astype(np.float32) * 0.3, -0.99, 0.99)
    audio[:6] = np.array([3.0, 2.5, -3.0, -2.5, 32767.0, -32768.0], np.float32) / 32768
    soundfile.write(tmp_path / "f.wav", audio, RATE, "PCM_16")
    by_libsndfile, _ = soundfile.read(tmp_path / "f.wav", dtype="int16")
    ours = to_pcm16(audio)
    assert ours.dtype == np.int16
    assert np.array_equal(ours, by_libsndfile)
    assert np.array_equal(to_pcm16(np.array([1.5, -1.5], np.float32)), [32767, -32768])


@pytest.mark.parametrize("ceiling_db", [-3.0, -1.0, 0.5])
def test_a_block_finished_in_16_bit_steps_is_gain_limiter_and_conversion_one_by_one(
    ceiling_db: float,
) -> None:
    rng = np.random.default_rng(7)
    speech = rng.standard_normal(44_100 * 3 + 123).astype(np.float32) * 0.15  # a short tail
    speech[10_000:10_400] *= 6.0  # bursts the limiter holds, one in the last short block
    speech[-50:] *= 8.0
    gain, ceiling = np.float32(1.8606), 10 ** (ceiling_db / 20)
    one_by_one = to_pcm16(limit(speech * gain, ceiling, 44_100))
    finished = finish(speech.copy(), gain, ceiling, 44_100)
    assert finished.dtype == np.int16
    assert np.array_equal(finished, one_by_one)
    assert not np.array_equal(one_by_one, to_pcm16(speech * gain))  # the limiter was at work


def test_a_nan_does_not_hide_a_blocks_peak_from_the_limiter() -> None:
    """A NaN (a model's fp16 overflow) in a 10 ms block: the limiter still holds the block's
    peaks under the ceiling, and no sample wraps round to the other sign as a click."""
    block = np.zeros(44_100, np.float32)
    block[100], block[200], block[300] = np.nan, 1.5, -1.5
    with np.errstate(invalid="ignore"):  # the NaN's own sample is cast as numpy casts it
        finished = finish(block, np.float32(1.0), 10 ** (-3 / 20), 44_100)
    ceiling = 10 ** (-3 / 20) * 32768
    assert 0 < finished[200] <= ceiling and -ceiling <= finished[300] < 0


def test_a_chapter_written_in_pieces_is_the_one_written_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 12 s: the last segment fills a piece exactly, and nothing is left for the end.
    lengths = [1.5, 12.0] + [0.7] * 9 + [12.0]

    def chapter(name: str) -> tuple[np.ndarray, list[float]]:
        with ChapterSpool(RATE, directory=tmp_path) as spool:
            for index, seconds in enumerate(lengths):
                audio = tone(seconds, 0.3, 200.0 + 10 * index)
                spool.add(index, audio, [len(audio)], BreakClass.SENTENCE)
            built = assemble(
                spool, list(range(len(lengths))), AssemblySettings(), 44100, tmp_path / name
            )
        samples, _ = soundfile.read(tmp_path / name, dtype="int16")
        return samples, [t.start_s for t in built.timings]

    in_pieces = chapter("pieces.wav")
    monkeypatch.setattr("worker.audio._EMIT_S", 1e9)
    at_once = chapter("once.wav")
    assert np.array_equal(in_pieces[0], at_once[0])
    assert in_pieces[1] == at_once[1]


def test_word_times_are_where_the_words_are_heard_in_the_file(tmp_path: Path) -> None:
    """Each segment: a second of silence, then a half-second "word" of tone; its span starts
    halfway through the silence."""
    silence = np.zeros(RATE, dtype=np.float32)
    segment = np.concatenate([silence, tone(0.5, 0.3)])
    word = [[], [(RATE // 2, RATE)]]  # the second span's word, from that span's start
    with ChapterSpool(RATE, directory=tmp_path) as spool:
        for index in (1, 0):
            spool.add(index, segment, [RATE // 2, RATE], BreakClass.SENTENCE, word)
        chapter = assemble(spool, [0, 1], AssemblySettings(), 48000, tmp_path / "c.wav")
    audio, rate = soundfile.read(str(chapter.path))
    for timing in chapter.timings:
        assert timing.words[0] == []
        ((start, end),) = timing.words[1]
        assert start == pytest.approx(timing.start_s + 1.0)
        assert end == pytest.approx(timing.start_s + 1.5)
        heard = np.abs(audio[int(start * rate) : int(end * rate)])
        before = np.abs(audio[int((start - 0.5) * rate) : int((start - 0.01) * rate)])
        assert heard.mean() > 0.1 and before.max() < 1e-3


def test_a_voice_without_word_times_gives_spans_without_words(tmp_path: Path) -> None:
    with ChapterSpool(RATE, directory=tmp_path) as spool:
        spool.add(0, tone(0.5, 0.3), [RATE // 2], BreakClass.CHAPTER)
        chapter = assemble(spool, [0], AssemblySettings(), RATE, tmp_path / "c.wav")
    assert chapter.timings[0].words == [[]]


def test_a_chapter_assembled_by_pieces_on_threads_is_one_file_whatever_the_threads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pieces of 16 segments, cut in the middle of a pause, are resampled on their own, at
    once: the file is the same for any number of threads, and the same as one stream over
    the whole chapter to the last bit of a 16-bit sample."""
    count = 40  # three pieces
    breaks = [BreakClass.SENTENCE, BreakClass.CLAUSE, BreakClass.PARAGRAPH]

    def chapter(name: str, threads: int) -> tuple[np.ndarray, list[float], int]:
        with ChapterSpool(RATE, directory=tmp_path) as spool:
            for index in range(count):
                audio = tone(0.25 + 0.01 * (index % 7), 0.3 + 0.6 * (index % 5 == 0), 150.0 + index)
                spool.add(index, audio, [len(audio)], breaks[index % 3])
            built = assemble(
                spool, list(range(count)), AssemblySettings(), 44100, tmp_path / name, threads
            )
        samples, _ = soundfile.read(tmp_path / name, dtype="int16")
        assert built.frames == len(samples)
        return samples, [t.start_s for t in built.timings], built.frames

    one, three = chapter("one.wav", 1), chapter("three.wav", 3)
    assert np.array_equal(one[0], three[0]) and one[1:] == three[1:]
    monkeypatch.setattr("worker.audio.PIECE_SEGMENTS", 10**9)
    whole = chapter("whole.wav", 3)
    assert whole[1:] == one[1:]  # the same length and timings
    assert np.max(np.abs(whole[0].astype(np.int32) - one[0])) <= 1


def test_pieces_resampled_while_narrating_give_the_file_assembled_at_the_end(
    tmp_path: Path,
) -> None:
    """Segments arrive out of order, one is taken again after its piece was resampled: the
    file and its checksum are those of a chapter resampled only when assembled."""
    from concurrent.futures import ThreadPoolExecutor

    from worker.audio import PIECE_SEGMENTS, PiecesAhead
    from worker.storage import file_sha256

    count = 2 * PIECE_SEGMENTS + 5
    breaks = [
        (BreakClass.SENTENCE, BreakClass.CLAUSE, BreakClass.PARAGRAPH)[i % 3] for i in range(count)
    ]
    arrival = [i for i in range(count) if i % 2] + [i for i in range(count) if i % 2 == 0]

    def segment(index: int, take: int = 0) -> np.ndarray:
        return tone(0.2 + 0.01 * (index % 5), 0.3 + 0.5 * (index % 7 == 0), 150.0 + index + take)

    def chapter(name: str, early: bool) -> tuple[bytes, str]:
        with ChapterSpool(RATE, directory=tmp_path) as spool, ThreadPoolExecutor(2) as pool:
            ahead = PiecesAhead(spool, breaks, AssemblySettings(), 44100, pool) if early else None
            for index in arrival:
                spool.add(index, segment(index), [len(segment(index))], breaks[index])
                if ahead:
                    ahead.added(index)
            if ahead:
                ahead.wait()
                assert spool.has_resampled(0)
            retake = segment(3, take=1)  # piece 0 was resampled with the first take
            spool.add(3, retake, [len(retake)], breaks[3])
            if ahead:
                ahead.added(3)
                ahead.wait()
                assert not spool.has_resampled(0) and spool.has_resampled(1)
            built = assemble(spool, list(range(count)), AssemblySettings(), 44100, tmp_path / name)
        assert built.sha256 == file_sha256(built.path)
        return built.path.read_bytes(), built.sha256

    assert chapter("early.wav", True) == chapter("late.wav", False)


def test_a_scene_break_pauses_longer_and_a_partial_pause_setting_keeps_the_rest(
    tmp_path: Path,
) -> None:
    settings = AssemblySettings(pause_s={BreakClass.SENTENCE: 0.3})  # names one break only
    with ChapterSpool(RATE, directory=tmp_path) as spool:
        for index, brk in enumerate((BreakClass.SENTENCE, BreakClass.SCENE, BreakClass.CHAPTER)):
            spool.add(index, tone(1.0, 0.3), [RATE], brk)
        chapter = assemble(spool, [0, 1, 2], settings, RATE, tmp_path / "c.wav")
    starts = [t.start_s for t in chapter.timings]
    gaps = [b - a - 1.0 for a, b in itertools.pairwise(starts)]
    assert np.allclose(gaps, [0.3, 2.0], atol=1e-3)


class CountingAllowance:
    """A semaphore that counts what is held, and the most held at once."""

    def __init__(self, size: int) -> None:
        import threading

        self._semaphore = threading.Semaphore(size)
        self._lock = threading.Lock()
        self.held = self.most = 0

    def acquire(self, blocking: bool = True) -> bool:
        if not self._semaphore.acquire(blocking):
            return False
        with self._lock:
            self.held += 1
            self.most = max(self.most, self.held)
        return True

    def release(self) -> None:
        with self._lock:
            self.held -= 1
        self._semaphore.release()

    def __enter__(self) -> None:
        self.acquire()

    def __exit__(self, *_: object) -> None:
        self.release()


def test_chapters_assembled_at_once_share_one_allowance_of_pieces_and_make_their_own_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chapters that end together are assembled at once: all of them together hold no more
    pieces than the process's allowance, none waits for ever on another, and each file is
    the one the chapter makes alone."""
    from concurrent.futures import ThreadPoolExecutor

    from worker.audio import PIECE_SEGMENTS

    count = 3 * PIECE_SEGMENTS + 2  # four pieces a chapter

    def chapter(n: int, name: str, threads: int) -> bytes:
        with ChapterSpool(RATE, directory=tmp_path) as spool:
            for index in range(count):
                audio = tone(0.2 + 0.01 * (index % 3), 0.3, 120.0 + 7 * n + index)
                spool.add(index, audio, [len(audio)], BreakClass.SENTENCE)
            settings = AssemblySettings(threads=threads)
            assemble(spool, list(range(count)), settings, 44100, tmp_path / name, threads)
        return (tmp_path / name).read_bytes()

    alone = [chapter(n, f"alone-{n}.wav", 1) for n in range(6)]
    allowance = CountingAllowance(3)
    monkeypatch.setattr("worker.audio.piece_allowance", lambda threads: allowance)
    with ThreadPoolExecutor(6) as chapters:
        together = list(chapters.map(lambda n: chapter(n, f"at-once-{n}.wav", 2), range(6)))
    assert together == alone
    assert allowance.most == 3 and allowance.held == 0


def test_a_writer_that_fails_gives_its_pieces_back() -> None:
    """The file's writer stops after one piece (a full disk): the pieces made or being made
    for it are free for the other chapters."""
    from concurrent.futures import ThreadPoolExecutor

    from worker.audio import _ahead

    allowance = CountingAllowance(4)
    with ThreadPoolExecutor(2) as pool:
        pieces = _ahead(pool, lambda k: [np.full(4, k, np.int16)], range(10), 3, allowance)  # type: ignore[arg-type]
        first = next(pieces)
        assert first[0][0] == 0 and allowance.held == 4
        pieces.close()
    assert allowance.held == 0


def test_a_chapters_loudness_counts_each_segment_once_in_any_order(tmp_path: Path) -> None:
    """A queued chapter's chunks spool their takes at once, in no set order, and a take
    may come again (a redelivered chunk, a retake): the gain is that of the final takes."""
    breaks = [BreakClass.SENTENCE] * 4
    takes = [tone(0.5 + 0.1 * i, 0.1 + 0.1 * i, 200.0 + 20 * i) for i in range(4)]

    def gain(arrival: list[tuple[int, float]]) -> float:
        with ChapterSpool(RATE, directory=tmp_path) as spool:
            for index, amplitude in arrival:
                audio = takes[index] * np.float32(amplitude)
                spool.add(index, audio, [len(audio)], breaks[index])
            return chapter_gain(spool, AssemblySettings())

    in_order = gain([(0, 1.0), (1, 1.0), (2, 1.0), (3, 1.0)])
    assert gain([(3, 1.0), (1, 1.0), (0, 1.0), (2, 1.0)]) == in_order
    assert gain([(2, 3.0), (0, 1.0), (3, 1.0), (1, 1.0), (2, 1.0)]) == in_order


@pytest.mark.parametrize("failing", [1, 2])  # the header, a piece
def test_pieces_written_at_their_places_give_the_checksum_of_the_file_and_a_failure_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: int
) -> None:
    """Each piece's thread writes its samples at their place in the file; the checksum is
    taken in order as they are handed over, and is the file's. A write that fails (a full
    disk), the header's or a piece's, leaves neither the chapter nor a part of it."""
    import errno
    import hashlib
    import os

    def spooled(spool: ChapterSpool) -> None:
        for index in range(40):  # three pieces
            spool.add(index, tone(0.3, 0.2 + 0.7 * (index % 4 == 0)), [6615], BreakClass.SENTENCE)

    with ChapterSpool(RATE, directory=tmp_path) as spool:
        spooled(spool)
        built = assemble(spool, list(range(40)), AssemblySettings(), 44100, tmp_path / "c.wav", 3)
    assert built.sha256 == hashlib.sha256((tmp_path / "c.wav").read_bytes()).hexdigest()
    assert soundfile.info(tmp_path / "c.wav").frames == built.frames

    real_pwrite, writes = os.pwrite, []

    def full_disk(fd: int, data: bytes, offset: int) -> int:
        if os.readlink(f"/proc/self/fd/{fd}").endswith(".wav.part"):  # the chapter's file
            writes.append(offset)
            if len(writes) == failing:
                raise OSError(errno.ENOSPC, "No space left on device")
        return real_pwrite(fd, data, offset)

    monkeypatch.setattr("worker.audio.os.pwrite", full_disk)
    with ChapterSpool(RATE, directory=tmp_path) as spool, pytest.raises(OSError, match="space"):
        spooled(spool)
        assemble(spool, list(range(40)), AssemblySettings(), 44100, tmp_path / "d.wav", 3)
    assert len(writes) >= failing  # the chapter's file was being written when the disk filled
    assert not (tmp_path / "d.wav").exists() and not (tmp_path / "d.wav.part").exists()
