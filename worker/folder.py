"""`narrate synth`'s output folder: one run at a time, and nobody else's files touched.

A run holds the folder by an exclusive flock on the folder itself: another run into it, or
`narrate redo`, is refused at once. The kernel lets the lock go when the process ends,
however it ends (SIGKILL too), so there is never a stale lock to clear, nor a lock file
left behind.

Only narrate's files are narrate's to write over or remove: those an earlier run's manifest
or marks name, and those in the record (`worker.written`) a run keeps of what it wrote
before its book was whole. A file of anyone else's in narrate's places (a chapters/000.wav,
a book.m4b, a manifest.json not narrate's) stops a run before any work. A finished book of
other text or options is narrated over only when asked (`replace`): until then its files
stay whole, and `narrate verify` and `narrate redo` go on trusting them.

An unfinished run's finished chapters are kept for it to resume, so they are as much
another book's as a finished book's files: the folder records which book each job that
wrote into it narrates (`RUNS`, beside the record), and finished chapters of another book,
or of a job whose book no record names (a folder of an older narrate), are narrated over
only when asked (`replace`) too. Those of the same book with other options are narrated
again, and said.
"""

import errno
import fcntl
import hashlib
import logging
import os
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pydantic import BaseModel, ValidationError

from config.errors import DiskFullError, OutputError
from config.layout import (
    BOOK_KEY,
    BOOK_PIECES,
    MANIFEST_KEY,
    SAMPLE_KEY,
    SOURCE_KEY,
    chapter_key,
)
from config.manifest import ChapterEntry, Manifest
from config.manuscript import Manuscript
from config.settings import AUDIO_FORMATS
from worker.storage import LocalStorage, Storage, check_key
from worker.written import Written

log = logging.getLogger(__name__)

# The record of what runs wrote, while the folder's book is unfinished: beside the book,
# not in .work, whose files an abandoned run removes.
RECORD = ".narrate-written"
# Which book each job that wrote into the folder narrates, while its book is unfinished;
# named after the record, and gone with it.
RUNS = RECORD + ".jobs"
_COVER = re.compile(r"source/cover\.[A-Za-z0-9]+")
_MARKS = re.compile(r"marks/\d{3,}\.json")
_PIECE = re.compile(rf"{BOOK_PIECES}\d{{3,}}-[0-9a-f]{{16}}\.m4a")
_FULL = {errno.ENOSPC: "no space left on device", errno.EDQUOT: "disk quota exceeded"}


