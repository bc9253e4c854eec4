#!/usr/bin/env bash
# One device lease's whole-book A/B, run on the GPU machine after its packages are unpacked
# (../shared/tools/device-pack.sh): the gate, a `-v` timeline per tree, then alternating
# rounds of infra/gpu-ab.py. Each tree is .ab/NAME.tar, made here by
#   git archive COMMIT config models producer worker samples infra > .ab/NAME.tar
# and the book is .ab/book.txt (carry .ab with the call). For example:
#   TREES="C F" VER=F ROUNDS=4 TLS=1 AB="C=dir:/tmp/C F=dir:/tmp/F" bash infra/gpu-lease.sh
# VER: the tree whose gate runs; TLS: set for the timelines; VERIFY: set to verify a book.
set -u
source /tmp/site/env.sh
export PYTHONUNBUFFERED=1
ROOT=$PWD
cp .ab/book.txt /tmp/book.txt
BOOK=/tmp/book.txt
for t in $TREES; do rm -rf "/tmp/$t"; mkdir -p "/tmp/$t"; tar -x -C "/tmp/$t" -f ".ab/$t.tar"; done
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
lscpu | grep -E "Model name|^CPU\(s\)"
began=$(date +%s)
(cd "/tmp/$VER" && timeout 240 python3 -m producer.cli models optimize --precision fp16 --device cuda 2>&1 | tail -8)
echo "gate: $(( $(date +%s) - began )) s"
if [[ -n "${TLS:-}" ]]; then
  for t in $TREES; do
    (cd "/tmp/$t" && date +%H:%M:%S.%N > "/tmp/s-$t" \
      && timeout 120 python3 -m producer.cli -v synth "$BOOK" -o "/tmp/tl-$t" --no-progress 2> "/tmp/log-$t"
     date +%H:%M:%S.%N > "/tmp/e-$t")
    echo "timeline $t:"; python3 "$ROOT/infra/timeline.py" "/tmp/s-$t" "/tmp/e-$t" "/tmp/log-$t"
    rm -rf "/tmp/tl-$t"
  done
fi
BOOK=$BOOK timeout "${ABLIMIT:-420}" python3 "$ROOT/infra/gpu-ab.py" "$ROUNDS" $AB
if [[ -n "${VERIFY:-}" ]]; then
  (cd "/tmp/$VER" && python3 -m producer.cli synth "$BOOK" -o /tmp/vbook --no-progress 2>&1 | tail -1 \
    && python3 -m producer.cli verify /tmp/vbook 2>&1 | tail -2)
fi
