"""Ingesting batches: success, and failures that change nothing."""

import math

import pytest

import mitra
from mitra import v1

from conftest import EXPECTED_COUNTS, T0, full_batch


def test_empty_workspace(ws):
    assert ws.counts() == dict.fromkeys(mitra.KINDS, 0)
    assert list(mitra.KINDS) == list(EXPECTED_COUNTS)
    assert ws.export() == v1.Batch()


def test_full_batch_counts(ws):
    ws.ingest(full_batch())
    assert ws.counts() == EXPECTED_COUNTS
    assert "customers=3" in repr(ws) and "referrals=2" in repr(ws)


@pytest.mark.parametrize("wrap", [bytes, bytearray, memoryview])
def test_ingest_serialized(ws, wrap):
    ws.ingest(wrap(full_batch().SerializeToString()))
    assert ws.counts() == EXPECTED_COUNTS


def test_ingest_rejects_other_types(ws):
    with pytest.raises(TypeError):
        ws.ingest(v1.Customer(id="c1"))
    with pytest.raises(TypeError):
        ws.ingest("customers")


def test_export_holds_every_record(full_ws):
    # Every record, in the order given (dense index order), a child channel
    # still before its parent.
    assert full_ws.export() == full_batch()


def test_ids(full_ws):
    assert full_ws.ids("customers") == ["c1", "c2", "c3"]
    assert full_ws.ids("products") == ["p1", "p2"]
    assert sorted(full_ws.ids("channels")) == ["prod", "r1", "w1"]
    assert full_ws.ids(b"communities") == ["club", "chat"]
    with pytest.raises(mitra.InvalidArgument, match="bogus"):
        full_ws.ids("bogus")


def _serialized_with_long_tail():
    return v1.Batch(customers=[v1.Customer(id="c9", attributes={"note": "x" * 200})],
                    transactions=[v1.Transaction(customer_id="c9", time_unix_seconds=T0,
                                                 amount=1.0)]).SerializeToString()


@pytest.mark.parametrize("data", [
    b"\xff\xff\xff\xff",                      # an invalid tag
    b"\x0a\x05ab",                            # a length past the end
    _serialized_with_long_tail()[:-7],        # a valid message, truncated
    _serialized_with_long_tail()[:40],
], ids=["garbage", "short-length", "truncated-tail", "truncated-half"])
def test_malformed_batch_is_invalid_argument_and_changes_nothing(full_ws, data):
    before = full_ws.export()
    with pytest.raises(mitra.InvalidArgument) as info:
        full_ws.ingest(data)
    assert "mitra.v1.Batch" in str(info.value)
    assert full_ws.counts() == EXPECTED_COUNTS
    assert full_ws.export() == before


def test_unknown_customer_is_not_found_and_changes_nothing(full_ws):
    before = full_ws.export()
    bad = v1.Batch(
        customers=[v1.Customer(id="new1"), v1.Customer(id="new2")],
        transactions=[v1.Transaction(customer_id="ghost", time_unix_seconds=T0, amount=5.0)])
    with pytest.raises(mitra.NotFound) as info:
        full_ws.ingest(bad)
    message = str(info.value)
    assert "transactions[0].customer_id" in message and "ghost" in message
    assert info.value.status == "NOT_FOUND"
    assert full_ws.counts() == EXPECTED_COUNTS  # no new customers either
    assert full_ws.export() == before
    assert "new1" not in full_ws.ids("customers")


def test_unknown_reference_on_an_empty_workspace(ws):
    bad = v1.Batch(customers=[v1.Customer(id="c1")],
                   memberships=[v1.Membership(customer_id="c1", community_id="nowhere",
                                              joined_unix_seconds=T0)])
    with pytest.raises(mitra.NotFound, match=r"memberships\[0\]\.community_id"):
        ws.ingest(bad)
    assert ws.counts() == dict.fromkeys(mitra.KINDS, 0)


@pytest.mark.parametrize("amount", [math.nan, math.inf, -1.0])
def test_bad_amount_is_invalid_argument(full_ws, amount):
    bad = v1.Batch(transactions=[
        v1.Transaction(customer_id="c1", time_unix_seconds=T0, amount=1.0),
        v1.Transaction(customer_id="c1", time_unix_seconds=T0, amount=amount)])
    with pytest.raises(mitra.InvalidArgument) as info:
        full_ws.ingest(bad)
    assert "transactions[1].amount" in str(info.value)
    assert full_ws.counts() == EXPECTED_COUNTS


def test_duplicate_id_in_workspace_is_already_exists(full_ws):
    with pytest.raises(mitra.AlreadyExists, match=r'customers\[1\]\.id.*"c2"'):
        full_ws.ingest(v1.Batch(customers=[v1.Customer(id="c9"), v1.Customer(id="c2")]))
    assert full_ws.counts() == EXPECTED_COUNTS


def test_duplicate_id_within_a_batch_is_already_exists(ws):
    with pytest.raises(mitra.AlreadyExists):
        ws.ingest(v1.Batch(products=[v1.Product(id="p"), v1.Product(id="p")]))
    assert ws.counts()["products"] == 0


def test_duplicate_order_id_is_already_exists(full_ws):
    with pytest.raises(mitra.AlreadyExists, match="o1"):
        full_ws.ingest(v1.Batch(transactions=[
            v1.Transaction(id="o1", customer_id="c1", time_unix_seconds=T0, amount=1.0)]))
    assert full_ws.counts() == EXPECTED_COUNTS


def test_unspecified_channel_kind_is_invalid_argument(ws):
    with pytest.raises(mitra.InvalidArgument, match=r"channels\[0\]\.kind"):
        ws.ingest(v1.Batch(channels=[v1.Channel(id="x")]))


def test_batches_accumulate(ws):
    ws.ingest(v1.Batch(customers=[v1.Customer(id="a")]))
    ws.ingest(v1.Batch(customers=[v1.Customer(id="b")],
                       transactions=[v1.Transaction(customer_id="a", time_unix_seconds=T0,
                                                    amount=2.0)]))
    assert ws.ids("customers") == ["a", "b"]
    assert ws.counts()["transactions"] == 1


def test_campaigns_count_and_list_their_ids(full_ws):
    assert full_ws.ids("campaigns") == ["push"]
    assert full_ws.counts()["campaign_members"] == 1
    assert "campaigns=1" in repr(full_ws)
