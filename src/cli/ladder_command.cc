// `mitra ladder`: each customer's stage on the relationship ladder with the
// evidence behind it, the stage funnel and its history, or (with
// --contribution) the money each customer made the company as an "external
// employee". The flags build the same request messages the C ABI takes
// (ladder/messages.h), so the CLI, the C ABI and Python give the same
// answers.
#include <algorithm>
#include <cmath>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "args.h"
#include "cocreation_text.h"
#include "common.h"
#include "mitra/core/absl_view.h"
#include "mitra/core/time_format.h"
#include "mitra/ladder/messages.h"

namespace mitra::cli {

const char kLadderHelp[] = R"(Usage: mitra ladder (SNAPSHOT | DIR) [options]

Places every customer on the relationship ladder (docs/LADDER.md): prospect,
customer, repeat customer, engaged member, advocate, collaborator, in the
transactional, relationship and collaborative phases, each stage with the
evidence that put the customer there. Text output: the stage funnel and the
customers at the top stage; --history adds the funnel at the end of each
month and the flows between stages. With --contribution, writes each
customer's contribution in money instead: referral value + influence value
+ co-creation credit = total, each sum with its basis (estimated with an
interval, assumed, or given).

Options (times: ISO 8601 or unix seconds):
  --as-of TIME           reference time (default: the midnight after the
                         latest event)
  --history              the funnel per period and the transitions
  --periods K            history: number of periods (default 12)
  --period-days D        history: period length in days (default: months)
  --customer ID          only this customer's stage and evidence; repeatable
  --top N                customers listed (default 10; 0 = all)
  --contribution         external-employee contribution per customer
  --discount-rate R      contribution: per year (default 0.12)
  --joined-anyway S      contribution: share of referees who would have
                         joined anyway (default 0.5)
  --influence-share A    contribution: share of a customer's margin
                         credited to those they attend to (default 0.1)
  --forward              contribution: also the referral and influence value
                         looking forward, estimated from the data with
                         intervals (docs/LADDER.md, "Looking forward"); the
                         joined-anyway share is then estimated unless given
  --horizon-days D       forward: the horizon (default 365)
  --seed N               forward: of the bootstrap and the posterior worlds
  --decisions FILE       co-creation decisions (CSV, docs/COCREATION.md): the
                         adopted ones give the co-creation credit and the
                         adopted_contributions indicator
  --format text|json|csv (default text; json: the mitra.v1 report message;
                         csv: one row per customer)
  -o FILE                write to FILE
)";

