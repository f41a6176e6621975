"""RFM across partitions on a real distributed cluster (two worker
processes): mitra.dask.rfm against mitra.value.rfm of every CDNOW customer
in one process, for 1, 3 and 7 partitions, with the default and a custom
segment table; the reference population of mitra.value.rfm against brute
force; bad input named.

dask, distributed and pandas are required: a missing one fails the module
(the CI installs them; scripts/debian-packages.txt)."""

import numpy as np
import pytest

import mitra
import mitra.dask as md
import mitra.value as mv

from conftest import dask_compute as compute
from test_dask import frame  # noqa: F401  (CDNOW as a pandas frame)
from test_value import CAL_END, cdnow  # noqa: F401  (the CDNOW fixture)

# bins 4 with a table of its own: monetary restricted in one rule, the last
# rule shadowed by an earlier one (first match wins), and (R 1, F 4, M < 4)
# matched by none.
CUSTOM = [("big_spender", 1, 4, 1, 4, 4, 4), ("recent", 3, 4, 1, 4),
          ("lapsed", 1, 2, 1, 3), ("never", 1, 1, 1, 1)]


@pytest.fixture(scope="module")
def summaries(cdnow):
    return mv.summarize(cdnow, CAL_END, period="day", unit="week")


def single(s, **options):
    return mv.rfm(s.recency_age, s.frequency, s.monetary_value, **options)


@pytest.mark.parametrize("n", [1, 3, 7])
@pytest.mark.parametrize("options", [{}, {"bins": 4, "segments": CUSTOM}],
                         ids=["default", "custom"])
def test_rfm_equals_the_single_process_on_every_customer(dask_client, frame, summaries, n,
                                                         options):
    want = single(summaries, **options)
    got = compute(dask_client, md.rfm(frame,
                                      calibration_end=CAL_END, npartitions=n,
                                      split_every=2, **options))
    assert len(got) == len(summaries) == 2357
    assert got["customer_id"].is_unique
    assert list(got.columns) == ["customer_id", "recency_age", "frequency", "monetary_value",
                                 "r", "f", "m", "segment"]
    got = got.set_index("customer_id").loc[[int(c) for c in summaries.customer_id]]
    np.testing.assert_array_equal(got["recency_age"].to_numpy(), summaries.recency_age)
    for name in ("r", "f", "m"):
        np.testing.assert_array_equal(got[name].to_numpy(), want[name], err_msg=name)
    assert got["segment"].tolist() == want["segment"]
    # The scores use the whole range and the segments more than one rule,
    # so equality is not that of constants.
    assert set(got["r"]) == set(range(1, options.get("bins", 5) + 1))
    assert len(set(want["segment"])) >= 4
    if options:
        assert None in want["segment"] and "never" not in want["segment"]


def test_partitions_alone_score_differently(summaries):
    """Without the merged reference a partition's own quantiles are not the
    population's (what the reference is for)."""
    parts = md.partition_of(np.asarray(summaries.customer_id, np.int64), 7)
    s = summaries
    mine = parts == 0
    alone = mv.rfm(s.recency_age[mine], s.frequency[mine], s.monetary_value[mine])
    whole = single(s)
    assert any(not np.array_equal(alone[k], whole[k][mine]) for k in ("r", "f", "m"))
    ref = mv.rfm_reference(s.recency_age, s.frequency, s.monetary_value)
    against = mv.rfm(s.recency_age[mine], s.frequency[mine], s.monetary_value[mine],
                     reference=ref)
    for k in ("r", "f", "m"):
        np.testing.assert_array_equal(against[k], whole[k][mine])


def test_reference_against_brute_force():
    rng = np.random.default_rng(5)
    age, freq, mon = (rng.integers(0, k, 400).astype(float) for k in (30, 6, 200))
    parts = [mv.rfm_reference(age[i::3], freq[i::3], mon[i::3]) for i in range(3)]
    ref = mv.merge_rfm_references(parts)
    for name, column in zip(mv.RFM_DIMENSIONS, (age, freq, mon)):
        values, counts = ref[name]
        assert counts.sum() == 400
        for v, c in zip(values, counts):
            assert c == np.count_nonzero(column == v)
    sub = slice(0, 400, 7)
    got = mv.rfm(age[sub], freq[sub], mon[sub], reference=ref)
    for k, column, higher in (("r", age, False), ("f", freq, True), ("m", mon, True)):
        below = [np.count_nonzero(column < v) if higher else np.count_nonzero(column > v)
                 for v in column[sub]]
        np.testing.assert_array_equal(got[k], 1 + 5 * np.array(below) // 400)


def test_bad_reference_is_named():
    ref = mv.rfm_reference([1.0, 2.0], [1.0, 1.0], [3.0, 4.0])
    with pytest.raises(mitra.InvalidArgument, match=r"reference\.monetary_value: missing"):
        mv.rfm([1], [1], [1], reference={k: ref[k] for k in ("recency_age", "frequency")})
    bad = dict(ref, frequency=([2.0, 1.0], [1, 1]))
    with pytest.raises(mitra.InvalidArgument,
                       match=r"RfmRequest\.reference\.frequency\.values\[1\]: 1 after 2"):
        mv.rfm([1], [1], [1], reference=bad)
    bad = dict(ref, recency_age=([1.0, 1.0], [1, 1]))
    with pytest.raises(mitra.InvalidArgument, match=r"recency_age\.values\[1\].*duplicate"):
        mv.rfm([1], [1], [1], reference=bad)
    bad = dict(ref, monetary_value=([1.0, np.nan], [1, 1]))
    with pytest.raises(mitra.InvalidArgument,
                       match=r"monetary_value\.values\[1\]: nan is not finite"):
        mv.rfm([1], [1], [1], reference=bad)
    bad = dict(ref, frequency=([1.0, 2.0], [1, -2]))
    with pytest.raises(mitra.InvalidArgument,
                       match=r"reference\.frequency\.counts\[1\]: must be > 0, got -2"):
        mv.rfm([1], [1], [1], reference=bad)
    bad = dict(ref, frequency=([1.0, 2.0], [1]))
    with pytest.raises(mitra.InvalidArgument,
                       match=r"frequency\.counts: 1 counts, but values has 2"):
        mv.rfm([1], [1], [1], reference=bad)
    with pytest.raises(mitra.InvalidArgument, match=r"monetary_value\[0\]: nan is not finite"):
        mv.rfm_reference([1.0], [1.0], [np.nan])


def test_bad_options_are_named_on_the_client(frame):
    with pytest.raises(mitra.InvalidArgument, match=r"RfmRequest\.segments: the default table "
                                                    r"is for 5 bins"):
        md.rfm(frame, calibration_end=CAL_END, bins=4)
    with pytest.raises(mitra.InvalidArgument, match=r"RfmRequest\.bins: must be 2\.\.10"):
        md.rfm(frame, calibration_end=CAL_END, bins=11, segments=CUSTOM)
    with pytest.raises(mitra.InvalidArgument, match="split_every"):
        md.rfm(frame, calibration_end=CAL_END, split_every=1)
    with pytest.raises(mitra.InvalidArgument, match="customer_id"):
        md.rfm(frame.drop(columns="customer_id"), calibration_end=CAL_END)
