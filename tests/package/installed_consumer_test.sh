#!/usr/bin/env bash
# Installs the build into a fresh prefix and builds a tiny C consumer
# against it twice: through find_package(mitra CONFIG) and through pkg-config.
set -euo pipefail
build=$1 consumer=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
prefix="$work/prefix"
cmake --install "$build" --prefix "$prefix" > "$work/install.log"
libdir=$(dirname "$(find "$prefix" -name 'libmitra.so.*' -type f | head -1)")

# 1. CMake package, shared and static targets.
for target in mitra mitra_static; do
  cmake -S "$consumer" -B "$work/cmake-$target" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" \
        -DMITRA_TARGET="mitra::$target" > "$work/cmake-$target.log"
  cmake --build "$work/cmake-$target" > "$work/build-$target.log"
  LD_LIBRARY_PATH="$libdir" "$work/cmake-$target/consumer" | tee "$work/out-$target.txt"
  grep -q "customers=2" "$work/out-$target.txt"
done

# 2. pkg-config, shared.
export PKG_CONFIG_PATH="$libdir/pkgconfig"
cc -std=c99 -pedantic -Werror "$consumer/consumer.c" $(pkg-config --cflags --libs mitra) \
   -o "$work/consumer-pc"
LD_LIBRARY_PATH="$libdir" "$work/consumer-pc" | tee "$work/out-pc.txt"
grep -q "customers=2" "$work/out-pc.txt"
echo "installed consumer ok (find_package shared+static, pkg-config)"