namespace {

std::string Num(double v, int decimals = 0) { return std::isnan(v) ? "-" : Decimals(v, decimals); }

// 23 -> "23", 0.8123 -> "0.8123": evidence values as short as they can be.
std::string Short(double v) { return std::isnan(v) ? "-" : Significant(v, 4); }

std::string Pad(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

const char* PhaseName(int phase) {
  static const char* kNames[] = {"-", "transactional", "relationship", "collaborative"};
  return phase >= 0 && phase <= 3 ? kNames[phase] : "-";
}

std::string Requirements(const v1::LadderStage& s) {
  std::string out;
  for (int j = 0; j < s.requirements_size(); ++j) {
    ladder::StageRequirement r;
    r.key.indicator = static_cast<ladder::Indicator>(s.requirements(j).indicator());
    r.key.kind = s.requirements(j).kind();
    r.key.window_days = s.requirements(j).window_days();
    r.at_least = s.requirements(j).at_least();
    r.at_most = s.requirements(j).has_at_most() ? s.requirements(j).at_most() : -1;
    absl::StrAppend(&out, j ? "; " : "", ladder::RequirementLabel(r));
  }
  return out.empty() ? "-" : out;
}

void WriteStages(const v1::LadderReport& r, size_t top, std::ostream& out) {
  uint64_t known = 0;
  for (uint32_t n : r.stage_counts()) known += n;
  out << "as of " << FormatTime(r.as_of_unix_seconds()) << ", " << known << " customers\n\n"
      << Pad("phase", 15) << Pad("stage", 18) << Pad("customers", 11) << Pad("share", 8)
      << "requirements (cumulative)\n";
  for (int s = 0; s < r.rules().stages_size(); ++s) {
    const v1::LadderStage& st = r.rules().stages(s);
    out << Pad(PhaseName(st.phase()), 15) << Pad(st.name(), 18) << Pad(Num(r.stage_counts(s)), 11)
        << Pad(known ? Num(100.0 * r.stage_counts(s) / known, 1) + "%" : "-", 8) << Requirements(st)
        << "\n";
  }
  if (!r.history().empty()) {
    out << "\nfunnel at the end of each period\n" << Pad("period end", 12);
    for (const v1::LadderStage& st : r.rules().stages()) out << Pad(st.name(), 17);
    out << "\n";
    for (const v1::StagePeriod& p : r.history()) {
      out << Pad(FormatTime(p.end_unix_seconds()).substr(0, 10), 12);
      for (uint32_t n : p.counts()) out << Pad(Num(n), 17);
      out << "\n";
    }
    const v1::StagePeriod& last = r.history(r.history_size() - 1);
    if (!last.transitions().empty()) {
      const int S = r.rules().stages_size();
      out << "\nflows into the last period (rows: stage at the previous end; columns: now)\n"
          << Pad("", 18);
      for (const v1::LadderStage& st : r.rules().stages()) out << Pad(st.name().substr(0, 15), 17);
      out << "\n";
      for (int a = 0; a < S; ++a) {
        out << Pad(r.rules().stages(a).name(), 18);
        for (int b = 0; b < S; ++b) out << Pad(Num(last.transitions(a * S + b)), 17);
        out << "\n";
      }
      out << Pad("(new)", 18);
      for (uint32_t n : last.entered()) out << Pad(Num(n), 17);
      out << "\n";
    }
  }
  if (r.customers().empty()) return;
  // The customers listed: the top stage first (those most involved).
  std::vector<int> order(r.customers_size());
  for (int i = 0; i < r.customers_size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return r.customers(a).stage() > r.customers(b).stage();
  });
  if (top > 0 && order.size() > top) order.resize(top);
  out << "\ncustomers (highest stage first) and the evidence for their stage\n";
  for (int i : order) {
    const v1::CustomerStage& c = r.customers(i);
    out << "  " << Pad(c.customer_id(), 10) << Pad(c.stage_name(), 17);
    for (const v1::RequirementValue& e : c.evidence()) out << " [" << e.label() << ": " << Short(e.value()) << "]";
    if (c.has_next()) out << "  next: " << c.next().label() << " (has " << Short(c.next().value()) << ")";
    out << "\n";
  }
}

void WriteStagesCsv(const v1::LadderReport& r, std::ostream& out) {
  out << "customer_id,stage,stage_name,phase,next_requirement,next_value,purchases,spend,visits,"
         "feedback,trials,referrals,posts,interactions\n";
  for (const v1::CustomerStage& c : r.customers()) {
    const v1::Involvement& v = c.involvement();
    out << c.customer_id() << "," << c.stage() << "," << c.stage_name() << "," << PhaseName(c.phase())
        << "," << (c.has_next() ? c.next().label() : "") << ","
        << (c.has_next() ? absl::StrCat(c.next().value()) : "") << "," << v.purchases() << ","
        << absl::StrCat(v.spend()) << "," << v.visits() << "," << v.feedback() << "," << v.trials()
        << "," << v.referrals() << "," << v.posts() << "," << v.interactions() << "\n";
  }
}

void WriteContribution(const v1::ContributionReport& r, std::ostream& out) {
  out << "as of " << FormatTime(r.as_of_unix_seconds())
      << "; total = referral value + influence value + co-creation credit (docs/LADDER.md)\n"
      << "all customers: referral " << Num(r.referral_value(), 2) << ", influence "
      << Num(r.influence_value(), 2) << ", co-creation " << Num(r.cocreation_credit(), 2) << ", total "
      << Num(r.total(), 2) << "\n"
      << "  referral: " << BasisText(r.referral_basis()) << "\n"
      << "  influence: " << BasisText(r.influence_basis()) << "\n"
      << "  co-creation: " << BasisText(r.cocreation_basis()) << "\n";
  const bool forward = r.has_forward();
  if (forward) {
    const v1::ContributionForwardReport& f = r.forward();
    out << "\nlooking forward " << Num(f.horizon_days()) << " days (margin share "
        << Short(f.margin_share()) << "):\n"
        << "  referral value " << Num(f.referral_value(), 2) << ": "
        << BasisText(f.referral_basis()) << "\n"
        << "    joined anyway " << Short(f.joined_anyway_share()) << " ["
        << Short(f.joined_anyway_low()) << ", " << Short(f.joined_anyway_high()) << "] ("
        << f.referees_already_active() << " of " << f.referees_seen()
        << " referees already active); a referee brings " << Num(f.referee_value(), 2) << ": "
        << BasisText(f.referee_value_basis(), 2) << "\n"
        << "  influence value " << Num(f.influence_value(), 2) << ": "
        << BasisText(f.influence_basis()) << "\n";
  }
  out << "\n" << Pad("rank", 6) << Pad("customer", 10) << Pad("referral", 12)
      << Pad("influence", 12) << Pad("co-creation", 13) << Pad("total", 12)
      << Pad("own margin", 12) << (forward ? Pad("referrals", 11) : "referrals")
      << (forward ? "fwd referral [interval]       fwd influence [interval]" : "") << "\n";
  for (const v1::CustomerContribution& c : r.customers()) {
    out << Pad(Num(c.rank()), 6) << Pad(c.customer_id(), 10) << Pad(Num(c.referral_value(), 2), 12)
        << Pad(Num(c.influence_value(), 2), 12) << Pad(Num(c.cocreation_credit(), 2), 13)
        << Pad(Num(c.total(), 2), 12) << Pad(Num(c.own_margin(), 2), 12);
    if (!forward) {
      out << c.converted_referrals() << "\n";
      continue;
    }
    out << Pad(Num(c.converted_referrals()), 11)
        << Pad(absl::StrCat(Num(c.forward_referral_value(), 2), " [",
                            Num(c.forward_referral_low(), 2), ", ",
                            Num(c.forward_referral_high(), 2), "]"),
               30)
        << Num(c.forward_influence_value(), 2) << " [" << Num(c.forward_influence_low(), 2) << ", "
        << Num(c.forward_influence_high(), 2) << "]\n";
  }
}

void WriteContributionCsv(const v1::ContributionReport& r, std::ostream& out) {
  const bool forward = r.has_forward();
  out << "customer_id,rank,referral_value,influence_value,cocreation_credit,total,own_margin,"
         "converted_referrals"
      << (forward ? ",forward_referral_value,forward_referral_low,forward_referral_high,"
                    "expected_referrals,forward_influence_value,forward_influence_low,"
                    "forward_influence_high,clv"
                  : "")
      << "\n";
  for (const v1::CustomerContribution& c : r.customers()) {
    out << c.customer_id() << "," << c.rank() << "," << absl::StrCat(c.referral_value()) << ","
        << absl::StrCat(c.influence_value()) << "," << absl::StrCat(c.cocreation_credit()) << ","
        << absl::StrCat(c.total()) << "," << absl::StrCat(c.own_margin()) << ","
        << c.converted_referrals();
    if (forward)
      for (double v : {c.forward_referral_value(), c.forward_referral_low(),
                       c.forward_referral_high(), c.expected_referrals(),
                       c.forward_influence_value(), c.forward_influence_low(),
                       c.forward_influence_high(), c.clv()})
        out << "," << (std::isnan(v) ? "" : absl::StrCat(v));
    out << "\n";
  }
}

}  // namespace

