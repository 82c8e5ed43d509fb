#!/usr/bin/env bash
# `make down`: stop what `make up` started, by the PIDs it recorded.
set -uo pipefail
cd "$(dirname "$0")/.."
RUN=.run
for c in apiserver etcd; do
  f=$RUN/$c.pid
  [ -f "$f" ] || continue
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    echo "down: stopped $c (pid $pid)"
  fi
  rm -f "$f"
done
