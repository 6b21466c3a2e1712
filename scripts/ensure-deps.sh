#!/usr/bin/env bash
# Installs what a fresh machine lacks: Debian's redis-server and prometheus (promtool, for the
# alert-rule tests) and the locked npm dependencies.
# Sourced by start.sh and test.sh; safe to run again (it only installs what is missing).

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

ensure_apt_packages() {
  local missing=()
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

ensure_node_modules() {
  # `npm install` keeps the locked versions. Not `npm ci`: the registry reachable here lacks some
  # other-platform optional binaries (e.g. msgpackr-extract for darwin), so the lock file cannot
  # list them and `npm ci` refuses it as out of sync.
  if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "Installing npm dependencies"
    npm install --no-audit --no-fund --loglevel=error
  fi
}

ensure_deps() {
  ensure_apt_packages
  ensure_node_modules
}
