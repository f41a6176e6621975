#!/usr/bin/python3
"""mitra against igraph through both Python APIs, side by side in one run, end to end
from edge arrays, medians of warm repetitions (5 times --repeat below 10^6 edges).

    apt-get install -y python3-igraph      # Debian 12: python-igraph 0.10.2
    PYTHONPATH=build/release/python /usr/bin/python3 bench/graph/python_vs_igraph.py
        [--repeat 3] [--rmat-scale 20] [--rmat-edges 10000000]
        [--only pagerank,leiden,betweenness]
    apt-get install -y libigraph-dev        # for betweenness: igraph's C subset betweenness

Graphs: soc-Epinions1 (data/reference/graphs, directed, 75,879 nodes, 508,837 arcs) and an
R-MAT graph made here with numpy (Graph500's generator: a/b/c = 0.57/0.19/0.19, 2^scale
ids, seed 1, ids permuted), directed, duplicates and self-loops kept as generated (both
libraries collapse or count them their own way; PageRank treats a repeated arc as one
unweighted arc in mitra and as a multi-arc in igraph, so the R-MAT arcs are made unique
first, once, outside the timings).

PageRank: mitra.graph.pagerank(src, dst, num_nodes=n, tol=1e-10), which builds its graph
from the edge arrays on every call, against Graph.pagerank(implementation="prpack") on an
igraph Graph built once beforehand (python-igraph 0.10 takes 15-20 s to build a Graph of
10^7 edges from numpy or lists here, which would swamp the comparison; its build is printed
apart). Both vectors sum to 1; the L1 distance between them is printed (PRPACK solves to
~1e-10 too). The ratio is igraph's time over mitra's. The machine's 1-minute load before and
after each line is printed with it.

Leiden: see leiden() below (the modularity side by side; on R-MAT one call each unless
--repeat is 3 or more). Betweenness: see betweenness() below (per pivot against the C
igraph, and the sampled form with 1 and 2 threads).
"""
import argparse
import os
import statistics
import tarfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = os.path.join(os.path.dirname(os.path.dirname(HERE)), "data", "reference", "graphs")


def load():
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


def epinions():
    with tarfile.open(os.path.join(REFERENCE, "soc-Epinions1.tar.xz")) as tar:
        with tar.extractfile("soc-Epinions1.txt") as f:
            e = np.loadtxt(f, comments="#", dtype=np.int64)
    return int(e.max()) + 1, e[:, 0].astype(np.uint32), e[:, 1].astype(np.uint32)


def rmat(scale, edges, seed=1):
    """Graph500's R-MAT: each edge picks one of four quadrants per bit level; ids permuted."""
    rng = np.random.default_rng(seed)
    a, b, c = 0.57, 0.19, 0.19
    src = np.zeros(edges, np.uint64)
    dst = np.zeros(edges, np.uint64)
    for level in range(scale):
        r = rng.random(edges)
        down = r >= a + b                      # quadrants c and d: source bit set
        right = ((r >= a) & (r < a + b)) | (r >= a + b + c)  # quadrants b and d
        src |= down.astype(np.uint64) << np.uint64(level)
        dst |= right.astype(np.uint64) << np.uint64(level)
    perm = rng.permutation(1 << scale).astype(np.uint64)
    src, dst = perm[src], perm[dst]
    keep = src != dst
    pairs = np.unique((src[keep] << np.uint64(32)) | dst[keep])
    return 1 << scale, (pairs >> np.uint64(32)).astype(np.uint32), \
        (pairs & np.uint64(0xFFFFFFFF)).astype(np.uint32)


def timed(f, repeat):
    f()  # warm: page faults, imports, the libraries' first-call costs
    times = []
    out = None
    for _ in range(repeat):
        t = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def pagerank(name, n, src, dst, repeat):
    import igraph as ig
    import mitra.graph as mg
    before = load()
    t_mitra, x = timed(lambda: mg.pagerank(src, dst, num_nodes=n, tol=1e-10), repeat)
    t = time.perf_counter()
    g = ig.Graph(n=n, edges=np.column_stack([src, dst]), directed=True)
    t_build = time.perf_counter() - t
    t_ig, y = timed(lambda: np.array(g.pagerank(damping=0.85, implementation="prpack")), repeat)
    print(f"pagerank {name:9s} n={n:>9,} m={len(src):>11,}: mitra {t_mitra * 1e3:8.1f} ms  "
          f"igraph {t_ig * 1e3:8.1f} ms  ratio {t_ig / t_mitra:5.2f}x  "
          f"L1 {np.abs(x - y).sum():.1e}  (igraph's Graph build {t_build:.1f} s)  "
          f"load {before} -> {load()}")
    return t_ig / t_mitra


def leiden(name, n, src, dst, repeat):
    """Leiden, modularity, 2 iterations (igraph's default), the edges read as undirected:
    mitra.graph.leiden(src, dst) from the arrays against igraph's community_leiden on the
    collapsed undirected Graph built beforehand; the modularity of each side's partition
    (igraph's own Graph.modularity for both). Then mitra's directed form (directed=True),
    timed, with the directed modularity of its partition and of the undirected one."""
    import igraph as ig
    import mitra.graph as mg
    before = load()
    t_mitra, (membership, _) = timed(lambda: mg.leiden(src, dst, num_nodes=n), repeat)
    u = ig.Graph(n=n, edges=np.column_stack([src, dst]), directed=True).as_undirected(
        mode="collapse")
    t_ig, part = timed(lambda: u.community_leiden(objective_function="modularity",
                                                  n_iterations=2), repeat)
    q_mitra, q_ig = u.modularity(membership.tolist()), u.modularity(part.membership)
    t_dir, (directed, q_dir) = timed(lambda: mg.leiden(src, dst, num_nodes=n, directed=True),
                                     repeat)
    q_cross = mg.modularity(src, dst, membership, num_nodes=n, directed=True)
    print(f"leiden   {name:9s} n={n:>9,} m={len(src):>11,}: mitra {t_mitra * 1e3:8.1f} ms "
          f"(Q {q_mitra:.4f})  igraph {t_ig * 1e3:8.1f} ms (Q {q_ig:.4f})  ratio "
          f"{t_ig / t_mitra:5.2f}x  | directed: {t_dir * 1e3:8.1f} ms, directed Q {q_dir:.4f} "
          f"(the undirected partition's: {q_cross:.4f})  load {before} -> {load()}")
    return t_ig / t_mitra


