"""Numeric columns as numpy arrays."""

import numpy as np
import pytest

import mitra
from mitra import v1

from conftest import T0

U32_NONE = np.iinfo(np.uint32).max
I64_NONE = np.iinfo(np.int64).min


def test_column_names(full_ws, ws):
    names = full_ws.column_names()
    assert "transactions.customer" in names and "transactions.amount" in names
    assert all(n.split(".", 1)[0] in mitra.KINDS for n in names)
    assert len(set(names)) == len(names)


def test_dtypes_and_values(full_ws):
    customers = full_ws.ids("customers")
    products = full_ws.ids("products")
    channels = full_ws.ids("channels")

    customer = full_ws.column("transactions.customer")
    assert customer.dtype == np.uint32
    assert [customers[i] for i in customer] == ["c1", "c2", "c1"]

    time = full_ws.column("transactions.time")
    assert time.dtype == np.int64
    assert time.tolist() == [T0 + 3600, T0 + 7200, T0 + 10800]

    amount = full_ws.column("transactions.amount")
    assert amount.dtype == np.float64
    assert amount.tolist() == [40.0, 16.0, 12.5]
    assert amount.flags.owndata and amount.flags.writeable and amount.flags.c_contiguous

    product = full_ws.column("transactions.product")
    assert product[0] == products.index("p1") and product[1] == products.index("p2")
    assert product[2] == U32_NONE  # no product

    channel = full_ws.column("transactions.channel")
    assert channel[0] == channels.index("r1") and channel[1] == U32_NONE

    kind = full_ws.column("channels.kind")
    assert kind.dtype == np.uint8
    by_id = dict(zip(channels, kind.tolist()))
    assert by_id == {"r1": v1.CHANNEL_KIND_RETAILER, "w1": v1.CHANNEL_KIND_WHOLESALER,
                     "prod": v1.CHANNEL_KIND_PRODUCER}

    parent = full_ws.column("channels.parent")
    parents = {channels[i]: (None if p == U32_NONE else channels[p])
               for i, p in enumerate(parent)}
    assert parents == {"r1": "w1", "w1": "prod", "prod": None}

    created = full_ws.column("customers.created")
    assert created.tolist() == [T0, I64_NONE, T0 + 86400]

    weight = full_ws.column("interactions.weight")
    assert weight[0] == 2.0 and np.isnan(weight[1])  # absent weight reads NaN

    converted = full_ws.column("referrals.converted")
    assert converted.dtype == np.uint8 and converted.tolist() == [1, 0]


def test_every_column_reads_with_a_known_dtype(full_ws):
    counts = full_ws.counts()
    for name in full_ws.column_names():
        col = full_ws.column(name)
        assert col.dtype in (np.uint8, np.uint32, np.int64, np.float64), name
        assert col.ndim == 1
        assert len(col) == counts[name.split(".", 1)[0]], name


def test_columns_of_an_empty_workspace(ws):
    names = ws.column_names()
    assert names  # the names exist before any data
    for name in names:
        col = ws.column(name)
        assert col.shape == (0,)
        assert col.dtype in (np.uint8, np.uint32, np.int64, np.float64)
    assert ws.column("transactions.amount").dtype == np.float64


def test_columns_are_copies(full_ws):
    a = full_ws.column("transactions.amount")
    a[:] = -1
    assert full_ws.column("transactions.amount").tolist() == [40.0, 16.0, 12.5]


def test_columns_grow_with_ingestion(full_ws):
    full_ws.ingest(v1.Batch(transactions=[
        v1.Transaction(customer_id="c3", time_unix_seconds=T0, amount=7.0)]))
    assert full_ws.column("transactions.amount").tolist() == [40.0, 16.0, 12.5, 7.0]


def test_unknown_column_is_not_found(full_ws):
    with pytest.raises(mitra.NotFound, match="bogus"):
        full_ws.column("transactions.bogus")


def test_large_column(ws):
    n = 50_000
    ws.ingest(v1.Batch(customers=[v1.Customer(id="c")], transactions=[
        v1.Transaction(customer_id="c", time_unix_seconds=T0 + i, amount=i * 0.5)
        for i in range(n)]))
    amount = ws.column("transactions.amount")
    np.testing.assert_array_equal(amount, np.arange(n) * 0.5)
    np.testing.assert_array_equal(ws.column("transactions.time"), T0 + np.arange(n))
