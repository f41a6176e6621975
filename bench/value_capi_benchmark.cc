// The columnar scoring path of the C ABI (what hosts and Python call):
// mitra_value_predict and mitra_value_clv over 10 million customers held in
// caller arrays. Customers per second = items_per_second.
#include <random>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "mitra/mitra.h"
#include "mitra/v1/value.pb.h"

namespace {

struct Customers {
  std::vector<double> x, tx, T, m;
};

const Customers& Data(size_t n) {
  static Customers* c = [n] {
    auto* d = new Customers;
    std::mt19937_64 rng(7);
    std::poisson_distribution<int> purchases(1.5);
    std::uniform_real_distribution<double> u(0, 1);
    for (size_t i = 0; i < n; ++i) {
      const double T = 1 + 77 * u(rng);
      const double x = purchases(rng);
      d->x.push_back(x);
      d->tx.push_back(x > 0 ? T * u(rng) : 0);
      d->T.push_back(T);
      d->m.push_back(x > 0 ? 5 + 50 * u(rng) : 0);
    }
    return d;
  }();
  return *c;
}

std::string Model(mitra::v1::ValueModel kind, std::initializer_list<std::pair<const char*, double>> params) {
  mitra::v1::FittedModel m;
  m.set_model(kind);
  for (auto [k, v] : params) (*m.mutable_params())[k] = v;
  return m.SerializeAsString();
}

const uint8_t* B(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

void BM_Predict(benchmark::State& state) {
  const size_t n = 10'000'000;
  const Customers& c = Data(n);
  const std::string model = state.range(1) == 0
      ? Model(mitra::v1::VALUE_MODEL_BG_NBD, {{"r", 0.243}, {"alpha", 4.414}, {"a", 0.793}, {"b", 2.426}})
      : Model(mitra::v1::VALUE_MODEL_PARETO_NBD, {{"r", 0.55}, {"alpha", 10.58}, {"s", 0.61}, {"beta", 11.67}});
  std::vector<double> out(n);
  const auto quantity = static_cast<mitra_value_quantity>(state.range(0));
  for (auto _ : state) {
    if (mitra_value_predict(B(model), model.size(), quantity, 39, c.x.data(), c.tx.data(), c.T.data(), n,
                            out.data(), nullptr) != MITRA_OK)
      state.SkipWithError("predict failed");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
  state.SetLabel(std::string(state.range(1) == 0 ? "BG/NBD " : "Pareto/NBD ") +
                 (quantity == MITRA_VALUE_PROBABILITY_ALIVE ? "P(alive)" : "E[purchases in 39]"));
}
BENCHMARK(BM_Predict)
    ->Args({MITRA_VALUE_PROBABILITY_ALIVE, 0})
    ->Args({MITRA_VALUE_EXPECTED_PURCHASES, 0})
    ->Args({MITRA_VALUE_PROBABILITY_ALIVE, 1})
    ->Args({MITRA_VALUE_EXPECTED_PURCHASES, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_Clv(benchmark::State& state) {
  const size_t n = 1'000'000;
  const Customers& c = Data(10'000'000);
  const std::string bg = Model(mitra::v1::VALUE_MODEL_BG_NBD, {{"r", 0.243}, {"alpha", 4.414}, {"a", 0.793}, {"b", 2.426}});
  const std::string gg = Model(mitra::v1::VALUE_MODEL_GAMMA_GAMMA, {{"p", 6.25}, {"q", 3.74}, {"gamma", 15.44}});
  std::vector<double> out(n);
  for (auto _ : state) {
    if (mitra_value_clv(B(bg), bg.size(), B(gg), gg.size(), 12, 4.348, 0.01, c.x.data(), c.tx.data(),
                        c.T.data(), c.m.data(), n, out.data(), nullptr) != MITRA_OK)
      state.SkipWithError("clv failed");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
  state.SetLabel("BG/NBD + Gamma-Gamma, 12 monthly periods, 1M customers");
}
BENCHMARK(BM_Clv)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
