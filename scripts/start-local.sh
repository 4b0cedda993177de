#!/usr/bin/env bash
# Starts Maas.Functions locally: Azurite (data in .azurite/) + the Functions host (`func start`).
# Ctrl+C stops both. Needs the .NET 10 SDK, Node.js 20+ and Azure Functions Core Tools v4.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

FUNC_CLI=${FUNC_CLI:-func}
HOST_PORT=${HOST_PORT:-7071}
AZURITE_PORTS=(10000 10001 10002)

fail() { echo "start-local.sh: $*" >&2; exit 1; }
command -v dotnet >/dev/null || fail "'dotnet' is not installed: install the .NET 10 SDK."
command -v node >/dev/null || fail "'node' is not installed: install Node.js 20 or later (Azurite runs on it)."
command -v npm >/dev/null || fail "'npm' is not installed: it comes with Node.js 20 or later."
command -v "$FUNC_CLI" >/dev/null || fail "Azure Functions Core Tools v4 ('$FUNC_CLI') is not installed.
  Install it with: npm install --global azure-functions-core-tools@4
  or follow https://learn.microsoft.com/azure/azure-functions/functions-run-local, then run this script again."

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in "${AZURITE_PORTS[@]}" "$HOST_PORT"; do
  port_in_use "$port" && fail "port $port on 127.0.0.1 is already in use (Azurite needs 10000-10002, the Functions host $HOST_PORT); stop what holds it and retry."
done

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

if [ ! -f local.settings.json ]; then
  cp local.settings.sample.json local.settings.json
  echo "start-local.sh: created local.settings.json from local.settings.sample.json"
fi

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p .azurite
node node_modules/azurite/dist/src/azurite.js --location "$root/.azurite" --skipApiVersionCheck --disableTelemetry \
  --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 >.azurite/azurite.log 2>&1 &
pids+=($!)

# Wait (bounded) until Azurite answers on all three ports.
for _ in $(seq 1 60); do
  all_up=true
  for port in "${AZURITE_PORTS[@]}"; do port_in_use "$port" || all_up=false; done
  $all_up && break
  kill -0 "${pids[0]}" 2>/dev/null || fail "Azurite exited; see .azurite/azurite.log"
  sleep 0.5
done
$all_up || fail "Azurite did not listen on ports ${AZURITE_PORTS[*]} within 30 s; see .azurite/azurite.log"
echo "start-local.sh: Azurite is listening on 127.0.0.1:10000-10002 (data in .azurite/)"

dotnet build src/Maas.Functions --configuration Debug
cd src/Maas.Functions/bin/Debug/net10.0
"$FUNC_CLI" start --port "$HOST_PORT" &
pids+=($!)
wait "${pids[1]}"
