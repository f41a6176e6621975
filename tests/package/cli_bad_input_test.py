"""The bad-input table (tests/bad_input/cases.json) through the mitra CLI:
its CSV cases through `mitra import --from BASE -o OUT KIND=case.csv` (the
csv_file cases with their path as FILE), its snapshot cases through `mitra
info`. Each must exit 1 with the status and the
message on stderr, write no output, and leave the base snapshot untouched.

usage: cli_bad_input_test.py MITRA SOURCE_DIR WORK_DIR"""
import hashlib
import json
import pathlib
import shutil
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "bad_input"))
from mutations import mutated_snapshot  # noqa: E402

mitra, src, work = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
table = json.loads((src / "tests/bad_input/cases.json").read_text())
shutil.rmtree(work, ignore_errors=True)
(work / "base").mkdir(parents=True)
for kind, text in table["base"].items():
    (work / "base" / f"{kind}.csv").write_text(text)
base = work / "base.mitra"
subprocess.run([mitra, "import", "-o", str(base), str(work / "base")], check=True,
               stdout=subprocess.DEVNULL)
base_digest = hashlib.sha256(base.read_bytes()).hexdigest()


passed = failed = 0
for case in table["cases"]:
    case_dir = work / case["name"]
    case_dir.mkdir()
    out = case_dir / "out.mitra"
    if "csv" in case or "csv_hex" in case:
        csv = case_dir / "case.csv"
        csv.write_bytes(case["csv"].encode() if "csv" in case else bytes.fromhex(case["csv_hex"]))
        cmd = [mitra, "import", "--from", str(base), "-o", str(out), f"{case['csv_kind']}={csv}"]
    elif case.get("api") == "csv_file":
        cmd = [mitra, "import", "--from", str(base), "-o", str(out), f"customers={case['arg']}"]
    elif "snapshot" in case:
        cmd = [mitra, "info", str(mutated_snapshot(base, case["snapshot"], case_dir))]
    else:
        continue  # batch and API cases have no CLI form
    r = subprocess.run(cmd, capture_output=True, text=True, errors="replace")
    problems = []
    if r.returncode != 1:
        problems.append(f"exit {r.returncode}, expected 1")
    if f"{case['status']}: " not in r.stderr:
        problems.append(f"stderr lacks status {case['status']}")
    if case["message"] not in r.stderr:
        problems.append(f"stderr lacks {case['message']!r}")
    if out.exists():
        problems.append("an output snapshot was written")
    if hashlib.sha256(base.read_bytes()).hexdigest() != base_digest:
        problems.append("the base snapshot changed")
    if problems:
        failed += 1
        print(f"FAILED {case['name']}: {'; '.join(problems)}\n  stderr: {r.stderr.strip()}")
    else:
        passed += 1
print(f"cli bad inputs: {passed} passed, {failed} failed")
sys.exit(1 if failed or passed < 50 else 0)
