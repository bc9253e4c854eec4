"""A one-line progress bar on stderr: segments done / total, audio seconds made."""

import sys
import time

from config.jobs import Progress


class ProgressBar:
    def __init__(self, enabled: bool, width: int = 30) -> None:
        self.enabled = enabled
        self.width = width
        self.started = time.perf_counter()
        self._last = 0.0
        self.last: Progress | None = None  # kept when hidden too: the summary line reads it

    def update(self, progress: Progress) -> None:
        self.last = progress
        now = time.perf_counter()
        done = progress.segments_done >= progress.segments_total
        if not self.enabled or (now - self._last < 0.2 and not done):
            return
        self._last = now
        share = progress.segments_done / max(progress.segments_total, 1)
        filled = int(share * self.width)
        # Chapters kept from an earlier run took no time now: they would inflate the speed.
        speed = (progress.audio_s - progress.audio_kept_s) / max(now - self.started, 1e-9)
        sys.stderr.write(
            f"\r[{'#' * filled}{'.' * (self.width - filled)}] "
            f"{progress.segments_done}/{progress.segments_total} segments, "
            f"chapter {min(progress.chapters_done + 1, progress.chapters_total)}"
            f"/{progress.chapters_total}, {progress.audio_s:.1f} s audio ({speed:.1f}x)  "
        )
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")
