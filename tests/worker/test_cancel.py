"""A cancelled job: its figures stop at the cancel, its workers stop on it, and then its
files are removed from its destination; enqueued again, it starts over. Real redis-server,
real `celery worker` processes, a file:// destination."""

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from config.errors import JobBusyError, JobPurgingError, PermanentError, UnknownJobError
from config.jobs import JobState, RedoRequest, job_id_for
from config.layout import SOURCE_KEY, plan_key
from config.manifest import QAFinding
from config.manuscript import Chapter, Manuscript
from config.settings import Settings, SynthesisOptions
from models.voice import VoiceOutput
from producer.readers import read_source, store_source
from producer.submit import cancel, submit
from tests.services import Services, none_left_running
from worker import jobs, plans, storage, takes
from worker.jobs import chunk_lock, held, plan_job, purge_job, reconcile
from worker.ledger import ChunkRef, Ledger
from worker.segment import segment_chapter
from worker.storage import LocalStorage, open_storage
from worker.synthesize import STOPPED_EVERY

FIGURES = ("chapters_done", "segments_done", "audio_s", "state")


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    running = Services(tmp_path_factory.mktemp("services")).start()
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def no_worker_outlives_its_test(services: Services) -> Iterator[None]:
    with none_left_running(services):
        yield


@pytest.fixture
def ledger(services: Services) -> Ledger:
    made = Ledger(services.env["NARRATE_BROKER_URL"])
    made.redis.flushall()  # a worker's reconciler would take up the other tests' jobs
    return made


def running_job(ledger: Ledger, job_id: str, dest: Path) -> Path:
    """A job under way whose destination holds what a run leaves there; its folder."""
    ledger.create_job(job_id, {"dest": f"file://{dest}", "chapters_total": "1"})
    ledger.set_running(job_id, 1, 4)
    ledger.plan_chunks(job_id, {0: [(0, 2), (2, 4)]})
    folder = dest / job_id
    for key in ("source/manuscript.json", "work/000/00000.npz", "chapters/000.wav"):
        (folder / key).parent.mkdir(parents=True, exist_ok=True)
        (folder / key).write_bytes(b"x")
    return folder


def figures(ledger: Ledger, job_id: str) -> tuple[str, str, int]:
    record, chapters, _ = ledger.snapshot(job_id)
    return record["segments_done"], record["audio_s"], chapters


def test_a_cancelled_job_counts_no_more_progress(ledger: Ledger, tmp_path: Path) -> None:
    # Given a job with a segment counted, and one failing its checks
    running_job(ledger, "job-frozen", tmp_path)
    assert ledger.segment_stored("job-frozen", 0, 0, 2.5)
    failing = QAFinding(chapter=0, segment=0, text="x", checks=["pace"], detail="x", fixed=False)
    assert ledger.add_findings("job-frozen", [failing])
    assert ledger.chapter_done("job-frozen", 0) == 1
    before = figures(ledger, "job-frozen")

    # When it is cancelled, and a worker still on it stores, assembles and finalizes
    assert ledger.finish("job-frozen", JobState.CANCELLED)
    assert not ledger.segment_stored("job-frozen", 0, 1, 3.0)
    assert ledger.chapter_done("job-frozen", 1) == 0
    ledger.set_audio("job-frozen", 99.0)
    assert not ledger.set_running("job-frozen", 1, 4)  # a plan that read it queued
    assert not ledger.add_findings("job-frozen", [failing.model_copy(update={"segment": 1})])
    assert ledger.findings("job-frozen") == [failing]
    assert ledger.chunk_done(ChunkRef("job-frozen", 0, 1)) == (False, False)
    assert ledger.is_chunk_queued(ChunkRef("job-frozen", 0, 1))
    assert not ledger.chapter_complete("job-frozen", 0)

    # Then its figures are those of the cancel, and it stays cancelled
    assert figures(ledger, "job-frozen") == before == ("1", "2.5", 1)
    assert ledger.state("job-frozen") is JobState.CANCELLED


