"""`narrate inspect`: what would be narrated, without synthesis.

A producer checks a book before spending a night on it: the metadata as read, each chapter
with its title, word count and first sentence, what was skipped and why, and any warning
(a table left out, a cover that cannot be used).
"""

import json
from pathlib import Path
from typing import Any

from models.scripts import SCRIPT_LANGUAGES, foreign_words, script_name
from producer.readers import Reading, Source, read_source
from worker.segment import is_scene_break, paragraphs, sentence_bounds

FIRST_SENTENCE_CHARS = 120
OTHER_SCRIPT_WORDS = 12  # listed, the most frequent first


def report(path: Path, reading: Reading) -> dict[str, Any]:
    """What would be narrated from a manuscript: the `--json` object."""
    source = read_source(path, reading)
    return describe(source)


def describe(source: Source) -> dict[str, Any]:
    manuscript = source.manuscript
    metadata = manuscript.metadata.model_dump()
    return {
        "metadata": metadata,
        "locale": manuscript.locale,
        "lexicon_entries": len(manuscript.lexicon),
        "chapters": [
            {
                "index": chapter.index,
                "title": chapter.title,
                "kind": chapter.kind,
                "words": len(_read(chapter.text).split()),
                "first_sentence": first_sentence(chapter.text, chapter.title),
            }
            for chapter in manuscript.chapters
        ],
        "skipped": [skipped.model_dump() for skipped in manuscript.skipped],
        "other_scripts": other_scripts(" ".join(c.text for c in manuscript.chapters)),
        "warnings": source.warnings,
    }


def other_scripts(text: str) -> list[dict[str, Any]]:
    """Words in other scripts than English's, the most frequent first: each is said as its
    language says it (`models.scripts`), or spelt out where espeak-ng has no language for
    its script; a lexicon entry says one as the producer wants."""
    found = foreign_words(text, {"LATIN"})
    return [
        {"word": word, "script": script_name(name), "count": n, "said": name in SCRIPT_LANGUAGES}
        for (word, name), n in found.most_common(OTHER_SCRIPT_WORDS)
    ]


def first_sentence(text: str, title: str) -> str:
    """The chapter's first sentence after its heading, shortened for a listing."""
    body = text[len(title) :] if title and text.startswith(title) else text
    flat = " ".join(_read(body).split())
    bounds = sentence_bounds(flat)
    sentence = flat[bounds[0][0] : bounds[0][1]].strip() if bounds else ""
    if len(sentence) > FIRST_SENTENCE_CHARS:
        sentence = sentence[: FIRST_SENTENCE_CHARS - 3].rsplit(" ", 1)[0] + "..."
    return sentence


def _read(text: str) -> str:
    """The text a listener hears: scene breaks are pauses, not words."""
    return "\n\n".join(p for _, p in paragraphs(text) if not is_scene_break(p))


def print_report(data: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return
    meta = data["metadata"]
    authors = f"  by {', '.join(meta['authors'])}" if meta["authors"] else ""
    language = f"  [{meta['language']}]" if meta["language"] else ""
    print(f"{meta['title'] or '(untitled)'}{authors}{language}")
    extra = [f"{k}: {meta[k]}" for k in ("publisher", "date") if meta[k]]
    extra += [f"cover: {meta['cover_key'].rsplit('.', 1)[-1].upper()}"] if meta["cover_key"] else []
    if extra:
        print("  " + "; ".join(extra))
    # Titles whole, the column as wide as the longest: a title is what --skip and --include
    # take (and --chapter's number stands beside it), so it is copied from here, one line each.
    width = max([len("title"), *(len(ch["title"]) for ch in data["chapters"])])
    print(f"\n{'#':>4}  {'title':{width}}  {'kind':12}{'words':>7}  first sentence")
    for ch in data["chapters"]:
        print(
            f"{ch['index']:>4}  {ch['title']:{width}}  {ch['kind']:12}{ch['words']:>7}"
            f"  {_cut(ch['first_sentence'], 60)}"
        )
    total = sum(ch["words"] for ch in data["chapters"])
    print(f"{_count(len(data['chapters']), 'chapter')}, {_count(total, 'word')}")
    for skipped in data["skipped"]:
        print(f"skipped: {skipped['title'] or '(untitled)'} ({skipped['reason']})")
    if data["other_scripts"]:
        words = ", ".join(
            f"{w['word']} ({w['script']}{'' if w['said'] else ', spelt out'})"
            for w in data["other_scripts"]
        )
        print(f"words in other scripts (a lexicon entry says one your way): {words}")
    for warning in data["warnings"]:
        print(f"warning: {warning}")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."
