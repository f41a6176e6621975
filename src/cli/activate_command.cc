// `mitra activate`: which community leaders to activate, under a number of
// seeds or a budget of incentive costs, and the reach to expect per
// community. The flags build the mitra.v1.WorkspacePlanRequest the C ABI
// takes (activation/messages.h), so the CLI, the C ABI and Python agree.
#include <cmath>
#include <cstdio>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common.h"
#include "mitra/activation/messages.h"
#include "mitra/core/absl_view.h"
#include "mitra/core/time_format.h"

namespace mitra::cli {

const char kActivateHelp[] = R"(Usage: mitra activate (SNAPSHOT | DIR) [options]

Plans which customers to activate so that word of mouth reaches the most
customers (IMM under independent cascade on the interaction graph, with the
(1 - 1/e - epsilon) guarantee, or its budget and quota variants), checks the
chosen set's reach with an independent Monte-Carlo run, and reports the
expected reach per community, the total incentive cost and the cost per
reached customer (docs/ACTIVATION.md). Candidates are each community's top
leaders and the top bridge leaders (mitra leaders) unless --all.

Options (times: ISO 8601 or unix seconds):
  --k N                  activate N customers (default 10)
  --budget B             instead of --k: spend at most B on incentives
  --cost ID=C            a customer's incentive cost; repeatable
  --cost-attribute NAME  customer attribute holding the cost
                         (default incentive_cost)
  --default-cost C       cost of everyone else (default 1)
  --all                  every customer is a candidate, not only leaders
  --leaders N            leaders per community among the candidates (default 10)
  --bridges N            bridge leaders among the candidates (default 10)
  --target ID            count reach only in this community; repeatable
  --quota ID=N           at most N seeds living in community ID; repeatable
  --exclude ID           never this customer; repeatable
  --include ID           always this customer (seeded first); repeatable
  --model ic|lt          diffusion model (default ic)
  --epsilon E            IMM's epsilon, in (0, 1) (default 0.1)
  --seed S               random seed (default 1)
  --threads T            threads (default 1; results do not depend on it)
  --runs R               Monte-Carlo runs of the check (default 10000)
  --half-life DAYS       decay of an interaction's weight (default 180)
  --as-of TIME           reference time (default: the latest interaction)
  --format text|json     (default text; json: the mitra.v1.WorkspacePlan)
  -o FILE                write to FILE
)";

namespace {

std::string Num(double v, int decimals) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

void WritePlan(const v1::WorkspacePlan& r, std::ostream& out) {
  const v1::Plan& p = r.plan();
  const v1::SpreadEstimate& c = p.check();
  out << "as of " << FormatTime(r.as_of_unix_seconds()) << "; " << r.candidates()
      << " candidates; " << p.seeds_size() << " chosen; guarantee: " << p.guarantee() << "\n";
  out << "expected reach " << Num(c.mean(), 1) << " customers (95% CI " << Num(c.ci_low(), 1)
      << " - " << Num(c.ci_high(), 1) << ", " << c.runs() << " independent runs; IMM's own estimate "
      << Num(p.imm_estimate(), 1) << ")\n";
  out << "total cost " << Num(p.total_cost(), 2) << ", cost per reached customer "
      << Num(p.cost_per_reached(), 3) << "\n\n";
  out << "  #  customer    leader of   rank  score  home        cost      gain\n";
  for (int i = 0; i < r.leaders_size(); ++i) {
    const v1::PlannedLeader& l = r.leaders(i);
    char line[160];
    std::snprintf(line, sizeof line, "%3d  %-10s  %-10s  %4s  %5s  %-10s  %6s  %8s\n", i + 1,
                  l.customer_id().c_str(), l.community_id().empty() ? "-" : l.community_id().c_str(),
                  l.leader_rank() ? std::to_string(l.leader_rank()).c_str() : "-",
                  l.leader_rank() ? Num(l.leader_score(), 2).c_str() : "-",
                  l.home_community_id().empty() ? "-" : l.home_community_id().c_str(),
                  Num(l.cost(), 2).c_str(), Num(l.marginal_gain(), 1).c_str());
    out << line;
  }
  out << "\nexpected reach per home community\n";
  for (const v1::CommunityReach& c2 : r.reach()) {
    char line[120];
    std::snprintf(line, sizeof line, "  %-12s %6u customers  %8.1f reached  %5.1f%%\n",
                  c2.community_id().empty() ? "(none)" : c2.community_id().c_str(), c2.customers(),
                  c2.expected_reached(),
                  c2.customers() ? 100.0 * c2.expected_reached() / c2.customers() : 0.0);
    out << line;
  }
}

}  // namespace

