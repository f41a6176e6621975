// Choosing a trial panel (docs/COCREATION.md): N participants who cover
// segments, communities and relationship stages by quota, favouring likely
// responders, skipping anyone surveyed recently; seeded and reproducible.
//
// Eligible: the candidates (every customer, or a given list) minus the
// excluded, minus customers created after as_of, minus the fatigued: anyone
// with feedback (or an invitation) in (as_of - fatigue_days, as_of].
// Propensity: the Beta-smoothed response rate (r + a) / (n + a + b), r =
// feedback answers up to as_of, n = invitations when the host gives them
// (at least r), else the programs that started by as_of while the customer
// was known ("opportunities"); times a recency factor floor + (1 - floor)
// 2^(-days since the customer's last transaction, interaction or answer /
// half-life). The weight is their product.
// Sampling: weighted sampling without replacement by Efraimidis-Spirakis
// keys log(u)/w, u uniform from a generator seeded by (seed, customer), so a
// customer's key does not depend on who else is a candidate.
// Quotas (minimums, optional maximums) are met first, greedily: the next
// member is the eligible customer who counts towards the most still-unmet
// minimums without breaking a maximum, best key first; then the panel is
// filled by key. Before that, each quota is checked against what is
// possible alone (enough eligible customers with the value; a dimension
// whose values are exclusive asks no more than N in all). Overlapping
// quotas can defeat the greedy (it is set cover); when a minimum possible
// alone is left unmet, an exact search over the groups of customers who
// count towards the same quotas finds how many to take from each (best
// keys within a group), or proves that the minimums cannot all be met
// together (it gives up, and says so, after 2 million steps). A quota that
// cannot be met is reported with its shortfall and the reason; the panel is
// still returned (or FAILED_PRECONDITION when `strict`).
#ifndef MITRA_COCREATION_PANEL_H_
#define MITRA_COCREATION_PANEL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "mitra/core/field_path.h"
#include "mitra/core/memory_budget.h"
#include "mitra/core/tables.h"

namespace mitra::cocreation {

enum class QuotaDimension {
  kAttribute,  // a customer attribute (key = its name, e.g. "segment")
  kCommunity,  // a current membership (value = the community id)
  kStage,      // the caller's per-customer stage label (PanelOptions::stage)
};

struct Quota {
  QuotaDimension dimension = QuotaDimension::kAttribute;
  std::string key;    // the attribute name (kAttribute only)
  std::string value;
  uint32_t min = 0;
  uint32_t max = UINT32_MAX;  // UINT32_MAX: no maximum
};

struct PanelOptions {
  uint32_t size = 0;                 // N >= 1
  uint64_t seed = 1;
  std::vector<Quota> quotas;         // at most 64
  std::vector<Index> candidates;     // empty: every customer
  std::vector<Index> excluded;
  double fatigue_days = 90;          // finite >= 0; 0: no fatigue rule
  int64_t as_of = kNoTime;           // kNoTime: the latest transaction, interaction or answer
  // Stage labels per customer (e.g. the relationship ladder's stage names);
  // empty, or one per customer with "" for none.
  std::vector<std::string> stage;
  std::vector<std::pair<Index, int64_t>> invitations;  // (customer, time)
  double prior_responses = 1, prior_non_responses = 1;  // a, b > 0
  double recency_half_life_days = 180;  // finite >= 0; 0: recency not used
  double recency_floor = 0.5;           // in [0, 1]
  bool strict = false;                  // an unmet quota is FAILED_PRECONDITION
  // The budget the exact quota search's tables (groups x quotas) are
  // reserved from before they are allocated (memory_budget.h); nullptr:
  // MemoryBudget::Process().
  MemoryBudget* memory = nullptr;
  // How the caller names these options in errors (empty: as here).
  FieldPath names;
};

struct PanelMember {
  Index customer = kNoIndex;
  double weight = 0, response_rate = 0, recency = 0, key = 0;
  uint32_t responses = 0, opportunities = 0;
  bool for_quota = false;            // chosen to meet a minimum (else to fill)
  std::vector<uint32_t> quotas;      // the quotas (indices) the member counts towards
};

struct QuotaResult {
  uint32_t eligible = 0, selected = 0;
  bool met = true;
  uint32_t shortfall = 0;            // min - selected when unmet
  std::string problem;               // why it cannot be met ("" when met)
};

struct Panel {
  std::vector<PanelMember> members;  // in the order chosen
  std::vector<QuotaResult> quotas;   // as the options' quotas
  bool all_quotas_met = true;
  uint32_t candidates = 0, eligible = 0, fatigued = 0;
  int64_t as_of = kNoTime;
  std::string problem;               // e.g. the panel is short of N
};

// Every error names the option in the caller's terms (`names`: "size",
// "request.quotas[2].max"): INVALID_ARGUMENT for bad options, NOT_FOUND for
// a community quota's unknown community id, FAILED_PRECONDITION naming the
// quota when strict and a quota is unmet, and the memory budget's
// RESOURCE_EXHAUSTED naming "quotas" when the exact quota search's tables
// do not fit.
absl::StatusOr<Panel> SelectPanel(const Tables& tables, const PanelOptions& options);

// "segment=student", "community=JKT", "stage=advocate".
std::string QuotaName(const Quota& q);

}  // namespace mitra::cocreation

#endif  // MITRA_COCREATION_PANEL_H_
