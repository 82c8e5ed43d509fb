#!/usr/bin/env bash
# `make up`: a local single-node kubeling cluster as processes on this machine.
# etcd, the API server, a kubelet running pods as Docker containers, and the scheduler and
# controller manager when those packages exist. Writes .run/kubeconfig for both kubeling and
# the real kubectl, builds the local images pods use, and waits until the node is Ready.
set -euo pipefail
cd "$(dirname "$0")/.."
RUN=.run
mkdir -p $RUN/logs
ETCD_PORT=${KUBELING_ETCD_PORT:-2379}
API_PORT=${KUBELING_API_PORT:-6443}
KUBELET_PORT=${KUBELING_KUBELET_PORT:-10250}
NODE=${KUBELING_NODE_NAME:-$(hostname 2>/dev/null || echo kubeling-node)}
NODE=$(echo "$NODE" | tr 'A-Z_' 'a-z-')
PY=.venv/bin/python

alive() { [ -f "$RUN/$1.pid" ] && kill -0 "$(cat "$RUN/$1.pid")" 2>/dev/null; }
wait_http() {  # url, what
  for _ in $(seq 1 100); do curl -fsS "$1" >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "up: $2 did not come up; see $RUN/logs" >&2; exit 1
}
start() {  # name, command...: run in the background, log to .run/logs/NAME.log, record the PID
  local name=$1; shift
  if alive "$name"; then echo "up: $name already running (pid $(cat $RUN/$name.pid))"; return 1; fi
  nohup "$@" >$RUN/logs/$name.log 2>&1 &
  echo $! >$RUN/$name.pid
}

if start etcd etcd --name kubeling --data-dir $RUN/etcd \
    --listen-client-urls http://127.0.0.1:$ETCD_PORT --advertise-client-urls http://127.0.0.1:$ETCD_PORT \
    --listen-peer-urls http://127.0.0.1:$((ETCD_PORT + 1)) \
    --initial-advertise-peer-urls http://127.0.0.1:$((ETCD_PORT + 1)) \
    --initial-cluster kubeling=http://127.0.0.1:$((ETCD_PORT + 1)) \
    --log-level warn; then
  wait_http "http://127.0.0.1:$ETCD_PORT/health" etcd
  echo "up: etcd on 127.0.0.1:$ETCD_PORT (pid $(cat $RUN/etcd.pid))"
fi

if start apiserver $PY -m apiserver --etcd-servers http://127.0.0.1:$ETCD_PORT \
    --bind-address 127.0.0.1 --port $API_PORT; then
  wait_http "http://127.0.0.1:$API_PORT/readyz" apiserver
  echo "up: apiserver on http://127.0.0.1:$API_PORT (pid $(cat $RUN/apiserver.pid))"
fi

cat >$RUN/kubeconfig <<KC
apiVersion: v1
kind: Config
clusters:
- name: kubeling
  cluster:
    server: http://127.0.0.1:$API_PORT
contexts:
- name: kubeling
  context:
    cluster: kubeling
    user: admin
    namespace: default
current-context: kubeling
users:
- name: admin
  user: {}
KC

# The images pods use (no registry here: built locally, kept when present).
bash deploy/images/build.sh --python | sed 's/^/up: /'

echo "$NODE" >$RUN/node-name
if start kubelet $PY -m kubelet --kubeconfig $RUN/kubeconfig --node-name "$NODE" \
    --runtime docker --root-dir "$PWD/$RUN/kubelet" --port $KUBELET_PORT --node-ip 127.0.0.1; then
  wait_http "http://127.0.0.1:$KUBELET_PORT/healthz" kubelet
  echo "up: kubelet for node $NODE on 127.0.0.1:$KUBELET_PORT (pid $(cat $RUN/kubelet.pid))"
fi

if [ -f scheduler/__main__.py ]; then
  if start scheduler $PY -m scheduler --kubeconfig $RUN/kubeconfig; then
    echo "up: scheduler (pid $(cat $RUN/scheduler.pid))"
  fi
fi
if [ -f controller_manager/__main__.py ]; then
  if start controller-manager $PY -m controller_manager --kubeconfig $RUN/kubeconfig; then
    echo "up: controller manager (pid $(cat $RUN/controller-manager.pid))"
  fi
fi

node_ready() {
  curl -fsS "http://127.0.0.1:$API_PORT/api/v1/nodes/$NODE" 2>/dev/null | $PY -c '
import json, sys
node = json.load(sys.stdin)
ready = [c for c in node.get("status", {}).get("conditions", []) if c.get("type") == "Ready"]
sys.exit(0 if ready and ready[0].get("status") == "True" else 1)'
}
for _ in $(seq 1 100); do node_ready && break; sleep 0.2; done
node_ready || { echo "up: node $NODE did not become Ready; see $RUN/logs/kubelet.log" >&2; exit 1; }
echo "up: node $NODE is Ready"

cat <<MSG

kubeling is up: a single-node cluster on this machine. Try:
  export KUBECONFIG=$PWD/$RUN/kubeconfig PATH=$PWD/.venv/bin:\$PATH   # kubeling is in .venv
  kubeling get nodes -o wide                       # or the real kubectl: same output
  kubeling apply -f examples/web-deployment.yaml   # 3 busybox web servers + a Service
  kubeling rollout status deploy/web
  kubeling get pods -o wide                        # curl http://<pod IP>:8080/ answers
  kubeling scale deploy/web --replicas=5
  kubeling logs deploy/web
  kubeling apply -f examples/crashloop.yaml; kubeling get pods -w    # CrashLoopBackOff
Images for pods (built here, no registry): kubeling/busybox, kubeling/web, kubeling/python.
Logs of every process: $RUN/logs/. Stop it all with: make down
MSG
