"""Webhooks: signed, retried, sent once per job. Signatures as plain functions; deliveries
to a real HTTP receiver on loopback, from the plain functions over a real Redis, and end to
end through `narrate serve` and a real Celery worker."""

import email.message
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from config.jobs import JobState, WebhookState
from config.settings import ApiSettings, Settings
from tests.services import Services, api, free_port, none_left_running
from worker import jobs
from worker.ledger import Ledger
from worker.tenants import Tenants
from worker.webhooks import (
    SIGNATURE_HEADER,
    attempt,
    backoff,
    body_of,
    idempotency_key,
    sign,
    verify,
)

SENTENCES = "The keeper climbed the stairs. He lit the lamp."


# -- signatures ------------------------------------------------------------------------


def test_a_signature_verifies_with_its_secret_over_its_bytes() -> None:
    body = b'{"id":"job-1","state":"done"}'
    header = sign("whsec_a", int(time.time()), body)
    assert header.startswith("t=") and ",v1=" in header
    assert verify("whsec_a", header, body)
    assert not verify("whsec_a", header, body.replace(b"done", b"fail"))
    assert not verify("whsec_b", header, body)


def test_an_old_or_malformed_signature_is_refused() -> None:
    body = b"{}"
    old = sign("whsec_a", int(time.time()) - 301, body)
    assert not verify("whsec_a", old, body)
    assert verify("whsec_a", old, body, tolerance_s=600)
    now = int(time.time())
    digest = sign("whsec_a", now, body).partition(",v1=")[2]
    assert verify("whsec_a", f"t={now},v1=00ff,v1={digest}", body)  # a secret being replaced
    for header in ("", f"v1={digest}", f"t=,v1={digest}", f"t={now}", f"t=x{now},v1={digest}"):
        assert not verify("whsec_a", header, body), header


