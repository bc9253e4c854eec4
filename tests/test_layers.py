"""The house's rules: dependencies point one way, and submitting a job does not load the voice.

producer -> worker -> models -> config: a module may import its own package and those to its
right, never one to its left (lazy imports inside functions and TYPE_CHECKING imports count
too). So a worker image needs no CLI code, and models know nothing of jobs.
"""

import ast
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.services import ROOT, Services

LAYERS = ["config", "models", "worker", "producer"]
INFERENCE_STACK = ["onnxruntime", "piper", "openvino", "faster_whisper", "models.piper"]


def imported_packages(path: Path) -> Iterator[tuple[int, str]]:
    """(line, top-level name) of every import in a file, wherever it sits."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module.split(".")[0]


def violations(root: Path) -> list[str]:
    found = []
    for rank, layer in enumerate(LAYERS):
        for path in sorted((root / layer).rglob("*.py")):
            for line, name in imported_packages(path):
                if name in LAYERS and LAYERS.index(name) > rank:
                    found.append(f"{path.relative_to(root)}:{line} imports {name}")
    return found


def test_dependencies_point_one_way() -> None:
    assert violations(ROOT) == []


def test_the_check_catches_an_import_against_the_direction(tmp_path: Path) -> None:
    for layer in LAYERS:
        (tmp_path / layer).mkdir()
    (tmp_path / "models" / "bad.py").write_text("def f():\n    from worker import jobs\n")
    (tmp_path / "config" / "worse.py").write_text("import producer.cli\n")
    assert violations(tmp_path) == [
        "config/worse.py:1 imports producer",
        "models/bad.py:2 imports worker",
    ]


# Runs `narrate enqueue` then `narrate status` in one fresh interpreter and reports which
# modules of the inference stack that process loaded.
PROBE = """
import json, sys
from producer.cli import main
codes = [main(["enqueue", sys.argv[1], "--dest", sys.argv[2]])]
codes.append(main(["status", sys.argv[3]]))
codes.append(main(["list"]))
loaded = [m for m in {stack} if m in sys.modules]
print(json.dumps({{"codes": codes, "loaded": loaded}}))
"""


@pytest.fixture(scope="module")
def redis_only(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    services = Services(tmp_path_factory.mktemp("redis"))
    services.start_redis()
    yield services
    services.stop_redis()


def test_enqueue_and_status_do_not_load_the_inference_stack(
    redis_only: Services, tmp_path: Path, data: Path
) -> None:
    dest = f"file://{tmp_path / 'out'}"
    manuscript = data / "two_chapters.txt"
    first = subprocess.run(
        [sys.executable, "-m", "producer.cli", "enqueue", str(manuscript), "--dest", dest],
        env=redis_only.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    job_id = first.stdout.strip()
    probe = subprocess.run(
        [sys.executable, "-c", PROBE.format(stack=INFERENCE_STACK), str(manuscript), dest, job_id],
        env=redis_only.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(probe.stdout.strip().splitlines()[-1])
    assert result["codes"] == [0, 0, 0]
    assert job_id in probe.stdout  # the same manuscript and options: the same job
    assert result["loaded"] == []
    assert (tmp_path / "out" / job_id / "source" / "manuscript.json").is_file()


def test_the_probe_sees_the_stack_when_it_is_loaded(redis_only: Services) -> None:
    probe = subprocess.run(
        [sys.executable, "-c", "import sys, models.piper; print('onnxruntime' in sys.modules)"],
        env=redis_only.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert probe.stdout.strip() == "True"


# Runs `narrate synth` into an existing folder up to the start of its narrating processes,
# and reports which of narrate's modules the process had loaded by then.
SYNTH_PROBE = """
import json, sys
import worker.narrators

def started(*args, **kwargs):
    print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in {layers})))
    raise SystemExit(0)

worker.narrators.Narrators.ahead = staticmethod(started)
from producer.cli import main
main(["synth", sys.argv[1], "-o", sys.argv[2]])
"""

# What narrating needs, which the narrating processes import for themselves: imported by
# `narrate synth` before they start, it holds them back (0.3 s on 2 cores; about 1 s of an
# H100 host's book, docs/performance.md "A folder's hold and the narrators' start").
NARRATING = ["worker.stages", "worker.audio", "worker.deliver", "models.voice", "models.normalize"]


def test_synth_starts_its_narrating_processes_before_it_imports_the_narration(
    tmp_path: Path, data: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()  # an existing folder is held first: that check must stay light too
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            SYNTH_PROBE.format(layers=LAYERS),
            str(data / "two_chapters.txt"),
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert probe.returncode == 0, probe.stderr
    loaded = json.loads(probe.stdout.strip().splitlines()[-1])
    assert "worker.folder" in loaded  # the probe ran where the hold is taken
    assert [m for m in NARRATING if m in loaded] == []
