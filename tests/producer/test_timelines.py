"""`narrate synth --format mp3,m4b` writes speech marks and subtitles on each MP3's and the
M4B's timeline: each word is heard in the decoded file when they say, as it is in the WAV
when the chapter's marks say; `narrate verify` checks them."""

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import soundfile

from config.manifest import Manifest
from tests.producer.test_cli import narrate
from tests.worker.timeline_audio import decoded, lag_s
from worker.subtitles import read_cues

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("timelines") / "out"
    made = narrate("synth", DATA / "two_chapters.txt", "-o", folder, "--format", "mp3,m4b",
                   "--no-progress")  # fmt: skip
    assert made.returncode == 0, made.stderr
    return folder


def manifest(out: Path) -> Manifest:
    return Manifest.model_validate_json((out / "manifest.json").read_text())


def events(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def words(path: Path) -> list[tuple[float, str]]:
    return [(int(e["time"]) / 1000, str(e["value"])) for e in events(path) if e["type"] == "word"]


def test_the_manifest_names_each_files_marks_and_subtitles(out: Path) -> None:
    made = manifest(out)
    for entry in made.chapters:
        (captions,) = entry.captions
        assert captions.audio_key == f"chapters/{entry.index:03d}.mp3"
        assert captions.named_keys() == [
            f"marks/mp3/{entry.index:03d}.jsonl",
            f"subtitles/mp3/{entry.index:03d}.srt",
            f"subtitles/mp3/{entry.index:03d}.vtt",
        ]
    assert made.book and made.book.captions
    keys = ["marks/book.jsonl", "subtitles/book.srt", "subtitles/book.vtt"]
    assert made.book.captions.named_keys() == keys
    assert all((out / key).is_file() for key in keys)


def test_each_word_of_an_mp3s_marks_is_heard_there_then(out: Path) -> None:
    for entry in manifest(out).chapters:
        wav, _ = soundfile.read(str(out / entry.audio_key), dtype="float32")
        mp3 = decoded(out / entry.files["mp3"][0])
        in_wav = words(out / entry.speech_marks_key)
        in_mp3 = words(out / entry.captions[0].speech_marks_key)
        assert [w for _, w in in_mp3] == [w for _, w in in_wav]
        for (wav_s, _), (mp3_s, word) in zip(in_wav, in_mp3, strict=True):
            assert abs(lag_s(wav, wav_s, mp3, mp3_s)) <= 0.02, (entry.index, word)
        assert entry.captions[0].offset_s > 0.1  # the room tone padded at the head


def test_each_word_of_the_books_marks_is_heard_in_the_m4b_then(out: Path) -> None:
    made = manifest(out)
    book = decoded(out / "book.m4b")
    heard = [e for e in events(out / "marks/book.jsonl") if e["type"] == "word"]
    for entry in made.chapters:
        wav, _ = soundfile.read(str(out / entry.audio_key), dtype="float32")
        own = [e for e in heard if e["chapter"] == entry.index]
        in_wav = words(out / entry.speech_marks_key)
        assert [e["value"] for e in own] == [w for _, w in in_wav]
        for (wav_s, word), event in zip(in_wav, own, strict=True):
            assert abs(lag_s(wav, wav_s, book, int(event["time"]) / 1000)) <= 0.02, word


def test_the_book_subtitles_follow_each_chapters_by_its_start(out: Path) -> None:
    made = manifest(out)
    assert made.book
    starts = [c.start_s for c in made.book.chapters]
    book = read_cues((out / "subtitles/book.vtt").read_text())
    chapters = [
        read_cues((out / key).read_text()) for e in made.chapters for key in e.subtitle_keys[1:]
    ]
    moved = [c.start_s + start for cues, start in zip(chapters, starts, strict=True) for c in cues]
    assert [c.start_s for c in book] == pytest.approx(moved, abs=0.0011)
    assert [c.lines for c in book] == [c.lines for cues in chapters for c in cues]


def test_verify_checks_the_files_timelines(out: Path, tmp_path: Path) -> None:
    assert narrate("verify", out).returncode == 0
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    late = copy / "marks/mp3/001.jsonl"
    late.write_text(late.read_text().replace('"time": ', '"time": 9', 1))
    (copy / "subtitles/book.srt").unlink()
    found = narrate("verify", copy)
    assert found.returncode == 1
    assert "chapter 1: marks/mp3/001.jsonl: 1 marks off the file's timeline" in found.stderr
    assert "subtitles/book.srt is missing" in found.stderr


def test_a_file_on_a_timeline_the_manifest_does_not_name_is_stray(
    out: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    (copy / "subtitles/mp3/007-2.srt").write_text("")
    found = narrate("verify", copy)
    assert "subtitles/mp3/007-2.srt: a file the manifest does not name" in found.stderr
