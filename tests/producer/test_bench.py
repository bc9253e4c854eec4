"""`narrate bench --queue`: synth and the same text as a job, side by side. Real
redis-server, a real S3 API server, a real `narrate worker` started by the bench."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.services import BUCKET, Services


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    running = Services(tmp_path_factory.mktemp("services")).start()
    yield running
    running.stop()


def test_the_queue_bench_compares_a_job_with_synth_and_leaves_nothing_behind(
    services: Services, tmp_path: Path
) -> None:
    text = tmp_path / "short.txt"
    text.write_text("The keeper climbed the stairs. At dusk he lit the lamp, and it turned.")

    benched = services.narrate("bench", str(text), "--queue", f"s3://{BUCKET}/bench")

    assert benched.returncode == 0, benched.stdout + benched.stderr
    rows = benched.stdout.splitlines()
    assert any(row.startswith("narrate synth") for row in rows)
    assert any(row.startswith("narrate job (Redis + S3)") for row in rows)
    assert "time ratio" in benched.stdout
    assert "the job's chapters equal synth's, sample for sample: yes" in benched.stdout
    # The job's chapters and manifest were read back, then removed from the bucket
    assert services.keys("bench/") == []
