// `mitra activate`: which community leaders to activate, under a number of
// seeds or a budget of incentive costs, and the reach to expect per
// community. The flags build the mitra.v1.WorkspacePlanRequest the C ABI
// takes (activation/messages.h), so the CLI, the C ABI and Python agree.
#include <cstdio>
#include <ostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "args.h"
#include "common.h"
#include "influence_flags.h"
#include "mitra/activation/messages.h"
#include "mitra/core/absl_view.h"
#include "mitra/core/time_format.h"

namespace mitra::cli {

const char kActivateHelp[] = R"(Usage: mitra activate (SNAPSHOT | DIR) [options]

Plans which customers to activate so that word of mouth reaches the most
customers (IMM under independent cascade on the interaction graph, with the
(1 - 1/e - epsilon) guarantee, or its budget and quota variants; OPIM-C on
request), checks the
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
  --probabilities P      each arc's probability: weighted-cascade (default),
                         trivalency, interaction, or learned from the
                         workspace's actions (IC only; flags below); learned
                         also reports the reach over the learned posterior
  --posterior-worlds N   learned: draws of every arc's probability (default 100)
  --posterior-runs N     learned: Monte-Carlo runs per draw (default 1000)
  --epsilon E            the guarantee's epsilon, in (0, 1) (default 0.1)
  --algorithm imm|opim-c IMM (default), or OPIM-C: much faster, same
                         guarantee, but its seeds reach less (docs/ACTIVATION.md)
  --seed S               random seed (default 1)
  --threads T            threads (default 1; results do not depend on it)
  --runs R               Monte-Carlo runs of the check (default 10000)
  --half-life DAYS       decay of an interaction's weight (default 180)
  --as-of TIME           reference time (default: the latest interaction)
  --format text|json     (default text; json: the mitra.v1.WorkspacePlan)
  -o FILE                write to FILE
How --probabilities learned learns (as mitra influence):
)" MITRA_CLI_INFLUENCE_FLAGS_HELP;

