// Adoption tracking: what came of the feedback (docs/COCREATION.md). A
// decision names the feedback that led to it (its program, optionally the
// attribute and product, and the contributing customers), whether the change
// was adopted or rejected, when, what the change is worth in money, and a
// before/after measure: given by the host (e.g. a follow-up survey), or
// computed from the workspace's feedback around the effective time.
//
// Computed measures use every feedback row about the decision's product (or,
// without a product, of the decision's program), rescaled to the decision
// program's scale: the attribute's ratings before the effective time against
// those at or after it, the difference after - before with Welch's interval
// (t quantile at Welch's df). Without an attribute the measure is NPS (from
// would_recommend): the difference with the interval +- z sqrt(Var1 + Var2).
//
// Contributor credit: the money value of adopted decisions, split among each
// decision's contributors equally or by the given weights (credit.h, which
// the ladder's co-creation credit uses too).
#ifndef MITRA_COCREATION_ADOPTION_H_
#define MITRA_COCREATION_ADOPTION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "mitra/core/field_path.h"
#include "mitra/core/tables.h"

namespace mitra::cocreation {

// Before and after: mean, sample standard deviation (NaN: unknown) and count.
struct BeforeAfter {
  double before_mean = kNoNumber, before_sd = kNoNumber;
  uint64_t before_n = 0;
  double after_mean = kNoNumber, after_sd = kNoNumber;
  uint64_t after_n = 0;
};

struct Decision {
  std::string id;
  Index program = kNoIndex;            // required
  std::string attribute;               // "" : the decision is measured by NPS
  Index product = kNoIndex;            // kNoIndex: the program's product
  std::string title;
  bool adopted = false;
  int64_t decided = kNoTime;
  int64_t effective = kNoTime;         // kNoTime: decided
  double value = kNoNumber;            // money, finite >= 0; NaN: not valued
  std::vector<Index> contributors;     // customers
  std::vector<double> weights;         // empty: equal shares; else one per contributor, >= 0
  std::optional<BeforeAfter> given;    // the host's measure; absent: computed
};

enum class MeasureSource { kNone, kGiven, kComputed };

struct DecisionOutcome {
  MeasureSource source = MeasureSource::kNone;
  BeforeAfter measure;
  double difference = kNoNumber;       // after - before
  double low = kNoNumber, high = kNoNumber, df = kNoNumber;
  bool improved = false;               // the interval lies above 0
  uint32_t contributors_with_feedback = 0;  // contributors who answered the decision's program
};

struct ProgramAdoption {
  Index program = kNoIndex;
  uint32_t decisions = 0, adopted = 0, rejected = 0;
  double adoption_rate = 0;            // adopted / decisions
  double value_adopted = 0;            // sum of the adopted decisions' values
  uint32_t improved = 0;               // adopted decisions whose measure improved
};

struct AdoptionSummary {
  std::vector<DecisionOutcome> decisions;  // as given
  std::vector<ProgramAdoption> programs;   // programs with decisions, in program order
  std::vector<double> credit;              // per customer (credit.h)
  double z = 0;
};

struct AdoptionOptions {
  double confidence = 0.95;  // in (0, 1)
  // How the caller names these options and the decisions in errors (empty:
  // as here, "confidence", "decisions[1].value").
  FieldPath names;
};

// INVALID_ARGUMENT naming the option or the decision and field in the
// caller's terms (options.names: "decisions[1].value: ...",
// "request.decisions[1].value: ...") for a bad confidence or decision
// (missing program, negative or non-finite value, weights not matching the
// contributors, effective before decided, a given measure with negative
// counts or sds...).
absl::StatusOr<AdoptionSummary> TrackAdoption(const Tables& tables,
                                              absl::Span<const Decision> decisions,
                                              const AdoptionOptions& options);

// The checks TrackAdoption makes of its decisions, alone; `list` names the
// decisions in the caller's terms ("request.decisions").
absl::Status CheckDecisions(const Tables& tables, absl::Span<const Decision> decisions,
                            absl::string_view list = "decisions");

}  // namespace mitra::cocreation

#endif  // MITRA_COCREATION_ADOPTION_H_
