#!/usr/bin/env bash
# Installs this build tree into a temporary prefix, builds examples/ against the installed
# package as an outside project would, and runs it. Also builds it without the CPU component and
# through pkg-config, and checks that those programs do not link LLVM.
# Usage: install_example.sh BUILD_DIR SOURCE_DIR CMAKE GENERATOR CXX
set -euo pipefail
build=$1 src=$2 cmake=$3 gen=$4 cxx=$5
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export ATTNJIT_CACHE_DIR=$tmp/cache

"$cmake" --install "$build" --prefix "$tmp/prefix" >/dev/null
echo "installed:"
(cd "$tmp/prefix" && find . -type f | sort | sed 's/^/  /')

libdir=$(dirname "$(find "$tmp/prefix" -name libattnjit.a)")
have_cpu=0
[ -e "$libdir/libattnjit_cpu.a" ] && have_cpu=1

configure_and_build() { # DIR WITH_CPU
  "$cmake" -S "$src/examples" -B "$1" -G "$gen" -DCMAKE_CXX_COMPILER="$cxx" \
    -DCMAKE_PREFIX_PATH="$tmp/prefix" -DEMBED_WITH_CPU="$2" >"$1.log" 2>&1 || { cat "$1.log"; exit 1; }
  "$cmake" --build "$1" >>"$1.log" 2>&1 || { cat "$1.log"; exit 1; }
}

# Without the CPU component: attnjit::attnjit alone, no LLVM in the program.
configure_and_build "$tmp/gpu-only" OFF
if ldd "$tmp/gpu-only/embed" | grep -i llvm; then
  echo "FAIL: a program linking only attnjit::attnjit links LLVM"
  exit 1
fi
echo "gpu-only example links no LLVM"

# pkg-config: the same program from a compiler command line.
export PKG_CONFIG_PATH=$libdir/pkgconfig
"$cxx" -std=c++20 "$src/examples/embed.cpp" -o "$tmp/embed-pc" $(pkg-config --cflags --libs attnjit)
if ldd "$tmp/embed-pc" | grep -i llvm; then
  echo "FAIL: attnjit.pc brings LLVM"
  exit 1
fi
echo "pkg-config attnjit builds the example"

if [ "$have_cpu" = 0 ]; then
  # Only the GPU can run it; with no GPU the example says no backend is linked.
  if out=$("$tmp/gpu-only/embed" 2>&1); then echo "$out"; exit 0; fi
  echo "$out"
  grep -q "CPU backend is not linked" <<<"$out" || exit 1
  echo "SKIPPED: no GPU, and the CPU backend is not built here"
  exit 77
fi
"$cxx" -std=c++20 "$src/examples/embed.cpp" -o "$tmp/embed-pc-cpu" \
  $(pkg-config --cflags --libs attnjit-cpu)
"$tmp/embed-pc-cpu" cpu >/dev/null
echo "pkg-config attnjit-cpu builds and runs the example"

configure_and_build "$tmp/with-cpu" ON
"$tmp/with-cpu/embed"
