"""The soak's memory readings: what it reports is this process's, split as the kernel does."""

import numpy as np

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
