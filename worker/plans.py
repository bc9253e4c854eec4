"""A queued chapter's plan, made once per job and stored with it (`config.layout.plan_key`).

Phonemizing (espeak-ng, and each word again alone for the word links) is nearly all the
work of planning a chapter. The plan task does it once per chapter with the phonemizer
alone, no voice sessions, and hands each chapter on as soon as it is planned, so its chunks
run while later chapters are phonemized; every chunk and the assembly read the plan back
(once per process: `cached_plan`). Passages follow from the phonemes' sizes alone, so the
chunk ranges cut at plan time hold in every process.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter

from config.errors import RetryableError
from config.layout import plan_key
from config.manuscript import Chapter, Manuscript
from config.settings import Settings, SynthesisOptions
from models.voice import Voice, VoiceInput
from models.wording import Wording
from worker.ordered import Ahead
from worker.segment import Segment, segment_chapter
from worker.spawn import helper_pool
from worker.stages import ChapterPlan, chunk_ranges, group_passages, plan_chapter
from worker.storage import Storage
from worker.synthesize import (
    PHONEMIZED_AHEAD,
    ChapterPhonemes,
    Said,
    Stopped,
    never,
    phonemize_apart,
    phonemize_here,
    phonemizer_for,
)
from worker.timing import add_busy
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


def make_plan(
    voice: str,
    chapter: Chapter,
    wording: Wording,
    settings: Settings,
    segments: list[Segment] | None = None,
    stopped: Callable[[], bool] = never,
) -> StoredPlan:
    """The chapter's plan; Stopped where `stopped` says so before it is whole."""
    if segments is None:
        segments = segment_chapter(chapter.text, settings.segmenting)
    phonemizer = phonemizer_for(voice)
    phonemes, links = phonemize_here(phonemizer, voice, segments, wording, chapter.text, stopped)
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


def chapter_plans(
    storage: Storage,
    voice: str,
    manuscript: Manuscript,
    segmented: list[list[Segment]],
    settings: Settings,
    apart: bool,
    stopped: Callable[[], bool] = never,
) -> Iterator[tuple[int, StoredPlan]]:
    """(chapter index, stored plan) of every chapter, longest first, each as soon as it is
    planned (or read back, where a delivery before planned it).

    Longest first as in `narrate synth`: a long chapter begun last would be narrated, then
    assembled, alone at the end. apart: phonemized in the process's phonemizer process
    (`PHONEMIZER`), where espeak-ng's hold on the GIL cannot stall the inference threads
    of a GPU worker; else here. stopped: asked between a chapter's segments, here or in
    that process (so it must pickle); once it says so, no more chapters come, and the one
    begun is not stored: a job cancelled as its plan phonemizes a long chapter does not
    wait for that chapter's end.
    """
    chapters = manuscript.chapters
    wording = Wording.of(manuscript)
    order = sorted(range(len(chapters)), key=lambda i: -len(chapters[i].text))
    # Whether each is stored, not the plans themselves: read as their turn comes, a book's
    # plans are not all held at once.
    stored = {i: storage.exists(plan_key(chapters[i].index)) for i in order}
    said: Ahead[int, tuple[Said, float]] = Ahead(
        lambda i: PHONEMIZER.submit(
            phonemize_apart, voice, segmented[i], wording, chapters[i].text, stopped
        ),
        [i for i in order if not stored[i]] if apart else [],
        PHONEMIZED_AHEAD,
    )
    try:
        for i in order:
            key = plan_key(chapters[i].index)
            plan = _STORED.validate_json(storage.get_bytes(key)) if stored[i] else None
            if plan is None:
                if apart:
                    plan = StoredPlan(segmented[i], *_received(said.take(i)))
                else:
                    plan = make_plan(voice, chapters[i], wording, settings, segmented[i], stopped)
                storage.put_bytes(key, _STORED.dump_json(plan))
            yield chapters[i].index, plan
    except Stopped:  # the job ended: the chapter begun is dropped, those after it not begun
        return
    finally:  # a failure or a stop: what was not begun is not phonemized for nothing
        said.cancel()


def _received(future: "Future[tuple[Said, float]]") -> Said:
    try:
        said, seconds = future.result()
    except BrokenProcessPool as error:  # the phonemizer process died: the task retries
        raise RetryableError(f"the phonemizer process died: {error}") from error
    add_busy("phonemize", seconds)
    return said


class Phonemizers:
    """A process's phonemizer process (one: espeak-ng works one text at a time anyway),
    started on first use, and again after one died (`worker.spawn`)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None

    def submit(self, work: Callable[..., Any], *args: Any) -> "Future[Any]":
        with self._lock:
            if self._pool is not None:
                try:
                    return self._pool.submit(work, *args)
                except BrokenProcessPool:
                    self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = helper_pool(1)
            return self._pool.submit(work, *args)


PHONEMIZER = Phonemizers()


def load_phonemizer(voice: str) -> None:
    """Run in the phonemizer process at worker start, so that the first job's chapters
    do not wait for its start and espeak-ng's."""
    phonemizer_for(voice)


# Chapter plans kept per process: a book's chapters, enough for the jobs of a few books
# in flight at once; a plan is a few MB at most.
PLANS_KEPT = 64


class ChapterPlans:
    """Chapter plans for the voice, made once per process however many of a chapter's
    chunks (threads of one worker) ask at once: reading and chaining a whole chapter for
    every chunk of it cost a GPU worker more host time than its chunks' own work."""

    def __init__(self, kept: int = PLANS_KEPT) -> None:
        self.kept = kept
        self._lock = threading.Lock()
        self._plans: OrderedDict[tuple[Any, ...], Future[ChapterPlan]] = OrderedDict()

    def get(self, key: tuple[Any, ...], make: Callable[[], ChapterPlan]) -> ChapterPlan:
        """The plan for key (what the plan depends on: job, chapter, voice), made by the
        first caller while later ones wait for it."""
        with self._lock:
            made = self._plans.get(key)
            mine = made is None
            if made is None:
                made = self._plans[key] = Future()
                while len(self._plans) > self.kept:
                    self._plans.popitem(last=False)
            else:
                self._plans.move_to_end(key)
        if mine:
            try:
                made.set_result(make())
            except BaseException as error:
                made.set_exception(error)
                with self._lock:  # not kept: the next caller tries again
                    if self._plans.get(key) is made:
                        del self._plans[key]
        return made.result()


PLANS = ChapterPlans()
