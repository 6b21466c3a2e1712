#!/usr/bin/env bash
# The container image's build steps: the Dockerfile runs exactly this script, and the test suite
# runs it in a scratch copy of the repo (test/container-build.e2e-spec.ts), so it cannot rot.
set -euo pipefail
cd "$(dirname "$0")/.."
# Locked versions; see ensure-deps.sh for why this is `npm install` and not `npm ci`.
npm install --no-audit --no-fund --loglevel=error
npm run build
npm prune --omit=dev --no-audit --no-fund --loglevel=error