int ActivateCommand(const std::vector<std::string>& args) {
  std::string source, format = "text", output;
  v1::WorkspacePlanRequest request;
  v1::PlanRequest* plan = request.mutable_plan();
  request.mutable_leaders()->set_top(10);
  std::optional<int64_t> as_of;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    std::string v;
    auto next = [&]() {
      if (i + 1 >= args.size()) return false;
      v = args[++i];
      return true;
    };
    auto number = [&](double* d) { return next() && absl::SimpleAtod(Av(v), d) && std::isfinite(*d); };
    auto count = [&](uint64_t* k) { return next() && absl::SimpleAtoi(Av(v), k); };
    // ID=VALUE, split at the last '='.
    auto pair = [&](std::string* id, std::string* value) {
      if (!next()) return false;
      const size_t eq = v.rfind('=');
      if (eq == std::string::npos || eq == 0) return false;
      *id = v.substr(0, eq);
      *value = v.substr(eq + 1);
      return true;
    };
    double d;
    uint64_t k;
    std::string id, value;
    if (a == "-o" || a == "--output") {
      if (!next()) return Usage("-o needs a file");
      output = v;
    } else if (a == "--format") {
      if (!next() || (v != "text" && v != "json")) return Usage("--format is text or json");
      format = v;
    } else if (a == "--k" || a == "--leaders" || a == "--bridges" || a == "--seed" ||
               a == "--threads" || a == "--runs") {
      if (!count(&k)) return Usage(a + " needs a whole number >= 0");
      if (k > UINT32_MAX && a != "--seed" && a != "--runs") return Usage(a + " is too large");
      if (a == "--k") plan->set_k(static_cast<uint32_t>(k));
      else if (a == "--leaders") request.mutable_leaders()->set_top(static_cast<uint32_t>(k));
      else if (a == "--bridges") request.mutable_leaders()->set_top_bridges(static_cast<uint32_t>(k));
      else if (a == "--seed") plan->set_seed(k);
      else if (a == "--threads") plan->set_threads(static_cast<int32_t>(k));
      else plan->set_check_runs(k);
    } else if (a == "--budget" || a == "--default-cost" || a == "--epsilon" ||
               a == "--half-life") {
      if (!number(&d)) return Usage(a + " needs a number");
      if (a == "--budget") plan->set_budget(d);
      else if (a == "--default-cost") request.set_default_cost(d);
      else if (a == "--epsilon") plan->set_epsilon(d);
      else request.mutable_graph()->set_half_life_days(d);
    } else if (a == "--cost") {
      if (!pair(&id, &value) || !absl::SimpleAtod(Av(value), &d))
        return Usage("--cost needs ID=NUMBER");
      (*request.mutable_costs())[id] = d;
    } else if (a == "--quota") {
      if (!pair(&id, &value) || !absl::SimpleAtoi(Av(value), &k) || k > UINT32_MAX)
        return Usage("--quota needs COMMUNITY=N");
      (*request.mutable_community_quota())[id] = static_cast<uint32_t>(k);
    } else if (a == "--cost-attribute") {
      if (!next()) return Usage("--cost-attribute needs a name");
      request.set_cost_attribute(v);
    } else if (a == "--target" || a == "--exclude" || a == "--include") {
      if (!next()) return Usage(a + " needs an id");
      if (a == "--target") request.add_target_community_ids(v);
      else if (a == "--exclude") request.add_excluded_ids(v);
      else request.add_must_include_ids(v);
    } else if (a == "--model") {
      if (!next() || (v != "ic" && v != "lt")) return Usage("--model is ic or lt");
      plan->set_model(v == "ic" ? v1::DIFFUSION_MODEL_IC : v1::DIFFUSION_MODEL_LT);
    } else if (a == "--all") {
      request.set_candidates(v1::CANDIDATE_SOURCE_ALL);
    } else if (a == "--as-of") {
      if (!next() || !(as_of = ParseTime(v)))
        return Usage("--as-of needs a time (2025-06-30 or unix seconds)");
    } else if (!a.empty() && a[0] == '-') {
      return Usage(absl::StrCat("unknown option ", a));
    } else if (source.empty()) {
      source = a;
    } else {
      return Usage("activate takes one SNAPSHOT or DIR");
    }
  }
  if (source.empty()) return Usage("activate needs a SNAPSHOT or DIR");
  if (!plan->has_k() && !plan->has_budget()) plan->set_k(10);
  if (as_of) request.mutable_graph()->set_as_of_unix_seconds(*as_of);
  auto ws = LoadWorkspace(source);
  if (!ws.ok()) return Fail(ws.status());
  // k is at most the number of customers.
  const uint32_t n = static_cast<uint32_t>((*ws)->tables().customers.ids.size());
  if (plan->has_k() && plan->k() > n && n > 0) plan->set_k(n);

  v1::WorkspacePlan report;
  if (absl::Status s = activation::WorkspacePlanMessage(**ws, request, &report); !s.ok())
    return Fail(s);
  std::ostringstream body;
  if (format == "json") body << Json(report, /*pretty=*/true);
  else WritePlan(report, body);
  return WriteOutput(body.str(), output,
                     absl::StrCat(report.leaders_size(), " customers to activate"));
}

}  // namespace mitra::cli
