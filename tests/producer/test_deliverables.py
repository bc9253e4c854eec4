"""Deliverables a publisher ships: ACX MP3s, the M4B, credits, a retail sample, `narrate check`."""

import json
import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import av
import pytest

from config.manifest import Manifest
from config.manuscript import Metadata
from config.settings import get_settings
from producer.cli import build_parser, reading_from
from producer.readers import read_source
from producer.verify import verify
from tests.producer.test_cli import assert_clean_error, narrate
from tests.producer.test_verify import upload
from tests.services import BUCKET, Services
from worker.m4b import write_m4b

BOOK = """Title: The Lamp
Author: Ann Example

*** START OF THE PROJECT GUTENBERG EBOOK THE LAMP ***

CHAPTER I. DUSK

At dusk the keeper climbed the stairs. The lamp was lit at 7:30 p.m. precisely.

CHAPTER II. DAWN

At dawn the keeper put the lamp out and slept until noon.
"""


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("deliver")
    book = folder / "lamp.txt"
    book.write_text(BOOK, encoding="utf-8")
    result = narrate(
        "synth", book, "-o", folder / "out", "--format", "wav,mp3,m4b,opus,flac",
        "--credits", "--sample-minutes", "1", "--no-progress",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return folder / "out"


def manifest(out: Path) -> Manifest:
    return Manifest.model_validate_json((out / "manifest.json").read_text())


def test_every_format_is_written_and_every_mp3_passes_acx(out: Path) -> None:
    chapters = manifest(out).chapters
    assert [c.title for c in chapters] == [
        "Opening credits", "CHAPTER I. DUSK", "CHAPTER II. DAWN", "Closing credits",
    ]  # fmt: skip
    for entry in chapters:
        assert sorted(entry.files) == ["flac", "mp3", "opus", "wav"]
        assert all((out / key).is_file() for keys in entry.files.values() for key in keys)
        assert len(entry.acx) == 1 and entry.acx[0].passed, entry.acx
        assert entry.acx[0].bit_rate == 192_000 and entry.acx[0].sample_rate == 44100
    assert (out / "sample.mp3").is_file() and manifest(out).sample_key == "sample.mp3"


def test_the_credits_say_the_book_its_author_and_narrator(out: Path) -> None:
    marks = [json.loads((out / f"marks/{i:03d}.json").read_text())["marks"] for i in (0, 3)]
    assert [m["text"] for m in marks[0]] == [
        "This is The Lamp, written by Ann Example, narrated by a synthetic voice."
    ]  # not by joe: the voice's name is not a narrator's
    assert [m["text"] for m in marks[1]] == ["The end of The Lamp."]


def test_the_credits_name_the_narrator_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    book = tmp_path / "lamp.txt"
    book.write_text(BOOK, encoding="utf-8")
    monkeypatch.setenv("NARRATE_NARRATOR", "Jane Doe")
    get_settings.cache_clear()
    try:
        args = build_parser().parse_args(["synth", str(book), "-o", "out", "--credits"])
        opening = read_source(book, reading_from(args)).manuscript.chapters[0]
    finally:
        get_settings.cache_clear()
    assert opening.text == "This is The Lamp, written by Ann Example, narrated by Jane Doe."


def test_the_m4b_has_a_marker_at_each_chapter_at_the_manifests_times(out: Path) -> None:
    book = manifest(out).book
    assert book is not None and book.key == "book.m4b"
    durations = [c.duration_s for c in manifest(out).chapters]
    starts = [sum(durations[:i]) for i in range(len(durations))]
    assert [c.start_s for c in book.chapters] == pytest.approx(starts, abs=1e-6)
    with av.open(str(out / "book.m4b")) as m4b:
        read = [
            (float(c["start"] * c["time_base"]), c["metadata"]["title"]) for c in m4b.chapters()
        ]
        tags = m4b.metadata
    assert [title for _, title in read] == [c.title for c in book.chapters]
    assert [start for start, _ in read] == pytest.approx(starts, abs=1024 / 44100)
    assert not (out / "work" / "m4b").exists()  # the chapters' AAC pieces, muxed and gone
    assert tags["title"] == "The Lamp" and tags["artist"] == "Ann Example"
    assert tags["genre"] == "Audiobook" and tags["composer"] == "a synthetic voice"  # as credited
    head = (out / "book.m4b").read_bytes()[: 1 << 16]
    assert 0 <= head.find(b"moov") < head.find(b"mdat") or b"mdat" not in head


def test_check_passes_a_good_output_and_fails_a_damaged_mp3(out: Path, tmp_path: Path) -> None:
    checked = narrate("check", out, "--acx")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "every file passes ACX" in checked.stdout and "credits" not in checked.stdout
    damaged = tmp_path / "damaged"
    shutil.copytree(out, damaged)
    loud = damaged / manifest(out).chapters[1].files["mp3"][0]
    with av.open(str(out / "chapters/001.wav")) as wav, av.open(str(loud), "w") as mp3:
        stream = mp3.add_stream("libmp3lame", rate=44100, layout="mono")
        stream.bit_rate = 128_000  # ACX asks 192 kbps
        for frame in wav.decode(audio=0):
            frame.pts = None
            for packet in stream.encode(frame):
                mp3.mux(packet)
        for packet in stream.encode(None):
            mp3.mux(packet)
    failed = narrate("check", damaged, "--acx")
    assert failed.returncode == 1
    assert "1 of 5 files fail ACX" in failed.stdout
    # What failed, in words under the file's row, not the rule's name (`bit_rate`).
    lines = failed.stdout.splitlines()
    row = next(i for i, line in enumerate(lines) if loud.name in line and "chapter 1" in line)
    assert lines[row].endswith("  FAIL")
    assert lines[row + 1].strip() == "- bit rate 128 kbps, ACX wants at least 192 kbps"
    assert "bit_rate" not in failed.stdout


@pytest.mark.parametrize(
    ("kept", "missing"),
    [(slice(1, -1), "no opening and no closing credits"), (slice(0, -1), "no closing credits")],
)
def test_check_warns_of_a_book_without_the_credits_acx_requires(
    out: Path, tmp_path: Path, kept: slice, missing: str
) -> None:
    """Every file is measured and passes; the warning says what ACX will reject and how to
    make it, but the exit is 0: credits recorded apart may be uploaded beside these."""
    uncredited = tmp_path / "uncredited"
    shutil.copytree(out, uncredited)
    book = manifest(out)
    book.chapters = book.chapters[kept]
    (uncredited / "manifest.json").write_text(book.model_dump_json(indent=2))

    checked = narrate("check", uncredited, "--acx")

    assert checked.returncode == 0, checked.stdout + checked.stderr
    lines = checked.stdout.splitlines()
    assert lines[-2] == "every file passes ACX"
    assert lines[-1].startswith(f"warning: {missing}: ACX requires opening and closing credits")
    assert "--credits" in lines[-1]
    assert sum("pass" in line for line in lines[1:-2]) == len(book.chapters) + 1  # and sample


def test_check_fails_a_file_ffmpeg_cannot_read_and_measures_the_rest(
    out: Path, tmp_path: Path
) -> None:
    damaged = tmp_path / "damaged"
    shutil.copytree(out, damaged)
    (damaged / "chapters/001.mp3").write_bytes(b"not an mp3 at all")
    failed = narrate("check", damaged, "--acx")
    assert failed.returncode == 1 and "Traceback" not in failed.stderr, failed.stderr
    assert "1 of 5 files fail ACX" in failed.stdout
    row = next(line for line in failed.stdout.splitlines() if "001.mp3" in line)
    assert "FAIL" in row and "not an audio file FFmpeg reads" in row
    assert "retail sample" in failed.stdout  # measured after it


def test_verify_finds_a_delivered_file_missing_cut_short_or_another_books(
    out: Path, tmp_path: Path
) -> None:
    verified = narrate("verify", out)
    assert verified.returncode == 0, verified.stderr
    damaged = tmp_path / "damaged"
    shutil.copytree(out, damaged)
    mp3 = damaged / "chapters/001.mp3"
    mp3.write_bytes(mp3.read_bytes()[: mp3.stat().st_size // 2])  # its header still says all
    (damaged / "chapters/002.opus").unlink()
    (damaged / "sample.mp3").unlink()
    chapter = [(out / "chapters/001.wav", "CHAPTER I. DUSK")]
    write_m4b(chapter, damaged / "book.m4b", Metadata(title="Another Book"))
    cut = tmp_path / "cut"
    shutil.copytree(out, cut)
    m4b = cut / "book.m4b"
    m4b.write_bytes(m4b.read_bytes()[: m4b.stat().st_size * 2 // 3])  # its index up front

    failed, short = narrate("verify", damaged), narrate("verify", cut)

    assert failed.returncode == 1 and "Traceback" not in failed.stderr, failed.stderr
    assert "chapter 1: chapters/001.mp3 lasts" in failed.stderr
    assert "chapter 2: chapters/002.opus is missing" in failed.stderr
    assert "sample.mp3 is missing" in failed.stderr
    assert "book.m4b: titled 'Another Book', the manifest's book is 'The Lamp'" in failed.stderr
    assert "book.m4b: 1 chapter markers, not the manifest's chapters in order" in failed.stderr
    assert short.returncode == 1 and "book.m4b: lasts" in short.stderr, short.stderr


def _damage(path: Path) -> None:
    """2,000 bytes written over the middle of a file, as a bad disk or a bad copy does."""
    with path.open("r+b") as file:
        file.seek(path.stat().st_size // 2)
        file.write(random.Random(path.name).randbytes(2000))


def _cut(path: Path) -> None:
    """The file's second half gone, as an interrupted copy leaves it."""
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


DELIVERED = ["chapters/001.mp3", "chapters/001.opus", "chapters/001.flac"]
DELIVERED += ["sample.mp3", "book.m4b"]


@pytest.mark.parametrize("key", DELIVERED)
def test_verify_finds_damage_inside_every_delivered_file(
    out: Path, tmp_path: Path, key: str
) -> None:
    """Its checksum, recorded as it was stored, and decoding it to its end."""
    damaged = tmp_path / "damaged"
    shutil.copytree(out, damaged)
    _damage(damaged / key)

    problems = verify(damaged)

    chapter = "chapter 1: " if key.startswith("chapters/") else ""
    assert f"{chapter}{key}: checksum differs from the manifest" in problems, problems
    assert all(key in problem for problem in problems), problems  # no other file's


@pytest.mark.parametrize("key", ["chapters/001.opus", "chapters/001.flac"])
def test_verify_finds_an_opus_or_flac_file_cut_short(out: Path, tmp_path: Path, key: str) -> None:
    cut = tmp_path / "cut"
    shutil.copytree(out, cut)
    _cut(cut / key)

    problems = verify(cut)

    assert f"chapter 1: {key}: checksum differs from the manifest" in problems, problems
    cut_short = [p for p in problems if p.startswith(f"chapter 1: {key} ")]  # lasts, or read
    assert cut_short and ("lasts" in cut_short[0] or "cannot be read" in cut_short[0])


def _older(out: Path, tmp_path: Path) -> Path:
    """The output as an older narrate left it: no checksum of the files beside the WAVs."""
    older = tmp_path / "older"
    shutil.copytree(out, older)
    data = json.loads((older / "manifest.json").read_text())
    for entry in data["chapters"]:
        entry.pop("checksums", None)
    data["book"].pop("sha256", None)
    (older / "manifest.json").write_text(json.dumps(data))
    return older


def test_verify_of_an_older_manifest_decodes_the_files_it_cannot_compare(
    out: Path, tmp_path: Path
) -> None:
    older = _older(out, tmp_path)
    passed = narrate("verify", older)
    assert passed.returncode == 0, passed.stderr
    said = passed.stdout.splitlines()
    assert said[0] == (
        f"{older}: the manifest records no checksum of 14 delivered files (an older narrate's "
        "output): each is decoded and measured, not compared"
    )
    assert said[-1].startswith(f"{older}: complete; ")
    _cut(older / "chapters/002.opus")
    _cut(older / "chapters/002.flac")

    failed = narrate("verify", older)

    assert failed.returncode == 1 and "Traceback" not in failed.stderr, failed.stderr
    assert f"narrate: {older}: chapter 2: chapters/002.opus lasts " in failed.stderr
    assert f"narrate: {older}: chapter 2: chapters/002.flac cannot be read " in failed.stderr
    assert "checksum" not in failed.stderr


def test_check_reads_a_file_url_as_the_folder_it_names(out: Path) -> None:
    checked = narrate("check", f"file://{out}", "--acx")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "every file passes ACX" in checked.stdout


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    running = Services(tmp_path_factory.mktemp("services")).start()
    yield running
    running.stop()


def test_check_measures_an_s3_output_where_it_lies(out: Path, services: Services) -> None:
    upload(services, out, "books/job-acx")
    services.client().delete_object(Bucket=BUCKET, Key="books/job-acx/sample.mp3")

    checked = services.narrate("check", f"s3://{BUCKET}/books/job-acx", "--acx")

    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert "1 of 5 files fail ACX" in checked.stdout
    assert "sample.mp3" in checked.stdout and "missing" in checked.stdout


def test_check_of_an_s3_prefix_without_an_output_is_one_line(services: Services) -> None:
    result = services.narrate("check", f"s3://{BUCKET}/books/nothing-here", "--acx")
    assert_clean_error(result, f"s3://{BUCKET}/books/nothing-here: not a finished narrate output")


def test_an_unknown_format_is_one_clear_line(tmp_path: Path, data: Path) -> None:
    result = narrate("synth", data / "two_chapters.txt", "-o", tmp_path, "--format", "wav,aiff")
    assert_clean_error(result, "unknown audio format 'aiff'")
    assert not any(tmp_path.iterdir())


def test_the_manifest_records_the_book_json(out: Path) -> None:
    data = json.loads((out / "manifest.json").read_text())
    assert data["options"]["formats"] == ["wav", "mp3", "m4b", "opus", "flac"]
