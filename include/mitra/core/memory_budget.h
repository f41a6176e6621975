// Memory budgets: how many bytes the requests running against one workspace
// (or, for the calls that take no workspace, against the whole process) may
// hold at once.
//
// Why: under Linux's default overcommit an allocation far larger than the
// machine rarely fails. The pages are handed out as they are touched until
// the kernel's out-of-memory killer ends the process, so std::bad_alloc (and
// with it RESOURCE_EXHAUSTED) never arrives. A request whose memory grows
// with a parameter (epsilon, k, runs, threads, ...) therefore estimates what
// it will need before it allocates and reserves that here; a reservation
// past the limit is RESOURCE_EXHAUSTED naming the parameter and the
// estimate in bytes, and nothing is allocated. Requests that grow while they
// run (RR-set sampling) reserve as they go, so they stop at the limit too.
//
// The default limit is half of the smallest of: physical memory, RLIMIT_AS
// and the cgroup's memory limit (v2 memory.max, v1
// memory.limit_in_bytes), so that a request cannot take the host down and
// what a container or ulimit allows is respected; the other half is left to
// the host's own data, the workspace and the library's unreserved working
// memory (inputs, results, per-node arrays).
#ifndef MITRA_CORE_MEMORY_BUDGET_H_
#define MITRA_CORE_MEMORY_BUDGET_H_

#include <atomic>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace mitra {

// Half of min(physical memory, RLIMIT_AS, cgroup memory limit); at least
// 64 MiB. Physical memory and the cgroup are read once, RLIMIT_AS on every
// call.
uint64_t DefaultMemoryLimit();

class MemoryBudget {
 public:
  // A budget without a limit of its own: it follows `fallback`'s limit
  // (nullptr: DefaultMemoryLimit()).
  explicit MemoryBudget(const MemoryBudget* fallback = nullptr) : fallback_(fallback) {}
  MemoryBudget(const MemoryBudget&) = delete;
  MemoryBudget& operator=(const MemoryBudget&) = delete;

  // Sets the limit in bytes; 0 removes it (back to the fallback's limit).
  // Requests already running keep what they reserved.
  void set_limit(uint64_t bytes) { limit_.store(bytes, std::memory_order_relaxed); }
  // The limit in force (the fallback's when none is set).
  uint64_t limit() const;
  // Bytes currently reserved by running requests.
  uint64_t in_use() const { return used_.load(std::memory_order_relaxed); }
  // The most bytes reserved at once since the budget was made or
  // reset_peak() was called (what the requests needed).
  uint64_t peak() const { return peak_.load(std::memory_order_relaxed); }
  void reset_peak() { peak_.store(in_use(), std::memory_order_relaxed); }

  // The process-wide budget: for the calls that take no workspace, and the
  // fallback of every workspace's budget that has no limit of its own.
  static MemoryBudget& Process();

 private:
  friend class MemoryReservation;
  // Adds `bytes` unless that would pass the limit; *seen: in use before.
  bool TryAdd(uint64_t bytes, uint64_t* seen);
  void Sub(uint64_t bytes) { used_.fetch_sub(bytes, std::memory_order_relaxed); }

  const MemoryBudget* fallback_;
  std::atomic<uint64_t> limit_{0};
  std::atomic<uint64_t> used_{0};
  std::atomic<uint64_t> peak_{0};
};

// One request's share of a budget, returned when it goes away. Not
// thread-safe: the request's calling thread reserves, worker threads don't.
class MemoryReservation {
 public:
  // nullptr: the process-wide budget.
  explicit MemoryReservation(MemoryBudget* budget);
  MemoryReservation(const MemoryReservation&) = delete;
  MemoryReservation& operator=(const MemoryReservation&) = delete;
  ~MemoryReservation() { Release(); }

  // Adds `bytes` to this reservation, or, past the budget's limit,
  // RESOURCE_EXHAUSTED "<parameter>: <what> needs an estimated <bytes>
  // bytes, more than the memory limit allows (...)" and nothing changes.
  // `bytes` is a double so that estimates built from request parameters
  // (epsilon^-2, runs x threads) cannot overflow: anything past 2^64 is
  // refused as such. `parameter` names the request field in the caller's
  // terms ("epsilon", "threads").
  absl::Status Reserve(double bytes, absl::string_view parameter, absl::string_view what);
  // Raises this reservation to `total` bytes (no change when it holds that
  // much already).
  absl::Status ReserveTotal(double total, absl::string_view parameter, absl::string_view what);
  // Returns everything reserved.
  void Release();
  uint64_t bytes() const { return bytes_; }
  const MemoryBudget& budget() const { return *budget_; }

 private:
  MemoryBudget* budget_;
  uint64_t bytes_ = 0;
};

// True for the RESOURCE_EXHAUSTED of a reservation (it carries a payload
// that says so), as against running out of memory outright.
bool IsMemoryBudgetError(const absl::Status& s);

}  // namespace mitra

#endif  // MITRA_CORE_MEMORY_BUDGET_H_
