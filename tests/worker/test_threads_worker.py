"""`narrate worker`'s default pool, a GPU's and the CPU's: Celery's threads pool runs several
chunk tasks at once in the one process that holds the voice (`worker.pools`). Real
redis-server, a real S3 API server, real `narrate worker` processes, real faults."""

import json
import multiprocessing
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import Any

import pytest
import redis

from config.errors import PermanentError
from config.jobs import JobState
from config.layout import SOURCE_KEY
from config.manuscript import Chapter, Manuscript
from config.settings import Settings, SynthesisOptions
from producer.readers import read_manuscript
from tests.services import BUCKET, Services, none_left_running
from worker.jobs import chunk_lock, held, plan_job, plan_lock, reconcile
from worker.ledger import ChunkRef, Ledger
from worker.plans import ChapterPlans, chapter_plans
from worker.pools import CPU_TASKS, Pool, pool_for
from worker.segment import segment_chapter
from worker.stages import ChapterPlan
from worker.storage import LocalStorage, _s3_client

DATA = Path(__file__).resolve().parents[1] / "data"
THREADS = {"NARRATE_WORKER_POOL": "threads"}  # what `auto` picks


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    running = Services(tmp_path_factory.mktemp("services")).start()
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def no_worker_outlives_its_test(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test's workers are gone after it, even when it failed (tests without services
    start none)."""
    if "services" not in request.fixturenames:
        yield
        return
    with none_left_running(request.getfixturevalue("services")):
        yield


def status(services: Services, job_id: str) -> dict[str, Any]:
    shown: dict[str, Any] = json.loads(services.narrate("status", job_id, "--json").stdout)
    return shown


def stored_json(services: Services, key: str) -> dict[str, Any]:
    read: dict[str, Any] = json.loads(
        services.client().get_object(Bucket=BUCKET, Key=key)["Body"].read()
    )
    return read


class ChunkLeases:
    """Samples how many chunk leases of a job are held at once while the block runs."""

    def __init__(self, services: Services, job_id: str) -> None:
        self.client = redis.Redis.from_url(services.env["NARRATE_BROKER_URL"])
        self.pattern = f"narrate:lock:{job_id}:chunk:*"
        self.most = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def held(self) -> int:
        return len(list(self.client.scan_iter(self.pattern)))

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.most = max(self.most, self.held())

    def __enter__(self) -> "ChunkLeases":
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()


def test_a_threads_worker_runs_chunks_at_once_to_synths_audio(
    services: Services, tmp_path: Path
) -> None:
    log = tmp_path / "t.log"
    worker = services.narrate_worker("t", log, NARRATE_CHUNK_SEGMENTS="1")  # the default pool
    enqueued = services.narrate(
        "enqueue", str(DATA / "three_chapters.md"), "--dest", f"s3://{BUCKET}/threads"
    )
    assert enqueued.returncode == 0, enqueued.stderr
    (job_id,) = enqueued.stdout.split()
    with ChunkLeases(services, job_id) as leases:
        waited = services.narrate("wait", job_id, timeout=300)
    assert waited.returncode == 0, waited.stdout + waited.stderr

    assert f"concurrency: {CPU_TASKS} (thread)" in log.read_text()  # the CPU's default
    assert leases.most >= 2  # several chunks were running in the one process at once
    local = services.narrate("synth", str(DATA / "three_chapters.md"), "-o", str(tmp_path / "o"))
    assert local.returncode == 0, local.stderr
    synth = json.loads((tmp_path / "o" / "manifest.json").read_text())
    queued = stored_json(services, f"threads/{job_id}/manifest.json")
    assert [c["sha256"] for c in queued["chapters"]] == [c["sha256"] for c in synth["chapters"]]
    services.kill(worker)


def every_sentence_once(services: Services, prefix: str, job_id: str) -> None:
    """Each chapter's marks hold every sentence once, in order, and its WAV was written once."""
    done = stored_json(services, f"{prefix}/{job_id}/manifest.json")
    source = Manuscript.model_validate(stored_json(services, f"{prefix}/{job_id}/{SOURCE_KEY}"))
    for entry in done["chapters"]:
        marks = stored_json(services, f"{prefix}/{job_id}/{entry['marks_key']}")
        texts = [mark["text"] for mark in marks["marks"]]
        segments = segment_chapter(source.chapters[entry["index"]].text)
        assert texts == [span.text for segment in segments for span in segment.spans]
        assert services.puts(f"{prefix}/{job_id}/{entry['audio_key']}") == 1
    shown = status(services, job_id)
    assert shown["state"] == "done"
    assert shown["segments_done"] == shown["segments_total"]  # each counted once


