"""Assemble a chapter: pauses by break class, loudness to target, resampling, 16-bit WAV.

Segment audio is spooled to a scratch file as it is made, so memory does not grow with the
chapter. The chapter is resampled by soxr in pieces of about two minutes (each a stream of
its own, cut in a pause, made on threads), spooled again at the output rate: while the
chapter is still narrating (`PiecesAhead`), or when it is assembled. Loudness is one gain
for the whole chapter (RMS over the file, pauses included, as ACX measures it), with a
limiter holding peaks under the ceiling; the gain is raised by what the limiter will take
(`limited_gain`), so the file meets the target. Gain and limiter need the whole chapter, so
they come last: each piece's thread writes its samples at their place in the file, and the
checksum is taken in order as the pieces are handed over.
"""

import errno
import hashlib
import itertools
import math
import os
import struct
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from types import TracebackType

import numpy as np
import numpy.typing as npt
import soxr

from config.errors import OutputError
from config.settings import PAUSES_S, AssemblySettings, BreakClass
from models.voice import Audio, WordSpans

_BLOCK_S = 0.01  # limiter resolution
# The most the gain is raised for what the limiter takes: past it, speech is squashed flat
# to reach a target its peaks leave no room for, and the file stays under the target.
MAKEUP_DB = 6.0
# Resampled, limited and written in pieces of ~10 s: per segment, the calls (each taking
# the GIL back from the inference threads) would cost more than the work on a GPU host.
_EMIT_S = 10.0
# A chapter is assembled in pieces of this many segments (see `assemble`): two minutes or so,
# so the pieces made ahead stay small beside a worker's memory.
PIECE_SEGMENTS = 16
SILENCE = -1  # in a piece, silence where a segment index would be
Piece = list[tuple[int, int]]  # (segment index or SILENCE, samples)
Blocks = list[npt.NDArray[np.float32]]


@dataclass
class SpooledSegment:
    offset: int  # in samples, in the spool file
    length: int
    part_samples: list[int]
    brk: BreakClass
    word_samples: Sequence[WordSpans] = ()  # per span, as the voice gave them
    squares: float = 0.0  # the sum of its samples' squares


