#!/usr/bin/env bash
# Runs every test of Maas.Functions: installs Azurite from package-lock.json when needed, then `dotnet test`.
# The tests start and stop their own in-memory Azurite on free loopback ports; nothing is left running.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "test.sh: $*" >&2; exit 1; }
command -v dotnet >/dev/null || fail "'dotnet' is not installed: install the .NET 10 SDK."
command -v node >/dev/null || fail "'node' is not installed: install Node.js 20 or later (Azurite runs on it)."
command -v npm >/dev/null || fail "'npm' is not installed: it comes with Node.js 20 or later."

# npm ci only when node_modules is missing or older than the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test Maas.Functions.sln --configuration Release 2>&1 | tee "$log" || status=$?

# One plain closing line with the totals of every test assembly.
awk '/^(Passed|Failed)! +- +Failed: +[0-9]+, +Passed: +[0-9]+/ {
       gsub(",", ""); failed += $4; passed += $6 }
     END { printf "%d passed, %d failed\n", passed, failed }' "$log"
exit "$status"
