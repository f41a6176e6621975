#!/usr/bin/env bash
# The mitra command line: help, import, info, export, report, and its errors.
set -uo pipefail
mitra=$1 sample=$2 work=$3
. "$(dirname "$(readlink -f "$0")")/expect.sh"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
expect 0 'Commands:' -- "$mitra" --help
expect 2 'Usage: mitra' -- "$mitra"
expect 0 'mitra import -o SNAPSHOT' -- "$mitra" help import
expect 0 'Usage: mitra report' -- "$mitra" report --help
expect 2 'no command "frobnicate"' -- "$mitra" frobnicate
expect 2 'no command "\\u202efrob"' -- "$mitra" $'\xe2\x80\xaefrob'
expect 0 '^mitra [0-9]+\.[0-9]+\.[0-9]+$' -- "$mitra" --version
expect 0 'wrote s.mitra \(101873 records\)' -- "$mitra" import -o s.mitra "$sample"
expect 0 'customers +5000' -- "$mitra" info s.mitra
expect 0 'campaign_members +[0-9]+' -- "$mitra" info s.mitra
expect_again 0 'Communities \(8\)' -- "$mitra" report s.mitra
expect 0 'Referrals' -- "$mitra" report "$sample"
expect 0 'customers +5000' -- "$mitra" import -o k.mitra customers="$sample/customers.csv"
expect 2 'needs -o' -- "$mitra" import "$sample"
# Campaigns and their members, from a folder: four retailers over four
# days, r1 and r2 treated on days 2 and 3 (daily sales r1 10 10 30 30, r2 20
# 30 50 48, r3 10 10 12 14, r4 5 7 6 10): effect (20 + 24) / 2 - (3 + 2) / 2
# = 19.5 per retailer and day, 78 in all for a spend of 100.
mkdir -p camp
printf 'id\nc1\n' > camp/customers.csv
printf 'id,kind,margin\nr1,retailer,0.1\nr2,retailer,0.1\nr3,retailer,0.1\nr4,retailer,0.1\n' > camp/channels.csv
{ echo customer_id,channel_id,time,amount
  d=0; for a in 10 10 30 30; do echo "c1,r1,2024-01-0$((d + 1))T01:00:00Z,$a"; d=$((d + 1)); done
  d=0; for a in 20 30 50 48; do echo "c1,r2,2024-01-0$((d + 1))T01:00:00Z,$a"; d=$((d + 1)); done
  d=0; for a in 10 10 12 14; do echo "c1,r3,2024-01-0$((d + 1))T01:00:00Z,$a"; d=$((d + 1)); done
  d=0; for a in 5 7 6 10; do echo "c1,r4,2024-01-0$((d + 1))T01:00:00Z,$a"; d=$((d + 1)); done
} > camp/transactions.csv
printf 'id,name,route,start,end,spend,community_id\npush,Dealer push,chain,2024-01-03,2024-01-05,100,\n' > camp/campaigns.csv
printf 'campaign_id,customer_id,channel_id\npush,,r1\npush,,r2\n' > camp/campaign_members.csv
expect 0 'campaign_members +2$' -- "$mitra" import -o c.mitra camp
expect 0 'push +chain +100 +2/2 +19\.50 \[-0\.74, 39\.74\]' -- "$mitra" channels c.mitra --campaign-effects --start 2024-01-01 --period day --baseline 2
expect 0 '"total": 78' -- "$mitra" channels c.mitra --campaign-effects --start 2024-01-01 --period day --baseline 2 --format json
expect 0 'note: no chain curve' -- "$mitra" channels camp --campaign-effects --start 2024-01-01 --period day --baseline 2
expect 1 'request\.period_seconds: must be 3600' -- "$mitra" channels c.mitra --campaign-effects --period 60
expect 0 'note: budget split: campaign curves were asked for' -- "$mitra" channels c.mitra --budget 100 --campaign-curves --start 2024-01-01 --period day --baseline 2
# A bad row: the error names file, line and column; nothing is written.
mkdir bad && printf 'id\nc1\n' > bad/customers.csv
printf 'customer_id,time,amount\nc1,2024-01-01,5\nc1,2024-01-02,oops\n' > bad/transactions.csv
expect 1 'bad/transactions.csv:3:3 \(amount\): not a number' -- "$mitra" import -o bad.mitra bad
[ ! -e bad.mitra ] && ok || bad "a failed import left bad.mitra behind"
# A truncated snapshot is refused.
head -c 1000 s.mitra > cut.mitra
expect 1 'DATA_LOSS: .*truncated or corrupted' -- "$mitra" info cut.mitra
expect 1 'NOT_FOUND' -- "$mitra" info missing.mitra
"$mitra" export k.mitra -o k.json && /usr/bin/python3 -c "import json,sys; d=json.load(open('k.json')); sys.exit(0 if len(d['customers'])==5000 else 1)" && ok || bad "export JSON"
# Customer value: models and holdout on stdout with -o, one row per customer.
expect 0 'purchase model BG_NBD: r=' -- "$mitra" value s.mitra --calibration-end 2025-06-30 --holdout-end 2025-12-31 -o v.csv
expect 0 'holdout \(26\.[0-9]+ units\): actual [0-9]+ purchases, predicted' -- "$mitra" value s.mitra --calibration-end 2025-06-30 --holdout-end 2025-12-31 -o v.csv
head -1 v.csv | grep -q '^customer_id,frequency,recency,T,monetary_value,p_alive,expected_purchases,expected_spend,clv,rfm_r,rfm_f,rfm_m,rfm_segment,holdout_frequency,holdout_spend$' && ok || bad "value CSV header"
[ "$(wc -l < v.csv)" -gt 3000 ] && ok || bad "value CSV rows"
expect 0 'purchase model PARETO_NBD' -- "$mitra" value "$sample" --calibration-end 2025-06-30 --model paretonbd --unit month -o p.csv
"$mitra" value s.mitra --calibration-end 2025-06-30 --format json 2>/dev/null > v.json && /usr/bin/python3 -c "
import json,sys; d=json.load(open('v.json'))
assert set(d['purchase_model']['params']) == {'r','alpha','a','b'}
assert len(d['customers']) > 3000 and 0 <= d['customers'][0]['p_alive'] <= 1
" && ok || bad "value JSON"
# A fit that runs to a boundary (nobody repeats) is flagged, not passed off.
mkdir -p once && printf 'id\nc1\nc2\nc3\nc4\n' > once/customers.csv
printf 'customer_id,time,amount\nc1,2024-01-05,5\nc2,2024-02-01,6\nc3,2024-03-01,7\nc4,2024-04-01,8\n' > once/transactions.csv
expect 0 'WARNING: the BG_NBD fit is at a boundary, not a fit to read: r = .* ran towards 0' -- "$mitra" value once --calibration-end 2024-12-31 -o once.csv
# Gamma-Gamma's independence assumption is checked beside its fit.
expect 0 'spend and frequency of [0-9]+ repeat buyers: correlation -?[0-9.]+ \(p [0-9.e-]+\); Gamma-Gamma assumes none' -- "$mitra" value s.mitra --calibration-end 2025-06-30 -o v.csv
# Without intervals the total CLV says it is a point estimate.
expect 0 'total CLV [0-9.e+]+; a point estimate at the fitted parameters, no interval' -- "$mitra" value s.mitra --calibration-end 2025-06-30 -o v.csv
# CLV intervals: two more columns, and the total CLV as an estimated figure.
expect 0 'total CLV [0-9.e+]+; estimated \(80% interval [0-9,.]+ to [0-9,.]+\) from BG/NBD \+ Gamma-Gamma parameter uncertainty, 50 draws' -- "$mitra" value s.mitra --calibration-end 2025-06-30 --draws 50 --level 0.8 -o vi.csv
head -1 vi.csv | grep -q '^customer_id,frequency,recency,T,monetary_value,p_alive,expected_purchases,expected_spend,clv,clv_low,clv_high,rfm_r,' && ok || bad "value CSV header with intervals"
expect 1 'PredictIntervalsRequest.level: must be in \(0, 1\), got 2' -- "$mitra" value s.mitra --calibration-end 2025-06-30 --level 2
expect 1 'PredictIntervalsRequest.draws: must be 2..100000, got 0' -- "$mitra" value s.mitra --calibration-end 2025-06-30 --draws 0
expect_again 0 'total 12-month CLV [0-9,.]+; estimated \(90% interval' -- "$mitra" report s.mitra
# Tracking and the spend holdout check beside the purchase one.
expect 0 'tracking \(cumulative repeat purchases of all customers; period k ends k \* 1 units after the origin\)' -- "$mitra" value s.mitra --calibration-end 2025-06-30 --holdout-end 2025-12-31 --tracking 52 --origin 2025-01-01 -o v.csv
expect 0 'spend holdout \(Gamma-Gamma expected spend per transaction against the actual mean holdout spend of the [0-9]+ customers' -- "$mitra" value s.mitra --calibration-end 2025-06-30 --holdout-end 2025-12-31 -o v.csv
expect 1 'step: must be finite and > 0, got 0' -- "$mitra" value s.mitra --calibration-end 2025-06-30 --tracking 4 --tracking-step 0
expect 2 '--tracking needs a whole number of periods' -- "$mitra" value s.mitra --calibration-end 2025-06-30 --tracking 0
expect 2 'needs --calibration-end' -- "$mitra" value s.mitra
expect 2 '--unit needs hour, day, week' -- "$mitra" value s.mitra --calibration-end 2025-06-30 --unit fortnight
expect 1 'FAILED_PRECONDITION: no customer bought before the calibration end' -- "$mitra" value s.mitra --calibration-end 2020-01-01
# --interval L: intervals at level L; the realised purchases get a prediction interval.
expect 0 'total CLV [0-9.e+]+; estimated \(80% interval' -- "$mitra" value s.mitra --calibration-end 2025-06-30 --interval 0.8 --draws 20 -o vj.csv
expect 0 'realised purchases over the horizon: 80% prediction interval \[[0-9.e+]+, [0-9.e+]+\]' -- "$mitra" value s.mitra --calibration-end 2025-06-30 --interval 0.8 --draws 20 -o vj.csv
expect 0 'bootstrap refits over the customers' -- "$mitra" value s.mitra --calibration-end 2025-06-30 --bootstrap --draws 5 -o vb.csv
# Community leaders: ranked leaders with their components, bridges, trust, health.
expect_again 0 'Community leaders' -- "$mitra" report s.mitra
expect 0 '^JKT \([0-9]+ members ranked\)' -- "$mitra" leaders s.mitra --top 3
expect 0 'bridge leaders' -- "$mitra" leaders "$sample" --bridges 4
expect 0 '^  1\. C[0-9]+  score' -- "$mitra" leaders s.mitra --community BDG --weight tenure=0
expect 0 'wrote t.csv \(5000 customers\)' -- "$mitra" leaders s.mitra --trust -o t.csv
head -1 t.csv | grep -q '^customer_id,reputation,stddev,rating,r,s,eigentrust,level,level_name$' && ok || bad "trust CSV header"
expect 0 '^JKT,' -- "$mitra" leaders s.mitra --health --periods 3 --period 30
"$mitra" leaders s.mitra --top 2 --format json > l.json && /usr/bin/python3 -c "
import json; d=json.load(open('l.json'))
assert len(d['communities']) == 8 and all(len(c['leaders']) == 2 for c in d['communities'])
names = [v['name'] for v in d['communities'][0]['leaders'][0]['components']]
assert names == ['influence','reach','trust','activity','tenure','embeddedness'], names
" && ok || bad "leaders JSON"
expect 1 'NOT_FOUND.*NOPE' -- "$mitra" leaders s.mitra --community NOPE
expect 2 'no component "charisma"' -- "$mitra" leaders s.mitra --weight charisma=1
expect 1 'INVALID_ARGUMENT.*weights' -- "$mitra" leaders s.mitra --weight influence=-1
# Influence learning on the hand-counted workspace (its README.md has the counts).
inf="$sample/../../tests/graph/fixtures/influence_workspace"
expect 0 '^  a +b +reply +3 +2\.00 +0\.6667 ' -- "$mitra" influence "$inf" --method bernoulli --window-days 2
expect 0 '^  b +c +reply +3 +1\.00 +0\.3333 ' -- "$mitra" influence "$inf" --method em --window-days 2 --half-life 0
expect 0 '^  no_influence +-0\.8755 +-0\.43773 +1\.0000' -- "$mitra" influence "$inf" --method bernoulli --window-days 2 --holdout-split 2024-03-04
expect 0 'scored on 2 \(item, customer\) units' -- "$mitra" influence "$inf" --window-days 2 --holdout-split 2024-03-04
"$mitra" influence "$inf" --method bernoulli --window-days 2 --product-line scooter --format csv > inf.csv && /usr/bin/python3 -c "
import csv, math; rows = list(csv.DictReader(open('inf.csv')))
got = [(r['from_customer_id'], r['to_customer_id'], r['kind'], int(r['trials']), float(r['successes'])) for r in rows]
assert got == [('a', 'b', 'reply', 2, 2), ('a', 'c', 'like', 2, 0), ('b', 'c', 'reply', 3, 1)], got
assert math.isclose(float(rows[2]['estimate']), 1 / 3, rel_tol=1e-9)
" && ok || bad "influence CSV"
"$mitra" influence "$inf" --window-days 2 --format json > inf.json && /usr/bin/python3 -c "
import json; d = json.load(open('inf.json'))
assert d['method'] == 'INFLUENCE_METHOD_EM' and d['num_arcs'] == '3' and len(d['arcs']) == 3, d
" && ok || bad "influence JSON"
expect 0 'top 1 of 3 arcs' -- "$mitra" influence "$inf" --top 1
expect 2 '--method is em, bernoulli, jaccard or continuous-time' -- "$mitra" influence "$inf" --method magic
expect 2 '--action is purchases' -- "$mitra" influence "$inf" --action unspecified
expect 1 'INVALID_ARGUMENT: request.window_seconds: must be > 0, got 0' -- "$mitra" influence "$inf" --window-days 0
expect 1 'INVALID_ARGUMENT: request.em_max_iterations: must be 1..100000, got 100001' -- "$mitra" influence "$inf" --em-iterations 100001
expect 1 'request.product_line: no product has the category "bike"' -- "$mitra" influence "$inf" --product-line bike
expect 1 'FAILED_PRECONDITION: request.split_unix_seconds' -- "$mitra" influence "$inf" --holdout-split 2020-01-01
# Plans on learned probabilities: seeding a reaches 1 + p_ab + (1 - (1 - p_ac)(1 - p_ab p_bc))
# = 2.144 at the learned means (0.6, 0.4, 0.4: (s + 1)/(n + 2) of 2/3, 1/3, 1/3 under the uniform prior
# three arcs get), not weighted cascade's 2 + 7/9. Over the posterior (independent
# Betas) the mean is the same 2.144; 200 worlds of 500 runs carry ~0.02 of error.
expect 0 'expected reach 2\.1 customers' -- "$mitra" activate "$inf" --all --k 1 --probabilities learned --window-days 2 --half-life 0 --runs 20000
expect 0 'expected reach 2\.8 customers' -- "$mitra" activate "$inf" --all --k 1 --half-life 0 --runs 20000
expect 0 "over the learned probabilities' posterior: 2\.[12] customers \(95% interval" -- "$mitra" activate "$inf" --all --k 1 --probabilities learned --window-days 2 --posterior-worlds 200 --posterior-runs 500
expect 1 'INVALID_ARGUMENT: request.learning: only with plan.probabilities LEARNED' -- "$mitra" activate "$inf" --all --k 1 --method bernoulli
expect 1 'INVALID_ARGUMENT: request.posterior_runs: must be 2..100000000, got 1' -- "$mitra" activate "$inf" --all --k 1 --probabilities learned --posterior-runs 1
expect 2 '--probabilities is weighted-cascade, trivalency, interaction or learned' -- "$mitra" activate "$inf" --probabilities magic
# Co-creation: the planted weak attribute flagged, decisions, a seeded panel with quotas.
expect 0 'charging +321 .*WORSE' -- "$mitra" cocreation s.mitra --program ADV-2025
expect 0 'ADV-2025-D1 ADV-2025 charging: adopted, value 60,000' -- "$mitra" cocreation s.mitra --decisions "$sample/decisions.csv"
expect 0 'quota segment=student min 3: [0-9]+ selected of [0-9]+ eligible, met' -- "$mitra" cocreation s.mitra --panel 12 --quota segment=student:3 --quota community=JKT:2 --seed 7
"$mitra" cocreation s.mitra --panel 12 --quota segment=student:3 --seed 7 --format json > p1.json && "$mitra" cocreation s.mitra --panel 12 --quota segment=student:3 --seed 7 --format json > p2.json && cmp -s p1.json p2.json && ok || bad "the same seed gives the same panel"
expect 1 'FAILED_PRECONDITION: request.quotas\[0\] \(community=TOUR, min 5000\)' -- "$mitra" cocreation s.mitra --panel 5000 --quota community=TOUR:5000 --strict
expect 1 'NOT_FOUND.*NOPE' -- "$mitra" cocreation s.mitra --program NOPE
expect 2 '--quota needs DIM=VALUE:MIN' -- "$mitra" cocreation s.mitra --panel 3 --quota segment
expect_again 0 'top contributors by credit' -- "$mitra" report s.mitra --decisions "$sample/decisions.csv"
expect_again 0 'values: given by the host: each adopted decision' -- "$mitra" report s.mitra --decisions "$sample/decisions.csv"
# Every money figure of the external-employee account says where it comes from.
expect_again 0 'influence: ASSUMED, not estimated: .*influence_share = 0.1' -- "$mitra" report s.mitra
expect_again 0 'Looking forward 365 days, from the data' -- "$mitra" report s.mitra
expect 0 'influence value [0-9,.]+: estimated \(90% interval' -- "$mitra" ladder s.mitra --contribution --forward --top 3
expect 0 'joined anyway .* referees already active' -- "$mitra" ladder s.mitra --contribution --forward --horizon-days 180 --top 3
expect 1 'INVALID_ARGUMENT: request.forward.horizon_days: must be in \(0, 1e6\]' -- "$mitra" ladder s.mitra --contribution --horizon-days -1
# Channels: the planted conflict, the routes side by side, a budget split, errors.
expect 0 'shared territory Bandung/Dago: R-BDG-1 R-BDG-2' -- "$mitra" channels s.mitra --no-activation
expect 0 'community activation +expected' -- "$mitra" channels "$sample" --runs 200 --budget 3000
expect_again 0 'Two routes: the chain against community activation' -- "$mitra" report s.mitra
# Each figure's basis beside it: assumed defaults in words, given rates, the expected column's interval.
expect 0 'incentives: ASSUMED, not estimated: incentives = 0 for chain, direct, community \(ChannelRequest\.incentives\)' -- "$mitra" channels s.mitra --no-activation
expect 0 'cost to serve: given by the host: ChannelRequest\.rates \(per_order = 2, per_delivery = 5, per_return = 10, per_support_contact = 1\)' -- "$mitra" channels s.mitra --no-activation --order-cost 2 --delivery-cost 5 --return-cost 10 --support-cost 1 --support-kind message
expect 0 '^      cost/acq: estimated \(95% interval [0-9.,]+ to [0-9.,]+\) from the plan.s cost / the plan.s reach' -- "$mitra" channels "$sample" --runs 200
expect_again 0 '^    cost to serve: ASSUMED, not estimated: per_support_contact = 0 \(ChannelRequest\.rates\.per_support_contact\)' -- "$mitra" report s.mitra
# The sample records campaigns: the split runs on fitted curves and says how sure it is.
expect_again 0 'verdict: more money to (community|chain); the bootstrap.s own splits agree in [0-9.]+% of draws' -- "$mitra" report s.mitra
expect 1 'INVALID_ARGUMENT: request.rates.per_order' -- "$mitra" channels s.mitra --no-activation --order-cost -1
expect 2 'route "shop" is not chain' -- "$mitra" channels s.mitra --incentive shop=1
# The options every command shares, read one way (src/cli/args.h): usage problems exit 2.
expect 2 '^mitra: --format is text, json or csv$' -- "$mitra" ladder s.mitra --format xml
expect 2 '^mitra: --format is csv or json$' -- "$mitra" value s.mitra --format text
expect 2 '^mitra: -o needs a file$' -- "$mitra" cocreation s.mitra --output
expect 2 '^mitra: leaders takes one SNAPSHOT or DIR$' -- "$mitra" leaders s.mitra s.mitra
expect 2 '^mitra: activate needs a SNAPSHOT or DIR$' -- "$mitra" activate --k 3
expect 2 '^mitra: unknown option --bogus$' -- "$mitra" channels s.mitra --bogus
expect 2 '^mitra: --as-of needs a time \(2025-06-30, 20250630 or unix seconds\), got "yesterday"$' -- "$mitra" leaders s.mitra --as-of yesterday
expect 2 '^mitra: --as-of needs a time .*, got "2024"$' -- "$mitra" leaders s.mitra --as-of 2024
expect 2 '^mitra: --half-life needs a number of days >= 0, got "nan"$' -- "$mitra" leaders s.mitra --half-life nan
expect 2 '^mitra: --top needs a whole number in 0 \.\. 4294967295, got "-1"$' -- "$mitra" ladder s.mitra --top -1
# Whole numbers are read into their field's type and range, never wrapped around.
expect 2 '^mitra: --threads needs a whole number in 0 \.\. 256, got "4294967295"$' -- "$mitra" activate s.mitra --threads 4294967295
expect 2 '^mitra: --threads needs a whole number in 1 \.\. 256, got "99999999999"$' -- "$mitra" value s.mitra --threads 99999999999
expect 2 '^mitra: --k needs a whole number in 0 \.\. 4294967295, got "4294967296"$' -- "$mitra" activate s.mitra --k 4294967296
expect 2 '^mitra: --periods needs a whole number in 1 \.\. 4294967295, got "0"$' -- "$mitra" ladder s.mitra --periods 0
expect 2 '^mitra: --top needs a whole number in 0 \.\. 4294967295, got "\\x1b\[31m"$' -- "$mitra" ladder s.mitra --top $'\e[31m'
expect 2 '^mitra: --period needs a duration' -- "$mitra" channels s.mitra --period fortnight
expect 2 '^mitra: --cost needs ID=NUMBER, got "=3"$' -- "$mitra" activate s.mitra --cost =3
expect 0 'OPIM-C certified 0\.[0-9]+ at its stop' -- "$mitra" activate s.mitra --k 5 --algorithm opim-c --runs 200
expect 2 '^mitra: --algorithm is imm or opim-c$' -- "$mitra" activate s.mitra --algorithm celf
# --memory-limit: the requests' memory budget; past it the request is refused
# naming the parameter, before it allocates.
expect 2 '^mitra: --memory-limit needs a byte count > 0 \(e\.g\. 2G, 512M, 65536\)$' -- "$mitra" activate s.mitra --memory-limit 2X
expect 2 '^mitra: --memory-limit needs a byte count' -- "$mitra" leaders s.mitra --memory-limit 0
expect 1 'RESOURCE_EXHAUSTED: request\.plan\.epsilon: IMM .*limit 4096 bytes' -- "$mitra" activate s.mitra --k 5 --memory-limit 4K
expect 1 'RR sets needed \(epsilon 1e-06, ell 1\), more than max_rr_sets = 2147483648' -- "$mitra" activate s.mitra --k 5 --epsilon 1e-6
expect 0 'OPIM-C certified' -- "$mitra" activate s.mitra --k 5 --algorithm opim-c --runs 200 --memory-limit 1G
expect 2 '^mitra: --memory-limit needs a byte count > 0' -- "$mitra" report s.mitra --memory-limit 2X
expect 0 'Communities \(8\)' -- "$mitra" report s.mitra --memory-limit 1G
expect 0 '^wrote l.txt \(8 communities, 2 bridges\)$' -- "$mitra" leaders s.mitra --bridges 2 -o l.txt
expect 0 '^wrote f.txt$' -- "$mitra" cocreation s.mitra --program ADV-2025 -o f.txt
echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
