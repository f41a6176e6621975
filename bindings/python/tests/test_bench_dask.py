"""The Dask scale benchmark (bench/dask/scale.py) at smoke size, so that the
script that gives docs/SCALE.md its figures keeps running: every stage on
one worker, the rows each stage saw equal to what the generator wrote, and
the stages agreeing with each other. Its speed is not a test's business."""

import glob
import json
import os
import subprocess
import sys

from conftest import PACKAGE_PARENT, REPO_ROOT

STAGES = ["read+shuffle", "read presplit", "summarize", "merge", "fit client", "fit bgnbd",
          "fit gammagamma", "fit bgnbd dist", "fit gammagamma dist", "score", "graph",
          "pagerank 1w", "pagerank blocks"]


def test_scale_benchmark_smoke(tmp_path):
    data = str(tmp_path / "shards")
    env = dict(os.environ, PYTHONPATH=PACKAGE_PARENT)
    subprocess.run([sys.executable, os.path.join(REPO_ROOT, "bench", "dask", "scale.py"), data,
                    "--customers", "2000", "--workers", "1"],
                   check=True, env=env, timeout=300, capture_output=True)
    manifest = json.load(open(os.path.join(data, "manifest.json")))
    (path,) = glob.glob(os.path.join(data, "results-*.json"))
    stages = {s["stage"]: s for s in json.load(open(path))["stages"]}
    assert list(stages) == STAGES
    transactions = manifest["transactions"]
    assert transactions > 2000
    for name in ("read+shuffle", "read presplit", "summarize", "fit bgnbd", "score"):
        assert stages[name]["rows"] == transactions, name
    assert stages["summarize"]["customers"] == stages["score"]["customers"] == 2000
    assert stages["fit bgnbd"]["weighted_rows"] == stages["merge"]["weighted_rows"]
    # The distributed likelihood's fit is the merged rows' fit up to the sums' order.
    for name in ("bgnbd", "gammagamma"):
        assert stages["fit %s dist" % name]["max_rel_diff"] < 1e-9, name
    assert stages["graph"]["rows"] == manifest["interactions"]
    assert stages["pagerank 1w"]["rows"] == stages["graph"]["edges"]
    assert abs(stages["pagerank blocks"]["sum"] - 1) < 1e-9
    for s in stages.values():
        assert s["wall_s"] >= 0 and len(s["worker_peak_rss_mb"]) == 1
