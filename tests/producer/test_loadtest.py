"""The service's load test, small: jobs submitted at once while clients poll, each job run
once to the end by a real worker; `make load` runs it at full size for the figures."""

import subprocess
import sys
from pathlib import Path

from tests.services import ROOT, Services


def test_jobs_submitted_at_once_all_finish_once(tmp_path: Path) -> None:
    services = Services(tmp_path).start()
    try:
        run = subprocess.run(
            [sys.executable, "-m", "producer.loadtest", "--jobs", "12", "--clients", "6"],
            env=services.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        services.stop()
    assert run.returncode == 0, run.stdout + run.stderr
    assert "12 jobs submitted at once" in run.stdout and '{"done": 12}' in run.stdout
    assert "problem" not in run.stdout
    assert "p99" in run.stdout
