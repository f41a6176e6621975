import sys

import dask.dataframe as dd
from distributed import Client, LocalCluster

import mitra.dask as md
import mitra.value as mv

sample = sys.argv[1] if len(sys.argv) > 1 else "data/sample"
if __name__ == "__main__":
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, \
            Client(cluster):
        tx = dd.read_csv(f"{sample}/transactions.csv", blocksize="512KB",
                         usecols=["customer_id", "time", "amount"])
        tx = md.partition_by_customer(tx, 4).persist()
        bg = md.fit(tx, "bgnbd", calibration_end="2024-10-01", period="day", unit="week",
                    partitioned=True)
        scores = md.score(tx, bg, calibration_end="2024-10-01", horizon=13,
                          partitioned=True).compute()

        # The same fit in one process: the partitioned fit is exact.
        one = tx.compute()
        s = mv.summarize((one.customer_id, one.time, one.amount), calibration_end="2024-10-01")
        same = mv.BGNBD.fit(s.frequency, s.recency, s.T)
        print(tx.npartitions, "partitions,", len(scores), "customers scored")
        print({k: round(v, 3) for k, v in bg.params.items()})
        print(all(abs(bg.params[k] / same.params[k] - 1) < 1e-9 for k in bg.params))  # True
