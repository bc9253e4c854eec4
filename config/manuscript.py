"""The manuscript as narrate understands it: the contract between reader and pipeline."""

from pydantic import BaseModel, Field


class Chapter(BaseModel):
    """One chapter: the unit of output (one audio file each)."""

    index: int = Field(ge=0, description="Position in the book, from 0; names the output files.")
    title: str = Field("", description="Heading as written; never used in a key or path.")
    text: str = Field(description="Body text, paragraphs separated by blank lines.")


class Manuscript(BaseModel):
    """A whole document, split into chapters."""

    title: str = ""
    chapters: list[Chapter]
