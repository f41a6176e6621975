#!/usr/bin/env python3
"""Generate mitra's bundled sample data set: "Mio", a scooter brand in Indonesia.

Run from the repository root (standard library only, Python >= 3.9):

    /usr/bin/python3 scripts/generate_sample_data.py --seed 20261122 --out data/sample

The output is deterministic: the same seed gives byte-identical files (every
random draw comes from a `random.Random` seeded from the seed and a fixed
stream name, records are emitted in a fixed order, numbers are formatted with
fixed precision, line ends are LF).  After writing, the script re-reads the
files and checks them (`--check` alone checks an existing directory without
writing anything).  The CSV layout follows docs/CSV.md; the field rules follow
proto/mitra/v1/*.proto.

The story
=========
Mio sells scooters through a classic distribution chain - one producer, three
wholesalers, eight agents (one per city) and 24 retailers (one per city
district) - plus its own online store (`direct`) and a community-activist
channel (owners' club activists who sell to people they bring in).  The CRM
went live on 2024-01-01; the data covers 2024-01-01 .. 2025-12-31 UTC.

* About 5,000 customers in eight cities.  Each one's first purchase is a
  scooter (one of four models, chosen by segment; the electric "Mio E" only
  from 2025-11-01).  Acquisitions grow over the two years, with a bump in the
  four weeks before Lebaran (Eid) each year.  `created` is the first contact:
  a few days before the first purchase, or the referral time for customers
  who were referred.
* Repeat purchases (service, parts, accessories, rarely a second scooter)
  follow a BG/NBD ("buy till you die") process, exactly:
    - each customer's purchase rate lambda ~ Gamma(shape r, rate alpha), per
      week, and dropout probability p ~ Beta(a, b);
    - after the first purchase the customer is alive; while alive, the time to
      the next purchase is Exponential(lambda); after each *repeat* purchase
      the customer drops out with probability p (Fader, Hardie & Lee 2005);
    - observation ends at 2026-01-01T00:00:00Z.
  The true r, alpha, a, b are in planted.json.  Repeat times are snapped to
  shop hours of the same day (a shift of a few hours at most).  Amounts are
  list price x quantity with a little noise (discounts, labour), so monetary
  value is product-driven (no planted Gamma-Gamma parameters).
* channel_id of a purchase: the customer's home retailer for most purchases,
  sometimes the city's agent, the online store (`DIRECT`) for some scooters
  and accessories, and the community-activist channel (`ACTIVIST`) for many
  first purchases of customers referred by an informal leader.
* Eight owners' communities (six city clubs, two model clubs).  Customers
  join after buying their scooter; about half are members, some of two;
  some leave.  Formal officers (role organizer/moderator) exist, but they are
  NOT the informal leaders.
* Interactions inside communities are heavy-tailed: activity ~ Pareto, and
  targets are drawn by preferential attachment (a Polya urn: each receipt
  adds a copy of the target).  Replies, mentions, shares and messages draw
  from a "volume" urn; likes and endorsements from a "trust" urn; flags mostly
  hit the decoys.  Each converted referral also appears as one interaction of
  kind `referral` with no community.

Planted signals (ground truth in planted.json)
==============================================
1. Informal leaders: 2-3 per community (20 in all).  Early members with long
   tenure who never leave, who send far more replies, mentions and
   endorsements (activity x ~20 a typical member) and receive far more
   (60 initial copies in both urns against 1 for a typical member), who are
   almost never flagged (a flag drawn for them is redrawn 97 % of the time),
   and who make most of the referrals (converted ones often buy through the
   ACTIVIST channel).  Their role is `member`: informal, not officers.
2. Bridge leaders: 4 customers who are leaders in two communities each
   (e.g. a Jakarta club and the national Sport model club), active in both.
3. Decoys ("loud but untrusted"): 3 members who post and reply far more than
   anyone, receive many replies and mentions (volume urn copies 40), but get
   few likes or endorsements (1 trust-urn copy) and most of their community's
   flags.  Ranking by volume alone puts them near the top; trust separates
   them from the leaders.
4. Collaborators: 10 early, loyal (>= 3 repeat purchases, alive at the end)
   community members who answer both co-creation programs, make converted
   referrals and are more active than typical members: the top rung of a
   relationship ladder (transactional -> relationship -> collaborative).
5. Weak attribute: in program ADV-2025 (the Mio E trial panel) `charging`
   is rated clearly worse (true mean 2.2 of 5) than comfort, range, price and
   design (3.3 .. 4.1).
6. Channel conflict: retailers R-BDG-1 and R-BDG-2 share the territory
   "Bandung/Dago"; customers of that district buy from either one at random,
   so the two share hundreds of customers.  Elsewhere a customer sticks to one
   home retailer (2 % of repeat purchases go to another retailer of the city).
7. Influence cascades (generate_cascades): 240 club gear drops (category
   `gear`) spread over the interaction graph's arcs with a planted p per arc
   (Beta with a mean per interaction kind), plus spontaneous buying; the
   cascades go on with the same p after the holdout split (2025-08-01).
   Every arc's p is in planted_influence.csv.
8. Past campaigns (generate_campaigns, CAMPAIGNS): three chain campaigns
   (retailer bonuses) and three community campaigns (leader activations),
   with exact extra sales per treated unit and week from a saturating curve
   per route, written to campaigns.csv and campaign_members.csv; `--check`
   re-estimates each effect by its own difference in differences.
9. Referrals (generate_referrals): converted referrals per customer from a
   BG/NBD count process, and a planted 30 % of converted referrals whose
   referee was already buying ("joined anyway").
The BG/NBD truth (of the repeat purchases) holds for the base transactions:
the gear drops and the campaigns' extra sales are purchases on top.
"""

import argparse
import bisect
import csv
import heapq
import datetime as _dt
import json
import math
import os
import random
import sys

SEED_DEFAULT = 20261122
SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(SCRIPT_DIR)
OUT_DEFAULT = os.path.join(REPO_ROOT, "data", "sample")

DAY = 86400
WEEK = 7 * DAY


def ts(y, m, d, hh=0, mm=0, ss=0):
    """UTC seconds since 1970 of a civil date-time."""
    return int(_dt.datetime(y, m, d, hh, mm, ss, tzinfo=_dt.timezone.utc).timestamp())


def ts_date(s):
    y, m, d = (int(x) for x in s.split("-"))
    return ts(y, m, d)


START = ts(2024, 1, 1)
END = ts(2026, 1, 1)  # exclusive: the last second in the data is 2025-12-31T23:59:59Z

# The true BG/NBD population parameters (time unit: week).
BGNBD = {"r": 0.5, "alpha": 4.5, "a": 0.85, "b": 5.0}
N_CUSTOMERS = 5000
N_COMMUNITY_INTERACTIONS = 59600  # targeted total inside communities

# --------------------------------------------------------------------------
# The world: cities, channels, products, communities
# --------------------------------------------------------------------------

# city, share of customers, wholesaler, agent, [(retailer id, territory, weight)]
CITIES = [
    ("Jakarta", 0.24, "W-WEST", "A-JKT",
     [("R-JKT-1", "Jakarta/Selatan", 3), ("R-JKT-2", "Jakarta/Timur", 3),
      ("R-JKT-3", "Jakarta/Barat", 2), ("R-JKT-4", "Jakarta/Utara", 2),
      ("R-JKT-5", "Jakarta/Pusat", 2)]),
    ("Bandung", 0.16, "W-WEST", "A-BDG",
     [("R-BDG-1", "Bandung/Dago", 3), ("R-BDG-2", "Bandung/Dago", 3),
      ("R-BDG-3", "Bandung/Cimahi", 2), ("R-BDG-4", "Bandung/Buahbatu", 2)]),
    ("Medan", 0.10, "W-WEST", "A-MDN",
     [("R-MDN-1", "Medan/Kota", 3), ("R-MDN-2", "Medan/Deli", 2)]),
    ("Semarang", 0.09, "W-CENTRAL", "A-SMG",
     [("R-SMG-1", "Semarang/Tengah", 3), ("R-SMG-2", "Semarang/Banyumanik", 2)]),
    ("Yogyakarta", 0.10, "W-CENTRAL", "A-YOG",
     [("R-YOG-1", "Yogyakarta/Kota", 3), ("R-YOG-2", "Yogyakarta/Sleman", 2),
      ("R-YOG-3", "Yogyakarta/Bantul", 1)]),
    ("Surabaya", 0.16, "W-EAST", "A-SBY",
     [("R-SBY-1", "Surabaya/Gubeng", 3), ("R-SBY-2", "Surabaya/Rungkut", 2),
      ("R-SBY-3", "Surabaya/Wonokromo", 2)]),
    ("Denpasar", 0.08, "W-EAST", "A-DPS",
     [("R-DPS-1", "Denpasar/Kuta", 2), ("R-DPS-2", "Denpasar/Sanur", 2),
      ("R-DPS-3", "Denpasar/Renon", 1)]),
    ("Makassar", 0.07, "W-EAST", "A-MKS",
     [("R-MKS-1", "Makassar/Panakkukang", 3), ("R-MKS-2", "Makassar/Tamalanrea", 2)]),
]
CONFLICT_RETAILERS = ("R-BDG-1", "R-BDG-2")
CONFLICT_TERRITORY = "Bandung/Dago"

# Costs are sized to this sample's volume (about 4.3 million a year at list prices).
WHOLESALERS = [
    ("W-WEST", "Sumber Motor Barat (wholesale)", "Java West & Sumatra", 0.10, 62000.0, 0.90),
    ("W-CENTRAL", "Mitra Jaya Tengah (wholesale)", "Central Java", 0.09, 41000.0, 0.80),
    ("W-EAST", "Nusantara Timur Distribusi (wholesale)", "East Java, Bali & Sulawesi", 0.11,
     52000.0, 1.00),
]

SEGMENTS = [("commuter", 0.38), ("student", 0.18), ("family", 0.18),
            ("delivery_rider", 0.14), ("hobbyist", 0.12)]
AGE_BANDS = [("17-24", 0.28), ("25-34", 0.34), ("35-44", 0.20), ("45-54", 0.12), ("55+", 0.06)]

# id, name, category, unit_price, unit_cost, engine, on sale from (None = always)
PRODUCTS = [
    ("SC-LITE", "Mio Lite 110", "scooter", 1250.0, 640.0, "110cc", None),
    ("SC-SPORT", "Mio Sport 125", "scooter", 1550.0, 790.0, "125cc", None),
    ("SC-TOUR", "Mio Touring 125", "scooter", 1890.0, 960.0, "125cc", None),
    ("SC-PREM", "Mio Premium 155", "scooter", 2450.0, 1240.0, "155cc", None),
    ("SC-E", "Mio E electric", "scooter", 2300.0, 1420.0, "electric", "2025-11-01"),
    ("SV-OIL", "Oil change", "service", 8.0, 3.5, "", None),
    ("SV-BASIC", "Periodic service", "service", 25.0, 10.0, "", None),
    ("SV-FULL", "Full service and tune-up", "service", 60.0, 26.0, "", None),
    ("PT-PLUG", "Spark plug", "part", 5.0, 2.2, "", None),
    ("PT-FILTER", "Air filter", "part", 9.0, 4.0, "", None),
    ("PT-BRAKE", "Brake pads", "part", 18.0, 8.5, "", None),
    ("PT-BELT", "V-belt", "part", 30.0, 14.0, "", None),
    ("PT-TYRE", "Tubeless tyre", "part", 45.0, 22.0, "", None),
    ("PT-BATT", "Battery", "part", 60.0, 29.0, "", None),
    ("AC-RAIN", "Rain cover", "accessory", 10.0, 4.0, "", None),
    ("AC-PHONE", "Phone holder", "accessory", 12.0, 5.0, "", None),
    ("AC-SEAT", "Seat cover", "accessory", 15.0, 6.5, "", None),
    ("AC-LED", "LED lamp kit", "accessory", 20.0, 8.0, "", None),
    ("AC-WIND", "Windshield", "accessory", 35.0, 15.0, "", None),
    ("AC-HELM", "Helmet", "accessory", 40.0, 18.0, "", None),
    ("AC-BOX", "Top box", "accessory", 75.0, 34.0, "", None),
    ("AC-CSEAT", "Comfort touring seat", "accessory", 95.0, 41.0, "", "2024-11-01"),
    ("AC-BODY", "Body kit", "accessory", 180.0, 82.0, "", None),
]
SCOOTERS_BY_SEGMENT = {
    "student": [("SC-LITE", 55), ("SC-SPORT", 35), ("SC-TOUR", 5), ("SC-PREM", 5)],
    "commuter": [("SC-LITE", 30), ("SC-SPORT", 35), ("SC-TOUR", 20), ("SC-PREM", 15)],
    "family": [("SC-LITE", 25), ("SC-SPORT", 15), ("SC-TOUR", 40), ("SC-PREM", 20)],
    "delivery_rider": [("SC-LITE", 50), ("SC-SPORT", 20), ("SC-TOUR", 25), ("SC-PREM", 5)],
    "hobbyist": [("SC-LITE", 5), ("SC-SPORT", 45), ("SC-TOUR", 15), ("SC-PREM", 35)],
}
# Repeat purchases: category weights by segment, then product weights.
REPEAT_CATEGORY = {
    "student": [("service", 40), ("part", 28), ("accessory", 32)],
    "commuter": [("service", 46), ("part", 30), ("accessory", 24)],
    "family": [("service", 48), ("part", 30), ("accessory", 22)],
    "delivery_rider": [("service", 52), ("part", 38), ("accessory", 10)],
    "hobbyist": [("service", 30), ("part", 25), ("accessory", 45)],
}
REPEAT_PRODUCTS = {
    "service": [("SV-OIL", 50), ("SV-BASIC", 38), ("SV-FULL", 12)],
    "part": [("PT-PLUG", 20), ("PT-FILTER", 20), ("PT-BRAKE", 22), ("PT-BELT", 12),
             ("PT-TYRE", 18), ("PT-BATT", 8)],
    "accessory": [("AC-RAIN", 14), ("AC-PHONE", 16), ("AC-SEAT", 14), ("AC-LED", 12),
                  ("AC-WIND", 10), ("AC-HELM", 16), ("AC-BOX", 9), ("AC-CSEAT", 5),
                  ("AC-BODY", 4)],
}
SECOND_SCOOTER_PROB = 0.008

