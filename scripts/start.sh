#!/usr/bin/env bash
# Starts the whole stack locally: Redis, Azurite (in memory), the simulated legacy API and the
# service, after installing what is missing. Ctrl-C stops everything. Logs go to .run/*.log.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh
ensure_deps

PORT=${PORT:-3000}
REDIS_PORT=${REDIS_PORT:-6379}
AZURITE_PORT=${AZURITE_PORT:-10000}
SIM_PORT=${SIM_PORT:-4000}
export PATH="$PWD/node_modules/.bin:$PATH" # Node 24 from the devDependency, first on PATH
mkdir -p .run

pids=()
cleanup() {
  trap - EXIT INT TERM
  [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_for_port() {
  for _ in $(seq 1 300); do port_open "$1" && return 0; sleep 0.1; done
  echo "$2 did not open port $1; see .run/$2.log" >&2
  exit 1
}
start() { # name port command...
  local name=$1 port=$2
  shift 2
  if port_open "$port"; then
    echo "Port $port is already in use; stop whatever listens there or set another port." >&2
    exit 1
  fi
  "$@" >".run/$name.log" 2>&1 &
  pids+=($!)
  wait_for_port "$port" "$name"
  echo "  $name on port $port"
}

echo "Building"
npm run --silent build
npm run --silent build:tools

echo "Starting"
start redis "$REDIS_PORT" redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no
start azurite "$AZURITE_PORT" azurite-blob --blobHost 127.0.0.1 --blobPort "$AZURITE_PORT" \
  --inMemoryPersistence --skipApiVersionCheck --loose --disableTelemetry
SIM_PORT=$SIM_PORT start upstream-sim "$SIM_PORT" node dist-tools/tools/upstream-sim/main.js

export PORT
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:$REDIS_PORT}
export AZURE_STORAGE_CONNECTION_STRING=${AZURE_STORAGE_CONNECTION_STRING:-"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$AZURITE_PORT/devstoreaccount1;"}
export UPSTREAM_BASE_URL=${UPSTREAM_BASE_URL:-http://127.0.0.1:$SIM_PORT}
export ADMIN_API_TOKEN=${ADMIN_API_TOKEN:-local-admin-token-not-for-production}
export AUTH_JWT_SECRET=${AUTH_JWT_SECRET:-local-jwt-secret-not-for-production-0123456789}
# The production image's environment and node flags (its Dockerfile's ENV lines and
# CMD ["node", ...flags, "dist/main.js"]).
read -ra image_env <<<"$(sed -n 's/^ENV //p' Dockerfile | tr '\n' ' ')"
read -ra node_flags <<<"$(sed -n 's/^CMD \["node", \(.*\), "dist\/main.js"\]$/\1/p' Dockerfile | tr -d '",')"
start schedule-cache "$PORT" env "${image_env[@]}" node "${node_flags[@]}" dist/main.js

today=$(date -u +%F)
base="http://127.0.0.1:$PORT"
company=$(curl -s "http://127.0.0.1:$SIM_PORT/__sim/companies" | node -e \
  'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).bigCompanyIds[0]))' 2>/dev/null || echo 59)
echo "Minting demo tokens (asking the simulator which technician works for company $company today)"
# Sets COMPANY, EMPLOYEE, ADMIN_JWT, OFFICE_JWT and TECHNICIAN_JWT (HS256 with AUTH_JWT_SECRET, 12 h).
eval "$(node dist-tools/tools/dev-token/main.js demo "$UPSTREAM_BASE_URL" "$company" "$today")"
cat <<MSG

schedule-cache is up on $base (logs: .run/schedule-cache.log)

Tokens for the demo data, valid 12 h (HS256 with this run's AUTH_JWT_SECRET):
  admin:      $ADMIN_JWT
  office:     $OFFICE_JWT
              (company $COMPANY)
  technician: $TECHNICIAN_JWT
              (company $COMPANY, EmployeeInformationId $EMPLOYEE, on a job today)

As the office: a miss (the simulated legacy API takes 2-5 s), then a hit (milliseconds), with
the status line and headers (X-Cache: MISS, then HIT); serviceCompanyId defaults to the token's company:
  curl -s -o /dev/null -D - -H "Authorization: Bearer $OFFICE_JWT" "$base/api/dr-schedule?startDate=$today&endDate=$today"
  curl -s -o /dev/null -D - -H "Authorization: Bearer $OFFICE_JWT" "$base/api/dr-schedule?startDate=$today&endDate=$today"
The bodies, as the technician (their jobs only) and as an admin (who must name the company):
  curl -s -H "Authorization: Bearer $TECHNICIAN_JWT" "$base/api/dr-schedule?startDate=$today&endDate=$today"
  curl -s -H "Authorization: Bearer $ADMIN_JWT" "$base/api/dr-schedule?startDate=$today&endDate=$today&serviceCompanyId=$COMPANY"
Another company with the office token (403), and no token at all (401):
  curl -s -H "Authorization: Bearer $OFFICE_JWT" "$base/api/dr-schedule?startDate=$today&endDate=$today&serviceCompanyId=$((COMPANY + 1))"
  curl -s "$base/api/dr-schedule?startDate=$today&endDate=$today&serviceCompanyId=$COMPANY"

Pre-generate today + 6 days now (the cron runs every 30 minutes), then list the jobs
(the admin JWT or the static ADMIN_API_TOKEN):
  curl -s -XPOST -H "Authorization: Bearer $ADMIN_API_TOKEN" $base/api/admin/pregen
  curl -s -H "Authorization: Bearer $ADMIN_JWT" "$base/api/admin/jobs?limit=10"
Queue UI: $base/admin/queues (any user name, password $ADMIN_API_TOKEN)

Health: curl -s $base/health/ready   Metrics: curl -s $base/metrics
More tokens: AUTH_JWT_SECRET=$AUTH_JWT_SECRET node dist-tools/tools/dev-token/main.js office <companyId>
Press Ctrl-C to stop everything.
MSG
wait "${pids[-1]}"