def test_a_threads_worker_killed_mid_job_loses_and_duplicates_nothing(
    services: Services, tmp_path: Path
) -> None:
    extra = {**THREADS, "NARRATE_CHUNK_SEGMENTS": "1"}
    many = ("--concurrency", "8")  # a GPU worker's many threads, on the CPU
    first = services.narrate_worker("k1", tmp_path / "k1.log", *many, **extra)
    enqueued = services.narrate(
        "enqueue",
        str(DATA / "three_chapters.md"),
        str(DATA / "two_chapters.txt"),
        "--dest",
        f"s3://{BUCKET}/threads-killed",
        "--seed",
        "6",
    )
    assert enqueued.returncode == 0, enqueued.stderr
    job_ids = enqueued.stdout.split()
    ledger = Ledger(services.env["NARRATE_BROKER_URL"])
    with ChunkLeases(services, job_ids[0]) as leases:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # until the first book is under way
            record = ledger.job(job_ids[0])
            if int(record.get("segments_done", 0)):
                break
            time.sleep(0.05)
        services.kill(first)  # SIGKILL of the one process: its threads and messages go too
    assert int(record["segments_done"]) < int(record["segments_total"])
    assert leases.most >= 2  # it ran several chunks at once until then
    second = services.narrate_worker("k2", tmp_path / "k2.log", *many, **extra)
    for job_id in job_ids:
        waited = services.narrate("wait", job_id, timeout=300)
        assert waited.returncode == 0, waited.stdout + waited.stderr
        every_sentence_once(services, "threads-killed", job_id)
    services.kill(second)


def test_a_stuck_chunk_lapses_at_the_time_limit_and_another_worker_finishes_it(
    services: Services, tmp_path: Path
) -> None:
    """The threads pool cannot kill a task past its time limit as prefork does: the stuck
    chunk's lease lapses instead, and the reconciler hands it to another worker."""
    stuck_log = tmp_path / "stuck.log"
    stuck = services.worker(
        "stuck",
        stuck_log,
        app="tests.stuck_app",
        pool="threads",
        NARRATE_TEST_STUCK_MARK="hangs",
        NARRATE_CHUNK_TIME_LIMIT_S="2",
    )
    enqueued = services.narrate(
        "enqueue", str(DATA / "two_chapters.txt"), "--dest", f"s3://{BUCKET}/hangs"
    )
    (job_id,) = enqueued.stdout.split()
    leases = ChunkLeases(services, job_id)
    deadline = time.monotonic() + 120
    # Until its chunk hangs, alone: the other chapter's chunk may run beside it a moment.
    while time.monotonic() < deadline and leases.held() != 1:
        time.sleep(0.1)
    assert leases.held() == 1
    helper = services.narrate_worker("helper", tmp_path / "helper.log", **THREADS)
    waited = services.narrate("wait", job_id, timeout=300)
    assert waited.returncode == 0, waited.stdout + waited.stderr
    assert "still running past 2 s: its lease lapses" in stuck_log.read_text()
    every_sentence_once(services, "hangs", job_id)
    services.kill(stuck)
    services.kill(helper)


def new_job(ledger: Ledger, job_id: str, chapters: int, **fields: str) -> None:
    ledger.create_job(job_id, {"chapters_total": str(chapters), **fields})


