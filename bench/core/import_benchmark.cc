// The two halves of `mitra import` at scale, in rows per second
// (items_per_second): CSV text -> workspace for the transactions file in the
// shape bench/core/generate_csv.py writes, against a workspace that already
// holds 200,000 customers and the products and channels the rows name; and
// that workspace -> snapshot bytes; and the check-and-append half of the
// first alone. The speed target is 2 M rows/s on one
// core for the import as a whole (bench/core/RESULTS.md).
#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "bench_util.h"
#include "benchmark/benchmark.h"
#include "mitra/core/csv_import.h"
#include "mitra/core/snapshot.h"
#include "mitra/core/workspace.h"

namespace mitra {
namespace {

constexpr int kCustomers = 200000;
constexpr int64_t kStart = 1704067200;  // 2024-01-01T00:00:00Z
const char* const kProducts[] = {"SC-LITE", "SC-SPORT", "SC-TOUR", "SC-E", "AC-HELM"};
const char* const kChannels[] = {"R-JAK-1", "R-JAK-2", "R-BAN-1", "R-SUR-1", "ONLINE"};

std::string Iso(int64_t t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(t), absl::UTCTimeZone());
}

std::string CustomerId(uint32_t i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "C%06u", i + 1);
  return buf;
}

// A workspace with the entities the transactions refer to.
void Entities(Workspace& ws) {
  std::string products = "id,name,unit_price\n";
  for (const char* p : kProducts) absl::StrAppend(&products, p, ",", p, ",100.00\n");
  std::string channels = "id,name,kind\n";
  for (const char* c : kChannels) absl::StrAppend(&channels, c, ",", c, ",retailer\n");
  std::string customers = "id,created\n";
  for (uint32_t i = 0; i < kCustomers; ++i) absl::StrAppend(&customers, CustomerId(i), ",2024-01-01\n");
  for (auto [kind, text] : {std::pair{"products", &products}, std::pair{"channels", &channels},
                            std::pair{"customers", &customers}}) {
    if (absl::Status s = IngestCsv(ws, kind, "", *text); !s.ok()) {
      std::fprintf(stderr, "%s\n", s.ToString().c_str());
      std::abort();
    }
  }
}

// `rows` transactions as bench/core/generate_csv.py writes them.
std::string TransactionsCsv(int64_t rows) {
  bench::Rng rng{7};
  std::string s = "id,customer_id,time,amount,quantity,product_id,channel_id\n";
  int64_t t = kStart;
  for (int64_t i = 0; i < rows; ++i) {
    t += rng.Below(15);
    char id[16];
    std::snprintf(id, sizeof id, "T%07lld", static_cast<long long>(i + 1));
    const uint32_t q = rng.Below(7) == 0 ? 2 + rng.Below(3) : 1;
    absl::StrAppend(&s, id, ",", CustomerId(rng.Below(kCustomers)), ",", Iso(t), ",",
                    q * 125, ".50,", q, ",", kProducts[rng.Below(5)], ",", kChannels[rng.Below(5)],
                    "\n");
  }
  return s;
}

// Times `ingest(ws)` on a workspace holding the entities, rolled back to
// them after each run, and reports range(0) rows per run.
template <typename Ingest>
void IngestRepeatedly(benchmark::State& state, Ingest ingest) {
  Workspace ws;
  Entities(ws);
  const Workspace::Mark empty = ws.TakeMark();
  for (auto _ : state) {
    if (absl::Status s = ingest(ws); !s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      break;
    }
    state.PauseTiming();
    ws.RollbackTo(empty);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["peak_rss_mb"] = bench::PeakRssMb();
}

void BM_CsvTransactionsToWorkspace(benchmark::State& state) {
  const std::string csv = TransactionsCsv(state.range(0));
  IngestRepeatedly(state, [&](Workspace& ws) { return IngestCsv(ws, "transactions", "", csv); });
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(csv.size()));
}
BENCHMARK(BM_CsvTransactionsToWorkspace)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);

// The second half of the same import alone: the records already parsed into
// a Batch, each checked and appended (AppendBatch). The difference from the
// figure above is the CSV parsing.
void BM_BatchTransactionsToWorkspace(benchmark::State& state) {
  absl::StatusOr<v1::Batch> batch = CsvToBatch("transactions", "", TransactionsCsv(state.range(0)));
  if (!batch.ok()) {
    state.SkipWithError(batch.status().ToString().c_str());
    return;
  }
  IngestRepeatedly(state, [&](Workspace& ws) { return ws.Ingest(*batch); });
}
BENCHMARK(BM_BatchTransactionsToWorkspace)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);

// The snapshot of the same workspace, encoded frame by frame as SaveSnapshot
// does and handed to a sink that only counts the bytes (no disk in the figure).
void BM_WorkspaceToSnapshot(benchmark::State& state) {
  Workspace ws;
  Entities(ws);
  if (absl::Status s = IngestCsv(ws, "transactions", "", TransactionsCsv(state.range(0))); !s.ok()) {
    state.SkipWithError(s.ToString().c_str());
    return;
  }
  size_t bytes = 0;
  for (auto _ : state) {
    bytes = 0;
    absl::Status s = EncodeSnapshot(ws, [&](std::string_view piece) {
      bytes += piece.size();
      return absl::OkStatus();
    });
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(ws.RecordCount()));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(bytes));
  state.counters["peak_rss_mb"] = bench::PeakRssMb();
}
BENCHMARK(BM_WorkspaceToSnapshot)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace mitra
