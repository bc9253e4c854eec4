"""The job queue end to end: real redis-server, a real S3 API server, real Celery workers."""

import io
import json
import os
import pty
import random
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import soundfile

from config.manuscript import Manuscript
from tests.faults import FlakyProxy
from tests.services import BUCKET, REDIS_PASSWORD, ROOT, SECRET, Services, none_left_running
from worker.ledger import Ledger
from worker.segment import segment_chapter

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    running = Services(tmp_path_factory.mktemp("services")).start()
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def no_worker_outlives_its_test(services: Services) -> Iterator[None]:
    with none_left_running(services):
        yield


def job_objects(services: Services, dest_prefix: str, job_id: str) -> list[str]:
    prefix = f"{dest_prefix}/{job_id}/"
    return [key.removeprefix(prefix) for key in services.keys(prefix)]


def wav_info(services: Services, key: str) -> soundfile._SoundFileInfo:
    body = services.client().get_object(Bucket=BUCKET, Key=key)["Body"].read()
    return soundfile.info(io.BytesIO(body))


def on_a_terminal(services: Services, *args: str) -> str:
    """What `narrate ARGS` writes with a terminal as its stdout and stderr."""
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "producer.cli", *args],
            env=services.env,
            cwd=ROOT,
            stdout=follower,
            stderr=follower,
            timeout=60,
        )
        os.close(follower)
        follower = -1
        assert done.returncode == 0
        out = b""
        while chunk := _read_some(leader):
            out += chunk
        return out.decode()
    finally:
        os.close(leader)
        if follower >= 0:
            os.close(follower)


def _read_some(fd: int) -> bytes:
    try:
        return os.read(fd, 65536)
    except OSError:  # EIO: the other end closed, all of it read
        return b""


def test_a_three_chapter_job_through_two_workers(services: Services, tmp_path: Path) -> None:
    workers = [services.worker(f"w{i}", tmp_path / f"w{i}.log") for i in range(2)]
    # The default options: sampling noise on, drawn per segment and passage from seeds.
    enqueued = services.narrate(
        "enqueue", str(DATA / "three_chapters.md"), "--dest", f"s3://{BUCKET}/books"
    )
    assert enqueued.returncode == 0, enqueued.stderr
    (job_id,) = enqueued.stdout.split()
    waited = services.narrate("wait", job_id, timeout=300)
    assert waited.returncode == 0, waited.stdout + waited.stderr
    assert "done" in waited.stdout
    # On a terminal `wait` draws its bar, unless told not to.
    bar = re.compile(r"\[#{30}\] (\d+)/\1 segments, ")
    assert bar.search(on_a_terminal(services, "wait", job_id))
    plain = on_a_terminal(services, "wait", job_id, "--no-progress")
    assert "done" in plain and not bar.search(plain) and "[" not in plain

    assert job_objects(services, "books", job_id) == [
        "chapters/000.wav",
        "chapters/001.wav",
        "chapters/002.wav",
        "manifest.json",
        "marks/000.json",
        "marks/000.jsonl",
        "marks/001.json",
        "marks/001.jsonl",
        "marks/002.json",
        "marks/002.jsonl",
        "source/manuscript.json",
        *[f"subtitles/{i:03d}.{kind}" for i in range(3) for kind in ("srt", "vtt")],
    ]
    body = services.client().get_object(Bucket=BUCKET, Key=f"books/{job_id}/manifest.json")
    manifest = json.loads(body["Body"].read())
    for entry in manifest["chapters"]:
        info = wav_info(services, f"books/{job_id}/{entry['audio_key']}")
        assert abs(info.duration - entry["duration_s"]) < 1e-6

    # Each chapter planned once, by the plan task; its chunks and assembly read the plan.
    for entry in manifest["chapters"]:
        assert services.puts(f"books/{job_id}/work/plan/{entry['index']:03d}.json") == 1

    # The same audio as `narrate synth` of the same text, sample for sample.
    local = services.narrate("synth", str(DATA / "three_chapters.md"), "-o", str(tmp_path / "o"))
    assert local.returncode == 0, local.stderr
    synth = json.loads((tmp_path / "o" / "manifest.json").read_text())
    assert [c["sha256"] for c in manifest["chapters"]] == [c["sha256"] for c in synth["chapters"]]
    # The same words at the same times: word samples go through the chunks' npz.
    for entry in manifest["chapters"]:
        key = f"books/{job_id}/{entry['marks_key']}"
        queued = json.loads(services.client().get_object(Bucket=BUCKET, Key=key)["Body"].read())
        local_marks = json.loads((tmp_path / "o" / entry["marks_key"]).read_text())
        assert queued["words"] and queued["words"] == local_marks["words"]

    status = json.loads(services.narrate("status", job_id, "--json").stdout)
    assert status["segments_done"] == status["segments_total"]
    # The book's length, pauses included: the manifest's figure, not the segments' sum.
    book_s = sum(entry["duration_s"] for entry in manifest["chapters"])
    assert status["audio_s"] == pytest.approx(book_s, abs=1e-6)
    for worker in workers:
        services.kill(worker)
    logs = "".join((tmp_path / f"w{i}.log").read_text() for i in range(2))
    logs += enqueued.stdout + enqueued.stderr + waited.stdout + waited.stderr
    assert SECRET not in logs and REDIS_PASSWORD not in logs


