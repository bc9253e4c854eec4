"""A worker app for tests: our app, where a chunk of a job whose destination contains
NARRATE_TEST_STUCK_MARK never returns, as a hung inference would. The hang is real (the
task's thread blocks for good); only its trigger is planted."""

import os
import threading
from typing import Any

from worker import jobs
from worker.app import app

__all__ = ["app"]

_real = jobs._synthesize_missing


def _synthesize_or_hang(job: Any, *args: Any, **kwargs: Any) -> bool:
    mark = os.environ.get("NARRATE_TEST_STUCK_MARK")
    if mark and mark in job.record.get("dest", ""):
        threading.Event().wait()
    return _real(job, *args, **kwargs)


jobs._synthesize_missing = _synthesize_or_hang
