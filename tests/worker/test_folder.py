"""`narrate synth`'s output folder (`worker.folder`): a user's files in it are never written
over or removed, another finished book stays whole unless replaced, one run holds it at a
time, and a full disk is said in one line."""

import errno
import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from config.errors import DiskFullError, OutputError
from config.layout import SOURCE_KEY
from config.manuscript import Chapter, Manuscript
from config.settings import Settings, SynthesisOptions
from models.piper import PiperVoice
from worker.folder import RECORD, RUNS, held
from worker.pipeline import narrate
from worker.storage import LocalStorage
from worker.written import Written

ROOT = Path(__file__).resolve().parents[2]
BOOK = Manuscript(
    chapters=[
        Chapter(index=0, text="The lamp was lit."),
        Chapter(index=1, text="The ships turned at dusk."),
        Chapter(index=2, text="Dawn came."),
    ]
)
OTHER = Manuscript(chapters=[Chapter(index=0, text="Another book, a short one.")])
SETTINGS = Settings(chapters_in_flight=2)


def files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file()
    }


def test_files_narrate_did_not_write_stop_the_run_before_any_work(
    voice: PiperVoice, tmp_path: Path
) -> None:
    """No earlier run, no manifest: these are the user's, and named, not removed."""
    for key in ("book.m4b", "sample.mp3", "chapters/005.wav", "notes.txt"):
        (tmp_path / key).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / key).write_text(f"the user's {key}")
    before = files(tmp_path)

    with pytest.raises(OutputError) as refused:
        narrate(BOOK, SynthesisOptions(), tmp_path, SETTINGS, voice=voice)

    assert str(refused.value) == (
        f"{tmp_path}: book.m4b, chapters/005.wav, sample.mp3 were not written by narrate; "
        "move them or choose another folder"
    )
    assert files(tmp_path) == before  # nothing written, not even a record
    assert {p.name for p in tmp_path.iterdir()} == {
        "book.m4b",
        "sample.mp3",
        "chapters",
        "notes.txt",
    }


def test_another_programs_manifest_is_not_taken_for_narrates(
    voice: PiperVoice, tmp_path: Path
) -> None:
    (tmp_path / "manifest.json").write_text('{"pages": 3}')
    with pytest.raises(OutputError, match=r"manifest\.json was not written by narrate; move it"):
        narrate(BOOK, SynthesisOptions(), tmp_path, SETTINGS, voice=voice)
    assert (tmp_path / "manifest.json").read_text() == '{"pages": 3}'


def test_a_users_files_beside_the_book_stay_its_work_folder_too(
    voice: PiperVoice, tmp_path: Path
) -> None:
    """The folder may be the user's home: its work/m4b/ is not narrate's to empty (the
    book's pieces were made there, and were removed with rmtree)."""
    mine = {
        "notes.txt": b"the user's own",
        "chapters/.DS_Store": b"x",
        "chapters/cover art.png": b"x",
        "work/m4b/mine.m4a": b"the user's audio",
    }
    for key, data in mine.items():
        (tmp_path / key).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / key).write_bytes(data)

    made = narrate(BOOK, SynthesisOptions(formats=["wav", "m4b"]), tmp_path, SETTINGS, voice=voice)

    assert made.book is not None and (tmp_path / made.book.key).is_file()
    assert {key: files(tmp_path)[key] for key in mine} == mine
    assert not (tmp_path / RECORD).exists()  # the book whole: its manifest names its files


