"""What the producer and the worker agree on about a job, without the inference stack.

A job id is derived from what is narrated, so the same manuscript with the same options and
destination is the same job however often it is submitted. The producer submits work by task
name; the worker registers its tasks under the same names.
"""

import hashlib
from dataclasses import dataclass
from enum import StrEnum

from config.manuscript import Manuscript
from config.settings import SynthesisOptions

PLAN_TASK = "narrate.plan"
CHUNK_TASK = "narrate.chunk"
CHAPTER_TASK = "narrate.chapter"
FINALIZE_TASK = "narrate.finalize"
RECONCILE_TASK = "narrate.reconcile"
QUEUE = "narrate"


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


FINAL = frozenset({JobState.DONE, JobState.FAILED, JobState.CANCELLED})


def job_id_for(manuscript: Manuscript, options: SynthesisOptions, dest: str = "") -> str:
    """The same manuscript with the same options (and destination) is the same job."""
    digest = hashlib.sha256(manuscript.model_dump_json().encode())
    digest.update(options.model_dump_json().encode())
    digest.update(dest.encode())
    return "job-" + digest.hexdigest()[:16]


@dataclass
class Progress:
    """Counters a progress bar shows."""

    segments_total: int
    segments_done: int = 0
    audio_s: float = 0.0
    chapters_total: int = 0
    chapters_done: int = 0