def test_a_lease_is_renewed_until_the_time_limit_then_lapses(services: Services) -> None:
    ledger = Ledger(services.env["NARRATE_BROKER_URL"])
    new_job(ledger, "job-lease", 1)
    ledger.set_running("job-lease", 1, 1)
    ledger.plan_chunks("job-lease", {0: [(0, 1)]})
    ref = ChunkRef("job-lease", 0, 0)
    handed: list[ChunkRef] = []

    def reconciled() -> list[ChunkRef]:
        handed.clear()
        reconcile(ledger, print, handed.append, print, print, print, print, stale_s=0)
        return list(handed)

    # Renewed every 4/3 s until 6 s: the last renewal at ~5.3 s, so it lapses at ~9.3 s.
    # (Seconds, not less: a loaded machine delays a beat by a second now and then.)
    began = time.monotonic()
    with held(ledger, chunk_lock(ref), 4, limit_s=6.0):
        time.sleep(5.0)
        assert ledger.locked(chunk_lock(ref))  # renewed past its 4 s life
        assert reconciled() == []  # a live lease: its worker is on it
        while ledger.locked(chunk_lock(ref)) and time.monotonic() - began < 30:
            time.sleep(0.05)
        lapsed = time.monotonic() - began
        assert 6.0 < lapsed < 12.0  # past the limit, within a lease's life (and a beat)
        assert reconciled() == [ref]  # handed to another worker while this one still runs


def test_the_reconciler_plans_again_a_job_whose_plan_died_part_way(services: Services) -> None:
    ledger = Ledger(services.env["NARRATE_BROKER_URL"])
    new_job(ledger, "job-half", 3)
    ledger.set_running("job-half", 3, 9)
    ledger.plan_chunks("job-half", {0: [(0, 2)]})  # one chapter of three planned, then death
    new_job(ledger, "job-redo", 1, redo_of="job-half")  # a redo is a task, never planned
    plans: list[str] = []

    def reconciled() -> list[str]:
        plans.clear()
        reconcile(ledger, plans.append, print, print, print, print, print, stale_s=0)
        return [job for job in plans if job in {"job-half", "job-redo"}]

    with held(ledger, plan_lock("job-half"), 30):
        assert reconciled() == []  # its plan task is alive
    assert reconciled() == ["job-half"]


LONG = (
    "At dusk the keeper climbed the stairs. The lamp was lit; the ships saw it and turned. "
    "The letter came on the third of March. Open it, said Mrs. Hale. She did not."
)


def test_chunks_of_the_longest_chapter_go_before_the_rest_is_planned(
    services: Services, tmp_path: Path
) -> None:
    ledger = Ledger(services.env["NARRATE_BROKER_URL"])
    texts = ["The keeper slept.", "Morning came grey and cold, and he slept on.", LONG]
    manuscript = Manuscript(chapters=[Chapter(index=i, text=t) for i, t in enumerate(texts)])
    new_job(
        ledger,
        "job-order",
        3,
        dest=f"file://{tmp_path}",
        options=SynthesisOptions().model_dump_json(),
    )
    storage = LocalStorage(tmp_path).child("job-order")
    storage.put_model(SOURCE_KEY, manuscript)
    planned: list[tuple[int, int]] = []  # (chunk's chapter, chapters planned by then)

    def enqueue(ref: ChunkRef) -> None:
        planned.append((ref.chapter, len(list((storage.root / "work" / "plan").iterdir()))))

    settings = Settings(device="cpu", chunk_segments=1)
    queued = plan_job(ledger, "job-order", settings, enqueue)
    assert planned[0] == (2, 1)  # the longest, sent while the others were still unplanned
    assert queued == len(planned) and {chapter for chapter, _ in planned} == {0, 1, 2}
    assert ledger.state("job-order") is JobState.RUNNING
    assert ledger.planned_chapters("job-order") == 3
    assert plan_job(ledger, "job-order", settings, print) == queued  # again: the same chunks


