// `mitra leaders`: each community's informal leaders and the bridges between
// communities, per-customer trust, or community health. The flags build the
// same request messages the C ABI takes (leaders/messages.h), so the CLI,
// the C ABI and Python give the same answers.
#include <cmath>
#include <ostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "args.h"
#include "common.h"
#include "mitra/core/absl_view.h"
#include "mitra/core/text_checks.h"
#include "mitra/core/time_format.h"
#include "mitra/leaders/messages.h"

namespace mitra::cli {

const char kLeadersHelp[] = R"(Usage: mitra leaders (SNAPSHOT | DIR) [options]

Ranks each community's informal leaders by a score of influence (PageRank in
the community's interaction graph), reach, trust (Beta reputation x
EigenTrust), activity, tenure and embeddedness, each a percentile within the
community, and the bridge leaders whose ties span communities
(docs/LEADERS.md). With --trust, writes every customer's trust instead
(CSV); with --health, each community's health per period (CSV).

Options (times: ISO 8601 or unix seconds):
  --community ID         only this community
  --top N                leaders per community (default 5; 0 = every member)
  --bridges N            bridge leaders (default 10; 0 = all)
  --weight NAME=W        a component's weight (influence, reach, trust,
                         activity, tenure, embeddedness); repeatable
  --half-life DAYS       decay of an interaction's weight (default 180; 0 = none)
  --as-of TIME           reference time (default: the latest interaction)
  --all-members          also rank members who have left
  --trust                per-customer trust: reputation, EigenTrust, rank level
  --health               community health per period and cohort retention
  --period DAYS          health: period length (default 30)
  --periods K            health: number of periods (default 12)
  --format text|json     (default text; json: the mitra.v1 report message)
  -o FILE                write to FILE
)";

namespace {

std::string Num(double v, int decimals = 3) { return std::isnan(v) ? "" : Decimals(v, decimals); }

std::string Short(double v) { return Significant(v, 4); }

void WriteLeaders(const v1::LeadersReport& r, std::ostream& out) {
  out << "as of " << FormatTime(r.as_of_unix_seconds())
      << "; each component is a percentile within the community (raw value in brackets)\n";
  for (const v1::CommunityLeaders& c : r.communities()) {
    out << "\n" << c.community_id() << " (" << c.members() << " members ranked)\n";
    for (const v1::Leader& l : c.leaders()) {
      out << "  " << l.rank() << ". " << l.customer_id() << "  score " << Num(l.score());
      for (const v1::ComponentValue& v : l.components())
        out << "  " << v.name() << " " << Num(v.scaled(), 2) << " [" << Short(v.raw())
            << "]";
      out << "\n";
    }
  }
  out << "\nbridge leaders (participation coefficient P, brokerage, communities)\n";
  for (const v1::Bridge& b : r.bridges()) {
    out << "  " << b.rank() << ". " << b.customer_id() << "  score " << Num(b.score()) << "  P "
        << Num(b.participation()) << "  brokerage " << Num(b.brokerage(), 1) << " ";
    for (int k = 0; k < b.community_ids_size(); ++k) out << (k ? "+" : " ") << b.community_ids(k);
    out << "\n";
  }
}

void WriteTrust(const v1::TrustReport& r, std::ostream& out) {
  out << "customer_id,reputation,stddev,rating,r,s,eigentrust,level,level_name\n";
  for (const v1::CustomerTrust& c : r.customers())
    out << c.customer_id() << "," << Num(c.reputation(), 6) << "," << Num(c.stddev(), 6) << ","
        << Num(c.rating(), 6) << "," << Num(c.r(), 4) << "," << Num(c.s(), 4) << ","
        << absl::StrCat(c.eigentrust()) << "," << c.level() << "," << c.level_name() << "\n";
}

void WriteHealth(const v1::HealthReport& r, std::ostream& out) {
  out << "community_id,period_start,period_end,members,active,joined,left,growth,top_share\n";
  for (const v1::CommunityHealth& c : r.communities())
    for (const v1::PeriodHealth& p : c.periods())
      out << c.community_id() << "," << FormatTime(p.start_unix_seconds()) << ","
          << FormatTime(p.end_unix_seconds()) << "," << p.members() << "," << p.active() << ","
          << p.joined() << "," << p.left() << "," << Num(p.growth(), 4) << "," << Num(p.top_share(), 4)
          << "\n";
}

}  // namespace