@dataclass
class ChapterSpool:
    """Segment audio of one chapter on disk, added in any order, read by reading order."""

    sample_rate: int
    directory: Path | None = None
    segments: dict[int, SpooledSegment] = field(default_factory=dict)

    def __post_init__(self) -> None:
        handle, name = tempfile.mkstemp(suffix=".f32", dir=self.directory)
        self._file = os.fdopen(handle, "w+b")
        self.path = Path(name)
        self._end = 0
        # Pieces resampled to the output rate: a second file, written from several threads.
        handle, name = tempfile.mkstemp(suffix=".out.f32", dir=self.directory)
        self._resampled_file = os.fdopen(handle, "w+b")
        self.resampled_path = Path(name)
        self._resampled: dict[int, list[tuple[int, int]]] = {}  # piece -> (offset, length)s
        self._levels: dict[int, list[BlockLevels]] = {}  # piece -> its blocks' `block_levels`
        self._resampled_end = 0
        self._lock = threading.Lock()

    def add(
        self,
        index: int,
        audio: Audio,
        part_samples: list[int],
        brk: BreakClass,
        word_samples: Sequence[WordSpans] = (),
    ) -> None:
        data = np.ascontiguousarray(audio, dtype=np.float32)
        self._file.seek(self._end * 4)
        self._file.write(data.data)
        # float32 sums per segment are exact enough for a gain in dB
        squares = float(np.dot(data, data)) if len(data) else 0.0
        self.segments[index] = SpooledSegment(
            self._end, len(data), part_samples, brk, word_samples, squares
        )
        self._end += len(data)

    @property
    def sum_squares(self) -> float:
        """Over the segments in reading order, whatever order they came in (a queued
        chapter's chunks store theirs at once), and a segment taken again counted once."""
        total = 0.0
        for index in sorted(self.segments):
            total += self.segments[index].squares
        return total

    def read(self, index: int) -> Audio:
        """A segment's samples; threads may read at once (positioned reads, no seek)."""
        seg = self.segments[index]
        self._file.flush()
        data = os.pread(self._file.fileno(), seg.length * 4, seg.offset * 4)
        return np.frombuffer(data, dtype=np.float32)

    def keep_resampled(self, piece: int, blocks: Blocks, rate: int) -> None:
        """Keep a piece's blocks at the output rate, `rate` (see `resampled`), and their
        levels (see `levels`)."""
        frames = sum(len(block) for block in blocks)
        with self._lock:
            offset = self._resampled_end
            self._resampled_end += frames
        if frames:  # the blocks as they are, not joined first (a copy of the piece)
            fd = self._resampled_file.fileno()
            done = os.pwritev(fd, [b.data for b in blocks], offset * 4)
            if done != frames * 4:
                rest = b"".join(block.tobytes() for block in blocks)[done:]
                _write_whole(fd, rest, offset * 4 + done, self.resampled_path)
        spans = []
        for block in blocks:
            spans.append((offset, len(block)))
            offset += len(block)
        # Block by block, as `finish` limits them: the limiter's blocks start with each.
        levels = [block_levels(block, rate) for block in blocks]
        with self._lock:
            self._resampled[piece] = spans
            self._levels[piece] = levels

    def resampled(self, piece: int) -> Iterator[npt.NDArray[np.float32]]:
        """A piece's blocks at the output rate, read as they are taken into one buffer: the
        caller's to change in place, and gone when the next block is taken. One buffer, not
        one a block: a block is larger than what glibc maps on its own (`worker.memory`),
        and each would be faulted in 4 KiB at a time and unmapped again."""
        with self._lock:
            spans = self._resampled[piece]
        fd = self._resampled_file.fileno()
        buffer = np.empty(max((n for _, n in spans), default=0), np.float32)
        for at, n in spans:
            block = buffer[:n]
            if os.preadv(fd, [block.data], at * 4) != n * 4:
                raise OSError(f"{self.resampled_path}: short read")
            yield block

    def has_resampled(self, piece: int) -> bool:
        with self._lock:
            return piece in self._resampled

    def resampled_frames(self, piece: int) -> int:
        with self._lock:
            return sum(n for _, n in self._resampled[piece])

    def forget_resampled(self, piece: int) -> None:
        with self._lock:
            self._resampled.pop(piece, None)
            self._levels.pop(piece, None)

    def levels(self, pieces: int) -> "BlockLevels":
        """The levels of the first `pieces` pieces resampled, in order: the chapter's."""
        with self._lock:
            return BlockLevels.joined([lv for k in range(pieces) for lv in self._levels[k]])

    def close(self) -> None:
        self._file.close()
        self.path.unlink(missing_ok=True)
        self._resampled_file.close()
        self.resampled_path.unlink(missing_ok=True)

    def __enter__(self) -> "ChapterSpool":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


@dataclass(frozen=True)
class Timing:
    """Where a segment's spans lie in the chapter file, in seconds."""

    index: int
    start_s: float
    end_s: float
    parts: list[tuple[float, float]]
    words: list[list[tuple[float, float]]] = field(default_factory=list)  # per span, each word


@dataclass(frozen=True)
class ChapterAudio:
    path: Path
    sample_rate: int
    frames: int
    sha256: str
    timings: list[Timing]
    gain: float = 1.0  # the chapter's one gain, recorded so a redone sentence gets it too

    @property
    def duration_s(self) -> float:
        return self.frames / self.sample_rate


def pause_samples(brk: BreakClass, settings: AssemblySettings, rate: int) -> int:
    # A pause_s setting that names only some breaks leaves the others at their default.
    return round(settings.pause_s.get(brk, PAUSES_S[brk]) * rate)


def chapter_gain(spool: ChapterSpool, settings: AssemblySettings) -> float:
    """The gain that brings the chapter to the target RMS (pauses included) before the
    limiter; `limited_gain` raises it by what the limiter takes."""
    total = round(settings.lead_in_s * spool.sample_rate)
    for seg in spool.segments.values():
        total += seg.length + pause_samples(seg.brk, settings, spool.sample_rate)
    rms = np.sqrt(spool.sum_squares / max(total, 1))
    if rms < 1e-6:
        return 1.0  # silence stays silence
    return float(10 ** (settings.target_rms_db / 20) / rms)


