import pytest

from config.jobs import _chapters


@pytest.mark.parametrize(
    ("held", "said"),
    [
        ([0, 1, 2], "chapters 0 to 2"),
        ([4], "chapter 4"),
        ([19, 3, 12], "chapters 3, 12 and 19"),  # a `--chapter 3,12,19` output
        ([0, 1, 5], "chapters 0, 1 and 5"),
    ],
)
def test_a_redo_of_a_missing_chapter_names_the_chapters_the_output_holds(
    held: list[int], said: str
) -> None:
    assert _chapters(held) == said
