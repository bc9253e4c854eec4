"""A chapter mastered for ACX (Audible), encoded as MP3 and measured; where to cut long ones.

`acx_master` reads the chapter WAV twice, so memory stays flat whatever its length. The first
pass finds where the sound starts and ends, its energy and its peaks (at 44.1 kHz); the
second yields the PCM at 44.1 kHz: the silence before the first word and after the last set
to the room tone wanted, one gain to the RMS target, a noise bed under everything (white
noise far below ACX's -60 dB floor, so that neither the ends nor the pauses, digital zeros
in the WAV, are digital silence), and a limiter under a ceiling below ACX's -3 dB, because
the MP3's decoded peaks overshoot the PCM's. The gain is raised by what that limiter takes
(`limited_gain`, as the chapter WAV's is): the PCM is on the target, the MP3 a quarter of a
dB under it (the encoder's). `write_acx_mp3` encodes that and measures the file it wrote;
should its peak or RMS miss ACX's rule, it moves the ceiling or the target by the miss and
encodes again. A chapter over ACX's 120 minutes is cut where `split_points` says, and each
part mastered alone (`span`), with its own room tone.
"""

import math
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from config.errors import FormatError
from config.manifest import AcxReport
from config.settings import AcxSettings, BreakClass
from worker.acx import ACX_MAX_S, ACX_PEAK_DB, ACX_RATE, ACX_RMS_DB, ACX_TAIL_S, check_acx
from worker.audio import BlockLevels, block_levels, limit, limited_energy, limited_gain
from worker.encode import Block, Tags, read_blocks, resampled, wav_info
from worker.joined import Pcm, lame, write_joined_file

# A sample louder than this is sound; the pauses of an assembled chapter are digital zero.
_SOUND = 10 ** (-60 / 20)
_PEAK_MARGIN_DB = 0.2  # taken off the ceiling beyond a measured overshoot
_ATTEMPTS = 3
# A short chapter ("Fin.", a dedication) is mostly room tone: past what the limiter allows,
# its file stays under ACX's RMS floor. Below the floor plus this margin (the MP3 comes out
# ~0.25 dB under the PCM), its tail is cut to ACX's shortest and some (a tail measures a
# little longer than asked: the voice's decay).
_RMS_MARGIN_DB = 1.0
_SHORT_TAIL_S = ACX_TAIL_S[0] + 0.25
_GRID = 10 * ACX_RATE  # samples: the noise bed and the limiter work block by block

# ACX's 120 minutes less one, for the room tone each part gets at both ends.
ACX_PART_MAX_S = ACX_MAX_S - 60.0
# Cuts prefer the end of a paragraph, then of a sentence, then of a clause.
_CUT_PREFERENCE = {
    BreakClass.CHAPTER: 3,
    BreakClass.SCENE: 3,
    BreakClass.PARAGRAPH: 3,
    BreakClass.SENTENCE: 2,
    BreakClass.CLAUSE: 1,
}


Span = tuple[float, float]  # (start_s, end_s) of a part of a chapter WAV


@dataclass(frozen=True)
class Survey:
    """What the first pass learns of a chapter WAV, or of a part of it."""

    rate: int
    offset: int  # the part's first sample in the WAV; positions below count from it
    frames: int
    first: int  # first sample of sound; frames when there is none
    last: int  # last sample of sound; -1 when there is none
    sum_squares: float
    levels: BlockLevels  # what the limiter will see (the room tone left out: far below it)


@dataclass(frozen=True)
class Plan:
    """How the second pass turns the WAV into ACX PCM (in samples at the WAV's rate)."""

    start: int  # where reading starts: a lead-in longer than the room tone wanted is cut
    stop: int  # where reading ends: so is a tail
    pad_head: int  # room tone added before: a lead-in shorter than wanted
    pad_tail: int  # added after
    gain: float


