#!/usr/bin/env bash
# `make up`: a local kubeling control plane as processes on this machine.
# Starts etcd and the API server (more components join as they are built), writes
# .run/kubeconfig for both kubeling and the real kubectl, and waits until it answers.
set -euo pipefail
cd "$(dirname "$0")/.."
RUN=.run
mkdir -p $RUN/logs
ETCD_PORT=${KUBELING_ETCD_PORT:-2379}
API_PORT=${KUBELING_API_PORT:-6443}

alive() { [ -f "$RUN/$1.pid" ] && kill -0 "$(cat "$RUN/$1.pid")" 2>/dev/null; }
wait_http() {  # url, what
  for _ in $(seq 1 100); do curl -fsS "$1" >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "up: $2 did not come up; see $RUN/logs" >&2; exit 1
}

if alive etcd; then echo "up: etcd already running (pid $(cat $RUN/etcd.pid))"; else
  nohup etcd --name kubeling --data-dir $RUN/etcd \
    --listen-client-urls http://127.0.0.1:$ETCD_PORT --advertise-client-urls http://127.0.0.1:$ETCD_PORT \
    --listen-peer-urls http://127.0.0.1:$((ETCD_PORT + 1)) \
    --initial-advertise-peer-urls http://127.0.0.1:$((ETCD_PORT + 1)) \
    --initial-cluster kubeling=http://127.0.0.1:$((ETCD_PORT + 1)) \
    --log-level warn >$RUN/logs/etcd.log 2>&1 &
  echo $! >$RUN/etcd.pid
  wait_http "http://127.0.0.1:$ETCD_PORT/health" etcd
  echo "up: etcd on 127.0.0.1:$ETCD_PORT (pid $(cat $RUN/etcd.pid))"
fi

if alive apiserver; then echo "up: apiserver already running (pid $(cat $RUN/apiserver.pid))"; else
  nohup .venv/bin/python -m apiserver --etcd-servers http://127.0.0.1:$ETCD_PORT \
    --bind-address 127.0.0.1 --port $API_PORT >$RUN/logs/apiserver.log 2>&1 &
  echo $! >$RUN/apiserver.pid
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
cat <<MSG

kubeling control plane is up. Try:
  export KUBECONFIG=$PWD/$RUN/kubeconfig
  kubectl get ns
  kubectl apply -f examples/web-deployment.yaml
  kubectl get deploy,pods,svc
  curl -s http://127.0.0.1:$API_PORT/readyz?verbose
(no scheduler, controller manager or kubelet yet: objects are stored and watched, not run)
Stop it with: make down
MSG
