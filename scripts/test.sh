#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what is missing, then type-check, lint,
# format check, unit tests and e2e tests (which start their own Redis and Azurite on free ports).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh
ensure_deps
npm test
