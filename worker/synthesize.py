"""Turn a chapter's segments into audio: phonemes, carried context, batches under a budget.

Segments are chained (each carries its neighbours' context) and grouped into passages of
consecutive segments that share one text-encoder pass. The process's batcher
(`worker.batcher`) groups passages of similar size so that a batch's padded size (passages x
longest) stays within the budget; one bigger than the budget runs alone. On the CPU the
budget is 0, one passage at a time: batching only adds padding there.
"""

import functools
import itertools
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from typing import Protocol

from config.settings import Settings, SynthesisOptions
from models.phonemizer import Phonemizer
from models.runtime import PASSAGE_FRAMES, PASSAGE_IDS
from models.traced import Traced
from models.voice import (
    Passage,
    Phonemes,
    SynthesisParams,
    Voice,
    VoiceOutput,
)
from models.wording import Wording
from worker.batcher import batcher_for
from worker.segment import Segment, Span
from worker.timing import timed
from worker.words import SegmentLinks, chapter_links, source

ChapterPhonemes = list[tuple[Phonemes, ...]]  # per segment, per span
PLAIN = Wording()  # no lexicon, en-US
# Chapters phonemized ahead of those begun (`worker.ordered.Ahead`): twice what a GPU
# narrates at once. Its chapters tend to end together (`worker.batcher`), and the 16 that
# begin then must be phonemized already, the 16 after them while those narrate. All of a
# book's at once held every chapter's phonemes to the book's end.
PHONEMIZED_AHEAD = 32


class PhonemizesText(Protocol):
    def phonemize(self, text: str) -> Phonemes: ...


def phonemize_segments(
    voice: PhonemizesText, segments: Sequence[Segment], wording: Wording = PLAIN
) -> ChapterPhonemes:
    """The phonemes of every span of every segment, worded as the job says (its lexicon,
    then normalization in its locale)."""
    with timed("phonemize"):
        return [
            tuple(voice.phonemize(wording.words(span.text)) for span in seg.spans)
            for seg in segments
        ]


_phonemizers: dict[str, Phonemizer] = {}
_phonemizers_lock = threading.Lock()


def phonemizer_for(voice: str) -> Phonemizer:
    """The voice's phonemizer without its sessions, one per process (threads share it)."""
    with _phonemizers_lock:
        if voice not in _phonemizers:
            _phonemizers[voice] = Phonemizer.load(voice)
        return _phonemizers[voice]


Said = tuple[ChapterPhonemes, list[SegmentLinks]]  # a chapter's phonemes and word links


class Stopped(Exception):
    """Work given up part way because its `stopped` said so (its job ended): what it had
    made is not to be kept."""


def never() -> bool:
    """The `stopped` of work that runs to its end."""
    return False


# Segments phonemized between two looks at a `stopped`: a few tenths of a second's work
# at most, and each step over a few dozen segments at once is as quick as over a whole
# chapter (one segment at a time was a tenth slower).
STOPPED_EVERY = 32


def phonemize_here(
    voice: PhonemizesText,
    name: str,
    segments: Sequence[Segment],
    wording: Wording,
    chapter_text: str,
    stopped: Callable[[], bool] = never,
) -> Said:
    """A chapter's phonemes (by the voice) and its word links (`worker.words`); Stopped
    where `stopped`, asked every STOPPED_EVERY segments, says so (a job cancelled as its
    long chapter is planned does not wait for the chapter's end)."""
    phonemes: ChapterPhonemes = []
    links: list[SegmentLinks] = []
    with timed("phonemize"):
        for first in range(0, len(segments), STOPPED_EVERY):
            if stopped():
                raise Stopped(f"stopped after {first} of {len(segments)} segments")
            some = segments[first : first + STOPPED_EVERY]
            their_phonemes, their_links = _phonemized(voice, name, some, wording, chapter_text)
            phonemes += their_phonemes
            links += their_links
    return phonemes, links


def _phonemized(
    voice: PhonemizesText,
    name: str,
    segments: Sequence[Segment],
    wording: Wording,
    chapter_text: str,
) -> Said:
    """Segments' phonemes and word links, each span worded once for both: normalizing it
    was a third of the phonemizing, and was done twice."""
    worded = [tuple(_worded(chapter_text, span, wording) for span in seg.spans) for seg in segments]
    phonemes = [tuple(voice.phonemize(text) for text, _ in spans) for spans in worded]
    traced = [tuple(words for _, words in spans) for spans in worded]
    said = functools.partial(phonemize_word, name)
    return phonemes, chapter_links(chapter_text, segments, phonemes, wording, said, traced)


