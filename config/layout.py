"""Where a job's files go under its destination. Keys are built only from the job id and
indexes, never from titles or file names (docs/architecture.md, "Output layout")."""

MANIFEST_KEY = "manifest.json"
SOURCE_KEY = "source/manuscript.json"


def chapter_key(index: int) -> str:
    return f"chapters/{index:03d}.wav"


def marks_key(index: int) -> str:
    return f"marks/{index:03d}.json"


def speech_marks_key(index: int) -> str:
    """Sentence and word marks, one JSON object a line, as Amazon Polly writes them."""
    return f"marks/{index:03d}.jsonl"


def subtitles_key(index: int, extension: str) -> str:
    """A chapter's subtitles: extension "srt" or "vtt"."""
    return f"subtitles/{index:03d}.{extension}"


def chapter_file_key(index: int, extension: str, part: int = 0) -> str:
    """A chapter in a delivery format; a chapter cut in parts (ACX's 120 minutes) numbers
    them from 1."""
    return f"chapters/{index:03d}{f'-{part}' if part else ''}.{extension}"


def plan_key(index: int) -> str:
    """A chapter's plan (segments, phonemes, word links), made once by a job's plan task
    for its chunks and assembly to read; deleted with the rest of work/ when the job is
    done."""
    return f"work/plan/{index:03d}.json"


BOOK_KEY = "book.m4b"
BOOK_PIECES = "work/m4b/"


def book_piece_key(index: int, sha256: str) -> str:
    """A chapter's AAC for the book, encoded when the chapter was: named by its WAV's
    checksum, so that a piece of other audio is never taken."""
    return f"{BOOK_PIECES}{index:03d}-{sha256[:16]}.m4a"


SAMPLE_KEY = "sample.mp3"


def cover_key(extension: str) -> str:
    return f"source/cover.{extension}"


# The book's speech marks and subtitles, on the M4B's timeline (`worker.timelines`).
BOOK_SPEECH_MARKS_KEY = "marks/book.jsonl"


def book_subtitles_key(extension: str) -> str:
    return f"subtitles/book.{extension}"


def file_speech_marks_key(audio_key: str) -> str:
    """Speech marks on the timeline of a chapter file in a delivery format: chapters/000-1.mp3
    has marks/mp3/000-1.jsonl."""
    stem, fmt = _stem_and_format(audio_key)
    return f"marks/{fmt}/{stem}.jsonl"


def file_subtitles_key(audio_key: str, extension: str) -> str:
    """Subtitles on the timeline of a chapter file: chapters/000.mp3 has subtitles/mp3/000.srt."""
    stem, fmt = _stem_and_format(audio_key)
    return f"subtitles/{fmt}/{stem}.{extension}"


def _stem_and_format(audio_key: str) -> tuple[str, str]:
    stem, fmt = audio_key.rsplit("/", 1)[-1].rsplit(".", 1)
    return stem, fmt
