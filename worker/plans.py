"""A queued chapter's plan, made once per job and stored with it (`config.layout.plan_key`).

Phonemizing (espeak-ng, and each word again alone for the word links) is nearly all the
work of planning a chapter. The plan task does it once per chapter with the phonemizer
alone, no voice sessions; every chunk and the assembly read it back. Passages follow from
the phonemes' sizes alone, so the chunk ranges cut at plan time hold in every process.
"""

from dataclasses import dataclass

from pydantic import TypeAdapter

from config.layout import plan_key
from config.manuscript import Chapter
from config.settings import Settings, SynthesisOptions
from models.voice import Voice, VoiceInput
from models.wording import Wording
from worker.segment import Segment, segment_chapter
from worker.stages import ChapterPlan, chunk_ranges, group_passages, plan_chapter
from worker.storage import Storage
from worker.synthesize import ChapterPhonemes, phonemize_here, phonemizer_for
from worker.words import SegmentLinks


@dataclass(frozen=True)
class StoredPlan:
    """What planning a chapter says of it: its segments, their phonemes per span and their
    words' links."""

    segments: list[Segment]
    phonemes: ChapterPhonemes
    links: list[SegmentLinks]

    def chunks(self, options: SynthesisOptions, settings: Settings) -> list[tuple[int, int]]:
        """The chapter's chunk ranges, without the voice: inputs without their context
        group into the same passages."""
        plain = [VoiceInput(parts) for parts in self.phonemes]
        return chunk_ranges(group_passages(plain, options, settings), settings.chunk_segments)

    def plan(
        self,
        voice: Voice,
        chapter: Chapter,
        options: SynthesisOptions,
        settings: Settings,
        wording: Wording,
    ) -> ChapterPlan:
        """The chapter's plan for the voice, as `narrate synth` makes it."""
        return plan_chapter(
            voice, chapter, options, settings, self.segments, self.phonemes, wording, self.links
        )


_STORED = TypeAdapter(StoredPlan)


def make_plan(voice: str, chapter: Chapter, wording: Wording, settings: Settings) -> StoredPlan:
    segments = segment_chapter(chapter.text, settings.segmenting)
    phonemizer = phonemizer_for(voice)
    phonemes, links = phonemize_here(phonemizer, voice, segments, wording, chapter.text)
    return StoredPlan(segments, phonemes, links)


def stored_plan(
    storage: Storage, voice: str, chapter: Chapter, wording: Wording, settings: Settings
) -> StoredPlan:
    """The chapter's stored plan, made and stored first where there is none (the plan
    task; a chunk of a job planned before plans were stored). Two makers of one chapter
    store the same bytes."""
    key = plan_key(chapter.index)
    if storage.exists(key):
        return _STORED.validate_json(storage.get_bytes(key))
    made = make_plan(voice, chapter, wording, settings)
    storage.put_bytes(key, _STORED.dump_json(made))
    return made
