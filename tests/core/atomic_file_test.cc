// Atomic replacement: modes and owners carry over, the temporary fits
// NAME_MAX, errors name the target, and only dead writers' temporaries are
// removed.
#include "mitra/core/atomic_file.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mitra/core/file_io.h"

namespace mitra {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::string_view kMagic = "MAGICHDR";

class AtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("atomic-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    old_umask_ = ::umask(022);
  }
  void TearDown() override {
    ::umask(old_umask_);
    fs::remove_all(dir_);
  }
  std::string At(const std::string& name) const { return (dir_ / name).string(); }
  mode_t Mode(const std::string& path) const {
    struct stat st;
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return st.st_mode & 07777;
  }
  std::vector<std::string> Names() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir_)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }
  void Put(const std::string& name, std::string_view bytes) {
    std::ofstream(At(name), std::ios::binary) << bytes;
  }
  absl::Status Save(const std::string& path, std::string_view body = "body") {
    return ReplaceFileAtomically(path, std::string(kMagic) + std::string(body), kMagic);
  }
  fs::path dir_;
  mode_t old_umask_;
};

TEST_F(AtomicFileTest, ANewFileIs0600) {
  ASSERT_TRUE(Save(At("new.mitra")).ok());
  EXPECT_EQ(Mode(At("new.mitra")), 0600u);
  EXPECT_EQ(*ReadFile(At("new.mitra")), "MAGICHDRbody");
}

TEST_F(AtomicFileTest, TheTargetsModeCarriesOver) {
  for (mode_t mode : {0600u, 0640u, 0604u, 0444u}) {
    Put("t.mitra", "old");
    ASSERT_EQ(::chmod(At("t.mitra").c_str(), mode), 0);
    ASSERT_TRUE(Save(At("t.mitra")).ok());
    EXPECT_EQ(Mode(At("t.mitra")), mode) << std::oct << mode;
    EXPECT_EQ(*ReadFile(At("t.mitra")), "MAGICHDRbody");
  }
}

TEST_F(AtomicFileTest, TheTargetsOwnerCarriesOverWherePermitted) {
  if (::geteuid() != 0) GTEST_SKIP() << "only root may give a file away";
  Put("t.mitra", "old");
  ASSERT_EQ(::chown(At("t.mitra").c_str(), 4321, 8765), 0);
  ASSERT_TRUE(Save(At("t.mitra")).ok());
  struct stat st;
  ASSERT_EQ(::stat(At("t.mitra").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 4321u);
  EXPECT_EQ(st.st_gid, 8765u);
}

TEST_F(AtomicFileTest, ALongLegalNameCanBeSaved) {
  for (size_t length : {250u, 255u}) {
    const std::string name(length, 'n');
    ASSERT_TRUE(Save(At(name)).ok()) << length;
    EXPECT_EQ(*ReadFile(At(name)), "MAGICHDRbody");
    EXPECT_EQ(Names(), std::vector<std::string>{name});
    fs::remove(At(name));
  }
  EXPECT_LE(TemporaryPrefix(std::string(255, 'n')).size() + 16, size_t{NAME_MAX});
}

TEST_F(AtomicFileTest, TheTemporaryPrefixKeepsNamesApartAndCharactersWhole) {
  const std::string a = std::string(240, 'x') + "a", b = std::string(240, 'x') + "b";
  EXPECT_NE(TemporaryPrefix(a), TemporaryPrefix(b));
  EXPECT_EQ(TemporaryPrefix("ws.mitra").substr(0, 10), ".ws.mitra~");
  // 'é' is two bytes, and after one 'a' the room (218 bytes) ends inside
  // one: the cut falls before it.
  std::string accents = "a";
  for (int i = 0; i < 120; ++i) accents += "\xC3\xA9";
  const std::string p = TemporaryPrefix(accents);
  EXPECT_EQ(p.find('~'), 1u + 217u);
  EXPECT_EQ(p.size() + 16, size_t{NAME_MAX} - 1);
}

TEST_F(AtomicFileTest, ErrorsNameTheTargetNotTheTemporary) {
  absl::Status s = Save(At("no-such-folder/ws.mitra"));
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(s.message()), HasSubstr("cannot save \"" + At("no-such-folder/ws.mitra") + "\""));
  EXPECT_THAT(std::string(s.message()), Not(HasSubstr(".mitra-tmp.")));
  const std::string too_long(NAME_MAX + 1, 'n');
  absl::Status t = Save(At(too_long));
  EXPECT_EQ(t.code(), absl::StatusCode::kInvalidArgument) << t;
  EXPECT_THAT(std::string(t.message()), HasSubstr(too_long + "\": File name too long"));
  EXPECT_TRUE(Names().empty());
}

