"""`narrate verify` where jobs deliver: a local folder, file:///dir and s3://bucket/prefix
(moto's S3 server), read through the same storage layer the workers write with."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.producer.test_cli import assert_clean_error, narrate
from tests.services import BUCKET, Services

COMPLETE = "every sentence present in order"
DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("verify") / "out"
    data = Path(__file__).resolve().parents[1] / "data"
    result = narrate("synth", data / "two_chapters.txt", "-o", out, "--no-progress")
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    running = Services(tmp_path_factory.mktemp("services")).start()
    yield running
    running.stop()


def upload(services: Services, out: Path, prefix: str) -> None:
    """An output as a worker leaves it in S3: each file an object under the job's prefix."""
    s3 = services.client()
    for path in out.rglob("*"):
        if path.is_file():
            key = f"{prefix}/{path.relative_to(out).as_posix()}"
            s3.put_object(Bucket=BUCKET, Key=key, Body=path.read_bytes())


def test_a_file_url_is_the_folder_it_names(made: Path) -> None:
    result = narrate("verify", f"file://{made}")
    assert result.returncode == 0, result.stderr
    assert COMPLETE in result.stdout


def test_an_s3_output_is_verified_where_it_lies(services: Services, made: Path) -> None:
    upload(services, made, "books/job-1")

    result = services.narrate("verify", f"s3://{BUCKET}/books/job-1")

    assert result.returncode == 0, result.stderr
    assert f"s3://{BUCKET}/books/job-1: complete; {COMPLETE}" in result.stdout


def test_damage_in_s3_is_found_as_it_is_in_a_folder(services: Services, made: Path) -> None:
    upload(services, made, "books/job-2")
    s3 = services.client()
    wav = bytearray((made / "chapters/000.wav").read_bytes())
    wav[2000:2100] = b"\x00\x01" * 50
    s3.put_object(Bucket=BUCKET, Key="books/job-2/chapters/000.wav", Body=bytes(wav))
    s3.delete_object(Bucket=BUCKET, Key="books/job-2/subtitles/000.vtt")
    s3.delete_object(Bucket=BUCKET, Key="books/job-2/marks/001.json")

    result = services.narrate("verify", f"s3://{BUCKET}/books/job-2")

    assert result.returncode == 1
    assert "chapter 0: checksum differs from the manifest" in result.stderr
    assert "chapter 0: subtitles/000.vtt is missing" in result.stderr
    assert "chapter 1: marks/001.json is missing" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_s3_prefix_without_an_output_is_one_line(services: Services) -> None:
    result = services.narrate("verify", f"s3://{BUCKET}/books/nothing-here")
    assert_clean_error(
        result,
        f"s3://{BUCKET}/books/nothing-here: not a finished narrate output (no manifest.json)",
    )


def test_an_output_of_the_chapters_asked_for_passes_and_says_the_book_has_more(
    tmp_path: Path,
) -> None:
    """`--chapter 1` narrates one chapter of three: that output is complete (nothing asked
    for is missing, the exit status says so), and verify says in one line that two chapters
    were not asked for; once the whole book is narrated into it, it says nothing of them."""
    out, book = tmp_path / "out", DATA / "three_chapters.md"
    made = narrate("synth", book, "-o", out, "--chapter", "1", "--no-progress")
    assert made.returncode == 0, made.stderr

    partial = narrate("verify", out)

    assert partial.returncode == 0, partial.stderr
    assert partial.stdout.splitlines() == [
        f"{out}: 1 of the book's 3 chapters narrated; 2 not asked for (--chapter): "
        "rerun without --chapter to narrate them",
        f"{out}: complete; {COMPLETE}, files match the manifest",
    ]
    assert narrate("synth", book, "-o", out, "--no-progress").returncode == 0
    whole = narrate("verify", out)
    assert whole.returncode == 0, whole.stderr
    assert whole.stdout.splitlines() == [f"{out}: complete; {COMPLETE}, files match the manifest"]


def test_a_missing_folder_is_refused_and_not_made(tmp_path: Path) -> None:
    missing = tmp_path / "typo"
    assert_clean_error(narrate("verify", missing), "typo: no such folder")
    assert not missing.exists()
    book = tmp_path / "book.m4b"
    book.write_bytes(b"")
    assert_clean_error(narrate("verify", book), "book.m4b: a file, not a narrate output folder")


def test_a_folder_with_another_programs_manifest_is_refused_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text('{"pages": 3}')
    result = narrate("verify", tmp_path)
    assert_clean_error(result, "not a finished narrate output (manifest.json cannot be read")
    assert_clean_error(narrate("check", tmp_path, "--acx"), "manifest.json cannot be read")


def test_files_the_manifest_does_not_name_are_found_and_the_next_run_leaves_them(
    made: Path, tmp_path: Path
) -> None:
    """Files in a book's places that its manifest does not name, which a publisher would
    ship with it: verify says so. Copied in, no narrate run wrote them: the next run refuses
    to begin over them rather than remove them (an earlier run's own go at the end of the
    next: tests/worker/test_folder.py)."""
    out = tmp_path / "out"
    shutil.copytree(made, out)
    stray = ["chapters/002.wav", "chapters/000.mp3", "marks/002.json", "subtitles/002.srt"]
    for key in stray:
        shutil.copy(made / "chapters/000.wav", out / key)
    (out / "book.m4b").write_bytes(b"an earlier book")
    (out / "notes.txt").write_text("the user's own")
    litter = ["chapters/.DS_Store", "subtitles/Thumbs.db", "chapters/cover art.png"]
    for key in litter:  # a system's or the user's, not named as narrate names files
        (out / key).write_bytes(b"x")

    found = narrate("verify", out)

    assert found.returncode == 1
    for key in [*stray, "book.m4b"]:
        assert f"{key}: a file the manifest does not name" in found.stderr
    assert "notes.txt" not in found.stderr  # outside the book's own places: not ours to judge
    assert not any(key in found.stderr for key in litter)

    data = Path(__file__).resolve().parents[1] / "data"
    again = narrate("synth", data / "two_chapters.txt", "-o", out, "--no-progress")

    assert_clean_error(
        again,
        f"{out}: book.m4b, chapters/000.mp3, chapters/002.wav and 2 more were not written by "
        "narrate; move them or choose another folder",
    )
    assert all((out / key).exists() for key in [*stray, "book.m4b"])
    assert (out / "notes.txt").read_text() == "the user's own"
    assert all((out / key).exists() for key in litter)


def test_a_book_folder_linked_elsewhere_loses_no_file_there(made: Path, tmp_path: Path) -> None:
    """chapters/ a link to a folder other books share: another book's file there is
    reported by verify, and the next run leaves it where it is (and says so). (One an
    earlier run wrote, reached by the link: tests/worker/test_folder.py.)"""
    out, shared = tmp_path / "out", tmp_path / "shared"
    shutil.copytree(made, out)
    shutil.move(out / "chapters", shared)
    (out / "chapters").symlink_to(shared)
    (shared / "007.mp3").write_bytes(b"another book's")
    assert "chapters/007.mp3: a file the manifest does not name" in narrate("verify", out).stderr

    data = Path(__file__).resolve().parents[1] / "data"
    again = narrate("synth", data / "two_chapters.txt", "-o", out, "--no-progress")

    assert_clean_error(again, "chapters/007.mp3 was not written by narrate; move it")
    assert (shared / "007.mp3").read_bytes() == b"another book's"
