"""The queue's client side: what `narrate enqueue/status/wait/list/cancel` do.

Every manuscript is read (and rejected with its reason) before anything is stored or queued,
so one bad file in a nightly batch does not leave half a batch behind it. Work is sent by
task name (`config.jobs`), so submitting a job loads neither the tasks nor the voice.
"""

import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from config.errors import OutputError, PermanentError, UnknownJobError
from config.jobs import (
    FINAL,
    PLAN_TASK,
    PURGE_TASK,
    REDO_TASK,
    JobState,
    RedoRequest,
    job_id_for,
)
from config.layout import MANIFEST_KEY
from config.manifest import Manifest, QAFinding
from config.settings import Settings, SynthesisOptions
from producer.readers import EVERYTHING_BY_DEFAULT, Reading, Source, read_source, store_source
from producer.readers.book import only_chapters
from worker import webhooks
from worker.app import app
from worker.ledger import Ledger
from worker.storage import file_url, open_storage


@dataclass(frozen=True)
class Status:
    job_id: str
    state: JobState
    chapters_done: int
    chapters_total: int
    segments_done: int
    segments_total: int
    audio_s: float
    error: str
    dest: str
    qa_failing: list[QAFinding] = field(default_factory=list)
    purge_error: str = ""  # why a cancelled job's files could not be removed
    title: str = ""  # the book's, else its file's name (`submit`)

    def as_dict(self) -> dict[str, Any]:
        failing = [finding.model_dump() for finding in self.qa_failing]
        found = {**self.__dict__, "state": self.state.value, "qa_failing": failing}
        if not self.purge_error:  # only when there is one: the usual view stays as it was
            del found["purge_error"]
        return found

    def line(self) -> str:
        text = (
            f"{self.job_id}  {self.state.value:<9}  chapters {self.chapters_done}/"
            f"{self.chapters_total}  segments {self.segments_done}/{self.segments_total}"
            f"  {self.audio_s:.1f} s audio"
        )
        text += f'  "{self.title}"' if self.title else ""
        text += f"  error: {self.error}" if self.error else ""
        text += f"  files not removed: {self.purge_error}" if self.purge_error else ""
        return text + "".join(f"\n  {finding.line()}" for finding in self.qa_failing)


def enqueue(
    paths: list[Path],
    dest: str,
    options: SynthesisOptions,
    settings: Settings,
    priority: int,
    reading: Reading = EVERYTHING_BY_DEFAULT,
    chapters: Sequence[int] = (),
) -> list[str]:
    """Store and queue each manuscript (only the `chapters` numbered, if any: --chapter);
    returns one job id per manuscript, in order."""
    dest = queue_destination(dest)
    sources = [_read(path, reading, chapters) for path in paths]  # all or nothing
    for source in sources:
        for warning in source.warnings:
            print(f"narrate: warning: {warning}", file=sys.stderr)
    ledger = Ledger(settings.broker_url)
    ledger.ping()
    return [
        submit(ledger, source, dest, options, priority, name=path.name)
        for path, source in zip(paths, sources, strict=True)
    ]


def _read(path: Path, reading: Reading, chapters: Sequence[int]) -> Source:
    source = read_source(path, reading)
    if chapters:  # carried as --skip is: the manuscript stored is only what is narrated
        source.manuscript = only_chapters(source.manuscript, chapters, str(path))
    return source


def queue_destination(dest: str) -> str:
    """A destination as every worker will read it: a plain path made absolute here, as
    file:///... (a worker, perhaps on another host, would resolve a relative one against its
    own directory), with '%', '#' and '?' escaped so that it reads back as that very folder;
    a relative file: URL is refused, as nothing could make it mean one place."""
    parsed = urlparse(dest)
    if not parsed.scheme:
        return file_url(Path(dest).expanduser().resolve())
    if parsed.scheme == "file" and not parsed.path.startswith("/"):
        raise OutputError(f"{dest}: a file: URL takes an absolute path; a directory is file:///dir")
    open_storage(dest, create=False)  # a URL it cannot take: refused before the broker is asked
    return dest


def submit(
    ledger: Ledger,
    source: Source,
    dest: str,
    options: SynthesisOptions,
    priority: int = 5,
    extra: dict[str, str] | None = None,
    job_id: str = "",
    name: str = "",
) -> str:
    """Store a manuscript read already and queue its job; returns the job's id. `name`:
    the manuscript file's, the job's title where the book gives none. The same
    manuscript, options and destination (and tenant, in `extra`) is the same job: sent
    again, it is queued again only if it never started, resumes if it failed, or starts over
    if it was cancelled (whose files are removed): while they are being removed it is refused with a
    JobPurgingError, to be sent again in a moment."""
    manuscript = source.manuscript
    job_id = job_id or job_id_for(manuscript, options, dest, (extra or {}).get("tenant", ""))
    fields = {
        "dest": dest,
        "options": options.model_dump_json(),
        "priority": str(priority),
        "chapters_total": str(len(manuscript.chapters)),
        "title": manuscript.metadata.title or name,  # for a listing of many jobs
        **(extra or {}),
    }
    ledger.restart(job_id, fields)  # before its source is stored: a purge to come spares it
    ledger.retry(job_id, fields)
    if not _done(ledger, job_id):  # a finished book's source is as its redos left it
        store_source(open_storage(dest).child(job_id), source)
    created = ledger.create_job(job_id, fields)
    if created or ledger.state(job_id) is JobState.QUEUED:
        ledger.mark_enqueued(job_id, "plan")  # the reconciler's clock for a lost plan
        app.send_task(PLAN_TASK, args=[job_id], priority=priority)
    return job_id


