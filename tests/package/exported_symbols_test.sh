#!/usr/bin/env bash
# libmitra.so exports exactly the functions mitra.h declares, and only them,
# under a versioned SONAME.
set -euo pipefail
lib=$1 header=$2
fail=0
exported=$(nm -D --defined-only "$lib" | awk '{print $3}' | sed 's/@.*//' | sort -u)
declared=$(grep -oE '\bmitra_[a-z0-9_]+\(' "$header" | tr -d '(' | sort -u)
while read -r sym; do
  case "$sym" in
    mitra_*) ;;
    MITRA_[0-9]*.[0-9]*) ;;  # the version script's node
    *) echo "unexpected exported symbol: $sym"; fail=1 ;;
  esac
done <<< "$exported"
missing=$(comm -23 <(echo "$declared") <(echo "$exported" | grep '^mitra_'))
extra=$(comm -13 <(echo "$declared") <(echo "$exported" | grep '^mitra_'))
[ -z "$missing" ] || { echo "declared in mitra.h but not exported: $missing"; fail=1; }
[ -z "$extra" ] || { echo "exported but not declared in mitra.h: $extra"; fail=1; }
soname=$(readelf -d "$lib" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
major=$(sed -n 's/^#define MITRA_VERSION_MAJOR \([0-9]*\)$/\1/p' "$(dirname "$header")/version.h")
[ "$soname" = "libmitra.so.$major" ] || { echo "SONAME is '$soname', expected libmitra.so.$major"; fail=1; }
n=$(echo "$exported" | grep -c '^mitra_')
if [ $fail -eq 0 ]; then echo "$n mitra_* symbols exported, nothing else; SONAME $soname"; fi
exit $fail
