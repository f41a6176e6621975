// Crash-safe snapshots: a child process saves two different workspaces over
// the same file, again and again, and is killed with SIGKILL at random
// moments. After every kill the file must load and equal one of the two.
// Rounds: MITRA_KILL_ROUNDS (default 200); the kill times come from a fixed
// seed, so a failure can be replayed.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/test_batch.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "gtest/gtest.h"
#include "mitra/core/atomic_file.h"
#include "mitra/core/snapshot.h"

namespace mitra {
namespace {

namespace fs = std::filesystem;

// Equal workspaces give equal bytes (deterministic serialization), which
// compares much faster than field by field.
std::string Fingerprint(const Workspace& ws) {
  std::string out;
  EXPECT_TRUE(ws.Export(SIZE_MAX, [&](v1::Batch& b) {
    std::string bytes;
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    b.SerializeToCodedStream(&coded);
    coded.Trim();
    out += bytes;
    return absl::OkStatus();
  }).ok());
  return out;
}

// A workspace big enough that a save takes a few milliseconds.
std::unique_ptr<Workspace> MakeWorkspace(int customers, const char* prefix) {
  auto ws = std::make_unique<Workspace>();
  EXPECT_TRUE(ws->Ingest(testing::FullBatch()).ok());
  v1::Batch b;
  for (int i = 0; i < customers; ++i) {
    auto* c = b.add_customers();
    c->set_id(absl::StrCat(prefix, i));
    (*c->mutable_attributes())["note"] = absl::StrCat("customer number ", i, " of ", prefix);
  }
  EXPECT_TRUE(ws->Ingest(b).ok());
  return ws;
}

TEST(SnapshotKill, EveryKillLeavesTheOldOrTheNewSnapshot) {
  const char* env = std::getenv("MITRA_KILL_ROUNDS");
  const int rounds = env ? std::atoi(env) : 200;
  const fs::path dir = fs::path(::testing::TempDir()) / absl::StrCat("kill-", getpid());
  fs::create_directories(dir);
  const std::string path = (dir / "ws.mitra").string();

  const auto a = MakeWorkspace(4000, "a");
  const auto b = MakeWorkspace(6000, "b");
  const std::string print_a = Fingerprint(*a), print_b = Fingerprint(*b);
  ASSERT_NE(print_a, print_b);
  ASSERT_TRUE(SaveSnapshot(*a, path).ok());

  // How long one save takes here, to spread the kills over it.
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(SaveSnapshot(*a, path).ok());
  const auto save_us = std::chrono::duration_cast<std::chrono::microseconds>(
                           std::chrono::steady_clock::now() - t0).count();

  std::mt19937_64 rng(20261122);
  int saw_a = 0, saw_b = 0;
  for (int round = 0; round < rounds; ++round) {
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      // Alternate saves until killed, starting with A or B by the round's
      // parity (so both show up even when a loaded machine lets a child
      // finish only its first save); exit code 3 flags a failed save.
      for (int k = round % 2;; ++k) {
        if (!SaveSnapshot(k % 2 ? *a : *b, path).ok()) _exit(3);
      }
    }
    std::uniform_int_distribution<int64_t> wait(0, 3 * save_us + 1000);
    std::this_thread::sleep_for(std::chrono::microseconds(wait(rng)));
    kill(child, SIGKILL);
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status)) << "round " << round << ": the child stopped by itself ("
                                     << WEXITSTATUS(status) << ")";

    auto loaded = LoadSnapshot(path);
    ASSERT_TRUE(loaded.ok()) << "round " << round << ": " << loaded.status();
    const std::string now = Fingerprint(**loaded);
    if (now == print_a) ++saw_a;
    else if (now == print_b) ++saw_b;
    else FAIL() << "round " << round << ": the snapshot is neither workspace";
  }
  // Kills landed at different points of the save cycle.
  EXPECT_GT(saw_a, 0);
  EXPECT_GT(saw_b, 0);
  // A killed save leaves its temporary file behind; the next save removes
  // those of dead writers (their locks are gone), so at most the last one
  // remains.
  int temporaries = 0;
  const std::string prefix = TemporaryPrefix("ws.mitra");
  for (const auto& e : fs::directory_iterator(dir))
    temporaries += e.path().filename().string().rfind(prefix, 0) == 0;
  std::printf("%d kills: old/new snapshot A %d times, B %d times; %d temporary files left\n",
              rounds, saw_a, saw_b, temporaries);
  EXPECT_LE(temporaries, 1);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace mitra
