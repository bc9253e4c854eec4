"""`narrate` without the queue: a whole book through the stages of `worker.stages`.

`narrate synth` runs it directly. Chapters run several at once (`worker.chapters`: their
passages share the process's batches), longest first, phonemized one after another; a
chapter already finished by an earlier run of the same job (same manuscript and options) is
kept, so an interrupted book resumes. On a GPU the chapters are dealt to several processes
(`worker.narrators`); this one then delivers the book and writes its manifest. The output
folder is held meanwhile, and only narrate's files in it are written over (`worker.folder`).
"""

import logging
import threading
from collections.abc import Callable, Collection
from pathlib import Path

from config.jobs import Progress, job_id_for
from config.layout import BOOK_PIECES, SOURCE_KEY
from config.manifest import ChapterEntry, Manifest
from config.manuscript import Manuscript, not_asked_for
from config.settings import Settings, SynthesisOptions
from models.extras import check_options
from models.voice import Voice
from worker.chapters import Book, narrate_chapters
from worker.deliver import Delivery, deliver_book
from worker.folder import held
from worker.narrators import Narrators, deal
from worker.segment import Segment, segment_chapter
from worker.stages import finished_chapters, now, write_manifest
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
    narrators: Narrators | None = None,
    only: Collection[int] | None = None,
    replace: bool = False,
) -> Manifest:
    """Narrate a whole manuscript into out_dir; returns the manifest it wrote last.

    `voice` overrides the pooled one (the quality gate renders each variant this way). On a
    GPU host the chapters are narrated by several processes (`worker.narrators`; the caller
    may have started them ahead, and they are shut down here), each with a phonemizer
    process of its own, and for formats beyond WAV the encoders are processes too: all
    spawned, so they import the caller's main module: a script calling this needs the
    usual `if __name__ == "__main__":` guard.

    `only`: the indexes of the chapters to narrate (`--chapter`; default every one). The
    job is still the whole book's, so a later run of it keeps them; chapters an earlier run
    finished are kept with them, so that the manifest does not disown their files.

    `replace`: a finished book of other text or options in out_dir is narrated over (else
    refused, as a file of the user's where narrate writes is; `worker.folder`).
    """
    check_options(options)  # an extra missing for --format or --qa: said before any work
    with held(out_dir) as folder:
        try:
            storage = folder.prepare(job_id_for(manuscript, options), replace, manuscript)
        except BaseException:
            if narrators:  # started ahead by the caller, to be shut down here
                narrators.close()
            raise
        made = _narrate(manuscript, options, storage, settings, report, voice, narrators, only)
        folder.finish(made)
    return made  # the folder's hold, let go, has tidied its .work away if empty


def _warn_unsampled(manuscript: Manuscript, options: SynthesisOptions, made: set[int]) -> None:
    """--sample-minutes where --chapter leaves out the chapter the sample is cut from (the
    book's first chapter): said, not a book that silently has none."""
    sampled = Delivery.of(manuscript, options).sample_chapter
    if options.sample_minutes and sampled not in made:
        log.warning(
            "no retail sample this run: it is cut from chapter %d, which --chapter leaves out",
            sampled,
        )