def test_retries_back_off_doubling_up_to_an_hour() -> None:
    settings = Settings(webhook_first_retry_s=30, visibility_timeout_s=7200)
    assert [backoff(n, settings) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff(8, settings) == backoff(500, settings) == 3600
    # A retry waits in a worker unacknowledged: below the visibility timeout, or Redis
    # hands it to another worker meanwhile.
    assert backoff(500, Settings(visibility_timeout_s=1800)) == 900


# -- a receiver on loopback ------------------------------------------------------------


@dataclass
class Received:
    at: float
    headers: email.message.Message
    body: bytes
    valid: bool

    @property
    def payload(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.body)
        return value


class Receiver:
    """An HTTP server in this process that checks each delivery's signature, records it and
    answers with the next status of its script (then 200)."""

    def __init__(self) -> None:
        self.secret = ""
        self.answers: list[int] = []
        self.received: list[Received] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                valid = verify(receiver.secret, self.headers.get(SIGNATURE_HEADER, ""), body)
                receiver.received.append(Received(time.monotonic(), self.headers, body, valid))
                self.send_response(receiver.answers.pop(0) if receiver.answers else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/narrate?src=test"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count: int, timeout: float = 60) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(self.received) >= count, f"{len(self.received)} of {count} deliveries"
        return self.received


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    made = Receiver()
    yield made
    made.server.shutdown()
    made.server.server_close()


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    running = Services(tmp_path_factory.mktemp("hooks"))
    running.start_redis()
    yield running
    for process in running.processes:
        running.kill(process)
    running.stop_redis()


@pytest.fixture
def ledger(services: Services) -> Ledger:
    made = Ledger(services.env["NARRATE_BROKER_URL"])
    made.redis.flushall()
    return made


def tenant_secret(ledger: Ledger, tenant: str) -> tuple[str, str]:
    """A new key of the tenant, and the tenant's webhook secret."""
    tenants = Tenants(ledger.redis, ApiSettings())
    key = tenants.create_key(tenant)
    made = tenants.tenant(tenant)
    assert made is not None
    return key, made.webhook_secret


# -- the plain functions, over a real Redis ---------------------------------------------


def ended_job(ledger: Ledger, receiver: Receiver, state: JobState, job_id: str) -> None:
    """A service job with a webhook, ended with its message lost (nothing sent)."""
    _, receiver.secret = tenant_secret(ledger, "plain")
    fields = {"dest": "file:///nowhere", "tenant": "plain", "webhook": receiver.url}
    ledger.create_job(job_id, {**fields, "chapters_total": "2", "options": "{}"})
    assert ledger.finish(job_id, state, "boom" if state is JobState.FAILED else "")


def private_ok(**fields: Any) -> Settings:
    given = {"webhook_first_retry_s": 1, **fields}
    return Settings(api=ApiSettings(webhook_private=True), **given)


def test_a_delivered_webhook_is_not_sent_again(ledger: Ledger, receiver: Receiver) -> None:
    ended_job(ledger, receiver, JobState.FAILED, "job-plain1")
    assert attempt(ledger, "job-plain1", private_ok()) is None
    (first,) = receiver.wait_for(1)
    assert first.valid and first.payload["state"] == "failed"
    assert first.payload["error"] == "boom" and first.payload["manifest_key"] is None
    assert first.headers["Idempotency-Key"] == idempotency_key("job-plain1", "failed")
    assert first.headers["User-Agent"] == "narrate-webhooks/1"
    # When: the task is delivered again (at least once, over Redis)
    assert attempt(ledger, "job-plain1", private_ok()) is None
    time.sleep(0.3)
    assert len(receiver.received) == 1
    record = ledger.job("job-plain1")
    assert (record["webhook_state"], record["webhook_attempts"]) == ("delivered", "1")


def test_a_copy_of_the_task_does_not_make_a_short_retry_immediate(
    ledger: Ledger, receiver: Receiver
) -> None:
    ended_job(ledger, receiver, JobState.DONE, "job-plain6")
    receiver.answers = [503]
    assert attempt(ledger, "job-plain6", private_ok()) == 1.0  # again in 1 s
    assert attempt(ledger, "job-plain6", private_ok()) is None  # a copy, at once: not yet
    assert len(receiver.received) == 1
    time.sleep(1.0)
    assert attempt(ledger, "job-plain6", private_ok()) is None  # due: sent, and taken
    assert len(receiver.received) == 2
    assert ledger.job("job-plain6")["webhook_state"] == "delivered"


def test_a_refusal_gives_up_and_throttling_is_retried(ledger: Ledger, receiver: Receiver) -> None:
    ended_job(ledger, receiver, JobState.CANCELLED, "job-plain2")
    receiver.answers = [429, 410]
    later = private_ok(webhook_first_retry_s=20)  # past the tolerance for a skewed clock
    assert attempt(ledger, "job-plain2", later) == 20.0
    assert ledger.job("job-plain2")["webhook_last_error"] == "HTTP 429"
    assert attempt(ledger, "job-plain2", later) is None  # not due for 20 s yet: not sent
    assert len(receiver.received) == 1
    # Twenty seconds on: the retry is due
    ledger.webhook_outcome("job-plain2", WebhookState.PENDING, "HTTP 429", time.time())
    assert attempt(ledger, "job-plain2", later) is None
    record = ledger.job("job-plain2")
    assert (record["webhook_state"], record["webhook_attempts"]) == ("failed", "2")
    assert record["webhook_last_error"] == "HTTP 410"
    assert ledger.webhook_due("job-plain2") is None
    assert len(receiver.received) == 2


def test_a_loopback_webhook_is_refused_unless_allowed(ledger: Ledger, receiver: Receiver) -> None:
    ended_job(ledger, receiver, JobState.DONE, "job-plain3")
    assert attempt(ledger, "job-plain3", Settings()) is None
    record = ledger.job("job-plain3")
    assert record["webhook_state"] == "failed" and "non-public" in record["webhook_last_error"]
    assert receiver.received == []


def test_the_reconciler_sends_a_lost_webhook_once_and_not_one_waiting_to_retry(
    ledger: Ledger, receiver: Receiver
) -> None:
    ended_job(ledger, receiver, JobState.DONE, "job-plain4")
    sent: list[str] = []

    def reconcile(stale_s: float) -> int:
        nothing = lambda *_: None  # noqa: E731 - no other work to find
        hooks = sent.append
        return jobs.reconcile(ledger, nothing, nothing, nothing, nothing, hooks, nothing, stale_s)

    assert reconcile(stale_s=60) == 0  # not overdue yet: its message may be on its way
    assert reconcile(stale_s=0) == 1 and sent == ["job-plain4"]
    assert reconcile(stale_s=30) == 0  # re-sent just now
    receiver.answers = [503]
    assert attempt(ledger, "job-plain4", private_ok(webhook_first_retry_s=30)) == 30
    assert reconcile(stale_s=0) == 0  # waiting out its backoff, not lost
    assert sent == ["job-plain4"]


def test_a_cancelled_job_started_over_is_announced_afresh(
    ledger: Ledger, receiver: Receiver
) -> None:
    # Given a cancelled job whose webhook waits to be sent
    ended_job(ledger, receiver, JobState.CANCELLED, "job-plain5")
    assert ledger.webhook_due("job-plain5") is not None

    # When it is enqueued again (naming another webhook), the cancel is not announced
    assert ledger.restart("job-plain5", {"webhook": receiver.url + "&run=2"})
    assert ledger.webhook_due("job-plain5") is None
    assert attempt(ledger, "job-plain5", private_ok()) is None and receiver.received == []
    record = ledger.job("job-plain5")
    assert not {"webhook_state", "webhook_attempts", "webhook_last_error"} & record.keys()
    assert record["webhook"].endswith("&run=2")

    # And the new run's end is
    ledger.set_running("job-plain5", 2, 2)
    assert ledger.finish("job-plain5", JobState.DONE)
    assert attempt(ledger, "job-plain5", private_ok()) is None
    (delivery,) = receiver.wait_for(1)
    assert delivery.valid and delivery.payload["state"] == "done"
    assert (ledger.job("job-plain5")["webhook_attempts"], receiver.received) == ("1", [delivery])


# -- end to end: `narrate serve`, a Celery worker, the receiver ----------------------------


@dataclass
class Api:
    services: Services
    url: str
    root: Path

    def submit(self, key: str, webhook: str, expect: int = 201, **fields: str) -> str:
        with httpx.Client(base_url=self.url, timeout=60) as client:
            answer = client.post(
                "/v1/jobs",
                headers={"Authorization": f"Bearer {key}"},
                files={"manuscript": ("book.txt", SENTENCES.encode())},
                data={"webhook": webhook, **fields},
            )
        assert answer.status_code == expect, answer.text
        said: str = answer.json()["id"] if expect < 400 else answer.json()["error"]
        return said

    def view(self, key: str, job_id: str) -> dict[str, Any]:
        with httpx.Client(base_url=self.url, timeout=60) as client:
            answer = client.get(f"/v1/jobs/{job_id}", headers={"Authorization": f"Bearer {key}"})
        view: dict[str, Any] = answer.json()
        return view

    def cancel(self, key: str, job_id: str) -> None:
        with httpx.Client(base_url=self.url, timeout=60) as client:
            auth = {"Authorization": f"Bearer {key}"}
            assert client.delete(f"/v1/jobs/{job_id}", headers=auth).status_code == 200

    def worker(self, name: str, **extra: str) -> Any:
        """A worker, once it takes tasks (a deadline counted from a job's end starts then)."""
        settings = {"NARRATE_API__WEBHOOK_PRIVATE": "true", "NARRATE_WEBHOOK_FIRST_RETRY_S": "1"}
        log = self.root / f"{name}.log"
        process = self.services.worker(name, log, **{**settings, **extra})
        deadline = time.monotonic() + 60
        while " ready." not in log.read_text():
            assert time.monotonic() < deadline, f"worker {name} not ready: {log.read_text()}"
            time.sleep(0.1)
        return process


@pytest.fixture(scope="module")
def service(services: Services, tmp_path_factory: pytest.TempPathFactory) -> Api:
    root = tmp_path_factory.mktemp("hooks-api")
    port = free_port()
    private = {"NARRATE_API__WEBHOOK_PRIVATE": "true"}
    api(services, port, root / "api.log", NARRATE_DEFAULT_DEST=f"file://{root}/out", **private)
    return Api(services, f"http://127.0.0.1:{port}", root)


@pytest.fixture(autouse=True)
def no_worker_outlives_its_test(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test's workers are gone after it, even when it failed; the API (started by the
    module's `service`, before the count) stays."""
    if "service" not in request.fixturenames:
        yield
        return
    service: Api = request.getfixturevalue("service")
    with none_left_running(service.services):
        yield


def settled(ledger: Ledger, job_id: str, timeout: float = 60) -> dict[str, str]:
    """The job's record once its webhook is delivered or given up."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        record = ledger.job(job_id)
        if record.get("webhook_state") in ("delivered", "failed"):
            return record
        time.sleep(0.2)
    raise TimeoutError(f"{job_id}: webhook {ledger.job(job_id).get('webhook_state')}")


def test_a_finished_job_is_announced_once_signed(
    ledger: Ledger, service: Api, receiver: Receiver
) -> None:
    key, receiver.secret = tenant_secret(ledger, "publisher")
    job_id = service.submit(key, receiver.url)
    assert service.view(key, job_id)["webhook"]["state"] == "waiting"  # for the job to end
    worker = service.worker("done")

    record = settled(ledger, job_id, timeout=120)
    time.sleep(1.5)  # a reconciler round or two: nothing more comes
    (delivery,) = receiver.received
    assert delivery.valid
    assert delivery.headers["Content-Type"] == "application/json"
    assert delivery.headers["Idempotency-Key"] == idempotency_key(job_id, "done")
    payload = delivery.payload
    assert payload["id"] == job_id and payload["state"] == "done"
    assert payload["manifest_key"] == "manifest.json" and payload["chapters"] == 1
    assert payload["audio_s"] > 1 and payload["wall_s"] > 0
    assert payload["finished_at"] == float(record["finished_at"])
    assert delivery.body == body_of(record)
    assert service.view(key, job_id)["webhook"] == {
        "state": "delivered",
        "attempts": 1,
        "last_error": None,
    }
    service.services.kill(worker)
    logs = (service.root / "done.log").read_text()
    assert receiver.secret not in logs and "v1=" not in logs


def test_a_failing_receiver_gets_the_same_delivery_again_after_backoff(
    ledger: Ledger, service: Api, receiver: Receiver
) -> None:
    key, receiver.secret = tenant_secret(ledger, "flaky")
    receiver.answers = [500, 500]
    job_id = service.submit(key, receiver.url)
    service.cancel(key, job_id)  # queued: no worker yet
    # A lease long enough that the reconciler, as the worker starts, does not count the
    # webhook queued before it as lost and queue it again (an attempt at once, not after 1 s).
    worker = service.worker("retries", NARRATE_LEASE_S="30")

    first, second, third = receiver.wait_for(3)
    assert all(delivery.valid for delivery in (first, second, third))
    assert len({d.headers["Idempotency-Key"] for d in (first, second, third)}) == 1
    assert first.body == second.body == third.body
    assert second.at - first.at >= 0.9 and third.at - second.at >= 1.9  # 1 s, then 2 s
    record = settled(ledger, job_id)
    assert (record["webhook_state"], record["webhook_attempts"]) == ("delivered", "3")
    service.services.kill(worker)


def test_a_cancelled_job_is_announced(ledger: Ledger, service: Api, receiver: Receiver) -> None:
    key, receiver.secret = tenant_secret(ledger, "canceller")
    job_id = service.submit(key, receiver.url)
    service.cancel(key, job_id)
    worker = service.worker("cancelled")
    (delivery,) = receiver.wait_for(1)
    assert delivery.valid
    assert delivery.payload["state"] == "cancelled"
    assert delivery.payload["error"] == "cancelled by request"
    assert delivery.payload["manifest_key"] is None
    service.services.kill(worker)


def test_a_cancelled_job_sent_again_over_the_api_runs_and_is_announced_again(
    ledger: Ledger, service: Api, receiver: Receiver
) -> None:
    # Given a job cancelled over the API, its cancel announced and its files removed
    key, receiver.secret = tenant_secret(ledger, "resubmitter")
    job_id = service.submit(key, receiver.url)
    service.cancel(key, job_id)
    worker = service.worker("again")
    (cancelled,) = receiver.wait_for(1)
    assert cancelled.payload["state"] == "cancelled"
    deadline = time.monotonic() + 60
    while "purged_at" not in ledger.job(job_id):
        assert time.monotonic() < deadline, ledger.job(job_id)
        time.sleep(0.2)

    # When the same book is sent again, it starts over: queued, its webhook waiting
    assert service.submit(key, receiver.url, expect=200) == job_id
    assert service.view(key, job_id)["webhook"]["state"] == "waiting"
    assert service.view(key, job_id)["state"] in ("queued", "running")

    # And it runs to its end, which is announced too
    _, done = receiver.wait_for(2, timeout=180)
    assert done.valid and done.payload["state"] == "done"
    assert done.headers["Idempotency-Key"] == idempotency_key(job_id, "done")
    assert settled(ledger, job_id)["webhook_state"] == "delivered"
    service.services.kill(worker)


def test_a_failed_job_is_announced_with_its_error(
    ledger: Ledger, service: Api, receiver: Receiver
) -> None:
    key, receiver.secret = tenant_secret(ledger, "misspeller")
    # A voice the API refuses by name (a 422, nothing queued); one gone from the workers
    # since the job was queued fails there, as this job's options say once edited.
    refused = service.submit(key, receiver.url, expect=422, voice="no-such-voice")
    assert "unknown voice" in refused
    job_id = service.submit(key, receiver.url)
    options = json.loads(ledger.job(job_id)["options"])
    ledger.redis.hset(ledger.key(job_id), "options", json.dumps({**options, "voice": "gone"}))
    worker = service.worker("failed")
    (delivery,) = receiver.wait_for(1)
    assert delivery.valid and delivery.payload["state"] == "failed"
    assert "unknown voice 'gone'" in delivery.payload["error"]
    assert delivery.headers["Idempotency-Key"] == idempotency_key(job_id, "failed")
    service.services.kill(worker)


def test_a_receiver_failing_past_the_deadline_is_given_up(
    ledger: Ledger, service: Api, receiver: Receiver
) -> None:
    key, receiver.secret = tenant_secret(ledger, "down")
    receiver.answers = [500] * 100
    worker = service.worker("deadline", NARRATE_WEBHOOK_RETRY_FOR_S="3")
    job_id = service.submit(key, receiver.url)
    service.cancel(key, job_id)
    record = settled(ledger, job_id)
    assert record["webhook_state"] == "failed" and record["webhook_last_error"] == "HTTP 500"
    attempts = int(record["webhook_attempts"])
    # At once, 1 s later and 2 s after that at most: the deadline is 3 s after the cancel
    # (a loaded machine may start the first attempt late and squeeze in fewer).
    assert 1 <= attempts <= 3 and len(receiver.received) == attempts
    assert ledger.webhook_due(job_id) is None
    time.sleep(2)  # no attempt after giving up
    assert len(receiver.received) == attempts
    assert service.view(key, job_id)["webhook"]["state"] == "failed"
    service.services.kill(worker)
