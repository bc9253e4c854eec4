"""The CLI as a user runs it: a real process, real files, the real voice."""

import itertools
import json
import math
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import soundfile

import producer.cli
from config.errors import ManuscriptError
from config.jobs import REDO_TEXT_CHARS
from config.manifest import Manifest
from config.manuscript import Manuscript
from config.settings import Settings, get_settings
from producer.cli import _clock, build_parser
from producer.readers import read_manuscript
from producer.readers.book import chapter_indexes
from tests.services import Services
from worker.segment import segment_chapter
from worker.storage import LocalStorage, open_storage

ROOT = Path(__file__).resolve().parents[2]


def narrate(*args: str | Path, **environ: str) -> subprocess.CompletedProcess[str]:
    """A `narrate` run; `environ`: variables set for it alone (NARRATE_...)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), **environ}
    return subprocess.run(
        [sys.executable, "-m", "producer.cli", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=ROOT,
    )


def assert_clean_error(result: subprocess.CompletedProcess[str], message: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("narrate: error:")
    assert message in lines[0]


def test_synth_writes_chapters_marks_and_manifest(tmp_path: Path, data: Path) -> None:
    out = tmp_path / "out"
    result = narrate(
        "synth",
        data / "two_chapters.txt",
        "-o",
        out,
        "--sample-rate",
        "24000",
        "--noise-scale",
        "0",
        "--noise-w",
        "0",
    )
    assert result.returncode == 0, result.stderr
    assert "narrated 2 chapters" in result.stdout

    manifest = json.loads((out / "manifest.json").read_text())
    # where it ran: the default device (auto) found no GPU here
    assert f"x real time) on cpu, {manifest['model_variant']} -> {out}/" in result.stdout
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        "chapters/000.wav",
        "chapters/001.wav",
        "manifest.json",
        "marks/000.json",
        "marks/000.jsonl",
        "marks/001.json",
        "marks/001.jsonl",
        "source/manuscript.json",
        "subtitles/000.srt",
        "subtitles/000.vtt",
        "subtitles/001.srt",
        "subtitles/001.vtt",
    ]
    book = read_manuscript(data / "two_chapters.txt")
    for chapter, entry in zip(book.chapters, manifest["chapters"], strict=True):
        info = soundfile.info(str(out / entry["audio_key"]))
        assert info.samplerate == 24000 == entry["sample_rate"]
        assert abs(info.duration - entry["duration_s"]) < 1e-6
        # every sentence, in order, nothing else
        expected = [span.text for seg in segment_chapter(chapter.text) for span in seg.spans]
        marks = json.loads((out / entry["marks_key"]).read_text())["marks"]
        assert [m["text"] for m in marks] == expected
        assert all(m["start_s"] < m["end_s"] <= entry["duration_s"] for m in marks)
        assert all(a["end_s"] <= b["start_s"] for a, b in itertools.pairwise(marks))
        for mark in marks:
            assert (
                " ".join(chapter.text[mark["char_start"] : mark["char_end"]].split())
                == mark["text"]
            )
        assert_words_and_captions(out, entry, chapter.text)
    words = json.loads((out / "marks/000.json").read_text())["words"]
    # "on the": one spoken word; "1887": two; the quotes and commas are no words
    said = "The|letter|came|on the|3rd|of|March|1887|Open|it|said|Mrs.|Hale"
    texts = [w["text"] for w in words]
    first = texts.index("The")  # after the heading's words (CHAPTER I. THE LETTER)
    assert texts[first : first + 13] == said.split("|")


def assert_words_and_captions(out: Path, entry: dict[str, Any], text: str) -> None:
    """Word marks in order inside their sentences, saying their characters; speech marks
    and both subtitle files agree with them."""
    marks = json.loads((out / entry["marks_key"]).read_text())
    sentences, words = marks["marks"], marks["words"]
    assert len(words) >= len(sentences)
    for a, b in itertools.pairwise(words):
        assert a["end_s"] <= b["start_s"] and a["char_end"] <= b["char_start"]
    for word in words:
        (sentence,) = [
            s for s in sentences if s["char_start"] <= word["char_start"] < s["char_end"]
        ]
        assert word["char_end"] <= sentence["char_end"]
        assert sentence["start_s"] <= word["start_s"] < word["end_s"] <= sentence["end_s"]
        assert " ".join(text[word["char_start"] : word["char_end"]].split()) == word["text"]
    lines = (out / entry["speech_marks_key"]).read_text().splitlines()
    events = [json.loads(line) for line in lines]
    assert [e["time"] for e in events] == sorted(e["time"] for e in events)
    assert [e["value"] for e in events if e["type"] == "word"] == [w["text"] for w in words]
    assert [e["time"] for e in events if e["type"] == "sentence"] == [
        round(s["start_s"] * 1000) for s in sentences
    ]
    assert entry["subtitle_keys"] == [f"subtitles/{entry['index']:03d}.{x}" for x in ("srt", "vtt")]
    srt, vtt = ((out / key).read_text() for key in entry["subtitle_keys"])
    assert srt.count(" --> ") == vtt.count(" --> ") >= len(sentences) and vtt.startswith("WEBVTT")


def test_verbose_lines_are_a_timeline(tmp_path: Path, data: Path) -> None:
    """`-v`: every log line begins with the wall clock to the millisecond, and the voice's
    load, each chapter's start and its assembly are among them: a book's timeline."""
    result = narrate("-v", "synth", data / "two_chapters.txt", "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    logged = [line for line in result.stderr.splitlines() if re.search(r" (DEBUG|INFO) ", line)]
    assert logged and all(re.match(r"\d\d:\d\d:\d\d\.\d{3} ", line) for line in logged)
    assert re.search(r"voice \S+ loaded: sessions \d+\.\d\d s, warm-up \d+\.\d\d s", result.stderr)
    for chapter in (0, 1):  # the manuscript's indexes
        assert f"chapter {chapter} begun" in result.stderr
        assert f"chapter {chapter} assembled" in result.stderr


def test_narrating_processes_are_forked_ready_and_log_the_clock_too(
    tmp_path: Path, data: Path
) -> None:
    """With several narrating processes, each is forked from the fork server the command
    started (`worker.headstart`), and their -v lines carry the same clock as the parent's,
    so that they sort into one timeline."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NARRATE_DEVICE_PROCESSES": "2"}
    command = [sys.executable, "-m", "producer.cli", "-v", "synth", str(data / "two_chapters.txt")]
    result = subprocess.run(
        [*command, "-o", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    narrators = [line for line in result.stderr.splitlines() if "[narrator " in line]
    assert narrators and all(re.match(r"\d\d:\d\d:\d\d\.\d{3} \[narrator", x) for x in narrators)
    forked = {line.split()[2] for line in narrators if line.endswith("forked from the fork server")}
    assert len(forked) == 2, result.stderr


def test_verify_accepts_a_finished_output_and_catches_damage(tmp_path: Path, data: Path) -> None:
    out = tmp_path / "out"
    assert narrate("synth", data / "two_chapters.txt", "-o", out).returncode == 0
    ok = narrate("verify", out)
    assert ok.returncode == 0, ok.stderr
    assert "every sentence present in order" in ok.stdout

    marks_file = out / "marks/001.json"
    marks = json.loads(marks_file.read_text())
    del marks["marks"][1]  # a silently dropped sentence
    marks["words"][2]["char_start"] += 1  # a word that points at the wrong characters
    marks_file.write_text(json.dumps(marks))
    (out / "subtitles/000.vtt").unlink()
    (out / "subtitles/000.srt").write_text("1\n00:00:01,000 -> 00:00:02,000\nA cue\n\n")
    with open(out / "chapters/000.wav", "r+b") as wav:
        wav.seek(2000)
        wav.write(b"\x00\x01" * 50)
    damaged = narrate("verify", out)
    assert damaged.returncode == 1
    assert "chapter 0: checksum differs" in damaged.stderr
    assert "chapter 1: marks differ from the text (1 sentences missing)" in damaged.stderr
    assert "chapter 1: 1 word marks differ from their characters" in damaged.stderr
    assert "chapter 0: subtitles/000.vtt is missing" in damaged.stderr
    assert "chapter 0: subtitles/000.srt does not parse" in damaged.stderr


def test_synth_stores_the_books_cover_beside_its_manuscript(tmp_path: Path) -> None:
    from tests.producer.test_readers_epub import PNG, TWO_CHAPTERS, build

    manifest = '<item id="c" href="c.png" media-type="image/png" properties="cover-image"/>'
    book = tmp_path / "hens.epub"
    book.write_bytes(
        build(TWO_CHAPTERS, [("one.xhtml", "1")], manifest=manifest, members={"OEBPS/c.png": PNG})
    )
    result = narrate("synth", book, "-o", tmp_path / "out", "--no-progress")
    assert result.returncode == 0, result.stderr
    source = json.loads((tmp_path / "out/source/manuscript.json").read_text())
    assert (tmp_path / "out" / source["metadata"]["cover_key"]).read_bytes() == PNG


def test_a_second_run_resumes_and_keeps_finished_chapters(tmp_path: Path, data: Path) -> None:
    out = tmp_path / "out"
    assert narrate("synth", data / "two_chapters.txt", "-o", out).returncode == 0
    first = out / "chapters/000.wav"
    stamp = first.stat().st_mtime_ns
    (out / "chapters/001.wav").unlink()  # as if the run died during chapter 1
    (out / "manifest.json").unlink()
    again = narrate("synth", data / "two_chapters.txt", "-o", out)
    assert again.returncode == 0, again.stderr
    assert first.stat().st_mtime_ns == stamp
    assert (out / "chapters/001.wav").exists() and (out / "manifest.json").exists()
    # The speed is of the chapter narrated now, not of the whole book's audio.
    manifest = json.loads((out / "manifest.json").read_text())
    now = _clock(manifest["chapters"][1]["duration_s"])
    assert ": 1 kept from an earlier run, 1 narrated now, " in again.stdout
    assert f"narrated now, {now} of audio in " in again.stdout and "x real time)" in again.stdout
    done = narrate("synth", data / "two_chapters.txt", "-o", out)
    assert "every chapter kept from an earlier run, none narrated now ->" in done.stdout
    assert "real time" not in done.stdout


def _rms_db(path: Path) -> float:
    audio, _ = soundfile.read(path, dtype="float64")
    return 20 * math.log10(math.sqrt(float((audio**2).mean())))


def test_a_resumed_run_with_other_audio_settings_narrates_the_kept_chapters_again(
    tmp_path: Path, data: Path
) -> None:
    """The job id is the manuscript's and options', not the process's settings: a chapter
    kept from a run at other levels would leave the book at two loudnesses."""
    out, book = tmp_path / "out", data / "two_chapters.txt"
    assert narrate("synth", book, "-o", out, "--no-progress").returncode == 0
    (out / "chapters/001.wav").unlink()  # as if the run died during chapter 1
    (out / "manifest.json").unlink()
    quieter = {"NARRATE_ASSEMBLY__TARGET_RMS_DB": "-30"}
    again = narrate("synth", book, "-o", out, "--no-progress", **quieter)
    assert again.returncode == 0, again.stderr
    assert "kept from an earlier run" not in again.stdout
    assert again.stdout.startswith("narrated 2 chapters, "), again.stdout
    (warning,) = [line for line in again.stderr.splitlines() if "other audio settings" in line]
    assert "chapter 0 " in warning and "NARRATE_ASSEMBLY__TARGET_RMS_DB" in warning
    for chapter in ("000", "001"):  # one level for the whole book
        assert _rms_db(out / f"chapters/{chapter}.wav") == pytest.approx(-30.0, abs=0.5)
    same = narrate("synth", book, "-o", out, "--no-progress", **quieter)
    assert "every chapter kept from an earlier run, none narrated now ->" in same.stdout
    assert "other audio settings" not in same.stderr


def test_marks_from_before_the_settings_digest_are_still_kept(tmp_path: Path, data: Path) -> None:
    """An output narrated before marks recorded their audio settings resumes as it did."""
    out, book = tmp_path / "out", data / "two_chapters.txt"
    assert narrate("synth", book, "-o", out, "--no-progress").returncode == 0
    marks = json.loads((out / "marks/000.json").read_text())
    del marks["audio_settings"]
    (out / "marks/000.json").write_text(json.dumps(marks))
    (out / "chapters/001.wav").unlink()
    (out / "manifest.json").unlink()
    quieter = {"NARRATE_ASSEMBLY__TARGET_RMS_DB": "-30"}  # another digest, were one there
    again = narrate("synth", book, "-o", out, "--no-progress", **quieter)
    assert again.returncode == 0, again.stderr
    assert ": 1 kept from an earlier run, 1 narrated now, " in again.stdout
    assert "other audio settings" not in again.stderr


def test_a_one_word_chapter_passes_acx_with_the_shortest_tail(tmp_path: Path) -> None:
    """ "Fin." is mostly room tone: with the usual 2.5 s tail its MP3 measured -24.4 dB RMS,
    under ACX's -23. (A chapter of speech keeps the usual tail: tests/worker/test_acx.py.)"""
    book = tmp_path / "fin.txt"
    book.write_text("Fin.\n")
    made = narrate("synth", book, "-o", tmp_path / "out", "--format", "mp3", "--no-progress")
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith("narrated 1 chapter, 1 segment, 0m0")
    checked = narrate("check", tmp_path / "out", "--acx")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    manifest = Manifest.model_validate_json((tmp_path / "out" / "manifest.json").read_text())
    (report,) = manifest.chapters[0].acx
    assert report.passed and report.rms_db >= -23.0
    assert report.tail_s == pytest.approx(1.25, abs=0.15)
    assert report.head_s == pytest.approx(0.75, abs=0.05)


def test_bad_inputs_exit_non_zero_with_one_line(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "data.bin"
    binary.write_bytes(bytes(range(256)) * 10)
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Café crème".encode("latin-1"))
    good = tmp_path / "good.txt"
    good.write_text("Hello there.")
    russian = tmp_path / "ru.txt"
    russian.write_text("Глава первая\n\nОн сказал: привет, мой друг.\n", encoding="utf-8")
    blocker = tmp_path / "file"
    blocker.write_text("")

    assert_clean_error(narrate("synth", empty, "-o", tmp_path / "o"), "empty")
    assert_clean_error(narrate("synth", binary, "-o", tmp_path / "o"), "binary")
    assert_clean_error(narrate("synth", latin, "-o", tmp_path / "o"), "not valid UTF-8")
    assert_clean_error(narrate("synth", russian, "-o", tmp_path / "o"), "most are Cyrillic")
    assert_clean_error(
        narrate("synth", tmp_path / "missing.txt", "-o", tmp_path / "o"), "no such file"
    )
    assert_clean_error(narrate("synth", good, "-o", blocker / "sub"), "cannot write")
    assert_clean_error(narrate("synth", good, "-o", blocker), "file: a file, not a folder")
    assert_clean_error(
        narrate("synth", good, "-o", tmp_path / "o", "--voice", "nobody"), "unknown voice 'nobody'"
    )
    assert_clean_error(narrate("synth", good, "-o", tmp_path / "o", "--speed", "0"), "speed")


def test_a_librarys_message_holding_newlines_is_one_line(tmp_path: Path) -> None:
    """libxml2 ends some messages with a newline: an EPUB whose XHTML is UTF-16 without a
    mark or declaration (its NUL bytes out of XML's range) says so in one line."""
    import zipfile

    book = tmp_path / "b.epub"
    with zipfile.ZipFile(book, "w") as zf:
        zf.writestr("mimetype", "application/epub+zip")
        zf.writestr("META-INF/container.xml", "<p>x</p>".encode("utf-16-le"))
    assert_clean_error(narrate("inspect", book), "not well-formed XML")


def test_usage_errors_are_one_line_too() -> None:
    """argparse's own errors (a value of the wrong type, a missing argument, an unknown
    command) say so in one `narrate: error:` line, not after the whole usage block."""
    bad_type = narrate("synth", "book.txt", "-o", "out", "--sample-rate", "abc")
    assert_clean_error(bad_type, "--sample-rate: invalid int value: 'abc'")
    assert "narrate synth --help" in bad_type.stderr
    assert_clean_error(narrate("synth", "book.txt"), "required: -o/--output")
    assert_clean_error(narrate("bogus"), "invalid choice: 'bogus'")
    assert_clean_error(narrate("models", "list", "--device"), "expected one argument")
    # uvicorn would report "running on 127.0.0.1:99999" while the kernel bound another port
    assert_clean_error(narrate("serve", "--port", "99999"), "'99999' is not a port (1 to 65535)")
    assert_clean_error(narrate("serve", "--workers", "0"), "--workers: '0': a whole number")


def test_a_file_whose_name_begins_with_a_dash_is_told_how_to_name_it(tmp_path: Path) -> None:
    """argparse reads "-notes.txt" as an option and says only that the manuscript is
    missing: where such a file exists, the line says how to give it."""
    (tmp_path / "-notes.txt").write_text("Hello there.")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "producer.cli", "inspect", "-notes.txt"]
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path)
    assert_clean_error(result, "is read as an option: write ./-notes.txt")
    given = subprocess.run(
        [*command[:-1], "./-notes.txt"], capture_output=True, env=env, cwd=tmp_path
    )
    assert given.returncode == 0, given.stderr
    no_such = subprocess.run([*command[:-1], "-gone.txt"], capture_output=True, text=True, env=env)
    assert_clean_error(no_such, "(see narrate inspect --help)")


def test_worker_help_states_the_pools_defaults() -> None:
    from worker.pools import CPU_TASKS

    shown = " ".join(narrate("worker", "--help").stdout.split())
    assert f"(default {CPU_TASKS} on the CPU, NARRATE_GPU_TASKS on a GPU)" in shown
    assert "processes under NARRATE_WORKER_POOL=prefork (default 1)" in shown


def test_unwritable_output_loses_nothing_already_done(tmp_path: Path, data: Path) -> None:
    out = tmp_path / "out"
    assert narrate("synth", data / "two_chapters.txt", "-o", out).returncode == 0
    before = {p: p.read_bytes() for p in out.rglob("*.wav")}
    result = narrate("synth", data / "two_chapters.txt", "-o", out, "--voice", "nobody")
    assert result.returncode == 2
    assert {p: p.read_bytes() for p in out.rglob("*.wav")} == before


def test_a_cuda_worker_without_cuda_is_a_clear_error() -> None:
    import onnxruntime

    if "CUDAExecutionProvider" in onnxruntime.get_available_providers():
        return  # a GPU machine: nothing to refuse
    result = narrate("worker", "--device", "cuda:0")
    assert_clean_error(result, "--device cuda:0: onnxruntime has no CUDA provider")


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("NARRATE_MAX_BOOK_CHARS", "abc", "NARRATE_MAX_BOOK_CHARS: Input should be a valid"),
        ("NARRATE_ASSEMBLY__TARGET_RMS_DB", "x", "NARRATE_ASSEMBLY__TARGET_RMS_DB: Input should"),
        ("NARRATE_API__MAX_ACTIVE_JOBS", "0", "NARRATE_API__MAX_ACTIVE_JOBS: Input should be"),
    ],
)
def test_a_bad_setting_is_named_as_the_variable_it_was_set_by(
    monkeypatch: pytest.MonkeyPatch, data: Path, variable: str, value: str, message: str
) -> None:
    """Not as the field's path ("assembly.target_rms_db"), which no user typed."""
    monkeypatch.setenv(variable, value)
    assert_clean_error(narrate("inspect", data / "two_chapters.txt"), message)


