"""LocalStorage: a file is put under its key whole, or not at all."""

from pathlib import Path

import pytest

from config.errors import OutputError
from worker.storage import LocalStorage


def test_a_folder_in_the_way_of_a_key_is_an_error_not_a_home_for_the_file(
    tmp_path: Path,
) -> None:
    storage = LocalStorage(tmp_path / "out")
    (tmp_path / "out" / "chapters" / "001.wav").mkdir(parents=True)
    made = tmp_path / "made.wav"
    made.write_bytes(b"RIFF")
    with pytest.raises(OutputError, match=r"001\.wav: cannot write"):
        storage.put_file("chapters/001.wav", made)
    assert list((tmp_path / "out" / "chapters" / "001.wav").iterdir()) == []
    assert not (tmp_path / "out" / "chapters" / "001.wav.part").exists()  # nothing half-made
    assert storage.sha256("chapters/001.wav") is None
    made.write_bytes(b"RIFF")
    storage.put_file("chapters/002.wav", made)
    assert (tmp_path / "out" / "chapters" / "002.wav").read_bytes() == b"RIFF"