class Folder:
    """An output folder this process holds (`held`)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.base = LocalStorage(root)  # made, and found writable, before it is locked
        self._lock = _locked(root)
        self._prepared: tuple[str, LocalStorage] | None = None

    def prepare(
        self, job_id: str, replace: bool = False, manuscript: Manuscript | None = None
    ) -> LocalStorage:
        """The storage job_id's run (of `manuscript`) writes through, once the folder is
        found fit for it: no file of anyone else's where narrate writes, and no finished
        book, nor finished chapters of an unfinished run, of another book unless `replace`.
        Before any write; the same again for the same job."""
        if self._prepared and self._prepared[0] == job_id:
            return self._prepared[1]
        record = Written(self.root / RECORD)
        manifest = _manifest(self.base)
        recorded = _keys(record)
        if recorded != record.keys():  # the lines passed over go, said once
            record.keep_only(recorded)
        known = recorded | _narrated(self.base, manifest, recorded)
        _refuse_foreign(self.root, _in_narrates_places(self.base) - known)
        other = manifest if manifest is not None and manifest.job_id != job_id else None
        if other is not None and not replace:
            raise OutputError(_another_book(self.root, other))
        runs = _Runs.read(self.root / RUNS)
        book = chapter_digests(manuscript) if manuscript is not None else []
        named = manifest.named_keys() if manifest is not None else set()
        unfinished = _finished_by_job(self.base, named, job_id)
        if not replace:
            _check_unfinished(self.root, runs, book, unfinished)
        # Recorded before a file changes: once the manifest is replaced, the record is what
        # still says which of the files an earlier run left are narrate's.
        record.add(known)
        given_up = set(runs.replaced)
        if replace:  # given up: their chapters no reason to refuse a later run of this job
            given_up |= set(unfinished) | set(runs.books) | ({other.job_id} if other else set())
        # A job run again is no longer given up: its chapters are kept for it once more.
        runs.replaced = sorted(given_up - {job_id})
        runs.books[job_id] = book or runs.books.get(job_id, [])
        runs.write(self.root / RUNS)
        if other is not None:  # the folder no longer holds that book: verify and redo say so
            self.base.remove(MANIFEST_KEY)
        storage = LocalStorage(self.root, written=record)
        self._prepared = (job_id, storage)
        return storage

    def finish(self, manifest: Manifest) -> None:
        """The book is whole: the files earlier runs left that it does not name go (never a
        user's: only recorded ones), and the record with them, the manifest naming the rest."""
        if self._prepared is None:
            return
        storage = self._prepared[1]
        assert storage.written is not None
        keep = manifest.named_keys() | {MANIFEST_KEY, SOURCE_KEY, manifest.metadata.cover_key}
        left = sorted(key for key in _keys(storage.written) - keep if storage.exists(key))
        removed, linked = [], []
        for key in left:
            try:
                storage.remove(key)
                removed.append(key)
            except OutputError as error:  # the book is whole: say so, and go on
                log.warning("%s", error)
                linked.append(key)  # still narrate's: recorded for a later run to try
        if removed:
            log.warning(
                "removed %d files an earlier run left in %s (%s): this book's manifest does "
                "not name them",
                len(removed),
                self.root,
                ", ".join(removed[:3]) + (", ..." if len(removed) > 3 else ""),
            )
        storage.written.keep_only(linked)
        _Runs.remove(self.root / RUNS)  # the manifest says which job the folder's book is

    def release(self) -> None:
        self.base.tidy_scratch()  # a failed run's .work, if it left it empty
        if self._lock is not None:
            os.close(self._lock)  # the lock goes with the descriptor
            self._lock = None


_holding: dict[Path, Folder] = {}
_holding_lock = threading.Lock()


@contextmanager
def held(root: Path) -> Iterator[Folder]:
    """root held by this process for the block: refused (OutputError) when another process
    holds it; held already here (the CLI, then `worker.pipeline.narrate`), the same hold. A
    full disk met within is said in one line (DiskFullError)."""
    with said_full(root):
        key = root.resolve()
        with _holding_lock:
            folder = _holding.get(key)
        if folder is not None:
            yield folder
            return
        folder = Folder(root)
        with _holding_lock:
            _holding[key] = folder
        try:
            yield folder
        finally:
            with _holding_lock:
                del _holding[key]
            folder.release()


@contextmanager
def said_full(root: Path) -> Iterator[None]:
    """A full disk or quota, however deep it was met (a spool, an encoder's process, a
    file stored), as one DiskFullError naming the folder and the space left."""
    try:
        yield
    except DiskFullError:
        raise
    except Exception as error:
        code = _full(error)
        if code is None:
            raise
        raise DiskFullError(
            f"{root}: {_FULL[code]}{_free(root)}; finished chapters are kept"
        ) from error


def _full(error: BaseException) -> int | None:
    """The errno of a full disk behind error (our errors keep the OSError as their cause)."""
    seen: set[int] = set()
    cause: BaseException | None = error
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, OSError) and cause.errno in _FULL:
            return cause.errno
        cause = cause.__cause__ or cause.__context__
    return None


def _free(root: Path) -> str:
    for place in (root, *root.parents):
        try:
            return f" ({shutil.disk_usage(place).free // 2**20} MB free)"
        except OSError:  # not made yet: its parent's disk
            continue
    return ""


def _locked(root: Path) -> int | None:
    """A descriptor of root holding its exclusive lock; None where the filesystem takes
    no lock (some network ones): said, and the run goes on, as before there was a lock."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = _holder(fd)
        os.close(fd)
        raise OutputError(f"{root}: in use by another narrate run{holder}") from None
    except OSError as error:
        os.close(fd)
        log.warning("%s: cannot be locked (%s): runs into it at once are not refused", root, error)
        return None
    return fd


def _holder(fd: int) -> str:
    """' (pid N)' of the process holding the folder's lock, as Linux's /proc/locks lists
    it ("1: FLOCK  ADVISORY  WRITE 793 fe:00:2351505 0 EOF"); '' where none is found."""
    stat = os.fstat(fd)
    place = (os.major(stat.st_dev), os.minor(stat.st_dev), stat.st_ino)
    try:
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return ""
    for line in lines:
        fields = line.split()
        if "FLOCK" not in fields or "->" in fields:  # a waiter's line, not the holder's
            continue
        at = fields.index("FLOCK") + 3
        if len(fields) > at + 1 and _place(fields[at + 1]) == place:
            return f" (pid {fields[at]})"
    return ""


def _place(field: str) -> tuple[int, int, int] | None:
    """(major, minor, inode) of /proc/locks' "fe:00:2351505": device numbers in hex."""
    try:
        major, minor, inode = field.split(":")
        return int(major, 16), int(minor, 16), int(inode)
    except ValueError:
        return None


