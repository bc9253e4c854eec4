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

    benched = services.narrate(
        "bench", str(text), "--queue", f"s3://{BUCKET}/bench", "--rounds", "2"
    )

    assert benched.returncode == 0, benched.stdout + benched.stderr
    rows = benched.stdout.splitlines()
    assert [row for row in rows if row.startswith("round ")] == ["round 1 of 2", "round 2 of 2"]
    synth_rows = [row.split() for row in rows if row.startswith("narrate synth")]
    synth = [float(row[3]) for row in synth_rows]
    assert all(float(row[7]) > 0 for row in synth_rows)  # each round narrated (infer s)
    job = [float(row.split()[5]) for row in rows if row.startswith("narrate job (Redis + S3)")]
    assert len(synth) == len(job) == 2
    assert rows.count("the job's chapters equal synth's, sample for sample: yes") == 2
    # The median of two rounds' time ratios is their mean
    (summary,) = [row for row in rows if row.startswith("over 2 rounds")]
    median = float(summary.split("time ratio median ")[1].split("x")[0])
    assert median == pytest.approx(
        (job[0] / synth[0] + job[1] / synth[1]) / 2, abs=0.05
    )  # walls printed to 0.1 s
    # The job's chapters and manifest were read back, then removed from the bucket
    assert services.keys("bench/") == []
