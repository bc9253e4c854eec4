"""`narrate worker --device cuda:all` without a GPU: the listing, and the supervision of real
child processes that stand in for the per-GPU workers."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from config.errors import DeviceError
from producer.cli import build_parser, gpu_worker_argv
from worker.gpus import Slot, child_environment, visible_gpus, worker_slots

ROOT = Path(__file__).resolve().parents[2]

# A stand-in worker: records the GPU, the processes and the budget it was given, then sleeps
# until a signal stops it (recorded too); the one labelled `fail` exits 5 once every child
# has started.
CHILD = """
import os, signal, sys, time
out, fail, count, label = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
def stop(signum, frame):
    with open(os.path.join(out, label + ".stopped"), "a") as f:
        f.write(signal.Signals(signum).name + "\\n")
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)
seen = [os.environ.get(name, "") for name in (
    "CUDA_VISIBLE_DEVICES", "CUDA_DEVICE_ORDER", "NARRATE_DEVICE_PROCESSES",
    "NARRATE_GPU_MEMORY_GB")]
print("ready", flush=True)
# Written whole, last: the test signals the children once every .env is there.
open(os.path.join(out, label + ".tmp"), "w").write(" ".join(seen))
os.replace(os.path.join(out, label + ".tmp"), os.path.join(out, label + ".env"))
while label == fail and len([n for n in os.listdir(out) if n.endswith(".env")]) < count:
    time.sleep(0.05)
if label == fail:
    sys.exit(5)
