"""Send every chunk of a job a second time, as soon as its chapter is planned: what Redis
does when a chunk outlives the visibility timeout. Usage: python -m tests.duplicate_chunks JOB,
or with no JOB, the job id read from stdin: started (its imports done) before the job is
enqueued, it misses no chunk on a loaded machine.

Prints how many chunks were sent twice. Each is sent as soon as it is seen pending, not
after the last chapter is planned: a fast worker has finished the first chapters by then.
"""

import sys
import time

from worker.tasks import enqueue_chunk, ledger


def main(job_id: str) -> int:
    job_id = job_id or sys.stdin.readline().strip()
    deadline = time.time() + 120
    total = int(ledger().job(job_id)["chapters_total"])
    sent = set()
    while time.time() < deadline:
        planned = ledger().planned_chapters(job_id)  # before the chunks: none is missed
        for ref in ledger().pending_chunks(job_id):
            if ref not in sent:
                enqueue_chunk(ref)
                sent.add(ref)
        if planned >= total:
            break
        time.sleep(0.02)
    print(len(sent))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else ""))
