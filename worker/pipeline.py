"""`narrate` without the queue: a whole book through the stages of `worker.stages`.

`narrate synth` runs it directly. Chapters run several at once (`worker.chapters`: their
passages share the process's batches), longest first, phonemized one after another; a
chapter already finished by an earlier run of the same job (same manuscript and options) is
kept, so an interrupted book resumes. On a GPU the chapters are dealt to several processes
(`worker.narrators`); this one then delivers the book and writes its manifest.
"""

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from config.jobs import Progress, job_id_for
from config.layout import BOOK_PIECES, SOURCE_KEY
from config.manifest import Manifest
from config.manuscript import Manuscript
from config.settings import Settings, SynthesisOptions
from models.extras import check_options
from models.runtime import device_processes, resolve_device
from models.voice import Voice
from worker.chapters import Book, narrate_chapters
from worker.deliver import Delivery, deliver_book
from worker.narrators import deal, narrate_apart
from worker.segment import Segment, segment_chapter
from worker.stages import finished_chapter, now, write_manifest
from worker.storage import LocalStorage
from worker.timing import timed

log = logging.getLogger(__name__)

Reporter = Callable[[Progress], None]


def narrate(
    manuscript: Manuscript,
    options: SynthesisOptions,
    out_dir: Path,
    settings: Settings,
    report: Reporter | None = None,
    voice: Voice | None = None,
) -> Manifest:
    """Narrate a whole manuscript into out_dir; returns the manifest it wrote last.

    `voice` overrides the pooled one (the quality gate renders each variant this way). On a
    GPU host the chapters are narrated by several processes (`worker.narrators`), each with
    a phonemizer process of its own, and for formats beyond WAV the encoders are processes
    too: all spawned, so they import the caller's main module: a script calling this needs
    the usual `if __name__ == "__main__":` guard.
    """
    check_options(options)  # an extra missing for --format or --qa: said before any work
    started = now()
    storage = LocalStorage(out_dir)
    job_id = job_id_for(manuscript, options)
    storage.put_model(SOURCE_KEY, manuscript)
    # Segmenting the whole book up front is quick and gives the progress total.
    segmented = [segment_chapter(ch.text, settings.segmenting) for ch in manuscript.chapters]
    progress = Progress(sum(map(len, segmented)), chapters_total=len(segmented))
    lock = threading.Lock()

    def counted(segments: int, audio_s: float, chapters: int = 0) -> None:
        with lock:
            progress.segments_done += segments
            progress.audio_s += audio_s
            progress.chapters_done += chapters
            if report:
                report(progress)

    kept = [finished_chapter(storage, job_id, ch.index) for ch in manuscript.chapters]
    for i, entry in enumerate(kept):
        if entry:
            log.info("%s: chapter %d already done, kept", job_id, entry.index)
            counted(len(segmented[i]), entry.duration_s, chapters=1)
    # Longest first: a long chapter begun last would run, then assemble, alone at the end.
    sizes = [_text_size(segments) for segments in segmented]
    todo = [i for i in sorted(range(len(segmented)), key=lambda i: -sizes[i]) if not kept[i]]
    book = Book(manuscript, options, storage, segmented)
    processes, free_gb = _processes(settings, voice)
    parts = deal(todo, sizes, processes)
    if len(parts) > 1:
        narrated = narrate_apart(book, settings, parts, counted, free_gb)
    else:
        narrated = narrate_chapters(book, settings, todo, counted, voice)
    entries = [kept[i] or narrated.entries[i] for i in range(len(segmented))]
    narrator = narrated.narrator
    with timed("deliver"):
        delivery = Delivery.of(manuscript, options, narrator.name)
        delivered = deliver_book(delivery, storage, entries, storage.scratch())
    storage.delete_prefix(BOOK_PIECES)  # the chapters' AAC, muxed into the M4B now
    metadata = manuscript.metadata
    return write_manifest(storage, job_id, narrator, options, entries, started, metadata, delivered)


def _processes(settings: Settings, voice: Voice | None) -> tuple[int, float | None]:
    """Processes to narrate in, and the GPU's free memory their budgets are shared from
    (GB; None on the CPU or where it was not read)."""
    if voice is not None:
        return 1, None  # the voice given lives in this process
    return device_processes(settings, resolve_device(settings.device))


def _text_size(segments: list[Segment]) -> int:
    return sum(len(segment.text) for segment in segments)
