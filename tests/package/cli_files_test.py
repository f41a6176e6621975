"""The mitra CLI and the files it is given: FIFOs, devices, symlinks (loops
and dangling), several files of one kind, write errors on standard output
and -o, and the mode of a snapshot saved over another. Every command must
return (a FIFO must not hang it), exit 1 with the status and the path on
stderr, and never let an exception through (exit 3).

usage: cli_files_test.py MITRA SAMPLE_DIR WORK_DIR"""
import json
import os
import pathlib
import shutil
import stat
import subprocess
import sys

mitra = os.path.abspath(sys.argv[1])
sample, work = pathlib.Path(sys.argv[2]).resolve(), pathlib.Path(sys.argv[3]).resolve()
shutil.rmtree(work, ignore_errors=True)
work.mkdir(parents=True)
os.chdir(work)
failures = []
checks = 0


# A guard against a command that never returns (a FIFO, a lock): generous,
# since `report` on the sample takes half a minute in a Debug build on a
# busy machine.
def run(*args, stdout=subprocess.PIPE):
    return subprocess.run([mitra, *map(str, args)], stdout=stdout, stderr=subprocess.PIPE,
                          text=True, errors="replace", timeout=300)


def check(name, ok, detail=""):
    global checks
    checks += 1
    if not ok:
        failures.append(f"{name}: {detail}")


def expect_error(name, args, status, *parts, stdout=subprocess.PIPE):
    try:
        r = run(*args, stdout=stdout)
    except subprocess.TimeoutExpired:
        check(name, False, "did not return within 300 s")
        return
    check(name, r.returncode == 1 and f"{status}: " in r.stderr
           and all(p in r.stderr for p in parts),
           f"exit {r.returncode}, stderr {r.stderr.strip()!r}, wanted {status} and {parts}")


def customer_ids(snapshot):
    r = run("export", snapshot)
    assert r.returncode == 0, r.stderr
    return sorted(c["id"] for c in json.loads(r.stdout).get("customers", []))


pathlib.Path("a.csv").write_text("id\nc1\n")
pathlib.Path("b.csv").write_text("id\nc2\nc3\n")
pathlib.Path("dup.csv").write_text("id\nc4\nc1\n")
os.mkdir("d1")
os.mkdir("d2")
shutil.copy("a.csv", "d1/customers.csv")
shutil.copy("b.csv", "d2/customers.csv")
ok = run("import", "-o", "s.mitra", "d1")
assert ok.returncode == 0, ok.stderr

# A FIFO as a source, a snapshot, or inside a data folder: refused at once.
os.mkfifo("f.csv")
os.mkfifo("f.mitra")
os.mkdir("fifo_dir")
os.mkfifo("fifo_dir/customers.csv")
expect_error("import KIND=FIFO", ["import", "-o", "x.mitra", "customers=f.csv"],
             "INVALID_ARGUMENT", '"f.csv": not a regular file (a FIFO)')
expect_error("info FIFO", ["info", "f.mitra"], "INVALID_ARGUMENT", '"f.mitra": not a regular file')
expect_error("report DIR with a FIFO", ["report", "fifo_dir"], "INVALID_ARGUMENT",
             '"fifo_dir/customers.csv": not a regular file (a FIFO)')
expect_error("leaders FIFO", ["leaders", "f.mitra"], "INVALID_ARGUMENT", "not a regular file")
expect_error("import --from FIFO", ["import", "--from", "f.mitra", "-o", "x.mitra", "d1"],
             "INVALID_ARGUMENT", '"f.mitra": not a regular file')
expect_error("import /dev/zero", ["import", "-o", "x.mitra", "customers=/dev/zero"],
             "INVALID_ARGUMENT", '"/dev/zero": not a regular file (a character device)')
check("nothing written after the refusals", not os.path.exists("x.mitra"))

# Several files of one kind are all read, in one all-or-nothing import.
for name, args, ids in [
        ("KIND=FILE twice", ["customers=a.csv", "customers=b.csv"], ["c1", "c2", "c3"]),
        ("DIR and KIND=FILE", ["d1", "customers=b.csv"], ["c1", "c2", "c3"]),
        ("two DIRs", ["d1", "d2"], ["c1", "c2", "c3"])]:
    r = run("import", "-o", "m.mitra", *args)
    check(name, r.returncode == 0 and "(3 records)" in r.stdout, r.stdout + r.stderr)
    if r.returncode == 0:
        check(name + " ids", customer_ids("m.mitra") == ids, customer_ids("m.mitra"))
    os.remove("m.mitra") if os.path.exists("m.mitra") else None