# id, name, created, attributes (city, type, model, platform)
COMMUNITIES = [
    ("JKT", "Mio Owners Jakarta", "2023-03-12",
     {"city": "Jakarta", "type": "city", "platform": "whatsapp"}),
    ("BDG", "Mio Bandung Riders", "2023-08-20",
     {"city": "Bandung", "type": "city", "platform": "facebook"}),
    ("SBY", "Mio Club Surabaya", "2024-01-20",
     {"city": "Surabaya", "type": "city", "platform": "whatsapp"}),
    ("YOG", "Jogja Mio Community", "2024-02-10",
     {"city": "Yogyakarta", "type": "city", "platform": "forum"}),
    ("MDN", "Mio Medan Bikers", "2024-05-04",
     {"city": "Medan", "type": "city", "platform": "whatsapp"}),
    ("DPS", "Bali Mio Touring", "2024-09-01",
     {"city": "Denpasar", "type": "city", "platform": "instagram"}),
    ("SPORT", "Mio Sport Riders Indonesia", "2023-11-05",
     {"type": "model", "model": "SC-SPORT", "platform": "forum"}),
    ("TOUR", "Mio Touring Club", "2024-03-15",
     {"type": "model", "model": "SC-TOUR", "platform": "whatsapp"}),
]
CITY_COMMUNITY = {"Jakarta": "JKT", "Bandung": "BDG", "Surabaya": "SBY",
                  "Yogyakarta": "YOG", "Medan": "MDN", "Denpasar": "DPS"}
MODEL_COMMUNITY = {"SC-SPORT": "SPORT", "SC-TOUR": "TOUR"}
CITY_JOIN_PROB = 0.50
MODEL_JOIN_PROB = 0.20
LEAVE_PROB = 0.16
LEADERS_PER_COMMUNITY = {"JKT": 3, "BDG": 3, "SBY": 3, "SPORT": 3,
                         "YOG": 2, "MDN": 2, "DPS": 2, "TOUR": 2}
# (home community, second community, scooter model preferred for the choice)
BRIDGES = [("JKT", "SPORT", "SC-SPORT"), ("BDG", "SPORT", "SC-SPORT"),
           ("SBY", "TOUR", "SC-TOUR"), ("YOG", "DPS", None)]
DECOY_COMMUNITIES = ["JKT", "SBY", "SPORT"]
N_COLLABORATORS = 10

# Converted referrals per customer: BG/NBD per week from the first purchase
# (generate_referrals), and the planted share of referees who were already
# buying before the referral ("joined anyway").
REFERRAL_BGNBD = {"r": 0.02, "alpha": 10.0, "a": 1.0, "b": 12.0}
JOINED_ANYWAY = 0.3

# Default kind weights of the interaction graph (graph/interaction_graph.h)
# and the kind numbers of mitra.v1.InteractionKind.
INTERACTION_KIND_WEIGHTS = {"reply": 1.0, "mention": 1.0, "like": 0.5, "endorsement": 3.0,
                            "referral": 2.0, "share": 1.0, "message": 1.0}
KIND_NUMBER = {"reply": 1, "mention": 2, "like": 3, "endorsement": 4, "referral": 5,
               "visit": 6, "post": 7, "share": 8, "message": 9, "flag": 10}
# Club gear cascades (generate_cascades): the learning action is purchases of
# product_line GEAR_CATEGORY; tau = GEAR_TAU; the holdout split GEAR_SPLIT.
GEAR_CATEGORY = "gear"
GEAR_ITEMS = 240
GEAR_FIRST_LAUNCH = ts(2024, 3, 4)
GEAR_LAST_LAUNCH = ts(2025, 12, 1)
GEAR_TAU = 7 * DAY
GEAR_SPLIT = ts(2025, 8, 1)
GEAR_P_MEAN = {"like": 0.01, "mention": 0.015, "reply": 0.02, "share": 0.03, "message": 0.035,
               "endorsement": 0.055, "referral": 0.09}
GEAR_CONCENTRATION = 20.0
GEAR_Q0, GEAR_Q1, GEAR_Q_MAX = 0.0008, 0.0005, 0.55

# Past campaigns (generate_campaigns): weekly periods from START (a Monday);
# start and end are Mondays, end exclusive.  A route's total effect is
# a (1 - exp(-b spend)), spread evenly over its treated units and weeks.
CAMPAIGN_CURVES = {"chain": (90000.0, 5.0e-5), "community": (60000.0, 1.5e-4)}
CAMPAIGN_BASELINE_WEEKS = 8
CAMPAIGNS = [
    # id, name, route, start, end, spend, community_id, treated (retailers or leaders)
    ("CH-2024-Q4", "Retailer bonus Q4 2024", "chain", "2024-10-07", "2024-11-04", 6000.0, None,
     ["R-JKT-2", "R-SBY-1", "R-YOG-2", "R-MDN-1"]),
    ("CH-2025-Q1", "Retailer bonus Q1", "chain", "2025-01-06", "2025-02-03", 14000.0, None,
     ["R-JKT-1", "R-SMG-1", "R-DPS-1", "R-MKS-1"]),
    ("CH-2025-Q3", "Retailer display and bonus Q3", "chain", "2025-07-07", "2025-08-04",
     30000.0, None, ["R-JKT-3", "R-BDG-3", "R-SBY-2", "R-YOG-1"]),
    # A community campaign treats the k-th informal leader (by id) of each
    # community listed: leaders of one club share most of their audience, so
    # a campaign on one club alone would have one treated cluster, not three.
    ("CO-2025-Q1", "Club leaders' ride Q1", "community", "2025-02-03", "2025-03-03",
     3000.0, None, [("JKT", 0), ("BDG", 0), ("SBY", 0), ("YOG", 0), ("MDN", 0)]),
    ("CO-2025-Q2", "Club leaders' meet-up Q2", "community", "2025-06-02", "2025-06-30",
     8000.0, None, [("JKT", 1), ("BDG", 1), ("SBY", 1), ("DPS", 0), ("TOUR", 0)]),
    ("CO-2025-Q3", "Club leaders' touring weekend Q3", "community", "2025-09-01",
     "2025-09-29", 16000.0, None, [("JKT", 2), ("BDG", 2), ("SBY", 2), ("YOG", 1), ("MDN", 1)]),
]

# Interaction behaviour: sending activity and kind mix per profile.
KIND_MIX = {
    "member": [("visit", 22), ("like", 26), ("reply", 17), ("post", 8), ("mention", 6),
               ("share", 5), ("message", 6), ("endorsement", 7), ("flag", 1.6)],
    "officer": [("post", 25), ("reply", 20), ("like", 18), ("visit", 12), ("mention", 8),
                ("message", 7), ("endorsement", 6), ("share", 2), ("flag", 3)],
    "leader": [("reply", 30), ("post", 13), ("mention", 11), ("like", 12), ("endorsement", 13),
               ("share", 6), ("message", 13), ("visit", 2)],
    "decoy": [("post", 45), ("reply", 33), ("mention", 12), ("like", 3), ("share", 5),
              ("flag", 2)],
    "collaborator": [("reply", 22), ("post", 12), ("like", 20), ("endorsement", 10),
                     ("mention", 8), ("share", 8), ("message", 10), ("visit", 10)],
}
ACTIVITY = {"leader": 55.0, "bridge": 45.0, "decoy": 75.0, "collaborator": 14.0,
            "organizer": 9.0, "moderator": 7.0}
# Initial copies in the volume urn (reply, mention, share, message) and in the
# trust urn (like, endorsement).  Every receipt adds one copy (preferential attachment).
VOLUME_COPIES = {"leader": 60, "bridge": 55, "decoy": 40, "collaborator": 6,
                 "organizer": 5, "moderator": 4, "member": 1}
TRUST_COPIES = {"leader": 60, "bridge": 55, "decoy": 1, "collaborator": 8,
                "organizer": 5, "moderator": 4, "member": 1}
VOLUME_KINDS = ("reply", "mention", "share", "message")
TRUST_KINDS = ("like", "endorsement")

PROGRAMS = [
    # id, name, product, start, end, attributes, rating_min, rating_max
    ("SEAT-2024", "Touring seat comfort trial", "AC-CSEAT", "2024-06-01", "2024-09-30",
     ["comfort", "design", "price", "durability"], 1.0, 10.0),
    ("ADV-2025", "Mio E Advisor panel", "SC-E", "2025-03-01", "2025-08-31",
     ["comfort", "range", "price", "design", "charging"], 1.0, 5.0),
]
TRUE_MEANS = {
    "ADV-2025": {"comfort": 4.0, "range": 3.6, "price": 3.3, "design": 4.1, "charging": 2.2},
    "SEAT-2024": {"comfort": 7.9, "design": 7.0, "price": 5.6, "durability": 7.3},
}
N_RESPONDENTS = {"SEAT-2024": 90, "ADV-2025": 330}
WEAK_ATTRIBUTE = ("ADV-2025", "charging")

COMMENTS = {
    "charging": [
        "Charging takes too long, almost 6 hours at home.",
        "Love it, but the \"fast charge\" is not fast at all.",
        "Range is fine for my commute.\nCharging needs a better cable and a faster charger.",
        "Ngecasnya lama banget, tolong ada fast charging.",
        "Pengisian daya terlalu lama \u2014 perlu 5 jam lebih.",
        "The charger gets hot, and the plug is loose; I would not leave it overnight.",
    ],
    "range": [
        "Range drops a lot with a passenger, maybe 40 km instead of 60.",
        "Jarak tempuh kurang untuk ke luar kota.",
    ],
    "price": [
        "Too expensive compared with the petrol Mio, even with the subsidy.",
        "Harga masih mahal, cicilan 0% akan membantu.",
    ],
    "comfort": [
        "Seat is comfortable, suspension a bit stiff on bad roads.",
        "Nyaman untuk boncengan.",
    ],
    "design": [
        "Looks great, my friends in the club all asked about it!",
        "Desainnya keren, warnanya \"matte\" bagus.",
    ],
    "durability": [
        "Cover started to peel after two months, in the rain season.",
        "Jahitan kuat, tidak sobek.",
    ],
    "general": [
        "Overall good.",
        "Mantap!",
        "Please add a USB port, a hook for bags, and a bigger under-seat space.",
        "I'd buy it if the club gets a group discount.",
        "Line 1: ok.\nLine 2: \"would recommend\", with reservations.",
    ],
}

# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def rng_for(seed, stream):
    """An independent, reproducible random stream (str seeds hash with SHA-512)."""
    return random.Random(f"{seed}:{stream}")


def wchoice(rng, pairs):
    """Weighted choice from [(value, weight), ...]."""
    total = sum(w for _, w in pairs)
    x = rng.random() * total
    acc = 0.0
    for v, w in pairs:
        acc += w
        if x < acc:
            return v
    return pairs[-1][0]


