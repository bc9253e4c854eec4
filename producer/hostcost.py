"""`python -m producer.hostcost BOOK --chapter N`: host CPU per second of audio of each stage
after inference, one thread, on real audio.

At 1,300x real time a GPU host has under 0.8 ms of wall per second of audio for everything
that is not inference; this says which stage spends it. The chapter is synthesized once
(kept in --cache, so that later runs measure the host stages alone), then each stage runs
alone, in the order a chapter goes through them, timed in CPU seconds of this process.
"""

import argparse
import functools
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")  # one thread: what one core of a GPU host does

from config.manifest import ChapterMarks  # noqa: E402
from config.manuscript import Metadata  # noqa: E402
from config.settings import Settings, SynthesisOptions  # noqa: E402
from models.pool import get_voice  # noqa: E402
from models.voice import Voice, VoiceOutput  # noqa: E402
from producer.readers import read_manuscript  # noqa: E402
from worker import stages  # noqa: E402
from worker.acx import ACX_RATE, check_acx  # noqa: E402
from worker.audio import ChapterAudio, ChapterSpool, assemble  # noqa: E402
from worker.encode import Tags, write_flac, write_mp3, write_opus  # noqa: E402
from worker.m4b import mux_m4b, write_m4b, write_piece  # noqa: E402
from worker.mastering import acx_master, write_acx_mp3  # noqa: E402
from worker.qa import Listener, cheap_problems  # noqa: E402
from worker.segment import Segment, segment_chapter  # noqa: E402
from worker.speechmarks import speech_marks  # noqa: E402
from worker.subtitles import cues, srt, vtt  # noqa: E402
from worker.synthesize import PLAIN, phonemize_segments, phonemize_word  # noqa: E402
from worker.words import SegmentLinks, chapter_links, chapter_words  # noqa: E402

Outputs = list[tuple[int, VoiceOutput]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m producer.hostcost", description=__doc__)
    parser.add_argument("book", type=Path)
    parser.add_argument("--chapter", type=int, default=2)
    parser.add_argument("--asr", action="store_true", help="time --qa asr's Whisper too")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "hostcost")
    args = parser.parse_args(argv)
    settings, options = Settings(), SynthesisOptions()
    voice, plan, outputs = cached_chapter(args.book, args.chapter, args.cache, settings, options)
    chapter, segments = plan.chapter, plan.segments
    rate = voice.sample_rate
    rows: list[tuple[str, float]] = []

    def row(name: str, work: Callable[[], T]) -> T:
        began = time.process_time()
        result = work()
        rows.append((name, time.process_time() - began))
        return result

    with tempfile.TemporaryDirectory(prefix="hostcost-") as scratch:
        work = Path(scratch)
        parts = [item.parts for item in plan.items]
        row("QA, cheap checks", lambda: [cheap_problems(o, parts[i], rate) for i, o in outputs])
        if args.asr:
            row("QA, Whisper (--qa asr)", lambda: _heard(outputs, segments, rate))
        wav = work / "chapter.wav"

        def spooled_and_assembled() -> ChapterAudio:
            with ChapterSpool(rate, work) as spool:
                for i, o in outputs:
                    spool.add(i, o.audio, o.part_samples, segments[i].brk, o.word_samples)
                order = list(range(len(segments)))
                return assemble(spool, order, settings.assembly, options.sample_rate, wav)

        audio = row("spool + assemble (WAV write)", spooled_and_assembled)
        said = functools.partial(phonemize_word, options.voice)
        phonemize_word.cache_clear()

        def linked() -> list[SegmentLinks]:
            return chapter_links(chapter.text, segments, parts, PLAIN, said)

        row("word links, words said alone cold", linked)
        links = row("word links, words said alone cached", linked)
        words = row(
            "word marks from links", lambda: chapter_words(chapter.text, links, audio.timings)
        )
        marks = stages._marks(segments, audio)

        def captions() -> None:
            speech_marks(marks, words)
            found = cues(chapter.text, marks, words)
            srt(found), vtt(found)

        row("speech marks + subtitles", captions)
        entry = stages._entry(chapter, segments, audio)
        model = ChapterMarks(
            job_id="x", chapter=0, audio_sha256="", marks=marks, entry=entry, words=words
        )
        row("marks JSON", model.model_dump_json)
        tags = Tags.for_chapter(Metadata(title="t"), chapter.title, 1)
        row("MP3 for ACX, all of it", lambda: write_acx_mp3(wav, work / "c.mp3", tags))
        mastered = row("  of which mastering", lambda: list(acx_master(wav)))
        row("  of which LAME", lambda: write_mp3(mastered, ACX_RATE, work / "m.mp3", tags))
        row("  of which check_acx", lambda: check_acx(work / "m.mp3"))
        row("Opus encode", lambda: write_opus(wav, work / "c.opus", tags))
        row("FLAC encode", lambda: write_flac(wav, work / "c.flac", tags))
        row("M4B (AAC encode + mux)", lambda: write_m4b([(wav, "t")], work / "b.m4b", Metadata()))
        row("M4B piece (a chapter's AAC)", lambda: write_piece(wav, work / "p.m4a"))
        pieces = [(work / "p.m4a", "t", audio.duration_s)]
        row("M4B mux of the pieces", lambda: mux_m4b(pieces, work / "m.m4b", Metadata()))
    seconds = audio.duration_s
    print(f"chapter {args.chapter}: {seconds:.1f} s of audio, {len(segments)} segments")
    print(f"{'stage':36}{'CPU s':>8}{'ms / audio s':>14}")
    for name, cpu in rows:
        print(f"{name:36}{cpu:8.2f}{1000 * cpu / seconds:14.3f}")
    return 0


def _heard(outputs: Outputs, segments: list[Segment], rate: int) -> None:
    """Whisper's verdicts as `worker.stages.checked` asks for them: a group at a time."""
    listener, group = Listener(rate, PLAIN), dict[int, VoiceOutput]()
    for i, output in outputs:
        if group and stages._group_whole(group, output, rate):
            listener.flush()
            group = {}
        listener.add(i, output.audio, segments[i].text)
        group[i] = output
    listener.flush()


def cached_chapter(
    book: Path, index: int, cache: Path, settings: Settings, options: SynthesisOptions
) -> tuple[Voice, stages.ChapterPlan, Outputs]:
    """A chapter's voice, plan and outputs, the outputs synthesized once and kept in cache."""
    chapter = read_manuscript(book).chapters[index]
    voice = get_voice(options.voice)
    segments = segment_chapter(chapter.text, settings.segmenting)
    phonemes = phonemize_segments(voice, segments)
    plan = stages.plan_chapter(voice, chapter, options, settings, segments, phonemes)
    return voice, plan, _synthesized(cache / f"{book.stem}-{index}.pickle", plan)


def _synthesized(path: Path, plan: stages.ChapterPlan) -> Outputs:
    """The chapter's outputs, synthesized once and kept at path."""
    if path.exists():
        with open(path, "rb") as handle:
            outputs: Outputs = pickle.load(handle)
        if len(outputs) == len(plan.segments):
            return outputs
    voice = get_voice(SynthesisOptions().voice)
    settings, options = Settings(), SynthesisOptions()
    made = stages.synthesize_passages(voice, plan, 0, len(plan.passages), options, settings)
    found = [(i, VoiceOutput(o.audio, o.part_samples, None, o.word_samples)) for i, o in made]
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        pickle.dump(found, handle)
    return found


if __name__ == "__main__":
    sys.exit(main())
