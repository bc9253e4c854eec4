#!/usr/bin/env bash
# The images' entrypoint (infra/Dockerfile, infra/Dockerfile.cuda; docs/deployment.md).
#   api             narrate serve on NARRATE_API_HOST:NARRATE_API_PORT (0.0.0.0:8080)
#   worker          narrate worker --device NARRATE_DEVICE (auto) [--concurrency NARRATE_CONCURRENCY]
#                   (unset: the pool's default, 2 tasks on the CPU, NARRATE_GPU_TASKS on a GPU)
#   anything else   run as given: bash, celery ..., narrate enqueue ...
# Arguments after api or worker are passed on to narrate.
set -euo pipefail

# NARRATE_BIN may be a command with arguments (`python -m producer.cli`): split on white space.
read -r -a narrate <<< "${NARRATE_BIN:-narrate}"

# exec: narrate, not this shell, receives the stop signal. SIGTERM makes a worker finish its
# current chunk before it exits (Celery's warm shutdown) and uvicorn finish its requests.
case "${1:-}" in
  api)
    shift
    exec "${narrate[@]}" serve --host "${NARRATE_API_HOST:-0.0.0.0}" \
      --port "${NARRATE_API_PORT:-8080}" "$@"
    ;;
  worker)
    shift
    concurrency=()
    if [[ -n "${NARRATE_CONCURRENCY:-}" ]]; then
      concurrency=(--concurrency "$NARRATE_CONCURRENCY")
    fi
    exec "${narrate[@]}" worker --device "${NARRATE_DEVICE:-auto}" "${concurrency[@]}" "$@"
    ;;
  "")
    echo "usage: entrypoint.sh api|worker [ARGS...] | COMMAND [ARGS...]" >&2
    exit 2
    ;;
  *) exec "$@" ;;
esac
