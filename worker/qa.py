"""Every sentence checked: is it there, whole and said?

Cheap checks run on every segment, always: seconds per phoneme within the voice's range (a
sentence rushed or dragged), no clipped run (the decoder saturated), no long silence inside
a sentence (words dropped). With `--qa asr`, Whisper tiny.en also hears every segment: a
segment fails if it hears less than half of its words, and one heard less than four in five
is rendered again and the take heard best kept. Segments are heard in windows of up to 29 s
(Whisper's encoder costs the same for 3 s as for 30 s), four windows encoded in one batch.
Whisper's decoder first reads each window's own text, teacher-forced, in one pass: where it
finds every segment's words likely, the window is heard as written. Only the other windows
are transcribed freely, a decoder step per token; the transcript is aligned word by word
with the window's text, so each of its segments gets its own share of words heard and its
own part of the transcript.

A failing segment is rendered again with another seed (`NARRATE_QA_RETRIES` times at most);
what still fails is reported with its chapter, segment, text and transcript.
"""

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from config.manifest import QAFinding
from models.voice import Phonemes, VoiceOutput
from models.wording import Wording
from worker.segment import Segment

if TYPE_CHECKING:
    from models.asr import Encoded

log = logging.getLogger(__name__)

MIN_S_PER_PHONEME = 0.025
MAX_S_PER_PHONEME = 0.25
SHORTEST_CHECKED = 8  # phonemes: a span shorter than this is too short to time
CLIP_LEVEL = 0.99  # the decoder's tanh output at full scale
CLIP_RUN = 4  # samples in a row at full scale
SILENCE_RMS = 10 ** (-55 / 20)
LONGEST_SILENCE_S = 1.2
WINDOW_S = 0.05
EDGE_S = 0.3  # a segment's own margins may be quiet
HEARD_AT_LEAST = 0.5  # of a segment's words, by Whisper: below it, a segment fails
RETAKE_BELOW = 0.8  # below it, a segment is rendered again and the take heard best kept
FEWEST_HEARD = 4  # words: a shorter segment (a heading) is left to the cheap checks, since
# Whisper hears a lone "One" as "when" and "Two" as "to"
ASR_WINDOW_S = 29.0  # of Whisper's 30 s: room for the gaps
ASR_GAP_S = 0.3
ASR_BATCH = 4  # windows decoded together
# Teacher-forced, a word Whisper gives at least LIKELY_WORD is taken as heard; a segment with
# at least LIKELY_SHARE of its words so taken needs no free decoding. Calibrated on real
# renders against damaged ones (`producer.qacalibrate`; docs/performance.md, "`--qa asr`
# teacher-forced").
LIKELY_WORD = 0.1
LIKELY_SHARE = 0.9

Audio = npt.NDArray[np.float32]
Rerender = Callable[[int, int], VoiceOutput]  # (segment index, attempt) -> new output


@dataclass(frozen=True)
class Problem:
    check: str  # pace, clipping, silence or asr
    detail: str
    transcript: str = ""
    heard: float = 1.0  # the share of words Whisper heard (asr)

    @property
    def fails(self) -> bool:
        """A fault, not a doubt: Whisper tiny.en mishears a clear sentence now and then
        ("At dusk" as "that does"), so a segment it hears mostly right is rendered again
        in the hope of a clearer take, but is not reported."""
        return self.check != "asr" or self.heard < HEARD_AT_LEAST


def said(problems: Sequence[Problem]) -> str:
    """Problems as a reader of the log wants them: each check with what it measured."""
    return "; ".join(f"{p.check}: {p.detail}" for p in problems)


def cheap_problems(
    output: VoiceOutput, parts: Sequence[Phonemes], rate: int, speed: float = 1.0
) -> list[Problem]:
    """What the audio of one segment shows without a recognizer. `speed` (--speed) scales
    every sound the voice makes, its pauses too, so the bounds of pace and silence with it."""
    return (
        _pace(output, parts, rate, speed)
        + _clipping(output.audio)
        + _silences(output, rate, LONGEST_SILENCE_S / speed)
    )