def test_a_cancelled_jobs_files_go_once_no_worker_is_on_it(ledger: Ledger, tmp_path: Path) -> None:
    # Given a cancelled job whose chunk a worker still runs
    folder = running_job(ledger, "job-busy", tmp_path)
    ledger.finish("job-busy", JobState.CANCELLED)
    with held(ledger, chunk_lock(ChunkRef("job-busy", 0, 1)), 30):
        # Then its files stay while the worker could still write
        with pytest.raises(JobBusyError, match="a worker is still on it"):
            purge_job(ledger, "job-busy")
        assert (folder / "work/000/00000.npz").is_file()
    # And once it has stopped, they are removed, the job's folder with them, once
    assert purge_job(ledger, "job-busy")
    assert not folder.exists() and tmp_path.is_dir()
    assert not purge_job(ledger, "job-busy")


def test_only_a_cancelled_jobs_files_are_removed(ledger: Ledger, tmp_path: Path) -> None:
    for state in (JobState.DONE, JobState.FAILED):
        folder = running_job(ledger, f"job-{state}", tmp_path)
        ledger.finish(f"job-{state}", state)
        assert not purge_job(ledger, f"job-{state}")
        assert (folder / "chapters/000.wav").is_file()
    running = running_job(ledger, "job-running", tmp_path)
    assert not purge_job(ledger, "job-running")
    assert (running / "source/manuscript.json").is_file()


def test_a_purge_that_cannot_succeed_says_why_once_and_is_not_sent_again(
    ledger: Ledger,
    services: Services,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Given a cancelled job whose bucket is gone
    for name in ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, services.env[name])
    monkeypatch.setattr(storage, "_clients", {})  # one made with this endpoint
    ledger.create_job("job-no-bucket", {"dest": "s3://no-such-bucket/books"})
    ledger.finish("job-no-bucket", JobState.CANCELLED)

    # When its purge runs, it fails without a retry, saying why in the log and on the job
    assert not purge_job(ledger, "job-no-bucket")
    record = ledger.job("job-no-bucket")
    assert "NoSuchBucket" in record["purge_error"] and "purged_at" not in record
    assert "its files cannot be removed" in caplog.text and "NoSuchBucket" in caplog.text

    # And the reconciler sends it no more
    purges: list[str] = []
    reconcile(ledger, *[lambda *_: None] * 5, purges.append, stale_s=0)
    assert purges == []


def test_a_purge_error_is_shown_by_status_and_the_api(ledger: Ledger, services: Services) -> None:
    from producer.client import line
    from producer.submit import job_view

    for job_id in ("job-unpurged", "job-cancelled"):
        ledger.create_job(job_id, {"dest": "s3://no-such-bucket/books"})
        ledger.finish(job_id, JobState.CANCELLED)
    why = "s3://no-such-bucket/books/job-unpurged: NoSuchBucket"
    ledger.purge_failed("job-unpurged", why)

    shown = services.narrate("status", "job-unpurged")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip().endswith(f"files not removed: {why}")
    assert status(services, "job-unpurged")["purge_error"] == why
    view = job_view(ledger, "job-unpurged")
    assert view["purge_error"] == why and line(view).endswith(f"files not removed: {why}")
    # A job without one has no such key, as before.
    assert "purge_error" not in status(services, "job-cancelled")
    assert "purge_error" not in job_view(ledger, "job-cancelled")


def test_a_purge_makes_no_destination_gone_already(ledger: Ledger, tmp_path: Path) -> None:
    ledger.create_job("job-gone", {"dest": f"file://{tmp_path / 'gone'}"})
    ledger.finish("job-gone", JobState.CANCELLED)
    assert purge_job(ledger, "job-gone")
    assert not (tmp_path / "gone").exists()


def test_a_purge_spares_a_job_whose_id_begins_with_its_own(ledger: Ledger, tmp_path: Path) -> None:
    # Given jobs ab and abc in one destination, abc's chunk running
    running_job(ledger, "ab", tmp_path)
    sibling = running_job(ledger, "abc", tmp_path)
    ledger.finish("ab", JobState.CANCELLED)
    with held(ledger, chunk_lock(ChunkRef("abc", 0, 0)), 30):
        # When ab is purged, abc's worker holds it back no more than abc's files go
        assert purge_job(ledger, "ab")
        assert not (tmp_path / "ab").exists()
        assert sorted(p.relative_to(sibling).as_posix() for p in sibling.rglob("*.*")) == [
            "chapters/000.wav", "source/manuscript.json", "work/000/00000.npz",
        ]  # fmt: skip
    assert ledger.state("abc") is JobState.RUNNING and "purged_at" not in ledger.job("abc")


