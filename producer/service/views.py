"""What a caller sees of a job: its state and progress, its chapters, and a stream of
progress events. Read from the ledger (and, once a job is done, its manifest), nothing
kept here but what cannot change: a finished job's manifest, a job's chapter titles."""

import asyncio
import json
from collections import OrderedDict
from collections.abc import AsyncIterator
from typing import Any

from starlette.concurrency import run_in_threadpool

from config.errors import NarrateError
from config.jobs import FINAL, JobState
from config.layout import MANIFEST_KEY, SOURCE_KEY
from config.manifest import AcxReport, ChapterEntry, ChapterMarks, Manifest
from producer.submit import job_view
from worker.acx import in_words
from worker.ledger import Ledger
from worker.storage import Storage, open_storage

KEEP_ALIVE_S = 15.0


class Chapters:
    """Each chapter of a job with its state; once it is assembled, its duration, files,
    ACX report and QA findings."""

    def __init__(self, size: int = 256) -> None:
        self._kept: OrderedDict[str, list[dict[str, Any]]] = OrderedDict()
        self.size = size

    def _keep(self, job_id: str, value: list[dict[str, Any]]) -> None:
        self._kept[job_id] = value
        while len(self._kept) > self.size:
            self._kept.popitem(last=False)

    def of(self, ledger: Ledger, job_id: str) -> list[dict[str, Any]]:
        if job_id in self._kept:
            return self._kept[job_id]
        record = ledger.job(job_id)
        storage = open_storage(record["dest"]).child(job_id)
        if record["state"] == JobState.DONE:
            manifest = Manifest.model_validate(storage.get_json(MANIFEST_KEY))
            done = [_entry(chapter) for chapter in manifest.chapters]
            self._keep(job_id, done)
            return done
        assembled = ledger.chapters_assembled(job_id)
        chapters = []
        for index, title in enumerate(self._titles(storage, job_id)):
            if index in assembled:
                chapters.append(_assembled(storage, index))
            else:
                state = "running" if record["state"] == JobState.RUNNING else record["state"]
                chapters.append({"index": index, "title": title, "state": state})
        return chapters

    def _titles(self, storage: Storage, job_id: str) -> list[str]:
        key = f"titles:{job_id}"
        if key not in self._kept:
            source = storage.get_json(SOURCE_KEY)
            titles = [{"title": chapter.get("title", "")} for chapter in source["chapters"]]
            self._keep(key, titles)
        return [str(entry["title"]) for entry in self._kept[key]]


def _assembled(storage: Storage, index: int) -> dict[str, Any]:
    from config.layout import marks_key

    try:
        marks = ChapterMarks.model_validate(storage.get_json(marks_key(index)))
    except NarrateError:
        return {"index": index, "title": "", "state": "done"}
    return _entry(marks.entry)


def _entry(chapter: ChapterEntry) -> dict[str, Any]:
    files = dict(chapter.files)
    files.setdefault("wav", [chapter.audio_key])
    return {
        "index": chapter.index,
        "title": chapter.title,
        "state": "done",
        "duration_s": chapter.duration_s,
        "files": files,
        "acx": [_acx(report) for report in chapter.acx],
        "qa": [finding.model_dump() for finding in chapter.qa],
    }


def _acx(report: AcxReport) -> dict[str, Any]:
    """The report as the manifest keeps it, and `said`: each failed rule in words, as
    `narrate check --acx` prints them (`problems` lead with the rules' names, for scripts)."""
    # The channels wanted are in_words's default, mono: the worker judged narrate's MP3s so.
    return {**report.model_dump(), "said": in_words(report)}


async def events(ledger: Ledger, job_id: str, poll_s: float = 0.5) -> AsyncIterator[str]:
    """Server-sent events: a `data:` line with the job's view each time it changes, a
    comment now and then to keep proxies from closing the stream, and the end with the
    job's."""
    last, quiet = "", 0.0
    while True:
        view = await run_in_threadpool(job_view, ledger, job_id)
        text = json.dumps(view)
        if text != last:
            yield f"data: {text}\n\n"
            last, quiet = text, 0.0
        if JobState(view["state"]) in FINAL:
            return
        await asyncio.sleep(poll_s)
        quiet += poll_s
        if quiet >= KEEP_ALIVE_S:
            yield ": still running\n\n"
            quiet = 0.0