@dataclass(frozen=True)
class BlockLevels:
    """A signal's levels per block of the limiter (see `block_levels`)."""

    peaks: npt.NDArray[np.float32]  # the peak the block's gain answers to
    squares: npt.NDArray[np.float64]  # the sum of the block's squares

    @staticmethod
    def joined(parts: Sequence["BlockLevels"]) -> "BlockLevels":
        if not parts:
            return BlockLevels(np.zeros(0, np.float32), np.zeros(0))
        peaks = np.concatenate([part.peaks for part in parts])
        return BlockLevels(peaks, np.concatenate([part.squares for part in parts]))


def block_levels(audio: npt.NDArray[np.float32], rate: int) -> BlockLevels:
    """Per block of `limit` over `audio` (at `rate`): the largest peak of the block and its
    neighbours (the limiter's attack and release take the least gain of the three), and the
    block's energy. A NaN (a model's fp16 overflow) counts as silence."""
    block = max(1, int(rate * _BLOCK_S))
    if len(audio) == 0:
        return BlockLevels.joined([])
    peaks = _block_peaks(audio, block)
    around = np.maximum(peaks, np.maximum(np.roll(peaks, 1), np.roll(peaks, -1)))
    # A block's squares summed in fp32 (to ~1e-5 for a 10 ms block: fp64 costs more on a GPU
    # host's end, where every chapter's last pieces are measured at once); the blocks in fp64.
    squares = np.add.reduceat(np.square(audio), np.arange(0, len(audio), block))
    return BlockLevels(around, np.nan_to_num(squares.astype(np.float64), nan=0.0, posinf=0.0))


def limited_gain(gain: float, levels: BlockLevels, ceiling: float) -> float:
    """`gain` raised by the loudness `limit` under `ceiling` will take: the limited file
    gets the energy `gain` alone would give it, so its RMS is on the target (a publisher
    asking -19 dB gets -19), unless that needs more than MAKEUP_DB.

    Each block keeps its energy at the gain, or, limited, what its peak at the ceiling
    allows; the gain solving for the sum is found by bisection (the sum grows with it)."""
    wanted = gain * gain * float(levels.squares.sum())

    def energy(g: float) -> float:
        return limited_energy(g, levels, ceiling)

    if not wanted > 0 or energy(gain) >= wanted:  # silence, or nothing limited
        return gain
    low, high = gain, gain * 10 ** (MAKEUP_DB / 20)
    if energy(high) <= wanted:
        return high
    for _ in range(24):  # 6 dB / 2**24: far below a 16-bit step
        middle = math.sqrt(low * high)
        low, high = (middle, high) if energy(middle) < wanted else (low, middle)
    return high


def limited_energy(gain: float, levels: BlockLevels, ceiling: float) -> float:
    """The sum of squares of the audio at `gain` once `limit` has held it under `ceiling`."""
    ceiling -= 1.0 / 32768  # as `limit` holds it
    kept = levels.squares * np.square(ceiling / np.maximum(levels.peaks, 1e-9), dtype=np.float64)
    return float(np.minimum(levels.squares * (gain * gain), kept).sum())


