// Memory limits through the C ABI (mitra.h, "Memory limits"): the
// process-wide and per-workspace limits, their defaults, and requests that
// would exhaust the host refused by the budget (RESOURCE_EXHAUSTED naming
// the parameter) rather than by the kernel's out-of-memory killer. The
// hostile requests run in a child process so that a regression cannot take
// the test runner down with it.
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "common/capi_fixture.h"
#include "common/sanitizers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mitra/mitra.h"
#include "mitra/v1/activation.pb.h"
#include "mitra/v1/batch.pb.h"

namespace {

namespace v1 = mitra::v1;
using ::testing::HasSubstr;
using mitra::testing::CallCApi;

// A 4-node path 0 -> 1 -> 2 -> 3.
const std::vector<uint32_t> kSrc = {0, 1, 2};
const std::vector<uint32_t> kDst = {1, 2, 3};

mitra::testing::CApiResult PlanOnPath(const v1::PlanRequest& r) {
  return CallCApi(r.SerializeAsString(), [&](const uint8_t* q, size_t ql, uint8_t** o, size_t* ol,
                                             mitra_error** e) {
    return mitra_activation_plan(4, kSrc.data(), kDst.data(), nullptr, kSrc.size(), q, ql, o, ol, e);
  });
}

// What a child process reports: its status and message, or that it did not
// finish (crashed, killed, or still running at the timeout).
struct Child {
  bool finished = false;
  int status = -1;
  std::string message;
};

// Runs `body` in a forked child, under RLIMIT_AS = as_limit when non-zero,
// killing it after timeout_seconds; body returns a status and fills a
// message, which travel back through a pipe.
// AddressSanitizer and ThreadSanitizer reserve terabytes of address space
// for their shadow memory, so a process under them cannot live within a
// lowered RLIMIT_AS; those builds skip the address-space tests (the plain
// suite runs them).
constexpr bool kShadowMemory = MITRA_TEST_SANITIZED;
#define SKIP_UNDER_SHADOW_MEMORY()                                                    \
  if (kShadowMemory)                                                                  \
  GTEST_SKIP() << "a sanitizer's shadow memory does not fit a 2 GiB RLIMIT_AS; the " \
                  "plain build runs this test"

Child InChild(uint64_t as_limit, int timeout_seconds,
              const std::function<int(std::string*)>& body) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    if (as_limit > 0) {
      struct rlimit rl;
      rl.rlim_cur = rl.rlim_max = as_limit;
      if (setrlimit(RLIMIT_AS, &rl) != 0) _exit(3);
    }
    std::string message;
    const int status = body(&message);
    const std::string out = std::to_string(status) + "\n" + message;
    const ssize_t w = write(fds[1], out.data(), out.size());
    _exit(w == static_cast<ssize_t>(out.size()) ? 0 : 4);
  }
  close(fds[1]);
  std::string got;
  char buf[4096];
  Child c;
  for (int waited_ms = 0;; waited_ms += 100) {
    struct pollfd p = {fds[0], POLLIN, 0};
    if (poll(&p, 1, 100) > 0) {
      const ssize_t n = read(fds[0], buf, sizeof buf);
      if (n > 0) {
        got.append(buf, static_cast<size_t>(n));
        continue;
      }
      break;  // end of file: the child has exited
    }
    if (waited_ms > timeout_seconds * 1000) {
      kill(pid, SIGKILL);
      break;
    }
  }
  close(fds[0]);
  int wstatus = 0;
  waitpid(pid, &wstatus, 0);
  c.finished = WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0;
  const size_t nl = got.find('\n');
  if (c.finished && nl != std::string::npos) {
    c.status = std::stoi(got.substr(0, nl));
    c.message = got.substr(nl + 1);
  }
  return c;
}

v1::PlanRequest HostileRequest() {
  v1::PlanRequest r;
  r.set_k(1);
  r.set_epsilon(1e-4);
  return r;
}

int RunHostile(std::string* message) {
  mitra::testing::CApiResult c = PlanOnPath(HostileRequest());
  *message = c.message;
  return c.status;
}

