"""What the pipeline needs from a voice, whatever model is behind it.

A voice turns text into phonemes and synthesizes batches of segments. Each segment arrives
with the *state* carried from the segment before it and the phonemes of the segment after it,
and comes back with its audio, the length of each of its spans, and the state for the next
segment. For Piper the state is phonetic context (the previous segment's phonemes); a model
with a real hidden state carries that instead. When a voice's state depends only on its input
(`state_from_input`), the pipeline may synthesize consecutive segments in the same batch.
"""

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

Audio = npt.NDArray[np.float32]
Phonemes = tuple[str, ...]


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
    frames: int = 0  # decoder frames run for it (context margins included): a cost measure
    extra: dict[str, Any] = field(default_factory=dict)


class Voice(ABC):
    """A loaded voice model."""

    name: str
    sample_rate: int
    state_from_input: bool = True

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
        self, items: Sequence[VoiceInput], params: SynthesisParams, context: bool = True
    ) -> list[VoiceOutput]:
        """Synthesize segments together; outputs are in the order of the inputs."""

    @abstractmethod
    def cost(self, item: VoiceInput) -> int:
        """Estimated output frames of a segment, for batching under a frame budget."""


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
