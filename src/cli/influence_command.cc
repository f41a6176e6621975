// `mitra influence`: influence probabilities learned from a workspace's
// actions on its interaction graph, optionally validated on a later period.
// The flags build the mitra.v1.LearnInfluenceRequest the C ABI takes
// (graph/influence_messages.h), so the CLI, the C ABI and Python agree.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <ostream>
#include <sstream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "args.h"
#include "common.h"
#include "influence_flags.h"
#include "mitra/core/time_format.h"
#include "mitra/graph/influence_messages.h"
#include "mitra/graph/interaction_graph.h"

namespace mitra::cli {

const char kInfluenceHelp[] = R"(Usage: mitra influence (SNAPSHOT | DIR) [options]

Learns, for every arc u -> v of the interaction graph (v attends to u), the
probability that v follows u's action, from what customers did: u's action
on an item is a trial of u -> v, a success when v acts on the same item
within the window after u (docs/GRAPH.md, "Learning influence
probabilities"). Each arc gets a Beta posterior whose prior is fitted per
interaction kind. With --holdout-split, the models learned before the split
are scored on the actions after it (log-likelihood and AUC of the learned
probabilities, weighted cascade, one uniform p and no influence).

Options (times: ISO 8601 or unix seconds):
)" MITRA_CLI_INFLUENCE_FLAGS_HELP R"(  --holdout-split TIME   learn before TIME, score the models after it
  --min-trials N         list arcs with at least N trials (default 1)
  --top N                text: the N arcs of highest posterior mean (default
                         20; 0 = all)
  --half-life DAYS       decay of an interaction's weight (default 180)
  --as-of TIME           reference time (default: the latest interaction)
  --format text|json|csv (default text; json: the mitra.v1.LearnInfluenceReport;
                         csv: every listed arc)
  -o FILE                write to FILE
)";

namespace {

const char* MethodName(v1::InfluenceMethod m) {
  switch (m) {
    case v1::INFLUENCE_METHOD_BERNOULLI:
      return "bernoulli";
    case v1::INFLUENCE_METHOD_JACCARD:
      return "jaccard";
    case v1::INFLUENCE_METHOD_CONTINUOUS_TIME:
      return "continuous-time";
    default:
      return "em";
  }
}

void WriteArcsCsv(const v1::LearnInfluenceReport& r, std::ostream& out) {
  out << "from_customer_id,to_customer_id,kind,trials,successes,estimate,posterior_mean,low,high,"
         "alpha,beta\n";
  for (const v1::LearnedArc& a : r.arcs())
    out << a.from_customer_id() << "," << a.to_customer_id() << ","
        << graph::InteractionKindName(a.kind()) << "," << a.trials() << ","
        << Significant(a.successes(), 10) << "," << Significant(a.estimate(), 10) << ","
        << Significant(a.posterior_mean(), 10) << "," << Significant(a.low(), 10) << ","
        << Significant(a.high(), 10) << "," << Significant(a.alpha(), 10) << ","
        << Significant(a.beta(), 10) << "\n";
}

void WriteText(const v1::LearnInfluenceReport& r, uint32_t top, std::ostream& out) {
  out << "as of " << FormatTime(r.as_of_unix_seconds()) << "; method " << MethodName(r.method())
      << ", window " << Significant(r.window_seconds() / 86400.0, 4) << " days\n"
      << r.actions() << " actions on " << r.items() << " items; " << r.arcs_with_trials() << " of "
      << r.num_arcs() << " arcs with trials";
  if (r.method() == v1::INFLUENCE_METHOD_EM)
    out << "; EM " << (r.em_converged() ? "converged" : "stopped") << " after "
        << r.em_iterations() << " iterations";
  out << "\n\nprior per interaction kind (Beta(a, b); mean a / (a + b))\n";
  for (const v1::InfluencePrior& p : r.priors()) {
    char line[160];
    std::snprintf(line, sizeof line, "  %-12s a %8.4g  b %8.4g  mean %.4f  %s\n",
                  graph::InteractionKindName(p.kind()), p.a(), p.b(), p.a() / (p.a() + p.b()),
                  p.fitted() ? absl::StrCat("fitted on ", p.arcs(), " arcs").c_str()
                             : "no arc with trials: the pooled prior");
    out << line;
  }
  if (r.has_holdout()) {
    const v1::HoldoutTable& h = r.holdout();
    out << "\nholdout: learned before " << FormatTime(h.split_unix_seconds()) << " ("
        << h.training_items() << " items), scored on " << h.units() << " (item, customer) units after it ("
        << h.test_items() << " items; " << h.positives() << " acted, " << h.exposed_units()
        << " exposed)\n";
    out << "  model             log-likelihood  per unit      AUC\n";
    for (const v1::HoldoutScore& s : h.scores()) {
      char line[160];
      std::snprintf(line, sizeof line, "  %-16s %15.4f %9.5f %8.4f\n",
                    s.model() == "uniform"
                        ? absl::StrCat("uniform p=", Significant(h.uniform_p(), 3)).c_str()
                        : s.model().c_str(),
                    s.log_likelihood(), s.mean_log_likelihood(), s.auc());
      out << line;
    }
  }
  std::vector<int> order(r.arcs_size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int x, int y) {
    return r.arcs(x).posterior_mean() > r.arcs(y).posterior_mean();
  });
  if (top > 0 && order.size() > top) order.resize(top);
  out << "\n" << (order.size() < static_cast<size_t>(r.arcs_size()) ? "top " : "")
      << order.size() << " of " << r.arcs_size() << " arcs by posterior mean ("
      << Significant(100 * r.interval(), 3) << "% interval)\n";
  out << "  from        to          kind        trials  successes  estimate    mean     low    high\n";
  for (int i : order) {
    const v1::LearnedArc& a = r.arcs(i);
    char line[200];
    std::snprintf(line, sizeof line, "  %-10s  %-10s  %-10s  %6u  %9.2f  %8.4f  %6.4f  %6.4f  %6.4f\n",
                  a.from_customer_id().c_str(), a.to_customer_id().c_str(),
                  graph::InteractionKindName(a.kind()), a.trials(), a.successes(), a.estimate(),
                  a.posterior_mean(), a.low(), a.high());
    out << line;
  }
}

}  // namespace

