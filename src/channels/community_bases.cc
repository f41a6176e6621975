#include "community_bases.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/money_basis_message.h"

namespace mitra::channels {
namespace {

constexpr double kConfidence = 0.95;  // the reach check's and the Wilson interval's

// "; resting on: ..." for each assumed basis, "" when none.
std::string RestsOn(std::initializer_list<const MoneyBasis*> parts) {
  std::string s;
  for (const MoneyBasis* b : parts)
    if (b->kind == BasisKind::kAssumed) absl::StrAppend(&s, "; resting on ", b->source);
  return s;
}

// Where the expected conversions come from.
std::string ConversionsSource(const CommunityRoute& r) {
  const ConversionRate& c = r.conversion;
  return absl::StrCat(
      "the plan's reach (95% Monte-Carlo interval ", r.reached_low, " to ", r.reached_high,
      ") x the conversion rate ",
      c.from_referrals ? absl::StrCat("(Wilson 95% interval ", c.low, " to ", c.high, " of ",
                                      c.converted, " of ", c.referrals, " referrals converted)")
                       : absl::StrCat(c.rate, " (ChannelRequest.conversion_rate)"),
      ": ", r.conversions_low, " to ", r.conversions_high, " conversions");
}

}  // namespace

MoneyBasis PlanCostBasis(const v1::WorkspacePlan& wp) {
  const v1::MoneyBasis& b = wp.plan().cost_basis();
  if (b.kind() != v1::MONEY_BASIS_KIND_UNSPECIFIED) return FromMessage(b);
  return MoneyBasis::Given(
      "the seeds' costs of the plan passed in (ChannelRequest.plan.plan.costs; the plan "
      "carries no cost basis)");
}

void CommunityBasesMessage(const CommunityRoute& r, const MoneyBasis& plan_cost,
                           const FigureInputs& value, v1::ChannelCommunityRoute* out) {
  const MoneyBasis v = value.Basis();
  ToMessage(plan_cost, out->mutable_cost_basis());
  const ConversionRate& c = r.conversion;
  ToMessage(c.from_referrals
                ? MoneyBasis::Estimated(
                      c.low, c.high, kConfidence,
                      absl::StrCat("Wilson interval of the window's referrals: ", c.converted,
                                   " of ", c.referrals, " converted (Referral.converted)"))
                : MoneyBasis::Given(absl::StrCat("ChannelRequest.conversion_rate = ", c.rate)),
            out->mutable_conversion_basis());
  ToMessage(v, out->mutable_value_per_conversion_basis());
  const std::string conversions = ConversionsSource(r);
  ToMessage(MoneyBasis::Estimated(r.cost_per_acquired_low, r.cost_per_acquired_high, kConfidence,
                                  absl::StrCat("the plan's cost / ", conversions,
                                               RestsOn({&plan_cost}))),
            out->mutable_cost_per_acquired_basis());
  ToMessage(MoneyBasis::Estimated(
                r.conversions_low * r.value_per_conversion - r.cost,
                r.conversions_high * r.value_per_conversion - r.cost, kConfidence,
                absl::StrCat(conversions, " x the value per conversion less the plan's cost",
                             RestsOn({&plan_cost, &v}))),
            out->mutable_expected_profit_basis());
}

ColumnBases ObservedColumnBases(const FigureBases& b) {
  const MoneyBasis cost = b.acquisition_cost.Basis();
  return {cost, cost, b.value_per_acquired.Basis(),
          b.value_per_acquired
              .With(b.acquisition_cost, "value per acquired customer less cost per acquired")
              .Basis()};
}

ColumnBases ExpectedColumnBases(const CommunityRoute& r, const MoneyBasis& plan_cost,
                                double variable, const FigureInputs& variable_inputs,
                                double cpa_low, double cpa_high, double value_per_acquired,
                                const FigureInputs& value) {
  const MoneyBasis var = variable_inputs.Basis();
  const std::string conversions = ConversionsSource(r);
  ColumnBases b;
  b.cost = variable > 0
               ? MoneyBasis::Estimated(
                     r.cost + r.conversions_low * variable, r.cost + r.conversions_high * variable,
                     kConfidence,
                     absl::StrCat("the plan's cost + ", conversions, " x ", variable,
                                  " variable acquisition cost per customer (", variable_inputs.given,
                                  ")", RestsOn({&plan_cost, &var})))
               : plan_cost;
  b.cost_per_acquired = MoneyBasis::Estimated(
      cpa_low, cpa_high, kConfidence,
      absl::StrCat("the plan's cost / ", conversions, " + ", variable,
                   " variable acquisition cost per customer", RestsOn({&plan_cost, &var})));
  b.value_per_acquired = variable == 0 ? value.Basis() : value.With(variable_inputs, absl::StrCat(value.given, " + ", variable,
                                                                  " variable acquisition cost "
                                                                  "per customer (",
                                                                  variable_inputs.given, ")"))
                             .Basis();
  b.profit_per_acquired = MoneyBasis::Estimated(
      value_per_acquired - cpa_high, value_per_acquired - cpa_low, kConfidence,
      absl::StrCat("value per acquired customer less cost per acquired, on ", conversions,
                   RestsOn({&plan_cost, &var, &b.value_per_acquired})));
  return b;
}

void ColumnBasesMessage(const ColumnBases& b, v1::ChannelRouteComparison* out) {
  ToMessage(b.cost, out->mutable_cost_basis());
  ToMessage(b.cost_per_acquired, out->mutable_cost_per_acquired_basis());
  ToMessage(b.value_per_acquired, out->mutable_value_per_acquired_basis());
  ToMessage(b.profit_per_acquired, out->mutable_profit_per_acquired_basis());
}

}  // namespace mitra::channels
