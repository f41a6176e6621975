#include "mitra/leaders/messages.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "common/request_errors.h"
#include "absl/strings/str_cat.h"
#include "mitra/core/text_checks.h"
#include "mitra/core/time_format.h"
#include "mitra/graph/interaction_graph.h"
#include "mitra/graph/messages.h"
#include "mitra/leaders/eigentrust.h"

namespace mitra::leaders {
namespace {

absl::StatusOr<int64_t> AsOf(bool has, int64_t v, absl::string_view where) {
  if (!has) return kNoTime;
  if (std::string p = TimeProblem(v); !p.empty()) return Invalid(where, p);
  return v;
}

absl::StatusOr<Index> Community(const Workspace& ws, const std::string& id) {
  if (id.empty()) return kNoIndex;
  return CommunityIndex(ws, id, "request.community_id");
}

std::string CustomerId(const Workspace& ws, Index c) {
  return std::string(ws.tables().customers.ids.Id(c));
}
std::string CommunityId(const Workspace& ws, Index c) {
  return std::string(ws.tables().communities.ids.Id(c));
}

}  // namespace

absl::StatusOr<BetaReputationOptions> ReputationOptionsFrom(const v1::BetaReputationOptions& m,
                                                            const FieldPath& at) {
  BetaReputationOptions o;
  o.names = at;
  if (m.has_forgetting()) o.forgetting = m.forgetting();
  if (m.has_period_days()) o.period_days = m.period_days();
  return o;
}

absl::StatusOr<WorkspaceEvidenceOptions> EvidenceOptionsFrom(const v1::EvidenceWeights& m,
                                                             const FieldPath& at) {
  WorkspaceEvidenceOptions o;
  o.names = at;
  if (m.positive_size() == 0 && m.negative_size() == 0) return o;  // the defaults
  const graph::KindWeights zero{};
  absl::StatusOr<graph::KindWeights> p =
      graph::KindWeightsFrom(m.positive(), zero, at("positive"), "positive", &o.names);
  if (!p.ok()) return p.status();
  absl::StatusOr<graph::KindWeights> n =
      graph::KindWeightsFrom(m.negative(), zero, at("negative"), "negative", &o.names);
  if (!n.ok()) return n.status();
  o.positive = *p;
  o.negative = *n;
  return o;
}

absl::StatusOr<RankLadder> RankLadderFrom(const v1::RankLadder& m, const FieldPath& at) {
  RankLadder ladder;
  ladder.names = at;
  for (int i = 0; i < m.levels_size(); ++i) {
    const v1::RankLevel& lm = m.levels(i);
    RankLevel level;
    level.name = lm.name();
    for (int j = 0; j < lm.requirements_size(); ++j) {
      const v1::RankRequirement& rm = lm.requirements(j);
      const std::string rat = absl::StrCat(at("levels"), "[", i, "].requirements[", j, "]");
      Requirement r;
      switch (rm.metric()) {
        case v1::ACTIVITY_METRIC_GIVEN: r.metric = ActivityMetric::kGiven; break;
        case v1::ACTIVITY_METRIC_RECEIVED: r.metric = ActivityMetric::kReceived; break;
        case v1::ACTIVITY_METRIC_DAYS_ACTIVE: r.metric = ActivityMetric::kDaysActive; break;
        case v1::ACTIVITY_METRIC_TENURE_DAYS: r.metric = ActivityMetric::kTenureDays; break;
        case v1::ACTIVITY_METRIC_DISTINCT_PEERS: r.metric = ActivityMetric::kDistinctPeers; break;
        default:
          return Invalid(absl::StrCat(rat, ".metric"),
                         absl::StrCat("unknown or unspecified metric ", static_cast<int>(rm.metric())));
      }
      r.kind = static_cast<int>(rm.kind());
      r.window_days = rm.window_days();
      r.at_least = rm.at_least();
      // at_most < 0 means "no bound": a given bound is never read as that.
      if (rm.has_at_most() && rm.at_most() < 0)
        return Invalid(absl::StrCat(rat, ".at_most"),
                       absl::StrCat("must be >= 0 when given, got ", rm.at_most()));
      r.at_most = rm.has_at_most() ? rm.at_most() : -1;
      level.requirements.push_back(r);
    }
    ladder.levels.push_back(std::move(level));
  }
  return ladder;
}

void RankLadderToMessage(const RankLadder& ladder, v1::RankLadder* out) {
  out->Clear();
  for (const RankLevel& level : ladder.levels) {
    v1::RankLevel* lm = out->add_levels();
    lm->set_name(level.name);
    for (const Requirement& r : level.requirements) {
      v1::RankRequirement* rm = lm->add_requirements();
      switch (r.metric) {
        case ActivityMetric::kGiven: rm->set_metric(v1::ACTIVITY_METRIC_GIVEN); break;
        case ActivityMetric::kReceived: rm->set_metric(v1::ACTIVITY_METRIC_RECEIVED); break;
        case ActivityMetric::kDaysActive: rm->set_metric(v1::ACTIVITY_METRIC_DAYS_ACTIVE); break;
        case ActivityMetric::kTenureDays: rm->set_metric(v1::ACTIVITY_METRIC_TENURE_DAYS); break;
        case ActivityMetric::kDistinctPeers: rm->set_metric(v1::ACTIVITY_METRIC_DISTINCT_PEERS); break;
      }
      rm->set_kind(static_cast<v1::InteractionKind>(r.kind));
      rm->set_window_days(r.window_days);
      rm->set_at_least(r.at_least);
      if (r.at_most >= 0) rm->set_at_most(r.at_most);
    }
  }
}

absl::StatusOr<LeaderOptions> LeaderOptionsFrom(const v1::LeadersRequest& r, const FieldPath& at) {
  LeaderOptions o;
  o.names = at;
  if (r.has_weights()) {
    const v1::ComponentWeights& w = r.weights();
    const std::pair<bool, double> given[kNumComponents] = {
        {w.has_influence(), w.influence()}, {w.has_reach(), w.reach()},
        {w.has_trust(), w.trust()},         {w.has_activity(), w.activity()},
        {w.has_tenure(), w.tenure()},       {w.has_embeddedness(), w.embeddedness()}};
    for (int c = 0; c < kNumComponents; ++c)
      if (given[c].first) o.weights[c] = given[c].second;
  }
  const FieldPath graph_at = at.Sub("graph");
  if (!r.graph().community_id().empty())
    return Invalid(graph_at("community_id"), absl::StrCat("not used here: set ", at("community_id")));
  absl::StatusOr<graph::InteractionGraphOptions> g = graph::InteractionGraphOptionsFrom(r.graph(), graph_at);
  if (!g.ok()) return g.status();
  o.graph = *g;
  absl::StatusOr<BetaReputationOptions> rep = ReputationOptionsFrom(r.reputation(), at.Sub("reputation"));
  if (!rep.ok()) return rep.status();
  o.reputation = *rep;
  o.reputation.as_of = o.graph.as_of;
  absl::StatusOr<WorkspaceEvidenceOptions> ev = EvidenceOptionsFrom(r.evidence(), at.Sub("evidence"));
  if (!ev.ok()) return ev.status();
  o.evidence = *ev;
  if (r.has_damping()) o.damping = r.damping();
  if (r.has_top()) o.top = r.top();
  if (r.has_top_bridges()) o.top_bridges = r.top_bridges();
  if (r.has_current_members_only()) o.current_members_only = r.current_members_only();
  return o;
}

absl::Status FindLeadersMessage(const Workspace& ws, const v1::LeadersRequest& request,
                                v1::LeadersReport* out) {
  absl::StatusOr<LeaderOptions> o = LeaderOptionsFrom(request, FieldPath("request"));
  if (!o.ok()) return o.status();
  absl::StatusOr<Index> community = Community(ws, request.community_id());
  if (!community.ok()) return community.status();
  absl::StatusOr<LeadersResult> r = FindLeaders(ws.tables(), *o, *community);
  if (!r.ok()) return r.status();
  out->Clear();
  out->set_as_of_unix_seconds(r->as_of == kNoTime ? 0 : r->as_of);
  for (const CommunityLeaders& cl : r->communities) {
    v1::CommunityLeaders* cm = out->add_communities();
    cm->set_community_id(CommunityId(ws, cl.community));
    cm->set_members(cl.members);
    for (const LeaderEntry& e : cl.leaders) {
      v1::Leader* l = cm->add_leaders();
      l->set_customer_id(CustomerId(ws, e.customer));
      l->set_rank(e.rank);
      l->set_score(e.score);
      for (int c = 0; c < kNumComponents; ++c) {
        v1::ComponentValue* v = l->add_components();
        v->set_name(ComponentName(static_cast<Component>(c)));
        v->set_raw(e.raw[c]);
        v->set_scaled(e.scaled[c]);
      }
    }
  }
  for (const BridgeEntry& b : r->bridges) {
    v1::Bridge* bm = out->add_bridges();
    bm->set_customer_id(CustomerId(ws, b.customer));
    bm->set_rank(b.rank);
    bm->set_score(b.score);
    bm->set_participation(b.participation);
    bm->set_brokerage(b.brokerage);
    for (Index c : b.communities) bm->add_community_ids(CommunityId(ws, c));
  }
  return absl::OkStatus();
}

absl::Status TrustMessage(const Workspace& ws, const v1::TrustRequest& request, v1::TrustReport* out) {
  const Tables& t = ws.tables();
  absl::StatusOr<BetaReputationOptions> rep =
      ReputationOptionsFrom(request.reputation(), FieldPath("request.reputation"));
  if (!rep.ok()) return rep.status();
  absl::StatusOr<WorkspaceEvidenceOptions> ev = EvidenceOptionsFrom(request.evidence(), FieldPath("request.evidence"));
  if (!ev.ok()) return ev.status();
  // Nothing else validates the evidence weights on this path.
  if (absl::Status s = ValidateEvidenceOptions(*ev); !s.ok()) return s;
  EigenTrustOptions eo;
  eo.names = FieldPath("request");
  eo.names.Rename("a", "request.eigentrust_a");
  if (request.has_eigentrust_a()) eo.a = request.eigentrust_a();
  RankLadder ladder;
  if (request.has_ladder()) {
    absl::StatusOr<RankLadder> l = RankLadderFrom(request.ladder(), FieldPath("request.ladder"));
    if (!l.ok()) return l.status();
    ladder = std::move(*l);
  } else {
    ladder = DefaultRankLadder();
  }
  // Refused before the reputation and EigenTrust are computed.
  if (absl::Status s = CheckRankLadder(ladder); !s.ok()) return s;
  absl::StatusOr<int64_t> given = AsOf(request.has_as_of_unix_seconds(), request.as_of_unix_seconds(),
                                       "request.as_of_unix_seconds");
  if (!given.ok()) return given.status();
  const int64_t as_of = *given != kNoTime ? *given : DefaultAsOf(t);
  absl::StatusOr<Index> community = Community(ws, request.community_id());
  if (!community.ok()) return community.status();
  ev->community = *community;
  rep->as_of = as_of;

  // The customers reported: everyone, or the community's members (a
  // membership of it, or an interaction tagged with it), in dense order.
  const size_t num_customers = t.customers.ids.size();
  std::vector<Index> node_of(num_customers, kNoIndex);
  std::vector<Index> customers;
  if (*community == kNoIndex) {
    customers.resize(num_customers);
    for (size_t i = 0; i < num_customers; ++i) customers[i] = static_cast<Index>(i);
  } else {
    std::vector<uint8_t> in(num_customers, 0);
    for (size_t i = 0; i < t.memberships.customer.size(); ++i)
      if (t.memberships.community[i] == *community) in[t.memberships.customer[i]] = 1;
    for (size_t i = 0; i < t.interactions.from.size(); ++i) {
      if (t.interactions.community[i] != *community) continue;
      in[t.interactions.from[i]] = 1;
      if (t.interactions.to[i] != kNoIndex) in[t.interactions.to[i]] = 1;
    }
    for (size_t i = 0; i < num_customers; ++i)
      if (in[i]) customers.push_back(static_cast<Index>(i));
  }
  for (size_t k = 0; k < customers.size(); ++k) node_of[customers[k]] = static_cast<Index>(k);
  const uint32_t n = static_cast<uint32_t>(customers.size());

  for (int i = 0; i < request.pretrusted_customer_ids_size(); ++i) {
    const std::string& id = request.pretrusted_customer_ids(i);
    absl::StatusOr<Index> c =
        CustomerIndex(ws, id, absl::StrCat("request.pretrusted_customer_ids[", i, "]"));
    if (!c.ok()) return c.status();
    if (node_of[*c] == kNoIndex)
      return Invalid(absl::StrCat("request.pretrusted_customer_ids[", i, "]"),
                     absl::StrCat("customer ", Quote(id), " is not a member of community ",
                                  Quote(request.community_id())));
    eo.pretrusted.push_back(node_of[*c]);
  }

  // Beta reputation over every customer (evidence targets are customers).
  absl::StatusOr<BetaReputation> beta =
      ComputeBetaReputation(static_cast<uint32_t>(num_customers), WorkspaceEvidence(t, *ev), *rep);
  if (!beta.ok()) return beta.status();

  // EigenTrust's local trust: positive minus negative evidence per pair,
  // discounted like the reputation.
  const graph::KindWeights pos = EffectivePositiveEvidence(*ev), neg = EffectiveNegativeEvidence(*ev);
  std::vector<uint32_t> src, dst;
  std::vector<double> local;
  const InteractionTable& it = t.interactions;
  for (size_t i = 0; i < it.from.size(); ++i) {
    if (it.to[i] == kNoIndex || it.time[i] > as_of) continue;
    if (*community != kNoIndex && it.community[i] != *community) continue;
    const int kind = it.kind[i];
    if (kind >= graph::kInteractionKinds) continue;
    const double w = std::isnan(it.weight[i]) ? 1.0 : it.weight[i];
    const double s = (pos[kind] - neg[kind]) * w;
    if (s == 0) continue;
    const Index a = node_of[it.from[i]], b = node_of[it.to[i]];
    if (a == kNoIndex || b == kNoIndex) continue;
    src.push_back(a);
    dst.push_back(b);
    local.push_back(s * ForgettingFactor(it.time[i], as_of, *rep));
  }
  std::vector<double> trust;
  int iterations = 0;
  bool converged = true;
  {
    // Also for n = 0 (then nothing to rank): the options are checked all the same.
    absl::StatusOr<EigenTrustResult> et = EigenTrust(n, src, dst, local, eo);
    if (!et.ok()) return et.status();
    trust = std::move(et->trust);
    iterations = et->iterations;
    converged = et->converged;
  }

  absl::StatusOr<RankResult> ranks = AssignRanksChecked(t, ladder, as_of, *community);
  if (!ranks.ok()) return ranks.status();

  out->Clear();
  out->set_as_of_unix_seconds(as_of);
  out->set_eigentrust_iterations(iterations);
  out->set_eigentrust_converged(converged);
  RankLadderToMessage(ladder, out->mutable_ladder());
  out->mutable_customers()->Reserve(static_cast<int>(n));
  for (uint32_t k = 0; k < n; ++k) {
    const Index c = customers[k];
    v1::CustomerTrust* m = out->add_customers();
    m->set_customer_id(CustomerId(ws, c));
    m->set_reputation(beta->reputation[c]);
    m->set_stddev(beta->stddev[c]);
    m->set_rating(beta->rating[c]);
    m->set_r(beta->r[c]);
    m->set_s(beta->s[c]);
    m->set_eigentrust(trust[k]);
    const uint32_t level = ranks->level[c];
    m->set_level(level);
    m->set_level_name(level < ladder.levels.size() ? ladder.levels[level].name : "");
    m->set_next_unmet(ranks->next_unmet[c]);
  }
  return absl::OkStatus();
}

absl::StatusOr<HealthOptions> HealthOptionsFrom(const v1::HealthRequest& r) {
  HealthOptions o;
  o.names = FieldPath("request");
  o.names.Rename("as_of", "request.as_of_unix_seconds");
  if (r.has_period_days()) o.period_days = r.period_days();
  if (r.has_periods()) o.periods = r.periods();
  // as_of = kNoTime means "not given": a given time is never read as that.
  absl::StatusOr<int64_t> as_of = AsOf(r.has_as_of_unix_seconds(), r.as_of_unix_seconds(),
                                       "request.as_of_unix_seconds");
  if (!as_of.ok()) return as_of.status();
  o.as_of = *as_of;
  if (r.has_top_fraction()) o.top_fraction = r.top_fraction();
  return o;
}

absl::Status HealthMessage(const Workspace& ws, const v1::HealthRequest& request, v1::HealthReport* out) {
  absl::StatusOr<HealthOptions> o = HealthOptionsFrom(request);
  if (!o.ok()) return o.status();
  absl::StatusOr<Index> community = Community(ws, request.community_id());
  if (!community.ok()) return community.status();
  absl::StatusOr<std::vector<CommunityHealth>> r = ComputeHealth(ws.tables(), *o, *community);
  if (!r.ok()) return r.status();
  out->Clear();
  for (const CommunityHealth& h : *r) {
    v1::CommunityHealth* hm = out->add_communities();
    hm->set_community_id(CommunityId(ws, h.community));
    for (const PeriodHealth& p : h.periods) {
      v1::PeriodHealth* pm = hm->add_periods();
      pm->set_start_unix_seconds(p.start);
      pm->set_end_unix_seconds(p.end);
      pm->set_members(p.members);
      pm->set_active(p.active);
      pm->set_joined(p.joined);
      pm->set_left(p.left);
      pm->set_growth(p.growth);
      pm->set_top_share(p.top_share);
    }
    for (const CohortRetention& c : h.cohorts) {
      v1::CohortRetention* cm = hm->add_cohorts();
      cm->set_cohort_period(c.cohort_period);
      cm->set_size(c.size);
      cm->mutable_retained()->Add(c.retained.begin(), c.retained.end());
      cm->mutable_active()->Add(c.active.begin(), c.active.end());
    }
  }
  return absl::OkStatus();
}

}  // namespace mitra::leaders
