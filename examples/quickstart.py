import mitra
from mitra.v1 import Batch

ws = mitra.Workspace()
batch = Batch()
batch.customers.add(id="c1")
batch.transactions.add(customer_id="c1", time_unix_seconds=1735689600, amount=1550.0)
ws.ingest(batch)

bad = Batch()
bad.transactions.add(customer_id="nobody", time_unix_seconds=1735689600, amount=10.0)
try:
    ws.ingest(bad)
except mitra.NotFound as e:
    print(e)  # transactions[0].customer_id: unknown customer id "nobody"

print(ws.counts()["transactions"])           # 1
print(ws.column("transactions.amount"))     # [1550.]
ws.save("quickstart.mitra")
print(mitra.Workspace.load("quickstart.mitra").counts() == ws.counts())  # True
