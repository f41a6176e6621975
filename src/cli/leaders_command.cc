// `mitra leaders`: each community's informal leaders and the bridges between
// communities, per-customer trust, or community health. The flags build the
// same request messages the C ABI takes (leaders/messages.h), so the CLI,
// the C ABI and Python give the same answers.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common.h"
#include "google/protobuf/util/json_util.h"
#include "mitra/core/absl_view.h"
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

std::string Num(double v, int decimals = 3) {
  if (std::isnan(v)) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string Short(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

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
  std::string source, format = "text", output, community;
  enum { kLeaders, kTrust, kHealth } what = kLeaders;
  v1::LeadersRequest leaders;
  leaders.set_top(5);
  v1::HealthRequest health;
  std::optional<int64_t> as_of;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    std::string v;
    auto next = [&]() {
      if (i + 1 >= args.size()) return false;
      v = args[++i];
      return true;
    };
    auto number = [&](double* d) { return next() && absl::SimpleAtod(Av(v), d) && std::isfinite(*d) && *d >= 0; };
    auto count = [&](uint32_t* k) { return next() && absl::SimpleAtoi(Av(v), k); };
    double d;
    uint32_t k;
    if (a == "-o" || a == "--output") {
      if (!next()) return Usage("-o needs a file");
      output = v;
    } else if (a == "--format") {
      if (!next() || (v != "text" && v != "json")) return Usage("--format is text or json");
      format = v;
    } else if (a == "--community") {
      if (!next()) return Usage("--community needs an id");
      community = v;
    } else if (a == "--top" || a == "--bridges" || a == "--periods") {
      if (!count(&k)) return Usage(a + " needs a whole number >= 0");
      if (a == "--top") leaders.set_top(k);
      else if (a == "--bridges") leaders.set_top_bridges(k);
      else health.set_periods(k);
    } else if (a == "--half-life" || a == "--period") {
      if (!number(&d)) return Usage(a + " needs a number of days >= 0");
      if (a == "--half-life") leaders.mutable_graph()->set_half_life_days(d);
      else health.set_period_days(d);
    } else if (a == "--weight") {
      const size_t eq = next() ? v.find('=') : std::string::npos;
      if (eq == std::string::npos || !absl::SimpleAtod(Av(v.substr(eq + 1)), &d))
        return Usage("--weight needs NAME=NUMBER");
      const auto* field = v1::ComponentWeights::descriptor()->FindFieldByName(v.substr(0, eq));
      if (field == nullptr)
        return Usage("--weight: no component '" + v.substr(0, eq) +
                     "' (influence, reach, trust, activity, tenure, embeddedness)");
      leaders.mutable_weights()->GetReflection()->SetDouble(leaders.mutable_weights(), field, d);
    } else if (a == "--as-of") {
      if (!next() || !(as_of = ParseTime(v))) return Usage("--as-of needs a time (2025-06-30 or unix seconds)");
    } else if (a == "--all-members") {
      leaders.set_current_members_only(false);
    } else if (a == "--trust") {
      what = kTrust;
    } else if (a == "--health") {
      what = kHealth;
    } else if (!a.empty() && a[0] == '-') {
      return Usage(absl::StrCat("unknown option ", a));
    } else if (source.empty()) {
      source = a;
    } else {
      return Usage("leaders takes one SNAPSHOT or DIR");
    }
  }
  if (source.empty()) return Usage("leaders needs a SNAPSHOT or DIR");
  auto ws = LoadWorkspace(source);
  if (!ws.ok()) return Fail(ws.status());

  std::ostringstream body;
  std::string summary;
  if (what == kLeaders) {
    leaders.set_community_id(community);
    if (as_of) leaders.mutable_graph()->set_as_of_unix_seconds(*as_of);
    v1::LeadersReport report;
    if (absl::Status s = leaders::FindLeadersMessage(**ws, leaders, &report); !s.ok()) return Fail(s);
    if (format == "json") body << Json(report, /*pretty=*/true);
    else WriteLeaders(report, body);
    summary = absl::StrCat(report.communities_size(), " communities, ", report.bridges_size(), " bridges");
  } else if (what == kTrust) {
    v1::TrustRequest trust;
    trust.set_community_id(community);
    if (as_of) trust.set_as_of_unix_seconds(*as_of);
    v1::TrustReport report;
    if (absl::Status s = leaders::TrustMessage(**ws, trust, &report); !s.ok()) return Fail(s);
    if (format == "json") body << Json(report, /*pretty=*/true);
    else WriteTrust(report, body);
    summary = absl::StrCat(report.customers_size(), " customers");
  } else {
    health.set_community_id(community);
    if (as_of) health.set_as_of_unix_seconds(*as_of);
    v1::HealthReport report;
    if (absl::Status s = leaders::HealthMessage(**ws, health, &report); !s.ok()) return Fail(s);
    if (format == "json") body << Json(report, /*pretty=*/true);
    else WriteHealth(report, body);
    summary = absl::StrCat(report.communities_size(), " communities");
  }
  return WriteOutput(body.str(), output, summary);
}

}  // namespace mitra::cli