def igraph_pivots_program():
    """bench/graph/igraph_pivots.c built against the C igraph (libigraph-dev), or None."""
    import shutil
    import subprocess
    import tempfile
    if shutil.which("pkg-config") is None or subprocess.run(
            ["pkg-config", "--exists", "igraph"]).returncode != 0:
        return None
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "igraph"], check=True,
                           capture_output=True, text=True).stdout.split()
    out = os.path.join(tempfile.mkdtemp(prefix="igraph-pivots-"), "igraph_pivots")
    subprocess.run(["cc", "-O2", "-o", out, os.path.join(HERE, "igraph_pivots.c")] + flags,
                   check=True)
    return out


def betweenness(name, n, src, dst, repeat, pivots):
    """Brandes betweenness per pivot (source), directed, hop counts, one thread: mitra's
    mitra.graph.betweenness(sample_sources=k) from the arrays against the C igraph's
    igraph_betweenness_subset with k sources (python-igraph 0.10 has no subset
    betweenness; bench/graph/igraph_pivots.c, built here against libigraph-dev). Both
    draw k uniform pivots of their own (mitra by its seed, igraph's by numpy's seed 1), so
    their costs agree in expectation, not pivot for pivot. Then mitra with 2 threads, and
    the (epsilon, delta)-guaranteed sampled betweenness (Riondato & Kornaropoulos) with 1
    and 2 threads."""
    import subprocess
    import tempfile
    import mitra.graph as mg
    program = igraph_pivots_program()
    before = load()
    t1, _ = timed(lambda: mg.betweenness(src, dst, num_nodes=n, sample_sources=pivots,
                                         normalized=False), repeat)
    t2, _ = timed(lambda: mg.betweenness(src, dst, num_nodes=n, sample_sources=pivots,
                                         normalized=False, threads=2), repeat)
    line = (f"between. {name:9s} n={n:>9,} m={len(src):>11,}, {pivots} pivots: mitra "
            f"{t1 / pivots * 1e3:7.1f} ms a pivot (2 threads {t2 / pivots * 1e3:7.1f} ms: "
            f"{t1 / t2:4.2f}x)")
    if program is None:
        line += "  igraph: not measured (apt-get install libigraph-dev)"
    else:
        with tempfile.TemporaryDirectory() as tmp:
            edges = os.path.join(tmp, "edges.bin")
            chosen = os.path.join(tmp, "pivots.bin")
            np.column_stack([src, dst]).astype("<u4").tofile(edges)
            np.random.default_rng(1).choice(n, pivots, replace=False).astype("<u4").tofile(chosen)
            times = [float(subprocess.run([program, edges, str(n), chosen], check=True,
                                          capture_output=True, text=True).stdout.split()[0])
                     for _ in range(repeat)]
        t_ig = statistics.median(times)
        line += (f"  igraph {t_ig / pivots * 1e3:7.1f} ms a pivot  ratio {t_ig / t1:5.2f}x")
    print(line)
    for eps in (0.01,):
        s1, r = timed(lambda: mg.betweenness(src, dst, num_nodes=n, epsilon=eps, delta=0.1),
                      repeat)
        s2, r2 = timed(lambda: mg.betweenness(src, dst, num_nodes=n, epsilon=eps, delta=0.1,
                                              threads=2), repeat)
        print(f"between. {name:9s} sampled, epsilon {eps}, delta 0.1: {r.samples:,} samples "
              f"(vertex diameter bound {r.vertex_diameter_bound}), 1 thread {s1 * 1e3:8.1f} ms "
              f"({s1 / r.samples * 1e6:6.2f} us a sample), 2 threads {s2 * 1e3:8.1f} ms: "
              f"{s1 / s2:4.2f}x  load {before} -> {load()}")
    return t1


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--rmat-scale", type=int, default=20)
    ap.add_argument("--rmat-edges", type=int, default=10_000_000)
    ap.add_argument("--only", default="pagerank,leiden,betweenness",
                    help="comma-separated: pagerank, leiden, betweenness")
    args = ap.parse_args()
    import igraph as ig
    import mitra
    print(f"mitra {mitra.__version__}, igraph {ig.__version__}, repeat {args.repeat} (medians)")
    # Made one at a time, Epinions first: R-MAT's generation touches a few
    # hundred MB that the allocator then hands back.
    graphs = {"epinions": epinions, "rmat": lambda: rmat(args.rmat_scale, args.rmat_edges)}
    for name, make in graphs.items():
        n, src, dst = make()
        # Calls of tens of milliseconds swing with the machine: more of them.
        repeat = args.repeat * (5 if len(src) < 10**6 else 1)
        if "pagerank" in args.only:
            pagerank(name, n, src, dst, repeat)
        if "leiden" in args.only:
            leiden(name, n, src, dst, max(1, repeat // 3) if len(src) >= 10**6 else repeat)
        if "betweenness" in args.only:
            big = len(src) >= 10**6
            betweenness(name, n, src, dst, args.repeat, 32 if big else 256)


if __name__ == "__main__":
    main()
