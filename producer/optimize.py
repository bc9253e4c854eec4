"""`narrate models optimize`: build a precision variant, render the gate text, judge it.

The report lands beside the variant in the cache (`models.variants.report_path`); workers
on this device use the variant only if it passed (with `--precision auto`, the fastest one
that did). A GPU host without the gate's packages can render only (`--render-only DIR`,
16 kHz FLAC, what Whisper hears) and `narrate models judge DIR` finishes elsewhere; copy the
report it writes into the GPU host's cache.
"""

import json
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np
import soundfile
import soxr

from config.errors import ManuscriptError
from config.manuscript import Manuscript
from config.settings import Settings, SynthesisOptions, get_settings
from models.extras import need
from models.gate import WHISPER_RATE, Rendition, judge
from models.graph import model_digest
from models.piper import PiperVoice
from models.pool import load_voice, longest_ids
from models.registry import find_voice
from models.runtime import (
    check_runnable,
    free_gpu_memory_gb,
    process_budget_gb,
    resolve_device,
)
from models.variants import (
    RUNS_WITH,
    QualityReport,
    check_runs_on,
    conditions,
    device_kind,
    report_path,
    variant_built,
)
from models.verdicts import machine
from producer.readers import read_manuscript
from worker.pipeline import narrate

GATE_TEXT = Path(__file__).resolve().parent.parent / "samples" / "gate.txt"
GATE_SEED = 1
RENDITIONS = "renditions.json"
TIMING_ROUNDS = 2  # renders of each precision, alternating; the fastest is its speed
PACE_ROUNDS = 5  # on a GPU: runs of the largest batches of each precision, alternating


def optimize(
    voice_name: str,
    precision: str,
    device: str,
    text: Path | None,
    render_to: Path | None = None,
    given: str = "",
) -> QualityReport | None:
    """Render fp32 and the variant, then judge (or, with render_to, keep them for later).
    `given`: how the command line named the device, for its errors (`check_runnable`)."""
    if render_to is None:  # minutes of rendering are not spent for a judge that cannot hear
        need("gate", "judging a variant (Whisper tiny.en)")
    if precision in RUNS_WITH:
        need(RUNS_WITH[precision], f"the {precision} variant")
    settings = get_settings()
    files = find_voice(voice_name)
    built = variant_built(settings.cache_dir, model_digest(files.model), precision)
    if precision == "fp16" and not built:  # one built elsewhere and copied in needs nothing
        need("gpu", "building the fp16 variant")
    device = resolve_device(device)
    check_runs_on(precision, device)  # before minutes of rendering fp32
    check_runnable(device, given)  # no CUDA provider: one error, not a memory warning first
    manuscript = read_manuscript(text or GATE_TEXT)
    spoken = "\n\n".join(chapter.text for chapter in manuscript.chapters)
    measured_on = machine(precision, device)  # what the renders depend on, for the report
    settings = shared_budget(settings, device)
    with tempfile.TemporaryDirectory(prefix="narrate-gate-") as scratch:
        voices = [load_voice(voice_name, device, name, settings) for name in ("fp32", precision)]
        renditions = timed_renditions(voices, manuscript, Path(scratch), device)
        if render_to is not None:
            keep(render_to, files.name, device, spoken, renditions, measured_on)
            return None
        report = judge(files.name, device, spoken, renditions[0], renditions[1])
    report = replace(report, measured_on=measured_on)
    save_report(report)
    return report


def keep(
    folder: Path,
    voice: str,
    device: str,
    text: str,
    renditions: list[Rendition],
    measured_on: dict[str, str],
) -> None:
    """Both renditions as 16 kHz FLAC (small enough to move) and what judging needs, with
    where they were rendered (the report's `measured_on` is the renders' machine)."""
    folder.mkdir(parents=True, exist_ok=True)
    kept = []
    for rendition in renditions:
        audio = np.concatenate([soundfile.read(str(w), dtype="float32")[0] for w in rendition.wavs])
        rate = soundfile.info(str(rendition.wavs[0])).samplerate
        flac = folder / f"{rendition.precision}.flac"
        soundfile.write(str(flac), soxr.resample(audio, rate, WHISPER_RATE), WHISPER_RATE)
        kept.append({**asdict(rendition), "wavs": [flac.name]})
    record = {
        "voice": voice,
        "device": device,
        "text": text,
        "renditions": kept,
        "measured_on": measured_on,
    }
    (folder / RENDITIONS).write_text(json.dumps(record, indent=1), encoding="utf-8")


def judge_folder(folder: Path) -> QualityReport:
    """Judge renditions kept by `--render-only`; the report goes to this machine's cache."""
    try:
        record = json.loads((folder / RENDITIONS).read_text(encoding="utf-8"))
        fp32, variant = (
            Rendition(**{**r, "wavs": [folder / w for w in r["wavs"]]})
            for r in record["renditions"]
        )
        measured_on = conditions(record.get("measured_on", {}))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ManuscriptError(f"{folder}: no renditions to judge ({error})") from error
    need("gate", "judging a variant (Whisper tiny.en)")
    report = judge(record["voice"], record["device"], record["text"], fp32, variant)
    report = replace(report, measured_on=measured_on)
    save_report(report)
    return report


