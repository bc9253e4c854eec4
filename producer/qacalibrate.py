"""`python -m producer.qacalibrate BOOK --chapter N`: the teacher-forced scoring of `--qa asr`
on real renders and on damaged ones, against Whisper's free decoding.

`worker.qa.Listener` decodes a window freely only if one of its segments has under
LIKELY_SHARE of its words at LIKELY_WORD or more, teacher-forced. This shows what those two
numbers let through. The chapter is rendered once (kept in --cache, as `producer.hostcost`
keeps it); then, for each kind of damage, every third segment of FEWEST_HEARD words or more
is damaged, the segments grouped and packed into windows as `worker.stages.checked` and the
Listener do, and every segment scored both ways: the share of its words Whisper finds
likely, fed the text, and the share of its words in Whisper's free (greedy) transcript, as
the policy judges it.

Printed per threshold pair: windows of clean audio that the scoring sends to free decoding
(the cost), the free decoding's doubts on clean audio (under RETAKE_BELOW) that it lets
pass without a retake, per kind of damage the free decoding's doubts and failures it lets
pass unheard, and of those the failures (under HEARD_AT_LEAST). Then, at the policy's pair,
each segment, clean or damaged, let pass that the free decoding would have taken again.
"""

import argparse
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from config.settings import Settings, SynthesisOptions
from models.asr import decode, encode, word_probabilities, words
from models.voice import VoiceOutput
from producer.hostcost import Outputs, cached_chapter
from worker import stages
from worker.qa import (
    ASR_BATCH,
    ASR_GAP_S,
    FEWEST_HEARD,
    HEARD_AT_LEAST,
    LIKELY_SHARE,
    LIKELY_WORD,
    RETAKE_BELOW,
    asr_windows,
    attribute,
    likely_share,
)
from worker.synthesize import PLAIN

Audio = np.ndarray
Damage = Callable[[int, VoiceOutput], Audio]


@dataclass(frozen=True)
class Scored:
    segment: int
    damaged: bool
    window: int
    likely: list[float]  # each word's probability, teacher-forced
    heard: float  # the share of its words in the free transcript


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m producer.qacalibrate", description=__doc__)
    parser.add_argument("book", type=Path)
    parser.add_argument("--chapter", type=int, default=2)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "hostcost")
    args = parser.parse_args(argv)
    settings, options = Settings(), SynthesisOptions()
    voice, plan, outputs = cached_chapter(args.book, args.chapter, args.cache, settings, options)
    texts = [PLAIN.words(segment.text) for segment in plan.segments]
    kinds = _damages(outputs)
    scored = {
        kind: _scored(outputs, texts, damage, voice.sample_rate) for kind, damage in kinds.items()
    }
    _report(scored)
    for kind, found in scored.items():
        for s in found:
            taken = (s.damaged or kind == "clean") and s.heard < RETAKE_BELOW
            if taken and _passes(s, LIKELY_WORD, LIKELY_SHARE):
                print(f"passed unheard ({kind}, {s.heard:.0%} heard): {texts[s.segment]}")
    return 0


