"""Where a long chapter's MP3 is cut, and where a retail sample ends."""

import base64
from pathlib import Path

import av
import numpy as np
import pytest

from config.layout import SOURCE_KEY, book_piece_key, chapter_key, marks_key
from config.manifest import ChapterEntry, ChapterMarks
from config.manuscript import Chapter, Manuscript, Metadata
from config.settings import AcxSettings, BreakClass, SynthesisOptions, get_settings
from tests.worker.speechlike import speechlike, write_wav
from worker.audio import ChapterAudio, Timing
from worker.deliver import (
    Delivery,
    Encoding,
    deliver_book,
    embedded_picture,
    encode,
    mp3_parts,
    sample_end,
    tag_titles,
)
from worker.encode import wav_info
from worker.m4b import write_piece
from worker.mastering import plan, survey
from worker.storage import LocalStorage, file_sha256

HOUR = 3600.0


def chapter(lengths: list[float]) -> ChapterAudio:
    """Segments of these lengths, one after another, 1 s apart."""
    timings, start = [], 0.5
    for i, length in enumerate(lengths):
        timings.append(Timing(i, start, start + length, [(start, start + length)]))
        start += length + 1.0
    return ChapterAudio(Path("x.wav"), 44100, round(start * 44100), "", timings)


def test_a_chapter_under_two_hours_is_one_file() -> None:
    audio = chapter([600.0] * 10)
    assert mp3_parts(audio, [BreakClass.SENTENCE] * 10) == [None]


def test_a_chapter_over_two_hours_is_cut_at_a_paragraph_break() -> None:
    lengths = [600.0] * 15  # 150 minutes
    breaks = [BreakClass.SENTENCE] * 15
    breaks[6] = BreakClass.PARAGRAPH  # ends 70 minutes in, near the middle
    audio = chapter(lengths)
    parts = mp3_parts(audio, breaks)
    assert len(parts) == 2
    (a_start, a_end), (b_start, b_end) = parts
    assert a_start == 0.0 and b_end == audio.duration_s
    assert a_end == b_start == audio.timings[7].start_s  # after segment 6 and its pause
    assert all(end - start <= 2 * HOUR for start, end in ((a_start, a_end), (b_start, b_end)))


def test_a_sample_ends_after_the_last_sentence_that_fits() -> None:
    audio = chapter([50.0, 50.0, 50.0, 50.0])
    assert sample_end(audio, 180.0) == audio.timings[2].end_s + 0.5


def test_a_sample_too_short_for_a_sentence_holds_the_first() -> None:
    """--sample-minutes 0.01 before a sentence of 50 s: it was cut before the first word,
    a sample of room tone alone."""
    audio = chapter([50.0, 50.0])
    assert sample_end(audio, 0.6) == audio.timings[0].end_s + 0.5


def test_a_five_minute_sample_lasts_five_minutes_at_most_once_mastered(tmp_path: Path) -> None:
    """ACX takes a sample of five minutes or less, and mastering sets room tone at both ends
    of it: a sentence that ends just before five minutes is left out."""
    rate = 8000
    timings = chapter([9.0] * 35).timings  # sentences end at 9.5 s, 19.5 s, ... 299.5 s, ...
    sound = np.zeros(round((timings[-1].end_s + 1.0) * rate), dtype=np.float32)
    for t in timings:
        sound[round(t.start_s * rate) : round(t.end_s * rate)] = 0.1
    wav = write_wav(tmp_path / "c.wav", sound, rate)
    audio = ChapterAudio(wav, rate, len(sound), "", timings)
    steps = plan(survey(wav, (0.0, sample_end(audio, 300.0))), AcxSettings())
    mastered = (steps.pad_head + steps.stop - steps.start + steps.pad_tail) / rate
    assert 290.0 < mastered <= 300.0


def test_an_svg_cover_gives_the_picture_it_holds() -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(40))
    thumb = b"\xff\xd8\xff" + bytes(4)
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg"><image href="data:image/jpeg;base64,'
        + base64.b64encode(thumb)
        + b'"/><image xlink:href="data:image/png;base64,'
        + base64.b64encode(png)
        + b'"/><path d="M0 0"/></svg>'
    )
    assert embedded_picture(svg) == (png, "image/png")  # the largest
    assert embedded_picture(b"<svg><path/></svg>") == (None, None)