def iso(t):
    return _dt.datetime.fromtimestamp(t, _dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_date(t):
    return _dt.datetime.fromtimestamp(t, _dt.timezone.utc).strftime("%Y-%m-%d")


def money(x):
    return f"{x:.2f}"


def shop_time(rng, t, floor=None):
    """The same UTC day as t, at a shop hour (08:00-20:00 WIB = 01:00-13:00 UTC)."""
    day = t - t % DAY
    out = day + DAY // 24 + rng.randrange(12 * 3600)
    if floor is not None and out <= floor:
        out = floor + 600 + rng.randrange(3000)
    return out


class Customer:
    __slots__ = ("i", "id", "city", "segment", "age", "created", "first", "model", "home",
                 "lam", "p", "repeats", "alive", "referrer", "first_channel", "first_amount")


class Member:
    """One membership: customer index, community, role, span, profile."""
    __slots__ = ("c", "com", "role", "joined", "left", "profile")

    def __init__(self, c, com, role, joined, left):
        self.c, self.com, self.role, self.joined, self.left = c, com, role, joined, left
        self.profile = "member"

    def end(self):
        return self.left if self.left is not None else END


# --------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------


def acquisition_time(rng):
    """A first-purchase time: growing intensity plus a pre-Lebaran bump each year."""
    if rng.random() < 0.12:
        eid = ts(2024, 4, 10) if rng.random() < 0.45 else ts(2025, 3, 31)
        return eid - 28 * DAY + rng.randrange(27 * DAY)
    g = 0.8  # density proportional to 1 + g x over the window, x in [0, 1]
    u = rng.random()
    x = (-1.0 + math.sqrt(1.0 + 2.0 * g * u * (1.0 + g / 2.0))) / g
    return START + int(x * (END - START - DAY))


def on_sale(pid, t, launch):
    return launch[pid] is None or t >= launch[pid]


def generate(seed):
    launch = {p[0]: (ts_date(p[6]) if p[6] else None) for p in PRODUCTS}
    price = {p[0]: p[3] for p in PRODUCTS}
    category = {p[0]: p[2] for p in PRODUCTS}
    city_info = {c[0]: c for c in CITIES}
    com_created = {c[0]: ts_date(c[2]) for c in COMMUNITIES}

    # ---- customers and first purchases ----
    rng = rng_for(seed, "customers")
    raw = []
    for _ in range(N_CUSTOMERS):
        city = wchoice(rng, [(c[0], c[1]) for c in CITIES])
        seg = wchoice(rng, SEGMENTS)
        if seg == "student":
            age = "17-24" if rng.random() < 0.9 else "25-34"
        else:
            age = wchoice(rng, AGE_BANDS)
        first = shop_time(rng, acquisition_time(rng))
        raw.append((first, city, seg, age))
    raw.sort()
    customers = []
    for i, (first, city, seg, age) in enumerate(raw):
        c = Customer()
        c.i, c.id, c.city, c.segment, c.age, c.first = i, f"C{i + 1:04d}", city, seg, age, first
        if first >= ts(2025, 11, 1) and rng.random() < 0.15:
            c.model = "SC-E"
        else:
            c.model = wchoice(rng, SCOOTERS_BY_SEGMENT[seg])
        c.home = wchoice(rng, [(r[0], r[2]) for r in city_info[city][4]])
        # First contact: the same visit for a third, else up to ~2 weeks before.
        lead = rng.randrange(600, 3 * 3600) if rng.random() < 0.35 else \
            int(rng.expovariate(1.0 / (5 * DAY)))
        c.created = max(START, first - lead)
        c.referrer = None
        c.first_channel = None
        customers.append(c)

    # ---- the BG/NBD repeat process (pure: no planted overrides) ----
    rng = rng_for(seed, "bgnbd")
    r_, alpha, a, b = BGNBD["r"], BGNBD["alpha"], BGNBD["a"], BGNBD["b"]
    for c in customers:
        c.lam = rng.gammavariate(r_, 1.0 / alpha)  # per week
        c.p = rng.betavariate(a, b)
        t = float(c.first)
        reps = []
        alive = True
        while True:
            t += rng.expovariate(c.lam) * WEEK if c.lam > 0 else float("inf")
            if t >= END:
                break
            reps.append(int(t))
            if rng.random() < c.p:
                alive = False
                break
        c.repeats = reps
        c.alive = alive

    # ---- memberships ----
    rng = rng_for(seed, "memberships")
    members = []  # Member objects
    by_com = {cm[0]: [] for cm in COMMUNITIES}

    def join_time(c, com, mean_days=45.0):
        j = c.first + int(rng.expovariate(1.0 / (mean_days * DAY)))
        if j < com_created[com]:
            j = com_created[com] + int(rng.expovariate(1.0 / (20 * DAY)))
        return j + rng.randrange(DAY) if j < END - DAY else None

    for c in customers:
        wanted = []
        if c.city in CITY_COMMUNITY and rng.random() < CITY_JOIN_PROB:
            wanted.append(CITY_COMMUNITY[c.city])
        if c.model in MODEL_COMMUNITY and rng.random() < MODEL_JOIN_PROB:
            wanted.append(MODEL_COMMUNITY[c.model])
        for com in wanted:
            j = join_time(c, com)
            if j is None or j >= END:
                continue
            left = None
            if rng.random() < LEAVE_PROB:
                lt = j + 2 * DAY + int(rng.expovariate(1.0 / (200 * DAY)))
                if lt < END:
                    left = lt
            m = Member(c.i, com, "member", j, left)
            members.append(m)
            by_com[com].append(m)

    # ---- planted roles ----
    rng = rng_for(seed, "planted")
    planted = set()  # customer indexes with a planted role
    leaders = {}
    bridges = []
    decoys = []

    def window_start(com):
        return max(START, com_created[com])

    def early_members(com, days, need_repeat=True, model=None):
        lim = window_start(com) + days * DAY
        out = []
        for m in by_com[com]:
            c = customers[m.c]
            if m.joined <= lim and m.c not in planted and (not need_repeat or c.repeats) \
                    and (model is None or c.model == model):
                out.append(m)
        out.sort(key=lambda m: (m.joined, m.c))
        return out

    for com, k in LEADERS_PER_COMMUNITY.items():
        days = 90
        cand = early_members(com, days)
        while len(cand) < 3 * k:
            days += 30
            cand = early_members(com, days)
        for m in rng.sample(cand, k):
            m.profile, m.left = "leader", None
            planted.add(m.c)
            leaders.setdefault(com, []).append(customers[m.c].id)
        leaders[com].sort()

    for home, other, model in BRIDGES:
        cand = early_members(home, 120, model=model) or early_members(home, 120)
        m = rng.choice(cand)
        m.profile, m.left = "bridge", None
        planted.add(m.c)
        c = customers[m.c]
        existing = [x for x in by_com[other] if x.c == m.c]
        if existing:
            m2 = existing[0]
        else:
            j = max(c.first, window_start(other)) + rng.randrange(3 * DAY, 25 * DAY)
            m2 = Member(m.c, other, "member", j, None)
            members.append(m2)
            by_com[other].append(m2)
        m2.profile, m2.left = "bridge", None
        bridges.append({"customer_id": c.id, "communities": [home, other]})

    for com in DECOY_COMMUNITIES:
        cand = early_members(com, 180, need_repeat=False)
        m = rng.choice(cand)
        m.profile, m.left = "decoy", None
        planted.add(m.c)
        decoys.append({"customer_id": customers[m.c].id, "community_id": com})

    # Formal officers: organizers and moderators among early members (not planted).
    officers = {}
    for cm in COMMUNITIES:
        com = cm[0]
        cand = [m for m in early_members(com, 120, need_repeat=False) if m.profile == "member"]
        chosen = rng.sample(cand, 4)
        for n, m in enumerate(chosen):
            m.role = "organizer" if n < 2 else "moderator"
            m.profile = m.role
            m.left = None
            planted.add(m.c)
        officers[com] = sorted(customers[m.c].id for m in chosen)

    # Collaborators: early, loyal, alive, community members.
    collab_cand = []
    seen = set()
    for m in sorted(members, key=lambda m: (m.c, m.com)):
        c = customers[m.c]
        if (m.profile == "member" and m.c not in planted and m.c not in seen
                and c.first < ts(2024, 5, 1) and len(c.repeats) >= 3 and c.alive
                and m.joined < ts(2024, 9, 1)):
            collab_cand.append(m)
            seen.add(m.c)
    per_com = {}
    collaborators = []
    for m in rng.sample(collab_cand, len(collab_cand)):
        if per_com.get(m.com, 0) >= 2:
            continue
        per_com[m.com] = per_com.get(m.com, 0) + 1
        m.profile, m.left = "collaborator", None
        planted.add(m.c)
        collaborators.append(m.c)
        if len(collaborators) == N_COLLABORATORS:
            break
    collaborators.sort()
    for m in members:  # a collaborator is a collaborator in every community of theirs
        if m.c in collaborators:
            m.profile, m.left = "collaborator", None

    leader_set = {customers_by_id_index(customers, x) for v in leaders.values() for x in v}
    bridge_set = {customers_by_id_index(customers, b_["customer_id"]) for b_ in bridges}
    decoy_set = {customers_by_id_index(customers, d["customer_id"]) for d in decoys}

    # ---- referrals ----
    referrals, ref_truth = generate_referrals(seed, customers, members, planted, leader_set,
                                              bridge_set, collaborators)

    # Referees of leaders often join the referrer's community, unless they are
    # in two already (a city and a model club): only the planted bridges
    # span more than a member's usual two.
    rng = rng_for(seed, "referee-joins")
    promoters = leader_set | bridge_set | set(collaborators)
    member_of = {}
    for m in members:
        member_of.setdefault(m.c, set()).add(m.com)
    for ref in referrals:
        if not ref["converted"] or ref["referrer"] not in promoters:
            continue
        i, j = ref["referrer"], ref["referee"]
        coms = sorted(member_of.get(i, ()))
        if not coms or rng.random() >= 0.5:
            continue
        com = rng.choice(coms)
        if com in member_of.get(j, set()) or len(member_of.get(j, ())) >= 2:
            continue
        jt = max(customers[j].first, com_created[com]) + rng.randrange(DAY, 30 * DAY)
        if jt >= END:
            continue
        m = Member(j, com, "member", jt, None)
        members.append(m)
        by_com[com].append(m)
        member_of.setdefault(j, set()).add(com)

    # ---- transactions ----
    rng = rng_for(seed, "transactions")
    city_retailers = {c[0]: [r[0] for r in c[4]] for c in CITIES}
    txns = []  # (time, customer index, product, qty, amount, channel)

    def retailer_for(c, service):
        if c.home in CONFLICT_RETAILERS:
            return CONFLICT_RETAILERS[0] if rng.random() < 0.52 else CONFLICT_RETAILERS[1]
        if service and rng.random() < 0.02:
            others_ = [r for r in city_retailers[c.city] if r != c.home]
            return rng.choice(others_)
        return c.home

    for c in customers:
        # First purchase: the scooter.
        ref_kind = None
        if c.referrer is not None:
            ri = c.referrer
            ref_kind = "leader" if (ri in leader_set or ri in bridge_set) else \
                ("collaborator" if ri in collaborators else "other")
        u = rng.random()
        if ref_kind == "leader" and u < 0.6:
            ch = "ACTIVIST"
        elif ref_kind == "collaborator" and u < 0.3:
            ch = "ACTIVIST"
        else:
            v = rng.random()
            ch = "DIRECT" if v < 0.09 else (city_info[c.city][3] if v < 0.17
                                            else retailer_for(c, False))
        disc = 0.0 if rng.random() < 0.5 else rng.uniform(0.0, 0.06)
        amt = round(price[c.model] * (1.0 - disc), 2)
        c.first_amount = amt
        c.first_channel = ch
        txns.append((c.first, c.i, c.model, 1, amt, ch))
        prev = c.first
        for t in c.repeats:
            tt = shop_time(rng, t, floor=prev)
            if tt >= END:
                tt = END - 1 - rng.randrange(600)
                if tt <= prev:
                    tt = prev + 1
            prev = tt
            if rng.random() < SECOND_SCOOTER_PROB:
                pid = wchoice(rng, [(s, w) for s, w in SCOOTERS_BY_SEGMENT[c.segment]])
                qty = 1
                amt = price[pid] * (1.0 - rng.uniform(0.0, 0.05))
                ch = retailer_for(c, False)
            else:
                while True:
                    cat = wchoice(rng, REPEAT_CATEGORY[c.segment])
                    pid = wchoice(rng, REPEAT_PRODUCTS[cat])
                    if on_sale(pid, tt, launch):
                        break
                qty = 1
                if pid in ("SV-OIL", "PT-PLUG", "PT-FILTER") and rng.random() < 0.15:
                    qty = 2
                elif pid in ("PT-TYRE", "AC-HELM") and rng.random() < 0.22:
                    qty = 2
                if cat == "service":
                    noise = rng.uniform(0.9, 1.15)
                else:
                    noise = rng.uniform(0.95, 1.03)
                amt = price[pid] * qty * noise
                if cat == "accessory":
                    v = rng.random()
                    ch = "DIRECT" if v < 0.2 else (city_info[c.city][3] if v < 0.25
                                                   else retailer_for(c, True))
                else:
                    ch = retailer_for(c, True)
            txns.append((tt, c.i, pid, qty, round(amt, 2), ch))
    txns.sort(key=lambda x: (x[0], x[1]))

    # ---- programs and feedback ----
    rng = rng_for(seed, "feedback")
    feedback = []
    member_customers = sorted({m.c for m in members})
    member_set = set(member_customers)
    for pid_, name, prod, start_s, end_s, attrs, lo, hi in PROGRAMS:
        start, end = ts_date(start_s), ts_date(end_s)  # answers come before `end`
        n = N_RESPONDENTS[pid_]
        eligible = [c.i for c in customers if c.first < start - 14 * DAY]
        chosen = list(collaborators)
        if pid_ == "ADV-2025":
            chosen += sorted(rng.sample(sorted(leader_set), 6))
        chosen_set = set(chosen)
        pool_m = [i for i in eligible if i in member_set and i not in chosen_set
                  and i not in decoy_set]
        pool_n = [i for i in eligible if i not in member_set and i not in chosen_set]
        if pid_ == "SEAT-2024":  # touring owners first
            pool_m.sort(key=lambda i: (customers[i].model != "SC-TOUR", i))
            pool_n.sort(key=lambda i: (customers[i].model != "SC-TOUR", i))
            k_m = int((n - len(chosen)) * 0.6)
            chosen += pool_m[:k_m // 2] + rng.sample(pool_m[k_m // 2:], k_m - k_m // 2)
            chosen += rng.sample(pool_n, n - len(chosen))
        else:
            k_m = int((n - len(chosen)) * 0.65)
            chosen += rng.sample(pool_m, k_m)
            chosen += rng.sample(pool_n, n - len(chosen))
        means = TRUE_MEANS[pid_]
        scale = (hi - lo) / 4.0  # spread relative to a 1..5 scale
        for i in sorted(chosen):
            c = customers[i]
            t0 = max(start + 3 * DAY, c.first + 7 * DAY)
            t = t0 + rng.randrange(max(1, end - t0))
            mood = rng.gauss(0.0, 0.45)
            ratings = {}
            for at in attrs:
                if rng.random() < 0.03 and i not in collaborators:
                    continue  # skipped question
                v = means[at] + (mood + rng.gauss(0.0, 0.7)) * scale
                ratings[at] = int(min(hi, max(lo, round(v))))
            wr = None
            if rng.random() > 0.07 or i in collaborators:
                vals = [(ratings[k] - lo) / (hi - lo) for k in ratings] or [0.5]
                avg = sum(vals) / len(vals)
                wr = int(min(10, max(0, round(10.0 * avg + 1.5 + rng.gauss(0.0, 1.3)))))
            comment = ""
            if i in collaborators or rng.random() < 0.42:
                worst = min(ratings, key=lambda k: ((ratings[k] - lo) / (hi - lo), k)) \
                    if ratings else "general"
                pool = COMMENTS.get(worst, []) if rng.random() < 0.7 else []
                comment = rng.choice(pool or COMMENTS["general"])
            product = prod if rng.random() < 0.1 else ""
            feedback.append({"program": pid_, "product": product, "customer": i,
                             "ratings": ratings, "wr": wr, "time": t, "comment": comment})
    feedback.sort(key=lambda f: (f["program"], f["time"], f["customer"]))

    # Memberships are written as dates: joined moves up to the next midnight,
    # left down to the previous one, so what is written is what was simulated.
    for m in members:
        if m.joined % DAY:
            m.joined += DAY - m.joined % DAY
        if m.left is not None:
            m.left -= m.left % DAY
            if m.left <= m.joined:
                m.left = None
    members = [m for m in members if m.joined < END]  # a late joiner pushed past the end
    by_com = {cm[0]: [m for m in members if m.com == cm[0]] for cm in COMMUNITIES}

    # ---- interactions ----
    rng = rng_for(seed, "interactions")
    weights = []
    for m in members:
        span = max(0, m.end() - m.joined)
        if m.profile == "member":
            act = min(40.0, rng.paretovariate(1.5))
        else:
            act = ACTIVITY[m.profile]
        weights.append(act * span)
    total_w = sum(weights)
    sends = []  # (time, community, from index, kind)
    for m, w in zip(members, weights):
        x = N_COMMUNITY_INTERACTIONS * w / total_w
        n = int(x) + (1 if rng.random() < x - int(x) else 0)
        prof = m.profile
        if prof == "bridge":
            prof = "leader"
        elif prof in ("organizer", "moderator"):
            prof = "officer"
        mix = KIND_MIX[prof]
        span = m.end() - m.joined
        for _ in range(n):
            t = m.joined + rng.randrange(max(1, span))
            sends.append((t, m.com, m.c, wchoice(rng, mix)))
    sends.sort()

    profile_of = {(m.c, m.com): m.profile for m in members}
    span_of = {}
    for m in members:
        span_of.setdefault((m.c, m.com), []).append((m.joined, m.end()))

    def active(i, com, t):
        for j, e in span_of.get((i, com), ()):
            if j <= t < e:
                return True
        return False

    joins = {cm[0]: sorted((m.joined, m.c) for m in by_com[cm[0]]) for cm in COMMUNITIES}
    urns = {}
    for cm in COMMUNITIES:
        urns[cm[0]] = {"volume": [], "trust": [], "uniform": [], "next": 0}
    decoy_of = {d["community_id"]: customers_by_id_index(customers, d["customer_id"])
                for d in decoys}
    shielded = leader_set | bridge_set
    interactions = []
    for t, com, i, kind in sends:
        u = urns[com]
        jl = joins[com]
        while u["next"] < len(jl) and jl[u["next"]][0] <= t:
            _, c_new = jl[u["next"]]
            u["next"] += 1
            prof = profile_of[(c_new, com)]
            u["volume"].extend([c_new] * VOLUME_COPIES[prof])
            u["trust"].extend([c_new] * TRUST_COPIES[prof])
            u["uniform"].append(c_new)
        target = None
        if kind in ("post", "visit"):
            interactions.append((t, i, None, kind, com, None))
            continue
        if kind == "flag":
            d = decoy_of.get(com)
            if d is not None and d != i and active(d, com, t) and rng.random() < 0.75:
                target = d
            else:
                for _ in range(40):
                    x = rng.choice(u["uniform"])
                    if x == i or not active(x, com, t):
                        continue
                    if x in shielded and rng.random() < 0.97:
                        continue
                    target = x
                    break
        else:
            urn = u["trust"] if kind in TRUST_KINDS else u["volume"]
            for _ in range(40):
                x = rng.choice(urn)
                if x != i and active(x, com, t):
                    target = x
                    break
            if target is not None:
                urn.append(target)
        if target is None:  # nobody to address: it becomes a post
            interactions.append((t, i, None, "post", com, None))
            continue
        weight = None
        if kind == "endorsement" and rng.random() < 0.3:
            weight = rng.choice((2.0, 3.0))
        interactions.append((t, i, target, kind, com, weight))
    for ref in referrals:
        if ref["converted"]:
            interactions.append((ref["time"], ref["referrer"], ref["referee"], "referral", None,
                                 None))
    interactions.sort(key=lambda x: (x[0], x[4] or "", x[1], -1 if x[2] is None else x[2], x[3]))

    # ---- club gear cascades and past campaigns: extra transactions ----
    n_base = len(txns)
    cascades = generate_cascades(seed, customers, interactions)
    campaign_txns, campaigns = generate_campaigns(seed, customers, interactions, leaders, bridges,
                                                  launch)
    txns = sorted(txns + cascades["txns"] + campaign_txns, key=lambda x: (x[0], x[1], x[2]))

    return {
        "n_base_txns": n_base, "cascades": cascades, "campaigns": campaigns,
        "n_campaign_txns": len(campaign_txns),
        "customers": customers, "members": members, "txns": txns, "referrals": referrals,
        "ref_truth": ref_truth,
        "feedback": feedback, "interactions": interactions, "leaders": leaders,
        "bridges": bridges, "decoys": decoys, "collaborators": collaborators,
        "officers": officers,
    }


def generate_referrals(seed, customers, members, planted, leader_set, bridge_set, collaborators):
    """Converted referrals from a BG/NBD count process, referees, and failed attempts.

    Every customer draws a referral rate lambda ~ Gamma(r, rate alpha) per week
    and a dropout p ~ Beta(a, b) (REFERRAL_BGNBD).  The draws are iid; the
    planted promoters (collaborators, then informal and bridge leaders) are
    handed the largest rates, and the collaborators the smallest dropouts,
    of the drawn values, everyone else a shuffle of the rest, so the
    population is still an iid sample (handing every promoter a small
    dropout too would tie p to lambda enough to pull the fitted a + b below
    1).  From the first purchase on, converted referrals come at rate
    lambda; after each one the customer stops for good with probability p.
    Each converted referral names a referee in the referrer's city (a bridge
    leader's 40 % anywhere): with probability JOINED_ANYWAY someone already
    buying (a purchase before the referral, and one within 30 days after it
    on which the referral is credited), else a new customer whose first
    purchase (the scooter) comes 2-75 days later.  When no referee fits, the
    referral is written as not converted (counted in planted.json).
    """
    rng = rng_for(seed, "referrals")
    n = len(customers)
    rp = REFERRAL_BGNBD
    lams = [rng.gammavariate(rp["r"], 1.0 / rp["alpha"]) for _ in range(n)]
    ps = [rng.betavariate(rp["a"], rp["b"]) for _ in range(n)]
    # Collaborators first: the top rung keeps referring to the end.
    top = sorted(leader_set | bridge_set)
    rng.shuffle(top)
    top = list(collaborators) + top
    lam_sorted = sorted(lams, reverse=True)
    p_sorted = sorted(ps)
    low_p = len(collaborators)  # only collaborators are sure to keep going
    rest_l, rest_p = lam_sorted[len(top):], p_sorted[low_p:]
    rng.shuffle(rest_l)
    rng.shuffle(rest_p)
    lam_of, p_of = {}, {}
    for k, i in enumerate(top):
        lam_of[i] = lam_sorted[k]
    for k, i in enumerate(top[:low_p]):
        p_of[i] = p_sorted[k]
    top_set = set(top)
    k = 0
    for c in customers:
        if c.i not in top_set:
            lam_of[c.i] = rest_l[k]
            k += 1
    k = 0
    for c in customers:
        if c.i not in p_of:
            p_of[c.i] = rest_p[k]
            k += 1

    events = []  # (time, referrer)
    for c in customers:
        lam, t = lam_of[c.i], float(c.first)
        if lam <= 0:
            continue
        while True:
            t += rng.expovariate(lam) * WEEK
            if t >= END - DAY:
                break
            events.append((int(t), c.i))
            if rng.random() < p_of[c.i]:
                break
    events.sort()

    by_city = {}
    for c in customers:
        by_city.setdefault(c.city, []).append(c.i)  # already in first-purchase order
    city_times = {city: [customers[i].first for i in idx] for city, idx in by_city.items()}
    referred = set()
    referrals = []
    lost = 0
    for t, i in events:
        c = customers[i]
        city = c.city
        if i in bridge_set and rng.random() < 0.4:
            city = rng.choice(sorted(by_city))
        times = city_times[city]
        ref = {"referrer": i, "time": t, "converted": False, "referee": None, "anyway": False}
        if rng.random() < JOINED_ANYWAY:
            hi_i = bisect.bisect_left(times, t - DAY)
            cand = [j for j in by_city[city][:hi_i]
                    if j not in referred and j not in planted and j != i
                    and any(t + DAY <= x <= t + 30 * DAY for x in customers[j].repeats)]
            anyway = True
        else:
            lo_i = bisect.bisect_right(times, t + 2 * DAY)
            hi_i = bisect.bisect_right(times, t + 75 * DAY)
            cand = [j for j in by_city[city][lo_i:hi_i]
                    if j not in referred and j not in planted and j != i]
            anyway = False
        if cand:
            j = rng.choice(cand)
            referred.add(j)
            ref.update(converted=True, referee=j, anyway=anyway)
            if not anyway:
                customers[j].referrer = i
                # The first contact is the referral: created = referral time (< first purchase).
                customers[j].created = t
        else:
            lost += 1
        referrals.append(ref)

    # Attempts that did not convert: about one per converted referral, plus a
    # few one-off tries; 6 % name someone who already was a customer.
    fails = []
    conv_count = {}
    for r in referrals:
        conv_count[r["referrer"]] = conv_count.get(r["referrer"], 0) + 1
    others = sorted(rng.sample([c.i for c in customers if c.i not in planted], 200))
    for i in others:
        conv_count[i] = conv_count.get(i, 0) + 1
    for i in sorted(conv_count):
        c = customers[i]
        lo, hi = c.first + DAY, END - DAY
        if lo >= hi:
            continue
        m = sum(1 for _ in range(conv_count[i]) if rng.random() < 0.9)
        for _ in range(m):
            t = lo + rng.randrange(hi - lo)
            ref = {"referrer": i, "time": t, "converted": False, "referee": None,
                   "anyway": False}
            if rng.random() < 0.06:
                hi_i = bisect.bisect_left(city_times[c.city], t)
                cand = [j for j in by_city[c.city][:hi_i] if j != i]
                if cand:
                    ref["referee"] = rng.choice(cand)
            fails.append(ref)
    referrals = sorted(referrals + fails, key=lambda r: (r["time"], r["referrer"]))
    conv = [r for r in referrals if r["converted"]]
    truth = {
        "lost": lost,
        "converted": len(conv),
        "joined_anyway": sum(1 for r in conv if r["anyway"]),
        "referrers": len({r["referrer"] for r in conv}),
        "promoters": [customers[i].id for i in top],
        "mean_lambda": sum(lams) / n, "mean_p": sum(ps) / n,
    }
    return referrals, truth


def interaction_arcs(interactions):
    """The interaction graph's arcs u -> v with each one's kind, as mitra builds them.

    An arc is a pair with a positive total weight under the default kind
    weights (INTERACTION_KIND_WEIGHTS); its kind is the one that contributed
    most of that weight (halving every 180 days back from the latest
    interaction), ties to the lower kind number (graph/interaction_graph.h,
    graph/workspace_influence.h).
    """
    as_of = max(x[0] for x in interactions)
    per = {}
    for t, i, j, kind, com, w in interactions:
        kw = INTERACTION_KIND_WEIGHTS.get(kind, 0.0)
        if j is None or kw <= 0:
            continue
        x = kw * (1.0 if w is None else w) * 2.0 ** (-(as_of - t) / (180.0 * DAY))
        d = per.setdefault((i, j), {})
        d[kind] = d.get(kind, 0.0) + x
    arcs = {}
    for key in sorted(per):
        d = per[key]
        arcs[key] = min(d, key=lambda k: (-d[k], KIND_NUMBER[k]))
    return arcs


def generate_cascades(seed, customers, interactions):
    """Club gear drops adopted through the interaction graph (independent cascades).

    GEAR_ITEMS products of category GEAR_CATEGORY, one launched every ~4
    days.  Each arc u -> v (v is exposed to u) carries a planted p_uv ~
    Beta(mean m_kind, concentration GEAR_CONCENTRATION), m_kind by the arc's
    kind (GEAR_P_MEAN).  Each node v adopts an item on its own with
    probability q_v (more for busy senders), at launch + Exponential(21
    days).  When u buys the item at t_u, each out-neighbour v that has not
    bought it yet buys it at t_u + Uniform(1 h, tau) with probability p_uv.
    Only customers (first purchase before the time) buy; nobody buys an item
    twice.  Sold by the buyer's home retailer at the list price (the
    community's own shop, not the online store: a month with only a gear
    drop would otherwise read as a switch of channel).
    """
    rng = rng_for(seed, "cascades")
    arcs = interaction_arcs(interactions)
    p = {}
    for key, kind in arcs.items():
        m = GEAR_P_MEAN[kind]
        p[key] = rng.betavariate(m * GEAR_CONCENTRATION, (1.0 - m) * GEAR_CONCENTRATION)
    out = {}
    for (u, v) in arcs:
        out.setdefault(u, []).append(v)
    nodes = sorted({u for u, _ in arcs} | {v for _, v in arcs})
    q = {v: min(GEAR_Q_MAX, GEAR_Q0 + GEAR_Q1 * len(out.get(v, ())) ** 1.2) for v in nodes}
    first = {c.i: c.first for c in customers}
    home = {c.i: c.home for c in customers}
    products, txns, adoptions = [], [], []
    span = GEAR_LAST_LAUNCH - GEAR_FIRST_LAUNCH
    prices = (8.0, 10.0, 12.0, 15.0, 18.0, 20.0, 25.0, 30.0, 35.0, 45.0, 60.0)
    kinds = ("Sticker pack", "Patch", "Keychain", "Club jersey", "Riding gloves", "Cap",
             "Decal kit", "Mug", "Buff", "Rain jacket", "Tool roll")
    for n in range(GEAR_ITEMS):
        launch = GEAR_FIRST_LAUNCH + (span * n // (GEAR_ITEMS - 1)) // DAY * DAY
        k = rng.randrange(len(kinds))
        pid = f"GR-{n + 1:03d}"
        price = prices[k] if rng.random() < 0.7 else rng.choice(prices)
        products.append((pid, f"{kinds[k]} drop {n + 1}", GEAR_CATEGORY, price,
                         round(price * 0.42, 2), "", iso_date(launch)))
        heap = []
        for v in nodes:
            if rng.random() < q[v]:
                t = launch + int(rng.expovariate(1.0 / (21 * DAY)))
                heapq.heappush(heap, (t, v, -1))
        done, parent = {}, {}
        while heap:
            t, v, par = heapq.heappop(heap)
            if v in done or t >= END or first[v] >= t:
                continue
            done[v], parent[v] = t, par
            for w in out.get(v, ()):
                if w in done:
                    continue
                if rng.random() < p[(v, w)]:
                    heapq.heappush(heap, (t + rng.randrange(3600, GEAR_TAU + 1), w, v))
        for v, t in sorted(done.items(), key=lambda x: (x[1], x[0])):
            txns.append((t, v, pid, 1, price, home[v]))
            adoptions.append((pid, v, t, parent[v]))
    return {"arcs": arcs, "p": p, "products": products, "txns": txns, "q": q,
            "adoptions": adoptions}


def audiences(interactions, lo=None, hi=None):
    """Per customer, who addressed at least one interaction to them in [lo, hi)."""
    aud = {}
    for t, i, j, kind, com, w in interactions:
        if j is None or (lo is not None and t < lo) or (hi is not None and t >= hi):
            continue
        aud.setdefault(j, set()).add(i)
    return aud


def campaign_effects():
    """Each planted campaign's total (the route's curve at its spend) and per unit-week."""
    out = {}
    for cid_, name, route, start, end, spend, com, spec in CAMPAIGNS:
        a, b = CAMPAIGN_CURVES[route]
        out[cid_] = a * (1.0 - math.exp(-b * spend))
    return out


def panel_leaders(customers, leaders, bridges):
    """The community route's units: the planted informal and bridge leaders."""
    ids = [x for v in leaders.values() for x in v] + [b_["customer_id"] for b_ in bridges]
    return sorted({customers_by_id_index(customers, x) for x in ids})


def generate_campaigns(seed, customers, interactions, leaders, bridges, launch):
    """Extra sales of the planted campaigns (CAMPAIGNS), as extra transactions.

    Chain: in each campaign week, each treated retailer sells exactly the
    planted effect per unit-week more, to its own customers (home retailer)
    who are in no planted leader's audience, so the community panel does not
    see it.  Community: each treated leader's audience buys exactly the
    planted effect per unit-week more through the ACTIVIST channel; the
    buyers addressed that leader in the campaign's analysis window (baseline
    and campaign weeks) and no other planted or bridge leader in it, so the
    extra counts in exactly one unit's outcome.
    """
    rng = rng_for(seed, "campaigns")
    price = {p_[0]: p_[3] for p_ in PRODUCTS}
    small = [pid for pid, _, cat, pr, _, _, _ in PRODUCTS
             if cat in ("part", "accessory") and pr >= 15]
    scooters = ["SC-LITE", "SC-SPORT", "SC-TOUR"]
    remainder_items = [pid for pid, _, cat, _, _, _, _ in PRODUCTS
                       if cat in ("service", "part", "accessory")]
    panel = panel_leaders(customers, leaders, bridges)
    panel_set = set(panel)
    aud_all = audiences(interactions)
    in_leader_audience = set()
    for u in panel:
        in_leader_audience |= aud_all.get(u, set())
    totals = campaign_effects()
    txns, records = [], []
    for cid_, name, route, start_s, end_s, spend, com, spec in CAMPAIGNS:
        start, end = ts_date(start_s), ts_date(end_s)
        weeks = (end - start) // WEEK
        if route == "chain":
            units = list(spec)
        else:
            units = [customers_by_id_index(customers, leaders[x][k]) for x, k in spec]
        per_cents = int(round(totals[cid_] / (len(units) * weeks) * 100))
        lo = start - CAMPAIGN_BASELINE_WEEKS * WEEK
        aud_win = audiences(interactions, lo, end)
        for u in units:
            if route == "chain":
                pool = [c.i for c in customers if c.home == u and c.first < lo
                        and c.i not in in_leader_audience and c.i not in panel_set]
                channel = u
            else:
                pool = sorted(x for x in aud_win.get(u, ())
                              if customers[x].first < lo and x not in panel_set
                              and all(x not in aud_win.get(v, ()) for v in panel if v != u))
                channel = "ACTIVIST"
            if len(pool) < 5:
                raise RuntimeError(f"campaign {cid_}: only {len(pool)} buyers for {u}")
            for w in range(weeks):
                w0 = start + w * WEEK
                rem = per_cents
                while rem > 0:
                    affordable = [x for x in scooters if price[x] * 100 <= rem - 20000]
                    qty = 1
                    if affordable and rng.random() < 0.7:
                        pid = rng.choice(affordable)
                        amt = int(round(price[pid] * rng.uniform(0.95, 1.0) * 100))
                    else:
                        pid = rng.choice(small)
                        while not on_sale(pid, w0, launch):
                            pid = rng.choice(small)
                        amt = int(round(price[pid] * rng.uniform(0.97, 1.03) * 100))
                    if rem - amt < 1500:
                        # The last one takes what is left: the item and quantity
                        # whose list price comes closest to it.
                        amt = rem
                        pid, qty = min(((x, q) for x in remainder_items if on_sale(x, w0, launch)
                                        for q in (1, 2, 3, 4)),
                                       key=lambda xq: (abs(rem / (xq[1] * price[xq[0]] * 100)
                                                           - 1.0), xq))
                    rem -= amt
                    t = shop_time(rng, w0 + rng.randrange(WEEK))
                    txns.append((t, rng.choice(pool), pid, qty, amt / 100.0, channel))
        records.append({"id": cid_, "name": name, "route": route, "start": start_s,
                        "end": end_s, "spend": spend, "community_id": com or "",
                        "units": [u if route == "chain" else customers[u].id for u in units],
                        "weeks": weeks, "per_unit_week": per_cents / 100.0,
                        "total": round(per_cents * len(units) * weeks / 100.0, 2),
                        "curve_total": round(totals[cid_], 2)})
    return txns, records


def customers_by_id_index(customers, cid):
    return int(cid[1:]) - 1


# --------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------


def write_csv(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow(r)
    return len(rows)


def channel_rows():
    rows = [["PRODUCER", "PT Mio Motor Indonesia", "producer", "", "0.30", money(350000),
             money(4), "Indonesia"]]
    for wid, name, terr, margin, fixed, cpu in WHOLESALERS:
        rows.append([wid, name, "wholesaler", "PRODUCER", f"{margin:.2f}", money(fixed),
                     money(cpu), terr])
    agent_margin = {"A-JKT": 0.06, "A-BDG": 0.07, "A-MDN": 0.05, "A-SMG": 0.06, "A-YOG": 0.08,
                    "A-SBY": 0.06, "A-DPS": 0.07, "A-MKS": 0.05}
    retailer_margin = [0.15, 0.18, 0.12, 0.16, 0.20, 0.14, 0.13, 0.17, 0.19, 0.15, 0.12, 0.16]
    k = 0
    for city, _, wid, aid, retailers in CITIES:
        rows.append([aid, f"Agen Mio {city}", "agent", wid, f"{agent_margin[aid]:.2f}",
                     money(12000 + 2500 * len(retailers)), money(1.2), city])
    for city, _, wid, aid, retailers in CITIES:
        for n, (rid, terr, weight) in enumerate(retailers):
            district = terr.split("/")[1]
            if rid in CONFLICT_RETAILERS:
                margin = 0.10 if rid == CONFLICT_RETAILERS[0] else 0.11  # price war
            else:
                margin = retailer_margin[k % len(retailer_margin)]
                k += 1
            parent = "W-EAST" if rid == "R-MKS-2" else aid  # one buys from the wholesaler
            name = f"Dealer Mio {city} {district}" if rid not in CONFLICT_RETAILERS else \
                ("Dealer Mio Dago Raya" if rid == "R-BDG-1" else "Mio Motor Dago, CV")
            rows.append([rid, name, "retailer", parent, f"{margin:.2f}",
                         money(7000 + 1500 * weight), money(2.0 + 0.25 * n), terr])
    rows.append(["DIRECT", "Mio online store", "direct", "PRODUCER", "0.00", money(25000),
                 money(6), "online"])
    rows.append(["ACTIVIST", "Owners' club activists", "community_activist", "PRODUCER", "0.05",
                 money(6000), money(0.5), "communities"])
    return rows


# Decisions taken on the programs' feedback (docs/COCREATION.md, "Decisions
# file"): not a workspace record, so not imported; `mitra cocreation
# --decisions` and `mitra report --decisions` read it. The contributors of a
# decision are the respondents whose comment speaks of its attribute. The
# charging decision carries a given measure: "before" is the program's own
# charging ratings, "after" a follow-up panel on the shipped fast charger
# (mean 3.6, sd 0.85, n 80) that is not in feedback.csv. The others are
# measured from feedback.csv around their effective dates.
DECISIONS = [
    # id, program, attribute, title, outcome, decided, effective, value
    ("ADV-2025-D1", "ADV-2025", "charging", "Ship a 2-hour fast charger with every Mio E",
     "adopted", "2025-09-15", "2025-11-01", 60000.0),
    ("ADV-2025-D2", "ADV-2025", "range", "Offer a larger battery option", "rejected",
     "2025-09-15", None, None),
    ("SEAT-2024-D1", "SEAT-2024", "price", "Lower the touring seat's price by 15%", "adopted",
     "2024-08-01", "2024-08-15", 8000.0),
    ("SEAT-2024-D2", "SEAT-2024", "comfort", "Softer foam as an option", "rejected",
     "2024-09-20", None, None),
]
FOLLOW_UP = {"ADV-2025-D1": (3.6, 0.85, 80)}


def decision_rows(g, cid):
    rows = []
    for did, prog, attr, title, outcome, decided, effective, value in DECISIONS:
        said = sorted(cid[f["customer"]] for f in g["feedback"]
                      if f["program"] == prog and f["comment"] in COMMENTS[attr])
        measure = ["", "", "", "", "", ""]
        if did in FOLLOW_UP:
            xs = [f["ratings"][attr] for f in g["feedback"]
                  if f["program"] == prog and attr in f["ratings"]]
            mean = sum(xs) / len(xs)
            sd = math.sqrt(sum((x - mean) ** 2 for x in xs) / (len(xs) - 1))
            a_mean, a_sd, a_n = FOLLOW_UP[did]
            measure = [f"{mean:.3f}", f"{sd:.3f}", str(len(xs)), f"{a_mean:.3f}", f"{a_sd:.3f}",
                       str(a_n)]
        rows.append([did, prog, attr, title, outcome, decided, effective or "",
                     "" if value is None else money(value), ";".join(said)] + measure)
    return rows


def write_all(g, out, seed, command):
    os.makedirs(out, exist_ok=True)
    cust = g["customers"]
    cid = [c.id for c in cust]
    counts = {}

    counts["customers"] = write_csv(
        os.path.join(out, "customers.csv"),
        ["id", "created", "attributes.city", "attributes.segment", "attributes.age_band"],
        [[c.id, iso_date(c.created), c.city, c.segment, c.age] for c in cust])

    counts["products"] = write_csv(
        os.path.join(out, "products.csv"),
        ["id", "name", "category", "unit_price", "unit_cost", "attributes.engine",
         "attributes.on_sale_from"],
        [[p[0], p[1], p[2], money(p[3]), money(p[4]), p[5], p[6] or ""]
         for p in PRODUCTS + g["cascades"]["products"]])

    counts["communities"] = write_csv(
        os.path.join(out, "communities.csv"),
        ["id", "name", "created", "attributes.city", "attributes.type", "attributes.model",
         "attributes.platform"],
        [[cm[0], cm[1], cm[2], cm[3].get("city", ""), cm[3]["type"], cm[3].get("model", ""),
          cm[3]["platform"]] for cm in COMMUNITIES])

    counts["channels"] = write_csv(
        os.path.join(out, "channels.csv"),
        ["id", "name", "kind", "parent_id", "margin", "fixed_cost_per_year", "cost_per_unit",
         "territory"],
        channel_rows())

    counts["programs"] = write_csv(
        os.path.join(out, "programs.csv"),
        ["id", "name", "product_id", "start", "end", "attributes", "rating_min", "rating_max"],
        [[p[0], p[1], p[2], p[3], p[4], ";".join(p[5]), f"{p[6]:g}", f"{p[7]:g}"]
         for p in PROGRAMS])

    counts["transactions"] = write_csv(
        os.path.join(out, "transactions.csv"),
        ["id", "customer_id", "time", "amount", "quantity", "product_id", "channel_id"],
        [[f"T{n + 1:05d}", cid[i], iso(t), money(amt), str(q), pid, ch]
         for n, (t, i, pid, q, amt, ch) in enumerate(g["txns"])])

    counts["interactions"] = write_csv(
        os.path.join(out, "interactions.csv"),
        ["from_customer_id", "to_customer_id", "kind", "time", "community_id", "weight"],
        [[cid[i], "" if j is None else cid[j], k, iso(t), com or "",
          "" if w is None else f"{w:g}"] for t, i, j, k, com, w in g["interactions"]])

    mem = sorted(g["members"], key=lambda m: (m.com, m.joined, m.c))
    counts["memberships"] = write_csv(
        os.path.join(out, "memberships.csv"),
        ["customer_id", "community_id", "role", "joined", "left"],
        [[cid[m.c], m.com, m.role, iso_date(m.joined),
          "" if m.left is None else iso_date(m.left)] for m in mem])

    all_attrs = []
    for p in PROGRAMS:
        for a in p[5]:
            if a not in all_attrs:
                all_attrs.append(a)
    counts["feedback"] = write_csv(
        os.path.join(out, "feedback.csv"),
        ["program_id", "product_id", "customer_id"] + [f"ratings.{a}" for a in all_attrs]
        + ["would_recommend", "time", "comment"],
        [[f["program"], f["product"], cid[f["customer"]]]
         + [str(f["ratings"][a]) if a in f["ratings"] else "" for a in all_attrs]
         + ["" if f["wr"] is None else str(f["wr"]), iso(f["time"]), f["comment"]]
         for f in g["feedback"]])

    bought = {}  # customer -> [(time, amount)] in time order
    for t, i, pid, q, amt, ch in g["txns"]:
        bought.setdefault(i, []).append((t, amt))

    def credited(r):
        """A converted referral's value: the referee's first purchase after it."""
        xs = bought[r["referee"]]
        return xs[bisect.bisect_right(xs, (r["time"], float("inf")))][1]

    counts["referrals"] = write_csv(
        os.path.join(out, "referrals.csv"),
        ["referrer_id", "referee_id", "time", "converted", "value"],
        [[cid[r["referrer"]], "" if r["referee"] is None else cid[r["referee"]], iso(r["time"]),
          "true" if r["converted"] else "false",
          money(credited(r)) if r["converted"] else "0"]
         for r in g["referrals"]])

    cas = g["cascades"]
    counts["planted_influence"] = write_csv(
        os.path.join(out, "planted_influence.csv"), ["from_customer_id", "to_customer_id", "p"],
        [[cid[u], cid[v], f"{cas['p'][(u, v)]:.6f}"] for (u, v) in sorted(cas["arcs"])])
    counts["campaigns"] = write_csv(
        os.path.join(out, "campaigns.csv"),
        ["id", "name", "route", "start", "end", "spend", "community_id"],
        [[c["id"], c["name"], c["route"], c["start"], c["end"], f"{c['spend']:g}",
          c["community_id"]] for c in g["campaigns"]])
    counts["campaign_members"] = write_csv(
        os.path.join(out, "campaign_members.csv"), ["campaign_id", "customer_id", "channel_id"],
        [[c["id"], u if c["route"] == "community" else "",
          u if c["route"] == "chain" else ""] for c in g["campaigns"] for u in c["units"]])

    n_decisions = write_csv(
        os.path.join(out, "decisions.csv"),
        ["id", "program_id", "attribute", "title", "outcome", "decided", "effective", "value",
         "contributors", "before_mean", "before_sd", "before_n", "after_mean", "after_sd",
         "after_n"],
        decision_rows(g, cid))

    # ---- planted.json ----
    alive = sum(1 for c in cust if c.alive)
    n_rep = sum(len(c.repeats) for c in cust)
    lam_mean = sum(c.lam for c in cust) / len(cust)
    p_mean = sum(c.p for c in cust) / len(cust)
    conflict_customers = {}
    for t, i, pid, q, amt, ch in g["txns"]:
        if ch in CONFLICT_RETAILERS:
            conflict_customers.setdefault(i, set()).add(ch)
    shared = sum(1 for v in conflict_customers.values() if len(v) == 2)
    planted = {
        "seed": seed,
        "command": command,
        "window": {"start": "2024-01-01T00:00:00Z", "end_exclusive": "2026-01-01T00:00:00Z"},
        "bgnbd": {
            "time_unit": "week",
            "r": BGNBD["r"], "alpha": BGNBD["alpha"], "a": BGNBD["a"], "b": BGNBD["b"],
            "model": "lambda ~ Gamma(shape r, rate alpha) per week; p ~ Beta(a, b); first "
                     "purchase (the scooter) at the acquisition time; inter-purchase times "
                     "Exponential(lambda); dropout with probability p after each repeat "
                     "purchase; observed until end_exclusive. Repeat times are then snapped "
                     "to shop hours of the same day.",
            "applies_to": "the transactions of categories scooter, service, part and accessory "
                          "outside the campaigns' extra sales (base_transactions of them); "
                          "the gear cascades and the campaigns add purchases on top",
            "realised": {"customers": len(cust), "repeat_purchases": n_rep,
                         "base_transactions": g["n_base_txns"],
                         "alive_at_end": alive, "mean_lambda_per_week": round(lam_mean, 4),
                         "mean_p": round(p_mean, 4)},
        },
        "leaders": g["leaders"],
        "bridge_leaders": g["bridges"],
        "decoys": g["decoys"],
        "formal_officers_not_leaders": g["officers"],
        "collaborators": [cid[i] for i in g["collaborators"]],
        "weak_attribute": {"program_id": WEAK_ATTRIBUTE[0], "attribute": WEAK_ATTRIBUTE[1],
                           "true_means": TRUE_MEANS[WEAK_ATTRIBUTE[0]],
                           "scale": [1, 5]},
        "conflict_retailers": {"ids": list(CONFLICT_RETAILERS), "territory": CONFLICT_TERRITORY,
                               "shared_customers": shared},
        "influence": influence_truth(g),
        "campaigns": campaign_truth(g),
        "referrals": referral_truth(g),
        "counts": counts,
    }
    with open(os.path.join(out, "planted.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(planted, f, indent=2, ensure_ascii=False)
        f.write("\n")
    with open(os.path.join(out, "README.md"), "w", encoding="utf-8", newline="\n") as f:
        f.write(readme(planted, counts, command, n_decisions))
    return counts


def learner_trials(arcs, adoptions, first=None):
    """Per arc u -> v, the trials and propagations as mitra's learner counts them.

    A trial is an item u bought while v had not yet (docs/GRAPH.md); it
    propagated when v bought it within (t_u, t_u + tau].  With `first` (each
    customer's first purchase), also the trials in which v was not yet a
    customer, so could not buy.
    """
    out = {}
    for (u, v) in arcs:
        out.setdefault(u, []).append(v)
    by_item = {}
    for pid, v, t, _ in adoptions:
        by_item.setdefault(pid, {})[v] = t
    trials, props, early = {}, {}, 0
    for pid in sorted(by_item):
        a = by_item[pid]
        for u, tu in a.items():
            for v in out.get(u, ()):
                tv = a.get(v)
                if tv is not None and tv <= tu:
                    continue
                trials[(u, v)] = trials.get((u, v), 0) + 1
                if tv is not None and tv - tu <= GEAR_TAU:
                    props[(u, v)] = props.get((u, v), 0) + 1
                if first is not None and first[v] >= tu:
                    early += 1
    return trials, props, early


def influence_truth(g):
    cas = g["cascades"]
    first = {c.i: c.first for c in g["customers"]}
    trials, props, early = learner_trials(cas["arcs"], cas["adoptions"], first)
    n_trials = sum(trials.values())
    by_kind = {}
    for key, kind in cas["arcs"].items():
        d = by_kind.setdefault(kind, {"planted_mean": GEAR_P_MEAN[kind], "arcs": 0, "sum": 0.0})
        d["arcs"] += 1
        d["sum"] += cas["p"][key]
    for kind, d in by_kind.items():
        d["realised_mean_p"] = round(d.pop("sum") / d["arcs"], 5)
    launches = [ts_date(p_[6]) for p_ in cas["products"]]
    spont = sum(1 for a in cas["adoptions"] if a[3] < 0)
    return {
        "action": "purchases", "product_line": GEAR_CATEGORY, "window_seconds": GEAR_TAU,
        "split_time": iso(GEAR_SPLIT),
        "model": "independent cascades on the interaction graph's arcs u -> v (v exposed to u): "
                 "p_uv ~ Beta(mean m_kind, concentration c) by the arc's kind (the kind with "
                 "most of its default weight); a node buys an item on its own with probability "
                 "q_v = min(q_max, q0 + q1 outdeg^1.2) at launch + Exponential(21 days); when u "
                 "buys at t_u, each out-neighbour v that has not bought yet buys at t_u + "
                 "Uniform(1 h, window) with probability p_uv; only customers buy (first "
                 "purchase before the time); the same p before and after split_time",
        "p_mean_by_kind": {k: by_kind[k] for k in sorted(by_kind, key=lambda k: KIND_NUMBER[k])},
        "concentration": GEAR_CONCENTRATION,
        "spontaneous": {"q0": GEAR_Q0, "q1": GEAR_Q1, "q_max": GEAR_Q_MAX,
                        "mean_delay_days": 21},
        "items": len(cas["products"]),
        "items_launched_before_split": sum(1 for t in launches if t < GEAR_SPLIT),
        "first_launch": cas["products"][0][6], "last_launch": cas["products"][-1][6],
        "arcs": len(cas["arcs"]),
        "adoptions": len(cas["adoptions"]),
        "adoptions_before_split": sum(1 for a in cas["adoptions"] if a[2] < GEAR_SPLIT),
        "spontaneous_adoptions": spont, "influenced_adoptions": len(cas["adoptions"]) - spont,
        "arcs_with_trials": {"1+": len(trials), "10+": sum(1 for x in trials.values() if x >= 10),
                             "50+": sum(1 for x in trials.values() if x >= 50),
                             "100+": sum(1 for x in trials.values() if x >= 100),
                             "max": max(trials.values())},
        "trials": n_trials, "propagations_in_window": sum(props.values()),
        "trials_before_target_was_a_customer": early,
        "file": "planted_influence.csv (every arc of the interaction graph: from_customer_id, "
                "to_customer_id, p)",
    }


def campaign_truth(g):
    agents = [c[3] for c in CITIES]
    retailers = [r[0] for c in CITIES for r in c[4]]
    return {
        "period_seconds": WEEK, "periods_from": iso(START),
        "baseline_weeks": CAMPAIGN_BASELINE_WEEKS,
        "curves": {k: {"a": v[0], "b": v[1], "form": "total = a (1 - exp(-b spend))"}
                   for k, v in CAMPAIGN_CURVES.items()},
        "chain_units": sorted(retailers + agents),
        "community_units": sorted(g["customers"][i].id for i in
                                  panel_leaders(g["customers"], g["leaders"], g["bridges"])),
        "outcomes": {
            "chain": "money of the transactions with channel_id = the member, per week",
            "community": "money per week of the transactions of the leader's audience: the "
                         "customers who addressed at least one interaction to the leader in the "
                         "campaign's analysis window (baseline weeks + campaign weeks)"},
        "extra_sales": {"chain": "through the treated retailer, to its own customers who are in "
                                 "no planted leader's audience",
                        "community": "through ACTIVIST, by customers who addressed that treated "
                                     "leader and no other community unit in the analysis window"},
        "transactions": g["n_campaign_txns"],
        "campaigns": g["campaigns"],
    }


def referral_truth(g):
    t = g["ref_truth"]
    return {
        "count_model": dict(REFERRAL_BGNBD, time_unit="week", counts="converted referrals",
                            model="lambda ~ Gamma(shape r, rate alpha), p ~ Beta(a, b), iid per "
                                  "customer; the 34 promoters (collaborators, then informal and "
                                  "bridge leaders) hold the largest lambdas of the draws and "
                                  "the collaborators the smallest ps; from the first purchase (mitra starts at created, "
                                  "a few days earlier), converted referrals at rate lambda, "
                                  "dropout with probability p after each; until the end"),
        "realised_mean_lambda": round(t["mean_lambda"], 6),
        "realised_mean_p": round(t["mean_p"], 4),
        "joined_anyway_planted": JOINED_ANYWAY,
        "joined_anyway_rule": "a converted referral's referee had a purchase before the "
                              "referral (mitra: a purchase or membership before it); the "
                              "others are new customers created at the referral whose first "
                              "purchase comes 2-75 days after it",
        "converted": t["converted"], "joined_anyway": t["joined_anyway"],
        "joined_anyway_share": round(t["joined_anyway"] / t["converted"], 4),
        "referrers_with_converted": t["referrers"],
        "events_without_referee_written_not_converted": t["lost"],
        "value": "a converted referral's value is the referee's first purchase after it",
    }


def readme(planted, counts, command, n_decisions=0):
    L = planted["leaders"]
    leaders = "\n".join(f"  - `{k}`: {', '.join(v)}" for k, v in L.items())
    bridges = ", ".join(f"{b['customer_id']} ({' + '.join(b['communities'])})"
                        for b in planted["bridge_leaders"])
    decoys = ", ".join(f"{d['customer_id']} ({d['community_id']})" for d in planted["decoys"])
    bg = planted["bgnbd"]
    real = bg["realised"]
    inf, camp, ref = planted["influence"], planted["campaigns"], planted["referrals"]
    kinds = ", ".join(f"{k} {v['planted_mean']:g}" for k, v in inf["p_mean_by_kind"].items())
    camps = "\n".join(
        f"  - `{c['id']}` ({c['route']}, {c['start']} .. {c['end']}, spend {c['spend']:g}): "
        f"{', '.join(c['units'])}; +{c['per_unit_week']:.2f} per unit-week, total "
        f"{c['total']:.2f}" for c in camp["campaigns"])
    return f"""# Sample data: "Mio", a scooter brand in Indonesia

Synthetic data for trying mitra end to end (`mitra import data/sample`). Every file
is generated; do not edit by hand. Regenerate from the repository root with

    {command}

(Python 3 standard library only; the same seed gives byte-identical files, and the
script re-checks what it wrote; `--check` checks an existing directory). The story
and every planted signal are documented at the top of
`scripts/generate_sample_data.py`; the ground truth is in `planted.json`.
The format is the one of `docs/CSV.md`. Times are UTC; the data covers
2024-01-01 .. 2025-12-31. Money is in one small unit (scooters 1,250-2,450; parts,
service and accessories 5-180).

| file | rows | what it holds |
|---|---:|---|
| customers.csv | {counts['customers']} | scooter owners in eight cities; `created` = first contact; attributes city, segment, age_band |
| products.csv | {counts['products']} | five scooter models (incl. the electric Mio E on trial), service, parts, accessories, and 240 club gear drops (category `gear`, each with its launch date) with unit price and cost |
| channels.csv | {counts['channels']} | producer -> 3 wholesalers -> 8 agents -> 24 retailers (`parent_id`), plus `DIRECT` (online store) and `ACTIVIST` (community activists); margins, fixed and per-unit costs, territories |
| communities.csv | {counts['communities']} | six city owners' clubs and two model clubs |
| memberships.csv | {counts['memberships']} | who belongs to which community, role, joined, left |
| transactions.csv | {counts['transactions']} | first purchase (a scooter) then repeat purchases from a BG/NBD process, plus club gear bought through influence cascades and the past campaigns' extra sales; `channel_id` = who sold it |
| interactions.csv | {counts['interactions']} | replies, mentions, likes, endorsements (some weighted), shares, messages, flags, posts and visits inside communities; one `referral` interaction (no community) per converted referral |
| referrals.csv | {counts['referrals']} | referrals, mostly by informal leaders and other promoters; a converted one names a new customer whose first purchase comes after it or (about 30 %) one already buying, and its value is the referee's first purchase after it |
| programs.csv | {counts['programs']} | two co-creation programs: SEAT-2024 (seat trial, scale 1..10) and ADV-2025 (Mio E Advisor panel, scale 1..5) |
| feedback.csv | {counts['feedback']} | ratings per attribute, would_recommend 0..10 (empty = not asked), comments (some with commas, quotes and line breaks) |
| decisions.csv | {n_decisions} | decisions taken on the programs' feedback (not a workspace record: read by `mitra cocreation --decisions` and `mitra report --decisions`; see `DECISIONS` in the generator): adopted or rejected, value, contributors (the respondents whose comment names the attribute), and for the fast charger a given before/after measure whose "after" is a follow-up panel not in feedback.csv |
| campaigns.csv | {counts['campaigns']} | past campaigns (not yet a workspace record; the importer ignores unknown files): id, name, route (`chain` or `community`), start, end (dates, end exclusive), spend, community_id |
| campaign_members.csv | {counts['campaign_members']} | who each campaign treated: a retailer (`channel_id`, chain) or an informal leader (`customer_id`, community) |
| planted_influence.csv | {counts['planted_influence']} | the planted p of every arc of the interaction graph (from_customer_id, to_customer_id, p): truth for learning influence, not a workspace record |
| planted.json | - | the ground truth below, machine-readable |

## Planted signals

- **BG/NBD truth** (per week): r = {bg['r']}, alpha = {bg['alpha']}, a = {bg['a']},
  b = {bg['b']}; realised: {real['repeat_purchases']} repeat purchases,
  {real['alive_at_end']} of {real['customers']} customers alive at the end.
- **Informal leaders** (2-3 per community; role `member`, not the officers):
{leaders}
- **Bridge leaders** (members and leaders of two communities): {bridges}.
- **Decoys**, loud but untrusted (most posts and replies, many flags, few
  endorsements): {decoys}.
- **Collaborators** (answer both programs, refer, active members, loyal buyers):
  {', '.join(planted['collaborators'])}.
- **Weak attribute**: `{planted['weak_attribute']['attribute']}` in
  `{planted['weak_attribute']['program_id']}` (true mean 2.2 of 5; the others 3.3-4.1).
- **Channel conflict**: {' and '.join(planted['conflict_retailers']['ids'])} share the territory
  `{planted['conflict_retailers']['territory']}` and
  {planted['conflict_retailers']['shared_customers']} customers; they also run the
  thinnest retail margins (0.10, 0.11).
- **Influence cascades** (truth in `planted_influence.csv`): {inf['items']} club gear drops
  (products `GR-001`.. of category `{inf['product_line']}`, launched
  {inf['first_launch']} .. {inf['last_launch']}, sold by the buyer's home retailer) spread over the
  interaction graph's {inf['arcs']} arcs u -> v (v is exposed to u). Each arc's p ~
  Beta(mean by its kind, concentration {inf['concentration']:g}): {kinds}. A node buys on
  its own with probability min({inf['spontaneous']['q_max']}, {inf['spontaneous']['q0']} +
  {inf['spontaneous']['q1']} x out-degree^1.2) per item; when u buys at t_u, each exposed v
  that has not bought yet buys at t_u + Uniform(1 h, 7 days) with probability p_uv; only
  customers buy. {inf['adoptions']} adoptions ({inf['influenced_adoptions']} through an arc);
  {inf['arcs_with_trials']['1+']} arcs have a trial, {inf['arcs_with_trials']['10+']} at
  least 10, {inf['arcs_with_trials']['100+']} at least 100. To learn it: action purchases,
  `product_line` = `{inf['product_line']}`, window 7 days ({inf['window_seconds']} s);
  holdout split {inf['split_time']} (the cascades go on with the same p after it;
  {inf['items_launched_before_split']} items launch before it). Of the
  {inf['trials']} trials, {inf['trials_before_target_was_a_customer']} come before the
  exposed customer bought the scooter (she could not buy yet: a failure to the learner).
- **Past campaigns** (weekly periods from 2024-01-01; {camp['baseline_weeks']} baseline weeks
  before each; no other campaign of the route in a campaign's window). The extra money
  per treated unit and week is exact and comes from the route's curve
  total = a (1 - e^(-b spend)): chain a = {camp['curves']['chain']['a']:g},
  b = {camp['curves']['chain']['b']:g}; community a = {camp['curves']['community']['a']:g},
  b = {camp['curves']['community']['b']:g}.
{camps}
  Chain outcome: money with `channel_id` = the retailer per week (comparison: the other
  retailers and agents); the extra sales go through the treated retailer to its own
  customers outside every leader's audience. Community outcome: money per week of the
  leader's audience (who addressed it in the campaign's baseline + campaign weeks;
  comparison: the other informal and bridge leaders); the extra sales go through
  `ACTIVIST`, bought by customers who addressed that leader and no other of them in
  the window. A leader's audience drawn over the window also takes in newcomers whose
  first purchase (a scooter) lies in the baseline; `--check`'s own difference in
  differences therefore counts only customers who bought before the window.
- **Referrals**: converted referrals per customer follow BG/NBD per week
  (r = {ref['count_model']['r']}, alpha = {ref['count_model']['alpha']}, a = {ref['count_model']['a']},
  b = {ref['count_model']['b']}) from the first purchase; the 34 promoters (informal and bridge
  leaders, collaborators) hold the largest rates of the iid draws, the collaborators also
  the smallest dropouts.
  A planted {ref['joined_anyway_planted']} of converted referrals name a referee who already
  bought before the referral ("joined anyway"): realised {ref['joined_anyway']} of
  {ref['converted']} ({ref['joined_anyway_share']}); the others name a new customer created at
  the referral whose scooter comes 2-75 days later. A converted referral's value is the
  referee's first purchase after it.
- The BG/NBD truth above is that of the {bg['realised']['base_transactions']} base transactions;
  gear and campaign sales come on top.
"""


# --------------------------------------------------------------------------
# Checking
# --------------------------------------------------------------------------

ALLOWED = {
    "customers": (["id"], ["id", "created"], True),
    "products": (["id"], ["id", "name", "category", "unit_price", "unit_cost"], True),
    "communities": (["id"], ["id", "name", "created"], True),
    "channels": (["id", "kind"], ["id", "name", "kind", "parent_id", "margin",
                                  "fixed_cost_per_year", "cost_per_unit", "territory"], True),
    "programs": (["id"], ["id", "name", "product_id", "start", "end", "attributes", "rating_min",
                          "rating_max"], False),
    "transactions": (["customer_id", "time", "amount"],
                     ["id", "customer_id", "time", "amount", "quantity", "product_id",
                      "channel_id"], False),
    "interactions": (["from_customer_id", "kind", "time"],
                     ["from_customer_id", "to_customer_id", "kind", "time", "community_id",
                      "weight"], False),
    "memberships": (["customer_id", "community_id"],
                    ["customer_id", "community_id", "role", "joined", "left"], False),
    "feedback": (["program_id", "customer_id"],
                 ["program_id", "product_id", "customer_id", "would_recommend", "time",
                  "comment"], False),
    "referrals": (["referrer_id"], ["referrer_id", "referee_id", "time", "converted", "value"],
                  False),
}
MIN_T = ts(1900, 1, 1)
MAX_T = ts(2200, 1, 1)


def parse_time(s):
    if s.lstrip("-").isdigit():
        return int(s)
    if len(s) == 10:
        return ts_date(s)
    if len(s) == 20 and s[10] == "T" and s.endswith("Z"):
        d = _dt.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=_dt.timezone.utc)
        return int(d.timestamp())
    raise ValueError(f"not a time: {s!r}")


def check(out):
    """Re-read every CSV and check the rules; returns a list of problems."""
    problems = []
    data = {}
    for kind, (required, cols, attrs_ok) in ALLOWED.items():
        path = os.path.join(out, f"{kind}.csv")
        with open(path, encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        header, body = rows[0], rows[1:]
        for h in header:
            ok = h in cols or (attrs_ok and h.startswith("attributes.")) or \
                (kind == "feedback" and h.startswith("ratings."))
            if not ok:
                problems.append(f"{kind}.csv: unknown column {h!r}")
        for r in required:
            if r not in header:
                problems.append(f"{kind}.csv: required column {r!r} missing")
        recs = []
        for n, row in enumerate(body, start=2):
            if len(row) != len(header):
                problems.append(f"{kind}.csv:{n}: {len(row)} cells, header has {len(header)}")
                continue
            recs.append((n, dict(zip(header, row))))
        data[kind] = recs

    def bad(kind, n, col, msg):
        problems.append(f"{kind}.csv:{n} ({col}): {msg}")

    def idok(s):
        return 0 < len(s.encode("utf-8")) <= 256 and all(ord(ch) >= 32 and ord(ch) != 127
                                                           for ch in s)

    def num(kind, n, col, s, lo=0.0, hi=None, empty_ok=True):
        if s == "":
            if not empty_ok:
                bad(kind, n, col, "empty")
            return None
        try:
            v = float(s)
        except ValueError:
            bad(kind, n, col, f"not a number: {s!r}")
            return None
        if not math.isfinite(v) or v < lo or (hi is not None and v > hi):
            bad(kind, n, col, f"out of range: {s!r}")
        return v

    def tm(kind, n, col, s, empty_ok=True, window=True):
        if s == "":
            if not empty_ok:
                bad(kind, n, col, "empty")
            return None
        try:
            t = parse_time(s)
        except ValueError:
            bad(kind, n, col, f"not a time: {s!r}")
            return None
        if not MIN_T <= t < MAX_T:
            bad(kind, n, col, f"outside 1900..2200: {s!r}")
        if window and not START <= t < END:
            bad(kind, n, col, f"outside the story window 2024..2025: {s!r}")
        return t

    ids = {}
    for kind in ("customers", "products", "communities", "channels", "programs"):
        seen = {}
        for n, r in data[kind]:
            if not idok(r["id"]):
                bad(kind, n, "id", f"bad id {r['id']!r}")
            if r["id"] in seen:
                bad(kind, n, "id", f"duplicate id {r['id']!r} (line {seen[r['id']]})")
            seen[r["id"]] = n
        ids[kind] = seen

    def ref(kind, n, col, s, target, required):
        if s == "":
            if required:
                bad(kind, n, col, "required reference is empty")
            return
        if s not in ids[target]:
            bad(kind, n, col, f"unknown {target} id {s!r}")

    created = {}
    for n, r in data["customers"]:
        created[r["id"]] = tm("customers", n, "created", r["created"])
        for k, v in r.items():
            if k.startswith("attributes.") and not idok(k[len("attributes."):]):
                bad("customers", n, k, "bad attribute key")
    for n, r in data["products"]:
        num("products", n, "unit_price", r["unit_price"])
        num("products", n, "unit_cost", r["unit_cost"])
    com_created = {}
    for n, r in data["communities"]:
        com_created[r["id"]] = tm("communities", n, "created", r["created"], window=False)
    parents = {}
    for n, r in data["channels"]:
        if r["kind"] not in ("producer", "wholesaler", "agent", "retailer", "community_activist",
                             "direct"):
            bad("channels", n, "kind", f"unknown kind {r['kind']!r}")
        ref("channels", n, "parent_id", r["parent_id"], "channels", False)
        parents[r["id"]] = r["parent_id"]
        m = num("channels", n, "margin", r["margin"])
        if m is not None and m >= 1:
            bad("channels", n, "margin", "must be < 1")
        num("channels", n, "fixed_cost_per_year", r["fixed_cost_per_year"])
        num("channels", n, "cost_per_unit", r["cost_per_unit"])
    for start in parents:
        x, hops = start, 0
        while x and hops <= len(parents):
            x, hops = parents.get(x, ""), hops + 1
        if x:
            problems.append(f"channels.csv: parent chain of {start!r} loops")
    scales = {}
    for n, r in data["programs"]:
        ref("programs", n, "product_id", r["product_id"], "products", False)
        s = tm("programs", n, "start", r["start"], empty_ok=False)
        e = tm("programs", n, "end", r["end"])
        if s is not None and e is not None and e < s:
            bad("programs", n, "end", "before start")
        lo = num("programs", n, "rating_min", r["rating_min"]) or 0.0
        hi = num("programs", n, "rating_max", r["rating_max"]) or 0.0
        if lo == 0 and hi == 0:
            lo, hi = 1.0, 5.0
        scales[r["id"]] = (lo, hi, set(r["attributes"].split(";")) if r["attributes"] else set(),
                           s, e)

    first_purchase = {}
    first_amount = {}
    tx_ids = {}
    purchases = {}  # customer -> [(time, amount)] sorted
    for n, r in data["transactions"]:
        try:
            purchases.setdefault(r["customer_id"], []).append((parse_time(r["time"]),
                                                               float(r["amount"])))
        except ValueError:
            pass
        if r["id"]:
            if r["id"] in tx_ids:
                bad("transactions", n, "id", f"duplicate id {r['id']!r}")
            tx_ids[r["id"]] = n
        ref("transactions", n, "customer_id", r["customer_id"], "customers", True)
        ref("transactions", n, "product_id", r["product_id"], "products", False)
        ref("transactions", n, "channel_id", r["channel_id"], "channels", False)
        t = tm("transactions", n, "time", r["time"], empty_ok=False)
        a = num("transactions", n, "amount", r["amount"], empty_ok=False)
        num("transactions", n, "quantity", r["quantity"])
        c = r["customer_id"]
        if t is not None and (c not in first_purchase or t < first_purchase[c]):
            first_purchase[c] = t
            first_amount[c] = a
        if t is not None and created.get(c) is not None and t < created[c]:
            bad("transactions", n, "time", f"before customer {c} was created")
    for xs in purchases.values():
        xs.sort()
    for c in ids["customers"]:
        if c not in first_purchase:
            problems.append(f"customer {c} has no purchase")

    spans = {}
    for n, r in data["memberships"]:
        ref("memberships", n, "customer_id", r["customer_id"], "customers", True)
        ref("memberships", n, "community_id", r["community_id"], "communities", True)
        if r["role"] not in ("", "member", "moderator", "organizer"):
            bad("memberships", n, "role", f"unknown role {r['role']!r}")
        j = tm("memberships", n, "joined", r["joined"], empty_ok=False)
        lt = tm("memberships", n, "left", r["left"])
        if j is not None and lt is not None and lt < j:
            bad("memberships", n, "left", "before joined")
        if j is not None and com_created.get(r["community_id"]) is not None \
                and j < com_created[r["community_id"]]:
            bad("memberships", n, "joined", "before the community was created")
        fp = first_purchase.get(r["customer_id"])
        if j is not None and fp is not None and j + DAY <= fp:
            bad("memberships", n, "joined", "before the customer's scooter purchase")
        key = (r["customer_id"], r["community_id"])
        if key in spans:
            bad("memberships", n, "customer_id", "member twice of the same community")
        spans[key] = (j, END if lt is None else lt)

    kinds = ("reply", "mention", "like", "endorsement", "referral", "visit", "post", "share",
             "message", "flag")
    for n, r in data["interactions"]:
        k = r["kind"]
        if k not in kinds:
            bad("interactions", n, "kind", f"unknown kind {k!r}")
        ref("interactions", n, "from_customer_id", r["from_customer_id"], "customers", True)
        ref("interactions", n, "to_customer_id", r["to_customer_id"], "customers",
            k not in ("visit", "post"))
        if k in ("visit", "post") and r["to_customer_id"]:
            bad("interactions", n, "to_customer_id", "visit/post with a target")
        if r["to_customer_id"] == r["from_customer_id"]:
            bad("interactions", n, "to_customer_id", "self-interaction")
        ref("interactions", n, "community_id", r["community_id"], "communities", False)
        t = tm("interactions", n, "time", r["time"], empty_ok=False)
        if r["weight"]:
            w = num("interactions", n, "weight", r["weight"])
            if w is not None and w <= 0:
                bad("interactions", n, "weight", "must be > 0")
        if r["community_id"] and t is not None:
            for who in (r["from_customer_id"], r["to_customer_id"]):
                if not who:
                    continue
                sp = spans.get((who, r["community_id"]))
                if sp is None or not (sp[0] <= t < sp[1]):
                    bad("interactions", n, "time",
                        f"{who} is not a member of {r['community_id']} then")

    answered = set()
    for n, r in data["feedback"]:
        ref("feedback", n, "program_id", r["program_id"], "programs", True)
        ref("feedback", n, "product_id", r["product_id"], "products", False)
        ref("feedback", n, "customer_id", r["customer_id"], "customers", True)
        t = tm("feedback", n, "time", r["time"])
        sc = scales.get(r["program_id"])
        for k, v in r.items():
            if not k.startswith("ratings.") or v == "":
                continue
            if sc is None:
                continue
            name = k[len("ratings."):]
            if sc[2] and name not in sc[2]:
                bad("feedback", n, k, f"program {r['program_id']} does not rate {name!r}")
            num("feedback", n, k, v, lo=sc[0], hi=sc[1])
        if r["would_recommend"] != "":
            if not r["would_recommend"].isdigit() or int(r["would_recommend"]) > 10:
                bad("feedback", n, "would_recommend", f"not 0..10: {r['would_recommend']!r}")
        if sc is not None and t is not None and sc[3] is not None:
            if t < sc[3] or (sc[4] is not None and t > sc[4]):
                bad("feedback", n, "time", "outside the program's run")
        key = (r["program_id"], r["customer_id"])
        if key in answered:
            bad("feedback", n, "customer_id", "answered twice")
        answered.add(key)
        if len(r["comment"].encode("utf-8")) > 64 * 1024:
            bad("feedback", n, "comment", "longer than 64 KiB")

    referees = set()
    referees_active = 0
    joined_first = {}
    for n, r in data["memberships"]:
        j = parse_time(r["joined"]) if r["joined"] else END
        joined_first[r["customer_id"]] = min(joined_first.get(r["customer_id"], END), j)
    for n, r in data["referrals"]:
        ref("referrals", n, "referrer_id", r["referrer_id"], "customers", True)
        conv = r["converted"]
        if conv not in ("true", "false", "1", "0", ""):
            bad("referrals", n, "converted", f"not a bool: {conv!r}")
        conv = conv in ("true", "1")
        ref("referrals", n, "referee_id", r["referee_id"], "customers", conv)
        if r["referee_id"] and r["referee_id"] == r["referrer_id"]:
            bad("referrals", n, "referee_id", "self-referral")
        t = tm("referrals", n, "time", r["time"], empty_ok=False)
        v = num("referrals", n, "value", r["value"])
        if t is not None and first_purchase.get(r["referrer_id"], END) > t:
            bad("referrals", n, "time", "before the referrer's own first purchase")
        if conv:
            e = r["referee_id"]
            if e in referees:
                bad("referrals", n, "referee_id", f"{e} converted twice")
            referees.add(e)
            fp = first_purchase.get(e)
            if fp is None or t is None:
                continue
            # mitra's rule: already active = a purchase or a membership before it.
            if fp < t or joined_first.get(e, END) < t:
                referees_active += 1
            xs = purchases.get(e, [])
            k = bisect.bisect_right(xs, (t, float("inf")))
            if k == len(xs):
                bad("referrals", n, "referee_id", "no purchase of the referee after it")
            elif v is not None and abs(v - xs[k][1]) > 0.005:
                bad("referrals", n, "value", "not the referee's first purchase after it")
            if fp > t and created.get(e) is not None and created[e] > t:
                bad("referrals", n, "time", "referee created after the referral")
        elif v:
            bad("referrals", n, "value", "non-converted referral with a value")

    planted = {}
    if os.path.exists(os.path.join(out, "planted.json")):
        with open(os.path.join(out, "planted.json"), encoding="utf-8") as f:
            planted = json.load(f)
    if "referrals" in planted:
        pr = planted["referrals"]
        if (len(referees), referees_active) != (pr["converted"], pr["joined_anyway"]):
            problems.append(f"referrals: {len(referees)} converted, {referees_active} already "
                            f"active; planted.json says {pr['converted']}, {pr['joined_anyway']}")
    problems += check_new_files(out, data, ids, planted)

    for name in os.listdir(out):
        with open(os.path.join(out, name), "rb") as f:
            if b"\r\n" in f.read():
                problems.append(f"{name}: CRLF line ends")
    return problems, {k: len(v) for k, v in data.items()}


def betainc(a, b, x):
    """The regularised incomplete beta I_x(a, b) (continued fraction, modified Lentz)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    if x > (a + 1.0) / (a + b + 2.0):
        return 1.0 - betainc(b, a, 1.0 - x)
    lbeta = math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
    front = math.exp(a * math.log(x) + b * math.log(1.0 - x) - lbeta) / a
    tiny = 1e-300
    f, c, d = 1.0, 1.0, 0.0
    for i in range(400):
        m = i // 2
        if i == 0:
            num = 1.0
        elif i % 2 == 0:
            num = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
        else:
            num = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
        d = 1.0 + num * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + num / c
        c = c if abs(c) > tiny else tiny
        f *= c * d
        if abs(1.0 - c * d) < 1e-14:
            break
    return front * (f - 1.0)


def t_quantile(q, df):
    """The Student t quantile for q in (0.5, 1), by bisection on the CDF."""
    lo, hi = 0.0, 1e4
    for _ in range(200):
        mid = (lo + hi) / 2
        cdf = 1.0 - 0.5 * betainc(df / 2.0, 0.5, df / (df + mid * mid))
        lo, hi = (mid, hi) if cdf < q else (lo, mid)
    return (lo + hi) / 2


def did(treated, comparison, confidence=0.95):
    """Difference in differences of per-unit (post - pre) changes, clustered by unit."""
    def mv(xs):
        m = sum(xs) / len(xs)
        return m, sum((x - m) ** 2 for x in xs) / (len(xs) - 1)
    mt, vt = mv(treated)
    mc, vc = mv(comparison)
    nt, nc = len(treated), len(comparison)
    se = math.sqrt(vt / nt + vc / nc)
    df = (vt / nt + vc / nc) ** 2 / ((vt / nt) ** 2 / (nt - 1) + (vc / nc) ** 2 / (nc - 1))
    tq = t_quantile(0.5 + confidence / 2, df)
    e = mt - mc
    return {"effect": e, "se": se, "df": df, "low": e - tq * se, "high": e + tq * se}


def campaign_did(out, data, planted, established=False):
    """Re-estimate every planted campaign's effect per unit-week from the files.

    The community outcome is the audience's money; with `established` the
    audience keeps only customers whose first purchase precedes the analysis
    window (a newcomer's first purchase, a scooter, lands in the baseline
    of the leaders whose club is growing, a pre/post drift that is not the
    campaign's).
    """
    pc = planted["campaigns"]
    base = parse_time(pc["periods_from"])
    period, bw = pc["period_seconds"], pc["baseline_weeks"]
    with open(os.path.join(out, "campaigns.csv"), encoding="utf-8", newline="") as f:
        camps = list(csv.DictReader(f))
    with open(os.path.join(out, "campaign_members.csv"), encoding="utf-8", newline="") as f:
        members = list(csv.DictReader(f))
    treated = {}
    for m in members:
        treated.setdefault(m["campaign_id"], []).append(m["channel_id"] or m["customer_id"])
    txs = [(parse_time(r["time"]), r["customer_id"], r["channel_id"], float(r["amount"]))
           for _, r in data["transactions"]]
    ixs = [(parse_time(r["time"]), r["from_customer_id"], r["to_customer_id"])
           for _, r in data["interactions"] if r["to_customer_id"]]
    by_channel = {}
    for t, c, ch, a in txs:
        w = (t - base) // period
        by_channel[(ch, w)] = by_channel.get((ch, w), 0.0) + a
    by_customer, first = {}, {}
    for t, c, ch, a in txs:
        first[c] = min(first.get(c, t), t)
        w = (t - base) // period
        by_customer[(c, w)] = by_customer.get((c, w), 0.0) + a
    spans = {c["id"]: (parse_time(c["start"]), parse_time(c["end"])) for c in camps}
    planted_of = {c["id"]: c for c in pc["campaigns"]}
    results = []
    for c in camps:
        start, end = spans[c["id"]]
        lo = start - bw * period
        w0, w1, w2 = (lo - base) // period, (start - base) // period, (end - base) // period
        busy = set()  # units of the route treated by a campaign overlapping the window
        for o in camps:
            if o["route"] == c["route"] and spans[o["id"]][0] < end and spans[o["id"]][1] > lo:
                busy |= set(treated.get(o["id"], ()))
        units = pc["chain_units"] if c["route"] == "chain" else pc["community_units"]
        if c["route"] == "chain":
            def outcome(u, w):
                return by_channel.get((u, w), 0.0)
        else:
            aud = {}
            for t, i, j in ixs:
                if lo <= t < end and (not established or first[i] < lo):
                    aud.setdefault(j, set()).add(i)

            def outcome(u, w, aud=aud):
                return sum(by_customer.get((x, w), 0.0) for x in aud.get(u, ()))

        def change(u):
            pre = sum(outcome(u, w) for w in range(w0, w1)) / (w1 - w0)
            post = sum(outcome(u, w) for w in range(w1, w2)) / (w2 - w1)
            return post - pre
        tr = [change(u) for u in treated[c["id"]]]
        co = [change(u) for u in units if u not in busy]
        r = did(tr, co)
        r.update(id=c["id"], route=c["route"], planted=planted_of[c["id"]]["per_unit_week"],
                 treated=len(tr), comparison=len(co))
        results.append(r)
    return results


def check_new_files(out, data, ids, planted):
    """The sample's truth files and the campaign files (not yet workspace records)."""
    problems = []

    def rows_of(name, header):
        path = os.path.join(out, name)
        if not os.path.exists(path):
            problems.append(f"{name}: missing")
            return []
        with open(path, encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        if rows[0] != header:
            problems.append(f"{name}: header {rows[0]} is not {header}")
            return []
        return [(n, dict(zip(header, r))) for n, r in enumerate(rows[1:], start=2)]

    # planted_influence.csv: exactly the interaction graph's arcs, p in [0, 1].
    arcs = set()
    for _, r in data["interactions"]:
        if r["to_customer_id"] and INTERACTION_KIND_WEIGHTS.get(r["kind"], 0.0) > 0:
            arcs.add((r["from_customer_id"], r["to_customer_id"]))
    seen = set()
    for n, r in rows_of("planted_influence.csv", ["from_customer_id", "to_customer_id", "p"]):
        key = (r["from_customer_id"], r["to_customer_id"])
        if key not in arcs:
            problems.append(f"planted_influence.csv:{n}: {key} is not an arc")
        if key in seen:
            problems.append(f"planted_influence.csv:{n}: {key} twice")
        seen.add(key)
        if not 0.0 <= float(r["p"]) <= 1.0:
            problems.append(f"planted_influence.csv:{n}: p out of [0, 1]")
    if seen != arcs:
        problems.append(f"planted_influence.csv: {len(arcs - seen)} arcs without a p")

    camp_route = {}
    for n, r in rows_of("campaigns.csv", ["id", "name", "route", "start", "end", "spend",
                                          "community_id"]):
        where = f"campaigns.csv:{n}"
        if r["id"] in camp_route:
            problems.append(f"{where}: duplicate id {r['id']!r}")
        if r["route"] not in ("chain", "community"):
            problems.append(f"{where}: route {r['route']!r}")
        camp_route[r["id"]] = r["route"]
        if parse_time(r["end"]) <= parse_time(r["start"]):
            problems.append(f"{where}: end not after start")
        if not float(r["spend"]) > 0:
            problems.append(f"{where}: spend must be > 0")
        if r["community_id"] and r["community_id"] not in ids["communities"]:
            problems.append(f"{where}: unknown community {r['community_id']!r}")
    for n, r in rows_of("campaign_members.csv", ["campaign_id", "customer_id", "channel_id"]):
        where = f"campaign_members.csv:{n}"
        route = camp_route.get(r["campaign_id"])
        if route is None:
            problems.append(f"{where}: unknown campaign {r['campaign_id']!r}")
        if bool(r["customer_id"]) == bool(r["channel_id"]):
            problems.append(f"{where}: exactly one of customer_id, channel_id")
        elif route == "chain" and r["channel_id"] not in ids["channels"]:
            problems.append(f"{where}: a chain campaign treats a known channel")
        elif route == "community" and r["customer_id"] not in ids["customers"]:
            problems.append(f"{where}: a community campaign treats a known customer")
    if problems or "campaigns" not in planted:
        return problems
    print("campaign DiD on the files (effect per treated unit-week, 95% interval); community "
          "audiences as defined (all who addressed the leader in the window):")
    for r in campaign_did(out, data, planted):
        if r["route"] == "community":
            print(f"  {r['id']:12s} {r['route']:9s} planted {r['planted']:9.2f}  estimate "
                  f"{r['effect']:9.2f}  se {r['se']:8.2f}  [{r['low']:9.2f}, {r['high']:9.2f}]")
    print("and with audiences of established customers (first purchase before the window):")
    for r in campaign_did(out, data, planted, established=True):
        ok = r["low"] <= r["planted"] <= r["high"]
        print(f"  {r['id']:12s} {r['route']:9s} planted {r['planted']:9.2f}  estimate "
              f"{r['effect']:9.2f}  se {r['se']:8.2f}  df {r['df']:5.1f}  "
              f"[{r['low']:9.2f}, {r['high']:9.2f}]  {r['treated']} vs {r['comparison']}"
              f"  {'ok' if ok else 'MISSED'}")
        if not ok:
            problems.append(f"campaign {r['id']}: planted {r['planted']} outside the DiD "
                            f"interval [{r['low']:.2f}, {r['high']:.2f}]")
    return problems


# --------------------------------------------------------------------------


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=SEED_DEFAULT)
    ap.add_argument("--out", default=None,
                    help="output directory (default: data/sample under the repository root; "
                         "a relative path is taken from the repository root)")
    ap.add_argument("--check", action="store_true",
                    help="only check the CSV files already in --out")
    args = ap.parse_args(argv)
    out = OUT_DEFAULT if args.out is None else (
        args.out if os.path.isabs(args.out) else os.path.join(REPO_ROOT, args.out))
    if not args.check:
        command = "/usr/bin/python3 scripts/generate_sample_data.py " \
                  f"--seed {args.seed} --out data/sample"
        g = generate(args.seed)
        write_all(g, out, args.seed, command)
    problems, counts = check(out)
    total = 0
    for name in sorted(os.listdir(out)):
        size = os.path.getsize(os.path.join(out, name))
        total += size
        rows = counts.get(name[:-4], "")
        print(f"{name:20s} {size:10d} bytes  {rows}")
    print(f"{'total':20s} {total:10d} bytes")
    for p in problems[:50]:
        print("PROBLEM:", p, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s)", file=sys.stderr)
        return 1
    print("check: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