def _manifest(storage: LocalStorage) -> Manifest | None:
    """The folder's manifest, if there is one and it is narrate's."""
    try:
        return Manifest.model_validate_json(storage.get_bytes(MANIFEST_KEY))
    except (OSError, ValueError):
        return None


class _Marked(BaseModel):
    """Of a chapter's marks, what names its files (the rest, its word marks, not kept)."""

    entry: ChapterEntry


def _keys(record: Written) -> set[str]:
    """The record's keys that name a file in the folder: a line edited in by hand or
    damaged ("../../elsewhere") names none, and is no reason to fail a finished book."""
    keys: set[str] = set()
    recorded = record.keys()
    for key in recorded:
        try:
            keys.add(check_key(key))
        except OutputError:
            log.warning("%s: %r is no file of the folder's; passed over", record.path, key)
    return keys


def _narrated(storage: LocalStorage, manifest: Manifest | None, recorded: set[str]) -> set[str]:
    """The files an earlier run's manifest, manuscript, marks and book pieces name: a folder
    written before narrate kept its record, or since its book was whole."""
    keys: set[str] = set()
    if manifest is not None:
        keys |= {MANIFEST_KEY, SOURCE_KEY, manifest.metadata.cover_key, *manifest.named_keys()}
    if SOURCE_KEY not in keys | recorded and storage.exists(SOURCE_KEY):
        try:
            stored = Manuscript.model_validate_json(storage.get_bytes(SOURCE_KEY))
            keys |= {SOURCE_KEY, stored.metadata.cover_key}
        except (OSError, ValueError):
            pass  # not narrate's
    entries = []
    for key in sorted(storage.listed("marks/") - keys - recorded):
        if _MARKS.fullmatch(key):
            try:
                entries.append(_Marked.model_validate_json(storage.get_bytes(key)).entry)
                keys.add(key)
            except (OSError, ValueError, ValidationError):
                continue  # not narrate's
    keys |= _named(entries)
    keys |= {key for key in storage.listed(BOOK_PIECES) if _PIECE.fullmatch(key)}
    keys.discard("")
    return keys


def _named(entries: list[ChapterEntry]) -> set[str]:
    """The files these chapters' entries name, as a manifest of them would."""
    empty = {"job_id": "", "voice": "", "model_variant": "", "created_at": "", "finished_at": ""}
    return Manifest(**empty, sample_rate=0, options={}, chapters=entries).named_keys()


def _in_narrates_places(storage: LocalStorage) -> set[str]:
    """The files where narrate writes, named as narrate names its own."""
    source = {k for k in storage.listed("source/") if k == SOURCE_KEY or _COVER.fullmatch(k)}
    manifest = {MANIFEST_KEY} if storage.exists(MANIFEST_KEY) else set()
    return book_files(storage) | source | manifest


def _refuse_foreign(root: Path, keys: set[str]) -> None:
    if not keys:
        return
    names = sorted(keys)
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    were, them = ("was", "it") if len(names) == 1 else ("were", "them")
    raise OutputError(
        f"{root}: {shown} {were} not written by narrate; move {them} or choose another folder"
    )


def _another_book(root: Path, manifest: Manifest) -> str:
    title = f'"{manifest.metadata.title}", ' if manifest.metadata.title else ""
    return (
        f"{root}: holds another finished book ({title}{manifest.job_id}: other text or "
        "options); to narrate this one in its place add --replace, or choose another folder"
    )


def chapter_digests(manuscript: Manuscript) -> list[str]:
    """The book a job narrates, whatever its options and how it was read: its chapters'
    texts' digests. Two jobs sharing one narrate the same book: a lexicon, a locale, its
    credits, --skip or a newer reader leave most chapters' texts as they were, and with the
    whole manuscript's digest the same book rerun with a lexicon added was refused as
    another book."""
    return sorted({hashlib.sha256(ch.text.encode()).hexdigest()[:16] for ch in manuscript.chapters})


