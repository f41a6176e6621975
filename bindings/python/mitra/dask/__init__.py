"""mitra.dask: mitra on partitioned data (Dask DataFrames) across a Dask
cluster. Every computation runs in mitra, over the C ABI, on the workers or
the client; this package arranges where it runs (docs/SCALE.md)::

    import dask.dataframe as dd
    import mitra.dask as md

    tx = md.partition_by_customer(dd.read_csv("tx-*.csv"), 64)
    bg = md.fit(tx, "bgnbd", calibration_end="1997-09-30", partitioned=True)
    scores = md.score(tx, bg, calibration_end="1997-09-30", horizon=52,
                      partitioned=True)

    ix = dd.read_csv("interactions-*.csv")      # from/to_customer_id, kind, time
    g = md.interaction_graph(ix)                # edges in blocks by source node
    pr = md.pagerank(g)                         # one worker, or block sweeps
    top = md.leaders(ix, dd.read_csv("memberships-*.csv"))
    plan = md.plan(g, k=50, epsilon=0.1, seed=7)   # IMM, RR sets across workers

    rfm = md.rfm(tx, calibration_end="1997-09-30", partitioned=True)
    st = md.stages(customers=dd.read_csv("customers-*.csv", dtype=str),
                   transactions=..., interactions=ix, ...)   # st.counts, st.customers

Customer value (mitra.dask.value): partition_of, partition_by_customer,
summarize, fit, score (fit and score take covariates=, a frame keyed by
customer_id: mitra.dask.covariates). RFM (mitra.dask.rfm): rfm, every
customer ranked against all (the partitions' distributions merged). Ladder
stages (mitra.dask.ladder): stages, a workspace per partition of the
customers with the rows that name them. Graphs (mitra.dask.graph): interaction_graph,
pagerank, pagerank_memory. Leaders (mitra.dask.leaders): leaders.
Activation (mitra.dask.activation): plan.

Importing mitra does not import Dask; importing mitra.dask does, and needs
dask[dataframe] and pandas (Debian: python3-dask, python3-pandas; pip:
mitra[dask]); a distributed Client, when one is current, is the scheduler.
"""

try:
    import dask  # noqa: F401
    import dask.dataframe  # noqa: F401  (checked here, used by the modules)
    import pandas  # noqa: F401
except ImportError as e:  # pragma: no cover - depends on the installation
    raise ImportError("mitra.dask needs dask[dataframe] and pandas (Debian: python3-dask, "
                      "python3-pandas; pip: mitra[dask]): %s" % e) from e

from .value import (COLUMNS, MODELS, partition_of, partition_by_customer, summarize, fit,
                    score)
from .graph import INTERACTION_COLUMNS, Graph, interaction_graph, pagerank, pagerank_memory
from .leaders import leaders
from .activation import plan
from .rfm import RFM_COLUMNS, rfm
from .ladder import CUSTOMER_COLUMNS, SHARED_TABLES, Stages, stages

__all__ = ["COLUMNS", "MODELS", "partition_of", "partition_by_customer", "summarize", "fit",
           "score", "INTERACTION_COLUMNS", "Graph", "interaction_graph", "pagerank",
           "pagerank_memory", "leaders", "RFM_COLUMNS", "rfm", "CUSTOMER_COLUMNS",
           "SHARED_TABLES", "Stages", "stages", "plan"]
