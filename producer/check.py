"""`narrate check OUT --acx`: every MP3 of a finished output measured against ACX's rules,
in a local folder or where a job delivered it (`file:///dir/JOB`, `s3://bucket/prefix/JOB`).

The files are measured again (not the manifest's record of them), so a file changed or
damaged after narration is caught; the manifest's report is what the run measured.

ACX also asks a book for opening and closing credits, each a file of its own. A book without
them is warned of, not failed: its files are as good, and a producer may record credits of
their own to upload beside them; `narrate synth --credits` makes them.
"""

import re
import tempfile
from pathlib import Path

from config.errors import FormatError, OutputError
from config.layout import MANIFEST_KEY
from config.manifest import AcxReport, Manifest
from producer.verify import output_storage, read_output
from worker.acx import check_acx, in_words
from worker.storage import Storage

# How narrate titles its credits ("Opening credits", `--credits`), and a book that carries
# its own may ("Opening Credits", "Credits").
_CREDITS = re.compile(r"\bcredits?\b", re.I)


def acx_files(manifest: Manifest, out: Path | str) -> list[tuple[str, str]]:
    """(label, key) of every MP3 the manifest lists, the retail sample included."""
    files = [
        (f"chapter {entry.index}", key)
        for entry in manifest.chapters
        for key in entry.files.get("mp3", [])
    ]
    if manifest.sample_key:
        files.append(("retail sample", manifest.sample_key))
    if not files:
        raise OutputError(f"{out}: no MP3 to check (narrate with --format mp3)")
    return files


def missing_credits(manifest: Manifest) -> list[str]:
    """The credits ACX asks for that the book has no MP3 of ("opening", "closing"): the
    first and the last chapter in MP3 are to be credits."""
    in_mp3 = [entry.title for entry in manifest.chapters if entry.files.get("mp3")]
    missing = []
    if not in_mp3 or not _CREDITS.search(in_mp3[0]):
        missing.append("opening")
    if len(in_mp3) < 2 or not _CREDITS.search(in_mp3[-1]):
        missing.append("closing")
    return missing


def check(out: Path | str) -> int:
    """Print each MP3's ACX figures, and a warning where the book has no credits; 1 if any
    file fails, else 0."""
    storage = output_storage(out)
    manifest = read_output(storage, out, MANIFEST_KEY, Manifest)
    files = acx_files(manifest, out)
    print(
        f"{'':16}{'file':24}{'RMS dB':>8}{'peak dB':>8}{'floor dB':>9}{'head s':>7}"
        f"{'tail s':>7}{'kbps':>6}  verdict"
    )
    failed = 0
    for label, key in files:
        passed, row = _checked(storage, label, key)
        failed += not passed
        print(row)
    print(f"{failed} of {len(files)} files fail ACX" if failed else "every file passes ACX")
    if missing := missing_credits(manifest):
        print(
            f"warning: no {' and no '.join(missing)} credits: ACX requires opening and closing "
            "credits, each a file of its own, and rejects a book without them; narrate them "
            "with `narrate synth ... --credits`, or add your own before you submit"
        )
    return 1 if failed else 0


def measure(storage: Storage, key: str) -> AcxReport | None:
    """One MP3's ACX report, None when it is missing; from S3 it is downloaded, measured and
    removed, so a book's worth of MP3s never fills the disk at once."""
    if not storage.exists(key):
        return None
    with tempfile.TemporaryDirectory(prefix="narrate-check-") as scratch:
        return check_acx(storage.local_file(key, Path(scratch)))


def _checked(storage: Storage, label: str, key: str) -> tuple[bool, str]:
    """Whether one MP3 passes, and its row of the table: a file FFmpeg cannot read or
    decode to its end fails with the reason, and the others are measured still."""
    name = Path(key).name
    try:
        report = measure(storage, key)
    except FormatError as error:
        return False, f"{label:16}{name:24}  FAIL: {error}"
    return report is not None and report.passed, _row(label, name, report)


def _row(label: str, name: str, report: AcxReport | None) -> str:
    """The file's row, and under a failed one a line for each rule it missed, in words: what
    was measured and what ACX wants (the manifest's `problems` name the rules, for scripts)."""
    if report is None:
        return f"{label:16}{name:24}  missing"
    row = (
        f"{label:16}{name:24}{report.rms_db:8.1f}{report.peak_db:8.1f}"
        f"{report.noise_floor_db:9.1f}{report.head_s:7.2f}{report.tail_s:7.2f}"
        f"{report.bit_rate // 1000:6d}  {'pass' if report.passed else 'FAIL'}"
    )
    return "\n".join([row, *(f"{'':16}- {line}" for line in in_words(report))])