def test_a_job_delivers_acx_mp3s_and_the_m4b_through_s3(services: Services, tmp_path: Path) -> None:
    worker = services.worker("formats", tmp_path / "w.log")
    enqueued = services.narrate(
        "enqueue", str(DATA / "two_chapters.txt"), "--dest", f"s3://{BUCKET}/formats",
        "--format", "mp3,m4b",
    )  # fmt: skip
    assert enqueued.returncode == 0, enqueued.stderr
    (job_id,) = enqueued.stdout.split()
    waited = services.narrate("wait", job_id, timeout=300)
    assert waited.returncode == 0, waited.stdout + waited.stderr
    objects = job_objects(services, "formats", job_id)
    assert {"book.m4b", "chapters/000.mp3", "chapters/001.mp3", "chapters/000.wav"} <= set(objects)
    body = services.client().get_object(Bucket=BUCKET, Key=f"formats/{job_id}/manifest.json")
    manifest = json.loads(body["Body"].read())
    assert all(report["passed"] for entry in manifest["chapters"] for report in entry["acx"])
    durations = [entry["duration_s"] for entry in manifest["chapters"]]
    assert [c["start_s"] for c in manifest["book"]["chapters"]] == pytest.approx(
        [sum(durations[:i]) for i in range(len(durations))]
    )
    # Timings on each MP3's and the M4B's timeline, as `narrate synth` writes them.
    timed = {
        "marks/book.jsonl",
        "subtitles/book.srt",
        "marks/mp3/001.jsonl",
        "subtitles/mp3/001.vtt",
    }
    assert timed <= set(objects)
    assert [c["audio_key"] for e in manifest["chapters"] for c in e["captions"]] == [
        "chapters/000.mp3", "chapters/001.mp3",
    ]  # fmt: skip
    verified = services.narrate("verify", f"s3://{BUCKET}/formats/{job_id}")
    assert verified.returncode == 0, verified.stderr
    services.kill(worker)