def test_a_device_from_the_environment_is_named_as_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A worker with no --device takes NARRATE_DEVICE: its error says so, not --device."""
    import onnxruntime

    if "CUDAExecutionProvider" in onnxruntime.get_available_providers():
        return  # a GPU machine: nothing to refuse
    monkeypatch.setenv("NARRATE_DEVICE", "cuda:0")
    result = narrate("worker")
    assert_clean_error(result, "NARRATE_DEVICE=cuda:0: onnxruntime has no CUDA provider")
    assert "--device" not in result.stderr


@pytest.mark.parametrize(
    ("device", "message"),
    [
        ("bogus", "unknown device 'bogus'"),
        ("cuda:0", "error: NARRATE_DEVICE=cuda:0: onnxruntime has no CUDA provider"),
    ],
)
def test_a_device_it_cannot_run_is_one_line_with_no_warning_before(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, device: str, message: str
) -> None:
    import onnxruntime

    if "CUDAExecutionProvider" in onnxruntime.get_available_providers() and device != "bogus":
        return  # a GPU machine runs it
    (tmp_path / "good.txt").write_text("Hello there.")
    monkeypatch.setenv("NARRATE_DEVICE", device)
    assert_clean_error(narrate("synth", tmp_path / "good.txt", "-o", tmp_path / "o"), message)


def test_models_list_for_a_gpu_this_host_cannot_run_says_so() -> None:
    import onnxruntime

    if "CUDAExecutionProvider" in onnxruntime.get_available_providers():
        return  # a GPU machine runs it
    listed = narrate("models", "list", "--device", "cuda")
    assert listed.returncode == 0, listed.stderr
    assert "this onnxruntime has no CUDA provider: nothing runs on cuda here" in listed.stdout
    assert "`narrate models optimize --precision fp16 --device cuda`" in listed.stdout


def test_models_list_for_a_gpu_this_host_does_not_have_is_an_error() -> None:
    from config.devices import gpu_count

    count = gpu_count()
    if count is None or count > 9:
        return  # WSL's GPUs are not counted; a host of ten GPUs has cuda:9
    assert_clean_error(
        narrate("models", "list", "--device", "cuda:9"), "--device cuda:9: no such GPU"
    )
    for there in ([], ["--device", "cpu"]):  # the default device, and one that is there
        listed = narrate("models", "list", *there)
        assert listed.returncode == 0, listed.stderr
        assert listed.stdout.startswith("joe on ") and " runs fp" in listed.stdout


def test_a_worker_without_device_takes_narrate_device(monkeypatch: pytest.MonkeyPatch) -> None:
    """`narrate worker` reads NARRATE_DEVICE (default auto) rather than a fixed cpu: a device
    it cannot run is refused before Celery starts."""
    monkeypatch.setenv("NARRATE_DEVICE", "tpu")
    assert_clean_error(narrate("worker"), "unknown device 'tpu'")


def test_the_device_is_auto_by_default_and_the_cpu_where_no_gpu_shows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from config import devices
    from producer.cli import device_resolved

    monkeypatch.setenv("NARRATE_DEVICE", "auto")  # so that the device it sets is undone
    monkeypatch.delenv("NARRATE_DEVICE")
    monkeypatch.setattr(devices, "gpu_present", lambda dev: False)
    monkeypatch.setattr(devices, "wsl_gpu", lambda dev: False)
    get_settings.cache_clear()
    try:
        assert Settings.model_fields["device"].default == "auto"
        assert get_settings().device == "cpu"  # resolved as the settings load
        device_resolved()
        assert os.environ["NARRATE_DEVICE"] == "cpu"  # for the processes it starts
    finally:
        get_settings.cache_clear()


def test_device_auto_becomes_the_device_found_with_its_inference_workers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import config.settings

    monkeypatch.setenv("NARRATE_DEVICE", "auto")
    monkeypatch.delenv("NARRATE_INFERENCE_WORKERS", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 16)
    monkeypatch.setattr(config.settings, "detect_device", lambda: "cpu")
    assert (Settings().device, Settings().inference_workers) == ("cpu", 16)  # a core each
    monkeypatch.setattr(config.settings, "detect_device", lambda: "cuda")
    assert (Settings().device, Settings().inference_workers) == ("cuda", 4)  # as cuda's own


@pytest.mark.parametrize("seed", ["-5", str(2**63)])
def test_a_seed_out_of_range_is_refused_before_anything_is_written(
    tmp_path: Path, seed: str
) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Hello there.")
    out, queued = tmp_path / "out", tmp_path / "queued"

    synth = narrate("synth", good, "-o", out, "--seed", seed)
    # Refused before the broker is asked (none runs here: it would be exit 3).
    enqueue = narrate("enqueue", good, "--dest", f"file://{queued}", "--seed", seed)

    for result in (synth, enqueue):
        assert_clean_error(result, "--seed: Input should be")
    assert not out.exists() and not queued.exists()


# What TextEdit writes for a two-paragraph document: plain ASCII, so only its first bytes
# say it is not text.
RTF = rb"""{\rtf1\ansi\ansicpg1252\cocoartf2709
\cocoatextscaling0\cocoaplatform0{\fonttbl\f0\froman\fcharset0 Times-Roman;}
{\colortbl;\red255\green255\blue255;}
\paperw11900\paperh16840\margl1440\margr1440\vieww11520\viewh8400\viewkind0
\pard\tx566\tx1133\pardirnatural\partightenfactor0

\f0\b\fs28 \cf0 Chapter One\
\pard\pardirnatural\partightenfactor0
\b0\fs24 \cf0 It was the keeper\'92s last night at the light.\
}
"""


@pytest.mark.parametrize("name", ["book.rtf", "book.txt"])
def test_an_rtf_file_is_refused_by_name_not_narrated_as_markup(tmp_path: Path, name: str) -> None:
    book = tmp_path / name
    book.write_bytes(RTF)
    out = tmp_path / "out"

    for command in (["synth", book, "-o", out], ["inspect", book]):
        result = narrate(*command)
        assert_clean_error(result, f"{book}: RTF is not a supported format; save it as DOCX")
    assert not out.exists()


@pytest.mark.parametrize("rate", ["0", "123"])
def test_a_sample_rate_out_of_range_is_refused_zero_too(tmp_path: Path, rate: str) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Hello there.")
    out = tmp_path / "out"

    result = narrate("synth", good, "-o", out, "--sample-rate", rate)

    assert_clean_error(result, "--sample-rate: Input should be greater than or equal to 8000")
    assert not out.exists()


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [
        ("--speed", "nan", "--speed: not a number"),
        ("--speed", "inf", "--speed: not a finite number"),
        ("--noise-scale", "nan", "--noise-scale: not a number"),
        ("--noise-w=-inf", None, "--noise-w: not a finite number"),
    ],
)
def test_a_number_that_is_not_finite_is_called_so(
    tmp_path: Path, option: str, value: str | None, said: str
) -> None:
    """NaN fails every bound: refused as over 5, the user would not see what was wrong."""
    good = tmp_path / "good.txt"
    good.write_text("Hello there.")
    given = [option] if value is None else [option, value]  # -inf alone reads as an option
    result = narrate("synth", good, "-o", tmp_path / "out", *given)
    assert_clean_error(result, said)
    assert "less than" not in result.stderr and "greater than" not in result.stderr


def test_a_bad_option_is_named_as_typed(tmp_path: Path) -> None:
    result = narrate("synth", tmp_path / "any.txt", "-o", tmp_path / "out", "--format", "wav,MP4")
    assert_clean_error(result, "--format: unknown audio format 'mp4'; known: wav, mp3")
    assert not (tmp_path / "out").exists()


def test_status_of_a_folder_says_it_takes_a_job_id(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    # No broker runs here: were the folder looked up, the error would be Redis's (exit 3).
    for command in ("status", "wait"):
        assert_clean_error(
            narrate(command, f"{out}/"), f"{out}/: a folder, not a job id; narrate {command}"
        )
    assert f"narrate verify {out}/" in narrate("status", f"{out}/").stderr


def test_cancel_of_a_folder_says_it_takes_a_job_id(tmp_path: Path) -> None:
    # No broker runs here: were the folder looked up, the error would be Redis's (exit 3).
    result = narrate("cancel", f"{tmp_path}/")
    assert_clean_error(result, f"{tmp_path}/: a folder, not a job id; narrate cancel takes")
    assert "narrate list shows the jobs" in result.stderr


def test_every_choice_is_taken_in_any_case() -> None:
    from producer.cli import build_parser, options_from

    parser = build_parser()
    synth = parser.parse_args(["synth", "b.txt", "-o", "o", "--qa", "ASR", "--format", "MP3,WAV"])
    assert (synth.qa, options_from(synth).formats) == ("asr", ["wav", "mp3"])
    optimize = parser.parse_args(["models", "optimize", "--precision", "BF16"])
    assert optimize.precision == "bf16"


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Services]:
    """A real Redis, and nothing else: enqueue stores to a folder, no worker runs."""
    services = Services(tmp_path / "services")
    (tmp_path / "services").mkdir()
    services.start_redis()
    yield services
    services.stop_redis()


def run_in(folder: Path, services: Services, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "producer.cli", *args]
    return subprocess.run(
        command, env=services.env, cwd=folder, capture_output=True, text=True, timeout=120
    )


def test_list_without_jobs_says_so(broker: Services, tmp_path: Path) -> None:
    listed = run_in(tmp_path, broker, "list")
    assert listed.returncode == 0, listed.stderr
    assert (listed.stdout, listed.stderr) == ("", "no jobs\n")  # a script's lines: none


def test_a_relative_dest_is_made_absolute_where_enqueue_ran(
    broker: Services, tmp_path: Path
) -> None:
    (tmp_path / "good.txt").write_text("Hello there.")

    enqueued = run_in(tmp_path, broker, "enqueue", "good.txt", "--dest", "books")

    assert enqueued.returncode == 0, enqueued.stderr
    (job_id,) = enqueued.stdout.split()
    assert (tmp_path / "books" / job_id / "source/manuscript.json").is_file()
    shown = json.loads(run_in(tmp_path, broker, "status", job_id, "--json").stdout)
    assert shown["dest"] == f"file://{tmp_path / 'books'}"
    listed = run_in(tmp_path, broker, "list")
    assert job_id in listed.stdout and "no jobs" not in listed.stderr
    absolute = run_in(ROOT, broker, "enqueue", str(tmp_path / "good.txt"), "--dest", shown["dest"])
    assert absolute.stdout.split() == [job_id]  # the same place, so the same job


def test_an_unknown_voice_is_refused_as_it_is_queued(broker: Services, tmp_path: Path) -> None:
    """Not queued to fail on a worker: one line and exit 2, and no job in the queue."""
    (tmp_path / "good.txt").write_text("Hello there.")

    refused = run_in(tmp_path, broker, "enqueue", "good.txt", "--dest", "books", "--voice", "jo")

    assert_clean_error(refused, "unknown voice 'jo'")
    assert run_in(tmp_path, broker, "list").stderr == "no jobs\n"
    assert not (tmp_path / "books").exists()


@pytest.mark.parametrize("folder", ["a#b%c", "q?%25 r"])
def test_a_dest_whose_name_a_url_would_misread_is_kept_whole(
    broker: Services, tmp_path: Path, folder: str
) -> None:
    (tmp_path / "good.txt").write_text("Hello there.")

    enqueued = run_in(tmp_path, broker, "enqueue", "good.txt", "--dest", folder)

    assert enqueued.returncode == 0, enqueued.stderr
    (job_id,) = enqueued.stdout.split()
    assert (tmp_path / folder / job_id / "source/manuscript.json").is_file()
    assert {p.name for p in tmp_path.iterdir() if p.is_dir()} == {"services", folder}
    shown = json.loads(run_in(tmp_path, broker, "status", job_id, "--json").stdout)
    stored = open_storage(shown["dest"]).child(job_id)
    assert isinstance(stored, LocalStorage) and stored.root == tmp_path / folder / job_id


@pytest.mark.parametrize(
    ("dest", "message"),
    [
        ("file://books/x", "a file:// URL names no host"),
        ("file:books", "a file: URL takes an absolute path"),
    ],
)
def test_a_file_url_that_names_no_one_place_is_refused(
    broker: Services, tmp_path: Path, dest: str, message: str
) -> None:
    (tmp_path / "good.txt").write_text("Hello there.")
    assert_clean_error(run_in(tmp_path, broker, "enqueue", "good.txt", "--dest", dest), message)
    assert run_in(tmp_path, broker, "list").stderr == "no jobs\n"


def test_chapter_narrates_those_chapters_and_the_whole_book_keeps_them(
    tmp_path: Path, data: Path
) -> None:
    """Hear one chapter first, then another, then run the book: the chapters keep the book's
    numbers, each output verifies, and nothing narrated is narrated twice. The retail
    sample's chapter (the first) comes last: no sample is named before it is made."""
    out, book = tmp_path / "out", data / "three_chapters.md"
    common = ("-o", out, "--sample-minutes", "0.05", "--no-progress", "--skip", "dedication")
    first = narrate("synth", book, *common, "--chapter", "1")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("narrated 1 chapter, ")
    assert f"narrate: warning: {book}: --skip 'dedication': this book has no dedication" in (
        first.stderr
    )
    assert sorted(p.name for p in (out / "chapters").iterdir()) == ["001.wav"]
    stamp = (out / "chapters/001.wav").stat().st_mtime_ns
    assert narrate("verify", out).returncode == 0
    second = narrate("synth", book, *common, "--chapter", "2")
    assert second.returncode == 0, second.stderr
    manifest = Manifest.model_validate_json((out / "manifest.json").read_text())
    assert ([c.index for c in manifest.chapters], manifest.sample_key) == ([1, 2], "")
    verified = narrate("verify", out)
    assert verified.returncode == 0, verified.stderr
    whole = narrate("synth", book, *common)
    assert ": 2 kept from an earlier run, 1 narrated now, " in whole.stdout
    assert (out / "chapters/001.wav").stat().st_mtime_ns == stamp
    verified = narrate("verify", out)
    assert verified.returncode == 0, verified.stderr
    assert (out / "sample.mp3").is_file()


def test_chapter_numbers_ranges_and_lists() -> None:
    args = build_parser().parse_args(
        ["synth", "b.txt", "-o", "o", "--chapter", "4", "--chapter", "0-2,7"]
    )
    assert args.chapter == [4, 0, 1, 2, 7]


def test_a_chapter_out_of_range_or_malformed_is_one_line(tmp_path: Path, data: Path) -> None:
    book = data / "three_chapters.md"
    for command in (("synth", book, "-o", tmp_path / "o"), ("enqueue", book, "--dest", "b")):
        assert_clean_error(
            narrate(*command, "--chapter", "1", "--chapter", "3"),
            f"{book}: --chapter 3: no such chapter; it has 3, numbered from 0 as "
            "`narrate inspect` lists them",
        )
        for bad in ("2-1", "x", "-1", "1-", "0-100000"):
            assert_clean_error(narrate(*command, f"--chapter={bad}"), "argument --chapter: ")
    assert not (tmp_path / "o").exists() and not (ROOT / "b").exists()


@pytest.mark.parametrize(
    ("asked", "said"),
    [
        ("0-99999", "--chapter 3-99999: no such chapters; it has 3, numbered from 0"),
        ("1,5,9", "--chapter 5,9: no such chapters; it has 3"),
        ("3,5,7,9,11,13,15", "--chapter 3,5,7,9,11,...: no such chapters; it has 3"),
    ],
)
def test_chapters_out_of_range_are_named_as_asked(data: Path, asked: str, said: str) -> None:
    """A range asked for is answered as a range, not by its first number alone."""
    book = data / "three_chapters.md"
    numbers = build_parser().parse_args(["synth", str(book), "-o", "o", "--chapter", asked])
    with pytest.raises(ManuscriptError) as refused:
        chapter_indexes(read_manuscript(book), numbers.chapter, str(book))
    assert str(refused.value).startswith(f"{book}: {said}")


def test_with_credits_a_chapter_asked_for_is_the_file_one_after_its_number(data: Path) -> None:
    """As --chapter's help says: the opening credits are file 000, and go with the chapters
    asked for, as the closing credits do."""
    from producer.readers import Reading, read_source

    book = data / "three_chapters.md"
    plain = read_manuscript(book)
    credited = read_source(book, Reading(credits="a synthetic voice")).manuscript
    assert chapter_indexes(plain, [1], str(book)) == {1}
    assert chapter_indexes(credited, [1], str(book)) == {0, 2, 4}
    assert credited.chapters[2].title == plain.chapters[1].title


@pytest.mark.parametrize("command", [["verify"], ["inspect"], ["check", "--acx"]])
def test_ctrl_c_outside_synth_says_only_interrupted(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
) -> None:
    """Nothing is narrated there, so nothing is said to be kept."""

    def stopped(args: Any) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(producer.cli, f"run_{command[0]}", stopped)
    monkeypatch.setattr(producer.cli.signal, "signal", lambda *args: None)  # pytest's stay
    assert producer.cli.main([*command, str(tmp_path)]) == producer.cli.EXIT_INTERRUPTED
    assert capsys.readouterr().err.strip() == "narrate: interrupted"


def _import_cut_by_ctrl_c(*args: Any) -> Any:
    """What a Ctrl-C does to a compiled module's import it lands in (onnxruntime's, as
    narrating begins): the import fails, the KeyboardInterrupt as its cause."""
    try:
        raise KeyboardInterrupt
    except KeyboardInterrupt as cut:
        raise ImportError("initialization failed") from cut


def test_ctrl_c_in_a_compiled_import_is_an_interruption_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(producer.cli, "run_inspect", _import_cut_by_ctrl_c)
    monkeypatch.setattr(producer.cli.signal, "signal", lambda *args: None)  # pytest's stay
    assert producer.cli.main(["inspect", str(tmp_path)]) == producer.cli.EXIT_INTERRUPTED
    assert capsys.readouterr().err.strip() == "narrate: interrupted"


def test_ctrl_c_in_synth_s_compiled_import_says_nothing_was_narrated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    book = tmp_path / "book.txt"
    book.write_text("Hello there.\n")
    monkeypatch.setattr(producer.cli, "_synth", _import_cut_by_ctrl_c)
    monkeypatch.setattr(producer.cli.signal, "signal", lambda *args: None)  # pytest's stay
    argv = ["synth", str(book), "-o", str(tmp_path / "out")]
    assert producer.cli.main(argv) == producer.cli.EXIT_INTERRUPTED
    err = capsys.readouterr().err
    assert err.strip().splitlines()[-1] == "narrate: interrupted before narrating began"
    assert "Traceback" not in err


def test_an_import_that_fails_by_itself_is_not_taken_for_a_ctrl_c(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(args: Any) -> int:
        raise ImportError("libcudnn.so.9: cannot open shared object file")

    monkeypatch.setattr(producer.cli, "run_inspect", broken)
    with pytest.raises(ImportError, match="libcudnn"):
        producer.cli.main(["inspect", str(tmp_path)])


def test_enqueue_takes_a_skip_of_a_kind_some_books_lack_and_chapters(
    broker: Services, tmp_path: Path, data: Path
) -> None:
    """One command line for a batch; a queued job of chosen chapters is a book of its own,
    stored as --skip leaves a book: only what is narrated, numbered from 0."""
    (tmp_path / "plain.txt").write_text("Hello there.\n\nGoodbye now.\n")
    (tmp_path / "keeper.md").write_text((data / "three_chapters.md").read_text())
    enqueued = run_in(
        tmp_path, broker, "enqueue", "keeper.md", "plain.txt", "--dest", "books",
        "--skip", "dedication", "--chapter", "0",
    )  # fmt: skip
    assert enqueued.returncode == 0, enqueued.stderr
    assert "plain.txt: --skip 'dedication': this book has no dedication" in enqueued.stderr
    keeper, plain = enqueued.stdout.split()
    assert (tmp_path / "books" / plain / "source/manuscript.json").is_file()
    stored = Manuscript.model_validate_json(
        (tmp_path / "books" / keeper / "source/manuscript.json").read_text()
    )
    assert [(c.index, c.title) for c in stored.chapters] == [(0, "One")]
    assert [(s.title, s.reason) for s in stored.skipped] == [
        ("Two", "not among --chapter"),
        ("Three", "not among --chapter"),
    ]
    shown = json.loads(run_in(tmp_path, broker, "status", keeper, "--json").stdout)
    assert shown["chapters_total"] == 1


# The thread ends only once the exit has begun (the main thread stopped): a fixed sleep
# lost the race to a slow host's `inspect`, and printed first.
ENTRY_WITH_A_THREAD_AND_A_HANDLER = """
import atexit, sys, threading, time
from producer import cli

def after_main():
    deadline = time.monotonic() + 30
    while threading.main_thread().is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)
    print("the thread ended")

atexit.register(lambda: print("the exit handler ran"))
threading.Thread(target=after_main).start()
sys.argv[0] = "narrate"
cli.entry()
"""


def test_the_commands_exit_keeps_its_output_threads_and_handlers(tmp_path: Path) -> None:
    """`narrate` exits without the interpreter's teardown: what a normal exit does first
    (join threads that are not daemons, run the exit handlers, flush the streams into a
    file, where they are buffered) still happens, and the status is main()'s."""
    listing = tmp_path / "listing.txt"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONUNBUFFERED", None)  # buffered, as a file is by default
    command = [sys.executable, "-c", ENTRY_WITH_A_THREAD_AND_A_HANDLER]
    with listing.open("w") as out:
        done = subprocess.run(
            [*command, "inspect", "samples/sample.md"], stdout=out, env=env, cwd=ROOT, timeout=60
        )
    assert done.returncode == 0
    text = listing.read_text()
    assert text.splitlines()[-2:] == ["the thread ended", "the exit handler ran"]
    assert text == narrate("inspect", "samples/sample.md").stdout + (
        "the thread ended\nthe exit handler ran\n"
    )
    bad = subprocess.run(
        [*command, "inspect", str(tmp_path / "none.txt")], capture_output=True, text=True, env=env
    )
    assert bad.returncode == 2 and bad.stderr.startswith("narrate: error:")


def test_a_listing_cut_short_by_its_reader_ends_quietly(tmp_path: Path) -> None:
    """`narrate inspect BOOK | head -1`: the reader goes after one line; the command ends
    with status 0 and nothing on stderr (no traceback of a closed pipe or stream)."""
    book = tmp_path / "long.md"
    book.write_text("".join(f"# Chapter {i}\n\nThe text of chapter {i}.\n\n" for i in range(3000)))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONUNBUFFERED", None)  # the listing buffered, flushed at the exit
    command = [sys.executable, "-m", "producer.cli", "inspect", str(book)]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT
    ) as listing:
        assert listing.stdout is not None and listing.stderr is not None
        assert listing.stdout.readline()
        listing.stdout.close()
        errors = listing.stderr.read()
    assert (listing.returncode, errors) == (0, b"")


def test_a_folder_of_the_users_own_files_is_refused_and_left_as_it_is(
    tmp_path: Path, data: Path
) -> None:
    """No earlier run wrote these: they were removed as one's, after the book was made."""
    out = tmp_path / "out"
    (out / "chapters").mkdir(parents=True)
    (out / "book.m4b").write_text("a")
    (out / "sample.mp3").write_text("b")
    (out / "chapters/005.wav").write_text("x")

    result = narrate("synth", data / "two_chapters.txt", "-o", out)

    assert_clean_error(
        result,
        f"{out}: book.m4b, chapters/005.wav, sample.mp3 were not written by narrate; "
        "move them or choose another folder",
    )
    left = {p.relative_to(out).as_posix(): p.read_text() for p in out.rglob("*") if p.is_file()}
    assert left == {"book.m4b": "a", "sample.mp3": "b", "chapters/005.wav": "x"}


def test_another_book_into_a_finished_folder_is_refused_until_replace(
    tmp_path: Path, data: Path
) -> None:
    """A run of another book failing (a voice that is no model) left the first book's
    manifest with its own manuscript: verify failed, and redo took the other's text."""
    out = tmp_path / "out"
    assert narrate("synth", data / "two_chapters.txt", "-o", out).returncode == 0
    finished = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    other = tmp_path / "other.md"
    other.write_text("# One\n\nHello there, this is another book.\n")
    fake = tmp_path / "fake.onnx"
    fake.write_bytes(os.urandom(4000))

    refused = narrate("synth", other, "-o", out)

    assert_clean_error(refused, f"{out}: holds another finished book (")
    assert "add --replace" in refused.stderr
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == finished
    assert narrate("verify", out).returncode == 0
    # --replace with a voice that cannot load: said before the folder changes at all (the
    # manifest went, and the cover, before the voice was found out)
    no_config = narrate("synth", other, "-o", out, "--replace", "--voice", fake)
    assert_clean_error(no_config, f"voice model {fake} has no config beside it")
    (tmp_path / "fake.onnx.json").write_text("{}")
    bad_config = narrate("synth", other, "-o", out, "--replace", "--voice", fake)
    assert_clean_error(bad_config, "fake.onnx.json: not a usable Piper voice config")
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == finished
    replaced = narrate("synth", other, "-o", out, "--replace", "--no-progress")
    assert replaced.returncode == 0, replaced.stderr
    assert "removed 5 files an earlier run left" in replaced.stderr  # chapter 1's
    assert narrate("verify", out).returncode == 0


def test_a_second_run_into_a_folder_in_use_is_refused_at_once(tmp_path: Path) -> None:
    """Two runs at once both exited 0, the first removing the second's files."""
    out, book = tmp_path / "out", tmp_path / "long.md"
    sentence = "The keeper climbed the stairs and lit the lamp, as he did every night."
    book.write_text(f"# One\n\n{' '.join([sentence] * 30)}\n\n# Two\n\nThe ships turned.\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    argv = [sys.executable, "-m", "producer.cli", "synth", book, "-o", out, "--no-progress"]
    first = subprocess.Popen(argv, env=env, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not list(out.glob(".work/*.f32")):  # a chapter's spool: narrating, held
            assert first.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        second = narrate("synth", book, "-o", out)
        redo = narrate("redo", out, "--chapter", "1", "--segment", "0")
        assert first.poll() is None  # refused by the first's hold, not after it
    finally:
        _, said = first.communicate(timeout=300)
    for result in (second, redo):
        assert_clean_error(result, f"{out}: in use by another narrate run (pid {first.pid})")
    assert first.returncode == 0, said
    assert narrate("verify", out).returncode == 0


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2,000 KiB filesystem: a tmpfs, mounted as root (CI runs as root)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    disk = tmp_path / "disk"
    disk.mkdir()
    mount = ["mount", "-t", "tmpfs", "-o", "size=2000k", "tmpfs", str(disk)]
    mounted = subprocess.run(mount, capture_output=True, text=True)
    if mounted.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "--lazy", str(disk)], check=False)


def test_a_full_disk_is_one_line_and_keeps_the_finished_chapters(
    small_disk: Path, tmp_path: Path
) -> None:
    """Was a 30-line traceback ending in OSError: [Errno 28], exit 1."""
    out, book = small_disk / "out", tmp_path / "book.md"
    sentence = "The keeper climbed the stairs and lit the lamp, as he did every night."
    book.write_text(f"# One\n\n{' '.join([sentence] * 8)}\n\n# Two\n\nThe ships turned.\n")
    common = ("-o", out, "--format", "mp3,m4b", "--no-progress")
    assert narrate("synth", book, *common, "--chapter", "1").returncode == 0  # the short one
    (small_disk / "notes.txt").write_text("the user's own")
    kept = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    full = narrate("synth", book, *common)

    assert_clean_error(full, f"{out}: no space left on device (")
    assert full.stderr.rstrip().endswith(" MB free); finished chapters are kept")
    assert {p: p.read_bytes() for p in kept} == kept
    assert (small_disk / "notes.txt").read_text() == "the user's own"
    subprocess.run(["mount", "-o", "remount,size=20m", str(small_disk)], check=True)
    resumed = narrate("synth", book, *common)
    assert ": 1 kept from an earlier run, 1 narrated now, " in resumed.stdout, resumed.stderr
    assert narrate("verify", out).returncode == 0


def test_a_sample_whose_chapter_is_left_out_is_said_to_be_missing(
    tmp_path: Path, data: Path
) -> None:
    """--sample-minutes with --chapter 1: the sample is cut from chapter 0, not narrated;
    the run made no sample and said nothing of it."""
    out = tmp_path / "out"
    run = narrate(
        "synth", data / "two_chapters.txt", "-o", out, "--chapter", "1",
        "--sample-minutes", "1", "--format", "mp3", "--no-progress",
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "no retail sample this run: it is cut from chapter 0" in run.stderr
    assert not (out / "sample.mp3").exists()


def test_an_ascii_stdout_gets_the_report_with_its_letters_escaped(tmp_path: Path) -> None:
    """In an ASCII locale (PYTHONIOENCODING=ascii, LANG=C on an old host) print() could not
    spell "Ç": `inspect` ended in a traceback, and `synth` did after the whole book."""
    book = tmp_path / "ça.txt"
    book.write_text("Ça commence ici, dit-elle. Très bien.\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "ascii"}
    command = [sys.executable, "-m", "producer.cli", "inspect", str(book)]
    result = subprocess.run(command, capture_output=True, env=env, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr.decode()
    assert b"\\xc7a commence ici" in result.stdout


def test_a_redo_text_longer_than_a_few_segments_is_refused(tmp_path: Path) -> None:
    """A redo says its text as one utterance: 26 KB of it held 2.7 GB for minutes, and Ctrl-C
    waited on it. Past `REDO_TEXT_CHARS` it is refused before anything is read."""
    text = "Hello there. " * (REDO_TEXT_CHARS // 13 + 1)
    result = narrate("redo", tmp_path, "--chapter", "0", "--segment", "0", "--text", text)
    assert_clean_error(result, f"--text: String should have at most {REDO_TEXT_CHARS} characters")
