"""`narrate seams`: the seam metric (docs/architecture.md) on a chapter, with and without
context."""

import time
from pathlib import Path

from config.errors import ManuscriptError
from config.settings import BreakClass, get_settings
from models.pool import get_voice
from models.seams import seam_score
from models.voice import Phonemes
from producer.readers import read_manuscript
from worker.segment import segment_chapter
from worker.synthesize import phonemize_segments


def chapter_paragraphs(
    path: Path, chapter: int, voice_name: str
) -> list[list[tuple[Phonemes, ...]]]:
    """Each paragraph of a chapter as its segments' phonemes."""
    manuscript = read_manuscript(path)
    if not 0 <= chapter < len(manuscript.chapters):
        raise ManuscriptError(f"{path}: no chapter {chapter} (it has {len(manuscript.chapters)})")
    segments = segment_chapter(manuscript.chapters[chapter].text, get_settings().segmenting)
    phonemes = phonemize_segments(get_voice(voice_name), segments)
    paragraphs: list[list[tuple[Phonemes, ...]]] = [[]]
    for segment, parts in zip(segments, phonemes, strict=True):
        paragraphs[-1].append(parts)
        if segment.brk in (BreakClass.PARAGRAPH, BreakClass.SCENE, BreakClass.CHAPTER):
            paragraphs.append([])
    return [p for p in paragraphs if len(p) >= 2]


def print_seams(path: Path, chapter: int, limit: int, voice_name: str) -> int:
    voice = get_voice(voice_name)
    paragraphs = chapter_paragraphs(path, chapter, voice_name)[:limit]
    rows = []
    for context in (False, True):
        began = time.perf_counter()
        score = seam_score(voice, paragraphs, context, get_settings().passage_phonemes)
        rows.append((context, score, time.perf_counter() - began))
    base = rows[0][1].log_mel_l1
    print(
        f"seam metric, chapter {chapter}, {rows[0][1].segments} segments "
        f"in {len(paragraphs)} paragraphs (noise 0; lower is better)"
    )
    print(f"{'':22}{'log-mel L1':>11}{'ratio':>8}{'duration err':>14}{'time':>8}")
    for context, score, seconds in rows:
        name = "with context" if context else "independent segments"
        print(
            f"{name:22}{score.log_mel_l1:11.3f}{score.log_mel_l1 / base:8.2f}"
            f"{score.duration_error:13.2%}{seconds:7.1f}s"
        )
    return 0
