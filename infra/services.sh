#!/usr/bin/env bash
# Local services for development and tests, on loopback only:
#   Redis (Debian's redis-server; AOF on, noeviction) and an S3 API (moto's standalone server).
# Usage: infra/services.sh start|stop|env   [STATE_DIR, default .services]
# `start` writes the environment to STATE_DIR/env (and says so); `env` prints it.
set -euo pipefail
cd "$(dirname "$0")/.."
STATE=${2:-.services}
case "$STATE" in /*) ;; *) STATE="$PWD/$STATE" ;; esac
REDIS_PORT=${REDIS_PORT:-6390}
S3_PORT=${S3_PORT:-5390}
BIN=${BIN:-.venv/bin}

env_lines() {
  cat <<ENV
export NARRATE_BROKER_URL=redis://127.0.0.1:$REDIS_PORT/0
export AWS_ENDPOINT_URL=http://127.0.0.1:$S3_PORT
export AWS_ACCESS_KEY_ID=narrate-dev
export AWS_SECRET_ACCESS_KEY=narrate-dev-secret
export AWS_DEFAULT_REGION=us-east-1
ENV
}

case "${1:-}" in
  start)
    command -v redis-server >/dev/null || { echo "redis-server missing: make system-deps" >&2; exit 1; }
    mkdir -p "$STATE"
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$STATE" --appendonly yes \
      --maxmemory-policy noeviction --save "" --daemonize yes --pidfile "$STATE/redis.pid" \
      --logfile "$STATE/redis.log"
    nohup "$BIN/python" -m moto.server -H 127.0.0.1 -p "$S3_PORT" > "$STATE/moto.log" 2>&1 &
    echo $! > "$STATE/moto.pid"
    for _ in $(seq 50); do
      curl -s "http://127.0.0.1:$S3_PORT" >/dev/null 2>&1 && break; sleep 0.2
    done
    eval "$(env_lines)"
    "$BIN/python" -c "import boto3; boto3.client('s3').create_bucket(Bucket='narrate')" 2>/dev/null || true
    env_lines > "$STATE/env"
    echo "services up; bucket s3://narrate. Use: source $STATE/env" >&2
    ;;
  stop)
    for pidfile in "$STATE/redis.pid" "$STATE/moto.pid"; do
      [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
      rm -f "$pidfile"
    done
    ;;
  env) env_lines ;;
  *) echo "usage: $0 start|stop|env [STATE_DIR]" >&2; exit 2 ;;
esac
