// A tiny memo for values that depend on two numbers only, such as (x, T):
// every model's predictions use it (model_driver.h, FillPairScores).
#ifndef MITRA_SRC_VALUE_PAIR_MEMO_H_
#define MITRA_SRC_VALUE_PAIR_MEMO_H_

#include <cstdint>
#include <cstring>
#include <vector>

#include "absl/status/statusor.h"

namespace mitra::value {

// Direct-mapped memo of f(x, T): predictions over millions of customers see
// few distinct (x, T) pairs (T is whole days since the first purchase).
class PairMemo {
 public:
  // Sized for n customers: 2n slots, between 64 and 32768.
  explicit PairMemo(size_t n) : PairMemo(BitsFor(n), 0) {}
  template <class F>
  absl::StatusOr<double> Get(double x, double T, F&& compute) {
    uint64_t bx, bt;
    std::memcpy(&bx, &x, 8);
    std::memcpy(&bt, &T, 8);
    // splitmix64's finalizer: doubles keep their entropy in the high bits.
    uint64_t h = bx ^ (bt * 0x9E3779B97F4A7C15ull);
    h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ull;
    h = (h ^ (h >> 27)) * 0x94D049BB133111EBull;
    h ^= h >> 31;
    Slot& s = slots_[h & mask_];
    if (s.used && s.x == bx && s.t == bt) return s.value;
    absl::StatusOr<double> v = compute();
    if (v.ok()) s = Slot{bx, bt, *v, true};
    return v;
  }

 private:
  PairMemo(int bits, int) : mask_((1u << bits) - 1), slots_(size_t{1} << bits) {}
  static int BitsFor(size_t n) {
    int bits = 6;
    while (bits < 15 && (size_t{1} << bits) < 2 * n) ++bits;
    return bits;
  }
  struct Slot {
    uint64_t x = 0, t = 0;
    double value = 0;
    bool used = false;
  };
  uint32_t mask_;
  std::vector<Slot> slots_;
};

}  // namespace mitra::value

#endif  // MITRA_SRC_VALUE_PAIR_MEMO_H_
