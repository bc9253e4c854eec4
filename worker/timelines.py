"""Speech marks and subtitles on the timelines of the delivered files, beside the WAV's.

A chapter's marks, speech marks and subtitles count from the first sample of its WAV. Its
MP3 does not start there: mastering for ACX trims or pads the silence before the first word
to the room tone wanted (`worker.mastering.timeline_shift`), and a part of a chapter cut at
ACX's 120 minutes starts at its cut. The M4B plays the chapters one after another, each
from its marker. A player that highlights words or shows captions with one of those files
needs times on its timeline: each MP3 file and the M4B get their own speech marks and
subtitles here, the chapter's marks moved by the file's offset (the book's: each chapter
by its start in the book), then written as the chapter's are.

Times are those of a decoder that removes the encoder's delay, as FFmpeg, Apple's players
and ExoPlayer do, told by the MP3's LAME header and the M4B's edit list.
"""

from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

from config.layout import (
    BOOK_SPEECH_MARKS_KEY,
    SOURCE_KEY,
    book_subtitles_key,
    file_speech_marks_key,
    file_subtitles_key,
)
from config.manifest import Captions, ChapterEntry, ChapterMarks, Mark, WordMark
from config.manuscript import Manuscript
from worker.mastering import Span, timeline_shift
from worker.speechmarks import speech_marks
from worker.storage import Storage
from worker.subtitles import Cue, cues, srt, vtt

Moved = tuple[list[Mark], list[WordMark]]
_Timed = TypeVar("_Timed", Mark, WordMark)


def moved(
    sentences: Sequence[Mark], words: Sequence[WordMark], offset_s: float, span: Span | None = None
) -> Moved:
    """The sentence and word marks that start inside span (the whole chapter: None), their
    times plus offset_s (never before the file's start)."""
    lo, hi = span or (0.0, float("inf"))

    def shifted(mark: _Timed) -> _Timed:
        start = max(0.0, mark.start_s + offset_s)
        times = {"start_s": start, "end_s": max(start, mark.end_s + offset_s)}
        return mark.model_copy(update=times)

    inside = [shifted(m) for m in sentences if lo <= m.start_s < hi]
    return inside, [shifted(w) for w in words if lo <= w.start_s < hi]


def store_mp3_captions(
    storage: Storage,
    marks: tuple[Sequence[Mark], Sequence[WordMark]],
    text: str,
    wav: Path,
    files: Sequence[tuple[str, Span | None]],
) -> list[Captions]:
    """Speech marks and subtitles for each MP3 of a chapter (key, and the span of the WAV
    it holds: None for the whole) from the chapter's marks (sentences, words) and text, on
    the MP3's timeline."""
    made = []
    for key, span in files:
        offset = timeline_shift(wav, span)
        sentences, words = moved(*marks, offset, span)
        captions = Captions(
            audio_key=key,
            offset_s=offset,
            speech_marks_key=file_speech_marks_key(key),
            subtitle_keys=[file_subtitles_key(key, kind) for kind in ("srt", "vtt")],
        )
        _store(storage, captions, speech_marks(sentences, words), cues(text, sentences, words))
        made.append(captions)
    return made


def store_book_captions(
    storage: Storage, audio_key: str, entries: Sequence[ChapterEntry], starts: Sequence[float]
) -> Captions:
    """The whole book's speech marks and subtitles, each chapter's moved by its start in
    the book (its marker's time), read from the chapter's marks and the stored manuscript."""
    manuscript = Manuscript.model_validate(storage.get_json(SOURCE_KEY))
    texts = {chapter.index: chapter.text for chapter in manuscript.chapters}
    lines: list[str] = []
    found: list[Cue] = []
    for entry, start in zip(entries, starts, strict=True):
        marks = ChapterMarks.model_validate(storage.get_json(entry.marks_key))
        sentences, words = moved(marks.marks, marks.words, start)
        lines.append(speech_marks(sentences, words, chapter=entry.index))
        found += cues(texts[entry.index], sentences, words)
    captions = Captions(
        audio_key=audio_key,
        speech_marks_key=BOOK_SPEECH_MARKS_KEY,
        subtitle_keys=[book_subtitles_key(kind) for kind in ("srt", "vtt")],
    )
    _store(storage, captions, "".join(lines), found)
    return captions


def _store(storage: Storage, captions: Captions, marks: str, found: Sequence[Cue]) -> None:
    storage.put_bytes(captions.speech_marks_key, marks.encode())
    srt_key, vtt_key = captions.subtitle_keys
    storage.put_bytes(srt_key, srt(found).encode())
    storage.put_bytes(vtt_key, vtt(found).encode())