def limit(
    audio: npt.NDArray[np.float32],
    ceiling: float,
    rate: int,
    in_place: bool = False,
    unit: float = 1.0,
) -> npt.NDArray[np.float32]:
    """Hold peaks under the ceiling with a smooth gain per 10 ms block; then a hard stop.
    `in_place`: `audio` itself is changed and returned (no copy of a 10 s block). `unit`:
    full scale in `audio`'s units (32768 for samples already in 16-bit steps)."""
    # 16-bit rounding may add half a step; stay that much under the ceiling.
    ceiling = (ceiling - 1.0 / 32768) * unit
    block = max(1, int(rate * _BLOCK_S))
    if len(audio) == 0:
        return audio
    peaks = _block_peaks(audio, block)
    if float(peaks.max()) <= ceiling:
        return audio
    gains = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-9 * unit))
    gains = np.minimum(gains, np.minimum(np.roll(gains, 1), np.roll(gains, -1)))  # attack/release
    centers = (np.arange(len(gains)) + 0.5) * block
    # The envelope is 1 except around blocks that need less: only there is it interpolated
    # (a sample lies between its block's centre and a neighbour's) and applied; elsewhere
    # every sample is already under the ceiling.
    near = gains < 1
    near[1:] |= gains[:-1] < 1
    near[:-1] |= gains[1:] < 1
    edges = np.flatnonzero(np.diff(np.concatenate(([False], near, [False])).astype(np.int8)))
    limited = audio if in_place else audio.copy()
    for first, end in zip(edges[::2], edges[1::2], strict=True):
        lo, hi = int(first) * block, min(int(end) * block, len(audio))
        envelope = np.interp(np.arange(lo, hi), centers, gains).astype(np.float32)
        limited[lo:hi] = np.clip(audio[lo:hi] * envelope, -ceiling, ceiling)
    return limited


def _block_peaks(audio: npt.NDArray[np.float32], block: int) -> npt.NDArray[np.float32]:
    """The largest magnitude in each block (the last one may be short), passing over a NaN:
    a NaN peak would make its block's gain NaN, and the limiter pass the block by."""
    peaks: npt.NDArray[np.float32] = np.fmax.reduceat(
        np.abs(audio), np.arange(0, len(audio), block)
    )
    return peaks


def to_pcm16(audio: npt.NDArray[np.float32], in_place: bool = False) -> npt.NDArray[np.int16]:
    """16-bit samples, the same as libsndfile makes from floats (floor of x * 32768);
    `in_place`: `audio` is the scratch space (its values are lost).

    Converted here because libsndfile's own loop took a fifth of a GPU run's host time.
    """
    scaled = np.multiply(audio, np.float32(32768), out=audio if in_place else None)
    np.clip(scaled, -32768, 32767, out=scaled)
    return _floor16(scaled)


def finish(
    block: npt.NDArray[np.float32], gain: np.float32, ceiling: float, rate: int
) -> npt.NDArray[np.int16]:
    """A resampled block at the chapter's gain, limited, in 16 bits (`block` is the scratch
    space). The same samples as `to_pcm16(limit(block * gain, ...))`, in fewer passes over
    them: the gain and the 16-bit scale are one product, and the limiter works in 16-bit
    steps. Scaling by 32768 is exact in floating point, so nothing rounds differently."""
    np.multiply(block, np.float32(gain * np.float32(32768)), out=block)
    limit(block, ceiling, rate, in_place=True, unit=32768)
    if ceiling >= 1:  # the limiter leaves every sample within the ceiling: only then past 16 bits
        np.clip(block, -32768, 32767, out=block)
    return _floor16(block)


def _floor16(scaled: npt.NDArray[np.float32]) -> npt.NDArray[np.int16]:
    """Samples in 16-bit steps (within range), floored into 16 bits in one pass."""
    samples = np.empty(len(scaled), np.int16)
    np.floor(scaled, out=samples, casting="unsafe")
    return samples