time.sleep(60)
"""

# Each GPU's K processes get budgets of 10 GB times the GPU's place in the list.
SUPERVISOR = """
import sys
from worker.gpus import Slot, supervise, visible_gpus
child, out, fail, count, processes = sys.argv[1:]
n = int(processes)
places = [
    Slot(gpu, i, n, 10.0 * (k + 1)) if n > 1 else Slot(gpu)
    for k, gpu in enumerate(visible_gpus()) for i in range(1, n + 1)
]
argv = lambda slot: [sys.executable, child, out, fail, count, slot.label.replace("/", "-")]
sys.exit(supervise(places, argv))
"""


THREE_GPUS = "printf '0, GPU-aaaa-1111\\n1, GPU-bbbb-2222\\n2, GPU-cccc-3333\\n'"


def fake_nvidia_smi(folder: Path, body: str = THREE_GPUS) -> Path:
    folder.mkdir(exist_ok=True)
    script = folder / "nvidia-smi"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)
    return folder


@pytest.fixture
def supervisors() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:  # a failed test leaves no workers behind: the parent stops them
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)


def start_supervisor(
    started: list[subprocess.Popen[str]],
    tmp_path: Path,
    env: dict[str, str],
    count: int,
    fail: str = "-",
    processes: int = 1,
) -> tuple[subprocess.Popen[str], Path]:
    child = tmp_path / "child.py"
    child.write_text(CHILD)
    out = tmp_path / "out"
    out.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-c", SUPERVISOR, str(child), str(out), fail, str(count), str(processes)],
        env={**env, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    started.append(process)
    deadline = time.monotonic() + 60
    while len(list(out.glob("*.env"))) < count and process.poll() is None:
        assert time.monotonic() < deadline, "the children did not start"
        time.sleep(0.05)
    return process, out


def without_cuda_variables() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("CUDA_")}


def with_fake_nvidia_smi(tmp_path: Path, body: str = THREE_GPUS, **extra: str) -> dict[str, str]:
    smi = fake_nvidia_smi(tmp_path / "bin", body)
    return {**without_cuda_variables(), "PATH": f"{smi}:{os.environ['PATH']}", **extra}


@pytest.mark.parametrize(
    ("visible", "gpus", "stop"),
    [
        ("0,2", ["0", "2"], signal.SIGTERM),
        # a UUID prefix, as CUDA takes it, is named in full: nvidia-smi -i wants it whole
        ("GPU-aaaa-1111,GPU-bbbb", ["GPU-aaaa-1111", "GPU-bbbb-2222"], signal.SIGINT),
        ("1", ["1"], signal.SIGTERM),  # one GPU: one child
    ],
)
def test_a_child_per_listed_gpu_each_stopped_by_the_parents_signal(
    supervisors: list[subprocess.Popen[str]],
    tmp_path: Path,
    visible: str,
    gpus: list[str],
    stop: signal.Signals,
) -> None:
    env = with_fake_nvidia_smi(tmp_path, CUDA_VISIBLE_DEVICES=visible)
    process, out = start_supervisor(supervisors, tmp_path, env, len(gpus))
    process.send_signal(stop)
    _, stderr = process.communicate(timeout=10)
    assert process.returncode == 0, stderr
    assert sorted(p.read_text() for p in out.glob("*.env")) == [f"{gpu}  1 " for gpu in gpus]
    for gpu in gpus:  # each child got the signal once, forwarded; none was left behind
        assert (out / f"{gpu}.stopped").read_text() == f"{stop.name}\n"
        assert f"[gpu {gpu}] ready" in stderr


def test_without_a_list_nvidia_smi_names_the_gpus_in_its_own_order(
    supervisors: list[subprocess.Popen[str]], tmp_path: Path
) -> None:
    env = with_fake_nvidia_smi(tmp_path, "printf '0, GPU-a\\n1, GPU-b\\n'")
    process, out = start_supervisor(supervisors, tmp_path, env, 2)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=10)
    assert process.returncode == 0, stderr
    texts = sorted(p.read_text() for p in out.glob("*.env"))
    assert texts == ["0 PCI_BUS_ID 1 ", "1 PCI_BUS_ID 1 "]


def test_a_child_that_dies_stops_the_others_and_the_parent_fails(
    supervisors: list[subprocess.Popen[str]], tmp_path: Path
) -> None:
    env = with_fake_nvidia_smi(tmp_path, CUDA_VISIBLE_DEVICES="0,1,2")
    process, out = start_supervisor(supervisors, tmp_path, env, 3, fail="1")
    _, stderr = process.communicate(timeout=10)
    assert process.returncode == 5, stderr
    assert "the worker on GPU 1 exited (code 5): stopping the others" in stderr
    assert not (out / "1.stopped").exists()
    for gpu in ("0", "2"):
        assert (out / f"{gpu}.stopped").read_text() == "SIGTERM\n"


def test_the_listing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no nvidia-smi: the list is taken as it is
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", " 0, 7 ")
    assert visible_gpus() == ["0", "7"]
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "3,-1,4")  # CUDA stops at an invalid entry
    assert visible_gpus() == ["3"]
    assert child_environment(Slot("3"))["CUDA_VISIBLE_DEVICES"] == "3"
    assert "CUDA_DEVICE_ORDER" not in child_environment(Slot("3"))  # the user's list, as meant
    for nothing in ("", "-1"):
        monkeypatch.setenv("CUDA_VISIBLE_DEVICES", nothing)
        with pytest.raises(DeviceError, match="names no GPU"):
            visible_gpus()

    monkeypatch.setenv("PATH", str(fake_nvidia_smi(tmp_path)))
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "2,MIG-x,GPU-cccc")
    assert visible_gpus() == ["2", "MIG-x", "GPU-cccc-3333"]
    for unknown in ("0,3", "GPU-", "GPU-dddd"):  # GPU- is ambiguous: every UUID starts so
        monkeypatch.setenv("CUDA_VISIBLE_DEVICES", unknown)
        with pytest.raises(DeviceError, match="not one of nvidia-smi's: 0 GPU-aaaa-1111, 1"):
            visible_gpus()

    monkeypatch.delenv("CUDA_VISIBLE_DEVICES")
    fake_nvidia_smi(tmp_path, "echo 'No devices were found'; exit 6")
    with pytest.raises(DeviceError, match="nvidia-smi lists no GPU: No devices were found"):
        visible_gpus()


def test_the_argv_of_a_gpus_worker_parses() -> None:
    argv = gpu_worker_argv(Slot("GPU-uuid-b"), 2, verbose=True)
    assert argv[:4] == [sys.executable, "-m", "producer.cli", "-v"]
    args = build_parser().parse_args(argv[3:])
    assert (args.device, args.concurrency, args.name) == ("cuda:0", 2, "narrate-gpuGPU-uuid-b@%h")
    second = Slot("1", process=2, processes=2)
    assert gpu_worker_argv(second, None)[-1] == "narrate-gpu1-2@%h"
    assert gpu_worker_argv(second, None, name="reader@box")[-1] == "reader-2@box"


def test_several_processes_on_each_gpu_each_with_its_share(
    supervisors: list[subprocess.Popen[str]], tmp_path: Path
) -> None:
    env = with_fake_nvidia_smi(tmp_path, CUDA_VISIBLE_DEVICES="0,2")
    process, out = start_supervisor(supervisors, tmp_path, env, 4, processes=2)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=10)
    assert process.returncode == 0, stderr
    seen = {p.stem: p.read_text() for p in out.glob("*.env")}
    assert seen == {
        "0-1": "0  1 10.0",
        "0-2": "0  1 10.0",
        "2-1": "2  1 20.0",
        "2-2": "2  1 20.0",
    }
    for label in seen:
        assert (out / f"{label}.stopped").read_text() == "SIGTERM\n"
        assert f"[gpu {label.replace('-', '/')}] ready" in stderr


# nvidia-smi listing three GPUs, or, asked for free memory, 80 GB on the one asked for.
SMI_WITH_MEMORY = f"""case "$*" in
  *memory.free*) echo "$*" >> "$(dirname "$0")/asked"; echo 81920 ;;
  *) {THREE_GPUS} ;;
