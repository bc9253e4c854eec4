"""`narrate models optimize`: build a precision variant, render the gate text, judge it.

The report lands beside the variant in the cache (`models.variants.report_path`); workers
on this device use the variant only if it passed (with `--precision auto`, the fastest one
that did).
"""

import tempfile
import time
from pathlib import Path

from config.manuscript import Manuscript
from config.settings import SynthesisOptions, get_settings
from models.gate import Rendition, judge
from models.graph import model_digest
from models.pool import load_voice, resolve_device
from models.registry import find_voice
from models.variants import QualityReport, report_path
from models.voice import Voice
from producer.manuscript import read_manuscript
from worker.pipeline import narrate

GATE_TEXT = Path(__file__).resolve().parent.parent / "samples" / "gate.txt"
GATE_SEED = 1


def optimize(voice_name: str, precision: str, device: str, text: Path | None) -> QualityReport:
    settings = get_settings()
    device = resolve_device(device)
    files = find_voice(voice_name)
    manuscript = read_manuscript(text or GATE_TEXT)
    with tempfile.TemporaryDirectory(prefix="narrate-gate-") as scratch:
        renditions = []
        for name in ("fp32", precision):
            voice = load_voice(voice_name, device, name, settings)
            renditions.append(render(voice, manuscript, Path(scratch) / name))
        spoken = "\n\n".join(chapter.text for chapter in manuscript.chapters)
        report = judge(files.name, device, spoken, renditions[0], renditions[1])
    if settings.cache_dir is not None:
        report.save(report_path(settings.cache_dir, model_digest(files.model), precision, device))
    return report


def render(voice: Voice, manuscript: Manuscript, out: Path) -> Rendition:
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
    return 0 if report.passed else 1
