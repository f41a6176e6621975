// The one file reader, writer and probe, and the errno -> status table.
#include "mitra/core/file_io.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace mitra {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using Code = absl::StatusCode;

class FileIoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("file-io-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string At(const std::string& name) const { return (dir_ / name).string(); }
  fs::path dir_;
};

TEST(ErrnoCode, TheTable) {
  EXPECT_EQ(ErrnoCode(ENOENT), Code::kNotFound);
  for (int e : {EACCES, EPERM, EROFS}) EXPECT_EQ(ErrnoCode(e), Code::kPermissionDenied) << e;
  for (int e : {ELOOP, ENAMETOOLONG, EISDIR, ENOTDIR, ENXIO, ENODEV, EINVAL})
    EXPECT_EQ(ErrnoCode(e), Code::kInvalidArgument) << e;
  for (int e : {ENOSPC, EDQUOT, ENOMEM, EMFILE, ENFILE, EFBIG, EOVERFLOW})
    EXPECT_EQ(ErrnoCode(e), Code::kResourceExhausted) << e;
  EXPECT_EQ(ErrnoCode(EEXIST), Code::kAlreadyExists);
  for (int e : {EINTR, EAGAIN, EBUSY, ETXTBSY, ETIMEDOUT, ESTALE, EIO, ENOLCK, EPIPE, ECONNRESET})
    EXPECT_EQ(ErrnoCode(e), Code::kUnavailable) << e;
  EXPECT_EQ(ErrnoCode(EPROTO), Code::kUnknown);
}

TEST(ErrnoCode, FileErrorNamesThePath) {
  absl::Status s = FileError(ENOSPC, "cannot save", "a/b.mitra");
  EXPECT_EQ(s.code(), Code::kResourceExhausted);
  EXPECT_EQ(s.message(), "cannot save \"a/b.mitra\": No space left on device");
}

TEST_F(FileIoTest, ReadsARegularFileWhole) {
  std::ofstream(At("a.csv")) << "id\nc1\n";
  auto text = ReadFile(At("a.csv"));
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(*text, "id\nc1\n");
}

TEST_F(FileIoTest, AFifoIsRefusedWithoutBlocking) {
  // Before the fix this open() blocked forever: no writer ever comes.
  ASSERT_EQ(::mkfifo(At("f.csv").c_str(), 0600), 0);
  auto text = ReadFile(At("f.csv"));
  EXPECT_EQ(text.status().code(), Code::kInvalidArgument);
  EXPECT_THAT(std::string(text.status().message()),
              HasSubstr(At("f.csv") + "\": not a regular file (a FIFO)"));
}

TEST_F(FileIoTest, DevicesAndFoldersAreRefused) {
  auto zero = ReadFile("/dev/zero");
  EXPECT_EQ(zero.status().code(), Code::kInvalidArgument);
  EXPECT_THAT(std::string(zero.status().message()),
              HasSubstr("\"/dev/zero\": not a regular file (a character device)"));
  auto folder = ReadFile(dir_.string());
  EXPECT_EQ(folder.status().code(), Code::kInvalidArgument);
  EXPECT_THAT(std::string(folder.status().message()), HasSubstr("not a regular file (a directory)"));
}

TEST_F(FileIoTest, ASymlinkLoopIsInvalidArgument) {
  fs::create_symlink(At("loop-b"), At("loop-a"));
  fs::create_symlink(At("loop-a"), At("loop-b"));
  auto text = ReadFile(At("loop-a"));
  EXPECT_EQ(text.status().code(), Code::kInvalidArgument);
  EXPECT_THAT(std::string(text.status().message()), HasSubstr(At("loop-a")));
  EXPECT_THAT(std::string(text.status().message()), HasSubstr("Too many levels of symbolic links"));
  auto kind = ProbePath(At("loop-a"));
  EXPECT_EQ(kind.status().code(), Code::kInvalidArgument);
}

