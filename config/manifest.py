"""What a finished job leaves beside its audio: the manifest and per-chapter marks (sentences
and words)."""

from pydantic import BaseModel, Field

from config.manuscript import LexiconEntry, Metadata


class Mark(BaseModel):
    """One sentence (or piece of a long one) and where it is heard."""

    start_s: float
    end_s: float
    text: str
    char_start: int  # offsets into the chapter text of source/manuscript.json
    char_end: int


class WordMark(BaseModel):
    """A word as the voice spoke it and the characters of the chapter text it says: one
    source word said as several ("1887"), or several said as one ("of the")."""

    start_s: float
    end_s: float
    text: str  # the source characters, runs of white space as one space
    char_start: int
    char_end: int


class SegmentEntry(BaseModel):
    start_s: float
    end_s: float
    text: str


class AcxReport(BaseModel):
    """What an audio file measures against ACX's rules (worker/acx.py), and the verdict.

    Levels are in dBFS over all samples of the decoded file; windows are 50 ms. The noise
    floor is the RMS of the quietest 0.5 s (as ACX Check measures it); room tone is the run
    of windows whose RMS stays under the speech threshold at the head and at the tail;
    digital silence counts the windows whose every sample is zero at 16 bits.
    """

    codec: str
    sample_rate: int
    channels: int
    bit_rate: int = Field(description="Bits per second; for MP3, the lowest of its frames.")
    constant_bit_rate: bool = Field(description="Every MP3 frame at the same bit rate.")
    duration_s: float
    rms_db: float
    peak_db: float = Field(description="Sample peak (ACX does not ask for true peak).")
    noise_floor_db: float
    head_s: float = Field(description="Room tone before the first speech window.")
    tail_s: float = Field(description="Room tone after the last speech window.")
    digital_silence_s: float
    checks: dict[str, bool] = Field(description="Each rule by name, and whether it passed.")
    problems: list[str] = Field(description="One line per failed rule, its name first.")
    passed: bool = Field(description="Every rule passed.")


class QAFinding(BaseModel):
    """A segment that failed a quality check, and whether rendering it again fixed it."""

    chapter: int
    segment: int
    text: str
    checks: list[str] = Field(description="pace, clipping, silence, asr")
    detail: str
    transcript: str = Field("", description="What Whisper heard in its place (--qa asr).")
    fixed: bool

    def line(self) -> str:
        """As `narrate status` and `narrate verify` print it."""
        heard = f"; heard: {self.transcript!r}" if self.transcript else ""
        return (
            f"QA: chapter {self.chapter} segment {self.segment}: {self.detail}"
            f" ({self.text[:60]!r}{heard})"
        )


class Redo(BaseModel):
    """A segment rendered again by `narrate redo`, and how."""

    id: str = Field(description="Of the request: the same request again is the same redo.")
    segment: int
    text: str
    seed: int
    lexicon: list[LexiconEntry] = Field(default_factory=list)
    at: str


class Captions(BaseModel):
    """Speech marks and subtitles on the timeline of one delivered file: a chapter's MP3
    (or a part of it), or the book's M4B (`worker.timelines`)."""

    audio_key: str
    offset_s: float = Field(
        0.0,
        description="Added to a time of the chapter WAV's marks gives the same moment in this "
        "file (an MP3: its head trimmed or padded to the room tone, a part's cut; the M4B: "
        "0, each chapter moved by its start_s in the book).",
    )
    speech_marks_key: str
    subtitle_keys: list[str]

    def named_keys(self) -> list[str]:
        return [self.speech_marks_key, *self.subtitle_keys]


class ChapterEntry(BaseModel):
    index: int
    title: str
    audio_key: str
    marks_key: str
    speech_marks_key: str = ""  # marks/NNN.jsonl, Amazon Polly's speech-mark format
    subtitle_keys: list[str] = Field(default_factory=list)  # subtitles/NNN.srt and .vtt
    duration_s: float
    sample_rate: int
    sha256: str
    gain: float | None = Field(
        None, description="The one gain applied to the chapter's speech (None: not recorded)."
    )
    segments: list[SegmentEntry]
    files: dict[str, list[str]] = Field(
        default_factory=dict, description="Keys of the chapter in each delivery format."
    )
    acx: list[AcxReport] = Field(default_factory=list, description="Of each MP3 file.")
    checksums: dict[str, str] = Field(
        default_factory=dict,
        description="The sha256 of each file in `files` but the WAV (whose is `sha256`), and "
        "of the retail sample where it is cut from this chapter, by key (none in a manifest "
        "from before them).",
    )
    captions: list[Captions] = Field(
        default_factory=list, description="Of each MP3 file: its marks and subtitles."
    )
    qa: list[QAFinding] = Field(
        default_factory=list, description="Segments that failed a check (fixed or not)."
    )
    redone: list[Redo] = Field(default_factory=list, description="In the order they were done.")


class ChapterTime(BaseModel):
    title: str
    start_s: float
    end_s: float


class BookFile(BaseModel):
    """book.m4b: the whole book in one file, a marker at each chapter's first sample."""

    key: str
    chapters: list[ChapterTime]
    captions: Captions | None = None  # the whole book's marks and subtitles, on its timeline
    sha256: str = ""  # empty in a manifest from before it


class ChapterMarks(BaseModel):
    """marks/NNN.json; also the record that lets an interrupted run resume."""

    job_id: str
    chapter: int
    audio_sha256: str
    marks: list[Mark]
    entry: ChapterEntry
    words: list[WordMark] = Field(default_factory=list)  # in order, inside their sentences
    # A digest of the settings that change a chapter's samples, as it was narrated
    # (`worker.stages.audio_settings_digest`): a resumed run keeps the chapter only under the
    # same ones. Empty in marks from before it (kept, as they were).
    audio_settings: str = ""


class Manifest(BaseModel):
    job_id: str
    voice: str
    model_variant: str
    sample_rate: int
    created_at: str
    finished_at: str
    options: dict[str, object]
    metadata: Metadata = Field(default_factory=Metadata)
    chapters: list[ChapterEntry]
    book: BookFile | None = None
    sample_key: str = ""

    def named_keys(self) -> set[str]:
        """Every file of the book this manifest names: each chapter's audio in every
        format, its marks and captions, the M4B and the retail sample."""
        keys = {self.sample_key} if self.sample_key else set()
        if self.book:
            keys.add(self.book.key)
            keys.update(self.book.captions.named_keys() if self.book.captions else ())
        for entry in self.chapters:
            keys.update((entry.audio_key, entry.marks_key, *entry.subtitle_keys))
            keys.update(key for files in entry.files.values() for key in files)
            keys.update(key for captions in entry.captions for key in captions.named_keys())
            if entry.speech_marks_key:
                keys.add(entry.speech_marks_key)
        return keys
