#include "mitra/cocreation/messages.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/money_basis_message.h"
#include "common/request_errors.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "mitra/core/csv_reader.h"
#include "mitra/core/text_checks.h"
#include "mitra/core/time_format.h"

namespace mitra::cocreation {
namespace {

absl::StatusOr<Index> Lookup(const IdInterner& ids, const std::string& id, absl::string_view where,
                             const char* kind) {
  if (id.empty()) return kNoIndex;
  return FindIndex(ids, id, kind, {where.data(), where.size()});
}

std::string ProgramId(const Workspace& ws, Index p) {
  return std::string(ws.tables().programs.ids.Id(p));
}
std::string ProductId(const Workspace& ws, Index p) {
  return p == kNoIndex ? "" : std::string(ws.tables().products.ids.Id(p));
}
std::string CustomerId(const Workspace& ws, Index c) {
  return std::string(ws.tables().customers.ids.Id(c));
}

}  // namespace

// ---- Panel -----------------------------------------------------------------

absl::Status PanelMessage(const Workspace& ws, const v1::PanelRequest& r, v1::PanelReport* out) {
  const Tables& t = ws.tables();
  PanelOptions o;
  o.names = FieldPath("request");
  o.size = r.size();
  if (r.has_seed()) o.seed = r.seed();
  for (int i = 0; i < r.quotas_size(); ++i) {
    const v1::PanelQuota& qm = r.quotas(i);
    const std::string at = absl::StrCat("request.quotas[", i, "]");
    Quota q;
    const std::string& dim = qm.dimension();
    if (dim.empty())
      return Invalid(at + ".dimension",
                     "required (\"community\", \"stage\", or a customer attribute such as \"segment\")");
    if (dim == "community") {
      q.dimension = QuotaDimension::kCommunity;  // its community id is SelectPanel's to find
    } else if (dim == "stage") {
      q.dimension = QuotaDimension::kStage;
    } else {
      q.dimension = QuotaDimension::kAttribute;
      q.key = absl::StartsWith(dim, "attributes.") ? dim.substr(11) : dim;
    }
    q.value = qm.value();
    q.min = qm.min();
    if (qm.has_max()) q.max = qm.max();
    o.quotas.push_back(std::move(q));
  }
  for (int i = 0; i < r.candidate_customer_ids_size(); ++i) {
    absl::StatusOr<Index> c = Lookup(t.customers.ids, r.candidate_customer_ids(i),
                                     absl::StrCat("request.candidate_customer_ids[", i, "]"), "customer");
    if (!c.ok()) return c.status();
    if (*c == kNoIndex) return Invalid(absl::StrCat("request.candidate_customer_ids[", i, "]"), "empty");
    o.candidates.push_back(*c);
  }
  for (int i = 0; i < r.excluded_customer_ids_size(); ++i) {
    absl::StatusOr<Index> c = Lookup(t.customers.ids, r.excluded_customer_ids(i),
                                     absl::StrCat("request.excluded_customer_ids[", i, "]"), "customer");
    if (!c.ok()) return c.status();
    if (*c == kNoIndex) return Invalid(absl::StrCat("request.excluded_customer_ids[", i, "]"), "empty");
    o.excluded.push_back(*c);
  }
  if (r.has_fatigue_days()) o.fatigue_days = r.fatigue_days();
  if (r.has_as_of_unix_seconds()) {
    if (absl::Status s = CheckTime(r.as_of_unix_seconds(), "request.as_of_unix_seconds"); !s.ok()) return s;
    o.as_of = r.as_of_unix_seconds();
  }
  if (r.stages_size() > 0) {
    o.stage.assign(t.customers.ids.size(), "");
    std::vector<uint8_t> seen(t.customers.ids.size(), 0);
    for (int i = 0; i < r.stages_size(); ++i) {
      const std::string at = absl::StrCat("request.stages[", i, "]");
      absl::StatusOr<Index> c = Lookup(t.customers.ids, r.stages(i).customer_id(), at + ".customer_id", "customer");
      if (!c.ok()) return c.status();
      if (*c == kNoIndex) return Invalid(at + ".customer_id", "required");
      if (seen[*c]) return Invalid(at + ".customer_id", absl::StrCat(Quote(r.stages(i).customer_id()), " has a stage already"));
      seen[*c] = 1;
      o.stage[*c] = r.stages(i).label();
    }
  }
  for (int i = 0; i < r.invitations_size(); ++i) {
    const std::string at = absl::StrCat("request.invitations[", i, "]");
    absl::StatusOr<Index> c = Lookup(t.customers.ids, r.invitations(i).customer_id(), at + ".customer_id", "customer");
    if (!c.ok()) return c.status();
    if (*c == kNoIndex) return Invalid(at + ".customer_id", "required");
    if (absl::Status s = CheckTime(r.invitations(i).time_unix_seconds(), at + ".time_unix_seconds"); !s.ok())
      return s;
    o.invitations.emplace_back(*c, r.invitations(i).time_unix_seconds());
  }
  if (r.has_prior_responses()) o.prior_responses = r.prior_responses();
  if (r.has_prior_non_responses()) o.prior_non_responses = r.prior_non_responses();
  if (r.has_recency_half_life_days()) o.recency_half_life_days = r.recency_half_life_days();
  if (r.has_recency_floor()) o.recency_floor = r.recency_floor();
  o.strict = r.strict();
  o.memory = &ws.memory_budget();

  absl::StatusOr<Panel> p = SelectPanel(t, o);
  if (!p.ok()) return p.status();
  out->Clear();
  uint32_t rank = 0;
  for (const PanelMember& m : p->members) {
    v1::PanelMember* mm = out->add_members();
    mm->set_customer_id(CustomerId(ws, m.customer));
    mm->set_rank(++rank);
    mm->set_weight(m.weight);
    mm->set_response_rate(m.response_rate);
    mm->set_responses(m.responses);
    mm->set_opportunities(m.opportunities);
    mm->set_recency(m.recency);
    mm->set_for_quota(m.for_quota);
    for (uint32_t q : m.quotas) mm->add_quotas(q);
  }
  for (size_t i = 0; i < p->quotas.size(); ++i) {
    v1::PanelQuotaStatus* qs = out->add_quotas();
    *qs->mutable_quota() = r.quotas(static_cast<int>(i));
    qs->set_eligible(p->quotas[i].eligible);
    qs->set_selected(p->quotas[i].selected);
    qs->set_met(p->quotas[i].met);
    qs->set_shortfall(p->quotas[i].shortfall);
    qs->set_problem(p->quotas[i].problem);
  }
  out->set_all_quotas_met(p->all_quotas_met);
  out->set_requested(o.size);
  out->set_candidates(p->candidates);
  out->set_eligible(p->eligible);
  out->set_fatigued(p->fatigued);
  out->set_as_of_unix_seconds(p->as_of == kNoTime ? 0 : p->as_of);
  out->set_seed(o.seed);
  out->set_problem(p->problem);
  return absl::OkStatus();
}

// ---- Feedback --------------------------------------------------------------

absl::Status FeedbackMessage(const Workspace& ws, const v1::FeedbackRequest& r, v1::FeedbackReport* out) {
  const Tables& t = ws.tables();
  FeedbackOptions o;
  o.names = FieldPath("request");
  absl::StatusOr<Index> program = Lookup(t.programs.ids, r.program_id(), "request.program_id", "program");
  if (!program.ok()) return program.status();
  absl::StatusOr<Index> product = Lookup(t.products.ids, r.product_id(), "request.product_id", "product");
  if (!product.ok()) return product.status();
  absl::StatusOr<Index> bprogram =
      Lookup(t.programs.ids, r.baseline_program_id(), "request.baseline_program_id", "program");
  if (!bprogram.ok()) return bprogram.status();
  absl::StatusOr<Index> bproduct =
      Lookup(t.products.ids, r.baseline_product_id(), "request.baseline_product_id", "product");
  if (!bproduct.ok()) return bproduct.status();
  o.program = *program;
  o.product = *product;
  o.baseline_program = *bprogram;
  o.baseline_product = *bproduct;
  if (r.has_prior_weight()) o.prior_weight = r.prior_weight();
  if (r.has_prior_mean()) {
    // NaN is "not given" inside: given, it is refused here.
    if (std::isnan(r.prior_mean())) return Invalid("request.prior_mean", "must be finite, got nan");
    o.prior_mean = r.prior_mean();
  }
  if (r.has_top_box()) o.top_box = r.top_box();
  if (r.has_confidence()) o.confidence = r.confidence();
  if (r.has_fdr()) o.fdr = r.fdr();
  if (r.has_margin()) o.margin = r.margin();
  if (r.has_bias_shrinkage()) o.bias_shrinkage = r.bias_shrinkage();

  absl::StatusOr<FeedbackSummary> s = AggregateFeedback(t, o);
  if (!s.ok()) return s.status();
  std::string baseline = "other attributes of the same answers (paired)";
  if (o.baseline_program != kNoIndex || o.baseline_product != kNoIndex) {
    baseline.clear();
    if (o.baseline_program != kNoIndex) baseline = absl::StrCat("program ", r.baseline_program_id());
    if (o.baseline_product != kNoIndex)
      absl::StrAppend(&baseline, baseline.empty() ? "" : ", ", "product ", r.baseline_product_id(),
                      o.baseline_program == kNoIndex ? " in the same program" : "");
  }
  out->Clear();
  for (const GroupFeedback& g : s->groups) {
    v1::ProgramFeedback* pm = out->add_programs();
    pm->set_program_id(ProgramId(ws, g.program));
    pm->set_product_id(ProductId(ws, g.product));
    pm->set_responses(static_cast<uint32_t>(g.responses));
    pm->set_respondents(static_cast<uint32_t>(g.respondents));
    pm->set_rating_min(g.rating_min);
    pm->set_rating_max(g.rating_max);
    pm->set_prior_mean(g.prior_mean);
    pm->set_prior_weight(g.prior_weight);
    pm->set_top_box_rating(g.top_box_rating);
    pm->set_tests(g.tests);
    pm->set_flagged(g.flagged);
    pm->set_baseline(baseline);
    for (const AttributeFeedback& a : g.attributes) {
      v1::AttributeFeedback* am = pm->add_attributes();
      am->set_attribute(a.attribute);
      am->set_n(static_cast<uint32_t>(a.n));
      am->set_mean(a.n ? a.mean : NAN);
      am->set_sd(a.sd);
      am->set_bayesian_average(a.bayesian_average);
      am->set_positives(static_cast<uint32_t>(a.positives));
      am->set_positive_share(a.positive_share);
      am->set_wilson_lower(a.wilson.low);
      am->set_wilson_upper(a.wilson.high);
      am->set_corrected_mean(a.corrected_mean);
      am->set_tested(a.tested);
      am->set_baseline_n(static_cast<uint32_t>(a.baseline_n));
      am->set_baseline_mean(a.baseline_mean);
      am->set_difference(a.difference);
      am->set_statistic(a.statistic);
      am->set_df(a.df);
      am->set_p_value(a.p_value);
      am->set_q_value(a.q_value);
      am->set_significantly_worse(a.significantly_worse);
    }
    v1::NetPromoterScore* n = pm->mutable_nps();
    n->set_n(static_cast<uint32_t>(g.nps.n));
    n->set_promoters(static_cast<uint32_t>(g.nps.promoters));
    n->set_passives(static_cast<uint32_t>(g.nps.passives));
    n->set_detractors(static_cast<uint32_t>(g.nps.detractors));
    n->set_nps(g.nps.nps);
    n->set_variance(g.nps.variance);
    n->set_standard_error(g.nps.standard_error);
    n->set_low(g.nps.low);
    n->set_high(g.nps.high);
  }
  out->set_confidence(o.confidence);
  out->set_z(s->z);
  out->set_fdr(o.fdr);
  out->set_margin(o.margin);
  return absl::OkStatus();
}

// ---- Adoption --------------------------------------------------------------

namespace {

// The decisions converted, ids resolved, named `where`; CheckDecisions (or
// TrackAdoption, which makes it) validates them.
absl::StatusOr<std::vector<Decision>> ConvertDecisions(
    const Workspace& ws, const google::protobuf::RepeatedPtrField<v1::AdoptionDecision>& decisions,
    absl::string_view where) {
  const Tables& t = ws.tables();
  std::vector<Decision> out;
  out.reserve(decisions.size());
  std::map<std::string, int> ids;
  for (int i = 0; i < decisions.size(); ++i) {
    const v1::AdoptionDecision& m = decisions.Get(i);
    const std::string at = absl::StrCat(where, "[", i, "]");
    Decision d;
    d.id = m.id();
    if (!m.id().empty()) {
      auto [it, added] = ids.emplace(m.id(), i);
      if (!added)
        return absl::AlreadyExistsError(
            absl::StrCat(at, ".id: ", Quote(m.id()), " repeats ", where, "[", it->second, "]"));
    }
    if (m.program_id().empty()) return Invalid(at + ".program_id", "required");
    absl::StatusOr<Index> p = Lookup(t.programs.ids, m.program_id(), at + ".program_id", "program");
    if (!p.ok()) return p.status();
    d.program = *p;
    absl::StatusOr<Index> prod = Lookup(t.products.ids, m.product_id(), at + ".product_id", "product");
    if (!prod.ok()) return prod.status();
    d.product = *prod;
    d.attribute = m.attribute();
    d.title = m.title();
    switch (m.outcome()) {
      case v1::ADOPTION_OUTCOME_ADOPTED: d.adopted = true; break;
      case v1::ADOPTION_OUTCOME_REJECTED: d.adopted = false; break;
      default:
        return Invalid(at + ".outcome", absl::StrCat("must be ADOPTED or REJECTED, got ",
                                                     static_cast<int>(m.outcome())));
    }
    if (absl::Status s = CheckTime(m.decided_unix_seconds(), at + ".decided_unix_seconds"); !s.ok()) return s;
    d.decided = m.decided_unix_seconds();
    if (m.has_effective_unix_seconds()) {
      if (absl::Status s = CheckTime(m.effective_unix_seconds(), at + ".effective_unix_seconds"); !s.ok())
        return s;
      d.effective = m.effective_unix_seconds();
    }
    if (m.has_value()) {
      // NaN means "not valued" inside: refused here with the rest.
      if (absl::Status s = CheckMoney(m.value(), at + ".value"); !s.ok()) return s;
      d.value = WithoutNegativeZero(m.value());
    }
    for (int k = 0; k < m.contributor_customer_ids_size(); ++k) {
      const std::string cat = absl::StrCat(at, ".contributor_customer_ids[", k, "]");
      absl::StatusOr<Index> c = Lookup(t.customers.ids, m.contributor_customer_ids(k), cat, "customer");
      if (!c.ok()) return c.status();
      if (*c == kNoIndex) return Invalid(cat, "empty");
      d.contributors.push_back(*c);
    }
    d.weights.assign(m.contributor_weights().begin(), m.contributor_weights().end());
    if (m.has_measure()) {
      const v1::BeforeAfterMeasure& mm = m.measure();
      d.given = BeforeAfter{mm.before_mean(), mm.has_before_sd() ? mm.before_sd() : kNoNumber, mm.before_n(),
                            mm.after_mean(), mm.has_after_sd() ? mm.after_sd() : kNoNumber, mm.after_n()};
    }
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace

absl::StatusOr<std::vector<Decision>> DecisionsFrom(
    const Workspace& ws, const google::protobuf::RepeatedPtrField<v1::AdoptionDecision>& decisions,
    absl::string_view where) {
  absl::StatusOr<std::vector<Decision>> d = ConvertDecisions(ws, decisions, where);
  if (!d.ok()) return d.status();
  // The C++ checks (value, weights, times, measure), named as `where` says.
  if (absl::Status s = CheckDecisions(ws.tables(), *d, where); !s.ok()) return s;
  return d;
}

absl::Status AdoptionMessage(const Workspace& ws, const v1::AdoptionRequest& r, v1::AdoptionReport* out) {
  AdoptionOptions o;
  o.names = FieldPath("request");
  // TrackAdoption checks them, as o.names("decisions") = request.decisions.
  absl::StatusOr<std::vector<Decision>> d = ConvertDecisions(ws, r.decisions(), o.names("decisions"));
  if (!d.ok()) return d.status();
  if (r.has_confidence()) o.confidence = r.confidence();
  absl::StatusOr<AdoptionSummary> s = TrackAdoption(ws.tables(), *d, o);
  if (!s.ok()) return s.status();
  out->Clear();
  std::vector<uint32_t> adopted_count(ws.tables().customers.ids.size(), 0);
  for (size_t i = 0; i < d->size(); ++i) {
    const Decision& dd = (*d)[i];
    const DecisionOutcome& o = s->decisions[i];
    v1::AdoptionResult* m = out->add_decisions();
    m->set_decision_id(dd.id);
    m->set_program_id(ProgramId(ws, dd.program));
    m->set_attribute(dd.attribute);
    m->set_title(dd.title);
    m->set_outcome(dd.adopted ? v1::ADOPTION_OUTCOME_ADOPTED : v1::ADOPTION_OUTCOME_REJECTED);
    if (!std::isnan(dd.value)) m->set_value(dd.value);
    m->set_contributors(static_cast<uint32_t>(dd.contributors.size()));
    m->set_contributors_with_feedback(o.contributors_with_feedback);
    m->set_source(o.source == MeasureSource::kGiven      ? v1::ADOPTION_MEASURE_GIVEN
                  : o.source == MeasureSource::kComputed ? v1::ADOPTION_MEASURE_COMPUTED
                                                         : v1::ADOPTION_MEASURE_NONE);
    v1::BeforeAfterMeasure* mm = m->mutable_measure();
    mm->set_before_mean(o.measure.before_mean);
    if (!std::isnan(o.measure.before_sd)) mm->set_before_sd(o.measure.before_sd);
    mm->set_before_n(static_cast<uint32_t>(o.measure.before_n));
    mm->set_after_mean(o.measure.after_mean);
    if (!std::isnan(o.measure.after_sd)) mm->set_after_sd(o.measure.after_sd);
    mm->set_after_n(static_cast<uint32_t>(o.measure.after_n));
    m->set_difference(o.difference);
    m->set_low(o.low);
    m->set_high(o.high);
    m->set_improved(o.improved);
    if (dd.adopted)
      for (Index c : dd.contributors) ++adopted_count[c];
  }
  for (const ProgramAdoption& p : s->programs) {
    v1::ProgramAdoption* pm = out->add_programs();
    pm->set_program_id(ProgramId(ws, p.program));
    pm->set_decisions(p.decisions);
    pm->set_adopted(p.adopted);
    pm->set_rejected(p.rejected);
    pm->set_adoption_rate(p.adoption_rate);
    pm->set_value_adopted(p.value_adopted);
    pm->set_improved(p.improved);
  }
  std::vector<Index> credited;
  for (size_t c = 0; c < s->credit.size(); ++c)
    if (s->credit[c] > 0 || adopted_count[c] > 0) credited.push_back(static_cast<Index>(c));
  std::stable_sort(credited.begin(), credited.end(),
                   [&](Index a, Index b) { return s->credit[a] > s->credit[b]; });
  for (Index c : credited) {
    v1::CoCreationCredit* cm = out->add_contributors();
    cm->set_customer_id(CustomerId(ws, c));
    cm->set_value(s->credit[c]);
    cm->set_adopted(adopted_count[c]);
  }
  out->set_confidence(o.confidence);
  ToMessage(MoneyBasis::Given("each adopted decision's value (request.decisions[i].value)"),
            out->mutable_value_basis());
  return absl::OkStatus();
}

// ---- Decisions file ----------------------------------------------------------

absl::StatusOr<std::vector<v1::AdoptionDecision>> DecisionsFromCsv(absl::string_view name,
                                                                   absl::string_view text) {
  static const char* const kColumns[] = {
      "id", "program_id", "attribute", "product_id", "title", "outcome", "decided", "effective", "value",
      "contributors", "weights", "before_mean", "before_sd", "before_n", "after_mean", "after_sd", "after_n"};
  CsvReader reader(std::string_view(text.data(), text.size()), std::string(name));
  CsvRecord header;
  absl::StatusOr<bool> got = reader.Next(&header);
  if (!got.ok()) return got.status();
  if (!*got) return absl::InvalidArgumentError(absl::StrCat(name, ": empty (no header row)"));
  std::map<std::string, size_t> col;  // name -> position
  for (size_t i = 0; i < header.fields.size(); ++i) {
    const std::string& h = header.fields[i];
    if (std::find(std::begin(kColumns), std::end(kColumns), h) == std::end(kColumns))
      return absl::InvalidArgumentError(absl::StrCat(name, ":", header.line, ":", i + 1, " (", h,
                                                     "): unknown column"));
    if (!col.emplace(h, i).second)
      return absl::InvalidArgumentError(absl::StrCat(name, ":", header.line, ":", i + 1, " (", h,
                                                     "): repeated column"));
  }
  for (const char* required : {"program_id", "outcome", "decided"})
    if (!col.count(required))
      return absl::InvalidArgumentError(absl::StrCat(name, ": missing the column ", required));
  std::vector<v1::AdoptionDecision> out;
  CsvRecord rec;
  while (true) {
    got = reader.Next(&rec);
    if (!got.ok()) return got.status();
    if (!*got) break;
    if (rec.fields.size() != header.fields.size())
      return absl::InvalidArgumentError(absl::StrCat(name, ":", rec.line, ": ", rec.fields.size(),
                                                     " fields, the header has ", header.fields.size()));
    v1::AdoptionDecision d;
    auto cell = [&](const char* c) -> const std::string* {
      auto it = col.find(c);
      return it == col.end() ? nullptr : &rec.fields[it->second];
    };
    auto bad = [&](const char* c, absl::string_view problem) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ":", rec.line, ":", col.at(c) + 1, " (", c, "): ", problem));
    };
    auto number = [&](const char* c, double* v) -> absl::Status {
      const std::string* s = cell(c);
      if (!absl::SimpleAtod(*s, v) || !std::isfinite(*v))
        return bad(c, absl::StrCat("not a number: ", Quote(*s)));
      return absl::OkStatus();
    };
    auto time = [&](const char* c, int64_t* v) -> absl::Status {
      std::string why;
      std::optional<int64_t> tt = ParseTime(*cell(c), &why);
      if (!tt) return bad(c, absl::StrCat("not a time: ", Quote(*cell(c)), " (", why, ")"));
      *v = *tt;
      return absl::OkStatus();
    };
    if (const std::string* s = cell("id")) d.set_id(*s);
    d.set_program_id(*cell("program_id"));
    if (const std::string* s = cell("attribute")) d.set_attribute(*s);
    if (const std::string* s = cell("product_id")) d.set_product_id(*s);
    if (const std::string* s = cell("title")) d.set_title(*s);
    const std::string& outcome = *cell("outcome");
    if (outcome == "adopted") d.set_outcome(v1::ADOPTION_OUTCOME_ADOPTED);
    else if (outcome == "rejected") d.set_outcome(v1::ADOPTION_OUTCOME_REJECTED);
    else return bad("outcome", absl::StrCat("must be adopted or rejected, got ", Quote(outcome)));
    int64_t tv;
    if (absl::Status s = time("decided", &tv); !s.ok()) return s;
    d.set_decided_unix_seconds(tv);
    if (const std::string* s = cell("effective"); s && !s->empty()) {
      if (absl::Status st = time("effective", &tv); !st.ok()) return st;
      d.set_effective_unix_seconds(tv);
    }
    double v;
    if (const std::string* s = cell("value"); s && !s->empty()) {
      if (absl::Status st = number("value", &v); !st.ok()) return st;
      d.set_value(v);
    }
    if (const std::string* s = cell("contributors"); s && !s->empty())
      for (std::string& id : CsvListItems(*s)) d.add_contributor_customer_ids(std::move(id));
    if (const std::string* s = cell("weights"); s && !s->empty())
      for (const std::string& w : CsvListItems(*s)) {
        if (!absl::SimpleAtod(w, &v) || !std::isfinite(v))
          return bad("weights", absl::StrCat("not a number: ", Quote(w)));
        d.add_contributor_weights(v);
      }
    bool any_measure = false;
    for (const char* c : {"before_mean", "before_sd", "before_n", "after_mean", "after_sd", "after_n"})
      if (const std::string* s = cell(c); s && !s->empty()) any_measure = true;
    if (any_measure) {
      v1::BeforeAfterMeasure* m = d.mutable_measure();
      for (const char* c : {"before_mean", "before_n", "after_mean", "after_n"}) {
        if (!cell(c))
          return absl::InvalidArgumentError(
              absl::StrCat(name, ":", rec.line, ": a given measure needs the column ", c));
        if (cell(c)->empty()) return bad(c, "required when a measure is given");
      }
      uint32_t n;
      if (absl::Status st = number("before_mean", &v); !st.ok()) return st;
      m->set_before_mean(v);
      if (absl::Status st = number("after_mean", &v); !st.ok()) return st;
      m->set_after_mean(v);
      if (!absl::SimpleAtoi(*cell("before_n"), &n)) return bad("before_n", "not a whole number >= 0");
      m->set_before_n(n);
      if (!absl::SimpleAtoi(*cell("after_n"), &n)) return bad("after_n", "not a whole number >= 0");
      m->set_after_n(n);
      if (const std::string* s = cell("before_sd"); s && !s->empty()) {
        if (absl::Status st = number("before_sd", &v); !st.ok()) return st;
        m->set_before_sd(v);
      }
      if (const std::string* s = cell("after_sd"); s && !s->empty()) {
        if (absl::Status st = number("after_sd", &v); !st.ok()) return st;
        m->set_after_sd(v);
      }
    }
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace mitra::cocreation
