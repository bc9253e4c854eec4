"""What an interrupted `narrate synth` says it kept (the signals themselves are sent to real
runs in tests/worker/test_narrators.py)."""

import json
import signal
from pathlib import Path

from config.jobs import job_id_for
from config.layout import marks_key
from config.manuscript import Chapter, Manuscript
from config.settings import SynthesisOptions
from producer.stopping import Stopping

BOOK = Manuscript(chapters=[Chapter(index=i, text=f"Chapter {i} was read.") for i in range(3)])


def test_chapters_a_rerun_narrates_again_are_not_said_to_be_kept(tmp_path: Path) -> None:
    """A chapter narrated under other audio settings (another level, other pauses) is
    narrated again by the rerun (`worker.stages.finished_chapters`): not counted kept.
    Marks from before the digest was recorded are kept, and counted."""
    handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        stopping = Stopping(tmp_path, 130)
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
    options = SynthesisOptions()
    stopping.narrating(BOOK, options, "digest-now", lambda: None)
    job = job_id_for(BOOK, options)
    for index, audio in ((0, "digest-now"), (1, "digest-before"), (2, None)):
        marks = {"job_id": job} | ({"audio_settings": audio} if audio else {})
        path = tmp_path / marks_key(index)
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(marks))
    assert stopping.last_line() == (
        "narrate: interrupted; 2 finished chapters are kept, rerun the same command to resume"
    )
