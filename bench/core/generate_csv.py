#!/usr/bin/python3
"""Writes a deterministic synthetic CSV set for the import/export scale benchmark.

The default shape is the one measured for scale work: 200,000 customers and
4.1 million transactions (about 215 MB with the interactions), plus a handful
of products, channels and communities and 300,000 interactions. Everything is
drawn from one seeded generator, so the same arguments always write the same
bytes; nothing is downloaded.

  /usr/bin/python3 bench/core/generate_csv.py OUT_DIR [--customers N]
      [--transactions N] [--interactions N] [--seed S] [--scale F]

--scale multiplies every row count (2.0 writes twice the default set).
"""
import argparse
import datetime
import os
import random

BASE = 1704067200  # 2024-01-01T00:00:00Z
YEAR = 365 * 86400
_EPOCH_ORDINAL = datetime.date(1970, 1, 1).toordinal()

CITIES = ["Jakarta", "Bandung", "Surabaya", "Medan", "Semarang", "Makassar", "Denpasar"]
SEGMENTS = ["commuter", "family", "delivery", "student", "enthusiast"]
AGE_BANDS = ["18-24", "25-34", "35-44", "45-54", "55+"]
PRODUCTS = [  # id, name, category, price, cost
    ("SC-LITE", "Mio Lite 110", "scooter", 1250.00, 640.00),
    ("SC-SPORT", "Mio Sport 125", "scooter", 1550.00, 790.00),
    ("SC-TOUR", "Mio Tour 155", "scooter", 1890.00, 1010.00),
    ("SC-E", "Mio E", "scooter", 2450.00, 1500.00),
    ("AC-HELM", "Open-face helmet", "accessory", 45.00, 18.00),
    ("AC-CSEAT", "Touring seat", "accessory", 120.00, 55.00),
    ("AC-RACK", "Rear rack", "accessory", 60.00, 22.00),
    ("SV-OIL", "Oil service", "service", 12.50, 4.00),
    ("SV-FULL", "Full service", "service", 48.00, 20.00),
    ("SP-TYRE", "Tyre", "spare", 35.00, 17.00),
]
COMMUNITIES = ["JKT", "BDG", "SBY", "MDN", "SPORT", "ECO"]
KINDS = ["visit", "post", "like", "reply", "share", "message"]


def channels():
    rows = [("PRODUCER", "Producer", "producer", "", "0.30", "350000.00", "4.00", "Indonesia")]
    for w in ("W-WEST", "W-EAST"):
        rows.append((w, "Wholesale " + w[2:].lower(), "wholesaler", "PRODUCER", "0.10",
                     "62000.00", "0.90", "Java"))
    for i, city in enumerate(CITIES):
        parent = "W-WEST" if i % 2 == 0 else "W-EAST"
        for k in (1, 2):
            rows.append(("R-%s-%d" % (city[:3].upper(), k), "%s dealer %d" % (city, k),
                         "retailer", parent, "0.18", "24000.00", "1.50", city))
    rows.append(("ONLINE", "Web shop", "direct", "PRODUCER", "0.05", "90000.00", "0.60", ""))
    return rows


_DAYS = {}


def iso(t):
    # The date part is cached per day: strftime on every row would dominate.
    days, rem = divmod(t, 86400)
    day = _DAYS.get(days)
    if day is None:
        day = _DAYS[days] = datetime.date.fromordinal(_EPOCH_ORDINAL + days).isoformat()
    return "%sT%02d:%02d:%02dZ" % (day, rem // 3600, rem // 60 % 60, rem % 60)


def write(path, header, rows):
    with open(path, "w", newline="") as f:
        f.write(header + "\n")
        buf = []
        for r in rows:
            buf.append(r)
            if len(buf) >= 65536:
                f.write("\n".join(buf) + "\n")
                buf.clear()
        if buf:
            f.write("\n".join(buf) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--customers", type=int, default=200_000)
    ap.add_argument("--transactions", type=int, default=4_100_000)
    ap.add_argument("--interactions", type=int, default=300_000)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=20261205)
    a = ap.parse_args()
    ncust = int(a.customers * a.scale)
    ntx = int(a.transactions * a.scale)
    ninter = int(a.interactions * a.scale)
    rng = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)
    width = len(str(ncust))
    cid = ["C%0*d" % (width, i + 1) for i in range(ncust)]

    write(os.path.join(a.out, "products.csv"), "id,name,category,unit_price,unit_cost",
          ("%s,%s,%s,%.2f,%.2f" % p for p in PRODUCTS))
    chans = channels()
    write(os.path.join(a.out, "channels.csv"),
          "id,name,kind,parent_id,margin,fixed_cost_per_year,cost_per_unit,territory",
          (",".join(r) for r in chans))
    write(os.path.join(a.out, "communities.csv"), "id,name,created",
          ("%s,%s community,2023-%02d-01" % (c, c, i + 1) for i, c in enumerate(COMMUNITIES)))
    write(os.path.join(a.out, "customers.csv"),
          "id,created,attributes.city,attributes.segment,attributes.age_band",
          ("%s,%s,%s,%s,%s" % (c, iso(BASE + rng.randrange(YEAR))[:10], rng.choice(CITIES),
                               rng.choice(SEGMENTS), rng.choice(AGE_BANDS)) for c in cid))

    sellers = [r[0] for r in chans if r[2] in ("retailer", "direct")]
    prices = [(p[0], p[3]) for p in PRODUCTS]
    twidth = len(str(ntx))

    def transactions():
        t = BASE
        step = max(1, 2 * YEAR // max(1, ntx))
        for i in range(ntx):
            t += rng.randrange(2 * step + 1)
            pid, price = prices[rng.randrange(len(prices))]
            q = 1 if rng.random() < 0.85 else rng.randrange(2, 5)
            yield "T%0*d,%s,%s,%.2f,%d,%s,%s" % (twidth, i + 1, cid[rng.randrange(ncust)], iso(t),
                                                price * q, q, pid, rng.choice(sellers))

    write(os.path.join(a.out, "transactions.csv"),
          "id,customer_id,time,amount,quantity,product_id,channel_id", transactions())

    def interactions():
        t = BASE
        step = max(1, 2 * YEAR // max(1, ninter))
        for _ in range(ninter):
            t += rng.randrange(2 * step + 1)
            kind = KINDS[rng.randrange(len(KINDS))]
            to = "" if kind in ("visit", "post") else cid[rng.randrange(ncust)]
            comm = rng.choice(COMMUNITIES) if rng.random() < 0.6 else ""
            weight = "%.1f" % (1 + rng.randrange(5)) if rng.random() < 0.3 else ""
            yield "%s,%s,%s,%s,%s,%s" % (cid[rng.randrange(ncust)], to, kind, iso(t), comm, weight)

    write(os.path.join(a.out, "interactions.csv"),
          "from_customer_id,to_customer_id,kind,time,community_id,weight", interactions())


if __name__ == "__main__":
    main()