def _damages(outputs: Outputs) -> dict[str, Damage]:
    audio = [output.audio for _, output in outputs]

    def cut(share: float, seed: int) -> Damage:
        rng = np.random.default_rng(seed)

        def damage(i: int, output: VoiceOutput) -> Audio:
            spans = _word_spans(output)
            count = max(1, round(len(spans) * share))
            first = int(rng.integers(0, len(spans) - count + 1))
            start, end = spans[first][0], spans[first + count - 1][1]
            return np.concatenate([output.audio[:start], output.audio[end:]])

        return damage

    noisy = np.random.default_rng(1)

    def noise(i: int, output: VoiceOutput) -> Audio:
        level = float(np.sqrt(np.mean(output.audio**2)))
        return (noisy.standard_normal(len(output.audio)) * level).astype(np.float32)

    return {
        "clean": lambda i, o: o.audio,
        "reversed": lambda i, o: o.audio[::-1].copy(),
        # half a chapter away: never in the same group, as no sentence is heard twice
        "another sentence": lambda i, o: audio[(i + len(audio) // 2) % len(audio)],
        "noise": noise,
        "a word cut out": cut(0.0, 2),
        "a quarter of the words cut out": cut(0.25, 3),
    }


def _word_spans(output: VoiceOutput) -> list[tuple[int, int]]:
    spans, offset = [], 0
    for samples, part in zip(output.part_samples, output.word_samples, strict=False):
        spans += [(offset + start, offset + end) for start, end in part]
        offset += samples
    return spans


def _scored(outputs: Outputs, texts: list[str], damage: Damage, rate: int) -> list[Scored]:
    """Every segment scored both ways, every third one of FEWEST_HEARD words or more damaged."""
    references = [words(text) for text in texts]
    damaged = {
        i
        for n, (i, output) in enumerate(outputs)
        if n % 3 == 1 and len(references[i]) >= FEWEST_HEARD and len(_word_spans(output)) >= 4
    }
    audio = {i: damage(i, output) if i in damaged else output.audio for i, output in outputs}
    windows = [
        [group[k] for k in window]
        for group in _groups(audio, rate)
        for window in asr_windows([len(audio[i]) for i in group], rate)
    ]
    gap = np.zeros(int(ASR_GAP_S * rate), np.float32)
    found: list[Scored] = []
    for first in range(0, len(windows), ASR_BATCH):
        batch = windows[first : first + ASR_BATCH]
        encoded = encode(
            [np.concatenate([p for i in w for p in (audio[i], gap)]) for w in batch], rate
        )
        likely = word_probabilities(encoded, [[texts[i] for i in w] for w in batch])
        heard = decode(encoded, range(len(batch)))
        for k, (window, probabilities, said) in enumerate(zip(batch, likely, heard, strict=True)):
            shares = attribute([(i, references[i]) for i in window], words(said))
            for i, p in zip(window, probabilities, strict=True):
                if len(references[i]) >= FEWEST_HEARD:
                    found.append(Scored(i, i in damaged, first + k, p, shares[i][0]))
    return found


def _groups(audio: dict[int, Audio], rate: int) -> list[list[int]]:
    """Segments grouped as `worker.stages.checked` groups them."""
    groups: list[list[int]] = []
    group: dict[int, VoiceOutput] = {}
    for i, said in audio.items():
        output = VoiceOutput(said, [len(said)])
        if group and stages._group_whole(group, output, rate):
            groups.append(list(group))
            group = {}
        group[i] = output
    return [*groups, list(group)] if group else groups


def _passes(score: Scored, word: float, share: float) -> bool:
    """Whether the teacher-forced scoring lets a segment pass without free decoding."""
    return likely_share(score.likely, word) >= share


def _report(scored: dict[str, list[Scored]]) -> None:
    kinds = [kind for kind in scored if kind != "clean"]
    clean = scored["clean"]
    doubts = [s for s in clean if s.heard < RETAKE_BELOW]
    flagged = {k: [s for s in scored[k] if s.damaged and s.heard < RETAKE_BELOW] for k in kinds}
    failed = [s for k in kinds for s in scored[k] if s.damaged and s.heard < HEARD_AT_LEAST]
    print(f"clean: {len(clean)} segments of {FEWEST_HEARD}+ words in", end=" ")
    print(f"{len({s.window for s in clean})} windows, {len(doubts)} doubts of the free decoding")
    for kind in kinds:
        damaged = sum(s.damaged for s in scored[kind])
        print(f"{kind}: {damaged} damaged, {len(flagged[kind])} doubts or failures of the", end=" ")
        print(f"free decoding, {sum(s.heard < HEARD_AT_LEAST for s in flagged[kind])} failures")
    print(
        f"policy: LIKELY_WORD {LIKELY_WORD}, LIKELY_SHARE {LIKELY_SHARE}. Per pair: clean windows"
    )
    print("decoded; clean doubts passed unheard; damaged doubts or failures passed unheard, per")
    print("kind; failures passed unheard")
    for word in (0.05, 0.1, 0.2, 0.3, 0.5):
        for share in (0.8, 0.85, 0.9, 0.95):
            decoded = len({s.window for s in clean if not _passes(s, word, share)})
            passed = sum(_passes(s, word, share) for s in doubts)
            missed = [sum(_passes(s, word, share) for s in flagged[k]) for k in kinds]
            lost = sum(_passes(s, word, share) for s in failed)
            print(f"{word:5}{share:6}{decoded:5}{passed:5}  {missed} {lost}")


if __name__ == "__main__":
    sys.exit(main())
