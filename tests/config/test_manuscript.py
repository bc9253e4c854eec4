"""The manuscript contract: a book's metadata held to what any book's is."""

from config.manuscript import FIELD_CHARS, MOST_AUTHORS, Metadata


def test_a_title_of_megabytes_is_cut_at_a_word_and_the_authors_to_a_list_of_names() -> None:
    metadata = Metadata(
        title="word " * 500_000,
        authors=["Ann Example"] * 1_000 + ["x" * 100_000],
        publisher="p" * 10_000,
        date="2024",
    )
    assert len(metadata.title) <= FIELD_CHARS and metadata.title.endswith("word")
    assert metadata.authors == ["Ann Example"] * MOST_AUTHORS
    assert metadata.publisher == "p" * FIELD_CHARS  # no space: cut where the limit falls
    assert metadata.date == "2024"


def test_ordinary_metadata_is_kept_as_it_is() -> None:
    fields = {"title": "News from Nowhere", "authors": ["William Morris"], "date": "1890"}
    assert Metadata(**fields).model_dump(include=set(fields)) == fields  # type: ignore[arg-type]