def assemble(
    spool: ChapterSpool,
    order: list[int],
    settings: AssemblySettings,
    out_rate: int,
    path: Path,
    threads: int = 1,
) -> ChapterAudio:
    """Write the chapter WAV at out_rate; returns its timings and checksum.

    The chapter is made in pieces of PIECE_SEGMENTS segments, each cut in the middle of a
    pause (silence, wider than the resampler's filter) and resampled on its own (unless
    `PiecesAhead` did it while the chapter narrated), then given the chapter's gain and
    limited, up to `threads` pieces at once. The pieces depend on the segments only, never
    on `threads` or on when they were resampled, so the file is the same however it was made.
    """
    ceiling = 10 ** (settings.peak_ceiling_db / 20)
    count, threads = _piece_count(order), max(1, threads)
    allowance = piece_allowance(threads)
    with ThreadPoolExecutor(threads, thread_name_prefix="assemble") as pool:
        kept = partial(_resample_kept, spool, order, settings, out_rate, allowance)
        list(pool.map(kept, range(count)))
    plain = chapter_gain(spool, settings)
    gain = np.float32(limited_gain(plain, spool.levels(count), ceiling))
    starts = [0, *itertools.accumulate(spool.resampled_frames(k) for k in range(count))]
    finished = partial(_finished, spool, starts, gain=gain, ceiling=ceiling, out_rate=out_rate)
    # The threads are done (the pool shut down) before the file is closed: none writes
    # to it afterwards, whatever failed.
    with (
        WavFile(path, out_rate, starts[-1]) as wav,
        ThreadPoolExecutor(threads, thread_name_prefix="assemble") as pool,
    ):
        for blocks in _ahead(pool, partial(finished, wav), range(count), threads, allowance):
            wav.digest_next(blocks)
    timings = _timings(spool, order, settings)
    return ChapterAudio(path, out_rate, wav.frames, wav.hexdigest, timings, float(gain))


class PiecesAhead:
    """Resamples a chapter's pieces while it narrates, each as soon as all its segments are
    spooled: at the chapter's end `assemble` is left with the gain, the limiter and the
    write. On a GPU host the chapters that end last were otherwise resampled after the last
    batch, with the GPU idle."""

    def __init__(
        self,
        spool: ChapterSpool,
        breaks: Sequence[BreakClass],
        settings: AssemblySettings,
        out_rate: int,
        pool: Executor,
    ) -> None:
        self._spool, self._settings, self._out_rate, self._pool = spool, settings, out_rate, pool
        self._breaks = list(breaks)
        self._order = list(range(len(breaks)))
        count = _piece_count(self._order)
        self._left = [min(PIECE_SEGMENTS, len(breaks) - k * PIECE_SEGMENTS) for k in range(count)]
        self._seen: set[int] = set()
        self._stale: set[int] = set()
        self._futures: list[Future[None]] = []

    def added(self, index: int) -> None:
        """Segment `index` (its place in reading order) is in the spool."""
        piece = index // PIECE_SEGMENTS
        if index in self._seen:  # taken again: its piece is resampled when assembled
            self._stale.add(piece)
            return
        self._seen.add(index)
        self._left[piece] -= 1
        if self._left[piece] == 0:
            self._futures.append(self._pool.submit(self._resample, piece))

    def _resample(self, piece: int) -> None:
        spool = self._spool
        brk_of = self._breaks.__getitem__
        layout = piece_layout(piece, self._order, brk_of, spool, self._settings, spool.sample_rate)
        spool.keep_resampled(piece, _resample(spool, layout, self._out_rate), self._out_rate)

    def wait(self) -> None:
        """Every piece resampled so far is kept (errors raised here); a stale one dropped."""
        wait(self._futures)  # all of them ended before an error goes up and the spool with it
        for future in self._futures:
            future.result()
        for piece in self._stale:
            self._spool.forget_resampled(piece)

    def cancel(self) -> None:
        """Stop, before the spool goes: nothing still writes to it afterwards."""
        for future in self._futures:
            future.cancel()
        wait(self._futures)