def test_a_purge_lost_with_its_worker_is_sent_again(ledger: Ledger, tmp_path: Path) -> None:
    running_job(ledger, "job-lost-purge", tmp_path)
    ledger.finish("job-lost-purge", JobState.CANCELLED)
    purges: list[str] = []

    def reconciled(stale_s: float) -> list[str]:
        purges.clear()
        nothing = lambda *_: None  # noqa: E731 - no other work to find
        reconcile(ledger, nothing, nothing, nothing, nothing, nothing, purges.append, stale_s)
        return [job for job in purges if job == "job-lost-purge"]

    ledger.mark_enqueued("job-lost-purge", "purge")  # as the cancel does when it sends it
    assert reconciled(stale_s=60) == []  # on its way, most likely
    assert reconciled(stale_s=0) == ["job-lost-purge"]
    assert purge_job(ledger, "job-lost-purge")
    assert reconciled(stale_s=0) == []  # done: not sent again


def test_a_cancelled_job_enqueued_again_forgets_its_run(ledger: Ledger, tmp_path: Path) -> None:
    running_job(ledger, "job-again", tmp_path)
    ledger.segment_stored("job-again", 0, 0, 2.5)
    ref = ChunkRef("job-again", 0, 0)
    ledger.chunk_done(ref)
    assert not ledger.restart("job-again")  # running: nothing forgotten
    ledger.finish("job-again", JobState.CANCELLED)
    assert purge_job(ledger, "job-again")

    assert ledger.restart("job-again")
    record, chapters, _ = ledger.snapshot("job-again")
    assert record["state"] == JobState.QUEUED and "purged_at" not in record
    assert (record["segments_done"], float(record["audio_s"]), chapters) == ("0", 0.0, 0)
    assert ledger.pending_chunks("job-again") == [] and not ledger.is_chunk_queued(ref)


