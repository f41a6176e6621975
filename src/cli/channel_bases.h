// The channel report's bases in words, for `mitra channels` and the
// demo report's channel sections: where each observed figure, each column
// of the side-by-side table and the community route's figures come from.
#ifndef MITRA_CLI_CHANNEL_BASES_H_
#define MITRA_CLI_CHANNEL_BASES_H_

#include <ostream>
#include <string>

#include "mitra/v1/channel_economics.pb.h"

namespace mitra::cli {

// One line per kind of observed figure: "INDENTsales: given by the host: ...".
void WriteFigureBases(const v1::ChannelFigureBases& b, const std::string& indent,
                      std::ostream& out);
// The same in short: the figures given by the host on one line, then one
// line per figure that is not given.
void WriteFigureBasesShort(const v1::ChannelFigureBases& b, const std::string& indent,
                           std::ostream& out);
// The side-by-side table's bases: consecutive columns with the same bases
// together ("chain, direct (observed): cost/acq ...").
void WriteComparisonBases(const v1::ChannelReport& r, const std::string& indent,
                          std::ostream& out);
// The community route's cost, conversion rate, cost per conversion, value
// and expected profit.
void WriteCommunityBases(const v1::ChannelCommunityRoute& m, const std::string& indent,
                         std::ostream& out);

}  // namespace mitra::cli

#endif  // MITRA_CLI_CHANNEL_BASES_H_
