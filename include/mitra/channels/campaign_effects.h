// What past campaigns did: each campaign's effect measured against
// comparable untreated units, and each route's response to spend fitted
// from those effects, so that a budget split rests on the host's own
// history rather than on an assumed curve.
//
// A campaign (an activation of community leaders, or an incentive program
// in the distribution chain) treats some units (customers, channel members)
// over periods [start, end) for a spend. Its effect is the
// difference in differences (Card & Krueger 1994; Angrist & Pischke,
// "Mostly Harmless Econometrics", 2009, ch. 5): each unit's outcome is
// averaged over the baseline periods before the campaign and over its own
// periods, and
//
//   effect = mean over treated (post - pre) - mean over comparison (post - pre),
//
// which removes what differs between units for good (their level) and what
// all units share in a period (season, prices). Comparison units are those
// no campaign treated in the window [start - baseline, end). Collapsing
// each unit to one difference makes the standard error robust to serial
// correlation within a unit (Bertrand, Duflo & Mullainathan, QJE 2004): it
// is clustered by unit, sqrt(s_T^2 / n_T + s_C^2 / n_C), with Welch's
// degrees of freedom for the t interval.
//
// A route's response is a(1 - e^(-b x)) in spend x, fitted to its
// campaigns' total effects (effect x treated units x periods) by least
// squares weighted by 1 / variance; the interval comes from a parametric
// bootstrap (each campaign's total drawn from its normal sampling
// distribution, the curve refitted), seeded and reproducible.
#ifndef MITRA_CHANNELS_CAMPAIGN_EFFECTS_H_
#define MITRA_CHANNELS_CAMPAIGN_EFFECTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "mitra/core/field_path.h"

namespace mitra::channels {

// Named apart from chain.h's Route (chain, direct, community): both headers
// may meet in one file.
enum class CampaignRoute { kChain, kCommunity };

// Outcomes of units over equal periods (e.g. weekly margin per customer),
// unit-major: values[u * periods + t]; NaN = not observed.
struct OutcomePanel {
  uint32_t units = 0;
  uint32_t periods = 0;
  std::vector<double> values;
};

struct Campaign {
  std::string id;
  CampaignRoute route = CampaignRoute::kCommunity;
  uint32_t start = 0;  // its first period (>= 1: a baseline comes before)
  uint32_t end = 0;    // one past its last period (<= periods)
  double spend = 0;    // money, > 0
  std::vector<uint32_t> treated;  // unit indices, each once
  // Untreated units that cannot stand for "no campaign" (e.g. they share
  // customers with the treated ones): left out of its comparison group.
  std::vector<uint32_t> not_comparable;
};

struct CampaignEffectOptions {
  // Baseline periods before each campaign's start (0: every one before it).
  uint32_t baseline_periods = 0;
  double confidence = 0.95;  // of the intervals, in (0, 1)
  // Comparison units: false, those no campaign overlapping this one's
  // baseline and periods treated; true, those no campaign of the list
  // treated at all.
  bool never_treated_comparison = false;
  // Comparison units only within the treated units' range of baseline
  // levels widened by a factor of two each way (common support, after
  // Crump, Hotz, Imbens & Mitnik 2009): units far
  // smaller or larger than every treated one need not share their trend
  // (an ordinary customer's audience does not grow like a leader's).
  bool common_support = false;
  // A campaign with too few units to measure: false, FAILED_PRECONDITION;
  // true, an effect with estimated = false and the reason in `note`.
  bool skip_unmeasurable = false;
  // How the caller names these options, the panel and the campaigns in
  // errors (empty: as here).
  FieldPath names;
};

struct CampaignEffect {
  // False (with skip_unmeasurable) for a campaign too small to measure:
  // `note` says why and the figures below other than the counts are 0.
  bool estimated = true;
  std::string note;
  // Per treated unit and campaign period, in the outcome's unit.
  double effect = 0;
  double std_error = 0;        // clustered by unit
  double degrees_of_freedom = 0;  // Welch-Satterthwaite
  double ci_low = 0, ci_high = 0;
  // Units with an observation both before and during the campaign.
  uint32_t treated_units = 0;
  uint32_t comparison_units = 0;
  uint32_t periods = 0;  // end - start
  // effect x treated_units x periods: what the campaign added in all.
  double total = 0;
  double total_std_error = 0;
  double total_ci_low = 0, total_ci_high = 0;
  double return_per_spend = 0;  // total / spend
};

// One effect per campaign, in order. INVALID_ARGUMENT names the field
// ("campaigns[2].treated[0]: unit 500 out of range (400 units)");
// FAILED_PRECONDITION when a campaign has fewer than two treated or two
// comparison units with data in both windows (unless skip_unmeasurable).
absl::StatusOr<std::vector<CampaignEffect>> EstimateCampaignEffects(
    const OutcomePanel& panel, const std::vector<Campaign>& campaigns,
    const CampaignEffectOptions& options);

struct RouteCurveOptions {
  uint32_t draws = 2000;     // bootstrap draws, 1..1e6
  uint64_t seed = 1;
  double confidence = 0.95;  // of the parameter intervals, in (0, 1)
  FieldPath names;
};

// total = a (1 - e^(-b x)) for spend x.
struct RouteCurve {
  CampaignRoute route = CampaignRoute::kCommunity;
  double a = 0, b = 0;  // the weighted least-squares fit
  double a_low = 0, a_high = 0, b_low = 0, b_high = 0;  // bootstrap percentiles
  uint32_t campaigns = 0;
  // False when the fit found no saturation within the spends seen (b at
  // the low end of its search range: the curve is a straight line there),
  // so a and b each are not identified, only their product.
  bool saturation_identified = true;
  // The bootstrap's refits, for the probability of a ranking.
  std::vector<double> draw_a, draw_b;
};

// The route's curve from its campaigns (effects[i] belongs to
// campaigns[i]). FAILED_PRECONDITION when the route's campaigns have fewer
// than two distinct spends (a saturating curve needs two).
absl::StatusOr<RouteCurve> FitRouteCurve(const std::vector<Campaign>& campaigns,
                                         const std::vector<CampaignEffect>& effects, CampaignRoute route,
                                         const RouteCurveOptions& options);

// The share of bootstrap draws in which `first` returns more than `second`
// for the same spend x (> 0); both curves need the same number of draws.
absl::StatusOr<double> ProbabilityFirstReturnsMore(const RouteCurve& first,
                                                   const RouteCurve& second, double spend);

}  // namespace mitra::channels

#endif  // MITRA_CHANNELS_CAMPAIGN_EFFECTS_H_