def _pace(output: VoiceOutput, parts: Sequence[Phonemes], rate: int, speed: float) -> list[Problem]:
    problems = []
    for k, (samples, phonemes) in enumerate(zip(output.part_samples, parts, strict=False)):
        spoken = sum(1 for p in phonemes if p != " ")
        if spoken < SHORTEST_CHECKED:
            continue
        pace = samples / rate / spoken
        if not MIN_S_PER_PHONEME / speed <= pace <= MAX_S_PER_PHONEME / speed:
            problems.append(Problem("pace", f"span {k}: {pace:.3f} s per phoneme"))
    return problems


def _clipping(audio: Audio) -> list[Problem]:
    loud = np.abs(audio) >= CLIP_LEVEL
    if not loud.any():
        return []
    edges = np.flatnonzero(np.diff(np.concatenate(([0], loud.astype(np.int8), [0]))))
    longest = int((edges[1::2] - edges[::2]).max())
    if longest < CLIP_RUN:
        return []
    return [Problem("clipping", f"{longest} samples in a row at full scale")]


def _silences(output: VoiceOutput, rate: int, longest_allowed: float) -> list[Problem]:
    window = max(1, int(WINDOW_S * rate))
    edge = int(EDGE_S * rate)
    inner = output.audio[edge : len(output.audio) - edge]
    count = len(inner) // window
    if count == 0:
        return []
    rms = np.sqrt((inner[: count * window].reshape(count, window) ** 2).mean(axis=1))
    quiet = np.concatenate(([0], (rms < SILENCE_RMS).astype(np.int8), [0]))
    edges = np.flatnonzero(np.diff(quiet))
    longest = int((edges[1::2] - edges[::2]).max()) * WINDOW_S if len(edges) else 0.0
    if longest <= longest_allowed:
        return []
    return [Problem("silence", f"{longest:.1f} s of silence inside the segment")]


Heard = tuple[int, Audio, list[str], str]  # segment, audio, words, its text as spoken


@dataclass
class Listener:
    """Whisper's verdict on segments, heard in windows of at most ASR_WINDOW_S (a longer
    segment alone in its own; see `asr_windows`), ASR_BATCH windows at a time.

    Each window's segments are first scored teacher-forced (how likely Whisper finds their
    words, given the audio); a window where every segment scores well is heard as written.
    Only a window with a segment that scores low is decoded freely, and its segments judged
    by that transcript, word by word: the transcript stays the evidence of every doubt and
    failure."""

    rate: int
    wording: Wording
    threads: int = 0  # Whisper's (0: its default for checking beside the narration)
    speed: float = 1.0  # the book's --speed
    verdicts: dict[int, Problem | None] = field(default_factory=dict)
    _pending: list[Heard] = field(default_factory=list)

    def add(self, index: int, audio: Audio, text: str) -> None:
        from models.asr import words

        spoken = self.wording.words(text)
        self._pending.append((index, audio, words(spoken), spoken))

    def flush(self) -> None:
        """Hear what was added: packed into windows, ASR_BATCH windows at a time."""
        lengths = [len(audio) for _, audio, _, _ in self._pending]
        windows = [[self._pending[k] for k in window] for window in asr_windows(lengths, self.rate)]
        self._pending = []
        for first in range(0, len(windows), ASR_BATCH):
            self._hear(windows[first : first + ASR_BATCH])

    def _hear(self, windows: list[list[Heard]]) -> None:
        from models.asr import WINDOW_S, decode, encode, hear, words

        gap = np.zeros(int(ASR_GAP_S * self.rate), np.float32)
        audio = [
            np.concatenate([part for _, a, _, _ in window for part in (a, gap)])
            for window in windows
        ]
        short = [i for i, a in enumerate(audio) if len(a) <= WINDOW_S * self.rate]
        for i in sorted(set(range(len(audio))) - set(short)):  # a segment over 29 s, alone
            self._judge(windows[i], words(hear(audio[i], self.rate)))
        if not short:
            return
        encoded = encode([audio[i] for i in short], self.rate, self.threads)
        doubtful = self._scored(encoded, [windows[i] for i in short])
        expected = max(
            (sum(len(ref) for _, _, ref, _ in windows[short[k]]) for k in doubtful), default=0
        )
        heard = decode(encoded, doubtful, _most_tokens(expected))
        for k, transcript in zip(doubtful, heard, strict=True):
            self._judge(windows[short[k]], words(transcript))

    def _scored(self, encoded: "Encoded", windows: list[list[Heard]]) -> list[int]:
        """Windows (their positions) with a segment Whisper finds unlikely as written; the
        segments of the others are heard."""
        from models.asr import word_probabilities

        expected = [[spoken for _, _, _, spoken in window] for window in windows]
        scored = word_probabilities(encoded, expected)
        doubtful = []
        for k, (window, texts) in enumerate(zip(windows, scored, strict=True)):
            likely = [
                likely_share(probabilities) >= LIKELY_SHARE or len(ref) < FEWEST_HEARD
                for (_, _, ref, _), probabilities in zip(window, texts, strict=True)
            ]
            if all(likely):
                self.verdicts.update({index: None for index, _, _, _ in window})
            else:
                doubtful.append(k)
        return doubtful

    def _judge(self, window: list[Heard], heard: list[str]) -> None:
        references = [(i, ref) for i, _, ref, _ in window]
        for index, (share, transcript) in attribute(references, heard).items():
            words_of = len(next(ref for i, ref in references if i == index))
            ok = share >= RETAKE_BELOW or words_of < FEWEST_HEARD
            self.verdicts[index] = (
                None if ok else Problem("asr", f"{share:.0%} of words heard", transcript, share)
            )