def test_the_files_name_the_narrator_the_credits_name(monkeypatch: pytest.MonkeyPatch) -> None:
    manuscript = Manuscript(chapters=[Chapter(index=0, text="Hello.")])
    assert Delivery.of(manuscript, SynthesisOptions()).narrator == "a synthetic voice"
    monkeypatch.setenv("NARRATE_NARRATOR", "Jane Doe")
    get_settings.cache_clear()
    try:
        assert Delivery.of(manuscript, SynthesisOptions()).narrator == "Jane Doe"
    finally:
        get_settings.cache_clear()


def test_the_book_from_its_pieces_reads_no_chapter_wav(tmp_path: Path) -> None:
    """Its markers come from the entries' durations: on S3 every chapter's WAV was
    downloaded for its length alone, at the end of the book."""
    storage = LocalStorage(tmp_path / "out")
    entries = []
    for index, seconds in ((1, 4.0), (2, 6.0)):
        wav = write_wav(tmp_path / f"{index}.wav", speechlike(seconds, 44100, index), 44100)
        sha = file_sha256(wav)
        piece = tmp_path / f"{index}.m4a"
        write_piece(wav, piece)
        storage.put_file(book_piece_key(index, sha), piece, file_sha256(piece))
        rate, frames = wav_info(wav)
        entries.append(
            ChapterEntry(
                index=index,
                title=f"Chapter {index}",
                audio_key=chapter_key(index),  # never stored: the book must not need it
                marks_key=marks_key(index),
                duration_s=frames / rate,
                sample_rate=rate,
                sha256=sha,
                segments=[],
            )
        )
    store_records(storage, book_of([("Chapter 1", "chapter")] * 3), entries)
    delivery = Delivery(("m4b",), Metadata(title="B"), "joe")
    book = deliver_book(delivery, storage, entries, storage.scratch())
    assert book is not None and [t.title for t in book.chapters] == ["Chapter 1", "Chapter 2"]
    assert book.chapters[1].start_s == pytest.approx(entries[0].duration_s)
    with av.open(str(storage.path(book.key))) as made:
        assert made.duration is not None and made.duration / 1e6 == pytest.approx(
            sum(e.duration_s for e in entries), abs=0.05
        )


def book_of(parts: list[tuple[str, str]], title: str = "The Small Book") -> Manuscript:
    """A manuscript of (title, kind) chapters."""
    chapters = [
        Chapter(index=i, title=t, text=f"Part {i}.", kind=kind) for i, (t, kind) in enumerate(parts)
    ]
    return Manuscript(chapters=chapters, metadata=Metadata(title=title))


@pytest.mark.parametrize(
    ("parts", "title", "tagged"),
    [
        # The text before the first heading stands under the book's title.
        ([("", "chapter"), ("One", "chapter"), ("Two", "chapter")], "The Small Book",
         ["The Small Book", "One", "Two"]),
        ([("Opening credits", "credits"), ("", "chapter"), ("Closing credits", "credits")],
         "The Small Book", ["Opening credits", "The Small Book", "Closing credits"]),
        # No book title: the opening is named so that it cannot be the first heading's.
        ([("", "chapter"), ("One", "chapter")], "", ["Opening", "One"]),
        ([("", "chapter"), ("Chapter 1", "chapter"), ("Chapter 2", "chapter")], "",
         ["Opening", "Chapter 1", "Chapter 2"]),
        ([("", "chapter")], "", ["Chapter 1"]),  # the whole book
        # A name another chapter has for its own is not given again.
        ([("", "chapter"), ("The Small Book", "chapter"), ("Two", "chapter")], "The Small Book",
         ["Opening", "The Small Book", "Two"]),
        ([("Chapter 1", "chapter"), ("", "chapter"), ("Chapter 2", "chapter")], "",
         ["Chapter 1", "Chapter 2 (2)", "Chapter 2"]),
        ([("", "dedication"), ("Dedication", "chapter"), ("", "chapter"), ("", "chapter")], "",
         ["Dedication (2)", "Dedication", "Chapter 2", "Chapter 3"]),
        # Several untitled chapters, or one later in the book: numbered as a reader counts.
        ([("", "dedication"), ("", "chapter"), ("", "chapter")], "The Small Book",
         ["Dedication", "Chapter 1", "Chapter 2"]),
        ([("One", "chapter"), ("", "chapter"), ("Three", "chapter"), ("", "titlepage")],
         "The Small Book", ["One", "Chapter 2", "Three", "Title page"]),
    ],
)  # fmt: skip
def test_an_untitled_chapters_tags_name_it(
    parts: list[tuple[str, str]], title: str, tagged: list[str]
) -> None:
    manuscript = book_of(parts, title)
    assert list(tag_titles(manuscript)) == tagged
    assert [c.title for c in manuscript.chapters] == [t for t, _ in parts]  # none said