def _narrate(
    manuscript: Manuscript,
    options: SynthesisOptions,
    storage: LocalStorage,
    settings: Settings,
    report: Reporter | None,
    voice: Voice | None,
    narrators: Narrators | None,
    only: Collection[int] | None,
) -> Manifest:
    started = now()
    job_id = job_id_for(manuscript, options)
    indexes = [ch.index for ch in manuscript.chapters]
    kept = finished_chapters(storage, job_id, indexes, settings)
    chosen = [i for i, ch in enumerate(manuscript.chapters) if kept[i] or _wanted(ch.index, only)]
    _warn_unsampled(manuscript, options, {manuscript.chapters[i].index for i in chosen})
    if voice is None and narrators is None:  # a voice given lives in this process
        narrators = Narrators.ahead(settings, sum(not kept[i] for i in chosen), options.voice)
    try:
        # Segmenting the whole book up front is quick and gives the progress total; a
        # chapter not chosen has no segments, and is narrated by no one.
        picked = set(chosen)
        segmented = [
            segment_chapter(ch.text, settings.segmenting) if i in picked else []
            for i, ch in enumerate(manuscript.chapters)
        ]
        total = Progress(sum(map(len, segmented)), chapters_total=len(chosen))
        counted = _counter(total, report)
        for i, entry in enumerate(kept):
            if entry:
                log.info("%s: chapter %d already done, kept", job_id, entry.index)
                total.chapters_kept += 1
                total.audio_kept_s += entry.duration_s
                counted(len(segmented[i]), entry.duration_s, chapters=1)
        # Longest first: a long chapter begun last would run, then assemble, alone at the end.
        sizes = [_text_size(segments) for segments in segmented]
        todo = [i for i in sorted(chosen, key=lambda i: -sizes[i]) if not kept[i]]
        book = Book(manuscript, options, storage, segmented)
        if narrators and todo:
            narrated = narrators.narrate(book, deal(todo, sizes, narrators.processes), counted)
        else:
            narrated = narrate_chapters(book, settings, todo, counted, voice)
    finally:
        if narrators:
            narrators.close()
    entries = [kept[i] or narrated.entries[i] for i in chosen]
    narrator = narrated.narrator
    # The manuscript stored only now, for the book's captions and the manifest after them:
    # until then the folder's manuscript stays its manifest's, should this run fail.
    part = _narrated_part(manuscript, chosen)
    storage.put_model(SOURCE_KEY, with_redone_texts(storage, part, kept))
    with timed("deliver"):
        delivery = Delivery.of(manuscript, options)  # the whole book's titles and sample
        delivered = deliver_book(delivery, storage, entries, storage.scratch())
    storage.delete_prefix(BOOK_PIECES)  # the chapters' AAC, muxed into the M4B now
    metadata = manuscript.metadata
    sample = any(entry.index == delivery.sample_chapter for entry in entries)
    return write_manifest(
        storage, job_id, narrator, options, entries, started, metadata, delivered, sample
    )


def _wanted(index: int, only: Collection[int] | None) -> bool:
    return only is None or index in only


def _narrated_part(manuscript: Manuscript, chosen: list[int]) -> Manuscript:
    """The manuscript of the chosen chapters, the others listed as skipped, not asked for (as
    a queued job's are): the output says that the book has more than it holds."""
    picked = set(chosen)
    left = [not_asked_for(ch) for i, ch in enumerate(manuscript.chapters) if i not in picked]
    chapters = [manuscript.chapters[i] for i in chosen]
    return manuscript.model_copy(
        update={"chapters": chapters, "skipped": [*manuscript.skipped, *left]}
    )


def with_redone_texts(
    storage: LocalStorage, manuscript: Manuscript, kept: list[ChapterEntry | None]
) -> Manuscript:
    """The manuscript to store: a chapter kept that `narrate redo` changed keeps the text
    stored with it, which its marks point into (`--text` changes it); the book's own text
    stored over it would leave them pointing at other words."""
    redone = {entry.index for entry in kept if entry is not None and entry.redone}
    if not redone or not storage.exists(SOURCE_KEY):
        return manuscript
    try:
        stored = Manuscript.model_validate_json(storage.get_bytes(SOURCE_KEY))
    except ValueError:  # not narrate's, or damaged: the book's own, as a first run
        return manuscript
    texts = {chapter.index: chapter for chapter in stored.chapters if chapter.index in redone}
    chapters = [texts.get(chapter.index, chapter) for chapter in manuscript.chapters]
    return manuscript.model_copy(update={"chapters": chapters})


def _counter(progress: Progress, report: Reporter | None) -> Callable[..., None]:
    """A callback counting segments, audio and chapters done (and begun) into `progress`
    (from several threads) and reporting it."""
    lock = threading.Lock()

    def counted(segments: int, audio_s: float, chapters: int = 0, begun: int = 0) -> None:
        with lock:
            progress.segments_done += segments
            progress.audio_s += audio_s
            progress.chapters_done += chapters
            progress.chapters_begun += begun
            if report:
                report(progress)

    return counted


def _text_size(segments: list[Segment]) -> int:
    return sum(len(segment.text) for segment in segments)