def asr_windows(lengths: Sequence[int], rate: int) -> list[list[int]]:
    """Segments of these lengths (samples), by position, packed into Whisper's windows: the
    longest first, each into the first window with room (first-fit decreasing), each
    window's segments in order. Whisper's encoder costs a whole window however little it
    holds, and windows filled in reading order end a few seconds short of it."""
    gap, room = int(ASR_GAP_S * rate), ASR_WINDOW_S * rate
    windows: list[list[int]] = []
    held: list[int] = []
    for k in sorted(range(len(lengths)), key=lambda k: -lengths[k]):
        w = next((w for w, h in enumerate(held) if h + lengths[k] <= room), len(windows))
        if w == len(windows):
            windows.append([])
            held.append(0)
        windows[w].append(k)
        held[w] += lengths[k] + gap
    return sorted((sorted(window) for window in windows), key=min)


def likely_share(probabilities: Sequence[float], word: float = LIKELY_WORD) -> float:
    """The share of a text's words Whisper gives at least `word`, fed the text."""
    if not probabilities:
        return 1.0
    return sum(p >= word for p in probabilities) / len(probabilities)


def _most_tokens(words_expected: int) -> int:
    """Tokens a free decoding of a window may take: room for Whisper to spell every word in
    two or three tokens, not for it to loop on garbled audio to the end of its context."""
    return 3 * words_expected + 16


def attribute(
    references: Sequence[tuple[int, list[str]]], heard: Sequence[str]
) -> dict[int, tuple[float, str]]:
    """Each segment's share of its words heard, and the words heard in its place, from one
    alignment of the transcript with the segments' words in order."""
    flat = [(index, word) for index, ref in references for word in ref]
    pairs = align([word for _, word in flat], list(heard))
    matched: dict[int, int] = {index: 0 for index, _ in references}
    said: dict[int, list[str]] = {index: [] for index, _ in references}
    owner = references[0][0] if references else 0
    for ref_pos, hyp_pos in pairs:
        if ref_pos is not None:
            owner = flat[ref_pos][0]
            matched[owner] += hyp_pos is not None and flat[ref_pos][1] == heard[hyp_pos]
        if hyp_pos is not None:
            said[owner].append(heard[hyp_pos])
    return {
        index: (matched[index] / len(ref) if ref else 1.0, " ".join(said[index]))
        for index, ref in references
    }


