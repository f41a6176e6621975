// Out-of-memory sweep, in the style of SQLite's fault injection: for every
// C ABI entry point and every N, the Nth allocation fails (once, or from then
// on). Each call must return RESOURCE_EXHAUSTED or succeed, never crash or
// abort, and leave the workspace exactly as it was (or as the call, having
// succeeded, made it).
//
// The sweep interposes malloc/calloc/realloc (which operator new, protobuf
// and Abseil all reach) and forwards to glibc's __libc_* entry points. It
// cannot run beside a sanitizer's own allocator, so sanitizer builds skip it.
#include <malloc.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>

#include "common/exports.h"
#include "common/sanitizers.h"
#include "common/test_batch.h"
#include "gtest/gtest.h"
#include "mitra/mitra.h"
#include "mitra/v1/activation.pb.h"
#include "mitra/v1/graph.pb.h"
#include "mitra/v1/cocreation_analysis.pb.h"
#include "mitra/v1/campaign_effects.pb.h"
#include "mitra/v1/channel_economics.pb.h"
#include "mitra/v1/ladder.pb.h"
#include "mitra/v1/leaders.pb.h"
#include "mitra/v1/value.pb.h"
#include "value/cdnow.h"

extern "C" {
void* __libc_malloc(size_t);
void* __libc_calloc(size_t, size_t);
void* __libc_realloc(void*, size_t);
void __libc_free(void*);
}

namespace {

// Allocations left before the injected failure; negative: injection off.
std::atomic<long> g_countdown{-1};
std::atomic<bool> g_persistent{false};
std::atomic<bool> g_injected{false};

bool ShouldFail() {
  long c = g_countdown.load(std::memory_order_relaxed);
  if (c < 0) return false;
  if (c == 0) {
    g_injected.store(true, std::memory_order_relaxed);
    if (!g_persistent.load(std::memory_order_relaxed)) g_countdown.store(-1);
    return true;
  }
  g_countdown.store(c - 1, std::memory_order_relaxed);
  return false;
}

}  // namespace

#if !MITRA_TEST_SANITIZED
extern "C" {
void* malloc(size_t n) { return ShouldFail() ? nullptr : __libc_malloc(n); }
void* calloc(size_t n, size_t m) { return ShouldFail() ? nullptr : __libc_calloc(n, m); }
void* realloc(void* p, size_t n) { return ShouldFail() ? nullptr : __libc_realloc(p, n); }
void free(void* p) { __libc_free(p); }
}
#endif

