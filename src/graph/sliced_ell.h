// The in-edges of a graph in a sliced ELLPACK layout (SELL-16;
// Kreutzer, Hager, Wellein, Fehske & Bishop, SIAM J. Sci. Comput. 2014),
// for the PageRank sweeps on large graphs. Rows are cut into chunks of 16
// consecutive rows, and a chunk stores its rows column by column, each
// padded to the chunk's longest row with references to a source whose
// gathered value is 0. Sixteen rows are then summed together: no loop exit
// per row (a branch the predictor misses on most short rows), and on CPUs
// with AVX2 the reads are vector gathers. Rows of similar length must be
// neighbours (the PageRank plan orders nodes that way), or the padding
// grows.
#ifndef MITRA_SRC_GRAPH_SLICED_ELL_H_
#define MITRA_SRC_GRAPH_SLICED_ELL_H_

#include <cstdint>
#include <vector>

#include "common/huge_array.h"

namespace mitra::graph {

struct SlicedEll {
  static constexpr uint32_t kLanes = 16;
  // Rows per chunk: kLanes, or 1 (plain CSR rows, padded to the chunk
  // lengths; ChunkSums is for kLanes only).
  uint32_t lanes = kLanes;
  // Slot of row lanes c + l's j-th source: chunk_start[c] + lanes j + l.
  std::vector<uint64_t> chunk_start;   // one per chunk, and the total
  std::vector<uint32_t> chunk_length;  // the chunk's longest row
  HugeArray<uint32_t> sources;
  HugeArray<double> weights;  // same slots; empty when unweighted
  uint32_t chunks() const { return static_cast<uint32_t>(chunk_length.size()); }
  uint64_t slots() const { return chunk_start.empty() ? 0 : chunk_start.back(); }
};

// out[l] = sum over row 16 c + l's slots of weight * z[source] (T: float
// or double), for l in 0..15. Each lane is summed in slot order, in double,
// so the vector and the portable code give the same bits.
template <bool kWeighted, class T>
void ChunkSums(const SlicedEll& e, uint32_t c, const T* z, double* out);

// The layout for `rows` rows: kLanes when their gathered values (4 bytes
// each in the float sweeps) do not fit a 1 MiB L2 cache, i.e. from 2^18
// rows (R-MAT, 573 K rows: 9.5 against 11.5 ms per sweep on one thread),
// else 1: on smaller graphs the values stay in cache, scalar loads beat
// gathers and row-by-row Gauss-Seidel needs fewer sweeps (Epinions, 76 K
// rows: 34 against 42 ms to 1e-10). SetSlicedEllMinRows moves the
// threshold (tests use 0, to run the sliced sweeps on small graphs).
uint32_t SlicedEllLanes(uint32_t rows);
void SetSlicedEllMinRows(uint32_t rows);

// Whether ChunkSums uses its AVX2 code: the CPU has it and the tests have
// not turned it off. SetSlicedEllSimd(false) forces the portable code (to
// compare the two); true allows the AVX2 code again where the CPU has it.
bool SlicedEllUsesSimd();
void SetSlicedEllSimd(bool allowed);

}  // namespace mitra::graph

#endif  // MITRA_SRC_GRAPH_SLICED_ELL_H_