def save_report(report: QualityReport) -> None:
    settings = get_settings()
    if settings.cache_dir is None:
        return
    digest = model_digest(find_voice(report.voice).model)
    path = report_path(settings.cache_dir, digest, report.precision, report.device)
    report.save(path)
    print(f"report: {path}")


def shared_budget(settings: Settings, device: str) -> Settings:
    """Settings in which the two voices the gate holds at once share one GPU budget, read
    before either holds memory: each reading the free memory as it loaded gave fp32 most
    of it and the variant smaller batches, so a slower render."""
    if device_kind(device) == "cpu":
        return settings
    free = free_gpu_memory_gb(device)
    budget = process_budget_gb(free, 2, device, settings.gpu_memory_gb)
    return settings.model_copy(update={"gpu_memory_gb": budget})


def timed_renditions(
    voices: Sequence[PiperVoice], manuscript: Manuscript, scratch: Path, device: str = "cpu"
) -> list[Rendition]:
    """Each voice's rendition of the gate text, rendered TIMING_ROUNDS times in turn (so
    the gate takes that many times as long to render).

    A session's first render pays its shapes' first use (cuDNN's plans, kernels loaded as
    first called), by an amount that varies between runs; on a GPU, where a render is a few
    seconds, one timing each once put fp16 behind fp32, and `auto` then ran the slower fp32
    (docs/performance.md, "What the arena's step is not"). The fastest of each counts. The
    first render's audio is the one judged; the later renders are thrown away, only their
    time is kept. On a GPU the time is the gate text's at its largest batches' pace
    (`gpu_paces`), and it is rendered once."""
    renditions = [render(voice, manuscript, scratch / voice.precision) for voice in voices]
    if device_kind(device) != "cpu":
        paces = gpu_paces(voices, longest_ids(get_settings()))
        return [replace(r, wall_s=r.duration_s / x) for r, x in zip(renditions, paces, strict=True)]
    for again in range(1, TIMING_ROUNDS):
        for k, voice in enumerate(voices):
            out = scratch / f"{voice.precision}-timing-{again}"
            wall = render(voice, manuscript, out).wall_s
            shutil.rmtree(out, ignore_errors=True)
            renditions[k] = replace(renditions[k], wall_s=min(wall, renditions[k].wall_s))
    return renditions


def gpu_paces(voices: Sequence[PiperVoice], longest: int) -> list[float]:
    """Each voice's seconds of audio a second in its largest batches, run from every
    inference thread at once (`warm_up`), PACE_ROUNDS times in turn; the fastest counts.

    A GPU's batches are where a variant's speed shows, and a book keeps them full; the gate
    chapter alone does not. On an H200 fp16 and fp32 rendered it at one pace (346.4x and
    347.5x; 781x and 791x with sixteen copies of it in flight), so `auto` ran fp32, while
    the book ran 11% faster in fp16 and fp16's largest batches 10% faster
    (docs/performance.md, "The gate's pace on a GPU")."""
    best = [0.0] * len(voices)
    for _ in range(PACE_ROUNDS):
        for k, voice in enumerate(voices):
            began = time.perf_counter()
            audio = voice.warm_up(longest)
            best[k] = max(best[k], audio / (time.perf_counter() - began))
    return best


def render(voice: PiperVoice, manuscript: Manuscript, out: Path) -> Rendition:
    options = SynthesisOptions(voice=voice.name, seed=GATE_SEED)
    began = time.perf_counter()
    manifest = narrate(manuscript, options, out, get_settings(), voice=voice)
    wall = time.perf_counter() - began
    wavs = [out / chapter.audio_key for chapter in manifest.chapters]
    duration = sum(chapter.duration_s for chapter in manifest.chapters)
    return Rendition(voice.precision, wavs, duration, wall)


def print_report(report: QualityReport) -> int:
    verdict = "PASSED" if report.passed else "REFUSED"
    print(f"{report.voice} {report.precision} on {report.device}: {verdict} ({report.reason})")
    print(f"{'':10}{'WER %':>8}{'audio s':>10}{'x real time':>13}")
    print(
        f"{'fp32':10}{report.wer_fp32:8.2f}{report.duration_fp32_s:10.1f}"
        f"{report.x_real_time_fp32:13.1f}"
    )
    print(
        f"{report.precision:10}{report.wer:8.2f}{report.duration_s:10.1f}{report.x_real_time:13.1f}"
    )
    print(f"{report.words} words scored by Whisper tiny.en")
    if device_kind(report.device) != "cpu":
        print("x real time on a GPU: its largest batches, from every inference thread at once")
    return 0 if report.passed else 1
