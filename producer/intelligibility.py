"""Whisper tiny.en's word error rate on narrate's audio against `python -m piper`'s.

    python -m producer.intelligibility BOOK --chapter N [--piper 3] [--seeds 0 1 2]
        [--narrate-args "--no-context"] [--label NAME] [--results runs.jsonl]

One chapter of a book (as `narrate inspect` numbers them) is read by piper several times
(piper samples its noise unseeded: every run differs) and by narrate once per seed (narrate
is deterministic per seed, so its spread over seeds is the fair match for piper's spread
over runs). Both sides get the same text and are transcribed and scored the same way
(`models.gate`: the whole file through faster-whisper, the reference normalized by
`words`). Settings go to narrate through the environment (``NARRATE_...``), as a user sets
them. Each run prints a row; `--results` appends each run, transcript included, as JSON.
"""

import argparse
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import soundfile

from models.asr import transcribe, wer, words
from models.registry import find_voice
from producer.readers import read_manuscript


@dataclass(frozen=True)
class Score:
    label: str
    system: str  # "piper" or "narrate"
    run: int  # piper's run number or narrate's seed
    variant: str  # the decoder's precision
    wer: float
    audio_s: float
    transcript: str


def chapter_text(book: Path, chapter: int) -> str:
    """The chapter's text as narrate stores it (its heading first)."""
    return read_manuscript(book).chapters[chapter].text


def piper_lines(text: str) -> str:
    """One line per paragraph: `python -m piper` reads each line of its input as a text on
    its own, so hard-wrapped prose (Gutenberg's) would be cut mid-sentence at every line end."""
    paragraphs = (" ".join(p.split()) for p in text.split("\n\n"))
    return "\n".join(p for p in paragraphs if p) + "\n"


def render_piper(text: Path, wav: Path, voice: str) -> str:
    """`python -m piper` with the voice's own settings, as a user runs it."""
    files = find_voice(voice)
    command = ["-m", str(files.model), "-c", str(files.config), "-i", str(text), "-f", str(wav)]
    done = subprocess.run([sys.executable, "-m", "piper", *command], capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"piper failed: {done.stderr.strip()[-2000:]}")
    return "fp32"


def render_narrate(
    text: Path, out: Path, voice: str, seed: int, extra: Sequence[str]
) -> tuple[Path, str]:
    """`narrate synth` of a one-chapter text; the chapter's WAV and the decoder's precision."""
    command = [sys.executable, "-m", "producer.cli", "synth", str(text), "-o", str(out)]
    command += ["--voice", voice, "--seed", str(seed), "--no-progress", *extra]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"narrate synth failed: {done.stderr.strip()[-2000:]}")
    manifest = json.loads((out / "manifest.json").read_text())
    if len(manifest["chapters"]) != 1:
        raise RuntimeError(f"narrate read {len(manifest['chapters'])} chapters, not one")
    return out / str(manifest["chapters"][0]["audio_key"]), str(manifest["model_variant"])


def score(label: str, system: str, run: int, variant: str, wav: Path, text: str) -> Score:
    heard = transcribe(wav)
    rate = wer(words(text), words(heard))
    return Score(label, system, run, variant, rate, soundfile.info(str(wav)).duration, heard)


def measure(
    book: Path,
    chapter: int,
    piper_runs: int,
    seeds: Sequence[int],
    extra: Sequence[str],
    label: str,
    keep: Path | None = None,
    voice: str = "joe",
) -> list[Score]:
    """Every run of both systems on one chapter, printed as it is scored; the audio is kept
    in `keep` when given."""
    text = chapter_text(book, chapter)
    scores = []
    with tempfile.TemporaryDirectory(prefix="narrate-wer-") as scratch:
        work = keep or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        (work / "chapter.txt").write_text(text, encoding="utf-8")
        (work / "piper.txt").write_text(piper_lines(text), encoding="utf-8")
        for run in range(piper_runs):
            wav = work / f"piper-{run}.wav"
            variant = render_piper(work / "piper.txt", wav, voice)
            scores.append(score(label, "piper", run, variant, wav, text))
            print_row(scores[-1])
        for seed in seeds:
            out = work / f"narrate-{seed}"
            shutil.rmtree(out, ignore_errors=True)  # narrate would resume a finished run
            wav, variant = render_narrate(work / "chapter.txt", out, voice, seed, extra)
            scores.append(score(label, "narrate", seed, variant, wav, text))
            print_row(scores[-1])
    return scores


def print_row(s: Score) -> None:
    print(f"{s.label:28} {s.system:8} {s.run:3} {s.variant:5} {s.wer:6.2f}% {s.audio_s:7.1f} s")


def print_summary(scores: Sequence[Score]) -> None:
    for system in ("piper", "narrate"):
        rates = [s.wer for s in scores if s.system == system]
        if rates:
            # The median too: now and then faster-whisper skips a whole window of speech
            # (50-70 words, 5 points), whichever system spoke it.
            print(
                f"{scores[0].label:28} {system:8} mean {statistics.mean(rates):6.2f}% "
                f"median {statistics.median(rates):6.2f}% "
                f"(min {min(rates):.2f}, max {max(rates):.2f}, n {len(rates)})"
            )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m producer.intelligibility")
    parser.add_argument("book", type=Path)
    parser.add_argument("--chapter", type=int, required=True, help="index from 0")
    parser.add_argument("--piper", type=int, default=3, help="piper runs (0: none)")
    parser.add_argument("--seeds", type=int, nargs="*", default=[0, 1, 2], help="narrate's")
    parser.add_argument("--narrate-args", default="", help='e.g. "--no-context"')
    parser.add_argument("--label", default="", help="names the rows (default: the args)")
    parser.add_argument("--results", type=Path, default=None, help="append runs as JSON lines")
    parser.add_argument("--keep", type=Path, default=None, help="keep the audio in this folder")
    args = parser.parse_args(argv)
    label = args.label or f"{args.book.stem}[{args.chapter}] {args.narrate_args}".strip()
    scores = measure(
        args.book,
        args.chapter,
        args.piper,
        args.seeds,
        shlex.split(args.narrate_args),
        label,
        args.keep,
    )
    print_summary(scores)
    if args.results:
        with args.results.open("a", encoding="utf-8") as log:
            for s in scores:
                log.write(json.dumps({**asdict(s), "env": _narrate_env()}) + "\n")
    return 0


def _narrate_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k.startswith("NARRATE_")}


if __name__ == "__main__":
    raise SystemExit(main())
