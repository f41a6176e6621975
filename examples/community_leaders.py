"""Whom to activate first: each community's informal leaders and the bridge
leaders between communities, on a folder of CSV files (default: the bundled
sample brand). Run with PYTHONPATH=build/dev/python /usr/bin/python3.

    examples/community_leaders.py [DIR]
"""
import os
import sys

import numpy as np

import mitra

KINDS = ("customers", "products", "communities", "channels", "programs", "transactions",
         "interactions", "memberships", "feedback", "referrals")

folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "data", "sample")
ws = mitra.Workspace()
for kind in KINDS:  # dependency order: entities before the records that refer to them
    path = os.path.join(folder, kind + ".csv")
    if os.path.exists(path):
        ws.ingest_csv(kind, path)

report = mitra.leaders.find(ws, top=3, top_bridges=4)
for community in report.communities:
    names = ", ".join("%s (%.2f)" % (l.customer_id, l.score) for l in community.leaders)
    print("%-6s %s" % (community.community_id, names))
print("bridges:", ", ".join("%s %s" % (b.customer_id, "+".join(b.community_ids[:2])) for b in report.bridges))

# The same interaction graph as plain arrays: global PageRank over every community.
src, dst, weights, ids = mitra.graph.interaction_graph(ws)
rank = mitra.graph.pagerank(src, dst, weights)
print("most central overall:", ", ".join(ids[i] for i in np.argsort(-rank)[:3]))