def align(
    reference: Sequence[str], hypothesis: Sequence[str]
) -> list[tuple[int | None, int | None]]:
    """A least-edit alignment: (reference position or None, hypothesis position or None)."""
    n, m = len(reference), len(hypothesis)
    cost = np.zeros((n + 1, m + 1), np.int32)
    cost[:, 0], cost[0, :] = np.arange(n + 1), np.arange(m + 1)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            change = cost[i - 1, j - 1] + (reference[i - 1] != hypothesis[j - 1])
            cost[i, j] = min(change, cost[i - 1, j] + 1, cost[i, j - 1] + 1)
    pairs: list[tuple[int | None, int | None]] = []
    i, j = n, m
    while i or j:
        if i and j and cost[i, j] == cost[i - 1, j - 1] + (reference[i - 1] != hypothesis[j - 1]):
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif i and cost[i, j] == cost[i - 1, j] + 1:
            pairs.append((i - 1, None))
            i -= 1
        else:
            pairs.append((None, j - 1))
            j -= 1
    return pairs[::-1]


def _fails(problems: Sequence[Problem]) -> bool:
    return any(p.fails for p in problems)


def _heard_alike(before: Sequence[Problem], after: Sequence[Problem]) -> bool:
    """Whisper heard two takes of a segment word for word alike, and nothing else is wrong:
    the voice said it the same way twice, and what Whisper cannot spell (a name it has
    never met) a third take will not teach it."""
    only_asr = all(p.check == "asr" for p in (*before, *after))
    heard = [p.transcript for p in before], [p.transcript for p in after]
    return only_asr and bool(after) and heard[0] == heard[1]


def _badness(problems: Sequence[Problem]) -> tuple[int, float]:
    """Problems of the audio itself first, then how little of it Whisper heard."""
    audible = sum(p.check != "asr" for p in problems)
    return audible, 1.0 - min((p.heard for p in problems), default=1.0)


@dataclass
class Checker:
    """The checks of one chapter's segments, re-rendering what fails."""

    chapter: int
    segments: Sequence[Segment]
    parts: Sequence[Sequence[Phonemes]]  # per segment, the phonemes of each span
    rate: int
    wording: Wording
    asr: bool
    retries: int
    threads: int = 0  # Whisper's (0: its default for checking beside the narration)
    speed: float = 1.0  # the book's --speed

    def run(self, outputs: dict[int, VoiceOutput], rerender: Rerender) -> list[QAFinding]:
        """Check outputs (changed in place by re-renders); findings for segments that ever
        failed, those still failing marked unfixed. A take replaces the one before only if it
        is better: a retry can be heard worse than the first take."""
        failing = self._failing(outputs)
        first = {i: problems for i, problems in failing.items() if _fails(problems)}
        retry = dict(failing)  # what the last take of each segment to try again was heard as
        for attempt in range(1, self.retries + 1):
            if not retry:
                break
            takes = {index: rerender(index, attempt) for index in retry}
            found = self._failing(takes)
            for index, take in takes.items():
                problems = found.get(index, [])
                if _badness(problems) < _badness(failing[index]):
                    outputs[index] = take
                    failing[index] = problems
            failing = {i: problems for i, problems in failing.items() if problems}
            # Doubts get one more take; failures more, until Whisper hears two takes alike.
            retry = {
                i: found.get(i, [])
                for i in retry
                if _fails(failing.get(i, [])) and not _heard_alike(retry[i], found.get(i, []))
            }
        last = {i: problems for i, problems in failing.items() if _fails(problems)}
        return [self._finding(i, first[i], last.get(i)) for i in sorted(first)]

    def _failing(self, outputs: dict[int, VoiceOutput]) -> dict[int, list[Problem]]:
        found = {
            i: cheap_problems(output, self.parts[i], self.rate, self.speed)
            for i, output in outputs.items()
        }
        if self.asr:
            listener = Listener(self.rate, self.wording, self.threads)
            for i in sorted(outputs):
                listener.add(i, outputs[i].audio, self.segments[i].text)
            listener.flush()
            for i, verdict in listener.verdicts.items():
                found[i] += [verdict] if verdict else []
        return {i: problems for i, problems in found.items() if problems}

    def _finding(self, index: int, first: list[Problem], last: list[Problem] | None) -> QAFinding:
        problems = last or first
        if last:
            log.warning(
                "chapter %d segment %d still fails QA: %s", self.chapter, index, said(problems)
            )
        return QAFinding(
            chapter=self.chapter,
            segment=index,
            text=self.segments[index].text,
            checks=[p.check for p in problems],
            detail="; ".join(p.detail for p in problems),
            transcript=next((p.transcript for p in problems if p.transcript), ""),
            fixed=last is None,
        )