def test_workers_killed_at_random_points_lose_nothing(services: Services, tmp_path: Path) -> None:
    rng = random.Random(20261121)
    extra = {"NARRATE_MAX_DELIVERIES": "20"}
    workers = [services.worker(f"k{i}", tmp_path / f"k{i}.log", **extra) for i in range(2)]
    enqueued = services.narrate(
        "enqueue",
        str(DATA / "two_chapters.txt"),
        str(DATA / "three_chapters.md"),
        "--dest",
        f"s3://{BUCKET}/killed",
    )
    assert enqueued.returncode == 0, enqueued.stderr
    job_ids = enqueued.stdout.split()
    kills = 0
    deadline = time.monotonic() + 400
    while kills < 10 and time.monotonic() < deadline:
        time.sleep(rng.uniform(0.5, 4.0))
        victim = rng.randrange(len(workers))
        services.kill(workers[victim])
        kills += 1
        workers[victim] = services.worker(
            f"k{victim}-{kills}", tmp_path / f"k{victim}.log", **extra
        )
    assert kills == 10
    for job_id in job_ids:
        waited = services.narrate("wait", job_id, timeout=300)
        assert waited.returncode == 0, waited.stdout + waited.stderr
        body = services.client().get_object(Bucket=BUCKET, Key=f"killed/{job_id}/manifest.json")
        manifest = json.loads(body["Body"].read())
        source_body = (
            services.client()
            .get_object(Bucket=BUCKET, Key=f"killed/{job_id}/source/manuscript.json")["Body"]
            .read()
        )
        source = Manuscript.model_validate_json(source_body)
        for entry in manifest["chapters"]:
            marks_body = (
                services.client()
                .get_object(Bucket=BUCKET, Key=f"killed/{job_id}/{entry['marks_key']}")["Body"]
                .read()
            )
            texts = [m["text"] for m in json.loads(marks_body)["marks"]]
            chapter = source.chapters[entry["index"]]
            expected = [s.text for seg in segment_chapter(chapter.text) for s in seg.spans]
            assert texts == expected  # every sentence once, in order
            assert len(entry["segments"]) == len(segment_chapter(chapter.text))
            assert services.puts(f"killed/{job_id}/{entry['audio_key']}") == 1
        verified = services.narrate("status", job_id)
        assert "done" in verified.stdout
    for worker in workers:
        services.kill(worker)


