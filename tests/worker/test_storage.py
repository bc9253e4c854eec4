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


def test_local_storage_lists_the_objects_under_a_folder_and_not_a_write_under_way(
    tmp_path: Path,
) -> None:
    storage = LocalStorage(tmp_path / "out")
    for key in ("work/000/00000.npz", "work/000/00001.npz", "work/001/00000.npz", "manifest.json"):
        storage.put_bytes(key, b"x")
    (tmp_path / "out" / "work" / "000" / "00002.npz.part").write_bytes(b"half")
    assert storage.listed("work/000") == {"work/000/00000.npz", "work/000/00001.npz"}
    assert storage.listed("work/002") == set()


def test_s3_storage_lists_its_own_folder_past_a_page_of_keys(tmp_path: Path) -> None:
    """moto's S3 server on loopback; a listing is paged at 1,000 keys."""
    from tests.services import BUCKET, Services
    from worker.storage import S3Storage

    (tmp_path / "services").mkdir()
    services = Services(tmp_path / "services").start()
    try:
        client = services.client()
        for n in range(1001):
            client.put_object(Bucket=BUCKET, Key=f"out/job-a/work/000/{n:05d}.npz", Body=b"x")
        client.put_object(Bucket=BUCKET, Key="out/job-a/work/001/00000.npz", Body=b"x")
        client.put_object(Bucket=BUCKET, Key="out/job-ab/work/000/00000.npz", Body=b"x")
        storage = S3Storage(BUCKET, "out", client).child("job-a")
        listed = storage.listed("work/000")
        assert len(listed) == 1001 and "work/000/01000.npz" in listed
        assert all(key.startswith("work/000/") for key in listed)
        assert storage.listed("work/002") == set()
    finally:
        services.stop()