def _done(ledger: Ledger, job_id: str) -> bool:
    try:
        return ledger.state(job_id) is JobState.DONE
    except UnknownJobError:
        return False


def enqueue_redo(ledger: Ledger, job_id: str, request: RedoRequest) -> str:
    """Queue a redo of a finished job as a job of its own; returns its id (the same for the
    same request, so sending it twice queues it once more at most, and does it once)."""
    record = ledger.job(job_id)
    if record["state"] != JobState.DONE:
        raise PermanentError(f"{job_id} is {record['state']}; only a finished job can be redone")
    manifest = open_storage(record["dest"]).child(job_id).get_bytes(MANIFEST_KEY)
    request.entry_in(Manifest.model_validate_json(manifest))  # no such segment: said now
    redo_id = request.redo_id(job_id)
    created = ledger.create_job(
        redo_id, {"dest": record["dest"], "redo_of": job_id, "chapters_total": "1"}
    )
    if created or ledger.state(redo_id) is not JobState.DONE:
        args = [redo_id, job_id, request.model_dump(mode="json")]
        app.send_task(REDO_TASK, args=args, task_id=redo_id)
    return redo_id


def cancel(ledger: Ledger, job_id: str) -> bool:
    """Cancel a job unless it has ended; True for the call that cancelled it. Work of the
    job still queued finds it final and does nothing; work running stops within a passage
    (counting nothing more), and then the job's files are removed from its destination."""
    ledger.job(job_id)  # an unknown id fails here
    if not webhooks.finish(ledger, job_id, JobState.CANCELLED, "cancelled by request"):
        return False
    ledger.mark_enqueued(job_id, "purge")  # the reconciler's clock
    app.send_task(PURGE_TASK, args=[job_id])
    return True


def status(ledger: Ledger, job_id: str) -> Status:
    return status_of(job_id, *ledger.snapshot(job_id))


def status_of(
    job_id: str, record: dict[str, str], chapters_done: int, findings: list[QAFinding]
) -> Status:
    return Status(
        job_id=job_id,
        state=JobState(record["state"]),
        chapters_done=chapters_done,
        chapters_total=int(record.get("chapters_total", 0)),
        segments_done=int(record.get("segments_done", 0)),
        segments_total=int(record.get("segments_total", 0)),
        audio_s=float(record.get("audio_s", 0.0)),
        error=record.get("error", ""),
        dest=record.get("dest", ""),
        title=record.get("title", ""),
        qa_failing=findings,
        purge_error=record.get("purge_error", ""),
    )


def job_view(ledger: Ledger, job_id: str, with_dest: bool = False) -> dict[str, Any]:
    """A job as `GET /v1/jobs/{id}` and `narrate status --json` show it (the latter with
    its destination, which the API keeps to itself: a tenant's is the service's)."""
    record, chapters_done, findings = ledger.snapshot(job_id)
    current = status_of(job_id, record, chapters_done, findings).as_dict()
    dest = current.pop("dest", None)
    current.pop("job_id", None)
    view = {
        "id": job_id,
        **current,
        "created_at": float(record.get("created_at", 0)),
        "finished_at": float(record["finished_at"]) if record.get("finished_at") else None,
        "manifest_key": MANIFEST_KEY if current["state"] == JobState.DONE else None,
    }
    if record.get("webhook"):
        view["webhook"] = webhook_view(record)
    if with_dest:
        view["dest"] = dest
    return view


def webhook_view(record: dict[str, str]) -> dict[str, Any]:
    """Where the job's webhook stands: "waiting" for the job to end, then pending,
    delivered or failed (the last failed attempt's error, such as "HTTP 500")."""
    return {
        "state": record.get("webhook_state", "waiting"),
        "attempts": int(record.get("webhook_attempts", 0)),
        "last_error": record.get("webhook_last_error") or None,
    }


# How often `narrate wait` reads a job's state: a read is a few Redis calls, and each
# second of polling was up to a second after a job's end (half a second on average).
WAIT_POLL_S = 0.25


def wait(ledger: Ledger, job_id: str, poll_s: float = WAIT_POLL_S, show: bool = True) -> Status:
    """Poll until the job is final, drawing a progress bar on a terminal."""
    while True:
        current = status(ledger, job_id)
        if show:
            share = current.segments_done / max(current.segments_total, 1)
            bar = "#" * int(30 * share) + "." * (30 - int(30 * share))
            sys.stderr.write(
                f"\r[{bar}] {current.segments_done}/{current.segments_total} "
                f"segments, {current.audio_s:.1f} s audio, {current.state.value}  "
            )
            sys.stderr.flush()
        if current.state in FINAL:
            if show:
                sys.stderr.write("\n")
            return current
        time.sleep(poll_s)
