#!/usr/bin/env bash
# The README's C program, Python session and Dask example are
# examples/quickstart.{c,py} and examples/quickstart_dask.py verbatim, and
# each runs with the output the README shows.
set -euo pipefail
src=$1 build=$2 quickstart=$3 work=$4
rm -rf "$work" && mkdir -p "$work"
/usr/bin/python3 - "$src" <<'PY'
import sys, pathlib
src = pathlib.Path(sys.argv[1])
readme = (src / "README.md").read_text()
for name, lang in (("quickstart.c", "c"), ("quickstart.py", "python"),
                   ("quickstart_dask.py", "python")):
    code = (src / "examples" / name).read_text()
    if f"```{lang}\n{code}```" not in readme:
        sys.exit(f"README.md does not show examples/{name} verbatim in a ```{lang} block")
print("README shows the examples verbatim")
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
PYTHONPATH="$build/python" /usr/bin/python3 "$src/examples/quickstart_dask.py" "$src/data/sample" | tee dask.out
diff -u - dask.out <<'OUT'
4 partitions, 1640 customers scored
{'r': 0.86, 'alpha': 5.782, 'a': 0.251, 'b': 6.88}
True
OUT
echo "README examples ok"
