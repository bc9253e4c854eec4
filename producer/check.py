"""`narrate check OUT --acx`: every MP3 of a finished output measured against ACX's rules.

The files are measured again (not the manifest's record of them), so a file changed or
damaged after narration is caught; the manifest's report is what the run measured.
"""

from pathlib import Path

from config.errors import OutputError
from config.layout import MANIFEST_KEY
from config.manifest import AcxReport, Manifest
from worker.acx import check_acx


def acx_files(out: Path) -> list[tuple[str, Path]]:
    """(label, path) of every MP3 the manifest lists, the retail sample included."""
    try:
        manifest = Manifest.model_validate_json((out / MANIFEST_KEY).read_text())
    except (OSError, ValueError) as error:
        raise OutputError(f"{out}: not a finished narrate output ({error})") from error
    files = [
        (f"chapter {entry.index}", out / key)
        for entry in manifest.chapters
        for key in entry.files.get("mp3", [])
    ]
    if manifest.sample_key:
        files.append(("retail sample", out / manifest.sample_key))
    if not files:
        raise OutputError(f"{out}: no MP3 to check (narrate with --format mp3)")
    return files


def check(out: Path) -> int:
    """Print each MP3's ACX figures; 1 if any fails, else 0."""
    files = acx_files(out)
    print(
        f"{'':16}{'file':24}{'RMS dB':>8}{'peak dB':>8}{'floor dB':>9}{'head s':>7}"
        f"{'tail s':>7}{'kbps':>6}  verdict"
    )
    failed = 0
    for label, path in files:
        report = check_acx(path) if path.is_file() else None
        failed += report is None or not report.passed
        print(_row(label, path, report))
    print(
        f"{failed} of {len(acx_files(out))} files fail ACX" if failed else "every file passes ACX"
    )
    return 1 if failed else 0


def _row(label: str, path: Path, report: AcxReport | None) -> str:
    if report is None:
        return f"{label:16}{path.name:24}  missing"
    verdict = "pass" if report.passed else "FAIL: " + "; ".join(report.problems)
    return (
        f"{label:16}{path.name:24}{report.rms_db:8.1f}{report.peak_db:8.1f}"
        f"{report.noise_floor_db:9.1f}{report.head_s:7.2f}{report.tail_s:7.2f}"
        f"{report.bit_rate // 1000:6d}  {verdict}"
    )
