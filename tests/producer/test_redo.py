"""`narrate redo`: one sentence rendered again, every other sample of the book kept."""

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
import soundfile

import worker.redo
from config.jobs import RedoRequest
from config.manifest import ChapterMarks, Manifest
from config.settings import Settings
from models.piper import PiperVoice
from producer.verify import verify
from tests.producer.test_cli import assert_clean_error, narrate
from worker.redo import finish_staged, redo
from worker.storage import LocalStorage
from worker.subtitles import read_cues

BOOK = """CHAPTER I. DUSK

At dusk the keeper climbed the stairs. The lamp was lit at seven.

CHAPTER II. DAWN

At dawn the keeper put the lamp out. He counted the ships that passed. Then he slept until noon.
"""
NEW_TEXT = "At dawn   the old keeper put out the lamp."  # its spaces are the reader's to fold


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("redo")
    (folder / "book.txt").write_text(BOOK, encoding="utf-8")
    result = narrate(
        "synth", folder / "book.txt", "-o", folder / "out", "--format", "wav,mp3,m4b",
        "--sample-minutes", "1", "--no-progress",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return folder / "out"


@pytest.fixture(scope="module")
def redone(made: Path) -> Path:
    out = made.parent / "redone"
    shutil.copytree(made, out)
    result = narrate("redo", out, "--chapter", "1", "--sentence", "1", "--text", NEW_TEXT)
    assert result.returncode == 0, result.stderr
    return out


def manifest(out: Path) -> Manifest:
    return Manifest.model_validate_json((out / "manifest.json").read_text())


def marks(out: Path, chapter: int) -> ChapterMarks:
    return ChapterMarks.model_validate_json((out / f"marks/{chapter:03d}.json").read_text())


def samples(path: Path) -> np.ndarray:
    audio, _ = soundfile.read(path, dtype="int16")
    return audio


def snapshot(out: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(out).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in out.rglob("*")
        if p.is_file()
    }


def test_the_other_samples_stay_and_later_ones_move_by_the_change(made: Path, redone: Path) -> None:
    old, new = samples(made / "chapters/001.wav"), samples(redone / "chapters/001.wav")
    before, after = manifest(made).chapters[1].segments, manifest(redone).chapters[1].segments
    rate = manifest(made).chapters[1].sample_rate
    left = round((before[0].end_s + before[1].start_s) / 2 * rate)
    right = round((before[1].end_s + before[2].start_s) / 2 * rate)
    moved = len(new) - len(old)
    assert moved != 0
    assert np.array_equal(old[:left], new[:left])
    assert np.array_equal(old[right:], new[right + moved :])
    assert not np.array_equal(old[left:right], new[left : right + moved])
    assert after[2].start_s - before[2].start_s == pytest.approx(moved / rate, abs=1 / rate)
    assert after[1].text == "At dawn the old keeper put out the lamp."
    assert [s.text for s in after[::2]] == [s.text for s in before[::2]]


def test_marks_words_and_source_text_stay_consistent(made: Path, redone: Path) -> None:
    old, new = marks(made, 1), marks(redone, 1)
    text = json.loads((redone / "source/manuscript.json").read_text())["chapters"][1]["text"]
    shift_s = new.marks[-1].start_s - old.marks[-1].start_s
    shift_chars = new.marks[-1].char_start - old.marks[-1].char_start
    old_text = manifest(made).chapters[1].segments[1].text  # its sentences, one space apart
    assert shift_chars == len("At dawn the old keeper put out the lamp.") - len(old_text)
    assert new.marks[0] == old.marks[0]
    for mark in new.marks + new.words:
        assert text[mark.char_start : mark.char_end].split() == mark.text.split()
    later = [w for w in old.words if w.char_start >= old.marks[-1].char_start]
    assert [w.start_s + shift_s for w in later] == pytest.approx(
        [w.start_s for w in new.words[-len(later) :]], abs=1e-9
    )
    assert "old" in [w.text for w in new.words]
    assert new.audio_sha256 == manifest(redone).chapters[1].sha256
    assert verify(redone) == []  # files match the manifest, every sentence in order


def test_subtitles_change_only_for_that_sentence(made: Path, redone: Path) -> None:
    # One cue a sentence: the heading's two, the redone segment's two (now one), the last.
    shift_s = manifest(redone).chapters[1].segments[2].start_s - (
        manifest(made).chapters[1].segments[2].start_s
    )
    for kind in ("srt", "vtt"):
        old = read_cues((made / f"subtitles/001.{kind}").read_text())
        new = read_cues((redone / f"subtitles/001.{kind}").read_text())
        assert len(old) == 5 and len(new) == 4
        assert new[:2] == old[:2] and new[3].lines == old[4].lines
        assert new[3].start_s == pytest.approx(old[4].start_s + shift_s, abs=0.0015)
        assert new[2].lines == ["At dawn the old keeper put out the lamp."]


def test_the_manifest_records_the_redo_and_the_m4b_follows_it(made: Path, redone: Path) -> None:
    entry = manifest(redone).chapters[1]
    assert [(r.segment, r.text) for r in entry.redone] == [
        (1, "At dawn the old keeper put out the lamp.")
    ]
    assert entry.duration_s == len(samples(redone / "chapters/001.wav")) / entry.sample_rate
    assert not any(f.segment == 1 for f in entry.qa)
    book = manifest(redone).book
    assert book is not None and book.chapters[1].end_s == pytest.approx(
        sum(c.duration_s for c in manifest(redone).chapters), abs=1e-6
    )
    with av.open(str(redone / "book.m4b")) as m4b:
        read = [(float(c["start"] * c["time_base"]), float(c["end"] * c["time_base"]))
                for c in m4b.chapters()]  # fmt: skip
    expected = [time for c in book.chapters for time in (c.start_s, c.end_s)]
    assert [time for pair in read for time in pair] == pytest.approx(expected, abs=1024 / 44100)
    assert entry.files["mp3"] == ["chapters/001.mp3"]
    assert (redone / "chapters/001.mp3").read_bytes() != (made / "chapters/001.mp3").read_bytes()
    assert not (redone / ".redo").exists()


def test_a_redo_leaves_no_work_folder(made: Path, redone: Path) -> None:
    """Nor the chapter's piece of the M4B it made (each redo left one in work/m4b/)."""
    for work in (".work", "work"):
        assert not (made / work).exists()  # as synth leaves a finished book
        assert not (redone / work).exists()


def test_the_other_chapter_is_untouched(made: Path, redone: Path) -> None:
    names = ["chapters/000.wav", "chapters/000.mp3", "marks/000.json", "marks/000.jsonl",
             "subtitles/000.srt", "subtitles/000.vtt"]  # fmt: skip
    for name in names:
        assert (made / name).read_bytes() == (redone / name).read_bytes(), name
    assert manifest(made).chapters[0] == manifest(redone).chapters[0]


def test_the_retail_sample_stays_the_first_chapters(made: Path, redone: Path) -> None:
    # The redo is chapter 1's; the sample was, and is, chapter 0's opening.
    assert (redone / "sample.mp3").read_bytes() == (made / "sample.mp3").read_bytes()
    with av.open(str(redone / "sample.mp3")) as sample:
        assert sample.metadata["title"] == "CHAPTER I. DUSK"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--chapter", "7", "--sentence", "0"], "chapter 7 does not exist"),
        (["--chapter", "1", "--segment", "9"], "chapter 1 has no segment 9 (its segments are 0"),
        (["--chapter", "1", "--sentence", "9"], "as its entry in manifest.json lists them"),
        (["--chapter", "1", "--sentence", "1", "--text", " "], "--text is empty"),
        (["--chapter", "1", "--sentence", "1", "--seed", "-5"], "--seed: Input should be"),
    ],
)
def test_a_bad_request_is_one_line_and_changes_nothing(
    made: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "out"
    shutil.copytree(made, out)
    before = snapshot(out)
    assert_clean_error(narrate("redo", out, *args), message)
    assert snapshot(out) == before


def test_the_help_says_the_number_is_the_manifests_segment() -> None:
    shown = " ".join(narrate("redo", "--help").stdout.split())
    assert "--segment SEGMENT, --sentence SEGMENT" in shown
    assert "its place in the chapter's segments in manifest.json" in shown
    assert "as QA findings number it" in shown


def test_an_output_that_is_not_narrates_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    before = snapshot(tmp_path)
    result = narrate("redo", tmp_path, "--chapter", "0", "--sentence", "0")
    assert_clean_error(result, "not an output of narrate")
    assert snapshot(tmp_path) == before


def test_a_manifest_naming_files_outside_the_output_is_refused(made: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(made, out)
    data = json.loads((out / "manifest.json").read_text())
    data["chapters"][1]["files"]["mp3"] = ["../../escaped.mp3"]
    (out / "manifest.json").write_text(json.dumps(data))
    before = snapshot(out)
    result = narrate("redo", out, "--chapter", "1", "--sentence", "1")
    assert_clean_error(result, "outside narrate's layout")
    assert snapshot(out) == before and not (tmp_path / "escaped.mp3").exists()


DAWN_CAME = RedoRequest(chapter=1, segment=1, text="Dawn came.")


@pytest.fixture
def copy(made: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(made, out)
    return out


def interrupted(monkeypatch: pytest.MonkeyPatch, after: int) -> None:
    """Make the commit's moves fail after `after` of them, as a killed process would."""
    moves: list[Any] = []
    real: Callable[..., None] = worker.redo.move

    def failing(*args: Any) -> None:
        if len(moves) == after:
            raise KeyboardInterrupt
        moves.append(args)
        real(*args)

    monkeypatch.setattr(worker.redo, "move", failing)


def test_a_redo_interrupted_before_its_moves_leaves_the_old_files(
    copy: Path, voice: PiperVoice, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(copy)
    interrupted(monkeypatch, after=0)
    with pytest.raises(KeyboardInterrupt):
        redo(LocalStorage(copy), DAWN_CAME, Settings(), voice)
    now = snapshot(copy)
    assert {k: v for k, v in now.items() if not k.startswith((".redo/", ".work/"))} == before


def test_a_redo_interrupted_among_its_moves_is_finished_by_the_next(
    copy: Path, voice: PiperVoice, monkeypatch: pytest.MonkeyPatch
) -> None:
    interrupted(monkeypatch, after=2)
    with pytest.raises(KeyboardInterrupt):
        redo(LocalStorage(copy), DAWN_CAME, Settings(), voice)
    assert manifest(copy).chapters[1].redone == []  # the manifest moves last
    monkeypatch.undo()
    finish_staged(LocalStorage(copy))
    assert manifest(copy).chapters[1].segments[1].text == "Dawn came."
    assert verify(copy) == [] and not (copy / ".redo").exists()


@pytest.mark.parametrize(
    "text",
    [
        "Dawn came. The keeper woke",  # two sentences, the last without its period
        "Dawn.",  # lines of the paragraph all short: cut again, they would be verse
    ],
)
def test_verify_passes_a_redo_whose_text_would_be_cut_otherwise(
    copy: Path, voice: PiperVoice, text: str
) -> None:
    manuscript = copy / "source/manuscript.json"
    source = json.loads(manuscript.read_text())
    chapter = source["chapters"][1]
    # A paragraph of a long line and a short one, as a reader may leave it: prose.
    chapter["text"] = chapter["text"].replace("passed. Then", "passed.\nThen")
    manuscript.write_text(json.dumps(source))
    assert verify(copy) == []
    redo(LocalStorage(copy), RedoRequest(chapter=1, segment=1, text=text), Settings(), voice)
    assert verify(copy) == []


def test_the_same_synth_again_keeps_a_redone_text(
    made: Path, copy: Path, voice: PiperVoice
) -> None:
    """Run again, `narrate synth` keeps every chapter, the redone one with its new text."""
    redo(LocalStorage(copy), DAWN_CAME, Settings(), voice)
    again = narrate(
        "synth", made.parent / "book.txt", "-o", copy, "--format", "wav,mp3,m4b",
        "--sample-minutes", "1", "--no-progress",
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert "every chapter kept" in again.stdout
    source = json.loads((copy / "source/manuscript.json").read_text())
    assert "Dawn came." in source["chapters"][1]["text"]
    assert verify(copy) == []


def test_the_same_redo_again_does_nothing(
    copy: Path, voice: PiperVoice, monkeypatch: pytest.MonkeyPatch
) -> None:
    # After a redo short enough that cutting the text again would merge it with the next.
    redo(LocalStorage(copy), DAWN_CAME, Settings(), voice)
    request = RedoRequest(chapter=1, segment=2, seed=7)
    redo(LocalStorage(copy), request, Settings(), voice)
    assert verify(copy) == []
    once = snapshot(copy)
    redo(LocalStorage(copy), request, Settings(), voice)
    assert {k: v for k, v in snapshot(copy).items() if k in once} == once
    assert [r.seed for r in manifest(copy).chapters[1].redone][1:] == [7]
