"""Every C ABI function is noexcept and runs its body inside Guard().

Reads include/mitra/mitra.h and every src/capi/*.cc. A function may skip
Guard() only if it is on the short list below, whose bodies call nothing that
can throw (plain C, destructors, switch statements)."""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
header = (root / "include/mitra/mitra.h").read_text()
sources = "\n".join(p.read_text() for p in sorted((root / "src/capi").glob("*.[ch]*")))

TRIVIAL = {  # bodies reviewed: no allocation, no C++ library calls that throw
    "mitra_version_number", "mitra_version_string", "mitra_error_code",
    "mitra_error_message", "mitra_error_free", "mitra_status_name", "mitra_free",
    "mitra_workspace_free",
}

declared = re.findall(r"MITRA_API[^;]*?\b(mitra_[a-z0-9_]+)\(([^;]*?)\)\s*(MITRA_NOEXCEPT)?;", header, re.S)
problems = []
if not declared:
    problems.append("no MITRA_API functions found in mitra.h")
for name, _, noexcept in declared:
    if not noexcept:
        problems.append(f"{name}: declared without MITRA_NOEXCEPT")
    m = re.search(r"^[a-z_0-9* ]+\b" + name + r"\((?:[^)]*)\)\s*(noexcept)?\s*\{", sources, re.M)
    if not m:
        problems.append(f"{name}: no definition in src/capi/")
        continue
    if not m.group(1):
        problems.append(f"{name}: definition is not noexcept")
    body = sources[m.end():].lstrip()
    if name not in TRIVIAL and not body.startswith("return Guard("):
        problems.append(f"{name}: body does not start with 'return Guard(' (exceptions could escape)")

# Guard itself must catch everything.
guard = re.search(r"mitra_status Guard\(.*?\n}\n", sources, re.S)
if not guard or "catch (...)" not in guard.group(0) or "std::bad_alloc" not in guard.group(0):
    problems.append("Guard() must catch std::bad_alloc and (...)")

for p in problems:
    print("FAIL:", p)
print(f"{len(declared)} C ABI functions checked, {len(problems)} problems")
sys.exit(1 if problems else 0)
