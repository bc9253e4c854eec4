"""Send every chunk of a job a second time, as soon as the job is planned: what Redis does
when a chunk outlives the visibility timeout. Usage: python -m tests.duplicate_chunks JOB"""

import sys
import time

from worker.tasks import enqueue_chunk, ledger


def main(job_id: str) -> int:
    deadline = time.time() + 120
    total = int(ledger().job(job_id)["chapters_total"])
    # Chapters are planned (and their chunks sent) one after another: wait for the last.
    while ledger().planned_chapters(job_id) < total and time.time() < deadline:
        time.sleep(0.05)
    pending = ledger().pending_chunks(job_id)
    for ref in pending:
        enqueue_chunk(ref)
    print(len(pending))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