namespace {

struct Injection {
  explicit Injection(long n, bool persistent) {
    g_injected = false;
    g_persistent = persistent;
    g_countdown = n;
  }
  ~Injection() { g_countdown = -1; }
};

const std::string& FullBatchBytes() {
  static const std::string* s = new std::string(mitra::testing::FullBatch().SerializeAsString());
  return *s;
}

std::string TempPath(const char* name) {
  return (std::filesystem::path(::testing::TempDir()) /
          (std::string(name) + "-" + std::to_string(getpid())))
      .string();
}

// Inputs are built before the injection starts: only the library's own
// allocations may fail.
std::string NewCustomerBatchBytes() {
  mitra::v1::Batch b;
  b.add_customers()->set_id("new-customer");
  auto* t = b.add_transactions();
  t->set_customer_id("new-customer");
  t->set_time_unix_seconds(1720000000);
  t->set_amount(99);
  return b.SerializeAsString();
}

// Calls an entry point that returns a library buffer, and frees the buffer.
template <typename F>
mitra_status WithBuffer(F&& f) {
  uint8_t* out = nullptr;
  size_t n = 0;
  const mitra_status s = f(&out, &n);
  mitra_free(out);
  return s;
}

// Customer-value requests, serialized before the injection starts.
struct ValueInputs {
  std::string fit, model, summary, rfm, intervals;
  // A covariate fit's customers (CDNOW's first 300, a made-up covariate z)
  // and a summary request naming a non-numeric attribute.
  std::vector<double> cx, ctx, cT, cz;
  std::string covariate_summary;
  // The same customers' fit through a host's sum: the request without the
  // covariate values, and z's moments.
  std::string callback_fit;
  double cz_sum = 0, cz_cross = 0;
  // A fit without covariates through a host's sum: the model, no rows.
  std::string plain_callback_fit;
  std::vector<double> x{0, 1, 2, 0, 5}, tx{0, 3, 8, 0, 20}, T{10, 12, 30, 4, 40}, holdout{0, 1, 1, 0, 3};
};
const ValueInputs& Value() {
  static const ValueInputs* v = [] {
    auto* in = new ValueInputs;
    // A real fit: the CDNOW sample's published summaries.
    const auto cdnow = mitra::value::testing::LoadCdnowSummary(MITRA_REFERENCE_DATA_DIR);
    mitra::v1::FitRequest fit;
    fit.set_model(mitra::v1::VALUE_MODEL_BG_NBD);
    fit.mutable_frequency()->Add(cdnow.x.begin(), cdnow.x.end());
    fit.mutable_recency()->Add(cdnow.t_x.begin(), cdnow.t_x.end());
    fit.mutable_t()->Add(cdnow.T.begin(), cdnow.T.end());
    in->fit = fit.SerializeAsString();
    mitra::v1::FittedModel model;
    model.set_model(mitra::v1::VALUE_MODEL_BG_NBD);
    for (auto [k, val] : {std::pair{"r", 0.243}, {"alpha", 4.414}, {"a", 0.793}, {"b", 2.426}})
      (*model.mutable_params())[k] = val;
    in->model = model.SerializeAsString();
    mitra::v1::SummaryRequest summary;
    summary.set_calibration_end_unix_seconds(1706745600);  // 2024-02-01
    summary.set_holdout_end_unix_seconds(1711929600);      // 2024-04-01
    summary.set_period_seconds(86400);
    summary.set_unit_seconds(7 * 86400);
    in->summary = summary.SerializeAsString();
    summary.add_dropout_covariate_attributes("city");  // "Bandung": not a number
    in->covariate_summary = summary.SerializeAsString();
    for (size_t i = 0; i < 300; ++i) {
      in->cx.push_back(cdnow.x[i]);
      in->ctx.push_back(cdnow.t_x[i]);
      in->cT.push_back(cdnow.T[i]);
      in->cz.push_back(static_cast<double>(i % 5) - 2 + 0.1 * static_cast<double>(i % 3));
    }
    mitra::v1::FitRequest callback_fit;
    callback_fit.set_model(mitra::v1::VALUE_MODEL_BG_NBD);
    callback_fit.mutable_frequency()->Add(in->cx.begin(), in->cx.end());
    callback_fit.mutable_recency()->Add(in->ctx.begin(), in->ctx.end());
    callback_fit.mutable_t()->Add(in->cT.begin(), in->cT.end());
    callback_fit.add_purchase_covariate_names("z");
    in->callback_fit = callback_fit.SerializeAsString();
    mitra::v1::FitRequest plain;
    plain.set_model(mitra::v1::VALUE_MODEL_BG_NBD);
    in->plain_callback_fit = plain.SerializeAsString();
    for (double z : in->cz) in->cz_sum += z;
    for (double z : in->cz) {
      const double d = z - in->cz_sum / static_cast<double>(in->cz.size());
      in->cz_cross += d * d;
    }
    mitra::v1::RfmRequest rfm;
    for (int i = 0; i < 7; ++i) {
      rfm.add_recency_age(i);
      rfm.add_frequency(7 - i);
      rfm.add_monetary_value(i * 3 % 7);
    }
    in->rfm = rfm.SerializeAsString();
    // Intervals of every prediction from the model above and a Gamma-Gamma
    // model, each with a diagonal log-parameter covariance.
    mitra::v1::PredictIntervalsRequest iv;
    *iv.mutable_purchase_model() = model;
    mitra::v1::FittedModel* gg = iv.mutable_spend_model();
    gg->set_model(mitra::v1::VALUE_MODEL_GAMMA_GAMMA);
    for (auto [k, val] : {std::pair{"p", 6.25}, {"q", 3.74}, {"gamma", 15.44}}) (*gg->mutable_params())[k] = val;
    for (mitra::v1::FittedModel* m : {iv.mutable_purchase_model(), gg}) {
      const int k = m->params_size();
      for (const char* name : {"r", "alpha", "a", "b", "p", "q", "gamma"})
        if (m->params().contains(name)) m->mutable_report()->add_covariance_parameters(name);
      for (int i = 0; i < k * k; ++i) m->mutable_report()->add_log_covariance(i % (k + 1) == 0 ? 0.01 : 0);
    }
    iv.mutable_frequency()->Add(in->x.begin(), in->x.end());
    iv.mutable_recency()->Add(in->tx.begin(), in->tx.end());
    iv.mutable_t()->Add(in->T.begin(), in->T.end());
    for (double m : {0.0, 20.0, 30.0, 0.0, 25.0}) iv.add_monetary_value(m);
    iv.set_horizon(39);
    iv.set_clv_period_length(4);
    iv.set_draws(20);
    in->intervals = iv.SerializeAsString();
    return in;
  }();
  return *v;
}

const uint8_t* U8(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

// The sBG and BG/BB inputs: Fader & Hardie's regular cohort, a small
// BG/BB table, the papers' estimates, and monthly periods over FullBatch's
// transactions.
struct DiscreteInputs {
  std::string sbg_fit, sbg_model, bgbb_model, workspace_sbg, workspace_bgbb;
  std::vector<double> x{0, 1, 3, 6}, tx{0, 2, 5, 6}, n{6, 6, 6, 6}, weight{30, 10, 5, 4};
  std::vector<int32_t> t{1, 2, 7, 30};
};
const DiscreteInputs& Discrete() {
  static const DiscreteInputs* d = [] {
    auto* in = new DiscreteInputs;
    mitra::v1::SbgFitRequest fit;
    mitra::v1::SbgCohort* c = fit.add_cohorts();
    for (double v : {1000, 631, 468, 382, 326, 289, 262, 241}) c->add_survivors(v);
    fit.set_horizon(12);
    fit.set_discount_rate(0.1);
    fit.set_value_per_period(50);
    in->sbg_fit = fit.SerializeAsString();
    mitra::v1::SbgModel sbg;
    sbg.set_alpha(0.704);
    sbg.set_beta(1.182);
    in->sbg_model = sbg.SerializeAsString();
    mitra::v1::BgBbModel bgbb;
    bgbb.set_alpha(1.204);
    bgbb.set_beta(0.750);
    bgbb.set_gamma(0.657);
    bgbb.set_delta(2.783);
    in->bgbb_model = bgbb.SerializeAsString();
    mitra::v1::DiscretePeriods periods;
    periods.set_period_seconds(30 * 86400);
    periods.set_origin_unix_seconds(1704067200);  // 2024-01-01
    periods.set_end_unix_seconds(1711929600);     // 2024-04-01
    mitra::v1::WorkspaceSbgRequest ws_sbg;
    *ws_sbg.mutable_periods() = periods;
    in->workspace_sbg = ws_sbg.SerializeAsString();
    mitra::v1::WorkspaceBgBbRequest ws_bgbb;
    *ws_bgbb.mutable_periods() = periods;
    ws_bgbb.set_horizon(3);
    in->workspace_bgbb = ws_bgbb.SerializeAsString();
    return in;
  }();
  return *d;
}

// Co-creation requests on FullBatch's program "advisor", serialized before
// the injection starts.
struct CoCreationInputs {
  std::string panel, feedback, adoption;
};
const CoCreationInputs& CoCreation() {
  static const CoCreationInputs* in = [] {
    auto* c = new CoCreationInputs;
    mitra::v1::PanelRequest panel;
    panel.set_size(2);
    panel.set_fatigue_days(0);
    auto* q = panel.add_quotas();
    q->set_dimension("community");
    q->set_value("mio-bdg");
    q->set_min(1);
    auto* st = panel.add_stages();
    st->set_customer_id("c2");
    st->set_label("advocate");
    c->panel = panel.SerializeAsString();
    mitra::v1::FeedbackRequest feedback;
    feedback.set_program_id("advisor");
    c->feedback = feedback.SerializeAsString();
    mitra::v1::AdoptionRequest adoption;
    auto* d = adoption.add_decisions();
    d->set_id("d1");
    d->set_program_id("advisor");
    d->set_attribute("range");
    d->set_outcome(mitra::v1::ADOPTION_OUTCOME_ADOPTED);
    d->set_decided_unix_seconds(1710500000);
    d->set_value(100);
    d->add_contributor_customer_ids("c1");
    d->add_contributor_customer_ids("c3");
    c->adoption = adoption.SerializeAsString();
    return c;
  }();
  return *in;
}

// Graph and leaders requests, serialized before the injection starts: a
// small graph (two triangles joined by an edge) and requests on FullBatch's
// communities.
struct GraphInputs {
  std::vector<uint32_t> src{0, 1, 2, 3, 4, 5, 2}, dst{1, 2, 0, 4, 5, 3, 3};
  std::vector<double> weights{1, 2, 1, 1, 3, 1, 0.5};
  std::vector<uint32_t> membership{0, 0, 0, 1, 1, 1};
  std::string pagerank, betweenness, leiden, interaction_graph, leaders, trust, health;
  std::string edge_betweenness, truss;
  std::string plan, simulate, workspace_plan, learn_influence, learned_plan;
  // The plan's selection stage (every set of round 1 covered).
  uint64_t selection_sets = 0;
  double selection_lower_bound = 0;
};
const GraphInputs& Graph() {
  static const GraphInputs* g = [] {
    auto* in = new GraphInputs;
    mitra::v1::CentralityRequest pr;
    pr.mutable_pagerank()->add_personalization(1);
    for (int i = 0; i < 5; ++i) pr.mutable_pagerank()->add_personalization(0.5);
    in->pagerank = pr.SerializeAsString();
    mitra::v1::CentralityRequest bc;
    bc.mutable_sampled_betweenness()->set_epsilon(0.5);
    bc.set_directed(false);
    in->betweenness = bc.SerializeAsString();
    mitra::v1::EdgeValuesRequest eb;
    eb.mutable_betweenness()->set_threads(2);
    in->edge_betweenness = eb.SerializeAsString();
    mitra::v1::EdgeValuesRequest truss;
    truss.mutable_truss();
    in->truss = truss.SerializeAsString();
    mitra::v1::LeidenRequest leiden;
    leiden.set_seed(3);
    in->leiden = leiden.SerializeAsString();
    mitra::v1::InteractionGraphRequest ig;
    ig.set_community_id("mio-bdg");
    in->interaction_graph = ig.SerializeAsString();
    mitra::v1::LeadersRequest leaders;
    leaders.set_top(0);
    in->leaders = leaders.SerializeAsString();
    mitra::v1::TrustRequest trust;
    trust.add_pretrusted_customer_ids("c1");
    in->trust = trust.SerializeAsString();
    mitra::v1::HealthRequest health;
    health.set_periods(3);
    in->health = health.SerializeAsString();
    mitra::v1::PlanRequest plan;  // small: few RR sets and check runs
    plan.set_k(2);
    plan.set_epsilon(0.5);
    plan.set_check_runs(20);
    for (uint32_t v : in->membership) plan.add_groups(v);
    in->plan = plan.SerializeAsString();
    uint32_t round = 0;
    uint64_t sets = 0;
    double lb = 0;
    if (mitra_activation_imm_stage(6, U8(in->plan), in->plan.size(), 0, 0, &round, &sets, &lb,
                                   nullptr) != MITRA_OK ||
        mitra_activation_imm_stage(6, U8(in->plan), in->plan.size(), round, sets, &round,
                                   &in->selection_sets, &in->selection_lower_bound,
                                   nullptr) != MITRA_OK ||
        round != 0)
      std::abort();
    mitra::v1::SimulateRequest sim;
    sim.add_seeds(0);
    sim.add_seeds(3);
    sim.set_runs(20);
    for (uint32_t v : in->membership) sim.add_groups(v);
    in->simulate = sim.SerializeAsString();
    mitra::v1::WorkspacePlanRequest wp;  // every customer a candidate, one cost by id
    wp.mutable_plan()->set_k(1);
    wp.mutable_plan()->set_epsilon(0.5);
    wp.mutable_plan()->set_check_runs(20);
    wp.set_candidates(mitra::v1::CANDIDATE_SOURCE_ALL);
    (*wp.mutable_costs())["c1"] = 2;
    in->workspace_plan = wp.SerializeAsString();
    // On learned probabilities: learning, the plan and the posterior draws.
    wp.mutable_plan()->set_probabilities(mitra::v1::EDGE_PROBABILITIES_LEARNED);
    wp.set_posterior_worlds(2);
    wp.set_posterior_runs(10);
    in->learned_plan = wp.SerializeAsString();
    mitra::v1::LearnInfluenceRequest li;  // every arc reported
    li.set_min_trials(0);
    in->learn_influence = li.SerializeAsString();
    return in;
  }();
  return *g;
}

// Ladder requests on FullBatch's customers: the default ladder with a
// two-period history, and contributions with an adopted change and an
// adopted co-creation decision.
std::string LadderRequestBytes() {
  mitra::v1::LadderRequest r;
  r.set_history_periods(2);
  return r.SerializeAsString();
}
std::string ContributionRequestBytes() {
  mitra::v1::ContributionRequest r;
  r.set_influence_persistence(0.5);
  auto* change = r.add_changes();
  change->set_value(100);
  change->add_contributor_ids("c1");
  change->add_contributor_ids("c3");
  auto* decision = r.add_decisions();  // an adopted co-creation decision
  decision->set_program_id("advisor");
  decision->set_outcome(mitra::v1::ADOPTION_OUTCOME_ADOPTED);
  decision->set_decided_unix_seconds(1710500000);
  decision->set_value(10);
  decision->add_contributor_customer_ids("c2");
  return r.SerializeAsString();
}

// Channel economics on FullBatch's chain: every part of the report (rates,
// per-customer rows, linear demand, an activation plan, campaign effects, a
// budget split);
// and the two calls without a workspace.
std::string ChannelRequestBytes() {
  mitra::v1::ChannelRequest r;
  r.mutable_rates()->set_per_order(1);
  r.mutable_rates()->add_support_kinds(mitra::v1::INTERACTION_KIND_REPLY);
  r.set_per_customer(true);
  r.mutable_demand()->set_a(100);
  r.mutable_demand()->set_b(2);
  r.mutable_activation()->mutable_plan()->set_k(1);
  r.mutable_activation()->mutable_plan()->set_epsilon(0.5);
  r.mutable_activation()->mutable_plan()->set_check_runs(20);
  r.mutable_activation()->set_candidates(mitra::v1::CANDIDATE_SOURCE_ALL);
  r.set_conversion_rate(0.5);
  r.set_budget(100);
  r.mutable_campaign_effects()->set_draws(20);  // measured, no curves: a note
  return r.SerializeAsString();
}
// Campaign effects on FullBatch's two campaigns (too small to measure:
// notes, each allocation of the panel and the report still swept).
std::string CampaignEffectsRequestBytes() {
  mitra::v1::CampaignEffectsRequest r;
  r.set_baseline_periods(4);
  r.set_draws(50);
  return r.SerializeAsString();
}
std::string BudgetRequestBytes() {
  mitra::v1::BudgetRequest r;
  r.set_budget(50);
  auto* a = r.add_routes();
  a->set_name("chain");
  a->set_value_per_conversion(10);
  a->mutable_response()->mutable_exponential()->set_a(5);
  a->mutable_response()->mutable_exponential()->set_b(0.1);
  auto* b = r.add_routes();
  b->set_name("community");
  b->set_value_per_conversion(8);
  for (double x : {10.0, 20.0, 30.0}) b->mutable_response()->mutable_points()->add_spend(x);
  for (double y : {3.0, 4.0, 6.0}) b->mutable_response()->mutable_points()->add_response(y);
  return r.SerializeAsString();
}
std::string DemandRequestBytes() {
  mitra::v1::LinearDemandRequest r;
  r.set_a(100);
  r.set_b(2);
  r.set_c(10);
  return r.SerializeAsString();
}

// One entry point under test: runs the call on `ws` and returns its status.
// `mutates` says whether success changes the workspace.
struct Scenario {
  const char* name;
  bool mutates;
  mitra_status success;  // the status when no allocation fails
  std::function<mitra_status(mitra_workspace*, mitra_error**)> call;
};

std::vector<Scenario> Scenarios() {
  static const char kCsv[] = "customer_id,time,amount\nc1,2024-05-01,12.5\nc2,2024-05-02,3\n";
  static const char kBadCsv[] = "customer_id,time,amount\nc1,2024-05-01,-1\n";
  const std::string snapshot = TempPath("oom.mitra");
  FullBatchBytes();
  Value();
  Discrete();
  Graph();
  return {
      {"activation_plan", false, MITRA_OK,
       [](mitra_workspace*, mitra_error** e) {
         const GraphInputs& g = Graph();
         return WithBuffer([&](uint8_t** out, size_t* n) {
           return mitra_activation_plan(6, g.src.data(), g.dst.data(), g.weights.data(), g.src.size(),
                                        U8(g.plan), g.plan.size(), out, n, e);
         });
       }},
      {"activation_simulate", false, MITRA_OK,
       [](mitra_workspace*, mitra_error** e) {
         const GraphInputs& g = Graph();
         return WithBuffer([&](uint8_t** out, size_t* n) {
           return mitra_activation_simulate(6, g.src.data(), g.dst.data(), nullptr, g.src.size(),
                                            U8(g.simulate), g.simulate.size(), out, n, e);
         });
       }},
      {"activation_rr_sets", false, MITRA_OK,
       [](mitra_workspace*, mitra_error** e) {
         const GraphInputs& g = Graph();
         return WithBuffer([&](uint8_t** out, size_t* n) {
           return mitra_activation_rr_sets(6, g.src.data(), g.dst.data(), g.weights.data(),
                                           g.src.size(), U8(g.plan), g.plan.size(), 10, 60, out,
                                           n, e);
         });
       }},
      {"activation_rr_coverage", false, MITRA_OK,
       [](mitra_workspace*, mitra_error** e) {
         // Sets {0, 1} {2} {1, 3, 5}.
         const uint32_t sets[] = {2, 1, 3, 0, 1, 2, 1, 3, 5};
         const uint32_t seeds[] = {1};
         uint64_t gains[1], counts[6];
         return mitra_activation_rr_coverage(6, sets, 9, 3, seeds, 1, gains, counts, e);
       }},
      {"activation_imm_stage", false, MITRA_OK,
       [](mitra_workspace*, mitra_error** e) {
         const GraphInputs& g = Graph();
         uint32_t round = 0;
         uint64_t sets = 0;
         double lb = 0;
         return mitra_activation_imm_stage(6, U8(g.plan), g.plan.size(), 0, 0, &round, &sets, &lb,
                                           e);
       }},
      {"activation_selection_plan", false, MITRA_OK,
       [](mitra_workspace*, mitra_error** e) {
         const GraphInputs& g = Graph();
         const uint32_t seeds[] = {0, 3};
         const uint64_t gains[] = {0, 0};
         return WithBuffer([&](uint8_t** out, size_t* n) {
           return mitra_activation_selection_plan(
               6, g.src.data(), g.dst.data(), g.weights.data(), g.src.size(), U8(g.plan),
               g.plan.size(), seeds, gains, 2, g.selection_sets, g.selection_lower_bound, out, n,
               e);
         });
       }},
      {"graph_centrality", false, MITRA_OK,
       [](mitra_workspace*, mitra_error** e) {
         const GraphInputs& g = Graph();
         double values[6];
         return WithBuffer([&](uint8_t** out, size_t* n) {
           return mitra_graph_centrality(6, g.src.data(), g.dst.data(), g.weights.data(), g.src.size(),
                                         U8(g.pagerank), g.pagerank.size(), values, out, n, e);
         });
       }},
      {"graph_sampled_betweenness", false, MITRA_OK,
       [](mitra_workspace*, mitra_error** e) {
         const GraphInputs& g = Graph();
         double values[6];
         return WithBuffer([&](uint8_t** out, size_t* n) {
           return mitra_graph_centrality(6, g.src.data(), g.dst.data(), nullptr, g.src.size(),
                                         U8(g.betweenness), g.betweenness.size(), values, out, n, e);
         });
       }},
      {"graph_edge_betweenness", false, MITRA_OK,
       [](mitra_workspace*, mitra_error** e) {
         const GraphInputs& g = Graph();
         double values[7];  // g.src.size(); nothing allocated outside the call
         return WithBuffer([&](uint8_t** out, size_t* n) {
           return mitra_graph_edge_values(6, g.src.data(), g.dst.data(), g.weights.data(),
                                          g.src.size(), U8(g.edge_betweenness),
                                          g.edge_betweenness.size(), values, out, n, e);
         });
       }},
      {"graph_truss", false, MITRA_OK,
       [](mitra_workspace*, mitra_error** e) {
         const GraphInputs& g = Graph();
         double values[7];
         return WithBuffer([&](uint8_t** out, size_t* n) {
           return mitra_graph_edge_values(6, g.src.data(), g.dst.data(), nullptr, g.src.size(),
                                          U8(g.truss), g.truss.size(), values, out, n, e);
         });
       }},
      {"graph_leiden", false, MITRA_OK,
       [](mitra_workspace*, mitra_error** e) {
         const GraphInputs& g = Graph();
         uint32_t membership[6];
         return WithBuffer([&](uint8_t** out, size_t* n) {
           return mitra_graph_leiden(6, g.src.data(), g.dst.data(), g.weights.data(), g.src.size(),
                                     U8(g.leiden), g.leiden.size(), membership, out, n, e);
         });
       }},
      {"graph_transition_product", false, MITRA_OK,
       [](mitra_workspace*, mitra_error** e) {
         const GraphInputs& g = Graph();
         const double x[6] = {0.1, 0.2, 0.3, 0.1, 0.2, 0.1};
         double y[6], dangling = 0;
         return mitra_graph_transition_product(6, g.src.data(), g.dst.data(), g.weights.data(),
                                               g.src.size(), 0, 6, x, y, &dangling, e);
       }},
      {"graph_modularity", false, MITRA_OK,
       [](mitra_workspace*, mitra_error** e) {
         const GraphInputs& g = Graph();
         double q = 0;
         return mitra_graph_modularity(6, g.src.data(), g.dst.data(), g.weights.data(), g.src.size(), 1,
                                       g.membership.data(), 1.0, &q, e);
       }},
      {"interaction_graph", false, MITRA_OK,
       [](mitra_workspace* ws, mitra_error** e) {
         return WithBuffer([&](uint8_t** out, size_t* n) {
           return mitra_workspace_interaction_graph(ws, U8(Graph().interaction_graph),
                                                    Graph().interaction_graph.size(), out, n, e);
         });
       }},
      {"learn_influence", false, MITRA_OK,
       [](mitra_workspace* ws, mitra_error** e) {
         const std::string& r = Graph().learn_influence;
         return WithBuffer([&](uint8_t** out, size_t* n) {
           return mitra_workspace_learn_influence(ws, U8(r), r.size(), out, n, e);
         });
       }},
      {"workspace_activation_plan_learned", false, MITRA_OK,
       [](mitra_workspace* ws, mitra_error** e) {
         const std::string& r = Graph().learned_plan;
         return WithBuffer([&](uint8_t** out, size_t* n) {
           return mitra_workspace_activation_plan(ws, U8(r), r.size(), out, n, e);
         });
       }},
      {"workspace_activation_plan", false, MITRA_OK,
       [](mitra_workspace* ws, mitra_error** e) {
         const std::string& r = Graph().workspace_plan;
         return WithBuffer([&](uint8_t** out, size_t* n) {
           return mitra_workspace_activation_plan(ws, U8(r), r.size(), out, n, e);
         });
       }},
      {"leaders", false, MITRA_OK,
       [](mitra_workspace* ws, mitra_error** e) {
         return WithBuffer([&](uint8_t** out, size_t* n) {
           return mitra_workspace_leaders(ws, U8(Graph().leaders), Graph().leaders.size(), out, n, e);
         });
       }},
      {"trust", false, MITRA_OK,
       [](mitra_workspace* ws, mitra_error** e) {
         return WithBuffer([&](uint8_t** out, size_t* n) {
           return mitra_workspace_trust(ws, U8(Graph().trust), Graph().trust.size(), out, n, e);
         });
       }},
      {"community_health", false, MITRA_OK,
       [](mitra_workspace* ws, mitra_error** e) {
         return WithBuffer([&](uint8_t** out, size_t* n) {
           return mitra_workspace_community_health(ws, U8(Graph().health), Graph().health.size(), out, n, e);
         });
       }},
      {"ladder", false, MITRA_OK,
       [r = LadderRequestBytes()](mitra_workspace* ws, mitra_error** e) {
         return WithBuffer([&](uint8_t** out, size_t* n) {
           return mitra_workspace_ladder(ws, U8(r), r.size(), out, n, e);
         });
       }},
      {"contribution", false, MITRA_OK,
       [r = ContributionRequestBytes()](mitra_workspace* ws, mitra_error** e) {
         return WithBuffer([&](uint8_t** out, size_t* n) {
           return mitra_workspace_contribution(ws, U8(r), r.size(), out, n, e);
         });
       }},
      {"channel_economics", false, MITRA_OK,
       [r = ChannelRequestBytes()](mitra_workspace* ws, mitra_error** e) {
         return WithBuffer([&](uint8_t** out, size_t* n) {
           return mitra_workspace_channel_economics(ws, U8(r), r.size(), out, n, e);
         });
       }},
      {"campaign_effects", false, MITRA_OK,
       [r = CampaignEffectsRequestBytes()](mitra_workspace* ws, mitra_error** e) {
         return WithBuffer([&](uint8_t** out, size_t* n) {
           return mitra_workspace_campaign_effects(ws, U8(r), r.size(), out, n, e);
         });
       }},
      {"channels_budget_split", false, MITRA_OK,
       [r = BudgetRequestBytes()](mitra_workspace*, mitra_error** e) {
         return WithBuffer([&](uint8_t** out, size_t* n) {
           return mitra_channels_budget_split(U8(r), r.size(), out, n, e);
         });
       }},
      {"channels_double_marginalisation", false, MITRA_OK,
       [r = DemandRequestBytes()](mitra_workspace*, mitra_error** e) {
         return WithBuffer([&](uint8_t** out, size_t* n) {
           return mitra_channels_double_marginalisation(U8(r), r.size(), out, n, e);
         });
       }},
      {"cocreation_panel", false, MITRA_OK,
       [](mitra_workspace* ws, mitra_error** e) {
         const std::string& r = CoCreation().panel;
         return WithBuffer([&](uint8_t** out, size_t* n) {
           return mitra_workspace_cocreation_panel(ws, U8(r), r.size(), out, n, e);
         });
       }},
      {"cocreation_feedback", false, MITRA_OK,
       [](mitra_workspace* ws, mitra_error** e) {
         const std::string& r = CoCreation().feedback;
         return WithBuffer([&](uint8_t** out, size_t* n) {
           return mitra_workspace_cocreation_feedback(ws, U8(r), r.size(), out, n, e);
         });
       }},
      {"cocreation_adoption", false, MITRA_OK,
       [](mitra_workspace* ws, mitra_error** e) {
         const std::string& r = CoCreation().adoption;
         return WithBuffer([&](uint8_t** out, size_t* n) {
           return mitra_workspace_cocreation_adoption(ws, U8(r), r.size(), out, n, e);
         });
       }},
      {"value_fit", false, MITRA_OK,
       [](mitra_workspace*, mitra_error** e) {
         return WithBuffer([&](uint8_t** out, size_t* n) {
           return mitra_value_fit(U8(Value().fit), Value().fit.size(), out, n, e);
         });
       }},
      {"value_workspace_summary", false, MITRA_OK,
       [](mitra_workspace* ws, mitra_error** e) {
         return WithBuffer([&](uint8_t** out, size_t* n) {
           return mitra_workspace_value_summary(ws, U8(Value().summary), Value().summary.size(), out, n, e);
         });
       }},
      {"value_workspace_summary_covariates", false, MITRA_INVALID_ARGUMENT,
       [](mitra_workspace* ws, mitra_error** e) {
         const std::string& r = Value().covariate_summary;
         return WithBuffer([&](uint8_t** out, size_t* n) {
           return mitra_workspace_value_summary(ws, U8(r), r.size(), out, n, e);
         });
       }},
      {"value_fit_covariates", false, MITRA_OK,
       [](mitra_workspace*, mitra_error** e) {
         const ValueInputs& v = Value();
         double params[4], coef[1], se[5];
         mitra_value_covariate_test test;
         return mitra_value_fit_covariates(MITRA_VALUE_COVARIATE_BG_NBD, v.cx.data(), v.ctx.data(),
                                           v.cT.data(), v.cx.size(), v.cz.data(), v.cz.size(), 1,
                                           nullptr, 0, 0, 0.0, params, coef, se, &test, e);
       }},
      {"value_covariate_moments", false, MITRA_OK,
       [](mitra_workspace*, mitra_error** e) {
         const ValueInputs& v = Value();
         double sum = 0, cross = 0;
         const mitra_status s =
             mitra_value_covariate_moments(v.cz.data(), v.cz.size(), 1, nullptr, 0, &sum, e);
         if (s != MITRA_OK) return s;
         return mitra_value_covariate_moments(v.cz.data(), v.cz.size(), 1, &sum,
                                              static_cast<double>(v.cz.size()), &cross, e);
       }},
      {"value_covariate_log_likelihood", false, MITRA_OK,
       [](mitra_workspace*, mitra_error** e) {
         const ValueInputs& v = Value();
         const double params[4] = {0.243, 4.414, 0.793, 2.426}, coef[2] = {0.3, -0.2};
         const double center[2] = {0.1, -0.1}, scale[2] = {1.4, 1.2};
         double ll = 0, grad[6];
         return mitra_value_covariate_log_likelihood(
             MITRA_VALUE_COVARIATE_PARETO_NBD, params, coef, center, scale, v.cx.data(),
             v.ctx.data(), v.cT.data(), nullptr, v.cx.size(), v.cz.data(), v.cz.size(), 1,
             v.cz.data(), v.cz.size(), 1, &ll, grad, e);
       }},
      {"value_fit_covariates_callback", false, MITRA_OK,
       [](mitra_workspace*, mitra_error** e) {
         const ValueInputs& v = Value();
         // The host's sum: one block through the C function, its own
         // allocations outside the sweep (its scenario is the one above).
         auto host = [](const double* params, const double* coef, const double* center,
                        const double* scale, double* ll, double* grad, void*) -> int {
           const long paused = g_countdown.exchange(-1);
           const ValueInputs& in = Value();
           const mitra_status s = mitra_value_covariate_log_likelihood(
               MITRA_VALUE_COVARIATE_BG_NBD, params, coef, center, scale, in.cx.data(),
               in.ctx.data(), in.cT.data(), nullptr, in.cx.size(), in.cz.data(), in.cz.size(), 1,
               nullptr, 0, 0, ll, grad, nullptr);
           g_countdown = paused;
           return s == MITRA_OK ? 0 : 1;
         };
         return WithBuffer([&](uint8_t** out, size_t* n) {
           return mitra_value_fit_covariates_callback(
               U8(v.callback_fit), v.callback_fit.size(), static_cast<double>(v.cz.size()),
               &v.cz_sum, &v.cz_cross, nullptr, nullptr, host, nullptr, out, n, e);
         });
       }},
      {"value_log_likelihood", false, MITRA_OK,
       [](mitra_workspace*, mitra_error** e) {
         const ValueInputs& v = Value();
         const double params[4] = {0.243, 4.414, 0.793, 2.426};
         double ll = 0, grad[4];
         return mitra_value_log_likelihood(mitra::v1::VALUE_MODEL_PARETO_NBD, params, 4,
                                           v.cx.data(), v.ctx.data(), v.cT.data(), nullptr,
                                           nullptr, v.cx.size(), &ll, grad, e);
       }},
      {"value_fit_callback", false, MITRA_OK,
       [](mitra_workspace*, mitra_error** e) {
         // The host's sum: one block through the C function, its own
         // allocations outside the sweep (its scenario is the one above).
         auto host = [](const double* params, double* ll, double* grad, void*) -> int {
           const long paused = g_countdown.exchange(-1);
           const ValueInputs& in = Value();
           const mitra_status s = mitra_value_log_likelihood(
               mitra::v1::VALUE_MODEL_BG_NBD, params, 4, in.cx.data(), in.ctx.data(),
               in.cT.data(), nullptr, nullptr, in.cx.size(), ll, grad, nullptr);
           g_countdown = paused;
           return s == MITRA_OK ? 0 : 1;
         };
         const std::string& bytes = Value().plain_callback_fit;
         return WithBuffer([&](uint8_t** out, size_t* n) {
           return mitra_value_fit_callback(U8(bytes), bytes.size(),
                                           static_cast<double>(Value().cx.size()), host, nullptr,
                                           out, n, e);
         });
       }},
      {"value_predict_covariates", false, MITRA_OK,
       [](mitra_workspace*, mitra_error** e) {
         const ValueInputs& v = Value();
         const double params[4] = {0.243, 4.414, 0.793, 2.426}, coef[2] = {0.3, -0.2};
         const double z[5] = {0, 1, -1, 2, 0.5};
         double out[5];
         return mitra_value_predict_covariates(MITRA_VALUE_COVARIATE_PARETO_NBD, params, coef,
                                               MITRA_VALUE_EXPECTED_PURCHASES, 39, v.x.data(),
                                               v.tx.data(), v.T.data(), 5, z, 5, 1, z, 5, 1, out, e);
       }},
      {"value_expected_cumulative_transactions_covariates", false, MITRA_OK,
       [](mitra_workspace*, mitra_error** e) {
         const double params[4] = {0.243, 4.414, 0.793, 2.426}, coef[2] = {0.3, -0.2};
         const double z[5] = {0, 1, -1, 2, 0.5}, birth[5] = {0, 1, 1, 3.5, 6};
         double out[12];
         return mitra_value_expected_cumulative_transactions_covariates(
             MITRA_VALUE_COVARIATE_BG_NBD, params, coef, birth, 5, z, 5, 1, z, 5, 1, 1.0, 12, out,
             e);
       }},
      {"value_rfm", false, MITRA_OK,
       [](mitra_workspace*, mitra_error** e) {
         return WithBuffer([&](uint8_t** out, size_t* n) {
           return mitra_value_rfm(U8(Value().rfm), Value().rfm.size(), out, n, e);
         });
       }},
      {"value_predict", false, MITRA_OK,
       [](mitra_workspace*, mitra_error** e) {
         const ValueInputs& v = Value();
         double out[5];
         return mitra_value_predict(U8(v.model), v.model.size(), MITRA_VALUE_EXPECTED_PURCHASES, 39,
                                    v.x.data(), v.tx.data(), v.T.data(), 5, out, e);
       }},
      {"value_predict_intervals", false, MITRA_OK,
       [](mitra_workspace*, mitra_error** e) {
         const std::string& r = Value().intervals;
         return WithBuffer([&](uint8_t** out, size_t* n) {
           return mitra_value_predict_intervals(U8(r), r.size(), out, n, e);
         });
       }},
      {"value_holdout", false, MITRA_OK,
       [](mitra_workspace*, mitra_error** e) {
         const ValueInputs& v = Value();
         return WithBuffer([&](uint8_t** out, size_t* n) {
           return mitra_value_holdout(U8(v.model), v.model.size(), 39, v.x.data(), v.tx.data(), v.T.data(),
                                      v.holdout.data(), 5, out, n, e);
         });
       }},
      {"value_sbg_fit", false, MITRA_OK,
       [](mitra_workspace*, mitra_error** e) {
         const std::string& r = Discrete().sbg_fit;
         return WithBuffer([&](uint8_t** out, size_t* n) {
           return mitra_value_sbg_fit(U8(r), r.size(), out, n, e);
         });
       }},
      {"value_sbg_predict", false, MITRA_OK,
       [](mitra_workspace*, mitra_error** e) {
         const DiscreteInputs& d = Discrete();
         double out[4];
         return mitra_value_sbg_predict(U8(d.sbg_model), d.sbg_model.size(), MITRA_VALUE_SBG_DERL, 0.1,
                                        d.t.data(), 4, out, e);
       }},
      {"value_bgbb_fit", false, MITRA_OK,
       [](mitra_workspace*, mitra_error** e) {
         const DiscreteInputs& d = Discrete();
         return WithBuffer([&](uint8_t** out, size_t* n) {
           return mitra_value_bgbb_fit(d.x.data(), d.tx.data(), d.n.data(), d.weight.data(), 4, nullptr, 0,
                                       out, n, e);
         });
       }},
      {"value_bgbb_predict", false, MITRA_OK,
       [](mitra_workspace*, mitra_error** e) {
         const DiscreteInputs& d = Discrete();
         double out[4];
         return mitra_value_bgbb_predict(U8(d.bgbb_model), d.bgbb_model.size(),
                                         MITRA_VALUE_BGBB_EXPECTED_TRANSACTIONS, 5, d.x.data(), d.tx.data(),
                                         d.n.data(), 4, out, e);
       }},
      {"value_bgbb_distribution", false, MITRA_OK,
       [](mitra_workspace*, mitra_error** e) {
         const DiscreteInputs& d = Discrete();
         double out[7];
         return mitra_value_bgbb_distribution(U8(d.bgbb_model), d.bgbb_model.size(), 6, out, e);
       }},
      {"value_workspace_sbg", false, MITRA_OK,
       [](mitra_workspace* ws, mitra_error** e) {
         const std::string& r = Discrete().workspace_sbg;
         return WithBuffer([&](uint8_t** out, size_t* n) {
           return mitra_workspace_value_sbg(ws, U8(r), r.size(), out, n, e);
         });
       }},
      {"value_workspace_bgbb", false, MITRA_OK,
       [](mitra_workspace* ws, mitra_error** e) {
         const std::string& r = Discrete().workspace_bgbb;
         return WithBuffer([&](uint8_t** out, size_t* n) {
           return mitra_workspace_value_bgbb(ws, U8(r), r.size(), out, n, e);
         });
       }},
      {"value_expected_cumulative_transactions", false, MITRA_OK,
       [](mitra_workspace*, mitra_error** e) {
         const ValueInputs& v = Value();
         double out[8];
         return mitra_value_expected_cumulative_transactions(U8(v.model), v.model.size(), v.T.data(), 5, 6, 8,
                                                             out, e);
       }},
      {"value_tracking", false, MITRA_OK,
       [](mitra_workspace*, mitra_error** e) {
         const ValueInputs& v = Value();
         const uint32_t customer[] = {0, 0, 1, 2, 1};
         const int64_t time[] = {0, 86400 * 9, 86400 * 2, 86400 * 30, 86400 * 40};
         double expected[10], actual[10];
         return mitra_value_tracking(U8(v.model), v.model.size(), customer, time, 5, 0, 86400, 604800, 1, 10,
                                     expected, actual, e);
       }},
      {"value_workspace_tracking", false, MITRA_OK,
       [](mitra_workspace* ws, mitra_error** e) {
         const ValueInputs& v = Value();
         double expected[10], actual[10];
         return mitra_workspace_value_tracking(ws, U8(v.model), v.model.size(), 1704067200, 86400, 604800, 1,
                                               10, expected, actual, e);
       }},
      {"value_probability_alive_path", false, MITRA_OK,
       [](mitra_workspace*, mitra_error** e) {
         const ValueInputs& v = Value();
         const double purchases[] = {0, 3, 8};
         double out[5];
         return mitra_value_probability_alive_path(U8(v.model), v.model.size(), purchases, 3, v.T.data(), 5, out,
                                                   e);
       }},
      {"value_purchase_count_probability", false, MITRA_OK,
       [](mitra_workspace*, mitra_error** e) {
         const ValueInputs& v = Value();
         const int32_t count[] = {0, 1, 2, 0, 4};
         double out[5];
         return mitra_value_purchase_count_probability(U8(v.model), v.model.size(), 39, count, v.x.data(),
                                                       v.tx.data(), v.T.data(), 5, out, e);
       }},
      {"value_spend_holdout", false, MITRA_OK,
       [](mitra_workspace*, mitra_error** e) {
         const ValueInputs& v = Value();
         // Built on the first, uninjected call.
         static const std::string spend = [] {
           mitra::v1::FittedModel gg;
           gg.set_model(mitra::v1::VALUE_MODEL_GAMMA_GAMMA);
           for (auto [k, val] : {std::pair{"p", 6.25}, {"q", 3.74}, {"gamma", 15.44}})
             (*gg.mutable_params())[k] = val;
           return gg.SerializeAsString();
         }();
         const double monetary[] = {0, 20, 35, 0, 12}, holdout_spend[] = {0, 18, 50, 0, 40};
         return WithBuffer([&](uint8_t** out, size_t* n) {
           return mitra_value_spend_holdout(U8(spend), spend.size(), v.x.data(), monetary, v.holdout.data(),
                                            holdout_spend, 5, out, n, e);
         });
       }},
      {"ingest_batch", true, MITRA_OK,
       [bytes = NewCustomerBatchBytes()](mitra_workspace* ws, mitra_error** e) {
         return mitra_workspace_ingest(ws, reinterpret_cast<const uint8_t*>(bytes.data()),
                                       bytes.size(), e);
       }},
      {"ingest_bad_batch", false, MITRA_ALREADY_EXISTS,
       [](mitra_workspace* ws, mitra_error** e) {
         const std::string& bytes = FullBatchBytes();  // every id exists already
         return mitra_workspace_ingest(ws, reinterpret_cast<const uint8_t*>(bytes.data()),
                                       bytes.size(), e);
       }},
      {"ingest_csv_bytes", true, MITRA_OK,
       [](mitra_workspace* ws, mitra_error** e) {
         return mitra_workspace_ingest_csv_bytes(ws, "transactions", "t.csv",
                                                 reinterpret_cast<const uint8_t*>(kCsv),
                                                 sizeof kCsv - 1, e);
       }},
      {"ingest_bad_csv", false, MITRA_INVALID_ARGUMENT,
       [](mitra_workspace* ws, mitra_error** e) {
         return mitra_workspace_ingest_csv_bytes(ws, "transactions", "t.csv",
                                                 reinterpret_cast<const uint8_t*>(kBadCsv),
                                                 sizeof kBadCsv - 1, e);
       }},
      {"counts", false, MITRA_OK,
       [](mitra_workspace* ws, mitra_error** e) {
         return WithBuffer([&](uint8_t** out, size_t* n) { return mitra_workspace_counts(ws, out, n, e); });
       }},
      {"export", false, MITRA_OK,
       [](mitra_workspace* ws, mitra_error** e) {
         return WithBuffer([&](uint8_t** out, size_t* n) { return mitra_workspace_export(ws, out, n, e); });
       }},
      {"ids", false, MITRA_OK,
       [](mitra_workspace* ws, mitra_error** e) {
         return WithBuffer([&](uint8_t** out, size_t* n) { return mitra_workspace_ids(ws, "customers", out, n, e); });
       }},
      {"column_names", false, MITRA_OK,
       [](mitra_workspace* ws, mitra_error** e) {
         return WithBuffer([&](uint8_t** out, size_t* n) { return mitra_workspace_column_names(ws, out, n, e); });
       }},
      {"column_copy", false, MITRA_OK,
       [](mitra_workspace* ws, mitra_error** e) {
         double buf[64];
         size_t n = 0;
         return mitra_workspace_column_copy(ws, "transactions.amount", buf, sizeof buf, &n, e);
       }},
      {"save", false, MITRA_OK,
       [snapshot](mitra_workspace* ws, mitra_error** e) {
         return mitra_workspace_save(ws, snapshot.c_str(), e);
       }},
      {"load", false, MITRA_OK,
       [snapshot](mitra_workspace*, mitra_error** e) {
         mitra_workspace* loaded = nullptr;
         mitra_status s = mitra_workspace_load(snapshot.c_str(), &loaded, e);
         EXPECT_EQ(loaded == nullptr, s != MITRA_OK);
         mitra_workspace_free(loaded);
         return s;
       }},
      // The memory-limit calls allocate nothing when they succeed (the
      // limits are atomics): each scenario runs them, then a refused call
      // whose error message is what gets allocated.
      {"memory_limit", false, MITRA_INVALID_ARGUMENT,
       [](mitra_workspace*, mitra_error** e) {
         uint64_t bytes = 0;
         EXPECT_EQ(mitra_set_memory_limit(uint64_t{1} << 40, nullptr), MITRA_OK);
         EXPECT_EQ(mitra_memory_limit(&bytes, nullptr), MITRA_OK);
         EXPECT_EQ(bytes, uint64_t{1} << 40);
         EXPECT_EQ(mitra_set_memory_limit(0, nullptr), MITRA_OK);  // back to the default
         return mitra_memory_limit(nullptr, e);
       }},
      {"workspace_memory_limit", false, MITRA_INVALID_ARGUMENT,
       [](mitra_workspace* ws, mitra_error** e) {
         uint64_t bytes = 0;
         EXPECT_EQ(mitra_workspace_set_memory_limit(ws, uint64_t{1} << 40, nullptr), MITRA_OK);
         EXPECT_EQ(mitra_workspace_memory_limit(ws, &bytes, nullptr), MITRA_OK);
         EXPECT_EQ(bytes, uint64_t{1} << 40);
         return mitra_workspace_memory_limit(ws, nullptr, e);
       }},
      {"activation_plan_past_memory_limit", false, MITRA_RESOURCE_EXHAUSTED,
       [](mitra_workspace*, mitra_error** e) {
         // 10^13 RR sets on a 4-node path: the budget refuses before sampling.
         static const std::string request = [] {
           mitra::v1::PlanRequest r;
           r.set_k(1);
           r.set_epsilon(1e-6);
           r.set_max_rr_sets(uint64_t{1} << 60);
           return r.SerializeAsString();
         }();
         const uint32_t src[] = {0, 1, 2}, dst[] = {1, 2, 3};
         return WithBuffer([&](uint8_t** out, size_t* n) {
           return mitra_activation_plan(4, src, dst, nullptr, 3, U8(request), request.size(), out,
                                        n, e);
         });
       }},
      {"create", false, MITRA_OK,
       [](mitra_workspace*, mitra_error** e) {
         mitra_workspace* made = nullptr;
         mitra_status s = mitra_workspace_create(&made, e);
         EXPECT_EQ(made == nullptr, s != MITRA_OK);
         mitra_workspace_free(made);
         return s;
       }},
  };
}

class OomSweep : public ::testing::TestWithParam<bool> {};

TEST_P(OomSweep, EveryAllocationFailureIsReportedAndChangesNothing) {
#if MITRA_TEST_SANITIZED
  GTEST_SKIP() << "the sweep replaces malloc, which a sanitizer owns";
#endif
  const bool persistent = GetParam();
  // A base workspace, and a snapshot for the load scenario.
  mitra_workspace* base = nullptr;
  ASSERT_EQ(mitra_workspace_create(&base, nullptr), MITRA_OK);
  const std::string& bytes = FullBatchBytes();
  ASSERT_EQ(mitra_workspace_ingest(base, reinterpret_cast<const uint8_t*>(bytes.data()),
                                   bytes.size(), nullptr), MITRA_OK);
  ASSERT_EQ(mitra_workspace_save(base, TempPath("oom.mitra").c_str(), nullptr), MITRA_OK);
  const std::string before = mitra::testing::ExportBytes(base);

  long total_failures = 0;
  for (const Scenario& sc : Scenarios()) {
    // The state a successful call leaves, measured without injection.
    mitra_workspace* probe = nullptr;
    ASSERT_EQ(mitra_workspace_load(TempPath("oom.mitra").c_str(), &probe, nullptr), MITRA_OK);
    ASSERT_EQ(sc.call(probe, nullptr), sc.success) << sc.name;
    const std::string after = mitra::testing::ExportBytes(probe);
    mitra_workspace_free(probe);

    long n = 0;
    for (;; ++n) {
      ASSERT_LT(n, 200000) << sc.name << ": the sweep does not end";
      mitra_workspace* ws = nullptr;
      ASSERT_EQ(mitra_workspace_load(TempPath("oom.mitra").c_str(), &ws, nullptr), MITRA_OK);
      mitra_error* err = nullptr;
      mitra_status s;
      bool injected;
      {
        Injection inject(n, persistent);
        s = sc.call(ws, &err);
        injected = g_injected;
      }
      if (!injected) {  // N passed the call's last allocation: the sweep is done
        EXPECT_EQ(s, sc.success) << sc.name;
        mitra_error_free(err);
        mitra_workspace_free(ws);
        break;
      }
      ++total_failures;
      EXPECT_TRUE(s == sc.success || s == MITRA_RESOURCE_EXHAUSTED)
          << sc.name << " with allocation " << n << " failing: " << mitra_status_name(s) << " "
          << mitra_error_message(err);
      if (s != MITRA_OK) {
        EXPECT_NE(err, nullptr) << sc.name << " " << n;
        EXPECT_EQ(mitra_error_code(err), s) << sc.name << " " << n;
      }
      mitra_error_free(err);
      const std::string now = mitra::testing::ExportBytes(ws);
      if (sc.mutates && s == MITRA_OK)
        EXPECT_EQ(now, after) << sc.name << " " << n;
      else
        EXPECT_EQ(now, before) << sc.name << " " << n << ": a failed call changed the workspace";
      mitra_workspace_free(ws);
    }
    RecordProperty(sc.name, static_cast<int>(n));
    EXPECT_GT(n, 0) << sc.name << ": no allocation was ever failed, so nothing was tested";
  }
  std::printf("%ld injected allocation failures across %zu entry points\n", total_failures,
              Scenarios().size());
  mitra_workspace_free(base);
  std::filesystem::remove(TempPath("oom.mitra"));
}

INSTANTIATE_TEST_SUITE_P(Modes, OomSweep, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Persistent" : "Transient"; });

}  // namespace