// The request that grew to 24 GB before the kernel killed the host: under
// a 2 GiB address-space limit the default budget (1 GiB) refuses it.
TEST(MemoryLimitCApi, TinyEpsilonPlanRefusedUnderAddressSpaceLimit) {
  SKIP_UNDER_SHADOW_MEMORY();
  const Child c = InChild(uint64_t{2} << 30, 300, RunHostile);
  ASSERT_TRUE(c.finished) << "the child crashed or ran past the timeout";
  EXPECT_EQ(c.status, MITRA_RESOURCE_EXHAUSTED) << c.message;
  EXPECT_THAT(c.message, HasSubstr("request.epsilon: "));
  EXPECT_THAT(c.message, HasSubstr("needs an estimated "));
}

// The same with no limit set at all: the budget (half of physical memory,
// or of the cgroup's limit), not the kernel, says no.
TEST(MemoryLimitCApi, TinyEpsilonPlanRefusedWithoutAnyLimit) {
  const Child c = InChild(0, 600, RunHostile);
  ASSERT_TRUE(c.finished) << "the child crashed or ran past the timeout";
  EXPECT_EQ(c.status, MITRA_RESOURCE_EXHAUSTED) << c.message;
  EXPECT_THAT(c.message, HasSubstr("request.epsilon: "));
}

// The default is half of RLIMIT_AS when that is the smallest bound
// (2 GiB here; physical memory and the cgroup allow more on any test
// machine).
TEST(MemoryLimitCApi, DefaultIsHalfTheAddressSpaceLimit) {
  SKIP_UNDER_SHADOW_MEMORY();
  const Child c = InChild(uint64_t{2} << 30, 60, [](std::string* m) {
    uint64_t bytes = 0;
    const mitra_status s = mitra_memory_limit(&bytes, nullptr);
    *m = std::to_string(bytes);
    return static_cast<int>(s);
  });
  ASSERT_TRUE(c.finished);
  EXPECT_EQ(c.status, MITRA_OK);
  EXPECT_EQ(c.message, std::to_string(uint64_t{1} << 30));
}