namespace {

// A wire enum from its flag spelling: "program-joins" is
// <prefix>PROGRAM_JOINS. False for an unknown name and for UNSPECIFIED.
template <typename E>
bool FlagEnum(std::string text, const char* prefix, bool (*parse)(const std::string&, E*), E* out) {
  for (char& c : text) c = c == '-' ? '_' : absl::ascii_toupper(static_cast<unsigned char>(c));
  return !text.empty() && parse(absl::StrCat(prefix, text), out) && static_cast<int>(*out) != 0;
}

}  // namespace

bool InfluenceOption(CommandArgs& cl, v1::LearnInfluenceRequest& r, int* rc) {
  const std::string& a = cl.option();
  double d;
  uint32_t k;
  std::string v;
  *rc = 0;
  if (a == "--action") {
    v1::InfluenceActionSource source;
    if (!cl.Value(&v) ||
        !FlagEnum(v, "INFLUENCE_ACTION_SOURCE_", v1::InfluenceActionSource_Parse, &source))
      *rc = Usage("--action is purchases, program-joins or referral-conversions");
    else
      r.set_action(source);
  } else if (a == "--method") {
    v1::InfluenceMethod method;
    if (!cl.Value(&v) || !FlagEnum(v, "INFLUENCE_METHOD_", v1::InfluenceMethod_Parse, &method))
      *rc = Usage("--method is em, bernoulli, jaccard or continuous-time");
    else
      r.set_method(method);
  } else if (a == "--product-line") {
    if (!cl.Value(&v)) *rc = cl.Needs("a product category");
    else r.set_product_line(v);
  } else if (a == "--window-days" || a == "--decay-days") {
    // The library checks the range and names the request field.
    if (!cl.Number(&d)) *rc = cl.Needs("a number of days");
    else if (a == "--decay-days") r.set_decay_seconds(d * 86400);
    else r.set_window_seconds(std::fabs(d) < 1e12 ? std::llround(d * 86400) : 0);
  } else if (a == "--em-iterations") {
    if (!cl.Whole(&k)) *rc = cl.Needs("a whole number");
    else r.set_em_max_iterations(static_cast<int32_t>(std::min<uint32_t>(k, INT32_MAX)));
  } else if (a == "--em-tolerance" || a == "--interval") {
    if (!cl.Number(&d)) *rc = cl.Needs("a number");
    else if (a == "--em-tolerance") r.set_em_tolerance(d);
    else r.set_interval(d);
  } else {
    return false;
  }
  return true;
}

int InfluenceCommand(const std::vector<std::string>& args) {
  CommandArgs cl("influence", args, {"text", "json", "csv"});
  v1::LearnInfluenceRequest request;
  uint32_t top = 20;
  std::optional<int64_t> as_of, split;
  while (cl.Next()) {
    const std::string& a = cl.option();
    double d;
    uint32_t k;
    int rc;
    if (InfluenceOption(cl, request, &rc)) {
      if (rc != 0) return rc;
    } else if (a == "--holdout-split") {
      if (!cl.Time(&split)) return cl.Needs(kTimeArg);
    } else if (a == "--min-trials" || a == "--top") {
      if (!cl.Whole(&k)) return cl.Needs("a whole number");
      if (a == "--top") top = k;
      else request.set_min_trials(k);
    } else if (a == "--half-life") {
      if (!cl.Number(&d)) return cl.Needs("a number of days");
      request.mutable_graph()->set_half_life_days(d);
    } else if (a == "--as-of") {
      if (!cl.Time(&as_of)) return cl.Needs(kTimeArg);
    } else {
      return cl.Unknown();
    }
  }
  if (int rc = cl.Finish(); rc != 0) return rc;
  if (as_of) request.mutable_graph()->set_as_of_unix_seconds(*as_of);
  if (split) request.set_split_unix_seconds(*split);
  auto ws = LoadWorkspace(cl.source());
  if (!ws.ok()) return Fail(ws.status());
  v1::LearnInfluenceReport report;
  if (absl::Status s = graph::LearnInfluenceMessage(**ws, request, &report); !s.ok()) return Fail(s);
  const std::string summary = absl::StrCat(report.arcs_size(), " arcs");
  if (cl.format() == "csv") {
    std::ostringstream body;
    WriteArcsCsv(report, body);
    return cl.Write(body.str(), summary);
  }
  return cl.Write(report, [&](std::ostream& out) { WriteText(report, top, out); }, summary);
}

}  // namespace mitra::cli
