"""The soak's memory readings: what it reports is this process's, split as the kernel does."""

from pathlib import Path

import numpy as np
import pytest

from producer.soak import rss_mb


def test_anonymous_memory_is_part_of_rss_and_follows_what_the_heap_holds() -> None:
    before_rss, before_anon = rss_mb(), rss_mb("RssAnon")
    assert 0 < before_anon <= before_rss
    held = np.ones(200 * 1024 * 1024 // 8)  # 200 MB, every page touched
    grown = rss_mb("RssAnon") - before_anon
    assert 180 < grown < 260, grown
    assert rss_mb() - before_rss > 180
    assert rss_mb("RssFile") < rss_mb()  # library code and mapped files: the rest
    del held


def test_memory_that_swings_is_flat_and_memory_that_grows_or_steps_up_late_is_not() -> None:
    """The soak compares the highest samples of the first and last quarters of the run after
    its warm-up."""
    from producer.soak import growth

    swings = [4000.0 + 400 * ((i * 7) % 5) / 4 for i in range(100)]  # 4.0-4.4 GB, all along
    assert growth(swings).flat and abs(growth(swings).change) < 0.01
    leak = [4000.0 + 3 * i for i in range(100)]  # 3 MB a sample: +7.4% by the end
    assert not growth(leak).flat and growth(leak).change > 0.05
    slower = [4000.0 + 1.5 * i for i in range(100)]  # +3.7%: within the line
    assert growth(slower).flat
    step = swings[:80] + [s + 1024 for s in swings[80:]]  # an arena's 1 GB step, late
    late = growth(step)
    assert not late.flat and late.last == 4400 + 1024 and late.first == 4400
    assert "first quarter" in str(late) and "+23.3%" in str(late)


def test_a_sample_reads_the_highest_rss_since_the_sample_before_not_the_rss_now() -> None:
    """The crest of the work in flight comes and goes between two samples."""
    from producer.soak import peak_rss_mb

    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pytest.skip("this kernel does not let a process clear its high-water mark")
    peak_rss_mb()  # the high-water mark cleared: from here on
    held = np.ones(300 * 1024 * 1024 // 8)  # 300 MB, every page touched, then given back
    crest = rss_mb()
    del held
    # Read against the crest itself, not the RSS before it: in a long test run other
    # threads give memory back while the 300 MB is being touched.
    assert crest - rss_mb() > 250  # given back
    assert peak_rss_mb() >= crest - 1  # the crest, read after it has gone
    assert peak_rss_mb() - rss_mb() < 50  # and cleared by that reading


def test_the_gpu_reading_is_the_highest_since_the_one_before(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A CUDA arena's regions come and go within a second: the thread keeps the highest."""
    import threading

    from producer import soak

    calls = 0
    read = threading.Event()

    def reading() -> float:
        nonlocal calls
        calls += 1
        if calls >= 6:
            read.set()
        return 900.0 if calls == 2 else 300.0  # one crest, early

    monkeypatch.setattr(soak, "gpu_mb", reading)
    monkeypatch.setattr(soak, "GPU_EVERY_S", 0.001)
    with soak.GpuPeak(True) as peak:
        assert read.wait(10)
        assert peak.take() == 900.0  # the crest, though every reading since was lower
        read.clear()
        calls = 2  # four more readings, none of them a crest
        assert read.wait(10)
        assert peak.take() == 300.0  # cleared by the take before
    assert not peak._thread.is_alive()
    with soak.GpuPeak(False) as idle:  # on the CPU: nothing read, no thread
        assert idle.take() is None and not idle._thread.is_alive()
