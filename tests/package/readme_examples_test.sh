#!/usr/bin/env bash
# The README's C program and Python session are examples/quickstart.{c,py}
# verbatim, and both run with the output the README shows.
set -euo pipefail
src=$1 build=$2 quickstart=$3 work=$4
rm -rf "$work" && mkdir -p "$work"
/usr/bin/python3 - "$src" <<'PY'
import sys, pathlib
src = pathlib.Path(sys.argv[1])
readme = (src / "README.md").read_text()
for name, lang in (("quickstart.c", "c"), ("quickstart.py", "python")):
    code = (src / "examples" / name).read_text()
    if f"```{lang}\n{code}```" not in readme:
        sys.exit(f"README.md does not show examples/{name} verbatim in a ```{lang} block")
print("README shows both examples verbatim")
PY
cd "$work"
"$quickstart" "$src/data/sample" | tee c.out
grep -qE '^mitra [0-9.]+: 32134 transactions, revenue 9319059\.25$' c.out
test -s quickstart.mitra
if [ ! -d "$build/python/mitra" ]; then  # sanitizer builds assemble no Python package
  echo "README C example ok (no Python package in this build)"
  exit 0
fi
PYTHONPATH="$build/python" /usr/bin/python3 "$src/examples/quickstart.py" | tee py.out
diff -u - py.out <<'OUT'
transactions[0].customer_id: unknown customer id "nobody"
1
[1550.]
True
OUT
echo "README examples ok"
