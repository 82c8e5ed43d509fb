#!/usr/bin/env bash
# Idempotent machine setup for kubeling: Debian packages, a Docker engine, the virtualenv.
# Installs only what is missing; where it cannot install, says what to install and stops.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
VENV=.venv
need_pkgs=()
have() { command -v "$1" >/dev/null 2>&1; }

have etcd || need_pkgs+=(etcd-server)
have etcdctl || need_pkgs+=(etcd-client)
have dockerd || need_pkgs+=(docker.io)
have docker-compose || need_pkgs+=(docker-compose)
have iptables || need_pkgs+=(iptables)
have mmdebstrap || need_pkgs+=(mmdebstrap)
[ -x /bin/busybox ] || need_pkgs+=(busybox-static)
have wrk || need_pkgs+=(wrk)
have curl || need_pkgs+=(curl)

if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && have apt-get; then
    echo "setup: installing ${need_pkgs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q "${need_pkgs[@]}" >/dev/null
  else
    echo "setup: missing Debian packages: ${need_pkgs[*]}" >&2
    echo "setup: install them (as root: apt-get install -y ${need_pkgs[*]}) and run again" >&2
    exit 1
  fi
fi

# A Docker engine: start dockerd when none answers (there is no systemd here).
if ! docker info >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && have dockerd; then
    echo "setup: starting dockerd (log: /var/log/kubeling-dockerd.log)"
    nohup dockerd >/var/log/kubeling-dockerd.log 2>&1 &
    for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
    docker info >/dev/null 2>&1 || { echo "setup: dockerd did not come up" >&2; exit 1; }
  else
    echo "setup: no Docker engine answers; start dockerd (as root) and run again" >&2
    exit 1
  fi
fi

# The virtualenv with the project and its test dependencies; redone when pyproject changes.
stamp=$VENV/.kubeling-installed
if [ ! -x $VENV/bin/python ]; then
  "$PY" -m venv $VENV
fi
if [ ! -f $stamp ] || [ pyproject.toml -nt $stamp ]; then
  echo "setup: installing the project into $VENV"
  $VENV/bin/pip install -q --disable-pip-version-check -e '.[test]'
  touch $stamp
fi
echo "setup: ok"
