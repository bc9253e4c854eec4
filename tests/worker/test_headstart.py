"""When `narrate synth` starts the fork server its narrating processes are forked from
(worker.headstart): where they are likely, read from the environment before the settings."""

import pytest

from worker import headstart


@pytest.mark.parametrize(
    ("device", "processes", "likely"),
    [
        ("cuda", None, True),  # the free memory decides how many: likely several
        ("cuda:1", "0", True),
        ("CUDA", "3", True),
        ("cuda", "1", False),  # one process asked for: narrated in the command itself
        ("cpu", None, False),  # the CPU's default is one process
        ("cpu", "1", False),
        ("cpu", "2", True),
    ],
)
def test_several_processes_are_likely_as_the_settings_would_start_them(
    monkeypatch: pytest.MonkeyPatch, device: str, processes: str | None, likely: bool
) -> None:
    monkeypatch.setenv("NARRATE_DEVICE", device)
    if processes is None:
        monkeypatch.delenv("NARRATE_DEVICE_PROCESSES", raising=False)
    else:
        monkeypatch.setenv("NARRATE_DEVICE_PROCESSES", processes)
    assert headstart.several_processes_likely() is likely


def test_auto_is_the_gpu_only_where_one_is_seen_and_onnxruntime_can_use_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """This host's GPU, or its absence, stood in for: the device files are the driver's."""
    monkeypatch.delenv("NARRATE_DEVICE", raising=False)
    monkeypatch.delenv("NARRATE_DEVICE_PROCESSES", raising=False)
    monkeypatch.setattr(headstart, "wsl_gpu", lambda: False)
    for gpu, cuda, likely in [(True, True, True), (True, False, False), (False, True, False)]:
        monkeypatch.setattr(headstart, "gpu_present", lambda gpu=gpu: gpu)
        monkeypatch.setattr(headstart, "cuda_build", lambda cuda=cuda: cuda)
        assert headstart.several_processes_likely() is likely
