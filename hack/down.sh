#!/usr/bin/env bash
# `make down`: stop what `make up` started, by the PIDs it recorded, then remove the
# kubelet's containers (by its node label), volumes and pod network.
set -uo pipefail
cd "$(dirname "$0")/.."
RUN=.run
for c in controller-manager scheduler kubelet apiserver etcd; do
  f=$RUN/$c.pid
  [ -f "$f" ] || continue
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    echo "down: stopped $c (pid $pid)"
  fi
  rm -f "$f"
done
if [ -f $RUN/node-name ] && docker info >/dev/null 2>&1; then
  node=$(cat $RUN/node-name)
  ids=$(docker ps -aq --filter "label=io.kubeling.node=$node")
  if [ -n "$ids" ]; then
    docker rm -f $ids >/dev/null
    echo "down: removed $(echo "$ids" | wc -w) containers of node $node"
  fi
  vols=$(docker volume ls -q --filter "label=io.kubeling.node=$node")
  [ -z "$vols" ] || docker volume rm -f $vols >/dev/null
  for _ in $(seq 1 40); do  # endpoints of just-removed containers go asynchronously
    docker network inspect "kubeling-$node" >/dev/null 2>&1 || break
    docker network rm "kubeling-$node" >/dev/null 2>&1 && echo "down: removed network kubeling-$node" && break
    sleep 0.25
  done
  rm -rf "$RUN/kubelet" 2>/dev/null
  rm -f $RUN/node-name
fi
exit 0