int LadderCommand(const std::vector<std::string>& args) {
  CommandArgs cl("ladder", args, {"text", "json", "csv"});
  bool contribution = false, history = false;
  uint32_t top = 10, periods = 12;
  std::optional<double> period_days;
  std::optional<int64_t> as_of;
  v1::LadderRequest ladder;
  v1::ContributionRequest money;
  while (cl.Next()) {
    const std::string& a = cl.option();
    std::string v;
    double d;
    if (a == "--as-of") {
      if (!cl.Time(&as_of)) return cl.Needs(kTimeArg);
    } else if (a == "--history") {
      history = true;
    } else if (a == "--periods") {
      if (!cl.Whole(&periods, decltype(periods){1})) return cl.Needs("a whole number");
      history = true;
    } else if (a == "--period-days") {
      if (!cl.Finite(&d) || d <= 0) return cl.Needs("a number of days > 0");
      period_days = d;
      history = true;
    } else if (a == "--customer") {
      if (!cl.Value(&v)) return cl.Needs("an id");
      ladder.add_customer_ids(v);
    } else if (a == "--top") {
      if (!cl.Whole(&top)) return cl.Needs("a whole number");
    } else if (a == "--contribution") {
      contribution = true;
    } else if (a == "--forward") {
      money.mutable_forward();
    } else if (a == "--horizon-days") {
      if (!cl.Finite(&d)) return cl.Needs("a number of days");
      money.mutable_forward()->set_horizon_days(d);
    } else if (a == "--seed") {
      uint64_t seed = 0;
      if (!cl.Whole(&seed)) return cl.Needs("a whole number");
      money.mutable_forward()->set_seed(seed);
    } else if (a == "--discount-rate" || a == "--joined-anyway" || a == "--influence-share") {
      if (!cl.Finite(&d)) return cl.Needs("a number");
      if (a == "--discount-rate") money.set_discount_rate(d);
      else if (a == "--joined-anyway") money.set_joined_anyway_share(d);
      else money.set_influence_share(d);
    } else if (a == "--decisions") {
      if (!cl.Value(&v)) return cl.Needs("a file");
      absl::StatusOr<v1::AdoptionRequest> d = ReadDecisionsFile(v);
      if (!d.ok()) return Fail(d.status());
      *ladder.mutable_decisions() = d->decisions();
      *money.mutable_decisions() = d->decisions();
    } else {
      return cl.Unknown();
    }
  }
  if (int rc = cl.Finish(); rc != 0) return rc;
  auto ws = LoadWorkspace(cl.source());
  if (!ws.ok()) return Fail(ws.status());

  const bool csv = cl.format() == "csv";
  if (contribution) {
    if (as_of) money.set_as_of_unix_seconds(*as_of);
    // Text shows the top N; JSON and CSV every customer unless --top is given.
    money.set_top(cl.format() == "text" ? top : 0);
    v1::ContributionReport report;
    if (absl::Status s = ladder::ContributionMessage(**ws, money, &report); !s.ok()) return Fail(s);
    return cl.Write(report,
                    [&](std::ostream& out) {
                      if (csv) WriteContributionCsv(report, out);
                      else WriteContribution(report, out);
                    },
                    absl::StrCat(report.customers_size(), " customers"));
  }
  if (as_of) ladder.set_as_of_unix_seconds(*as_of);
  if (history) {
    ladder.set_history_periods(periods);
    if (period_days) ladder.set_history_period_days(*period_days);
  }
  v1::LadderReport report;
  if (absl::Status s = ladder::LadderMessage(**ws, ladder, &report); !s.ok()) return Fail(s);
  return cl.Write(report,
                  [&](std::ostream& out) {
                    if (csv) WriteStagesCsv(report, out);
                    else WriteStages(report, ladder.customer_ids_size() > 0 ? 0 : top, out);
                  },
                  absl::StrCat(report.customers_size(), " customers"));
}

}  // namespace mitra::cli