int LeadersCommand(const std::vector<std::string>& args) {
  CommandArgs cl("leaders", args, {"text", "json"});
  std::string community;
  enum { kLeaders, kTrust, kHealth } what = kLeaders;
  v1::LeadersRequest leaders;
  leaders.set_top(5);
  v1::HealthRequest health;
  std::optional<int64_t> as_of;
  while (cl.Next()) {
    const std::string& a = cl.option();
    double d;
    uint32_t k;
    std::string name, value;
    if (a == "--community") {
      if (!cl.Value(&community)) return cl.Needs("an id");
    } else if (a == "--top" || a == "--bridges" || a == "--periods") {
      if (!cl.Whole(&k)) return cl.Needs("a whole number");
      if (a == "--top") leaders.set_top(k);
      else if (a == "--bridges") leaders.set_top_bridges(k);
      else health.set_periods(k);
    } else if (a == "--half-life" || a == "--period") {
      if (!cl.NonNegative(&d)) return cl.Needs("a number of days >= 0");
      if (a == "--half-life") leaders.mutable_graph()->set_half_life_days(d);
      else health.set_period_days(d);
    } else if (a == "--weight") {
      if (!cl.Pair(&name, &value) || !absl::SimpleAtod(Av(value), &d))
        return cl.Needs("NAME=NUMBER");
      const auto* field = v1::ComponentWeights::descriptor()->FindFieldByName(name);
      if (field == nullptr)
        return Usage("--weight: no component " + Quote(name) +
                     " (influence, reach, trust, activity, tenure, embeddedness)");
      leaders.mutable_weights()->GetReflection()->SetDouble(leaders.mutable_weights(), field, d);
    } else if (a == "--as-of") {
      if (!cl.Time(&as_of)) return cl.Needs(kTimeArg);
    } else if (a == "--all-members") {
      leaders.set_current_members_only(false);
    } else if (a == "--trust") {
      what = kTrust;
    } else if (a == "--health") {
      what = kHealth;
    } else {
      return cl.Unknown();
    }
  }
  if (int rc = cl.Finish(); rc != 0) return rc;
  auto ws = LoadWorkspace(cl.source());
  if (!ws.ok()) return Fail(ws.status());

  if (what == kLeaders) {
    leaders.set_community_id(community);
    if (as_of) leaders.mutable_graph()->set_as_of_unix_seconds(*as_of);
    v1::LeadersReport report;
    if (absl::Status s = leaders::FindLeadersMessage(**ws, leaders, &report); !s.ok()) return Fail(s);
    return cl.Write(report, [&](std::ostream& out) { WriteLeaders(report, out); },
                    absl::StrCat(report.communities_size(), " communities, ",
                                 report.bridges_size(), " bridges"));
  }
  if (what == kTrust) {
    v1::TrustRequest trust;
    trust.set_community_id(community);
    if (as_of) trust.set_as_of_unix_seconds(*as_of);
    v1::TrustReport report;
    if (absl::Status s = leaders::TrustMessage(**ws, trust, &report); !s.ok()) return Fail(s);
    return cl.Write(report, [&](std::ostream& out) { WriteTrust(report, out); },
                    absl::StrCat(report.customers_size(), " customers"));
  }
  health.set_community_id(community);
  if (as_of) health.set_as_of_unix_seconds(*as_of);
  v1::HealthReport report;
  if (absl::Status s = leaders::HealthMessage(**ws, health, &report); !s.ok()) return Fail(s);
  return cl.Write(report, [&](std::ostream& out) { WriteHealth(report, out); },
                  absl::StrCat(report.communities_size(), " communities"));
}

}  // namespace mitra::cli
