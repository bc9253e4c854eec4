"""Turn a chapter's segments into audio: phonemes, carried context, batches under a budget.

Segments are chained (each carries its neighbours' context), then sorted by estimated length
and grouped so that a batch's padded size (items x longest) stays within the frame budget;
a segment bigger than the budget runs alone. On the CPU the budget is one segment: batching
only adds padding there (measured: batch 1 17.6x, batch 4 12.8x real time).
"""

import logging
from collections.abc import Callable, Iterator, Sequence

from config.settings import SynthesisOptions
from models.voice import Phonemes, SynthesisParams, Voice, VoiceInput, VoiceOutput
from worker.normalize import normalize
from worker.segment import Segment

log = logging.getLogger(__name__)

Progress = Callable[[int, VoiceOutput], None]


def phonemize_segments(voice: Voice, segments: Sequence[Segment]) -> list[tuple[Phonemes, ...]]:
    """The phonemes of every span of every segment."""
    return [tuple(voice.phonemize(normalize(span.text)) for span in seg.spans) for seg in segments]


def params_for(voice: Voice, options: SynthesisOptions) -> SynthesisParams:
    """Job options over the voice's defaults."""
    base = voice.default_params()
    return SynthesisParams(
        length_scale=base.length_scale / options.speed,
        noise_scale=base.noise_scale if options.noise_scale is None else options.noise_scale,
        noise_w=base.noise_w if options.noise_w is None else options.noise_w,
        seed=options.seed,
    )


def batches(voice: Voice, items: Sequence[VoiceInput], frame_budget: int) -> list[list[int]]:
    """Indexes of items grouped by similar cost, each group within the frame budget."""
    order = sorted(range(len(items)), key=lambda i: voice.cost(items[i]))
    groups: list[list[int]] = []
    for index in order:
        cost = voice.cost(items[index])
        if groups and (len(groups[-1]) + 1) * cost <= frame_budget:
            groups[-1].append(index)
        else:
            groups.append([index])
    return groups


def synthesize_items(
    voice: Voice,
    items: Sequence[VoiceInput],
    params: SynthesisParams,
    context: bool,
    frame_budget: int,
    on_done: Progress | None = None,
) -> Iterator[tuple[int, VoiceOutput]]:
    """(index, output) for every item, batch by batch; the caller puts them in order."""
    for group in batches(voice, items, frame_budget):
        outputs = voice.synthesize([items[i] for i in group], params, context)
        for index, output in zip(group, outputs, strict=True):
            if on_done:
                on_done(index, output)
            yield index, output
