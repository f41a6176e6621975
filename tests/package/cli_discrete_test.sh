#!/usr/bin/env bash
# `mitra value --model sbg | bgbb` on workspaces made to hold the papers'
# data (Fader & Hardie 2007's two cohorts; Fader, Hardie & Shang 2010's
# donors; data/reference/README.md): the published estimates come back
# from transactions, through the command line.
set -uo pipefail
mitra=$1 root=$2 work=$3
. "$(dirname "$(readlink -f "$0")")/expect.sh"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
# Periods of 1000 s from 10^9. Retention: the regular cohort acquired in
# period 0, the high-end one in period 1, each customer paying every period
# while active; observed to period 7. Donations: every donor's first gift
# in period 0, her x repeat gifts ending at opportunity t_x; observed to 6.
/usr/bin/python3 - "$root/data/reference" <<'PY' || bad "making the workspaces"
import csv, os, sys
ref = sys.argv[1]
def write(folder, histories):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "customers.csv"), "w") as c, \
         open(os.path.join(folder, "transactions.csv"), "w") as t:
        c.write("id\n")
        t.write("customer_id,time,amount\n")
        for i, periods in enumerate(histories):
            c.write("c%d\n" % i)
            for p in periods:
                t.write("c%d,%d,10\n" % (i, 10**9 + 1000 * p + 5))
rows = list(csv.reader(open(os.path.join(ref, "retention", "fader_hardie_2007.csv"))))[1:]
regular = [float(r[1]) for r in rows]
high = [float(r[2]) for r in rows]
h = []
for a, alive, years in ((0, regular, 8), (1, high, 7)):
    for i in range(1000):
        h.append([a + t for t in range(years) if alive[t] > i])
write("retention", h)
h = []
for r in list(csv.reader(open(os.path.join(ref, "donations", "donations.csv"))))[1:]:
    x, tx, n, w = (int(v) for v in r)
    h += [[0] + list(range(tx - x + 1, tx + 1))] * w
write("donations", h)
PY
end=$((1000000000 + 7 * 1000 + 999))
expect 0 'sBG: 2 cohorts; DERL at 0.1 a period' -- "$mitra" value retention --model sbg --period 1000 --origin 1000000000 --calibration-end $end --horizon 12 --discount-rate 0.1 --value-per-period 50 -o sbg.csv
expect 0 'residual value [0-9.e+]+; estimated' -- "$mitra" value retention --model sbg --period 1000 --origin 1000000000 --calibration-end $end --discount-rate 0.1 --value-per-period 50 -o sbg2.csv
/usr/bin/python3 - <<'PY' && ok || bad "sbg CSV: the paper's estimates and years 8-12"
import csv
rows = list(csv.DictReader(open("sbg.csv")))
assert [r["cohort"] for r in rows] == ["2001-09-09T01:46:40Z", "2001-09-09T02:03:20Z"], rows
r = rows[0]
# Fader & Hardie 2007, table 1: regular alpha 0.704, beta 1.182.
assert round(float(r["alpha"]), 3) == 0.704 and round(float(r["beta"]), 3) == 1.182, r
assert r["size"] == "1000" and r["observed_periods"] == "7" and r["active"] == "241", r
s = [float(v) for v in r["survivors"].split(";")]
actual = [223, 207, 194, 183, 173]  # years 8-12, never seen by the fit
assert len(s) == 13 and all(abs(s[8 + i] / actual[i] - 1) < 0.05 for i in range(5)), s
assert abs(float(r["residual_value"]) - 50 * float(r["residual_payments"])) < 1e-5 * float(r["residual_value"])  # 6 significant digits
PY
expect 0 'BG/BB on 11104 customers: alpha=[0-9.]+ \(se [0-9.]+\) beta=[0-9.]+ \(se [0-9.]+\) gamma=[0-9.]+ \(se [0-9.]+\) delta=[0-9.]+ \(se [0-9.]+\); log-likelihood -33225\.6,' -- "$mitra" value donations --model bgbb --period 1000 --origin 1000000000 --calibration-end $((1000000000 + 6000)) --horizon 5 -o bgbb.csv
/usr/bin/python3 - <<'PY' && ok || bad "bgbb CSV: P(alive) and Hardie's total"
import csv
rows = list(csv.DictReader(open("bgbb.csv")))
assert len(rows) == 11104 and rows[0]["customer_id"] == "c0", rows[:2]
# Table 6: no repeat in six opportunities, P(alive in 2002) 0.11.
assert rows[0]["x"] == "0" and rows[0]["n"] == "6" and abs(float(rows[0]["p_alive"]) - 0.11) < 0.005
total = sum(float(r["expected_transactions"]) for r in rows)
assert abs(total - 12884.2) < 1.5, total  # Hardie's spreadsheet, 2002-2006
PY
"$mitra" value donations --model bgbb --period 1000 --origin 1000000000 --calibration-end $((1000000000 + 6000)) --format json -o bgbb.json >/dev/null
/usr/bin/python3 - <<'PY' && ok || bad "bgbb JSON: the paper's estimates"
import json
m = json.load(open("bgbb.json"))["model"]
# Fader, Hardie & Shang 2010: 1.204, 0.750, 0.657, 2.783; LL -33,225.6.
got = [round(m[k], 3) for k in ("alpha", "beta", "gamma", "delta")]
assert got == [1.204, 0.750, 0.657, 2.783], got
assert round(m["report"]["log_likelihood"], 1) == -33225.6, m["report"]
PY
expect 2 'needs --period' -- "$mitra" value retention --model sbg --calibration-end $end
expect 1 'request.fit.discount_rate: must be finite and > 0, got -1' -- "$mitra" value retention --model sbg --period 1000 --calibration-end $end --discount-rate -1
expect 0 'mitra value \(SNAPSHOT \| DIR\) --model sbg\|bgbb' -- "$mitra" help value-discrete
expect 0 'sbg, bgbb: the discrete-time models' -- "$mitra" help value
echo "cli discrete: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
