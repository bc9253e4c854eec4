# narrate: the two commands a new machine needs are `make demo` and `make test`.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install install-gpu demo test check lint typecheck unit system-deps bench seams soak load optimize clean

# dev: the tests' tools and every extra they exercise (gate, openvino, audiobook, the fp16
# converter); a plain `pip install .` is the light CPU install (docs/operations.md).
$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# CUDA hosts: onnxruntime-gpu in place of onnxruntime (piper-tts requires the CPU build, and
# with both installed onnxruntime may not see CUDA), plus the fp16 converter.
install-gpu: install
	$(BIN)/pip install -q -e '.[dev,gpu]'
	@if $(BIN)/pip show -q onnxruntime 2>/dev/null; then \
	  $(BIN)/pip uninstall -q -y onnxruntime onnxruntime-gpu && $(BIN)/pip install -q onnxruntime-gpu; fi

# Narrate the sample manuscript shipped in the repo into ./out and list what was written.
demo: install
	$(BIN)/narrate synth samples/sample.md -o out
	@find out -type f | sort | xargs ls -l
	@echo "next: play out/chapters/000.wav; check the book with $(BIN)/narrate verify out;"
	@echo "      narrate your own with $(BIN)/narrate synth BOOK -o DIR (README.md)"

# System packages the tests need: Debian's redis-server (the job queue's broker and ledger)
# and chromium with a font to render in (the dashboard's browser tests drive it through
# Playwright, which downloads no browser of its own). Runs apt only when something is missing.
system-deps:
	@command -v redis-server >/dev/null || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; }
	@command -v chromium >/dev/null || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation >/dev/null; }
	@command -v curl >/dev/null || { apt-get update -qq && apt-get install -y -qq curl >/dev/null; }

lint: install
	$(BIN)/ruff check config producer worker models tests
	$(BIN)/ruff format --check config producer worker models tests

typecheck: install
	$(BIN)/mypy

# Two test processes by default (the suite's workers and servers wait much of the time, so
# two keep both of a 2-core machine busy); TEST_PROCESSES=1 runs them one at a time. The
# slowest tests are listed at the end: the suite is held under 20 minutes on 2 cores.
TEST_PROCESSES ?= 2
unit: install
	$(BIN)/pytest -q -n $(TEST_PROCESSES) --durations=15

check: lint typecheck

test: system-deps check unit

# Benchmarks and quality figures: outside `make test`, figures go in the notes.
CORPUS ?= ../shared/corpus/news-from-nowhere.txt
bench: install
	$(BIN)/narrate bench $(CORPUS) --chapter 2 --deliverables

seams: install
	$(BIN)/narrate seams $(CORPUS) --chapter 2 --paragraphs 12

# Memory stays flat over 10,000 segments in one process (minutes on a GPU, hours on 2 cores).
soak: install
	$(BIN)/python -m producer.soak --segments 10000

# The HTTP service under load on loopback: 200 jobs submitted at once, 50 clients polling,
# every job run to the end by a real worker (minutes on 2 cores).
load: install
	@infra/services.sh start .load-services
	@source .load-services/env && $(BIN)/python -m producer.loadtest --jobs 200 --clients 50; \
	  status=$$?; infra/services.sh stop .load-services; exit $$status

# Build the bf16 CPU variant and judge it against fp32 with Whisper tiny.en (a few minutes).
optimize: install
	$(BIN)/narrate models optimize --voice joe --precision bf16

clean:
	rm -rf out .mypy_cache .ruff_cache .pytest_cache