class _Runs(BaseModel):
    """RUNS: of the jobs that wrote into an unfinished folder, the book each narrates
    (`chapter_digests`; none where its caller did not say), and those `replace` gave up."""

    books: dict[str, list[str]] = {}
    replaced: list[str] = []

    @classmethod
    def read(cls, path: Path) -> "_Runs":
        try:
            return cls.model_validate_json(path.read_bytes())
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError) as error:  # damaged: every other job's book unknown
            log.warning("%s: passed over (%s)", path, error)
            return cls()

    def write(self, path: Path) -> None:
        part = path.with_name(path.name + ".part")
        try:
            part.write_text(self.model_dump_json(), encoding="utf-8")
            part.replace(path)
        except OSError as error:
            part.unlink(missing_ok=True)
            raise OutputError(f"{path}: cannot write ({error.strerror})") from error

    @staticmethod
    def remove(path: Path) -> None:
        try:
            path.unlink(missing_ok=True)
        except OSError as error:
            log.warning("%s: cannot remove (%s)", path, error.strerror)


class _Resumable(BaseModel):
    """Of a chapter's marks, what says it is a finished chapter of its job."""

    job_id: str
    audio_sha256: str


def _finished_by_job(storage: LocalStorage, named: set[str], job_id: str) -> dict[str, int]:
    """How many finished chapters (marks, and the audio they were made with) each job but
    job_id left in the folder, those of its manifest (named) aside: what a rerun of that
    job would keep."""
    found: dict[str, int] = {}
    for key in sorted(storage.listed("marks/") - named):
        if not _MARKS.fullmatch(key):
            continue
        try:
            marks = _Resumable.model_validate_json(storage.get_bytes(key))
        except (OSError, ValueError, ValidationError):
            continue  # not narrate's, or damaged: no chapter a rerun would keep
        audio = chapter_key(int(key.removeprefix("marks/").removesuffix(".json")))
        if marks.job_id == job_id or storage.sha256(audio) != marks.audio_sha256:
            continue
        found[marks.job_id] = found.get(marks.job_id, 0) + 1
    return found


def _check_unfinished(root: Path, runs: _Runs, book: list[str], unfinished: dict[str, int]) -> None:
    """Finished chapters of another book's unfinished run refused (as a finished book is),
    those of this book with other options said: they are narrated again."""
    pending = {job: n for job, n in unfinished.items() if job not in runs.replaced}
    same = {job: n for job, n in pending.items() if set(book) & set(runs.books.get(job, []))}
    others = {job: n for job, n in pending.items() if job not in same}
    if others:
        jobs = ", ".join(sorted(others))
        count = sum(others.values())
        chapters = "chapter" if count == 1 else "chapters"
        known = all(runs.books.get(job) for job in others)
        whose = "another book's unfinished run" if known else "an unfinished run of other text"
        finish = ", or rerun that book's command to finish it" if known else ""
        raise OutputError(
            f"{root}: holds {whose} ({jobs}) with {count} finished {chapters}; to narrate "
            f"this book there add --replace{finish}"
        )
    if same:
        count = sum(same.values())
        chapters = "chapter" if count == 1 else "chapters"
        log.warning(
            "%s: options or reading changed since the earlier run (%s): %d kept %s narrated again",
            root,
            ", ".join(sorted(same)),
            count,
            chapters,
        )


# Where a book's files go (config.layout): what is there and unnamed by its manifest is stray.
BOOK_FOLDERS = ("chapters/", "marks/", "subtitles/")
# The names narrate gives files there (config.layout): others are a user's or a system's.
_BOOK_FILE = re.compile(
    rf"chapters/\d{{3,}}(?:-\d+)?\.(?:{'|'.join(AUDIO_FORMATS)})"
    r"|marks/\d{3,}\.jsonl?|subtitles/\d{3,}\.(?:srt|vtt)"
    r"|marks/(?:mp3/\d{3,}(?:-\d+)?|book)\.jsonl"
    r"|subtitles/(?:mp3/\d{3,}(?:-\d+)?|book)\.(?:srt|vtt)"
)


def stray_keys(storage: Storage, manifest: Manifest) -> list[str]:
    """Files in a book's own places that its manifest does not name: another run's, into
    the same folder (another book, or the same with other formats), which a publisher
    would ship with this one's."""
    return sorted(book_files(storage) - manifest.named_keys())


def book_files(storage: Storage) -> set[str]:
    """The files in a book's own places named as narrate names a book's files: this book's,
    another run's, or a user's that a book's would be taken for."""
    found = set().union(*(storage.listed(folder) for folder in BOOK_FOLDERS))
    found = {key for key in found if _BOOK_FILE.fullmatch(key)}  # not .DS_Store, Thumbs.db
    found.update(key for key in (BOOK_KEY, SAMPLE_KEY) if storage.exists(key))
    return found