expect_error("a clash between two files", ["import", "-o", "m.mitra", "d1", "customers=dup.csv"],
             "ALREADY_EXISTS", "dup.csv:3")
check("a failed multi-file import writes nothing", not os.path.exists("m.mitra"))

# A dangling symlink in a data folder is an error naming it, not a skip.
os.mkdir("dangling_dir")
shutil.copy("a.csv", "dangling_dir/customers.csv")
os.symlink("gone.csv", "dangling_dir/products.csv")
expect_error("import DIR with a dangling link", ["import", "-o", "x.mitra", "dangling_dir"],
             "NOT_FOUND", '"dangling_dir/products.csv": dangling symbolic link')
expect_error("report DIR with a dangling link", ["report", "dangling_dir"],
             "NOT_FOUND", "dangling_dir/products.csv")
os.mkdir("dangling_decisions")
shutil.copy("a.csv", "dangling_decisions/customers.csv")
os.symlink("gone.csv", "dangling_decisions/decisions.csv")
expect_error("report DIR with a dangling decisions.csv", ["report", "dangling_decisions"],
             "NOT_FOUND", "dangling_decisions/decisions.csv")

# Symlink loops: an ordinary error (not "internal error", exit 3) everywhere.
os.symlink("loop_b", "loop_a")
os.symlink("loop_a", "loop_b")
for cmd in (["import", "-o", "x.mitra", "loop_a"], ["import", "-o", "x.mitra", "customers=loop_a"],
            ["report", "loop_a"], ["info", "loop_a"], ["leaders", "loop_a"],
            ["value", "loop_a", "--calibration-end", "2025-06-30"], ["import", "--from", "loop_a", "-o", "x.mitra", "d1"]):
    expect_error(" ".join(cmd), cmd, "INVALID_ARGUMENT", '"loop_a": Too many levels of symbolic links')
os.mkdir("loop_dir")
os.symlink("customers.csv", "loop_dir/customers.csv")
expect_error("a looping DIR/<kind>.csv", ["import", "-o", "x.mitra", "loop_dir"],
             "INVALID_ARGUMENT", "loop_dir/customers.csv")

# Standard output that cannot be written fails the command, for every command.
snap = work / "sample.mitra"
assert run("import", "-o", snap, sample).returncode == 0
with open("/dev/full", "w") as full:
    for cmd in (["export", snap], ["info", snap], ["report", snap], ["leaders", snap],
                ["value", snap, "--calibration-end", "2025-06-30"], ["import", "-o", "y.mitra", "d1"], ["--help"], ["--version"]):
        expect_error(" ".join(map(str, cmd)) + " > /dev/full", cmd, "RESOURCE_EXHAUSTED",
                     "cannot write standard output: No space left on device", stdout=full)
expect_error("export -o /dev/full", ["export", snap, "-o", "/dev/full"], "RESOURCE_EXHAUSTED",
             '"/dev/full"')
expect_error("leaders -o /dev/full", ["leaders", snap, "-o", "/dev/full"], "RESOURCE_EXHAUSTED",
             '"/dev/full"')

# Saving over a snapshot keeps its mode; a new one is 0600 (umask 022 here).
os.chmod("s.mitra", 0o600)
assert run("import", "-o", "s.mitra", "d2").returncode == 0
check("mode 0600 kept", stat.S_IMODE(os.stat("s.mitra").st_mode) == 0o600,
      oct(os.stat("s.mitra").st_mode))
os.chmod("s.mitra", 0o640)
assert run("import", "-o", "s.mitra", "d2").returncode == 0
check("mode 0640 kept", stat.S_IMODE(os.stat("s.mitra").st_mode) == 0o640,
      oct(os.stat("s.mitra").st_mode))
old_umask = os.umask(0o022)
assert run("import", "-o", "fresh.mitra", "d2").returncode == 0
os.umask(old_umask)
check("a new snapshot is 0600", stat.S_IMODE(os.stat("fresh.mitra").st_mode) == 0o600,
      oct(os.stat("fresh.mitra").st_mode))

# A legal 250-byte name can be saved to; a missing folder names the target.
long_name = "n" * 246 + ".mit"
r = run("import", "-o", long_name, "d1")
check("250-byte name", r.returncode == 0 and os.path.exists(long_name), r.stderr)
expect_error("missing folder", ["import", "-o", "no/such/x.mitra", "d1"], "NOT_FOUND",
             'cannot save "no/such/x.mitra"')

for f in failures:
    print("FAILED", f)
print(f"cli files: {checks - len(failures)} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
