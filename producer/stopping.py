"""`narrate synth` told to stop (Ctrl-C, SIGTERM), as make or pip are.

The first signal stops the book: no chapter is begun, and those begun are finished and
stored, so that a rerun keeps them (`worker.chapters`, `worker.narrators`). That can take
minutes, so it is said at once. A second signal abandons them: the helper processes end
(`worker.spawn.end_helpers`), the files the abandoned chapters had under way go, and the
process exits at once, with os._exit: its own threads, narrating, can neither be stopped
nor waited for. An abandoned chapter never got its marks, which are written last, so a
rerun narrates it again (`worker.stages.finished_chapters`). Either way the last line says
how many chapters are kept, as the output folder has them.

Only this process acts on a signal. SIGTERM sent to every process of the run (systemd's
stop, `kill -- -PGID`) is SIGTERM to it alone: its helpers leave another's to it, and end
when it tells them (`worker.spawn`).

A signal ignored when narrate started stays ignored, as it does for make and Python itself:
a script's `narrate synth ... &` starts it with SIGINT ignored so that the terminal's
Ctrl-C, meant for the script, does not stop it.
"""

import contextlib
import logging
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, NoReturn

from config.jobs import job_id_for
from config.layout import BOOK_PIECES, marks_key
from worker.spawn import end_helpers, forget_semaphores
from worker.storage import SCRATCH, LocalStorage

if TYPE_CHECKING:
    from config.jobs import Progress
    from config.manuscript import Manuscript
    from config.settings import SynthesisOptions

# The folders of a chapter's files, each written as NAME.part and then renamed into place
# (`LocalStorage.put_file`): an abandoned write leaves its .part.
WRITTEN = ("chapters", "marks", "subtitles", BOOK_PIECES)


class Stopping:
    """Ctrl-C and SIGTERM for one `narrate synth`, from its start to its exit."""

    def __init__(self, output: Path, status: int) -> None:
        """`status`: the exit status of an interrupted run."""
        self.output, self.status = output, status
        self._book: tuple[str, list[int]] | None = None  # its job id, its chapters' indexes
        self._audio_settings = ""  # their digest, which a chapter kept was narrated under
        self._progress: Callable[[], Progress | None] = lambda: None
        self._scratch: set[Path] = set()  # in the scratch folder before the book began
        self._signalled_once = False
        for signum in (signal.SIGINT, signal.SIGTERM):
            if signal.getsignal(signum) is not signal.SIG_IGN:
                signal.signal(signum, self._signalled)

    def narrating(
        self,
        manuscript: "Manuscript",
        options: "SynthesisOptions",
        audio_settings: str,
        progress: Callable[[], "Progress | None"],
    ) -> None:
        """The book's narration begins, under the audio settings of that digest
        (`worker.stages.audio_settings_digest`); `progress` gives its progress as last
        reported."""
        self._book = (job_id_for(manuscript, options), [ch.index for ch in manuscript.chapters])
        self._audio_settings = audio_settings
        self._progress = progress
        self._scratch = _files(self.output / SCRATCH)

    def interrupted(self) -> int:
        """Say what is kept, once the chapters begun are stored; the exit status."""
        # Nothing is left to abandon, and a signal as the interpreter exits would kill it by
        # the signal, after the last line and without the exit status it promises.
        _ignore_signals()
        if self._book is not None:
            LocalStorage(self.output, create=False).tidy_scratch()
        _say(self.last_line())
        return self.status

    def last_line(self) -> str:
        if self._book is None:
            return "narrate: interrupted before narrating began"
        kept = _kept(LocalStorage(self.output, create=False), *self._book, self._audio_settings)
        if not kept:
            return "narrate: interrupted; no chapter was finished"
        are = "chapter is" if kept == 1 else "chapters are"
        return f"narrate: interrupted; {kept} finished {are} kept, rerun the same command to resume"

    def _signalled(self, signum: int, frame: FrameType | None) -> None:
        if self._signalled_once:
            self._abandon()
        self._signalled_once = True
        _say(self._stopping_line())
        raise KeyboardInterrupt

    def _stopping_line(self) -> str:
        progress = self._progress()
        if progress is None or progress.chapters_done == progress.chapters_total:
            return "narrate: stopping (Ctrl-C again to stop now)"
        # 0 or less: not known yet, a narrating process's report still on its way
        begun = progress.chapters_begun - (progress.chapters_done - progress.chapters_kept)
        chapters = "chapters" if begun <= 0 else "chapter" if begun == 1 else f"{begun} chapters"
        return f"narrate: stopping: finishing the {chapters} begun (Ctrl-C again to stop now)"

    def _abandon(self) -> NoReturn:
        _ignore_signals()  # a third would begin this again
        logging.disable(logging.CRITICAL)  # the abandoned work's errors, as it is cut off
        end_helpers()
        forget_semaphores()
        if self._book is not None:
            self._tidy()
        _say(self.last_line())
        with contextlib.suppress(OSError, ValueError):
            sys.stdout.flush()
        os._exit(self.status)

    def _tidy(self) -> None:
        """What the abandoned chapters had under way: their spools and files half written,
        which would stay there, a rerun writing its own."""
        left = _files(self.output / SCRATCH) - self._scratch
        for folder in WRITTEN:
            left.update((self.output / folder).rglob("*.part"))
        for path in left:
            with contextlib.suppress(OSError):
                path.unlink()
        LocalStorage(self.output, create=False).tidy_scratch()


def _kept(storage: LocalStorage, job_id: str, indexes: list[int], audio_settings: str) -> int:
    """The job's chapters a rerun keeps: those with their marks, written last, narrated
    under these audio settings (a rerun narrates the others again). Their audio is not
    hashed again here (seconds for a long book); a rerun does."""
    return sum(_marked(storage, job_id, index, audio_settings) for index in indexes)


def _marked(storage: LocalStorage, job_id: str, index: int, audio_settings: str) -> bool:
    try:
        marks = storage.get_json(marks_key(index))
        # "": marks from before the digest, which a rerun keeps (`finished_chapters`)
        return bool(marks.get("job_id") == job_id) and marks.get("audio_settings", "") in (
            "",
            audio_settings,
        )
    except (OSError, ValueError, AttributeError):  # none, or not narrate's
        return False


def _files(folder: Path) -> set[Path]:
    try:
        return {path for path in folder.iterdir() if path.is_file()}
    except OSError:
        return set()


def _ignore_signals() -> None:
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_IGN)


def _say(line: str) -> None:
    """A line on stderr, below a progress bar's (or the terminal's ^C)."""
    with contextlib.suppress(OSError, ValueError):
        print(f"\n{line}", file=sys.stderr, flush=True)