def _worded(chapter_text: str, span: Span, wording: Wording) -> tuple[str, Traced]:
    """A span's words for its phonemes (`Wording.words` of its text) and, traced to the
    chapter's characters, for its word links: worded once where the span holds its source
    spaced, as a segment's spans do (`worker.segment`)."""
    written = source(chapter_text, span.start, span.end)
    traced = wording.traced(written)
    return (traced.text if written.text == span.text else wording.words(span.text)), traced


def phonemize_apart(
    voice: str,
    segments: Sequence[Segment],
    wording: Wording,
    chapter_text: str,
    stopped: Callable[[], bool] = never,
) -> tuple[Said, float]:
    """phonemize_here in a phonemizer process (the voice's phonemizer without its
    sessions), and the seconds it took; `stopped` is pickled to it, and asked there."""
    began = time.perf_counter()
    phonemizer = phonemizer_for(voice)
    said = phonemize_here(phonemizer, voice, segments, wording, chapter_text, stopped)
    return said, time.perf_counter() - began


@functools.lru_cache(maxsize=1 << 16)
def phonemize_word(voice: str, word: str) -> Phonemes:
    """A word's phonemes said alone, to align words with (cached: a book repeats its
    words)."""
    return phonemizer_for(voice).phonemize(word)


def params_for(voice: Voice, options: SynthesisOptions) -> SynthesisParams:
    """Job options over the voice's defaults."""
    base = voice.default_params()
    return SynthesisParams(
        length_scale=base.length_scale / options.speed,
        noise_scale=base.noise_scale if options.noise_scale is None else options.noise_scale,
        noise_w=base.noise_w if options.noise_w is None else options.noise_w,
        seed=options.seed,
    )


def lookahead(settings: Settings) -> int:
    """Passages each caller keeps in flight, at least: enough to fill batches, few enough to
    bound memory.

    Outputs come back in order, so whatever finished ahead waits in memory; on the CPU four
    per inference thread keep every core busy past a long passage.
    """
    return 4 * max(1, settings.inference_workers)


def process_lookahead(voice: Voice, settings: Settings) -> int:
    """Passages in flight in the process, shared by its callers: every inference thread's
    next two decoder batches. A chapter left alone at the end of a book gets all of them;
    with the per-caller share only, it left the GPU mostly idle. A front set to take more
    passages a batch than the decoder (`NARRATE_BATCH_BUDGET`) leaves this as it is: what
    waits in memory is the decoder's audio, not the front's rows."""
    passages = max(1, voice.batch_budget // PASSAGE_IDS)  # a front batch's
    if voice.back_frame_budget > 0:
        passages = min(passages, max(1, voice.back_frame_budget // PASSAGE_FRAMES))
    return 2 * max(1, settings.inference_workers) * passages


def synthesize_items(
    voice: Voice,
    group: Sequence[Passage],
    params: SynthesisParams,
    context: bool,
    settings: Settings,
    urgent: bool = False,
) -> Iterator[tuple[int, VoiceOutput]]:
    """(index, output) for every segment of these passages, in order.

    Indexes count segments from the first passage's first. With context, each passage's
    segments share a front pass; without it, passages should hold one segment each (see
    `models.voice.passages`), which then sees nothing of its neighbours. The passages go
    through the process's batcher, batched with whatever else is being narrated; urgent
    ones before it.
    """
    batcher = batcher_for(voice, voice.batch_budget, settings.inference_workers)
    least, shared = lookahead(settings), process_lookahead(voice, settings)
    window: deque[Future[list[VoiceOutput]]] = deque()
    upcoming = iter(group)
    index = 0
    with batcher.caller(len(group)) as caller:
        while True:
            room = caller.room(least, shared)
            for passage in itertools.islice(upcoming, max(0, room - len(window))):
                window.append(batcher.submit(passage, params, context, urgent))
                caller.submitted(1)
            if not window:
                return
            for output in window.popleft().result():
                yield index, output
                index += 1
