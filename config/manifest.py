"""What a finished job leaves beside its audio: the manifest and per-chapter marks."""

from pydantic import BaseModel, Field

from config.manuscript import Metadata


class Mark(BaseModel):
    """One sentence (or piece of a long one) and where it is heard."""

    start_s: float
    end_s: float
    text: str
    char_start: int  # offsets into the chapter text of source/manuscript.json
    char_end: int


class SegmentEntry(BaseModel):
    start_s: float
    end_s: float
    text: str


class ChapterEntry(BaseModel):
    index: int
    title: str
    audio_key: str
    marks_key: str
    duration_s: float
    sample_rate: int
    sha256: str
    segments: list[SegmentEntry]


class ChapterMarks(BaseModel):
    """marks/NNN.json; also the record that lets an interrupted run resume."""

    job_id: str
    chapter: int
    audio_sha256: str
    marks: list[Mark]
    entry: ChapterEntry


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
