"""`mitra value --covariates`: covariates from customer attributes through
the CLI. Customers are simulated from BG/NBD with planted coefficients (the
purchase rate moves with attribute "income", the dropout process with
"tenure"); the printed coefficients must lie within 3 standard errors of
them, the likelihood-ratio test must reject "no effect", and missing or
non-numeric attributes and bad flags must exit 1 naming the customer, the
key or the flag, writing no table.

usage: cli_covariates_test.py MITRA WORK_DIR"""
import datetime
import math
import pathlib
import random
import re
import shutil
import subprocess
import sys

mitra, work = sys.argv[1], pathlib.Path(sys.argv[2])
shutil.rmtree(work, ignore_errors=True)
END = datetime.datetime(2025, 6, 30, tzinfo=datetime.timezone.utc)
WEEK = 7 * 86400
G_INCOME, G_TENURE = 0.6, 0.5  # planted


def simulate(n, seed):
    """(customer rows, transaction rows) of n BG/NBD customers."""
    rng = random.Random(seed)
    customers, tx = [], []
    for i in range(n):
        income, tenure = rng.gauss(0, 1), float(rng.random() < 0.5)
        lam = rng.gammavariate(0.8, 1.0) / (4.0 * math.exp(-G_INCOME * income))
        scale = math.exp(G_TENURE * tenure)
        drop = rng.betavariate(0.8 * scale, 2.4 * scale)
        T = 39 - rng.randrange(12)
        cid = "K%05d" % i
        customers.append((cid, repr(income), repr(tenure)))
        birth = END.timestamp() - T * WEEK
        t = 0.0
        times = [0.0]
        while True:
            t += rng.expovariate(lam)
            if t > T - 1e-4:
                break
            times.append(t)
            if rng.random() < drop:
                break
        for k, s in enumerate(times):
            when = datetime.datetime.fromtimestamp(round(birth + s * WEEK), datetime.timezone.utc)
            tx.append(("%s-%d" % (cid, k), cid, when.strftime("%Y-%m-%dT%H:%M:%SZ")))
    return customers, tx


def write(d, customers, tx):
    d.mkdir(parents=True)
    with open(d / "customers.csv", "w") as f:
        f.write("id,attributes.income,attributes.tenure\n")
        for c in customers:
            f.write("%s,%s,%s\n" % c)
    # Amounts as Gamma-Gamma describes them (CDNOW's p, q, gamma), for the
    # spend model that CLV and its interval need.
    spend, nu = random.Random(5), {}
    with open(d / "transactions.csv", "w") as f:
        f.write("id,customer_id,time,amount\n")
        for t in tx:
            if t[1] not in nu:
                nu[t[1]] = spend.gammavariate(3.74, 1 / 15.44)
            f.write("%s,%s,%s,%.4f\n" % (t + (spend.gammavariate(6.25, 1 / nu[t[1]]),)))


def run(d, *flags):
    out = d / "v.csv"
    r = subprocess.run([mitra, "value", str(d), "--calibration-end", "2025-06-30", "--period", "1",
                        "-o", str(out), *flags], capture_output=True, text=True, timeout=300)
    return r, out


failures = []


def check(name, ok, detail=""):
    if not ok:
        failures.append("%s: %s" % (name, detail))


customers, tx = simulate(2000, 3)
good = work / "good"
write(good, customers, tx)
r, out = run(good, "--covariates", "purchase=income", "--covariates", "dropout=tenure")
check("exit", r.returncode == 0, r.stderr)
for process, key, truth in (("purchase", "income", G_INCOME), ("dropout", "tenure", G_TENURE)):
    m = re.search(r"%s covariate %s: coefficient (\S+) \(se (\S+)\)" % (process, key), r.stdout)
    check(key, m is not None, r.stdout)
    if m:
        c, se = float(m.group(1)), float(m.group(2))
        check(key + " recovered", abs(c - truth) < 3 * se, "%g (se %g), planted %g" % (c, se, truth))
m = re.search(r"likelihood-ratio test against the model without covariates: statistic (\S+) on "
              r"2 degrees of freedom, p-value (\S+)", r.stdout)
check("likelihood ratio", m is not None and float(m.group(2)) < 1e-6, r.stdout)
check("table", out.exists() and len(out.read_text().splitlines()) == 2001)

# Intervals and tracking with covariates: the CLV total inside its printed
# interval, the realised purchases' interval, and the tracking series,
# whose last period (ending at the calibration end, 39 weeks after the
# origin) expects about as many repeat purchases as the customers made.
origin = (END - datetime.timedelta(weeks=39)).strftime("%Y-%m-%d")
r, out = run(good, "--covariates", "purchase=income", "--covariates", "dropout=tenure",
             "--interval", "0.9", "--draws", "30", "--tracking", "39", "--origin", origin)
check("intervals exit", r.returncode == 0, r.stderr)
m = re.search(r"total CLV ([\d.,]+); estimated \(90% interval ([\d.,]+) to ([\d.,]+)\)", r.stdout)
check("CLV interval", m is not None, r.stdout)
if m:
    total, low, high = (float(g.replace(",", "")) for g in m.groups())
    check("CLV inside", low < total < high, m.group(0))
check("realised purchases", "realised purchases over the horizon: 90% prediction interval"
      in r.stdout, r.stdout)
check("tracking", "tracking (cumulative repeat purchases" in r.stdout, r.stdout)
m = re.search(r"^\s*39\s+\S+\s+(\S+)\s+(\S+)", r.stdout, re.M)
check("tracking row", m is not None, r.stdout)
if m:
    actual, expected = float(m.group(1)), float(m.group(2))
    check("tracking fit", abs(expected - actual) < 0.05 * actual, m.group(0))

# Bad input: exit 1, the problem named on stderr, no table written.
bad_cases = [
    ("missing", [(customers[0][0], "", "1.0")] + customers[1:],
     ["--covariates", "purchase=income"],
     'customer "K00000" has no attribute "income"'),
    ("words", customers[:5] + [(customers[5][0], "high", "1.0")] + customers[6:],
     ["--covariates", "purchase=income,tenure"],
     'customer "K00005" has attribute "income" = "high", not a finite number'),
    ("unknown key", customers, ["--covariates", "dropout=age"],
     'SummaryRequest.dropout_covariate_attributes[0]: customer "K00000" has no attribute "age"'),
    ("process", customers, ["--covariates", "spend=income"],
     "--covariates needs purchase=KEY[,KEY...] or dropout=KEY[,KEY...]"),
    ("no keys", customers, ["--covariates", "purchase="],
     "--covariates needs purchase=KEY"),
    ("penalty", customers, ["--covariates", "purchase=income", "--covariate-penalty", "-1"],
     "--covariate-penalty needs a number >= 0"),
]
for name, rows, flags, message in bad_cases:
    d = work / name.replace(" ", "_")
    write(d, rows, tx)  # an empty cell ("missing") is no attribute
    r, out = run(d, *flags)
    check(name + " exit", r.returncode in (1, 2), "exit %d: %s" % (r.returncode, r.stderr))
    check(name + " message", message in r.stderr, r.stderr)
    check(name + " no table", not out.exists())

if failures:
    print("\n".join("FAILED " + f for f in failures))
    sys.exit(1)
print("cli covariates: all checks passed")