def _plan_in_a_daemon(url: str, job_id: str, done: "multiprocessing.Queue[int]") -> None:
    settings = Settings(device="cuda", worker_pool="prefork")  # a prefork GPU worker's task
    done.put(plan_job(Ledger(url), job_id, settings, print))


def test_a_prefork_gpu_workers_plan_runs_in_its_daemon_process(
    services: Services, tmp_path: Path
) -> None:
    """prefork's processes are daemons, which may not start the phonemizer process."""
    ledger = Ledger(services.env["NARRATE_BROKER_URL"])
    manuscript = read_manuscript(DATA / "two_chapters.txt")
    options = SynthesisOptions().model_dump_json()
    new_job(ledger, "job-daemon", 2, dest=f"file://{tmp_path}", options=options)
    LocalStorage(tmp_path).child("job-daemon").put_model(SOURCE_KEY, manuscript)
    done: multiprocessing.Queue[int] = multiprocessing.Queue()
    url = services.env["NARRATE_BROKER_URL"]
    child = multiprocessing.get_context("fork").Process(
        target=_plan_in_a_daemon, args=(url, "job-daemon", done), daemon=True
    )
    child.start()
    child.join(60)
    assert child.exitcode == 0 and done.get(timeout=1) > 0
    assert ledger.planned_chapters("job-daemon") == 2


def test_the_phonemizer_process_plans_as_the_thread_does(tmp_path: Path) -> None:
    manuscript = read_manuscript(DATA / "two_chapters.txt")
    settings = Settings(device="cpu")
    segmented = [segment_chapter(ch.text, settings.segmenting) for ch in manuscript.chapters]
    here = LocalStorage(tmp_path / "here")
    apart = LocalStorage(tmp_path / "apart")
    in_thread = list(chapter_plans(here, "joe", manuscript, segmented, settings, apart=False))
    in_process = list(chapter_plans(apart, "joe", manuscript, segmented, settings, apart=True))
    assert in_process == in_thread


def test_a_chapter_plan_is_made_once_however_many_chunks_ask_at_once() -> None:
    plans, made = ChapterPlans(kept=2), []
    gate = threading.Event()

    def make() -> ChapterPlan:
        gate.wait(5)
        made.append(1)
        return ChapterPlan.__new__(ChapterPlan)

    with ThreadPoolExecutor(8) as threads:
        asked = [threads.submit(plans.get, ("job", 0), make) for _ in range(8)]
        gate.set()
        got = {id(future.result()) for future in asked}
    assert len(made) == 1 and len(got) == 1

    def fail() -> ChapterPlan:
        raise OSError("storage")

    with pytest.raises(OSError):
        plans.get(("job", 1), fail)
    plans.get(("job", 1), make)  # a failure is not kept: the next caller makes it
    assert len(made) == 2


def test_the_pool_is_threads_with_gpu_tasks_on_a_gpu_and_two_tasks_on_the_cpu() -> None:
    auto = Settings(worker_pool="auto", gpu_tasks=16)
    assert pool_for("cuda:0", None, auto) == Pool("threads", 16)
    assert pool_for("cuda:0", 4, auto) == Pool("threads", 4)
    assert pool_for("cpu", None, auto) == Pool("threads", CPU_TASKS) == Pool("threads", 2)
    assert pool_for("cpu", 3, auto) == Pool("threads", 3)
    assert pool_for("cpu", None, Settings(worker_pool="prefork")) == Pool("prefork", 1)
    assert pool_for("cpu", 2, Settings(worker_pool="prefork")) == Pool("prefork", 2)
    assert pool_for("cuda", None, Settings(worker_pool="prefork")) == Pool("prefork", 1)
    assert pool_for("cuda:0", 4, auto).argv() == ["--pool=threads", "--concurrency=4"]
    with pytest.raises(PermanentError, match="--concurrency"):
        pool_for("cuda:0", 0, auto)


def test_threads_share_one_s3_client() -> None:
    with ThreadPoolExecutor(8) as threads:
        clients = list(threads.map(lambda _: _s3_client(), range(8)))
    assert len({id(client) for client in clients}) == 1
