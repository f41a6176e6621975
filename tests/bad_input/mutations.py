"""Snapshot mutations of the bad-input table ("truncate:N", "flip:N",
"major:2", "replace:TEXT", "missing", "directory"), shared by the Python and
CLI harnesses (the C ABI harness has its own in C++)."""
import pathlib


def mutated_snapshot(snapshot: pathlib.Path, mutation: str, work: pathlib.Path) -> pathlib.Path:
    """Applies `mutation` to the bytes of `snapshot`; returns the path to load."""
    op, _, arg = mutation.partition(":")
    if op == "missing":
        return work / "missing.mitra"
    if op == "directory":
        (work / "a-directory").mkdir()
        return work / "a-directory"
    data = bytearray(snapshot.read_bytes())

    def pos(a):
        if a == "half":
            return len(data) // 2
        return len(data) + int(a) if int(a) < 0 else int(a)

    if op == "truncate":
        data = data[:pos(arg)]
    elif op == "flip":
        data[pos(arg)] ^= 0x20
    elif op == "major":
        data[8] = int(arg)
    elif op == "replace":
        data = bytearray(arg.encode())
    else:
        raise ValueError(f"unknown mutation {mutation!r}")
    out = work / "case.mitra"
    out.write_bytes(bytes(data))
    return out
