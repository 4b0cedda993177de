#!/usr/bin/env bash
# Fetches the UCI breast-cancer and optical-digits files that Debian's python3-sklearn package ships
# (sklearn/datasets/data/) into .data/sklearn/ at the repository root (git-ignored; never committed).
# Needs apt-get and dpkg; nothing is installed, the package is only downloaded and unpacked.
set -euo pipefail
cd "$(dirname "$0")/../.."
target=.data/sklearn
if [ -f "$target/breast_cancer.csv" ] && [ -f "$target/digits.csv.gz" ]; then
  exit 0
fi

command -v apt-get >/dev/null && command -v dpkg >/dev/null \
  || { echo "fetch-data.sh: apt-get and dpkg are needed to fetch Debian's python3-sklearn package." >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# apt-get download needs the package lists; refresh them once when the package is not known yet.
if ! (cd "$work" && apt-get download -qq python3-sklearn 2>/dev/null); then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  (cd "$work" && apt-get download -qq python3-sklearn)
fi
dpkg -x "$work"/python3-sklearn_*.deb "$work/unpacked"
data=$(find "$work/unpacked" -type d -path '*sklearn/datasets/data' | head -n 1)
[ -n "$data" ] || { echo "fetch-data.sh: python3-sklearn has no sklearn/datasets/data folder." >&2; exit 1; }
mkdir -p "$target"
cp "$data/breast_cancer.csv" "$data/digits.csv.gz" "$target/"
echo "fetch-data.sh: data in $target"
