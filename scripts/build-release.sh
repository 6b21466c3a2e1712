#!/usr/bin/env bash
# The container image's build steps: the Dockerfile runs exactly this script, and the test suite
# runs it in a scratch copy of the repo (test/container-build.e2e-spec.ts), so it cannot rot.
set -euo pipefail
cd "$(dirname "$0")/.."
# Exactly the lock's versions.
npm ci --no-audit --no-fund --loglevel=error
npm run build
# The runtime tree: no dev dependencies, and none of the peers or optional extras that packages
# merely offer (typescript for valibot, sequelize and grpc for terminus' other checks, ...).
npm prune --omit=dev --omit=peer --omit=optional --no-audit --no-fund --loglevel=error
# Source maps and type declarations serve debuggers and compilers, not the running service.
find node_modules -type f \( -name '*.map' -o -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' \) -delete
