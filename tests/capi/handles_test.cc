// Misuse of handles (a freed workspace used or freed again, an error freed
// twice) is detected in debug builds: calls get FAILED_PRECONDITION, a second
// free aborts with a message naming the function (src/capi/handles.h).
#include <string>

#include "gtest/gtest.h"
#include "mitra/mitra.h"

namespace {

#ifdef NDEBUG
constexpr bool kChecked = false;
#else
constexpr bool kChecked = true;
#endif

class Handles : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!kChecked) GTEST_SKIP() << "handle checks are compiled into debug builds only";
  }
};

TEST_F(Handles, FreedWorkspaceIsRefusedWithoutTouchingIt) {
  mitra_workspace* ws = nullptr;
  ASSERT_EQ(mitra_workspace_create(&ws, nullptr), MITRA_OK);
  uint8_t* out = nullptr;
  size_t n = 0;
  ASSERT_EQ(mitra_workspace_counts(ws, &out, &n, nullptr), MITRA_OK);
  mitra_free(out);
  mitra_workspace_free(ws);

  mitra_error* err = nullptr;
  EXPECT_EQ(mitra_workspace_counts(ws, &out, &n, &err), MITRA_FAILED_PRECONDITION);
  EXPECT_NE(std::string(mitra_error_message(err)).find("workspace is not a live workspace handle"),
            std::string::npos)
      << mitra_error_message(err);
  mitra_error_free(err);
  EXPECT_EQ(mitra_workspace_save(ws, "never-written.mitra", &err), MITRA_FAILED_PRECONDITION);
  mitra_error_free(err);
  // A handle made up by the host is refused the same way.
  alignas(16) char fake[64] = {};
  EXPECT_EQ(mitra_workspace_counts(reinterpret_cast<mitra_workspace*>(fake), &out, &n, nullptr),
            MITRA_FAILED_PRECONDITION);
}

TEST_F(Handles, LoadedWorkspaceIsLiveUntilFreed) {
  mitra_workspace* ws = nullptr;
  ASSERT_EQ(mitra_workspace_create(&ws, nullptr), MITRA_OK);
  const std::string path = ::testing::TempDir() + "handles_test.mitra";
  ASSERT_EQ(mitra_workspace_save(ws, path.c_str(), nullptr), MITRA_OK);
  mitra_workspace_free(ws);
  mitra_workspace* loaded = nullptr;
  ASSERT_EQ(mitra_workspace_load(path.c_str(), &loaded, nullptr), MITRA_OK);
  uint8_t* out = nullptr;
  size_t n = 0;
  EXPECT_EQ(mitra_workspace_counts(loaded, &out, &n, nullptr), MITRA_OK);
  mitra_free(out);
  mitra_workspace_free(loaded);
  EXPECT_EQ(mitra_workspace_counts(loaded, &out, &n, nullptr), MITRA_FAILED_PRECONDITION);
}

TEST_F(Handles, SecondFreeOfAWorkspaceAbortsWithAMessage) {
  EXPECT_DEATH(
      {
        mitra_workspace* ws = nullptr;
        mitra_workspace_create(&ws, nullptr);
        mitra_workspace_free(ws);
        mitra_workspace_free(ws);
      },
      "mitra_workspace_free was given workspace .* that is not live");
}

TEST_F(Handles, SecondFreeOfAnErrorAbortsWithAMessage) {
  // Under AddressSanitizer the read of the freed error is itself reported.
  EXPECT_DEATH(
      {
        mitra_error* err = nullptr;
        mitra_workspace_create(nullptr, &err);
        mitra_error_free(err);
        mitra_error_free(err);
      },
      "mitra_error_free was given error .* that is not live|heap-use-after-free");
}

TEST_F(Handles, NullStaysHarmless) {
  mitra_workspace_free(nullptr);
  mitra_error_free(nullptr);
  EXPECT_EQ(mitra_error_code(nullptr), MITRA_OK);
  mitra_error* err = nullptr;
  EXPECT_EQ(mitra_workspace_counts(nullptr, nullptr, nullptr, &err), MITRA_INVALID_ARGUMENT);
  mitra_error_free(err);
}

}  // namespace
