#include "channel_bases.h"

#include <utility>
#include <vector>

#include "common.h"

namespace mitra::cli {
namespace {

using Labelled = std::vector<std::pair<const char*, const v1::MoneyBasis*>>;

Labelled FigureList(const v1::ChannelFigureBases& b) {
  return {{"sales", &b.sales()},
          {"producer revenue", &b.producer_revenue()},
          {"margins", &b.margins_conceded()},
          {"goods", &b.goods_cost()},
          {"handling", &b.handling_cost()},
          {"fixed costs", &b.fixed_cost()},
          {"incentives", &b.incentives()},
          {"cost to serve", &b.cost_to_serve()},
          {"member profit", &b.profit()},
          {"contribution", &b.contribution()},
          {"acquisition cost", &b.acquisition_cost()},
          {"value/acq", &b.value_per_acquired()},
          {"contribution/acq", &b.contribution_per_acquired()},
          {"customer net", &b.net()}};
}

Labelled ColumnList(const v1::ChannelRouteComparison& x) {
  return {{"cost", &x.cost_basis()},
          {"cost/acq", &x.cost_per_acquired_basis()},
          {"value/acq", &x.value_per_acquired_basis()},
          {"profit/acq", &x.profit_per_acquired_basis()}};
}

// Same bases (compared as bytes: a NaN interval end equals itself).
bool SameBases(const v1::ChannelRouteComparison& a, const v1::ChannelRouteComparison& b) {
  if (a.basis() != b.basis()) return false;
  const Labelled x = ColumnList(a), y = ColumnList(b);
  for (size_t i = 0; i < x.size(); ++i)
    if (x[i].second->SerializeAsString() != y[i].second->SerializeAsString()) return false;
  return true;
}

void WriteLabelled(const Labelled& list, const std::string& indent, int decimals,
                   std::ostream& out) {
  for (const auto& [label, basis] : list)
    if (basis->kind() != v1::MONEY_BASIS_KIND_UNSPECIFIED)
      out << indent << label << ": " << BasisText(*basis, decimals) << "\n";
}

}  // namespace

void WriteFigureBases(const v1::ChannelFigureBases& b, const std::string& indent,
                      std::ostream& out) {
  WriteLabelled(FigureList(b), indent, 0, out);
}

void WriteFigureBasesShort(const v1::ChannelFigureBases& b, const std::string& indent,
                           std::ostream& out) {
  std::string given;
  Labelled other;
  for (const auto& [label, basis] : FigureList(b)) {
    if (basis->kind() == v1::MONEY_BASIS_KIND_GIVEN)
      given += (given.empty() ? "" : ", ") + std::string(label);
    else
      other.emplace_back(label, basis);
  }
  if (!given.empty()) out << indent << "given by the host's records and request: " << given << "\n";
  WriteLabelled(other, indent, 0, out);
}

void WriteComparisonBases(const v1::ChannelReport& r, const std::string& indent,
                          std::ostream& out) {
  for (int i = 0; i < r.comparison_size();) {
    int j = i + 1;
    while (j < r.comparison_size() && SameBases(r.comparison(i), r.comparison(j))) ++j;
    out << indent;
    for (int k = i; k < j; ++k) out << (k > i ? ", " : "") << r.comparison(k).name();
    out << " (" << r.comparison(i).basis() << "):\n";
    WriteLabelled(ColumnList(r.comparison(i)), indent + "  ", 2, out);
    i = j;
  }
}

void WriteCommunityBases(const v1::ChannelCommunityRoute& m, const std::string& indent,
                         std::ostream& out) {
  WriteLabelled({{"activation cost", &m.cost_basis()}}, indent, 0, out);
  WriteLabelled({{"conversion rate", &m.conversion_basis()}}, indent, 3, out);
  WriteLabelled({{"cost per conversion", &m.cost_per_acquired_basis()},
                 {"value per conversion", &m.value_per_conversion_basis()}},
                indent, 2, out);
  WriteLabelled({{"expected profit", &m.expected_profit_basis()}}, indent, 0, out);
}

}  // namespace mitra::cli
