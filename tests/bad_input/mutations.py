"""Snapshot mutations of the bad-input table ("truncate:N", "flip:N",
"major:2", "replace:TEXT", "missing", "directory", "fifo", "symlink_loop",
"dangling_symlink"), shared by the Python and CLI harnesses (the C ABI
harness has its own in C++). "major:N" fixes the checksum, as a newer writer
would; "flip:N" does not."""
import os
import pathlib


def crc32c(data: bytes) -> int:
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 & -(crc & 1))
    return crc ^ 0xFFFFFFFF


def mutated_snapshot(snapshot: pathlib.Path, mutation: str, work: pathlib.Path) -> pathlib.Path:
    """Applies `mutation` to the bytes of `snapshot`; returns the path to load."""
    op, _, arg = mutation.partition(":")
    if op == "missing":
        return work / "missing.mitra"
    if op == "directory":
        (work / "a-directory").mkdir()
        return work / "a-directory"
    if op == "fifo":
        os.mkfifo(work / "a-fifo.mitra")
        return work / "a-fifo.mitra"
    if op == "symlink_loop":
        os.symlink(work / "loop-b.mitra", work / "loop-a.mitra")
        os.symlink(work / "loop-a.mitra", work / "loop-b.mitra")
        return work / "loop-a.mitra"
    if op == "dangling_symlink":
        os.symlink(work / "gone.mitra", work / "dangling.mitra")
        return work / "dangling.mitra"
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
        data[-4:] = crc32c(bytes(data[:-4])).to_bytes(4, "little")
    elif op == "replace":
        data = bytearray(arg.encode())
    else:
        raise ValueError(f"unknown mutation {mutation!r}")
    out = work / "case.mitra"
    out.write_bytes(bytes(data))
    return out
