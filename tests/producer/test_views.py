"""What `GET /v1/jobs/{id}/chapters` shows of a chapter (`producer.service.views.Chapters`),
read from a job's files in a local destination; the ledger is a stand-in for its record."""

from pathlib import Path
from typing import Any, cast

from config.jobs import JobState
from config.layout import MANIFEST_KEY, SOURCE_KEY, marks_key
from config.manifest import AcxReport, ChapterEntry, ChapterMarks, Manifest
from config.manuscript import Chapter, Manuscript
from producer.service.views import Chapters
from worker.acx import Levels, StreamFacts, judge
from worker.ledger import Ledger
from worker.storage import LocalStorage

JOB = "job-views"
PEAK_SAID = "peak -0.19 dB, ACX wants at most -3 dB"


class Record:
    """The ledger as Chapters reads it: the job's record and its chapters assembled."""

    def __init__(self, dest: Path, state: JobState, assembled: set[int]) -> None:
        self.record = {"dest": f"file://{dest}", "state": state.value}
        self.assembled = assembled

    def job(self, job_id: str) -> dict[str, str]:
        return self.record

    def chapters_assembled(self, job_id: str) -> set[int]:
        return self.assembled


def too_loud() -> AcxReport:
    """An MP3 of narrate's making whose peak is over ACX's bound, all else within."""
    facts = StreamFacts("mp3", 44100, 1, frozenset({192_000}))
    return judge(facts, Levels(60.0, -20.0, -0.19, -70.0, 0.75, 2.5, 0.0))


def entry(acx: list[AcxReport]) -> ChapterEntry:
    return ChapterEntry(
        index=0,
        title="One",
        audio_key="chapters/000.wav",
        marks_key=marks_key(0),
        duration_s=60.0,
        sample_rate=44100,
        sha256="0" * 64,
        segments=[],
        files={"wav": ["chapters/000.wav"], "mp3": ["chapters/000.mp3"]},
        acx=acx,
    )


def shown(ledger: Record) -> list[dict[str, Any]]:
    return Chapters().of(cast(Ledger, ledger), JOB)


def test_a_done_jobs_acx_report_says_each_failed_rule_in_words(tmp_path: Path) -> None:
    # Given a finished job whose chapter's MP3 failed ACX's peak, as its manifest says
    report = too_loud()
    manifest = Manifest(
        job_id=JOB,
        voice="joe",
        model_variant="fp32",
        sample_rate=44100,
        created_at="2026-01-01T00:00:00+00:00",
        finished_at="2026-01-01T00:01:00+00:00",
        options={},
        chapters=[entry([report])],
    )
    LocalStorage(tmp_path).child(JOB).put_model(MANIFEST_KEY, manifest)

    # When its chapters are shown
    (chapter,) = shown(Record(tmp_path, JobState.DONE, set()))

    # Then the report says the rule in words, and keeps the rules' names for scripts
    (acx,) = chapter["acx"]
    assert acx["said"] == [PEAK_SAID]
    assert acx["problems"] == report.problems and acx["problems"][0].startswith("peak: ")
    assert acx["passed"] is False and acx["checks"]["peak"] is False


def test_an_assembled_chapter_of_a_running_job_says_its_acx_in_words_too(tmp_path: Path) -> None:
    # Given a running job of two chapters, the first assembled (one MP3 failing, one passing)
    storage = LocalStorage(tmp_path).child(JOB)
    chapters = [Chapter(index=0, text="One.", title="One"), Chapter(index=1, text="Two.")]
    storage.put_model(SOURCE_KEY, Manuscript(chapters=chapters))
    passing = judge(StreamFacts("mp3", 44100, 1, frozenset({192_000})), _within())
    marks = ChapterMarks(
        job_id=JOB, chapter=0, audio_sha256="0" * 64, marks=[], entry=entry([too_loud(), passing])
    )
    storage.put_model(marks_key(0), marks)

    # When its chapters are shown
    first, second = shown(Record(tmp_path, JobState.RUNNING, {0}))

    # Then the assembled one's reports carry their words (none for the one that passed)
    assert [acx["said"] for acx in first["acx"]] == [[PEAK_SAID], []]
    assert second == {"index": 1, "title": "", "state": "running"}


def _within() -> Levels:
    return Levels(60.0, -20.0, -4.0, -70.0, 0.75, 2.5, 0.0)