TEST_F(AtomicFileTest, ATargetThatIsNotARegularFileIsRefused) {
  ASSERT_EQ(::mkfifo(At("pipe").c_str(), 0600), 0);
  fs::create_directory(At("folder"));
  for (const char* name : {"pipe", "folder"}) {
    absl::Status s = Save(At(name));
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << name;
    EXPECT_THAT(std::string(s.message()), HasSubstr("not a regular file")) << name;
  }
  struct stat st;
  ASSERT_EQ(::stat(At("pipe").c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  EXPECT_EQ(Names(), (std::vector<std::string>{"folder", "pipe"}));
}

TEST_F(AtomicFileTest, OnlyDeadWritersTemporariesAreRemoved) {
  const std::string prefix = TemporaryPrefix("ws.mitra");
  // Ours and dead: unlocked, holding the magic (killed mid-write), or empty
  // or a prefix of it (killed before writing).
  Put(prefix + "0123456789abcdef", std::string(kMagic) + "half a snap");
  Put(prefix + "00000000000000aa", "");
  Put(prefix + "00000000000000bb", "MAG");
  // Not ours: the old pid-named form, other content, another form of name.
  Put("ws.mitra.tmp-999999-0", std::string(kMagic) + "a user's file");
  Put(prefix + "fedcba9876543210", "a user's file with a look-alike name");
  Put(prefix + "0123", std::string(kMagic));
  Put(prefix + "0123456789ABCDEF", std::string(kMagic));
  // Ours but alive (another process or host holds its lock).
  Put(prefix + "1111111111111111", std::string(kMagic) + "in flight");
  const int live = ::open(At(prefix + "1111111111111111").c_str(), O_RDONLY);
  ASSERT_GE(live, 0);
  ASSERT_EQ(::flock(live, LOCK_EX), 0);

  ASSERT_TRUE(Save(At("ws.mitra")).ok());
  EXPECT_EQ(Names(), (std::vector<std::string>{
                         prefix + "0123", prefix + "0123456789ABCDEF", prefix + "1111111111111111",
                         prefix + "fedcba9876543210", "ws.mitra", "ws.mitra.tmp-999999-0"}));
  ::close(live);
  // Once its writer is gone, the next save removes it.
  ASSERT_TRUE(Save(At("ws.mitra")).ok());
  EXPECT_EQ(Names(), (std::vector<std::string>{prefix + "0123", prefix + "0123456789ABCDEF",
                                               prefix + "fedcba9876543210", "ws.mitra",
                                               "ws.mitra.tmp-999999-0"}));
}

TEST_F(AtomicFileTest, AnotherTargetsTemporariesAreLeftAlone) {
  const std::string other = TemporaryPrefix("other.mitra") + "0123456789abcdef";
  Put(other, std::string(kMagic));
  ASSERT_TRUE(Save(At("ws.mitra")).ok());
  EXPECT_EQ(Names(), (std::vector<std::string>{other, "ws.mitra"}));
}

// Bytes of a large file, in pieces of every kind of size: single bytes, a
// piece that ends exactly at a 4 MiB block, pieces that straddle blocks, one
// larger than a block.
std::vector<std::string> Pieces(size_t total, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::string> out{std::string(kMagic)};
  size_t made = kMagic.size();
  // The first piece ends exactly at the first block's end.
  const size_t sizes[] = {(size_t{4} << 20) - kMagic.size(), 1, 7, 4096, 1 << 20,
                          (size_t{9} << 20) + 3, 65537};
  for (size_t i = 0; made < total; ++i) {
    const size_t n = std::min(total - made, i == 0 ? sizes[0] : sizes[1 + i % 6]);
    std::string p(n, '\0');
    for (char& c : p) c = static_cast<char>(rng());
    made += n;
    out.push_back(std::move(p));
  }
  return out;
}

// Whether the file system under `dir` takes O_DIRECT at all.
bool TakesDirectIo(const fs::path& dir) {
  const std::string probe = (dir / "direct-probe").string();
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_DIRECT, 0600);
  if (fd >= 0) ::close(fd);
  ::unlink(probe.c_str());
  return fd >= 0;
}

// The open-file flags of the descriptor in this process that has `path`'s
// folder and name prefix, from /proc/self/fdinfo; -1 if none.
long FlagsOfOpenFile(const fs::path& dir, const std::string& prefix) {
  for (const auto& e : fs::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    const fs::path target = fs::read_symlink(e.path(), ec);
    if (ec || target.parent_path() != dir || target.filename().string().rfind(prefix, 0) != 0)
      continue;
    std::ifstream info("/proc/self/fdinfo/" + e.path().filename().string());
    std::string key;
    while (info >> key)
      if (key == "flags:") {
        std::string octal;
        info >> octal;
        return std::stol(octal, nullptr, 8);
      }
  }
  return -1;
}

TEST_F(AtomicFileTest, LargeFilesComeOutByteForByteWhateverThePieces) {
  // Sizes at, just under and just over multiples of the 4 MiB block and of
  // the 4 KiB alignment, and far from both.
  for (size_t total : {size_t{100}, (size_t{4} << 20) - 1, size_t{4} << 20, (size_t{4} << 20) + 1,
                       (size_t{12} << 20) + 4096, (size_t{23} << 20) + 12345}) {
    const std::vector<std::string> pieces = Pieces(total, static_cast<uint32_t>(total));
    std::string whole;
    for (const std::string& p : pieces) whole += p;
    ASSERT_EQ(whole.size(), total);
    Put("big.mitra", "an older and longer content: " + std::string(size_t{30} << 20, 'x'));
    ASSERT_TRUE(ReplaceFileAtomically(
                    At("big.mitra"),
                    [&](const ByteSink& out) {
                      for (const std::string& p : pieces)
                        if (absl::Status s = out(p); !s.ok()) return s;
                      return absl::OkStatus();
                    },
                    kMagic)
                    .ok());
    absl::StatusOr<std::string> back = ReadFile(At("big.mitra"));
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(back->size(), total);
    EXPECT_TRUE(*back == whole) << "bytes differ at a total of " << total;
    EXPECT_EQ(Names(), std::vector<std::string>{"big.mitra"});
  }
}

TEST_F(AtomicFileTest, LargeFilesGoToTheDiskDirectlyWhereTheFileSystemTakesIt) {
  // Where O_DIRECT is refused (tmpfs) the same bytes come out through the
  // page cache; the test above checks the bytes either way.
  const bool direct = TakesDirectIo(dir_);
  long small_flags = -2, large_flags = -2;
  const std::string prefix = TemporaryPrefix("d.mitra");
  const std::string block(size_t{1} << 20, 'b');
  ASSERT_TRUE(ReplaceFileAtomically(
                  At("d.mitra"),
                  [&](const ByteSink& out) {
                    if (absl::Status s = out(kMagic); !s.ok()) return s;
                    small_flags = FlagsOfOpenFile(dir_, prefix);
                    for (int i = 0; i < 5; ++i)
                      if (absl::Status s = out(block); !s.ok()) return s;
                    large_flags = FlagsOfOpenFile(dir_, prefix);
                    return absl::OkStatus();
                  },
                  kMagic)
                  .ok());
  ASSERT_GE(small_flags, 0) << "the temporary's descriptor was not found";
  ASSERT_GE(large_flags, 0);
  EXPECT_EQ(small_flags & O_DIRECT, 0) << "a file smaller than a block stays buffered";
  EXPECT_EQ((large_flags & O_DIRECT) != 0, direct) << "O_DIRECT supported here: " << direct;
  EXPECT_EQ(ReadFile(At("d.mitra"))->size(), kMagic.size() + 5 * block.size());
}

TEST_F(AtomicFileTest, AFailureAfterDirectWritesLeavesTheTargetAndNoTemporary) {
  Put("f.mitra", "old");
  const std::string block(size_t{9} << 20, 'z');
  absl::Status s = ReplaceFileAtomically(
      At("f.mitra"),
      [&](const ByteSink& out) {
        if (absl::Status st = out(kMagic); !st.ok()) return st;
        if (absl::Status st = out(block); !st.ok()) return st;
        return absl::CancelledError("stopped by the producer");
      },
      kMagic);
  EXPECT_TRUE(absl::IsCancelled(s)) << s;
  EXPECT_EQ(*ReadFile(At("f.mitra")), "old");
  EXPECT_EQ(Names(), std::vector<std::string>{"f.mitra"});
}

}  // namespace
}  // namespace mitra