def test_a_job_enqueued_again_while_its_purge_runs_waits_for_it(
    ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a cancelled job whose purge is removing its files
    folder = running_job(ledger, "job-race", tmp_path)
    ledger.finish("job-race", JobState.CANCELLED)
    refused: list[str] = []
    remove = LocalStorage.delete_prefix

    def enqueued_meanwhile(storage: LocalStorage, prefix: str) -> None:
        try:
            ledger.restart("job-race")
        except JobPurgingError as error:
            refused.append(str(error))
        remove(storage, prefix)

    monkeypatch.setattr(LocalStorage, "delete_prefix", enqueued_meanwhile)

    # When it is enqueued again meanwhile, the enqueue is refused, to be tried again
    assert purge_job(ledger, "job-race")
    assert len(refused) == 1 and "being removed" in refused[0], refused
    assert ledger.state("job-race") is JobState.CANCELLED
    assert "purged_at" in ledger.job("job-race") and not folder.exists()

    # And once the purge is over, it starts over
    assert ledger.restart("job-race")
    assert ledger.state("job-race") is JobState.QUEUED


def test_a_purge_after_the_job_was_enqueued_again_spares_the_new_run(
    ledger: Ledger, tmp_path: Path
) -> None:
    # Given a cancelled job enqueued again before its purge ran, its new run under way
    folder = running_job(ledger, "job-new-run", tmp_path)
    ledger.finish("job-new-run", JobState.CANCELLED)
    assert ledger.restart("job-new-run")
    (folder / "source/manuscript.json").write_bytes(b"the new run's")

    # When the purge the cancel sent comes now, nothing is removed or marked
    assert not purge_job(ledger, "job-new-run")
    assert (folder / "source/manuscript.json").read_bytes() == b"the new run's"
    assert not ledger.mark_purged("job-new-run")
    assert "purged_at" not in ledger.job("job-new-run")


def test_a_finished_job_enqueued_again_stays_finished(ledger: Ledger, tmp_path: Path) -> None:
    # Given a job enqueued and done
    book = tmp_path / "book.txt"
    book.write_text("The keeper climbed the stairs.\n\nAnd lit the lamp.")
    source, dest = read_source(book), f"file://{tmp_path / 'books'}"
    job_id = job_id_for(source.manuscript, SynthesisOptions(), dest)
    assert ledger.create_job(job_id, {"dest": dest, "chapters_total": "1"})
    store_source(open_storage(dest).child(job_id), source)
    ledger.set_running(job_id, 1, 2)
    assert ledger.finish(job_id, JobState.DONE)
    done = ledger.job(job_id)
    stored = tmp_path / "books" / job_id / SOURCE_KEY
    stored.write_text(stored.read_text().replace("lit the lamp", "lit the big lamp"))  # a redo

    # When the same book is enqueued again, it stays done, its record and source as they were
    assert not ledger.create_job(job_id, {"dest": dest, "chapters_total": "1"})
    assert ledger.job(job_id) == done
    assert submit(ledger, source, dest, SynthesisOptions()) == job_id  # sends nothing
    assert ledger.job(job_id) == done
    assert "lit the big lamp" in stored.read_text()

    # And a cancel is refused: nothing removes the finished book
    assert not cancel(ledger, job_id)
    assert not purge_job(ledger, job_id)
    assert ledger.state(job_id) is JobState.DONE
    assert (tmp_path / "books" / job_id / "source").is_dir()


def test_a_failed_job_enqueued_again_resumes(ledger: Ledger, tmp_path: Path) -> None:
    # Given a job that failed with one chunk done and one delivered until it failed the job
    hook = {"webhook": "http://127.0.0.1:9/hook", "dest": f"file://{tmp_path}"}
    ledger.create_job("job-failed", {**hook, "chapters_total": "1"})
    ledger.set_running("job-failed", 1, 4)
    ledger.plan_chunks("job-failed", {0: [(0, 2), (2, 4)]})
    done, poison = ChunkRef("job-failed", 0, 0), ChunkRef("job-failed", 0, 1)
    assert ledger.chunk_done(done) == (True, False)
    for _ in range(3):
        ledger.delivered(poison)
    assert ledger.finish("job-failed", JobState.FAILED, "chunk 0:1 delivered 3 times")
    assert ledger.webhook_due("job-failed") is not None  # its end, to be announced

    # When it is queued again: queued, its error and webhook delivery forgotten, the chunk
    # done kept and the other delivered afresh
    assert ledger.retry("job-failed", {"priority": "9"})
    record = ledger.job("job-failed")
    assert (record["state"], record["error"], record["priority"]) == ("queued", "", "9")
    assert "finished_at" not in record and "webhook_state" not in record
    assert ledger.pending_chunks("job-failed") == [poison]
    assert ledger.deliveries(poison) == 0
    assert ledger.webhook_due("job-failed") is None

    # And only a failed job is retried: a queued, running, done or cancelled one is not
    assert not ledger.retry("job-failed")
    ledger.set_running("job-failed", 1, 4)
    assert not ledger.retry("job-failed")
    ledger.finish("job-failed", JobState.DONE)
    assert not ledger.retry("job-failed")
    assert ledger.state("job-failed") is JobState.DONE


def test_a_job_without_a_record_is_not_finished_into_one(ledger: Ledger) -> None:
    assert not ledger.finish("job-gone", JobState.FAILED, "its chunk failed")
    with pytest.raises(UnknownJobError):
        ledger.job("job-gone")


def planned_job(ledger: Ledger, job_id: str, text: str, dest: Path) -> list[ChunkRef]:
    """A job of one chapter planned as a worker plans it; its chunks."""
    fields = {"dest": f"file://{dest}", "options": SynthesisOptions().model_dump_json()}
    ledger.create_job(job_id, {**fields, "chapters_total": "1"})
    manuscript = Manuscript(chapters=[Chapter(index=0, text=text)])
    LocalStorage(dest).child(job_id).put_model(SOURCE_KEY, manuscript)
    refs: list[ChunkRef] = []
    plan_job(ledger, job_id, Settings(device="cpu"), refs.append)
    return refs


# A chapter far longer than the few segments a plan phonemizes after its job's cancel.
LONG_CHAPTER = "\n\n".join(
    f"On day {n} the keeper climbed the stairs, and the lamp was lit for the ships."
    for n in range(600)
)


def unplanned_job(ledger: Ledger, job_id: str, text: str, dest: Path) -> Path:
    """A queued job of one chapter, its manuscript stored, not planned yet; its folder."""
    fields = {"dest": f"file://{dest}", "options": SynthesisOptions().model_dump_json()}
    ledger.create_job(job_id, {**fields, "chapters_total": "1"})
    manuscript = Manuscript(chapters=[Chapter(index=0, text=text)])
    LocalStorage(dest).child(job_id).put_model(SOURCE_KEY, manuscript)
    return dest / job_id


def test_a_plan_stops_phonemizing_its_chapter_soon_after_a_cancel(
    ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a job of one long chapter, cancelled once its plan has phonemized a few spans
    folder = unplanned_job(ledger, "job-plan-cut", LONG_CHAPTER, tmp_path)
    settings = Settings(device="cpu")
    spans = sum(len(seg.spans) for seg in segment_chapter(LONG_CHAPTER, settings.segmenting))
    cancel_at, phonemized = 10, list[str]()
    real = plans.phonemizer_for("joe")

    class Spy:
        def phonemize(self, text: str) -> Any:
            phonemized.append(text)
            if len(phonemized) == cancel_at:
                assert ledger.finish("job-plan-cut", JobState.CANCELLED)
            return real.phonemize(text)

    monkeypatch.setattr(plans, "phonemizer_for", lambda _: Spy())
    # Phonemized in no time by the watch's clock, the job's state would be read once only:
    # each look at this one finds the interval passed
    now = [0.0]

    def ticking() -> float:
        now[0] += jobs.ENDED_EVERY_S
        return now[0]

    monkeypatch.setattr(jobs, "_clock", ticking)
    reads: list[str] = []
    monkeypatch.setattr(ledger, "ended", counting(ledger.ended, "ended", reads))

    # When it is planned
    refs: list[ChunkRef] = []
    assert plan_job(ledger, "job-plan-cut", settings, refs.append) == 0

    # Then the plan stopped within a few dozen segments of the cancel, far short of the
    # chapter's end, asking the ledger between them, not at every segment
    assert cancel_at <= len(phonemized) <= cancel_at + STOPPED_EVERY < spans / 4
    assert 0 < len(reads) < len(phonemized) / 4
    # And it left nothing a later run would trust: no plan stored, no chunk recorded
    assert refs == [] and ledger.planned_chapters("job-plan-cut") == 0
    assert not (folder / plan_key(0)).exists()
    # And the job ends cancelled, its files removed now that no worker is on it
    assert ledger.state("job-plan-cut") is JobState.CANCELLED
    assert purge_job(ledger, "job-plan-cut") and not folder.exists()


def test_a_plan_phonemizing_apart_stops_in_the_phonemizer_process_at_a_cancel(
    ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As on a GPU worker: the chapter goes to the phonemizer process, which asks the
    ledger itself whether the job has ended."""
    # Given a job of one long chapter, cancelled as its plan begins on a GPU worker
    folder = unplanned_job(ledger, "job-plan-apart", LONG_CHAPTER, tmp_path)
    settings = Settings(device="cpu", worker_pool="threads")
    monkeypatch.setattr(jobs, "resolve_device", lambda _: "cuda")
    set_running = ledger.set_running

    def cancelled_as_it_runs(job_id: str, *counts: int) -> bool:
        running = set_running(job_id, *counts)
        ledger.finish(job_id, JobState.CANCELLED)
        return running

    monkeypatch.setattr(ledger, "set_running", cancelled_as_it_runs)

    # When it is planned, then the plan stops with no plan stored and no chunk recorded
    refs: list[ChunkRef] = []
    assert plan_job(ledger, "job-plan-apart", settings, refs.append) == 0
    assert refs == [] and ledger.planned_chapters("job-plan-apart") == 0
    assert not (folder / plan_key(0)).exists()
    assert ledger.state("job-plan-apart") is JobState.CANCELLED


def test_a_chunk_whose_job_is_cancelled_as_it_narrates_is_not_done(
    ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a planned job of one chunk
    text = "At dusk the keeper climbed the stairs. The lamp was lit; the ships saw it."
    refs = planned_job(ledger, "job-cut", text, tmp_path)
    settings, assemblies = Settings(device="cpu"), list[int]()

    # When the job is cancelled as its chunk begins to narrate
    narrate = jobs.synthesize_passages

    def cancelled_meanwhile(*args: Any) -> Iterator[tuple[int, VoiceOutput]]:
        ledger.finish("job-cut", JobState.CANCELLED)
        yield from narrate(*args)

    monkeypatch.setattr(jobs, "synthesize_passages", cancelled_meanwhile)

    # Then the chunk stops, not done, and its chapter is not assembled
    assert not jobs.run_chunk(ledger, refs[0], settings, lambda _, c: assemblies.append(c))
    assert ledger.is_chunk_queued(refs[0]) and assemblies == []


def test_a_chunk_delivered_again_narrates_only_the_passages_not_stored(
    ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a chunk whose first passage an earlier delivery stored before it died
    text = "\n\n".join(
        f"At dusk on day {day} the keeper climbed the stairs, and the lamp was lit for "
        "the ships that passed the rocks below, one after another, until the dawn."
        for day in ("one", "two", "three", "four", "five", "six")
    )
    (ref,) = planned_job(ledger, "job-again", text, tmp_path)
    settings = Settings(device="cpu")
    plan = jobs.Job(ledger, "job-again").plan(0, settings)
    assert len(plan.passages) > 1
    earlier = takes.encode(VoiceOutput(np.full(2205, 0.1, np.float32), [2205]), [])
    work = tmp_path / "job-again" / "work" / "000"
    work.mkdir(parents=True)
    for segment in range(len(plan.passages[0])):
        (tmp_path / "job-again" / jobs.segment_key(0, segment)).write_bytes(earlier)
    asked: list[tuple[int, int]] = []
    narrate = jobs.synthesize_passages

    def recorded(*args: Any) -> Iterator[tuple[int, VoiceOutput]]:
        asked.append((args[2], args[3]))  # first and last passage
        yield from narrate(*args)

    monkeypatch.setattr(jobs, "synthesize_passages", recorded)

    # When it is delivered again
    assert jobs.run_chunk(ledger, ref, settings, lambda *_: None)

    # Then the stored passage is neither narrated nor written again; the rest are stored
    assert asked and all(start > 0 for start, _ in asked)
    assert (tmp_path / "job-again" / jobs.segment_key(0, 0)).read_bytes() == earlier
    assert len(list(work.iterdir())) == len(plan.segments)
    assert ledger.job("job-again")["segments_done"] == str(len(plan.segments))


def counting(read: Callable[[str], Any], name: str, reads: list[str]) -> Callable[[str], Any]:
    def counted(job_id: str) -> Any:
        reads.append(name)
        return read(job_id)

    return counted


def test_a_chunk_asks_whether_its_job_has_ended_at_its_own_pace(
    ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a chunk of many segments, narrated in no time by the watch's clock
    text = " ".join(f"The keeper climbed stair {n} of the tower." for n in range(8))
    (ref,) = planned_job(ledger, "job-paced", text, tmp_path)
    monkeypatch.setattr(jobs, "_clock", lambda: 0.0, raising=False)
    reads: list[str] = []
    for name in ("state", "ended"):
        if hasattr(ledger, name):
            monkeypatch.setattr(ledger, name, counting(getattr(ledger, name), name, reads))

    # When it runs, its job is read as it starts, once while it narrates, and as it ends
    assert jobs.run_chunk(ledger, ref, Settings(device="cpu"), lambda *_: None)
    record = ledger.job("job-paced")
    assert record["segments_done"] == record["segments_total"] and int(record["segments_done"]) > 2
    assert reads == ["state", "ended", "ended"]


def test_a_watched_job_is_read_again_once_the_interval_has_passed(
    ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    running_job(ledger, "job-watched", tmp_path)
    now = [100.0]
    monkeypatch.setattr(jobs, "_clock", lambda: now[0])
    ended = jobs.EndWatch(ledger, "job-watched")
    assert not ended()
    ledger.finish("job-watched", JobState.CANCELLED)
    now[0] += jobs.ENDED_EVERY_S / 2
    assert not ended()  # not asked again yet
    now[0] += jobs.ENDED_EVERY_S / 2
    assert ended()


def test_a_chunk_stopping_at_a_cancel_closes_its_narration() -> None:
    closed: list[bool] = []

    def narration() -> Iterator[tuple[int, Any]]:
        try:
            yield from enumerate(["first", "second", "third"])
        finally:
            closed.append(True)

    outputs, ends = narration(), iter([False, True])
    assert list(jobs._while_running(lambda: next(ends), outputs)) == [(0, "first")]
    assert closed == [True]  # at once, though the narration is still referenced here


def test_a_job_queued_with_a_seed_now_refused_fails_naming_it(ledger: Ledger) -> None:
    # Given a job queued before seeds below 0 were refused
    options = SynthesisOptions().model_dump_json().replace('"seed":0', '"seed":-5')
    ledger.create_job("job-old-seed", {"dest": "file:///nowhere", "options": options})

    # When a worker takes it up, it fails once, saying which option and why
    with pytest.raises(PermanentError, match=r"seed -5: Input should be greater than") as error:
        plan_job(ledger, "job-old-seed", Settings(), lambda _: None)
    jobs.fail_job(ledger, "job-old-seed", error.value)
    record = ledger.job("job-old-seed")
    assert record["state"] == JobState.FAILED and "seed -5" in record["error"]


def test_a_redo_cancelled_as_it_starts_redoes_nothing(
    ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a redo read queued, and cancelled just after
    dest, options = f"file://{tmp_path}", SynthesisOptions().model_dump_json()
    ledger.create_job("job-redone", {"dest": dest, "options": options})
    ledger.create_job("redo-late", {"dest": dest, "redo_of": "job-redone"})
    monkeypatch.setattr(ledger, "state", lambda _: JobState.QUEUED)
    ledger.finish("redo-late", JobState.CANCELLED)
    redone: list[object] = []
    monkeypatch.setattr(jobs, "redo", lambda *args: redone.append(args))

    # Then nothing is redone, and the redo stays cancelled
    request = RedoRequest(chapter=0, segment=0)
    assert not jobs.redo_job(ledger, "redo-late", "job-redone", request, Settings())
    assert redone == [] and ledger.job("redo-late")["state"] == JobState.CANCELLED


def status(services: Services, job_id: str) -> dict[str, object]:
    shown = services.narrate("status", job_id, "--json")
    assert shown.returncode == 0, shown.stderr
    return dict(json.loads(shown.stdout))


def test_a_job_cancelled_mid_chunk_stops_and_leaves_nothing_behind(
    services: Services, ledger: Ledger, tmp_path: Path
) -> None:
    # Given a worker on a job in chunks long enough to be running when the cancel comes
    worker = services.worker("c", tmp_path / "c.log", NARRATE_CHUNK_SEGMENTS="30")
    book = tmp_path / "long.txt"
    book.write_text("\n\n".join(["The keeper climbed the stairs and lit the lamp."] * 90))
    dest = tmp_path / "books"
    enqueued = services.narrate("enqueue", str(book), "--dest", f"file://{dest}", "--seed", "6")
    assert enqueued.returncode == 0, enqueued.stderr
    (job_id,) = enqueued.stdout.split()
    deadline = time.monotonic() + 120
    while int(ledger.job(job_id).get("segments_done", 0)) == 0:  # its first chunk stored
        assert time.monotonic() < deadline, (tmp_path / "c.log").read_text()[-3000:]
        time.sleep(0.05)

    # When it is cancelled
    cancelled = services.narrate("cancel", job_id)
    assert cancelled.returncode == 0 and "cancelled" in cancelled.stdout, cancelled.stderr
    at_cancel = status(services, job_id)

    # Then its folder goes once the worker has stopped on it, and its figures stay put
    deadline = time.monotonic() + 60
    while (dest / job_id).exists():
        assert time.monotonic() < deadline, sorted(map(str, (dest / job_id).rglob("*")))[:20]
        time.sleep(0.2)
    time.sleep(2)  # a worker still on it would store, count or write by now
    later = status(services, job_id)
    assert {k: later[k] for k in FIGURES} == {k: at_cancel[k] for k in FIGURES}
    assert at_cancel["state"] == "cancelled"
    assert 0 < int(str(at_cancel["segments_done"])) < int(str(at_cancel["segments_total"]))
    assert not (dest / job_id).exists()
    assert "files are removed" in (tmp_path / "c.log").read_text()

    # And enqueued again, the same job starts over and is done, every segment counted once
    again = services.narrate("enqueue", str(book), "--dest", f"file://{dest}", "--seed", "6")
    assert again.stdout.split() == [job_id], again.stderr
    waited = services.narrate("wait", job_id, timeout=300)
    assert waited.returncode == 0, waited.stdout + waited.stderr
    done = status(services, job_id)
    assert done["segments_done"] == done["segments_total"] and done["chapters_done"] == 1
    assert (dest / job_id / "manifest.json").is_file() and not (dest / job_id / "work").exists()
    services.kill(worker)
