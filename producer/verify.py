"""`narrate verify OUT`: check a finished output against its own manuscript.

For every chapter: the WAV exists, its checksum, rate and duration match the manifest, and
its marks hold every sentence of the chapter text, in order, at increasing times. This is
what a publisher runs before shipping a book; the tests run it too.
"""

import itertools
import json
from pathlib import Path

import soundfile

from config.errors import OutputError
from config.layout import MANIFEST_KEY, SOURCE_KEY
from config.manifest import ChapterMarks, Manifest
from config.manuscript import Manuscript
from config.settings import get_settings
from worker.segment import segment_chapter
from worker.storage import file_sha256


def verify(out: Path) -> list[str]:
    """Problems found in an output directory; empty when it is complete and consistent."""
    try:
        manifest = Manifest.model_validate_json((out / MANIFEST_KEY).read_text())
        source = Manuscript.model_validate_json((out / SOURCE_KEY).read_text())
    except (OSError, ValueError) as error:
        raise OutputError(f"{out}: not a finished narrate output ({error})") from error
    problems = []
    if len(manifest.chapters) != len(source.chapters):
        problems.append(
            f"{len(manifest.chapters)} chapters in the manifest, "
            f"{len(source.chapters)} in the manuscript"
        )
    for chapter, entry in zip(source.chapters, manifest.chapters, strict=False):
        name = f"chapter {entry.index}"
        wav = out / entry.audio_key
        if not wav.is_file():
            problems.append(f"{name}: {entry.audio_key} is missing")
            continue
        info = soundfile.info(str(wav))
        if info.samplerate != manifest.sample_rate:
            problems.append(f"{name}: {info.samplerate} Hz, manifest says {manifest.sample_rate}")
        if abs(info.frames / info.samplerate - entry.duration_s) > 1e-6:
            problems.append(
                f"{name}: lasts {info.duration:.3f} s, manifest says {entry.duration_s:.3f} s"
            )
        if file_sha256(wav) != entry.sha256:
            problems.append(f"{name}: checksum differs from the manifest")
        marks = ChapterMarks.model_validate(json.loads((out / entry.marks_key).read_text()))
        expected = [
            s.text
            for seg in segment_chapter(chapter.text, get_settings().segmenting)
            for s in seg.spans
        ]
        heard = [m.text for m in marks.marks]
        if heard != expected:
            missing = len([t for t in expected if t not in set(heard)])
            problems.append(f"{name}: marks differ from the text ({missing} sentences missing)")
        times = [(m.start_s, m.end_s) for m in marks.marks]
        if any(a[1] > b[0] for a, b in itertools.pairwise(times)) or any(
            s >= e or e > entry.duration_s + 1e-6 for s, e in times
        ):
            problems.append(f"{name}: sentence timings out of order or outside the file")
        problems += [finding.line() for finding in entry.qa if not finding.fixed]
    return problems
