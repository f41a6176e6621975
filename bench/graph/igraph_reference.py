#!/usr/bin/python3
"""igraph's figures on this machine, for comparison with the C++ benchmarks.

    apt-get install -y python3-igraph      # Debian 12: python-igraph 0.10.2
    /usr/bin/python3 bench/graph/igraph_reference.py [repetitions]

Prints the median wall time of: PageRank (PRPACK) on soc-Epinions1 and its L1
distance to a 1e-15 power-iteration reference; Leiden (modularity,
n_iterations=2 and -1) on Epinions made undirected (collapsed); Brandes
exact Brandes betweenness on NetHEPT, and per source (python-igraph 0.10.2
cannot restrict the sources). With --rmat PATH (written by the
graph_rmat_edges program of bench/graph), also PageRank (PRPACK) and Leiden
on that R-MAT graph (Leiden on its undirected, collapsed view).
"""
import statistics
import sys
import tarfile
import time

import igraph as ig

REFERENCE = __file__.rsplit("/", 3)[0] + "/data/reference/graphs"
NETHEPT = REFERENCE + "/nethept.txt"


def epinions_edges():
    """soc-Epinions1 as an (m, 2) array, read from the archive in data/reference."""
    with tarfile.open(REFERENCE + "/soc-Epinions1.tar.xz") as tar:
        with tar.extractfile("soc-Epinions1.txt") as f:
            return np.loadtxt(f, comments="#", dtype=np.int64)


def timed(f, reps):
    times, out = [], None
    for _ in range(reps):
        t = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def rmat(path, reps):
    import numpy as np
    e = np.fromfile(path, dtype="<u4").reshape(-1, 2)
    g = ig.Graph(n=1 << 20, edges=e.tolist(), directed=True)
    print(f"R-MAT {g.vcount()} nodes {g.ecount()} arcs")
    t, _ = timed(lambda: g.pagerank(damping=0.85, implementation="prpack"), reps)
    print(f"rmat pagerank prpack: {t * 1e3:.0f} ms")
    u = g.as_undirected(mode="collapse")
    t, part = timed(lambda: u.community_leiden(objective_function="modularity",
                                               n_iterations=2), 1)
    print(f"rmat leiden n_iterations=2: {t:.1f} s, modularity "
          f"{u.modularity(part.membership):.4f}, {len(part)} communities")


def main():
    if "--rmat" in sys.argv:
        i = sys.argv.index("--rmat")
        rmat(sys.argv[i + 1], 3)
        return
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    import numpy as np
    edges = epinions_edges()
    g = ig.Graph(n=int(edges.max()) + 1, edges=edges.tolist(), directed=True)
    print(f"igraph {ig.__version__}; Epinions {g.vcount()} nodes {g.ecount()} edges")
    t, pr = timed(lambda: g.pagerank(damping=0.85, implementation="prpack"), reps)
    # Reference: power iteration in numpy to 1e-15.
    import scipy.sparse as sp
    n = g.vcount()
    e = np.array(g.get_edgelist())
    A = sp.csr_matrix((np.ones(len(e)), (e[:, 0], e[:, 1])), shape=(n, n))
    out = np.asarray(A.sum(axis=1)).ravel()
    inv = np.where(out > 0, 1 / np.maximum(out, 1), 0)
    AT = A.T.tocsr()
    x = np.full(n, 1 / n)
    for _ in range(2000):
        y = 0.85 * (AT @ (x * inv)) + (0.85 * x[out == 0].sum() + 0.15) / n
        y /= y.sum()
        if np.abs(y - x).sum() < 1e-15:
            x = y
            break
        x = y
    print(f"pagerank prpack: {t * 1e3:.1f} ms, L1 error vs reference {np.abs(np.array(pr) - x).sum():.2e}")
    u = g.as_undirected(mode="collapse")
    for iters in (2, -1):
        t, part = timed(lambda: u.community_leiden(objective_function="modularity",
                                                   n_iterations=iters), reps)
        print(f"leiden n_iterations={iters}: {t * 1e3:.0f} ms, modularity "
              f"{u.modularity(part.membership):.4f}, {len(part)} communities")
    # python-igraph 0.10.2 has no sources= subset: exact betweenness on
    # NetHEPT (directed, 15,229 nodes, 62,752 arcs) instead, per source.
    h = ig.Graph.Read_Edgelist(NETHEPT, directed=True)
    t, _ = timed(lambda: h.betweenness(directed=True), max(1, reps // 2))
    print(f"exact betweenness nethept: {t * 1e3:.0f} ms, "
          f"{t / h.vcount() * 1e3:.3f} ms per source")


if __name__ == "__main__":
    main()
