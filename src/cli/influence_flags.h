// The flags that say how influence is learned (--action, --product-line,
// --method, --window-days, --decay-days, --em-iterations, --em-tolerance,
// --interval), shared by `mitra influence` and `mitra activate
// --probabilities learned` so that both read them the same way.
#ifndef MITRA_CLI_INFLUENCE_FLAGS_H_
#define MITRA_CLI_INFLUENCE_FLAGS_H_

#include "args.h"
#include "mitra/v1/graph.pb.h"

namespace mitra::cli {

// When cl.option() is one of the flags: reads its value into `request`,
// sets *rc to 0 or a usage problem's exit code, and returns true. Otherwise
// returns false (the option is the caller's).
bool InfluenceOption(CommandArgs& cl, v1::LearnInfluenceRequest& request, int* rc);

// The flags' lines of a command's help (a literal, to concatenate into
// one).
#define MITRA_CLI_INFLUENCE_FLAGS_HELP \
  "  --action A             purchases (default), program-joins or\n" \
  "                         referral-conversions\n" \
  "  --product-line NAME    purchases of this product category only\n" \
  "  --method M             em (default), bernoulli, jaccard or continuous-time\n" \
  "  --window-days D        the window (default 7)\n" \
  "  --decay-days D         continuous-time: decay constant (default the window)\n" \
  "  --em-iterations N      EM's most iterations (default 500; at most 100000)\n" \
  "  --em-tolerance X       EM's tolerance (default 1e-6)\n" \
  "  --interval X           the posterior interval's probability (default 0.9)\n"

}  // namespace mitra::cli

#endif  // MITRA_CLI_INFLUENCE_FLAGS_H_