TEST_F(FileIoTest, ADanglingSymlinkIsNotFoundAndSaysSo) {
  fs::create_symlink(At("gone.csv"), At("customers.csv"));
  auto text = ReadFile(At("customers.csv"));
  EXPECT_EQ(text.status().code(), Code::kNotFound);
  EXPECT_THAT(std::string(text.status().message()), HasSubstr("dangling symbolic link"));
  auto kind = ProbePath(At("customers.csv"));
  EXPECT_EQ(kind.status().code(), Code::kNotFound);
  EXPECT_THAT(std::string(kind.status().message()), HasSubstr(At("customers.csv")));
}

TEST(FileIo, ProcFilesAreReadToTheirEnd) {
  // /proc reports size 0; the reader must not stop there.
  struct stat st;
  ASSERT_EQ(::stat("/proc/self/status", &st), 0);
  ASSERT_EQ(st.st_size, 0);
  auto text = ReadFile("/proc/self/status");
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(text->rfind("Name:", 0), 0u) << *text;
  EXPECT_THAT(*text, HasSubstr("\nPid:\t" + std::to_string(getpid()) + "\n"));
}

// Large inputs are read in pieces with read(), never mapped: a file cut short
// by another process meanwhile is DATA_LOSS naming it (under a mapping it
// would have been SIGBUS, killing the host).
TEST_F(FileIoTest, AFileTruncatedWhileReadIsDataLoss) {
  std::ofstream(At("t.csv")) << "id\nc1\nc2\nc3\n";
  FileReader file;
  ASSERT_TRUE(file.Open(At("t.csv")).ok());
  EXPECT_EQ(file.size(), 12u);
  char buf[16];
  absl::StatusOr<size_t> got = file.Read(buf, 4);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(std::string(buf, *got), "id\nc");
  ASSERT_EQ(::truncate(At("t.csv").c_str(), 6), 0);
  got = file.Read(buf, sizeof buf);
  EXPECT_EQ(got.status().code(), Code::kDataLoss);
  EXPECT_THAT(std::string(got.status().message()), HasSubstr("t.csv\" shrank while being read"));
  EXPECT_EQ(file.ReadAt(4, buf, 8).code(), Code::kDataLoss);
  EXPECT_TRUE(file.ReadAt(0, buf, 6).ok());
}

TEST_F(FileIoTest, FileReaderChecksAsReadFileDoes) {
  ASSERT_EQ(::mkfifo(At("fifo").c_str(), 0600), 0);
  FileReader fifo;
  EXPECT_EQ(fifo.Open(At("fifo")).code(), Code::kInvalidArgument);
  FileReader missing;
  EXPECT_EQ(missing.Open(At("none")).code(), Code::kNotFound);
}

TEST_F(FileIoTest, ProbeSaysWhatIsThere) {
  std::ofstream(At("r")) << "x";
  ASSERT_EQ(::mkfifo(At("p").c_str(), 0600), 0);
  EXPECT_EQ(*ProbePath(At("r")), PathKind::kRegular);
  EXPECT_EQ(*ProbePath(dir_.string()), PathKind::kDirectory);
  EXPECT_EQ(*ProbePath(At("p")), PathKind::kOther);
  EXPECT_EQ(*ProbePath(At("missing")), PathKind::kMissing);
  EXPECT_EQ(*ProbePath(At("missing/below")), PathKind::kMissing);
  EXPECT_EQ(ProbePath(At("r/below")).status().code(), Code::kInvalidArgument);  // ENOTDIR
}

TEST_F(FileIoTest, WriteFileReportsAFullDevice) {
  absl::Status s = WriteFile("/dev/full", "some bytes");
  EXPECT_EQ(s.code(), Code::kResourceExhausted);
  EXPECT_THAT(std::string(s.message()), HasSubstr("cannot write \"/dev/full\""));
  absl::Status missing = WriteFile(At("no/such/folder.json"), "x");
  EXPECT_EQ(missing.code(), Code::kNotFound);
  ASSERT_TRUE(WriteFile(At("out.json"), "{}").ok());
  EXPECT_EQ(*ReadFile(At("out.json")), "{}");
}

}  // namespace
}  // namespace mitra