esac"""


def test_a_gpus_processes_follow_its_free_memory_each_with_its_share(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    smi = fake_nvidia_smi(tmp_path / "bin", SMI_WITH_MEMORY)
    monkeypatch.setenv("PATH", f"{smi}:{os.environ['PATH']}")
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    places = worker_slots("cuda:1")  # 80 GB free: two processes
    assert [(s.gpu, s.process, s.label) for s in places] == [("1", 1, "1/1"), ("1", 2, "1/2")]
    assert [s.budget_gb for s in places] == [pytest.approx(0.9 * 80 / 2)] * 2
    assert (smi / "asked").read_text().split()[-2:] == ["-i", "1"]
    assert len((smi / "asked").read_text().splitlines()) == 1  # read once for both
    assert [s.budget_gb for s in worker_slots("cuda", budget_gb=70)] == [35.0, 35.0]
    assert [s.budget_gb for s in worker_slots("cuda", budget_gb=20)] == [20.0]  # one: 20 < 32
    assert [s.label for s in worker_slots("cuda:2", asked=1)] == ["2"]  # alone: its own budget
    assert worker_slots("cuda:2", asked=1)[0].budget_gb == 0
    assert [s.label for s in worker_slots("cuda:all", asked=3)] == [
        f"{gpu}/{k}" for gpu in "012" for k in (1, 2, 3)
    ]
    with pytest.raises(DeviceError, match="cuda:3: 3 GPU"):
        worker_slots("cuda:3")
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "GPU-bbbb")  # a prefix, as CUDA takes it
    assert [s.gpu for s in worker_slots("cuda:0")] == ["GPU-bbbb-2222"] * 2
    assert (smi / "asked").read_text().split()[-2:] == ["-i", "GPU-bbbb-2222"]


@pytest.mark.parametrize(
    ("visible", "message"),
    [("", "CUDA_VISIBLE_DEVICES='' names no GPU"), (None, "nvidia-smi is not on PATH")],
)
def test_no_gpu_to_list_is_a_clear_error(tmp_path: Path, visible: str | None, message: str) -> None:
    env = {**without_cuda_variables(), "PYTHONPATH": str(ROOT), "PATH": str(tmp_path)}
    if visible is not None:
        env["CUDA_VISIBLE_DEVICES"] = visible
    result = subprocess.run(
        [sys.executable, "-m", "producer.cli", "worker", "--device", "cuda:all"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("narrate: error:"), result.stderr
    assert message in lines[0]


def test_the_real_worker_command_fails_under_its_gpus_name_and_so_does_the_parent(
    tmp_path: Path,
) -> None:
    import onnxruntime

    if "CUDAExecutionProvider" in onnxruntime.get_available_providers():
        pytest.skip("a CUDA machine: the worker would start and wait for its broker")
    program = (
        "import sys; from producer.cli import gpu_worker_argv; from worker.gpus import Slot, "
        "supervise; sys.exit(supervise([Slot('0')], lambda slot: gpu_worker_argv(slot, 1)))"
    )
    env = {**with_fake_nvidia_smi(tmp_path), "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 2, result.stderr
    assert "[gpu 0] narrate: error: --device cuda:0: onnxruntime has no CUDA" in result.stderr
    assert "the worker on GPU 0 exited (code 2): stopping the others" in result.stderr
