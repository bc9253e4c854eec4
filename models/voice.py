"""What the pipeline needs from a voice, whatever model is behind it.

A voice turns text into phonemes and synthesizes *passages*: runs of consecutive segments
of one chapter. A passage's first segment arrives with the *state* carried from the segment
before it, its last with the head of the segment after it; inside a passage each segment is
conditioned on its neighbours by the voice itself (for Piper: one front pass over the whole
passage). Each segment comes back with its audio, the length of each of its spans, where
each spoken word lies in them, and the state for the next one. For Piper the state is
phonetic context (the previous segment's phonemes); a model with a real hidden state would
carry that instead. Piper's state follows from the input alone, which is what lets passages
of one chapter run in the same batch; a voice whose state comes out of its audio would need
its passages run in order.
"""

import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

Audio = npt.NDArray[np.float32]
Phonemes = tuple[str, ...]
WordSpans = list[tuple[int, int]]  # (start, end) of each word of a span
WORD_BREAK = " "  # the phoneme between two words


@dataclass(frozen=True)
class SynthesisParams:
    """Sampling parameters of one job, voice defaults already applied."""

    length_scale: float
    noise_scale: float
    noise_w: float
    seed: int = 0


@dataclass(frozen=True)
class VoiceInput:
    """One segment to synthesize."""

    parts: tuple[Phonemes, ...]  # the phonemes of each span, in order
    before: Any = None  # state carried from the previous segment (None: start of a chapter)
    after: Phonemes | None = None  # the head of the next segment (None: end of a chapter)
    seed: int = 0  # per-segment seed, so sampled audio does not depend on batch order

    @property
    def size(self) -> int:
        return sum(len(part) for part in self.parts)


@dataclass
class VoiceOutput:
    """The audio of one segment and what the next segment needs."""

    audio: Audio
    part_samples: list[int]  # samples of each span; they add up to len(audio)
    state: Any = None
    # Per span, the samples (from the span's start) where each of its `spoken_words` starts
    # and ends; empty for a voice that does not know.
    word_samples: list[WordSpans] = field(default_factory=list)


Passage = tuple[VoiceInput, ...]  # consecutive segments of one chapter


class Voice(ABC):
    """A loaded voice model."""

    name: str
    sample_rate: int
    precision: str = "fp32"  # of the decoder (see models.variants)
    batch_budget: int = 0  # largest padded front batch in ids; 0: one passage at a time
    back_frame_budget: int = 0  # largest decoder batch in frames; 0: one chunk at a time

    @abstractmethod
    def phonemize(self, text: str) -> Phonemes:
        """Phonemes of a span of text; unspeakable characters are dropped with a warning."""

    @abstractmethod
    def default_params(self) -> SynthesisParams:
        """The voice's own sampling defaults."""

    @abstractmethod
    def state_after(self, item: VoiceInput) -> Any:
        """The state a segment hands to the next one, when it follows from the input alone."""

    def head(self, item: VoiceInput) -> Phonemes | None:
        """What the previous segment may look ahead to; None for voices that do not."""
        return None

    @abstractmethod
    def synthesize(
        self, passages: Sequence[Passage], params: SynthesisParams, context: bool = True
    ) -> list[list[VoiceOutput]]:
        """Synthesize passages together; one output per segment, in input order."""

    @abstractmethod
    def cost(self, passage: Passage) -> int:
        """Estimated front-pass size of a passage, for batching under a budget."""

    def rows(self, count: int) -> int:
        """Batch rows a run of `count` items takes (padding rows included)."""
        return count


def join_parts(parts: Sequence[Phonemes]) -> Phonemes:
    """The phonemes of several spans read as one, a word break between them."""
    joined: list[str] = []
    for part in parts:
        if joined:
            joined.append(" ")
        joined.extend(part)
    return tuple(joined)


def spoken_words(phonemes: Phonemes) -> WordSpans:
    """The words of a span as the voice speaks them: [start, end) phoneme indexes of each run
    between word breaks, without the punctuation around it (a pause, not a sound). A run of
    punctuation alone is no word."""
    words: WordSpans = []
    start = end = -1
    for i, phoneme in enumerate((*phonemes, WORD_BREAK)):
        if phoneme == WORD_BREAK:
            if start >= 0:
                words.append((start, end))
            start = -1
        elif not unicodedata.category(phoneme).startswith("P"):
            start = i if start < 0 else start
            end = i + 1
    return words


def padded_groups(
    sizes: Sequence[int], budget: int, rows: Callable[[int], int] = lambda count: count
) -> list[list[int]]:
    """Indexes grouped by size, smallest first, so that each group's padded size (its rows x
    its largest) stays within budget; an item over budget alone forms its own group."""
    groups: list[list[int]] = []
    for index in sorted(range(len(sizes)), key=lambda i: sizes[i]):
        if groups and rows(len(groups[-1]) + 1) * sizes[index] <= budget:
            groups[-1].append(index)
        else:
            groups.append([index])
    return groups


def passages(items: Sequence[VoiceInput], max_phonemes: int) -> list[Passage]:
    """Consecutive segments grouped into passages of at most max_phonemes (one at least)."""
    grouped: list[list[VoiceInput]] = []
    size = 0
    for item in items:
        if grouped and size + item.size <= max_phonemes:
            grouped[-1].append(item)
            size += item.size
        else:
            grouped.append([item])
            size = item.size
    return [tuple(group) for group in grouped]


def chain(
    voice: Voice, phonemes: Sequence[tuple[Phonemes, ...]], seed: int = 0
) -> list[VoiceInput]:
    """Inputs for consecutive segments, each carrying its neighbours' context."""
    plain = [VoiceInput(parts, seed=seed + i) for i, parts in enumerate(phonemes)]
    chained = []
    for i, item in enumerate(plain):
        before = voice.state_after(plain[i - 1]) if i else None
        after = voice.head(plain[i + 1]) if i + 1 < len(plain) else None
        chained.append(VoiceInput(item.parts, before, after, item.seed))
    return chained
