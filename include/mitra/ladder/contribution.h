// External-employee contribution: the money each customer made the company
// beyond their own purchases, in three components that add up to the total.
//
// Referral value (after Kumar, Petersen & Leone's customer referral value,
// HBR 2007 / JM 2010). For each converted referral r (referrer i, referee j,
// time t_r < as_of), over j's transactions x with t_r <= t_x < end_r, where
// end_r = min(t_r + H, as_of) (H = referral_horizon_days; 0: as_of):
//   CRV_r = [(1 - s) * sum_x m_x / (1 + d)^((t_x - t_r) / 365.25 days)
//            + s * A] / k_j
// with m_x the transaction's margin (indicators.h: TransactionMargins), d the
// yearly discount rate (margins discounted to the referral time), s the
// share of referees who would have joined anyway (their margins are not the
// referral's doing; Libai, Muller & Peres count only expansion), A the
// acquisition cost saved on each of them, and k_j the number of converted
// referrals naming j before as_of (a referee with two referrers is shared).
// Referral value of i = sum of CRV_r over i's referrals. The referral's own
// `value` field is not used: margins come from the transactions.
//
// Influence value (after Kumar et al.'s customer influence value, Marketing
// Science 2013, with one-step or damped multi-step attribution in place of
// Hubbell centrality). The interaction graph of leaders' capability
// (graph/interaction_graph.h, decayed, referral interactions weighing 0 by
// default since referrals have their own component): an edge j -> i with
// weight w_ji means j acted towards i (replied to, liked, endorsed, ...),
// and, as in the leader scores' PageRank, attention flowing to i is i's
// influence on j. Each customer j with out-edges has an influenceable value
//   u_j = alpha * b_j
// where b_j is j's margin over [as_of - W, as_of) (W = influence window)
// minus the margins already counted as referral value (transactions inside
// a referral's window for j), and alpha the influence share. u_j is split
// among the customers j attends to in proportion to w_ji / sum_k w_jk. With
// persistence delta > 0 each recipient keeps (1 - delta) of what it receives
// and passes delta on the same way (a recipient who attends to nobody keeps
// everything), so value also reaches the influencers of influencers;
// delta = 0 is the one-step share. Either way sum_i influence_i = sum_j u_j.
//
// Co-creation credit. The value of each adopted change (ChangeCredit, from
// co-creation adoption tracking) with time before as_of, split among its
// contributors by their shares (equal when none are given):
// cocreation::CoCreationCredit.
//
// total = referral + influence + cocreation, per customer. own_margin (the
// customer's own margin in the influence window, Domingos & Richardson's
// "intrinsic value") is reported beside it and is not part of the total.
#ifndef MITRA_LADDER_CONTRIBUTION_H_
#define MITRA_LADDER_CONTRIBUTION_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "mitra/core/field_path.h"
#include "mitra/core/tables.h"
#include "mitra/graph/interaction_graph.h"
#include "mitra/ladder/indicators.h"

namespace mitra::ladder {

// The leaders' default kind weights with REFERRAL at 0.
graph::InteractionGraphOptions DefaultInfluenceGraph();

struct ContributionOptions {
  int64_t as_of = kNoTime;                 // required
  double default_margin_rate = 0.25;       // in [0, 1] (indicators.h)
  // Referral value.
  double referral_horizon_days = 365;      // H >= 0; 0: up to as_of
  double discount_rate = 0.12;             // d per year, >= 0
  double joined_anyway_share = 0.5;        // s in [0, 1]
  double acquisition_cost = 0;             // A >= 0
  // Influence value.
  double influence_share = 0.1;            // alpha in [0, 1]
  double influence_window_days = 365;      // W >= 0; 0: all time
  double influence_persistence = 0;        // delta in [0, 1)
  // Kind weights and half-life; its as_of is replaced by as_of - 1 s (so
  // that only interactions before as_of count; a common factor of the
  // decay cancels in the shares).
  graph::InteractionGraphOptions graph = DefaultInfluenceGraph();
  // Co-creation credit (validated with ValidateChanges).
  absl::Span<const ChangeCredit> changes;
  // How the caller names these options in errors (empty: as here); `graph`
  // has its own names (a request's "request.graph").
  FieldPath names;
};

struct Contributions {
  int64_t as_of = kNoTime;
  // Per customer, in money.
  std::vector<double> referral, influence, cocreation, total;
  // The referral value's parts, so that it can be had at another s:
  // referral = (1 - s) referral_margin + s A referral_referees, where
  // referral_margin is the referees' discounted margins and
  // referral_referees the referees counted (each 1 / k_j).
  std::vector<double> referral_margin, referral_referees;
  std::vector<double> own_margin;
  std::vector<uint32_t> converted_referrals;  // made before as_of
  int influence_steps = 0;  // attribution steps taken (1 when delta = 0)
};

// Customer c's referral value for a share s who would have joined anyway
// and an acquisition cost A.
inline double ReferralValueAt(const Contributions& c, size_t customer, double s, double A) {
  return (1 - s) * c.referral_margin[customer] + s * A * c.referral_referees[customer];
}

// INVALID_ARGUMENT naming the option in the caller's terms (`names`:
// "discount_rate: ...", "request.discount_rate: ...") or the table row at
// fault.
absl::StatusOr<Contributions> ComputeContributions(const Tables& tables,
                                                   const ContributionOptions& options);

}  // namespace mitra::ladder

#endif  // MITRA_LADDER_CONTRIBUTION_H_
