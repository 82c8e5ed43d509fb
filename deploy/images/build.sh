#!/usr/bin/env bash
# Build the small local images pods need, without a registry (ENVIRONMENT.md):
#   kubeling/busybox:latest  busybox-static with sh, httpd, nc, wget, sleep... (CMD sh)
#   kubeling/pause:latest    the pod sandbox: sleeps until SIGTERM, then exits 0
#   kubeling/web:latest      busybox httpd on :8080 serving "hello from <hostname>", logging
#                            each request to stderr (exits on SIGTERM)
#   kubeling/python:latest   Debian minbase + python3 via mmdebstrap (only with --python; ~40 s+)
# Idempotent: an image built by this script's current revision (REV, an image label) is
# kept unless --force is given; bump REV when an image's content changes.
# Usage: deploy/images/build.sh [--force] [--python]
set -euo pipefail
FORCE=0
PYTHON=0
for a in "$@"; do
  case $a in
    --force) FORCE=1 ;;
    --python) PYTHON=1 ;;
    *) echo "usage: $0 [--force] [--python]" >&2; exit 2 ;;
  esac
done
BUSYBOX=${BUSYBOX:-/bin/busybox}
REV=3
have_image() {
  [ "$FORCE" = 0 ] &&
    [ "$(docker image inspect -f '{{index .Config.Labels "io.kubeling.image-rev"}}' "$1" 2>/dev/null)" = "$REV" ]
}

rootfs() {  # dir: a busybox rootfs with an /etc/passwd (busybox wget segfaults without one)
  local d=$1
  mkdir -p "$d/bin" "$d/etc" "$d/tmp" "$d/var/www" "$d/root" "$d/proc" "$d/sys" "$d/dev"
  chmod 1777 "$d/tmp"
  cp "$BUSYBOX" "$d/bin/busybox"
  for app in $("$BUSYBOX" --list); do
    [ "$app" = busybox ] || ln -sf busybox "$d/bin/$app"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$d/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$d/etc/group"
}

build_busybox() {
  local name=kubeling/busybox:latest
  if have_image $name; then echo "images: $name present"; return; fi
  local tmp; tmp=$(mktemp -d)
  rootfs "$tmp"
  echo 'kubeling busybox' >"$tmp/var/www/index.html"
  tar -C "$tmp" -c . | docker import --change "LABEL io.kubeling.image-rev=$REV" \
    --change 'CMD ["sh"]' --change 'ENV PATH=/bin' --change 'WORKDIR /' - $name >/dev/null
  rm -rf "$tmp"
  echo "images: built $name"
}

build_pause() {
  local name=kubeling/pause:latest
  if have_image $name; then echo "images: $name present"; return; fi
  local tmp; tmp=$(mktemp -d)
  rootfs "$tmp"
  # PID 1 ignores signals it has no handler for: trap TERM/INT and exit 0 at once.
  cat >"$tmp/pause" <<'SH'
#!/bin/sh
trap 'exit 0' TERM INT
while :; do sleep 2147483647 & wait $!; done
SH
  chmod +x "$tmp/pause"
  tar -C "$tmp" -c . | docker import --change "LABEL io.kubeling.image-rev=$REV" --change 'ENTRYPOINT ["/pause"]' --change 'ENV PATH=/bin' - $name >/dev/null
  rm -rf "$tmp"
  echo "images: built $name"
}

build_web() {
  local name=kubeling/web:latest
  if have_image $name; then echo "images: $name present"; return; fi
  local tmp; tmp=$(mktemp -d)
  rootfs "$tmp"
  cat >"$tmp/serve" <<'SH'
#!/bin/sh
echo "hello from $(hostname)" >/var/www/index.html
trap 'exit 0' TERM INT
httpd -f -vv -p "${PORT:-8080}" -h /var/www &  # -v: a log line per request
wait $!
SH
  chmod +x "$tmp/serve"
  tar -C "$tmp" -c . | docker import --change "LABEL io.kubeling.image-rev=$REV" --change 'ENTRYPOINT ["/serve"]' --change 'ENV PATH=/bin' - $name >/dev/null
  rm -rf "$tmp"
  echo "images: built $name"
}

build_python() {
  local name=kubeling/python:latest
  if have_image $name; then echo "images: $name present"; return; fi
  command -v mmdebstrap >/dev/null || { echo "images: mmdebstrap is missing (make setup)" >&2; exit 1; }
  local tmp; tmp=$(mktemp -d)
  mmdebstrap --quiet --variant=minbase --include=python3 bookworm "$tmp/rootfs.tar"
  docker import --change "LABEL io.kubeling.image-rev=$REV" --change 'CMD ["python3"]' "$tmp/rootfs.tar" $name >/dev/null
  rm -rf "$tmp"
  echo "images: built $name"
}

build_busybox
build_pause
build_web
[ "$PYTHON" = 0 ] || build_python