def _piece_count(order: Sequence[int]) -> int:
    return max(1, -(-len(order) // PIECE_SEGMENTS))


def piece_layout(
    piece: int,
    order: Sequence[int],
    brk_of: Callable[[int], BreakClass],
    spool: ChapterSpool,
    settings: AssemblySettings,
    rate: int,
) -> Piece:
    """Piece number `piece` of the chapter as segments and silences: the first begins with
    the lead-in, each later one with the second half of the pause before it."""
    members = order[piece * PIECE_SEGMENTS :][:PIECE_SEGMENTS]
    if piece == 0:
        layout: Piece = [(SILENCE, round(settings.lead_in_s * rate))]
    else:
        before = pause_samples(brk_of(order[piece * PIECE_SEGMENTS - 1]), settings, rate)
        layout = [(SILENCE, before - before // 2)]
    last_piece = piece == _piece_count(order) - 1
    for n, index in enumerate(members):
        layout.append((index, spool.segments[index].length))
        pause = pause_samples(brk_of(index), settings, rate)
        cut = n == len(members) - 1 and not last_piece  # in the middle of the pause
        layout.append((SILENCE, pause // 2 if cut else pause))
    return layout


def _resample_kept(
    spool: ChapterSpool,
    order: list[int],
    settings: AssemblySettings,
    out_rate: int,
    allowance: threading.Semaphore,
    piece: int,
) -> None:
    """Resample a piece into the spool, unless `PiecesAhead` has."""
    if not spool.has_resampled(piece):
        brk_of = lambda index: spool.segments[index].brk  # noqa: E731
        layout = piece_layout(piece, order, brk_of, spool, settings, spool.sample_rate)
        with allowance:  # this thread holds no piece: waiting is safe
            spool.keep_resampled(piece, _resample(spool, layout, out_rate), out_rate)


def _timings(spool: ChapterSpool, order: list[int], settings: AssemblySettings) -> list[Timing]:
    rate = spool.sample_rate
    position = round(settings.lead_in_s * rate)
    timings: list[Timing] = []
    for index in order:
        seg = spool.segments[index]
        timings.append(segment_timing(index, position, seg, rate))
        position += seg.length + pause_samples(seg.brk, settings, rate)
    return timings


def _resample(spool: ChapterSpool, piece: Piece, out_rate: int) -> Blocks:
    """One piece resampled as a stream of its own, in blocks of ~10 s."""
    rate = spool.sample_rate
    resampler = soxr.ResampleStream(rate, out_rate, 1, dtype="float32", quality="HQ")
    blocks: Blocks = []
    pending: Blocks = []
    size = 0
    for index, samples in piece:
        if index == SILENCE:
            pending.append(np.zeros(samples, dtype=np.float32))
        else:
            pending.append(spool.read(index))
        size += samples
        if size >= _EMIT_S * rate:
            blocks.append(resampler.resample_chunk(np.concatenate(pending)))
            pending, size = [], 0
    rest = np.concatenate(pending) if pending else np.zeros(0, dtype=np.float32)
    blocks.append(resampler.resample_chunk(rest, last=True))
    return blocks


def _finished(
    spool: ChapterSpool,
    starts: list[int],
    wav: "WavFile",
    piece: int,
    *,
    gain: np.float32,
    ceiling: float,
    out_rate: int,
) -> list[npt.NDArray[np.int16]]:
    """A resampled piece at the chapter's gain, limited (after resampling: interpolation
    makes peaks between the input samples), in 16 bits, written at its place in the file
    (`starts`: each piece's first frame); its blocks are returned for the file's checksum,
    taken in order."""
    start, blocks = starts[piece], []
    for block in spool.resampled(piece):
        samples = finish(block, gain, ceiling, out_rate)
        wav.write_at(start, samples)
        start += len(samples)
        blocks.append(samples)
    return blocks


class WavFile:
    """A 16-bit mono WAV of a known length (the header libsndfile writes), written in
    blocks at their places by any thread, its SHA-256 taken in order as the blocks are
    handed over (reading it back cost as much again); it replaces `path` when complete."""

    def __init__(self, path: Path, rate: int, frames: int) -> None:
        size = frames * 2
        if size + 36 > 0xFFFFFFFF:
            raise OutputError(f"{path.name}: {frames} samples do not fit in a WAV file")
        header = b"RIFF" + struct.pack("<I", size + 36) + b"WAVEfmt "
        header += struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16) + b"data"
        header += struct.pack("<I", size)
        self.path, self.frames, self._header = path, frames, len(header)
        self._digest = hashlib.sha256(header)
        self._digested = 0
        self._tmp = path.with_name(path.name + ".part")
        self._fd = os.open(self._tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        try:
            self._write(header, 0)
        except BaseException:  # a full disk already: no __exit__ comes to remove the part
            self._close(remove=True)
            raise
        self.hexdigest = ""

    def write_at(self, frame: int, samples: npt.NDArray[np.int16]) -> None:
        if frame + len(samples) > self.frames:
            raise RuntimeError(f"{self.path.name}: samples past the {self.frames} announced")
        self._write(samples.astype("<i2", copy=False).data, self._header + 2 * frame)

    def _write(self, data: bytes | memoryview, offset: int) -> None:
        _write_whole(self._fd, data, offset, self._tmp)

    def _close(self, remove: bool) -> None:
        fd, self._fd = self._fd, -1  # a write after this fails (EBADF), never lands elsewhere
        try:
            os.close(fd)
        finally:
            if remove:
                self._tmp.unlink(missing_ok=True)

    def digest_next(self, blocks: list[npt.NDArray[np.int16]]) -> None:
        """The next blocks of the file, in order (each already written)."""
        for block in blocks:
            self._digest.update(block.astype("<i2", copy=False).data)
            self._digested += len(block)

    def __enter__(self) -> "WavFile":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        complete = kind is None and self._digested == self.frames
        self._close(remove=not complete)  # closing may fail too (NFS reports writes there)
        if kind is not None:
            return
        if not complete:
            raise RuntimeError(f"{self.path.name}: wrote {self._digested} samples of {self.frames}")
        self._tmp.replace(self.path)
        self.hexdigest = self._digest.hexdigest()


def _ahead(
    pool: ThreadPoolExecutor,
    work: Callable[[int], list[npt.NDArray[np.int16]]],
    pieces: Iterable[int],
    depth: int,
    allowance: threading.Semaphore,
) -> Generator[list[npt.NDArray[np.int16]], None, None]:
    """Each piece's blocks in order, at most `depth` pieces made ahead, and no more than the
    allowance (`piece_allowance`) over every chapter assembling at once."""
    queued: deque[Future[list[npt.NDArray[np.int16]]]] = deque()
    held = 0
    try:
        for piece in pieces:
            # Holding pieces, take another only if one is free: a chapter that waited for
            # one while holding some could wait for ever (each chapter holding, none writing).
            while queued and not allowance.acquire(blocking=False):
                yield queued.popleft().result()
                allowance.release()
                held -= 1
            if not queued:
                allowance.acquire()
            held += 1
            queued.append(pool.submit(work, piece))
            if len(queued) > depth:
                yield queued.popleft().result()
                allowance.release()
                held -= 1
        while queued:
            yield queued.popleft().result()
            allowance.release()
            held -= 1
    finally:  # the writer failed: what this chapter held is free for the others
        for future in queued:
            future.cancel()
        for _ in range(held):
            allowance.release()


@cache
def piece_allowance(threads: int) -> threading.Semaphore:
    """Pieces held in memory at once by all the chapters this process assembles, made or
    being made: twice one chapter's threads. On a GPU every chapter in flight ends about
    together (`worker.batcher`), and each holding its own `threads` pieces held ~1 GB at
    once for 16 chapters (docs/performance.md, "The soak's rule, and chapters assembled
    under one allowance")."""
    return threading.Semaphore(2 * threads)


def segment_timing(index: int, position: int, seg: SpooledSegment, rate: int) -> Timing:
    """Where a segment placed at `position` (voice samples) puts its spans and words."""
    parts, starts, start = [], [], position
    for samples in seg.part_samples:
        parts.append((start / rate, (start + samples) / rate))
        starts.append(start)
        start += samples
    spoken = seg.word_samples or [[] for _ in starts]  # a voice that gave no word times
    words = [
        [((at + a) / rate, (at + b) / rate) for a, b in spans]
        for at, spans in zip(starts, spoken, strict=True)
    ]
    return Timing(index, position / rate, (position + seg.length) / rate, parts, words)


def _write_whole(fd: int, data: bytes | memoryview, offset: int, path: Path) -> None:
    """data written whole at offset. A write cut short is tried again for the rest, which
    then fails saying why (a full disk's ENOSPC, said to the user as such), not only that
    it fell short."""
    view = memoryview(data).cast("B")
    done = os.pwrite(fd, view, offset)
    if done != view.nbytes and os.pwrite(fd, view[done:], offset + done) != view.nbytes - done:
        raise OSError(errno.EIO, f"{path}: short write")