def survey(wav: Path, span: Span | None = None) -> Survey:
    """First pass: where the sound of the WAV (or of span in it) starts and ends, its energy,
    and its levels as the limiter will see them: at 44.1 kHz, where a WAV at another rate
    has peaks between its samples (estimated at its own rate, the PCM came 0.1-0.2 dB short)."""
    rate, total = wav_info(wav)
    offset, stop = (0, total) if span is None else (round(span[0] * rate), round(span[1] * rate))
    scan = _Scan()
    read = map(scan.add, read_blocks(wav, offset, min(stop, total)))
    levels = [block_levels(block, ACX_RATE) for block in resampled(read, rate, ACX_RATE)]
    first = scan.frames if scan.first < 0 else scan.first
    joined = BlockLevels.joined(levels)
    return Survey(rate, offset, scan.frames, first, scan.last, scan.sum_squares, joined)


@dataclass
class _Scan:
    """Where the sound starts and ends, and the energy, of the blocks added so far."""

    frames: int = 0
    first: int = -1
    last: int = -1
    sum_squares: float = 0.0

    def add(self, block: Block) -> Block:
        sound = np.flatnonzero(np.abs(block) > _SOUND)
        if len(sound):
            self.first = self.frames + int(sound[0]) if self.first < 0 else self.first
            self.last = self.frames + int(sound[-1])
        self.sum_squares += float(np.dot(block, block))
        self.frames += len(block)
        return block


def plan(found: Survey, settings: AcxSettings) -> Plan:
    """Trim or pad each end to the room tone wanted, and the gain to the RMS target (of the
    file, limited: the limiter's blocks lie on another grid, the difference is ~0.01 dB).
    A chapter too short to reach ACX's RMS with that much room tone gets the shortest tail
    ACX takes (the head stays: the read-along timings count on it, `timeline_shift`)."""
    steps = _plan(found, settings)
    short = found.last >= 0 and _rms_db(found, steps, settings) < _RMS_FLOOR_DB  # not silence
    if short and settings.tail_s > _SHORT_TAIL_S:
        return _plan(found, settings.model_copy(update={"tail_s": _SHORT_TAIL_S}))
    return steps


_RMS_FLOOR_DB = ACX_RMS_DB[0] + _RMS_MARGIN_DB


def _plan(found: Survey, settings: AcxSettings) -> Plan:
    head = round(settings.head_s * found.rate)
    tail = round(settings.tail_s * found.rate)
    if found.last < 0:
        return Plan(found.offset, found.offset, head, tail, 1.0)  # no sound: room tone only
    end = found.last + 1 + tail
    stop = min(found.frames, end)
    length = head + end - found.first
    gain = 10 ** (settings.target_rms_db / 20) * math.sqrt(length / found.sum_squares)
    gain = limited_gain(gain, found.levels, 10 ** (settings.ceiling_db / 20))
    start = found.offset + max(0, found.first - head)
    return Plan(start, found.offset + stop, max(0, head - found.first), end - stop, gain)


def _rms_db(found: Survey, steps: Plan, settings: AcxSettings) -> float:
    """The RMS of the mastered file, in dBFS, as the plan makes it (the limiter's levels
    are at 44.1 kHz, the plan's samples at the WAV's rate: each in its own)."""
    energy = limited_energy(steps.gain, found.levels, 10 ** (settings.ceiling_db / 20))
    seconds = (steps.stop - steps.start + steps.pad_head + steps.pad_tail) / found.rate
    return 10 * math.log10(max(energy / (seconds * ACX_RATE), 1e-20))


def timeline_shift(
    wav: Path, span: Span | None = None, settings: AcxSettings | None = None
) -> float:
    """Where a moment of the WAV is heard in its MP3 (of span, for a part): its time in the
    WAV plus this, in seconds. As `plan` makes it: the first sound moves to the head's room
    tone, and the MP3's decoder removes the encoder's delay (the LAME header says it)."""
    settings = settings or AcxSettings()
    rate, total = wav_info(wav)
    offset = 0 if span is None else round(span[0] * rate)
    stop = total if span is None else min(round(span[1] * rate), total)
    first = 0
    for block in read_blocks(wav, offset, stop):
        sound = np.flatnonzero(np.abs(block) > _SOUND)
        if len(sound):
            first += int(sound[0])
            break
        first += len(block)
    return (round(settings.head_s * rate) - first - offset) / rate


