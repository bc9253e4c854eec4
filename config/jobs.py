"""What the producer and the worker agree on about a job, without the inference stack.

A job id is derived from what is narrated, so the same manuscript with the same options and
destination is the same job however often it is submitted. The producer submits work by task
name; the worker registers its tasks under the same names.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, Field

from config.errors import PermanentError
from config.manifest import ChapterEntry, Manifest
from config.manuscript import LexiconEntry, Manuscript
from config.settings import MAX_SEED, SynthesisOptions

REDO_TEXT_CHARS = 1000  # a redo's text: a few segments' words at most

PLAN_TASK = "narrate.plan"
CHUNK_TASK = "narrate.chunk"
CHAPTER_TASK = "narrate.chapter"
FINALIZE_TASK = "narrate.finalize"
RECONCILE_TASK = "narrate.reconcile"
REDO_TASK = "narrate.redo"
WEBHOOK_TASK = "narrate.webhook"
PURGE_TASK = "narrate.purge"
QUEUE = "narrate"


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


FINAL = frozenset({JobState.DONE, JobState.FAILED, JobState.CANCELLED})


class WebhookState(StrEnum):
    """Where the notification of a final job to its webhook stands (none before then)."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


def job_id_for(
    manuscript: Manuscript, options: SynthesisOptions, dest: str = "", tenant: str = ""
) -> str:
    """The same manuscript with the same options (and destination) is the same job; two
    tenants of the service never share one."""
    digest = hashlib.sha256(manuscript.model_dump_json().encode())
    digest.update(options.model_dump_json().encode())
    digest.update(dest.encode())
    if tenant:
        digest.update(b"\0tenant:" + tenant.encode())
    return "job-" + digest.hexdigest()[:16]


@dataclass
class Progress:
    """Counters a progress bar shows."""

    segments_total: int
    segments_done: int = 0
    audio_s: float = 0.0
    chapters_total: int = 0
    chapters_done: int = 0
    # Begun by this run, whether done or not: those not done yet are what an interrupted
    # run waits for.
    chapters_begun: int = 0
    # Of those done, what an earlier run of the job had finished: a speed counts the rest.
    chapters_kept: int = 0
    audio_kept_s: float = 0.0


class RedoRequest(BaseModel):
    """`narrate redo`: which segment to render again, and how."""

    chapter: int = Field(description="Index, from 0, as in chapters/NNN.wav.")
    segment: int = Field(description="Index in the chapter, from 0, as QA findings count.")
    text: str | None = Field(
        None,
        max_length=REDO_TEXT_CHARS,
        description="Said instead of the segment's text, as one utterance: a segment's words "
        "(a segment is ~300 characters; 26 KB of text held 2.7 GB and ran for minutes).",
    )
    seed: int | None = Field(None, ge=0, le=MAX_SEED)
    lexicon: tuple[LexiconEntry, ...] = ()

    def redo_id(self, job_id: str) -> str:
        """The same request on the same job is the same redo, so a redelivered one (or the
        same command run twice) does its work once."""
        asked = [job_id, self.model_dump(mode="json")]
        return "redo-" + hashlib.sha256(json.dumps(asked).encode()).hexdigest()[:16]

    def entry_in(self, manifest: Manifest) -> ChapterEntry:
        """The chapter's entry in a book's manifest; a PermanentError where the book has no
        such chapter, or the chapter no such segment (said before a redo is queued)."""
        entries = {entry.index: entry for entry in manifest.chapters}
        if self.chapter not in entries:
            raise PermanentError(
                f"chapter {self.chapter} does not exist (this output has {_chapters(entries)})"
            )
        entry = entries[self.chapter]
        if not 0 <= self.segment < len(entry.segments):
            raise PermanentError(
                f"chapter {self.chapter} has no segment {self.segment} (its segments are "
                f"0 to {len(entry.segments) - 1}, as its entry in manifest.json lists them)"
            )
        return entry


def _chapters(numbers: Iterable[int]) -> str:
    """The chapters an output holds: "chapters 0 to 4", or "chapters 3, 12 and 19" where
    it was narrated with `--chapter`."""
    ordered = sorted(numbers)
    if ordered == list(range(ordered[0], ordered[-1] + 1)):
        span = f"{ordered[0]} to {ordered[-1]}"
        return f"chapters {span}" if len(ordered) > 1 else f"chapter {ordered[0]}"
    *rest, last = (str(number) for number in ordered)
    return f"chapters {', '.join(rest)} and {last}"
