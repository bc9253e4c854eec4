"""A load test of `narrate serve` on loopback: many jobs submitted at once while many
clients poll, every job run by real workers to the end (`make load`).

    python -m producer.loadtest --jobs 200 --clients 50

Needs Redis and S3 as `infra/services.sh start` gives them (NARRATE_BROKER_URL, AWS_*). It
starts its own API server and workers, makes a tenant per 50 jobs, and reports the latency
of `GET /v1/jobs/{id}` while it all runs; it fails unless every job finished once, with
its files, and no job was made twice.
"""

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from config.settings import get_settings
from worker.ledger import Ledger
from worker.storage import open_storage
from worker.tenants import Tenants

JOBS_PER_TENANT = 50


@dataclass
class Report:
    jobs: int
    clients: int
    submit_s: float
    run_s: float
    polls: int
    latencies_ms: list[float] = field(default_factory=list)
    states: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0

    def lines(self) -> list[str]:
        return [
            f"{self.jobs} jobs submitted at once in {self.submit_s:.2f} s, all final after "
            f"{self.run_s:.1f} s: {json.dumps(self.states)}",
            f"{self.clients} clients polled GET /v1/jobs/{{id}} {self.polls} times: "
            f"p50 {self.percentile(0.5):.1f} ms, p95 {self.percentile(0.95):.1f} ms, "
            f"p99 {self.percentile(0.99):.1f} ms, max {max(self.latencies_ms, default=0):.1f} ms",
            *(f"problem: {problem}" for problem in self.problems),
        ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def manuscript(n: int) -> bytes:
    return f"Order {n}.\n\nThe parcel numbered {n} left the depot at dawn.\n".encode()


async def _submit_all(url: str, keys: list[str], jobs: int) -> list[str]:
    import httpx

    async with httpx.AsyncClient(base_url=url, timeout=120) as client:

        async def one(n: int) -> str:
            headers = {"Authorization": f"Bearer {keys[n // JOBS_PER_TENANT]}"}
            files = {"manuscript": (f"order-{n}.txt", manuscript(n))}
            answer = await client.post("/v1/jobs", files=files, headers=headers)
            if answer.status_code != 201:
                raise RuntimeError(f"job {n}: {answer.status_code} {answer.text}")
            job_id: str = answer.json()["id"]
            return job_id

        return list(await asyncio.gather(*(one(n) for n in range(jobs))))


async def _poll(url: str, keys: list[str], ids: list[str], clients: int, report: Report) -> None:
    import httpx

    final = {"done", "failed", "cancelled"}
    states: dict[str, str] = {}

    async def client_loop(c: int) -> None:
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            mine = [(i, job) for i, job in enumerate(ids) if i % clients == c]
            while any(states.get(job) not in final for _, job in mine):
                for i, job in mine:
                    if states.get(job) in final:
                        continue
                    headers = {"Authorization": f"Bearer {keys[i // JOBS_PER_TENANT]}"}
                    began = time.perf_counter()
                    answer = await client.get(f"/v1/jobs/{job}", headers=headers)
                    report.latencies_ms.append(1000 * (time.perf_counter() - began))
                    report.polls += 1
                    states[job] = answer.json()["state"]
                    # Clients poll every half second or so, not in step with each other.
                    await asyncio.sleep(random.uniform(0.4, 0.6))

    await asyncio.gather(*(client_loop(c) for c in range(clients)))
    for state in states.values():
        report.states[state] = report.states.get(state, 0) + 1


def check(ledger: Ledger, tenants: list[str], ids: list[str], report: Report) -> None:
    """Every job once, done, its files and manifest in place, its segments counted once."""
    if len(set(ids)) != len(ids):
        report.problems.append(f"{len(ids) - len(set(ids))} submissions made the same job")
    store = Tenants(ledger.redis, get_settings().api)
    listed = [job for tenant in tenants for job in store.jobs(tenant, 0, 10_000)[0]]
    if sorted(listed) != sorted(ids):
        report.problems.append("the tenants' job lists differ from what was submitted")
    for job_id in ids:
        record = ledger.job(job_id)
        if record["state"] != "done":
            report.problems.append(f"{job_id}: {record['state']} {record.get('error', '')}")
            continue
        if record.get("segments_done") != record.get("segments_total"):
            report.problems.append(f"{job_id}: segments {record.get('segments_done')} counted")
        storage = open_storage(record["dest"]).child(job_id)
        manifest = storage.get_json("manifest.json")
        if manifest["job_id"] != job_id or not storage.exists("chapters/000.wav"):
            report.problems.append(f"{job_id}: manifest or chapter missing")


def run(jobs: int, clients: int, workers: int, timeout_s: float) -> Report:
    import httpx

    settings = get_settings()
    ledger = Ledger(settings.broker_url)
    ledger.ping()
    store = Tenants(ledger.redis, settings.api)
    run_id = os.urandom(3).hex()
    tenants = [f"load-{run_id}-{t}" for t in range(-(-jobs // JOBS_PER_TENANT))]
    limits = {"max_active_jobs": JOBS_PER_TENANT, "requests_per_minute": 1_000_000}
    keys = [store.create_key(tenant, dict(limits)) for tenant in tenants]
    port, folder = free_port(), Path(tempfile.mkdtemp(prefix="narrate-load-"))
    env = {**os.environ, "NARRATE_DEFAULT_DEST": f"file://{folder}"}
    python = [sys.executable, "-m", "producer.cli"]
    log = open(folder / "processes.log", "wb")  # noqa: SIM115 - closed below
    processes = [
        subprocess.Popen([*python, "serve", "--port", str(port)], env=env, stdout=log, stderr=log)
    ]
    processes += [
        subprocess.Popen(
            [*python, "worker", "--name", f"load{w}@%h"], env=env, stdout=log, stderr=log
        )
        for w in range(workers)
    ]
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        began = time.perf_counter()
        ids = asyncio.run(_submit_all(url, keys, jobs))
        submitted = time.perf_counter() - began
        report = Report(jobs, clients, submitted, 0.0, 0)
        asyncio.run(asyncio.wait_for(_poll(url, keys, ids, clients, report), timeout_s))
        report.run_s = time.perf_counter() - began
        check(ledger, tenants, ids, report)
        return report
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)
        log.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m producer.loadtest", description=__doc__)
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=1, help="Celery worker processes")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds at most")
    args = parser.parse_args(argv)
    report = run(args.jobs, args.clients, args.workers, args.timeout)
    print("\n".join(report.lines()))
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