def acx_master(
    wav: Path, settings: AcxSettings | None = None, span: Span | None = None
) -> Iterator[Block]:
    """The chapter (or the part of it in span, as `split_points` cuts it) as ACX PCM: float
    blocks at 44.1 kHz, ready for `write_mp3`."""
    settings = settings or AcxSettings()
    found = survey(wav, span)
    return Master(wav, found.rate, plan(found, settings), settings).pcm()


@dataclass(frozen=True)
class Master:
    """How a chapter WAV (or a part of it) becomes ACX PCM at 44.1 kHz: the plan's gain and
    room tone at the ends, then block by block of a fixed grid (`_GRID`) a noise bed seeded
    by the block's number and the limiter. So any stretch of it is the same samples as the
    whole has there, made without the rest (for `worker.joined`)."""

    wav: Path
    rate: int
    steps: Plan
    settings: AcxSettings

    @property
    def samples(self) -> int | None:
        """Its length; None for a WAV at another rate than 44.1 kHz (how long the
        resampler's output is, is known once it has run: it is made as one stream)."""
        if self.rate != ACX_RATE:
            return None
        steps = self.steps
        return steps.pad_head + steps.stop - steps.start + steps.pad_tail

    def pcm(self, start: int = 0, stop: int | None = None) -> Iterator[Block]:
        """Its samples start..stop (None: to the end), in blocks of at most 10 s."""
        total = self.samples
        if total is None:
            if start or stop is not None:
                raise ValueError("only a WAV at 44.1 kHz is mastered a stretch at a time")
            planned = resampled(_planned(self.wav, self.steps), self.rate, ACX_RATE)
            yield from self._finished(enumerate(_on_grid(planned)))
            return
        stop = total if stop is None else min(stop, total)
        blocks = range(start // _GRID, -(-stop // _GRID))
        finished = self._finished((k, self._raw(k)) for k in blocks)
        for k, block in zip(blocks, finished, strict=True):
            yield block[max(start - k * _GRID, 0) : stop - k * _GRID]

    def _raw(self, k: int) -> Block:
        """Block k of the grid before the noise and the limiter: room tone's zeros at the
        ends, the WAV at the plan's gain between (a WAV at 44.1 kHz)."""
        steps, total = self.steps, self.samples or 0
        lo, hi = k * _GRID, min((k + 1) * _GRID, total)
        block = np.zeros(hi - lo, dtype=np.float32)
        body = steps.stop - steps.start
        a, b = max(lo, steps.pad_head), min(hi, steps.pad_head + body)
        if a < b:
            first = steps.start + a - steps.pad_head
            read = np.concatenate(list(read_blocks(self.wav, first, first + b - a)))
            block[a - lo : b - lo] = read * np.float32(steps.gain)
        return block

    def _finished(self, blocks: Iterable[tuple[int, Block]]) -> Iterator[Block]:
        """The noise bed laid under each block of the grid, then its peaks held under the
        ceiling."""
        bed = np.float32(10 ** (self.settings.room_tone_db / 20))
        ceiling = 10 ** (self.settings.ceiling_db / 20)
        for k, block in blocks:
            noise = np.random.default_rng([self.settings.seed, k])
            room = noise.standard_normal(len(block), dtype=np.float32) * bed
            yield limit(block + room, ceiling, ACX_RATE)


def _planned(wav: Path, steps: Plan) -> Iterator[Block]:
    yield np.zeros(steps.pad_head, dtype=np.float32)
    gain = np.float32(steps.gain)
    for block in read_blocks(wav, steps.start, steps.stop):
        yield block * gain
    yield np.zeros(steps.pad_tail, dtype=np.float32)


def _on_grid(blocks: Iterable[Block]) -> Iterator[Block]:
    """The blocks cut and joined into the grid's blocks (the last one shorter)."""
    held: list[Block] = []
    count = 0
    for block in blocks:
        held.append(block)
        count += len(block)
        while count >= _GRID:
            joined = np.concatenate(held)
            yield joined[:_GRID]
            held, count = [joined[_GRID:]], count - _GRID
    if count:
        yield np.concatenate(held)


def write_acx_mp3(
    wav: Path,
    out: Path,
    tags: Tags,
    settings: AcxSettings | None = None,
    span: Span | None = None,
    threads: int = 1,
) -> AcxReport:
    """Master the chapter (or its part in span) for ACX, write it as MP3 at out (`threads`
    encoders at once, `worker.joined`) and measure the file written.

    Should the peak or the RMS of the MP3 miss ACX's rule (encoding overshoots peaks, the
    limiter takes loudness), the ceiling or the target moves by the miss and the chapter is
    encoded again, up to three times. Returns the last file's report (see `passed`).
    """
    settings = settings or AcxSettings()
    found = survey(wav, span)
    report = _write_and_check(
        Master(wav, found.rate, plan(found, settings), settings), out, tags, threads
    )
    for _ in range(_ATTEMPTS - 1):
        if report.checks["peak"] and report.checks["rms"]:
            break
        settings = _corrected(settings, report)
        master = Master(wav, found.rate, plan(found, settings), settings)
        report = _write_and_check(master, out, tags, threads)
    return report


def _corrected(settings: AcxSettings, report: AcxReport) -> AcxSettings:
    """Settings moved by what the MP3 missed: the peak's excess, the RMS's distance."""
    ceiling, target = settings.ceiling_db, settings.target_rms_db
    if not report.checks["peak"]:
        ceiling -= report.peak_db - ACX_PEAK_DB + _PEAK_MARGIN_DB
    if not report.checks["rms"]:
        target += target - report.rms_db
    return settings.model_copy(update={"ceiling_db": ceiling, "target_rms_db": target})


def _write_and_check(master: Master, out: Path, tags: Tags, threads: int) -> AcxReport:
    pcm = Pcm(master.pcm, master.samples, ACX_RATE)
    write_joined_file(out, "mp3", tags.as_dict(), pcm, lame(), threads)
    return check_acx(out)


def split_points(
    ends: Sequence[float], breaks: Sequence[BreakClass], max_s: float = ACX_PART_MAX_S
) -> list[int]:
    """The segments after which a long chapter is cut so that no part lasts over max_s.

    ends[i]: where a cut after segment i falls (its end, or the end of its pause), in seconds
    from the chapter's start, increasing; breaks[i]: how segment i ends. Parts come out about
    equal (130 minutes make two of 65, not 119 and 11), each cut at the end of a paragraph
    near its goal if one is within reach, else of a sentence, else of a clause.
    """
    if len(ends) != len(breaks):
        raise ValueError(f"{len(ends)} segment ends for {len(breaks)} break classes")
    cuts: list[int] = []
    start = 0.0
    while ends and ends[-1] - start > max_s:
        cuts.append(_cut(ends, breaks, start, max_s, cuts[-1] + 1 if cuts else 0))
        start = ends[cuts[-1]]
    return cuts


def _cut(
    ends: Sequence[float], breaks: Sequence[BreakClass], start: float, max_s: float, first: int
) -> int:
    """The best segment to cut after, among first.. those ending within max_s of start."""
    parts = math.ceil((ends[-1] - start) / max_s)
    goal = start + (ends[-1] - start) / parts
    reach = range(first, bisect_right(ends, start + max_s))
    if not reach:
        raise FormatError(f"segment {first} ends more than {max_s / 60:.0f} min into its part")
    return max(reach, key=lambda i: (_CUT_PREFERENCE[breaks[i]], -abs(ends[i] - goal)))
