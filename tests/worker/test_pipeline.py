"""narrate() over the real voice: chapters start longest first, phonemized one at a time,
in this process or in a phonemizer process of its own (as on a GPU host); other formats
encoded in processes beside the inference, a failed one failing the book."""

import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

import worker.batcher
import worker.chapters
import worker.pipeline
import worker.stages
import worker.synthesize
from config.errors import FormatError
from config.layout import SOURCE_KEY, chapter_key
from config.manifest import ChapterMarks, Manifest
from config.manuscript import NOT_ASKED_FOR, Chapter, LexiconEntry, Manuscript
from config.settings import Settings, SynthesisOptions
from models.piper import PiperVoice
from models.wording import Wording
from producer.readers.book import only_chapters
from worker.pipeline import narrate
from worker.segment import Segment

TEXTS = [
    "A short one.",
    "The longest chapter of the three, which a book run should begin with. It goes on.",
    "One of middle length, here.",
]
BOOK = Manuscript(chapters=[Chapter(index=i, text=t) for i, t in enumerate(TEXTS)])
# A lexicon that changes the audio: a phonemizer that ignored it would give another book.
LEXICON = [LexiconEntry(grapheme="short", alias="brief")]
SETTINGS = Settings(chapters_in_flight=3)


def test_chapters_start_longest_first_and_are_phonemized_one_at_a_time(
    voice: PiperVoice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    phonemized: list[int] = []
    lexicons: list[list[Any]] = []
    busy, most = 0, 0
    lock = threading.Lock()
    phonemize = worker.chapters.phonemize_here

    def recording(
        voice: Any, name: str, segments: Sequence[Segment], wording: Wording, text: str
    ) -> Any:
        nonlocal busy, most
        with lock:
            phonemized.append(
                next(i for i, t in enumerate(TEXTS) if t.startswith(segments[0].text))
            )
            lexicons.append(list(wording.lexicon))
            busy += 1
            most = max(most, busy)
        try:
            return phonemize(voice, name, segments, wording, text)
        finally:
            with lock:
                busy -= 1

    monkeypatch.setattr(worker.chapters, "phonemize_here", recording)
    book = BOOK.model_copy(update={"lexicon": LEXICON})
    manifest = narrate(book, SynthesisOptions(), tmp_path, SETTINGS, voice=voice)
    assert phonemized == [1, 2, 0]
    assert lexicons == [LEXICON] * 3
    assert most == 1
    assert [ch.index for ch in manifest.chapters] == [0, 1, 2]  # the book's order
    assert all((tmp_path / ch.audio_key).is_file() for ch in manifest.chapters)


def test_a_phonemizer_process_gives_the_same_book(
    voice: PiperVoice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def book(apart: bool) -> Manifest:
        monkeypatch.setattr(worker.chapters, "_phonemize_apart", lambda *_: apart)
        out = tmp_path / ("apart" if apart else "here")
        book = BOOK.model_copy(update={"lexicon": LEXICON})
        return narrate(book, SynthesisOptions(), out, SETTINGS, voice=voice)

    here, apart = book(False), book(True)
    assert [ch.sha256 for ch in apart.chapters] == [ch.sha256 for ch in here.chapters]
    # word links made in the phonemizer process are those made in a thread
    assert _words(tmp_path / "apart", apart) == _words(tmp_path / "here", here)


def phonemizer_loaded(voice: str) -> bool:
    """In a phonemizer process: whether the voice's phonemizer is loaded already."""
    return voice in worker.synthesize._phonemizers


def test_a_phonemizer_started_ahead_is_the_one_the_chapters_are_phonemized_in(
    voice: PiperVoice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`phonemizer_ahead` (a GPU's narrating process starts one as it starts): its process
    has loaded the phonemizer before any chapter comes; given to `narrate_chapters`, the
    chapters are phonemized there, no other phonemizer process is started, the book is the
    same as with one of its own, and it is shut down after."""
    ahead = worker.chapters.phonemizer_ahead("joe")
    assert ahead.submit(phonemizer_loaded, "joe").result(timeout=120)
    made: list[Any] = []
    helper_pool, narrate_chapters = worker.chapters.helper_pool, worker.chapters.narrate_chapters

    def recorded(*args: Any, **kwargs: Any) -> Any:
        made.append(helper_pool(*args, **kwargs))
        return made[-1]

    def given(*args: Any, **kwargs: Any) -> Any:
        return narrate_chapters(*args, **kwargs, phonemizer=ahead)

    monkeypatch.setattr(worker.chapters, "helper_pool", recorded)
    monkeypatch.setattr(worker.chapters, "_phonemize_apart", lambda *_: True)
    monkeypatch.setattr(worker.pipeline, "narrate_chapters", given)
    book = BOOK.model_copy(update={"lexicon": LEXICON})
    with_ahead = narrate(book, SynthesisOptions(), tmp_path / "ahead", SETTINGS, voice=voice)
    assert made == []
    with pytest.raises(RuntimeError, match="after shutdown"):
        ahead.submit(print)
    monkeypatch.setattr(worker.pipeline, "narrate_chapters", narrate_chapters)
    own = narrate(book, SynthesisOptions(), tmp_path / "own", SETTINGS, voice=voice)
    assert len(made) == 1
    assert [ch.sha256 for ch in with_ahead.chapters] == [ch.sha256 for ch in own.chapters]


def test_chapters_are_phonemized_a_few_ahead_of_those_begun_not_all_at_once(
    voice: PiperVoice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A book's phonemes are not all held at once: the soak's memory grew with them."""
    events: list[tuple[str, int]] = []
    lock = threading.Lock()
    phonemize, plan = worker.chapters.phonemize_here, worker.chapters.plan_chapter

    def chapter_of(segments: Sequence[Segment]) -> int:
        return next(i for i, t in enumerate(TEXTS) if t.startswith(segments[0].text))

    def phonemizing(voice: Any, name: str, segments: Sequence[Segment], *rest: Any) -> Any:
        with lock:
            events.append(("phonemize", chapter_of(segments)))
        return phonemize(voice, name, segments, *rest)

    def planning(voice: Any, chapter: Chapter, *args: Any) -> Any:
        if chapter.index == 1:
            # Time for a phonemizer given every chapter at once to reach the last one; a
            # window of one reaches it only after this chapter has begun.
            time.sleep(0.3)
        with lock:
            events.append(("plan", chapter.index))
        return plan(voice, chapter, *args)

    monkeypatch.setattr(worker.chapters, "phonemize_here", phonemizing)
    monkeypatch.setattr(worker.chapters, "plan_chapter", planning)
    monkeypatch.setattr(worker.chapters, "PHONEMIZED_AHEAD", 1)
    monkeypatch.setattr(worker.chapters, "_phonemize_apart", lambda *_: False)
    one_at_a_time = Settings(chapters_in_flight=1)
    manifest = narrate(BOOK, SynthesisOptions(), tmp_path / "ahead", one_at_a_time, voice=voice)
    # Longest first (1, 2, 0): the last is phonemized only once the first has begun.
    assert [chapter for kind, chapter in events if kind == "phonemize"] == [1, 2, 0]
    assert events.index(("phonemize", 0)) > events.index(("plan", 1))
    monkeypatch.setattr(worker.chapters, "PHONEMIZED_AHEAD", 100)
    at_once = narrate(BOOK, SynthesisOptions(), tmp_path / "at-once", one_at_a_time, voice=voice)
    assert [ch.sha256 for ch in manifest.chapters] == [ch.sha256 for ch in at_once.chapters]


def test_encoders_that_cannot_start_leave_no_phonemizer_process_running(
    voice: PiperVoice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process pool left running when its owner exits can hang the exit (cpython#83386)."""
    made: list[Any] = []
    helper_pool = worker.chapters.helper_pool

    def recorded(workers: int) -> Any:
        made.append(helper_pool(workers))
        return made[-1]

    def no_encoders(*_: Any) -> Any:
        raise OSError("cannot start the encoding processes")

    monkeypatch.setattr(worker.chapters, "helper_pool", recorded)
    monkeypatch.setattr(worker.chapters, "_phonemize_apart", lambda *_: True)
    monkeypatch.setattr(worker.chapters, "_encoders", no_encoders)
    with pytest.raises(OSError, match="encoding processes"):
        narrate(BOOK, SynthesisOptions(formats=["mp3"]), tmp_path, SETTINGS, voice=voice)
    assert len(made) == 1
    with pytest.raises(RuntimeError, match="after shutdown"):
        made[0].submit(print)


def test_the_cpu_phonemizes_apart_only_while_the_voice_is_still_to_load(
    voice: PiperVoice, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Apart, the phonemizer uses the core a voice's load leaves idle; once the voice is
    loaded both cores infer, and a thread phonemizes."""
    cpu = Settings(device="cpu")
    loaded: set[str] = set()
    monkeypatch.setattr(worker.chapters, "is_loaded", lambda name: name in loaded)
    assert worker.chapters._phonemize_apart(cpu, None, "joe")
    loaded.add("joe")
    assert not worker.chapters._phonemize_apart(cpu, None, "joe")
    assert not worker.chapters._phonemize_apart(cpu, voice, "joe")  # given: no load to wait for


TEXTS_INDEXES = range(len(TEXTS))


def _words(out: Path, manifest: Manifest) -> list[Any]:
    return [
        ChapterMarks.model_validate_json((out / ch.marks_key).read_text()).words
        for ch in manifest.chapters
    ]


def test_formats_encoded_in_processes_are_those_made_in_line(
    voice: PiperVoice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = SynthesisOptions(formats=["wav", "flac"])
    pooled = narrate(BOOK, options, tmp_path / "pooled", SETTINGS, voice=voice)
    monkeypatch.setattr(worker.chapters, "_encoders", lambda *_: None)
    in_line = narrate(BOOK, options, tmp_path / "in-line", SETTINGS, voice=voice)
    assert [ch.files for ch in pooled.chapters] == [ch.files for ch in in_line.chapters]
    assert not (tmp_path / "pooled" / ".work").exists()  # the spools' folder, empty, gone
    for chapter in pooled.chapters:
        key = chapter.files["flac"][0]
        pooled_file, in_line_file = tmp_path / "pooled" / key, tmp_path / "in-line" / key
        assert pooled_file.read_bytes() == in_line_file.read_bytes()


def test_a_failed_encoding_fails_the_book_and_a_rerun_makes_only_what_is_missing(
    voice: PiperVoice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = SynthesisOptions(formats=["wav", "flac"])
    encode = worker.stages.encode

    def failing(*args: Any) -> Any:
        if args[-1][0] == 1:
            raise FormatError("chapter 1 cannot be encoded")
        return encode(*args)

    # Threads for processes: the fault is planted in this process.
    monkeypatch.setattr(worker.chapters, "_encoders", lambda *_: ThreadPoolExecutor(2))
    monkeypatch.setattr(worker.stages, "encode", failing)
    with pytest.raises(FormatError, match="chapter 1 cannot be encoded"):
        narrate(BOOK, options, tmp_path, SETTINGS, voice=voice)
    assert not (tmp_path / "manifest.json").exists()
    assert not (tmp_path / "marks" / "001.json").exists()
    done = {i for i in TEXTS_INDEXES if (tmp_path / "marks" / f"{i:03d}.json").exists()}

    monkeypatch.setattr(worker.stages, "encode", encode)
    made: list[int] = []
    narrate_chapter = worker.chapters._narrate_chapter

    def recording(voice: Any, plan: Any, *args: Any) -> Any:
        made.append(plan.chapter.index)
        return narrate_chapter(voice, plan, *args)

    monkeypatch.setattr(worker.chapters, "_narrate_chapter", recording)
    manifest = narrate(BOOK, options, tmp_path, SETTINGS, voice=voice)
    assert sorted(made) == sorted(set(TEXTS_INDEXES) - done)
    assert all((tmp_path / ch.files["flac"][0]).is_file() for ch in manifest.chapters)


def test_only_a_long_book_warms_the_voice_up_for_a_long_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[bool] = []

    def get_voice(name: str, device: str | None = None, long_run: bool = True) -> Any:
        asked.append(long_run)
        raise FormatError("stop here: the voice was asked for")

    monkeypatch.setattr(worker.chapters, "get_voice", get_voice)
    monkeypatch.setattr(worker.chapters, "LONG_RUN_SEGMENTS", 4)
    short = Manuscript(chapters=[Chapter(index=1, text="One. Two. Three.")])
    long = Manuscript(chapters=[Chapter(index=1, text="One. Two. Three. Four. Five.")])
    for book in (short, long):
        settings = Settings(segmenting={"min_chars": 0})  # a sentence a segment
        with pytest.raises(FormatError, match="stop here"):
            narrate(book, SynthesisOptions(), tmp_path / str(len(asked)), settings)
    assert asked == [False, True]


@pytest.mark.timeout(60)
def test_a_retail_sample_alone_finishes_the_chapters_it_is_not_taken_from(
    voice: PiperVoice, tmp_path: Path
) -> None:
    """Only the first chapter has anything to encode (the sample): the others, with no
    encoding, are stored at once rather than waiting for encoders that never report."""
    options = SynthesisOptions(sample_minutes=1)
    manifest = narrate(BOOK, options, tmp_path, SETTINGS, voice=voice)
    assert manifest.sample_key == "sample.mp3" and (tmp_path / "sample.mp3").is_file()
    assert [ch.files for ch in manifest.chapters] == [
        {"wav": [chapter_key(i)]} for i in TEXTS_INDEXES
    ]
    assert (tmp_path / "manifest.json").is_file()


def test_chapters_not_asked_for_are_named_as_a_queued_job_names_them(
    voice: PiperVoice, tmp_path: Path
) -> None:
    """Given an untitled book and `narrate synth --chapter 0`: the chapters left were listed
    as skipped with empty titles, where a queued job of the same choice names each by its
    opening words."""
    narrate(BOOK, SynthesisOptions(), tmp_path, SETTINGS, voice=voice, only=[0])
    stored = Manuscript.model_validate_json((tmp_path / SOURCE_KEY).read_text())
    assert [(s.title, s.reason) for s in stored.skipped] == [
        ("The longest chapter of the three, which a ...", NOT_ASKED_FOR),
        ("One of middle length, here.", NOT_ASKED_FOR),
    ]
    assert stored.skipped == only_chapters(BOOK, [0], "b.txt").skipped


def test_on_the_cpu_the_next_chapter_narrates_beside_the_last_one_s_end(
    voice: PiperVoice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """By default on the CPU two chapters are in flight: the next one's passages take the
    core the last passage of one leaves idle, and the book is the same as one at a time."""
    callers, most = 0, 0
    lock = threading.Lock()
    caller = worker.batcher.Batcher.caller

    def counting(self: Any, passages: int) -> Any:
        @contextmanager
        def counted() -> Any:
            nonlocal callers, most
            with caller(self, passages) as inner:
                with lock:
                    callers += 1
                    most = max(most, callers)
                try:
                    yield inner
                finally:
                    with lock:
                        callers -= 1

        return counted()

    monkeypatch.setattr(worker.batcher.Batcher, "caller", counting)
    assert voice.batch_budget == 0  # the CPU's voice: one passage a run
    together = narrate(BOOK, SynthesisOptions(), tmp_path / "two", Settings(), voice=voice)
    assert most == worker.chapters.CPU_CHAPTERS_IN_FLIGHT == 2
    most = 0
    alone = narrate(
        BOOK, SynthesisOptions(), tmp_path / "one", Settings(chapters_in_flight=1), voice=voice
    )
    assert most == 1
    assert [c.sha256 for c in together.chapters] == [c.sha256 for c in alone.chapters]
