#!/usr/bin/env bash
# Installs what a fresh machine lacks: Debian's redis-server, prometheus (promtool, for the
# alert-rule tests) and prometheus-alertmanager (amtool, for the alert-delivery tests), and the
# locked npm dependencies.
# Sourced by start.sh and test.sh; safe to run again (it only installs what is missing).

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

ensure_apt_packages() {
  local missing=()
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
  command -v amtool >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

ensure_node_modules() {
  # Exactly the lock's versions, as a new clone gets them.
  if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "Installing npm dependencies"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

ensure_deps() {
  ensure_apt_packages
  ensure_node_modules
}