def test_bad_input_fails_at_enqueue_and_queues_nothing(services: Services, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    result = services.narrate(
        "enqueue", str(DATA / "two_chapters.txt"), str(empty), "--dest", f"s3://{BUCKET}/bad"
    )
    assert result.returncode == 2
    assert "empty" in result.stderr and "Traceback" not in result.stderr
    assert services.keys("bad/") == []  # not even the good manuscript was stored

    unknown = services.narrate("status", "job-0000000000000000")
    assert unknown.returncode == 2 and "unknown job" in unknown.stderr


def test_unreachable_redis_is_a_clear_error(services: Services) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "producer.cli", "status", "job-x"],
        env={**services.env, "NARRATE_BROKER_URL": "redis://127.0.0.1:1/0"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 3
    assert "cannot reach Redis" in result.stderr and "Traceback" not in result.stderr


def test_a_poison_chunk_fails_its_job_and_spares_the_next(
    services: Services, tmp_path: Path
) -> None:
    extra = {"NARRATE_TEST_POISON_MARK": "poisoned"}
    workers = [
        services.worker(f"p{i}", tmp_path / f"p{i}.log", app="tests.poison_app", **extra)
        for i in range(2)
    ]
    bad = services.narrate(
        "enqueue", str(DATA / "two_chapters.txt"), "--dest", f"s3://{BUCKET}/poisoned"
    )
    good = services.narrate(
        "enqueue", str(DATA / "three_chapters.md"), "--dest", f"s3://{BUCKET}/healthy"
    )
    (bad_id,), (good_id,) = bad.stdout.split(), good.stdout.split()

    failed = services.narrate("wait", bad_id, timeout=300)
    assert failed.returncode == 1
    status = json.loads(services.narrate("status", bad_id, "--json").stdout)
    assert status["state"] == "failed"
    assert "delivered 3 times without finishing" in status["error"]
    assert services.narrate("wait", good_id, timeout=300).returncode == 0
    for worker in workers:
        services.kill(worker)

    # Once the cause is gone (here: workers that do not crash on it), the failed job
    # enqueued again resumes under the same id and is done
    healthy = services.worker("h", tmp_path / "h.log")
    again = services.narrate(
        "enqueue", str(DATA / "two_chapters.txt"), "--dest", f"s3://{BUCKET}/poisoned"
    )
    assert again.stdout.split() == [bad_id]
    assert services.narrate("wait", bad_id, timeout=300).returncode == 0
    status = json.loads(services.narrate("status", bad_id, "--json").stdout)
    assert (status["state"], status["error"]) == ("done", "")
    services.kill(healthy)


def under_way(services: Services, job_id: str) -> dict[str, str]:
    """The job's record once a first segment is stored, read from the ledger every 50 ms (a
    `narrate status` takes a second on a loaded machine: a short job can end between two)."""
    ledger = Ledger(services.env["NARRATE_BROKER_URL"])
    deadline = time.monotonic() + 120
    while int((record := ledger.job(job_id)).get("segments_done") or 0) == 0:
        assert time.monotonic() < deadline, f"{job_id} not under way: {record}"
        time.sleep(0.05)
    return record


def test_a_redis_restart_mid_job_loses_nothing(services: Services, tmp_path: Path) -> None:
    workers = [services.worker(f"r{i}", tmp_path / f"r{i}.log") for i in range(2)]
    # Long enough to be under way for seconds: a short book is done before Redis stops.
    text = tmp_path / "long.txt"
    text.write_text("\n\n".join(["The keeper climbed the stairs and lit the lamp."] * 60))
    enqueued = services.narrate(
        "enqueue",
        str(text),
        "--dest",
        f"s3://{BUCKET}/restart",
        "--seed",
        "3",
    )
    (job_id,) = enqueued.stdout.split()
    status = under_way(services, job_id)
    assert int(status["segments_done"]) < int(status["segments_total"])
    services.stop_redis()  # SIGTERM: the AOF is flushed, as in a real restart
    time.sleep(2)
    services.start_redis()
    waited = services.narrate("wait", job_id, timeout=300)
    assert waited.returncode == 0, waited.stdout + waited.stderr
    assert services.keys(f"restart/{job_id}/manifest.json")
    for worker in workers:
        services.kill(worker)


def test_a_pickled_message_is_refused(services: Services, tmp_path: Path) -> None:
    worker = services.worker("pk", tmp_path / "pk.log")
    sent = subprocess.run(
        [
            sys.executable,
            "-c",
            "from worker.app import app; "
            "app.send_task('narrate.plan', args=['job-pickle'], serializer='pickle')",
        ],
        env=services.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert sent.returncode == 0, sent.stderr
    log = tmp_path / "pk.log"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and "untrusted content" not in log.read_text():
        time.sleep(0.3)
    text = log.read_text()
    assert "Refusing to deserialize untrusted content of type pickle" in text
    assert "narrate.plan[" not in text  # it never ran
    services.kill(worker)


def test_rediss_urls_configure_tls() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "from worker.app import app; print(app.conf.broker_use_ssl)"],
        env={
            **__import__("os").environ,
            "PYTHONPATH": str(ROOT),
            "NARRATE_BROKER_URL": "rediss://:pw@example.invalid:6380/0",
        },
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "ssl_cert_reqs" in result.stdout


def test_s3_errors_and_dropped_connections_are_retried(services: Services, tmp_path: Path) -> None:
    proxy = FlakyProxy(services.s3_port)
    flaky = {"AWS_ENDPOINT_URL": f"http://127.0.0.1:{proxy.port}"}
    workers = [services.worker(f"f{i}", tmp_path / f"f{i}.log", **flaky) for i in range(2)]
    # Three chapters long enough to be storing for seconds after S3 starts failing: a short
    # book was done (in 5 s) before the test saw its first segment and broke S3.
    book = tmp_path / "three.md"
    paragraph = "The keeper climbed the stairs and lit the lamp."
    book.write_text(
        "\n\n".join(f"# Chapter {n}\n\n" + "\n\n".join([paragraph] * 30) for n in (1, 2, 3))
    )
    enqueued = services.narrate(
        "enqueue", str(book), "--dest", f"s3://{BUCKET}/flaky", "--seed", "4"
    )
    (job_id,) = enqueued.stdout.split()
    under_way(services, job_id)
    proxy.fail()  # S3 answers 503 or drops connections until some request has met it
    deadline = time.monotonic() + 60
    while proxy.faults == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(2)
    proxy.recover()
    waited = services.narrate("wait", job_id, timeout=300)
    assert waited.returncode == 0, waited.stdout + waited.stderr
    assert proxy.faults > 0
    assert len(services.keys(f"flaky/{job_id}/chapters/")) == 3
    for worker in workers:
        services.kill(worker)
    proxy.close()


def test_a_chunk_delivered_twice_at_once_is_committed_once(
    services: Services, tmp_path: Path
) -> None:
    """What a visibility timeout shorter than a chunk does: a second worker gets the same
    chunk while the first still runs it. Here every chunk message is sent twice."""
    workers = [services.worker(f"v{i}", tmp_path / f"v{i}.log") for i in range(2)]
    duplicate = subprocess.Popen(  # ready before the job is: the job id comes on its stdin
        [sys.executable, "-m", "tests.duplicate_chunks"],
        env=services.env,
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        enqueued = services.narrate(
            "enqueue",
            str(DATA / "three_chapters.md"),
            "--dest",
            f"s3://{BUCKET}/twice",
            "--seed",
            "5",
        )
        (job_id,) = enqueued.stdout.split()
        sent, errors = duplicate.communicate(f"{job_id}\n", timeout=180)
    finally:
        duplicate.kill()
    assert int(sent) > 0, errors  # some chunks were still pending
    assert duplicate.returncode == 0, errors
    waited = services.narrate("wait", job_id, timeout=300)
    assert waited.returncode == 0, waited.stdout + waited.stderr
    status = json.loads(services.narrate("status", job_id, "--json").stdout)
    assert status["segments_done"] == status["segments_total"]  # counted once each
    for index in range(3):
        assert services.puts(f"twice/{job_id}/chapters/{index:03d}.wav") == 1
    for worker in workers:
        services.kill(worker)


def test_a_chunk_outliving_the_visibility_timeout_is_committed_once(
    services: Services, tmp_path: Path
) -> None:
    """Redis hands a chunk still running past a (short) visibility timeout to the next
    worker that starts; both run it; the ledger commits it once."""
    text = tmp_path / "long.txt"
    # Long enough that the first worker is still on it when the second has started.
    text.write_text("The keeper climbed the stairs and lit the lamp. " * 240)
    short = {
        "NARRATE_VISIBILITY_TIMEOUT_S": "2",
        "NARRATE_CHUNK_SEGMENTS": "300",
        "NARRATE_LEASE_S": "30",
    }
    first = services.worker("vt1", tmp_path / "vt1.log", **short)
    enqueued = services.narrate("enqueue", str(text), "--dest", f"s3://{BUCKET}/visibility")
    (job_id,) = enqueued.stdout.split()
    under_way(services, job_id)  # the chunk runs in the first worker
    time.sleep(2.5)  # past the visibility timeout
    second = services.worker("vt2", tmp_path / "vt2.log", **short)
    waited = services.narrate("wait", job_id, timeout=300)
    assert waited.returncode == 0, waited.stdout + waited.stderr

    def received(log: Path) -> set[str]:
        lines = log.read_text().splitlines()
        return {
            line.split("[")[2].split("]")[0]
            for line in lines
            if "narrate.chunk[" in line and "received" in line
        }

    assert received(tmp_path / "vt1.log") & received(tmp_path / "vt2.log")  # ran twice
    status = json.loads(services.narrate("status", job_id, "--json").stdout)
    assert status["segments_done"] == status["segments_total"]  # committed once
    assert services.puts(f"visibility/{job_id}/chapters/000.wav") == 1
    for worker in (first, second):
        services.kill(worker)


def test_a_redo_is_a_job_of_its_own_and_done_once(services: Services, tmp_path: Path) -> None:
    worker = services.worker("redo", tmp_path / "w.log")
    enqueued = services.narrate(
        "enqueue", str(DATA / "two_chapters.txt"), "--dest", f"s3://{BUCKET}/redo"
    )
    assert enqueued.returncode == 0, enqueued.stderr
    (job_id,) = enqueued.stdout.split()
    assert services.narrate("wait", job_id, timeout=300).returncode == 0
    before = services.client().get_object(Bucket=BUCKET, Key=f"redo/{job_id}/chapters/000.wav")
    missing = services.narrate("redo", job_id, "--chapter", "5", "--segment", "1")
    assert missing.returncode == 2 and missing.stdout == ""  # refused before it is queued
    assert missing.stderr.startswith("narrate: error: chapter 5 does not exist (this output")
    asked = ("redo", job_id, "--chapter", "1", "--sentence", "0", "--text", "At dusk it shone.")
    first, again = services.narrate(*asked), services.narrate(*asked)
    assert first.returncode == 0, first.stderr
    (redo_id,) = first.stdout.split()
    assert again.stdout.split() == [redo_id]  # the same request is the same redo
    waited = services.narrate("wait", redo_id, timeout=300)
    assert waited.returncode == 0, waited.stdout + waited.stderr
    status = json.loads(services.narrate("status", redo_id, "--json").stdout)
    assert (status["chapters_done"], status["segments_done"]) == (1, 1)  # not "0/1" when done
    assert status["audio_s"] > 0
    body = services.client().get_object(Bucket=BUCKET, Key=f"redo/{job_id}/manifest.json")
    entry = json.loads(body["Body"].read())["chapters"][1]
    assert [r["text"] for r in entry["redone"]] == ["At dusk it shone."]
    assert entry["segments"][0]["text"] == "At dusk it shone."
    after = services.client().get_object(Bucket=BUCKET, Key=f"redo/{job_id}/chapters/000.wav")
    assert before["Body"].read() == after["Body"].read()
    # Enqueued again, the finished book is left as its redo made it, its manuscript too.
    resent = services.narrate(
        "enqueue", str(DATA / "two_chapters.txt"), "--dest", f"s3://{BUCKET}/redo"
    )
    assert resent.stdout.split() == [job_id]
    source = services.client().get_object(
        Bucket=BUCKET, Key=f"redo/{job_id}/source/manuscript.json"
    )
    assert "At dusk it shone." in json.loads(source["Body"].read())["chapters"][1]["text"]
    verified = services.narrate("verify", f"s3://{BUCKET}/redo/{job_id}")
    assert verified.returncode == 0, verified.stderr
    assert not [key for key in services.keys(f"redo/{job_id}/.redo/")]
    services.kill(worker)


@pytest.mark.parametrize("pool", ["auto", "prefork"])
def test_a_cpu_worker_loads_its_voice_before_any_job(
    services: Services, tmp_path: Path, pool: str
) -> None:
    """`narrate worker` on the CPU loads the default voice before any job comes (threads,
    the default: before it says it is ready; prefork: each process as it starts), so the
    first job's first chunk does not wait for it; that chunk then finds it."""
    log = tmp_path / "worker.log"
    worker = services.narrate_worker("early", log, NARRATE_WORKER_POOL=pool)
    try:
        deadline = time.monotonic() + 90
        while b"loading voice joe on cpu" not in log.read_bytes():
            assert time.monotonic() < deadline, log.read_text(errors="replace")[-2000:]
            assert worker.poll() is None, log.read_text(errors="replace")[-2000:]
            time.sleep(0.2)
        assert b"received" not in log.read_bytes()  # no task came: it loaded at start

        enqueued = services.narrate(
            "enqueue", str(DATA / "three_chapters.md"), "--dest", f"s3://{BUCKET}/early"
        )
        assert enqueued.returncode == 0, enqueued.stderr
        waited = services.narrate("wait", enqueued.stdout.split()[0], timeout=300)
        assert "done" in waited.stdout, waited.stdout + waited.stderr
        assert log.read_bytes().count(b"loading voice") == 1
    finally:
        services.kill(worker)
