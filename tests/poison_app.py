"""A worker app for tests: our app, where synthesizing any chunk of a job whose destination
contains NARRATE_TEST_POISON_MARK kills the worker process (SIGKILL), as input that crashes
the runtime would. The crash is real; only its trigger is planted."""

import os
import signal
from typing import Any

from worker import jobs
from worker.app import app

__all__ = ["app"]

_real = jobs._synthesize_missing


def _synthesize_or_crash(job: Any, *args: Any, **kwargs: Any) -> bool:
    mark = os.environ.get("NARRATE_TEST_POISON_MARK")
    if mark and mark in job.record.get("dest", ""):
        os.kill(os.getpid(), signal.SIGKILL)
    return _real(job, *args, **kwargs)


jobs._synthesize_missing = _synthesize_or_crash
