"""The intelligibility comparison: what piper is given, and how runs are summed up."""

import pytest

from producer.intelligibility import Score, piper_lines, print_summary


def test_piper_gets_one_line_per_paragraph() -> None:
    """piper reads each input line as a text of its own: wrapped prose is joined first."""
    text = "CHAPTER IV\n\nWe turned away from the river,\nand were soon  in the road.\n\n\nEnd."
    assert piper_lines(text) == (
        "CHAPTER IV\nWe turned away from the river, and were soon in the road.\nEnd.\n"
    )


def test_the_summary_gives_each_systems_mean_and_median(capsys: pytest.CaptureFixture[str]) -> None:
    scores = [
        Score("ch", "piper", run, "fp32", rate, 300.0, "")
        for run, rate in enumerate([7.0, 8.0, 15.0])
    ] + [Score("ch", "narrate", 0, "fp32", 7.5, 320.0, "")]
    print_summary(scores)
    out = capsys.readouterr().out
    assert "piper    mean  10.00% median   8.00%" in out
    assert "narrate  mean   7.50% median   7.50%" in out
