// Where the channel report's observed money figures come from
// (docs/CHANNELS.md, "Where each figure comes from"): one MoneyBasis per
// kind of figure, GIVEN when every input is the host's and ASSUMED when a
// default stood in for part of it, the source saying which default and for
// how much of the input. Internal to src/channels.
#ifndef MITRA_SRC_CHANNELS_FIGURE_BASES_H_
#define MITRA_SRC_CHANNELS_FIGURE_BASES_H_

#include <string>
#include <vector>

#include "mitra/channels/chain.h"
#include "mitra/channels/economics.h"
#include "mitra/core/money_basis.h"
#include "mitra/core/tables.h"
#include "mitra/v1/channel_economics.pb.h"

namespace mitra::channels {

// A figure's inputs: what they are when all are the host's, and every
// default that stood in ("per_order = 0 (ChannelRequest.rates.per_order)").
struct FigureInputs {
  std::string given;
  std::vector<std::string> defaults;

  // GIVEN naming the inputs, or ASSUMED naming the defaults.
  MoneyBasis Basis() const;
  // A figure computed from these and `other`: the defaults of both (each once).
  FigureInputs With(const FigureInputs& other, std::string given_source) const;
};

struct FigureBases {
  FigureInputs sales, margins, goods, handling, fixed, incentives, cost_to_serve;
  // Combined from the above.
  FigureInputs profit, contribution, acquisition_cost, value_per_acquired,
      contribution_per_acquired, net, variable_acquisition;
};

// The inputs of every observed figure of `e`, made from `tables` and `chain`
// with request `r`.
FigureBases FigureBasesOf(const Tables& tables, const Chain& chain, const Economics& e,
                          const v1::ChannelRequest& r);

void FigureBasesMessage(const FigureBases& b, v1::ChannelFigureBases* out);

}  // namespace mitra::channels

#endif  // MITRA_SRC_CHANNELS_FIGURE_BASES_H_
