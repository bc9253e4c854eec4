"""Send every chunk of a job a second time, as soon as the job is planned: what Redis does
when a chunk outlives the visibility timeout. Usage: python -m tests.duplicate_chunks JOB"""

import sys
import time

from worker.tasks import enqueue_chunk, ledger


def main(job_id: str) -> int:
    deadline = time.time() + 120
    while not ledger().redis.hlen(ledger().key(job_id, "chunks")) and time.time() < deadline:
        time.sleep(0.05)
    pending = ledger().pending_chunks(job_id)
    for ref in pending:
        enqueue_chunk(ref)
    print(len(pending))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