namespace {

void WritePlan(const v1::WorkspacePlan& r, std::ostream& out) {
  const v1::Plan& p = r.plan();
  const v1::SpreadEstimate& c = p.check();
  out << "as of " << FormatTime(r.as_of_unix_seconds()) << "; " << r.candidates()
      << " candidates; " << p.seeds_size() << " chosen; guarantee: " << p.guarantee() << "\n";
  out << "expected reach " << Decimals(c.mean(), 1) << " customers (95% CI "
      << Decimals(c.ci_low(), 1) << " - " << Decimals(c.ci_high(), 1) << ", " << c.runs()
      << " independent runs; "
      << (p.algorithm() == v1::INFLUENCE_ALGORITHM_OPIM_C ? "OPIM-C" : "IMM")
      << "'s own estimate " << Decimals(p.imm_estimate(), 1) << ")\n";
  if (r.has_posterior_reach()) {
    const v1::PosteriorReach& q = r.posterior_reach();
    out << "over the learned probabilities' posterior: " << Decimals(q.mean(), 1) << " customers ("
        << Decimals(100 * q.confidence(), 0) << "% interval " << Decimals(q.low(), 1) << " - "
        << Decimals(q.high(), 1) << ", " << q.worlds() << " draws x " << q.runs_per_world()
        << " runs; the interval above covers chance at the posterior means only, this one the "
           "estimates' doubt too)\n";
  }
  out << "total cost " << Decimals(p.total_cost(), 2) << ", cost per reached customer "
      << Decimals(p.cost_per_reached(), 3) << "\n  costs " << BasisText(p.cost_basis(), 2)
      << "\n\n";
  out << "  #  customer    leader of   rank  score  home        cost      gain\n";
  for (int i = 0; i < r.leaders_size(); ++i) {
    const v1::PlannedLeader& l = r.leaders(i);
    char line[160];
    std::snprintf(line, sizeof line, "%3d  %-10s  %-10s  %4s  %5s  %-10s  %6s  %8s\n", i + 1,
                  l.customer_id().c_str(), l.community_id().empty() ? "-" : l.community_id().c_str(),
                  l.leader_rank() ? std::to_string(l.leader_rank()).c_str() : "-",
                  l.leader_rank() ? Decimals(l.leader_score(), 2).c_str() : "-",
                  l.home_community_id().empty() ? "-" : l.home_community_id().c_str(),
                  Decimals(l.cost(), 2).c_str(), Decimals(l.marginal_gain(), 1).c_str());
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
  CommandArgs cl("activate", args, {"text", "json"});
  v1::WorkspacePlanRequest request;
  v1::PlanRequest* plan = request.mutable_plan();
  request.mutable_leaders()->set_top(10);
  std::optional<int64_t> as_of;
  v1::LearnInfluenceRequest learning;  // set only when a learning flag is given
  bool learning_given = false;
  while (cl.Next()) {
    const std::string& a = cl.option();
    double d;
    uint64_t k;
    std::string v, id, value;
    if (a == "--k" || a == "--leaders" || a == "--bridges" || a == "--seed" ||
        a == "--threads" || a == "--runs") {
      // Each into its field's type; threads to the library's 0..256.
      const uint64_t most = a == "--threads"                  ? 256
                            : a == "--seed" || a == "--runs" ? UINT64_MAX
                                                             : UINT32_MAX;
      if (!cl.Whole(&k, uint64_t{0}, most)) return cl.Needs("a whole number");
      if (a == "--k") plan->set_k(static_cast<uint32_t>(k));
      else if (a == "--leaders") request.mutable_leaders()->set_top(static_cast<uint32_t>(k));
      else if (a == "--bridges") request.mutable_leaders()->set_top_bridges(static_cast<uint32_t>(k));
      else if (a == "--seed") plan->set_seed(k);
      else if (a == "--threads") plan->set_threads(static_cast<int32_t>(k));
      else plan->set_check_runs(k);
    } else if (int rc; InfluenceOption(cl, learning, &rc)) {
      if (rc != 0) return rc;
      learning_given = true;
    } else if (a == "--probabilities") {
      static const std::pair<const char*, v1::EdgeProbabilities> kRules[] = {
          {"weighted-cascade", v1::EDGE_PROBABILITIES_WEIGHTED_CASCADE},
          {"trivalency", v1::EDGE_PROBABILITIES_TRIVALENCY},
          {"interaction", v1::EDGE_PROBABILITIES_INTERACTION},
          {"learned", v1::EDGE_PROBABILITIES_LEARNED}};
      bool known = cl.Value(&v);
      if (known) {
        known = false;
        for (const auto& [name, rule] : kRules)
          if (v == name) plan->set_probabilities(rule), known = true;
      }
      if (!known) return Usage("--probabilities is weighted-cascade, trivalency, interaction or learned");
    } else if (a == "--posterior-worlds" || a == "--posterior-runs") {
      if (!cl.Whole(&k)) return cl.Needs("a whole number");
      if (a == "--posterior-runs") request.set_posterior_runs(k);
      else request.set_posterior_worlds(static_cast<uint32_t>(std::min<uint64_t>(k, UINT32_MAX)));
    } else if (a == "--budget" || a == "--default-cost" || a == "--epsilon" ||
               a == "--half-life") {
      if (!cl.Finite(&d)) return cl.Needs("a number");
      if (a == "--budget") plan->set_budget(d);
      else if (a == "--default-cost") request.set_default_cost(d);
      else if (a == "--epsilon") plan->set_epsilon(d);
      else request.mutable_graph()->set_half_life_days(d);
    } else if (a == "--cost") {
      // ID=VALUE split at the last '=': ids may hold one.
      if (!cl.Pair(&id, &value, /*at_last=*/true) || id.empty() || !absl::SimpleAtod(Av(value), &d))
        return cl.Needs("ID=NUMBER");
      (*request.mutable_costs())[id] = d;
    } else if (a == "--quota") {
      if (!cl.Pair(&id, &value, /*at_last=*/true) || id.empty() ||
          !absl::SimpleAtoi(Av(value), &k) || k > UINT32_MAX)
        return cl.Needs("COMMUNITY=N");
      (*request.mutable_community_quota())[id] = static_cast<uint32_t>(k);
    } else if (a == "--cost-attribute") {
      if (!cl.Value(&v)) return cl.Needs("a name");
      request.set_cost_attribute(v);
    } else if (a == "--target" || a == "--exclude" || a == "--include") {
      if (!cl.Value(&v)) return cl.Needs("an id");
      if (a == "--target") request.add_target_community_ids(v);
      else if (a == "--exclude") request.add_excluded_ids(v);
      else request.add_must_include_ids(v);
    } else if (a == "--model") {
      if (!cl.Value(&v) || (v != "ic" && v != "lt")) return Usage("--model is ic or lt");
      plan->set_model(v == "ic" ? v1::DIFFUSION_MODEL_IC : v1::DIFFUSION_MODEL_LT);
    } else if (a == "--algorithm") {
      if (!cl.Value(&v) || (v != "imm" && v != "opim-c")) return Usage("--algorithm is imm or opim-c");
      plan->set_algorithm(v == "imm" ? v1::INFLUENCE_ALGORITHM_IMM : v1::INFLUENCE_ALGORITHM_OPIM_C);
    } else if (a == "--all") {
      request.set_candidates(v1::CANDIDATE_SOURCE_ALL);
    } else if (a == "--as-of") {
      if (!cl.Time(&as_of)) return cl.Needs(kTimeArg);
    } else {
      return cl.Unknown();
    }
  }
  if (int rc = cl.Finish(); rc != 0) return rc;
  if (!plan->has_k() && !plan->has_budget()) plan->set_k(10);
  if (as_of) request.mutable_graph()->set_as_of_unix_seconds(*as_of);
  if (learning_given) *request.mutable_learning() = learning;
  auto ws = LoadWorkspace(cl.source());
  if (!ws.ok()) return Fail(ws.status());
  // k is at most the number of customers.
  const uint32_t n = static_cast<uint32_t>((*ws)->tables().customers.ids.size());
  if (plan->has_k() && plan->k() > n && n > 0) plan->set_k(n);

  v1::WorkspacePlan report;
  if (absl::Status s = activation::WorkspacePlanMessage(**ws, request, &report); !s.ok())
    return Fail(s);
  return cl.Write(report, [&](std::ostream& out) { WritePlan(report, out); },
                  absl::StrCat(report.leaders_size(), " customers to activate"));
}

}  // namespace mitra::cli
