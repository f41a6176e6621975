// Throughput of the foundation's edges: CSV import, Batch ingestion and
// snapshots, on synthetic transactions (rows/s and bytes/s).
#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "mitra/core/crc32c.h"
#include "mitra/core/csv_import.h"
#include "mitra/core/snapshot.h"
#include "mitra/core/workspace.h"

namespace mitra {
namespace {

constexpr int kCustomers = 100000;

v1::Batch CustomersBatch() {
  v1::Batch b;
  for (int i = 0; i < kCustomers; ++i) b.add_customers()->set_id(absl::StrCat("C", i));
  return b;
}

v1::Batch TransactionsBatch(int n) {
  std::mt19937_64 rng(42);
  v1::Batch b;
  for (int i = 0; i < n; ++i) {
    auto* t = b.add_transactions();
    t->set_customer_id(absl::StrCat("C", rng() % kCustomers));
    t->set_time_unix_seconds(1704067200 + static_cast<int64_t>(rng() % 63072000));
    t->set_amount(static_cast<double>(rng() % 200000) / 100);
    t->set_quantity(1);
  }
  return b;
}

std::string TransactionsCsv(int n) {
  std::mt19937_64 rng(42);
  std::string s = "customer_id,time,amount,quantity\n";
  for (int i = 0; i < n; ++i)
    absl::StrAppend(&s, "C", rng() % kCustomers, ",", 1704067200 + rng() % 63072000, ",",
                    static_cast<double>(rng() % 200000) / 100, ",1\n");
  return s;
}

void BM_IngestBatch(benchmark::State& state) {
  const v1::Batch customers = CustomersBatch();
  const v1::Batch tx = TransactionsBatch(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    state.PauseTiming();
    Workspace ws;
    if (!ws.Ingest(customers).ok()) state.SkipWithError("customers");
    state.ResumeTiming();
    if (!ws.Ingest(tx).ok()) state.SkipWithError("transactions");
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_IngestBatch)->Arg(1000000)->Unit(benchmark::kMillisecond);

void BM_IngestCsv(benchmark::State& state) {
  const v1::Batch customers = CustomersBatch();
  const std::string csv = TransactionsCsv(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    state.PauseTiming();
    Workspace ws;
    if (!ws.Ingest(customers).ok()) state.SkipWithError("customers");
    state.ResumeTiming();
    if (!IngestCsv(ws, "transactions", "t.csv", csv).ok()) state.SkipWithError("csv");
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(csv.size()));
}
BENCHMARK(BM_IngestCsv)->Arg(1000000)->Unit(benchmark::kMillisecond);

void BM_SnapshotEncodeDecode(benchmark::State& state) {
  Workspace ws;
  if (!ws.Ingest(CustomersBatch()).ok() ||
      !ws.Ingest(TransactionsBatch(static_cast<int>(state.range(0)))).ok())
    state.SkipWithError("setup");
  size_t bytes = 0;
  for (auto _ : state) {
    auto enc = EncodeSnapshot(ws);
    bytes = enc->size();
    auto dec = DecodeSnapshot(*enc, "bench");
    if (!dec.ok()) state.SkipWithError("decode");
  }
  state.SetItemsProcessed(state.iterations() * (state.range(0) + kCustomers));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(bytes));
}
BENCHMARK(BM_SnapshotEncodeDecode)->Arg(1000000)->Unit(benchmark::kMillisecond);

void BM_Crc32c(benchmark::State& state) {
  std::string data(1 << 24, 'x');
  for (auto _ : state) benchmark::DoNotOptimize(Crc32c(0, data.data(), data.size()));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(data.size()));
}
BENCHMARK(BM_Crc32c);

}  // namespace
}  // namespace mitra
