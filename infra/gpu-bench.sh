#!/usr/bin/env bash
# The GPU figures of docs/performance.md, on a CUDA host with narrate's packages importable.
#
#   infra/gpu-bench.sh BOOK.txt OUT_DIR [PRECISION]
#
# 1. renders the quality gate's chapter in fp32 and fp16 into OUT_DIR/gate (judge them
#    with `narrate models judge OUT_DIR/gate` where faster-whisper is installed);
# 2. `narrate bench` on chapter 2: python -m piper --cuda (one sentence at a time through
#    onnxruntime's CUDA provider) beside narrate on the GPU;
# 3. the whole book end to end with `narrate synth`, then `narrate verify`.
# PRECISION (default auto) is NARRATE_PRECISION: fp16 needs a passing report in the cache.
# Batch sizes follow NARRATE_GPU_MEMORY_GB (docs/operations.md, "GPU workers").
set -euo pipefail
book=$1 out=$2
export NARRATE_DEVICE=${NARRATE_DEVICE:-cuda}
export NARRATE_PRECISION=${3:-auto}
export NARRATE_INFERENCE_WORKERS=${NARRATE_INFERENCE_WORKERS:-4}
export NARRATE_CHAPTERS_IN_FLIGHT=${NARRATE_CHAPTERS_IN_FLIGHT:-16}
export NARRATE_GPU_MEMORY_GB=${NARRATE_GPU_MEMORY_GB:-72}
export PYTHONUNBUFFERED=1
narrate=(python3 -m producer.cli)
mkdir -p "$out"
if [[ ! -f "$out/gate/renditions.json" ]]; then
  "${narrate[@]}" models optimize --precision fp16 --device "$NARRATE_DEVICE" --render-only "$out/gate"
fi
"${narrate[@]}" bench "$book" --chapter 2 --device "$NARRATE_DEVICE"
"${narrate[@]}" synth "$book" -o "$out/book" --no-progress &
sampler=$!
peak=0
while kill -0 $sampler 2>/dev/null; do
  used=$(nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits | head -1)
  (( used > peak )) && peak=$used
  sleep 0.2
done
wait $sampler
echo "whole book: peak GPU memory in use ${peak} MB"
"${narrate[@]}" verify "$out/book"
