"""The whole pipeline in one process: manuscript in, chapter WAVs, marks and manifest out.

`narrate synth` runs this directly; the queue's tasks call the same stage functions
(segment, synthesize, assemble) on parts of a job. A chapter already finished by an earlier
run of the same job (same manuscript and options) is kept, so an interrupted book resumes.
"""

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError

from config.manifest import ChapterEntry, ChapterMarks, Manifest, Mark, SegmentEntry
from config.manuscript import Chapter, Manuscript
from config.settings import Settings, SynthesisOptions
from models.pool import get_voice
from models.voice import Voice, chain
from worker.audio import ChapterAudio, ChapterSpool, assemble, file_sha256
from worker.segment import Segment, segment_chapter
from worker.storage import (
    MANIFEST_KEY,
    SOURCE_KEY,
    LocalStorage,
    chapter_key,
    marks_key,
)
from worker.synthesize import params_for, phonemize_segments, synthesize_items

log = logging.getLogger(__name__)


@dataclass
class Progress:
    """Counters a progress bar shows."""

    segments_total: int
    segments_done: int = 0
    audio_s: float = 0.0
    chapters_total: int = 0
    chapters_done: int = 0


Reporter = Callable[[Progress], None]


def job_id_for(manuscript: Manuscript, options: SynthesisOptions) -> str:
    """The same manuscript with the same options is the same job."""
    digest = hashlib.sha256(manuscript.model_dump_json().encode())
    digest.update(options.model_dump_json().encode())
    return "job-" + digest.hexdigest()[:16]


def narrate(
    manuscript: Manuscript,
    options: SynthesisOptions,
    out_dir: Path,
    settings: Settings,
    report: Reporter | None = None,
) -> Manifest:
    """Narrate a whole manuscript into out_dir; returns the manifest it wrote last."""
    started = datetime.now(UTC).isoformat(timespec="seconds")
    storage = LocalStorage(out_dir)
    voice = get_voice(options.voice)
    job_id = job_id_for(manuscript, options)
    storage.put_model(SOURCE_KEY, manuscript)
    plans = [segment_chapter(ch.text, settings.segmenting) for ch in manuscript.chapters]
    progress = Progress(sum(len(p) for p in plans), chapters_total=len(plans))
    entries = []
    for chapter, segments in zip(manuscript.chapters, plans, strict=True):
        entry = _finished(storage, job_id, chapter.index)
        if entry is None:
            entry = narrate_chapter(
                voice, chapter, segments, options, settings, storage, job_id, progress, report
            )
        else:
            log.info("%s: chapter %d already done, kept", job_id, chapter.index)
            progress.segments_done += len(segments)
            progress.audio_s += entry.duration_s
        progress.chapters_done += 1
        if report:
            report(progress)
        entries.append(entry)
    manifest = Manifest(
        job_id=job_id,
        voice=voice.name,
        model_variant="fp32",
        sample_rate=options.sample_rate,
        created_at=started,
        finished_at=datetime.now(UTC).isoformat(timespec="seconds"),
        options=options.model_dump(),
        chapters=entries,
    )
    storage.put_model(MANIFEST_KEY, manifest)
    return manifest


def narrate_chapter(
    voice: Voice,
    chapter: Chapter,
    segments: list[Segment],
    options: SynthesisOptions,
    settings: Settings,
    storage: LocalStorage,
    job_id: str,
    progress: Progress,
    report: Reporter | None = None,
) -> ChapterEntry:
    """Synthesize, assemble and store one chapter; returns its manifest entry."""
    began = time.perf_counter()
    items = chain(voice, phonemize_segments(voice, segments), seed=chapter.index * 100_003)
    params = params_for(voice, options)
    with ChapterSpool(voice.sample_rate, directory=storage.root) as spool:
        for index, output in synthesize_items(voice, items, params, options.context, settings):
            spool.add(index, output.audio, output.part_samples, segments[index].brk)
            progress.segments_done += 1
            progress.audio_s += len(output.audio) / voice.sample_rate
            if report:
                report(progress)
        audio = assemble(
            spool,
            list(range(len(segments))),
            settings.assembly,
            options.sample_rate,
            storage.new_file(chapter_key(chapter.index)),
        )
    entry = _entry(chapter, segments, audio)
    marks = ChapterMarks(
        job_id=job_id,
        chapter=chapter.index,
        audio_sha256=audio.sha256,
        marks=_marks(segments, audio),
        entry=entry,
    )
    storage.put_model(marks_key(chapter.index), marks)
    log.info(
        "%s: chapter %d: %d segments, %.1f s of audio in %.1f s",
        job_id,
        chapter.index,
        len(segments),
        audio.duration_s,
        time.perf_counter() - began,
    )
    return entry


def _entry(chapter: Chapter, segments: list[Segment], audio: ChapterAudio) -> ChapterEntry:
    return ChapterEntry(
        index=chapter.index,
        title=chapter.title,
        audio_key=chapter_key(chapter.index),
        marks_key=marks_key(chapter.index),
        duration_s=audio.duration_s,
        sample_rate=audio.sample_rate,
        sha256=audio.sha256,
        segments=[
            SegmentEntry(start_s=t.start_s, end_s=t.end_s, text=segments[t.index].text)
            for t in audio.timings
        ],
    )


def _marks(segments: list[Segment], audio: ChapterAudio) -> list[Mark]:
    marks = []
    for timing in audio.timings:
        for span, (start, end) in zip(segments[timing.index].spans, timing.parts, strict=True):
            marks.append(
                Mark(
                    start_s=start,
                    end_s=end,
                    text=span.text,
                    char_start=span.start,
                    char_end=span.end,
                )
            )
    return marks


def _finished(storage: LocalStorage, job_id: str, index: int) -> ChapterEntry | None:
    """The entry of a chapter an earlier run of this job completed, if its audio is intact."""
    if not (storage.exists(marks_key(index)) and storage.exists(chapter_key(index))):
        return None
    try:
        marks = ChapterMarks.model_validate(storage.get_json(marks_key(index)))
    except (ValueError, ValidationError):
        return None
    if marks.job_id != job_id:
        return None
    if file_sha256(storage.path(chapter_key(index))) != marks.audio_sha256:
        return None
    return marks.entry