def stored_chapters(
    tmp_path: Path, storage: LocalStorage, manuscript: Manuscript, seconds: float
) -> list[ChapterEntry]:
    """Each chapter's speech-like WAV stored where a job keeps it, and its manifest entry."""
    entries = []
    for chapter in manuscript.chapters:
        index = chapter.index
        wav = write_wav(tmp_path / f"{index}.wav", speechlike(seconds, 44100, index), 44100)
        rate, frames = wav_info(wav)
        sha = file_sha256(wav)
        storage.put_file(chapter_key(index), wav, sha)  # moved there
        entries.append(
            ChapterEntry(
                index=index,
                title=chapter.title,
                audio_key=chapter_key(index),
                marks_key=marks_key(index),
                duration_s=frames / rate,
                sample_rate=rate,
                sha256=sha,
                segments=[],
            )
        )
    store_records(storage, manuscript, entries)
    return entries


def store_records(
    storage: LocalStorage, manuscript: Manuscript, entries: list[ChapterEntry]
) -> None:
    """The manuscript and each chapter's marks (none said) as a job stores them before its
    book, whose captions are made from them."""
    storage.put_model(SOURCE_KEY, manuscript)
    for entry in entries:
        marks = ChapterMarks(
            job_id="j", chapter=entry.index, audio_sha256="", marks=[], entry=entry
        )
        storage.put_model(entry.marks_key, marks)


def test_an_untitled_chapter_has_a_title_tag_and_an_m4b_marker(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "out")
    manuscript = book_of([("", "chapter"), ("", "chapter")], "The Small Book")
    delivery = Delivery.of(manuscript, SynthesisOptions(formats=["mp3", "m4b"]))
    entries = stored_chapters(tmp_path, storage, manuscript, seconds=3.0)
    wav = storage.path(chapter_key(1))
    encode(delivery, storage, wav, Encoding("mp3", "chapters/001.mp3"), (1, ""))
    with av.open(str(storage.path("chapters/001.mp3"))) as mp3:
        assert mp3.metadata.get("title") == "Chapter 2"
    book = deliver_book(delivery, storage, entries, storage.scratch())
    assert book is not None and [t.title for t in book.chapters] == ["Chapter 1", "Chapter 2"]
    with av.open(str(storage.path(book.key))) as m4b:
        assert [c["metadata"].get("title") for c in m4b.chapters()] == ["Chapter 1", "Chapter 2"]


def test_a_title_too_long_for_an_m4b_marker_is_cut_where_the_marker_holds_it(
    tmp_path: Path,
) -> None:
    """An M4B marker's text is at most 65,535 bytes (FFmpeg writes a longer one's length
    modulo 65,536): a heading of 80,000 bytes (a book's own title is kept far shorter,
    `config.manuscript`) is cut alike, between two characters, in the MP3 tag, the marker
    and the manifest's record of it, so that `narrate verify` reads back what was written."""
    storage = LocalStorage(tmp_path / "out")
    manuscript = book_of([("é" * 40_000, "chapter"), ("Two", "chapter")])
    delivery = Delivery.of(manuscript, SynthesisOptions(formats=["mp3", "m4b"]))
    entries = stored_chapters(tmp_path, storage, manuscript, seconds=1.0)
    heading = manuscript.chapters[0].title
    tagged = delivery.title(0, heading)
    assert tagged == "é" * 32_767
    encode(delivery, storage, storage.path(chapter_key(0)), Encoding("mp3", "0.mp3"), (0, heading))
    with av.open(str(storage.path("0.mp3"))) as mp3:
        assert mp3.metadata.get("title") == tagged
    book = deliver_book(delivery, storage, entries, storage.scratch())
    assert book is not None and [t.title for t in book.chapters] == [tagged, "Two"]
    with av.open(str(storage.path(book.key))) as m4b:
        assert [c["metadata"].get("title") for c in m4b.chapters()] == [tagged, "Two"]