def test_another_finished_book_stays_whole_unless_replaced(
    voice: PiperVoice, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    options = SynthesisOptions(formats=["wav", "flac"])
    first = narrate(BOOK, options, tmp_path, SETTINGS, voice=voice)
    (tmp_path / "notes.txt").write_text("the user's own")
    finished = files(tmp_path)

    with pytest.raises(OutputError) as refused:
        narrate(OTHER, SynthesisOptions(), tmp_path, SETTINGS, voice=voice)

    assert f"holds another finished book ({first.job_id}: other text or options)" in str(
        refused.value
    )
    assert "add --replace" in str(refused.value)
    assert files(tmp_path) == finished
    with caplog.at_level(logging.WARNING, logger="worker.folder"):
        made = narrate(OTHER, SynthesisOptions(), tmp_path, SETTINGS, voice=voice, replace=True)
    # The first book's chapters 1 and 2, and its FLAC files, were narrate's: they go.
    assert set(files(tmp_path)) == {
        "manifest.json",
        "source/manuscript.json",
        "chapters/000.wav",
        "marks/000.json",
        "marks/000.jsonl",
        "subtitles/000.srt",
        "subtitles/000.vtt",
        "notes.txt",
    }
    assert "removed 13 files an earlier run left" in caplog.text
    assert made.job_id != first.job_id


def test_a_run_cut_short_records_its_files_and_the_next_book_removes_them(
    voice: PiperVoice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A chapter's captions are stored before its marks: the run failing there, no marks
    and no manifest name them. The record does, so a rerun writes over them and a run of
    another book removes them; neither takes them for the user's."""
    import worker.stages

    def failing(*args: object) -> None:
        raise OutputError("the disk went away")

    monkeypatch.setattr(worker.stages, "deliver_chapter", failing)
    with pytest.raises(OutputError, match="the disk went away"):
        narrate(BOOK, SynthesisOptions(), tmp_path, SETTINGS, voice=voice)
    monkeypatch.undo()
    left = {key for key in files(tmp_path) if not key.startswith((RECORD, ".work/"))}
    assert "subtitles/000.srt" in left and not (tmp_path / "marks/000.json").exists()
    assert left <= Written(tmp_path / RECORD).keys()

    narrate(OTHER, SynthesisOptions(), tmp_path, SETTINGS, voice=voice)

    assert not (tmp_path / "subtitles/002.srt").exists()
    assert not (tmp_path / RECORD).exists()


HOLD = """
import sys, time
from pathlib import Path
from worker.folder import held
with held(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(600)
"""


def test_a_folder_held_by_another_process_is_refused_and_freed_when_it_is_killed(
    voice: PiperVoice, tmp_path: Path
) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        began = time.monotonic()
        with pytest.raises(OutputError) as refused:
            narrate(BOOK, SynthesisOptions(), tmp_path, SETTINGS, voice=voice)
        assert str(refused.value) == f"{tmp_path}: in use by another narrate run (pid {holder.pid})"
        assert time.monotonic() - began < 5  # at once, not once the other is done
        assert not (tmp_path / "source").exists()
    finally:
        holder.send_signal(signal.SIGKILL)  # no chance to let go: the kernel does
        holder.wait()
    made = narrate(BOOK, SynthesisOptions(), tmp_path, SETTINGS, voice=voice)
    assert len(made.chapters) == 3


def test_a_hold_within_a_hold_of_one_process_is_the_same_hold(tmp_path: Path) -> None:
    with held(tmp_path) as outer, held(tmp_path / ".") as inner:
        assert inner is outer
    with held(tmp_path):  # let go: held again
        pass


@pytest.mark.parametrize(
    "code,said", [(errno.ENOSPC, "no space left on device"), (errno.EDQUOT, "disk quota exceeded")]
)
def test_a_full_disk_met_anywhere_is_said_in_one_line(tmp_path: Path, code: int, said: str) -> None:
    """As a file stored wraps it (OutputError from OSError), or as a spool meets it."""
    storage = LocalStorage(tmp_path)
    for raised in (OSError(code, os.strerror(code)), _wrapped(code)):
        with pytest.raises(DiskFullError) as full, held(storage.root):
            raise raised
        assert str(full.value).startswith(f"{tmp_path}: {said} (")
        assert str(full.value).endswith(" MB free); finished chapters are kept")
    with pytest.raises(OutputError, match="not full"), held(tmp_path):
        raise OutputError("not full")


def _wrapped(code: int) -> OutputError:
    try:
        raise OSError(code, os.strerror(code))
    except OSError as error:
        try:
            raise OutputError("chapters/000.wav: cannot write") from error
        except OutputError as wrapped:
            return wrapped


def test_a_failed_run_leaves_the_manuscript_its_manifest_was_made_from(
    voice: PiperVoice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The manuscript was stored first: a run of the whole book after `--chapter 1`, failing
    in its first chapter, left the manifest of one chapter beside the text of three, and
    verify paired them wrongly."""
    import worker.stages

    narrate(BOOK, SynthesisOptions(), tmp_path, SETTINGS, voice=voice, only=[1])
    before = {key: (tmp_path / key).read_bytes() for key in ("manifest.json", SOURCE_KEY)}

    def failing(*args: object) -> None:
        raise OutputError("the disk went away")

    monkeypatch.setattr(worker.stages, "deliver_chapter", failing)
    with pytest.raises(OutputError, match="the disk went away"):
        narrate(BOOK, SynthesisOptions(), tmp_path, SETTINGS, voice=voice)

    assert {key: (tmp_path / key).read_bytes() for key in before} == before


def test_an_earlier_runs_file_reached_by_a_link_out_of_the_folder_stays(
    voice: PiperVoice, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """chapters/ moved to a folder other books share, and linked: what narrate wrote there
    may be another book's by now. Not removed (and said); still recorded as narrate's, so
    the next run neither refuses it nor forgets it."""
    out, shared = tmp_path / "out", tmp_path / "shared"
    narrate(BOOK, SynthesisOptions(), out, SETTINGS, voice=voice)
    (out / "chapters").rename(shared)
    (out / "chapters").symlink_to(shared)
    with caplog.at_level(logging.WARNING, logger="worker.folder"):
        narrate(OTHER, SynthesisOptions(), out, SETTINGS, voice=voice, replace=True)
    assert "chapters/001.wav: not removed, it lies outside" in caplog.text
    assert {p.name for p in shared.iterdir()} == {"000.wav", "001.wav", "002.wav"}
    assert Written(out / RECORD).keys() == {"chapters/001.wav", "chapters/002.wav"}
    narrate(OTHER, SynthesisOptions(), out, SETTINGS, voice=voice)  # all kept, nothing refused


def test_a_record_naming_a_file_outside_the_folder_removes_nothing_there(
    voice: PiperVoice, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A hostile or damaged record ("../elsewhere.wav"): the book is narrated, that file is
    neither removed nor a reason to fail, each such line is said once, and the record goes
    with the book whole."""
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere.wav"
    elsewhere.write_bytes(b"not narrate's")
    out.mkdir()
    (out / RECORD).write_text("../elsewhere.wav\n/etc/hostname\nchapters/../../x\n")
    with caplog.at_level(logging.WARNING, logger="worker.folder"):
        narrate(BOOK, SynthesisOptions(), out, SETTINGS, voice=voice)
    said = [
        r.getMessage() for r in caplog.records if "is no file of the folder's" in r.getMessage()
    ]
    assert len(said) == 3 and all(any(k in m for m in said) for k in ("elsewhere", "hostname"))
    assert elsewhere.read_bytes() == b"not narrate's"
    assert (out / "manifest.json").exists() and not (out / RECORD).exists()


CHAPTER = (
    "The ships turned at dusk and the harbour lamps were lit one by one along the quay, "
    "while the keeper counted the masts and wrote each name into his long grey book."
)


def _synth(*args: str | Path) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "producer.cli", "synth", *map(str, args), "--no-progress"]
    return subprocess.run(argv, cwd=ROOT, env=_ENV, capture_output=True, text=True)


_ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def _interrupted(book: Path, out: Path, *args: str) -> str:
    """`narrate synth` stopped by Ctrl-C once a chapter of this run is stored: its output."""
    argv = [sys.executable, "-m", "producer.cli", "synth", str(book), "-o", str(out), *args]
    began = time.time()
    child = subprocess.Popen(
        [*argv, "--no-progress"],
        cwd=ROOT,
        env=_ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # a terminal's job: Ctrl-C reaches the whole group
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 120
    while not [p for p in out.glob("marks/*.json") if p.stat().st_mtime > began]:
        assert child.poll() is None and time.monotonic() < deadline, child.communicate()[0]
        time.sleep(0.1)
    os.killpg(child.pid, signal.SIGINT)
    said, _ = child.communicate(timeout=120)
    assert child.returncode == 130, said
    return said


def _finished(out: Path) -> tuple[str, int]:
    """The job of the folder's finished chapters, and how many there are."""
    jobs = {json.loads(p.read_text())["job_id"] for p in out.glob("marks/*.json")}
    assert len(jobs) == 1
    return jobs.pop(), len(list(out.glob("marks/*.json")))


def test_another_books_unfinished_run_is_refused_as_a_finished_book_is(tmp_path: Path) -> None:
    """Its finished chapters are kept for it to resume: a run of another book into the
    folder, without --replace, removed them once it was whole. The same book read with a
    lexicon added (another job: the lexicon is the manuscript's) narrates them again, and
    says so: a digest of its whole manuscript had refused it as another book's."""
    book, small, out = tmp_path / "book.md", tmp_path / "small.md", tmp_path / "out"
    book.write_text("\n\n".join(f"# Chapter {i}\n\n{CHAPTER} {CHAPTER}" for i in range(1, 6)))
    small.write_text("# One\n\nA short book.\n\n# Two\n\nIt ends here.\n")
    _interrupted(book, out)
    job, kept = _finished(out)
    before = files(out)
    chapters = "chapter" if kept == 1 else "chapters"

    refused = _synth(small, "-o", out)

    assert refused.returncode == 2, refused.stderr
    assert refused.stderr.strip().splitlines()[-1] == (
        f"narrate: error: {out}: holds another book's unfinished run ({job}) with {kept} "
        f"finished {chapters}; to narrate this book there add --replace, or rerun that "
        "book's command to finish it"
    )
    assert files(out) == before  # nothing removed, nothing recorded

    # A folder of an older narrate records no book: another job's chapters are refused too.
    runs = out / RUNS
    recorded = runs.read_bytes()
    runs.unlink()
    unknown = _synth(book, "-o", out, "--seed", "7")
    assert unknown.returncode == 2
    assert unknown.stderr.strip().splitlines()[-1] == (
        f"narrate: error: {out}: holds an unfinished run of other text ({job}) with {kept} "
        f"finished {chapters}; to narrate this book there add --replace"
    )
    runs.write_bytes(recorded)

    lexicon = tmp_path / "names.tsv"
    lexicon.write_text("Harbour\tharbor\n")
    again = _synth(book, "-o", out, "--lexicon", lexicon)

    assert again.returncode == 0, again.stderr
    assert (
        f"options or reading changed since the earlier run ({job}): {kept} kept {chapters} "
        "narrated again" in " ".join(again.stderr.split())
    )
    assert json.loads((out / "manifest.json").read_text())["job_id"] != job
    assert not runs.exists() and not (out / RECORD).exists()


def _left_chapter(out: Path, job_id: str, index: int) -> None:
    """A chapter an interrupted run of job_id finished: its audio, and its marks naming
    the job and the audio's digest (what a rerun of that job would keep)."""
    audio = out / f"chapters/{index:03d}.wav"
    audio.parent.mkdir(parents=True, exist_ok=True)
    audio.write_bytes(b"RIFF" + bytes([index]) * 64)
    marks = out / f"marks/{index:03d}.json"
    marks.parent.mkdir(parents=True, exist_ok=True)
    digest = LocalStorage(out).sha256(f"chapters/{index:03d}.wav")
    marks.write_text(json.dumps({"job_id": job_id, "audio_sha256": digest}))
    Written(out / RECORD).add({f"chapters/{index:03d}.wav", f"marks/{index:03d}.json"})


def test_a_job_given_up_by_replace_and_run_again_is_kept_for_once_more(tmp_path: Path) -> None:
    """Book A's run (job-a) is interrupted; book B is started over it with --replace and
    interrupted before it finished a chapter; job-a is run again and finishes another. A
    later run of book B without --replace must be refused: job-a stayed given up, and its
    new chapters were narrated over."""
    out = tmp_path / "out"
    out.mkdir()
    with held(out) as folder:
        folder.prepare("job-a", manuscript=BOOK)
    _left_chapter(out, "job-a", 0)
    with held(out) as folder:
        folder.prepare("job-b", replace=True, manuscript=OTHER)
    with held(out) as folder:
        folder.prepare("job-a", manuscript=BOOK)
    _left_chapter(out, "job-a", 1)
    refused = r"holds another book's unfinished run \(job-a\) with 2"
    with held(out) as folder, pytest.raises(OutputError, match=refused):
        folder.prepare("job-b", manuscript=OTHER)
