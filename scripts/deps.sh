#!/usr/bin/env bash
# Installs the Debian packages attnjit builds with, when any is missing. Safe to run twice.
set -euo pipefail
pkgs=(cmake ninja-build g++ libfmt-dev catch2 libcli11-dev nlohmann-json3-dev libxxhash-dev
      llvm-19-dev libzstd-dev clang libclang-rt-dev python3)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "attnjit: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