// The process-wide limit bounds the array-level calls and is what a
// workspace without its own limit follows; 0 restores the defaults.
TEST(MemoryLimitCApi, ProcessAndWorkspaceLimitsRoundTrip) {
  uint64_t initial = 0, got = 0;
  ASSERT_EQ(mitra_memory_limit(&initial, nullptr), MITRA_OK);
  EXPECT_GE(initial, uint64_t{64} << 20);
  mitra_workspace* ws = nullptr;
  ASSERT_EQ(mitra_workspace_create(&ws, nullptr), MITRA_OK);

  ASSERT_EQ(mitra_set_memory_limit(123456789, nullptr), MITRA_OK);
  ASSERT_EQ(mitra_memory_limit(&got, nullptr), MITRA_OK);
  EXPECT_EQ(got, 123456789u);
  ASSERT_EQ(mitra_workspace_memory_limit(ws, &got, nullptr), MITRA_OK);
  EXPECT_EQ(got, 123456789u);  // follows the process

  ASSERT_EQ(mitra_workspace_set_memory_limit(ws, 5000, nullptr), MITRA_OK);
  ASSERT_EQ(mitra_workspace_memory_limit(ws, &got, nullptr), MITRA_OK);
  EXPECT_EQ(got, 5000u);
  ASSERT_EQ(mitra_memory_limit(&got, nullptr), MITRA_OK);
  EXPECT_EQ(got, 123456789u);  // the workspace's own limit stays its own

  ASSERT_EQ(mitra_workspace_set_memory_limit(ws, 0, nullptr), MITRA_OK);
  ASSERT_EQ(mitra_workspace_memory_limit(ws, &got, nullptr), MITRA_OK);
  EXPECT_EQ(got, 123456789u);
  ASSERT_EQ(mitra_set_memory_limit(0, nullptr), MITRA_OK);
  ASSERT_EQ(mitra_memory_limit(&got, nullptr), MITRA_OK);
  EXPECT_EQ(got, initial);

  mitra_error* err = nullptr;
  EXPECT_EQ(mitra_workspace_set_memory_limit(nullptr, 1, &err), MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(mitra_error_message(err), HasSubstr("workspace is NULL"));
  mitra_error_free(err);
  EXPECT_EQ(mitra_workspace_memory_limit(ws, nullptr, &err), MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(mitra_error_message(err), HasSubstr("bytes is NULL"));
  mitra_error_free(err);
  EXPECT_EQ(mitra_memory_limit(nullptr, &err), MITRA_INVALID_ARGUMENT);
  mitra_error_free(err);
  mitra_workspace_free(ws);
}

// An ordinary plan (epsilon 0.1: a few thousand RR sets, tens of KB) runs
// under the default and is refused under a 4 KiB process-wide limit.
TEST(MemoryLimitCApi, ProcessLimitBoundsArrayLevelPlans) {
  v1::PlanRequest r;
  r.set_k(1);
  r.set_check_runs(100);
  ASSERT_EQ(PlanOnPath(r).status, MITRA_OK);
  ASSERT_EQ(mitra_set_memory_limit(4096, nullptr), MITRA_OK);
  const mitra::testing::CApiResult refused = PlanOnPath(r);
  ASSERT_EQ(mitra_set_memory_limit(0, nullptr), MITRA_OK);
  EXPECT_EQ(refused.status, MITRA_RESOURCE_EXHAUSTED);
  EXPECT_THAT(refused.message, HasSubstr("request.epsilon: IMM"));
  EXPECT_THAT(refused.message, HasSubstr("limit 4096 bytes"));
  EXPECT_TRUE(refused.bytes.empty());
}

// A workspace's own limit bounds the requests on it, and only them.
TEST(MemoryLimitCApi, WorkspaceLimitBoundsItsRequests) {
  v1::Batch b;
  for (int i = 0; i < 3; ++i) b.add_customers()->set_id("c" + std::to_string(i));
  for (int i = 0; i < 2; ++i) {
    v1::Interaction* x = b.add_interactions();
    x->set_from_customer_id("c" + std::to_string(i));
    x->set_to_customer_id("c" + std::to_string(i + 1));
    x->set_kind(v1::INTERACTION_KIND_REPLY);
    x->set_time_unix_seconds(1717200000 + i);
  }
  const std::string batch = b.SerializeAsString();
  mitra_workspace *tight = nullptr, *roomy = nullptr;
  ASSERT_EQ(mitra_workspace_create(&tight, nullptr), MITRA_OK);
  ASSERT_EQ(mitra_workspace_create(&roomy, nullptr), MITRA_OK);
  for (mitra_workspace* ws : {tight, roomy})
    ASSERT_EQ(mitra_workspace_ingest(ws, reinterpret_cast<const uint8_t*>(batch.data()),
                                     batch.size(), nullptr),
              MITRA_OK);
  ASSERT_EQ(mitra_workspace_set_memory_limit(tight, 4096, nullptr), MITRA_OK);
  v1::WorkspacePlanRequest r;
  r.mutable_plan()->set_k(1);
  r.mutable_plan()->set_check_runs(100);
  r.set_candidates(v1::CANDIDATE_SOURCE_ALL);
  auto run = [&](mitra_workspace* ws) {
    return CallCApi(r.SerializeAsString(), [&](const uint8_t* q, size_t ql, uint8_t** o,
                                                size_t* ol, mitra_error** e) {
      return mitra_workspace_activation_plan(ws, q, ql, o, ol, e);
    });
  };
  const mitra::testing::CApiResult refused = run(tight);
  EXPECT_EQ(refused.status, MITRA_RESOURCE_EXHAUSTED);
  EXPECT_THAT(refused.message, HasSubstr("request.plan.epsilon: IMM"));
  EXPECT_EQ(run(roomy).status, MITRA_OK);
  mitra_workspace_free(tight);
  mitra_workspace_free(roomy);
}

}  // namespace
