"""`narrate verify OUT`: check a finished output against its own manuscript.

For every chapter: the WAV exists, its checksum, rate and duration match the manifest, and
its marks hold every sentence of the chapter text, in order, at increasing times; its word
marks run in order inside their sentences and say the characters they point at; its speech
marks and subtitles parse and agree with the marks. This is what a publisher runs before
shipping a book; the tests run it too.
"""

import bisect
import itertools
import json
from pathlib import Path

import soundfile

from config.errors import OutputError
from config.layout import MANIFEST_KEY, SOURCE_KEY
from config.manifest import ChapterEntry, ChapterMarks, Manifest, Mark, WordMark
from config.manuscript import Manuscript
from config.settings import get_settings
from worker.segment import segment_chapter
from worker.storage import file_sha256
from worker.subtitles import MAX_LINE, MAX_LINES, read_cues

_SPEECH_MARK_KEYS = ["time", "type", "start", "end", "value"]


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
        problems += [f"{name}: {p}" for p in word_problems(chapter.text, marks)]
        problems += [f"{name}: {p}" for p in caption_problems(out, entry, marks)]
        problems += [finding.line() for finding in entry.qa if not finding.fixed]
    return problems


def word_problems(text: str, marks: ChapterMarks) -> list[str]:
    """Word marks out of order, outside their sentences, or not saying their characters."""
    problems = []
    times = [(w.start_s, w.end_s) for w in marks.words]
    chars = [(w.char_start, w.char_end) for w in marks.words]
    if any(a[1] > b[0] for pair in (times, chars) for a, b in itertools.pairwise(pair)):
        problems.append("word marks out of order or overlapping")
    starts = [m.char_start for m in marks.marks]
    outside = [w.text for w in marks.words if not _inside_its_sentence(w, marks.marks, starts)]
    if outside:
        problems.append(f"{len(outside)} word marks outside their sentences ({outside[0]!r})")
    said = [" ".join(text[w.char_start : w.char_end].split()) for w in marks.words]
    wrong = [w.text for w, chars in zip(marks.words, said, strict=True) if chars != w.text]
    if wrong:
        problems.append(f"{len(wrong)} word marks differ from their characters ({wrong[0]!r})")
    return problems


def _inside_its_sentence(word: WordMark, sentences: list[Mark], starts: list[int]) -> bool:
    """Whether a word lies, in characters and in time, inside the sentence it starts in
    (`starts`: where each sentence starts)."""
    at = bisect.bisect_right(starts, word.char_start) - 1
    if at < 0:
        return False
    sentence = sentences[at]
    return (
        word.char_end <= sentence.char_end
        and sentence.start_s <= word.start_s < word.end_s <= sentence.end_s
    )


def caption_problems(out: Path, entry: ChapterEntry, marks: ChapterMarks) -> list[str]:
    """Speech marks and subtitles the manifest lists that are missing, do not parse, or
    disagree with the marks (a manifest from before them lists none)."""
    keys = [entry.speech_marks_key, *entry.subtitle_keys] if entry.speech_marks_key else []
    problems = []
    for key in keys:
        check = _speech_mark_problems if key.endswith(".jsonl") else _cue_problems
        try:
            problems += check((out / key).read_text(encoding="utf-8"), entry, marks)
        except OSError:
            problems.append(f"{key} is missing")
        except ValueError as error:
            problems.append(f"{key} does not parse ({error})")
    return problems


def _speech_mark_problems(body: str, entry: ChapterEntry, marks: ChapterMarks) -> list[str]:
    events = [json.loads(line) for line in body.splitlines()]
    if any(not isinstance(e, dict) or list(e) != _SPEECH_MARK_KEYS for e in events):
        raise ValueError(f"each line must be an object of {', '.join(_SPEECH_MARK_KEYS)}")
    kinds = [e["type"] for e in events]
    if (kinds.count("sentence"), kinds.count("word")) != (len(marks.marks), len(marks.words)):
        return ["speech marks differ from the marks"]
    times = [e["time"] for e in events]
    return [] if times == sorted(times) else ["speech marks out of time order"]


def _cue_problems(body: str, entry: ChapterEntry, marks: ChapterMarks) -> list[str]:
    cues = read_cues(body)
    problems = []
    if any(len(c.lines) > MAX_LINES or any(len(line) > MAX_LINE for line in c.lines) for c in cues):
        problems.append(f"cues over {MAX_LINES} lines of {MAX_LINE} characters")
    if any(a.end_s > b.start_s for a, b in itertools.pairwise(cues)) or any(
        c.start_s > c.end_s or c.end_s > entry.duration_s + 1e-3 for c in cues
    ):
        problems.append("cue times out of order or outside the file")
    return problems
