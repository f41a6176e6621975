#include "mitra/core/snapshot.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <functional>

#include "absl/strings/str_cat.h"
#include "google/protobuf/arena.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/util/message_differencer.h"
#include "mitra/core/absl_view.h"
#include "mitra/core/crc32c.h"
#include "mitra/core/csv_import.h"
#include "mitra/core/mapped_file.h"
#include "mitra/core/text_checks.h"
#include "mitra/mitra.h"
#include "mitra/v1/snapshot.pb.h"

namespace mitra {
namespace {

constexpr char kMagic[8] = {'M', 'I', 'T', 'R', 'A', 'S', 'N', 'P'};
// Records per frame: small enough that a frame stays far below protobuf's
// 2 GiB message limit, large enough that framing costs nothing.
constexpr size_t kRecordsPerFrame = 65536;

void PutLe(std::string* out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
uint64_t GetLe(std::string_view in, size_t pos, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= uint64_t(static_cast<unsigned char>(in[pos + i])) << (8 * i);
  return v;
}

void PutFrame(std::string* out, const google::protobuf::Message& m) {
  const size_t at = out->size();
  PutLe(out, 0, 8);
  const size_t n = m.ByteSizeLong();
  out->resize(at + 8 + n);
  // Deterministic, so the same workspace always writes the same frames.
  google::protobuf::io::ArrayOutputStream array(out->data() + at + 8, static_cast<int>(n));
  google::protobuf::io::CodedOutputStream coded(&array);
  coded.SetSerializationDeterministic(true);
  m.SerializeWithCachedSizes(&coded);
  for (int i = 0; i < 8; ++i) (*out)[at + i] = static_cast<char>((n >> (8 * i)) & 0xFF);
}

absl::Status Errno(std::string_view what, const std::string& path) {
  const int e = errno;
  std::string msg = absl::StrCat(Av(what), " ", QuotePath(path), ": ", std::strerror(e));
  switch (e) {
    case ENOENT: return absl::NotFoundError(msg);
    case EACCES: case EPERM: case EROFS: return absl::PermissionDeniedError(msg);
    case ENOSPC: case EDQUOT: return absl::ResourceExhaustedError(msg);
    case EISDIR: case ENOTDIR: return absl::InvalidArgumentError(msg);
    default: return absl::UnavailableError(msg);
  }
}

// Writes all of `bytes` to `fd`; false with errno set when a write fails.
bool WriteAll(int fd, std::string_view bytes) {
  const char* p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    const ssize_t w = ::write(fd, p, left);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += w;
    left -= static_cast<size_t>(w);
  }
  return true;
}

std::string DirectoryOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// Removes `<path>.tmp-<pid>-<n>` files left by writers that were killed
// mid-save (their process no longer exists). Best effort: errors are ignored.
// POSIX calls, not std::filesystem: libstdc++'s noexcept directory_iterator
// allocates, and an allocation failure there terminates the process.
void RemoveStaleTemporaries(const std::string& path) {
  const std::string dir = DirectoryOf(path);
  const size_t slash = path.rfind('/');
  const std::string prefix = (slash == std::string::npos ? path : path.substr(slash + 1)) + ".tmp-";
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return;
  while (const dirent* e = ::readdir(d)) {
    if (std::strncmp(e->d_name, prefix.c_str(), prefix.size()) != 0) continue;
    const long pid = std::strtol(e->d_name + prefix.size(), nullptr, 10);
    if (pid > 0 && pid != getpid() && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)
      ::unlinkat(::dirfd(d), e->d_name, 0);
  }
  ::closedir(d);
}

}  // namespace

absl::Status EncodeSnapshot(const Workspace& ws,
                            const std::function<absl::Status(std::string_view)>& out) {
  // One frame at a time through a reused buffer, the checksum running along:
  // memory stays at one frame (kRecordsPerFrame records) however large the
  // workspace.
  std::string buf(kMagic, sizeof kMagic);
  uint32_t crc = 0;
  auto flush = [&]() -> absl::Status {
    crc = Crc32c(crc, buf.data(), buf.size());
    absl::Status s = out(buf);
    buf.clear();
    return s;
  };
  PutLe(&buf, kSnapshotMajor, 4);
  PutLe(&buf, kSnapshotMinor, 4);
  v1::SnapshotHeader header;
  header.set_library_version(MITRA_VERSION_STRING);
  header.set_saved_unix_seconds(static_cast<int64_t>(std::time(nullptr)));
  *header.mutable_counts() = ws.Counts();
  PutFrame(&buf, header);
  if (absl::Status s = flush(); !s.ok()) return s;
  absl::Status s = ws.Export(kRecordsPerFrame, [&](v1::Batch& b) {
    PutFrame(&buf, b);
    return flush();
  });
  if (!s.ok()) return s;
  PutLe(&buf, 0, 8);
  crc = Crc32c(crc, buf.data(), buf.size());
  PutLe(&buf, crc, 4);
  return out(buf);
}

absl::StatusOr<std::string> EncodeSnapshot(const Workspace& ws) {
  std::string bytes;
  absl::Status s = EncodeSnapshot(ws, [&](std::string_view piece) {
    bytes.append(piece);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return bytes;
}

absl::Status SaveSnapshot(const Workspace& ws, const std::string& path) {
  RemoveStaleTemporaries(path);
  static std::atomic<uint64_t> counter{0};
  const std::string tmp = absl::StrCat(path, ".tmp-", getpid(), "-", counter++);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("cannot create", tmp);
  auto fail = [&](std::string_view what) {
    absl::Status st = Errno(what, tmp);
    ::close(fd);
    ::unlink(tmp.c_str());
    return st;
  };
  absl::Status encoded = EncodeSnapshot(ws, [&](std::string_view piece) -> absl::Status {
    return WriteAll(fd, piece) ? absl::OkStatus() : Errno("cannot write", tmp);
  });
  if (!encoded.ok()) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return encoded;
  }
  if (::fsync(fd) != 0) return fail("cannot sync");
  if (::close(fd) != 0) {
    absl::Status st = Errno("cannot close", tmp);
    ::unlink(tmp.c_str());
    return st;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    absl::Status st = Errno("cannot rename over", path);
    ::unlink(tmp.c_str());
    return st;
  }
  // The rename itself is durable only once the directory is synced.
  int dfd = ::open(DirectoryOf(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return absl::OkStatus();
}

namespace {

// Checks a whole snapshot's magic, version and checksum, then parses the
// header into `info` and hands each record frame to `batch` in file order.
// With `file` (mapping `in`), the pages already read are handed back as it
// goes, so a pass over the file costs one frame of memory.
absl::Status WalkSnapshot(std::string_view in, std::string_view name, MappedFile* file,
                          SnapshotInfo& info,
                          const std::function<absl::Status(const v1::Batch&)>& batch) {
  auto loss = [&](std::string_view problem) {
    return absl::DataLossError(absl::StrCat("snapshot ", QuotePath(name), ": ", Av(problem)));
  };
  constexpr size_t kPrefix = sizeof kMagic + 8;
  if (in.size() < sizeof kMagic || std::memcmp(in.data(), kMagic, sizeof kMagic) != 0)
    return loss("not a mitra snapshot (bad magic bytes)");
  if (in.size() < kPrefix + 4) return loss("truncated (no version)");
  const uint32_t major = static_cast<uint32_t>(GetLe(in, 8, 4));
  const uint32_t minor = static_cast<uint32_t>(GetLe(in, 12, 4));
  if (major > kSnapshotMajor)
    return absl::FailedPreconditionError(
        absl::StrCat("snapshot ", QuotePath(name), " has format ", major, ".", minor,
                     ", newer than this library reads (", kSnapshotMajor, ".x): upgrade mitra"));
  if (major < 1) return loss(absl::StrCat("unknown format version ", major, ".", minor));
  // The checksum covers everything, so a truncated or altered file is caught
  // before any of it is parsed.
  const size_t body = in.size() - 4;
  constexpr size_t kCrcSlice = size_t{16} << 20;
  uint32_t crc = 0;
  for (size_t at = 0; at < body; at += kCrcSlice) {
    crc = Crc32c(crc, in.data() + at, std::min(kCrcSlice, body - at));
    if (file != nullptr) file->Release(at, at + kCrcSlice);
  }
  if (crc != static_cast<uint32_t>(GetLe(in, body, 4)))
    return loss("checksum mismatch: the file is truncated or corrupted");

  v1::SnapshotHeader header;
  size_t pos = kPrefix;
  bool first = true, ended = false;
  google::protobuf::Arena arena;  // see Chunker in workspace_export.cc
  while (pos + 8 <= body) {
    const uint64_t n = GetLe(in, pos, 8);
    pos += 8;
    if (n == 0) {
      ended = true;
      break;
    }
    if (n > body - pos) return loss(absl::StrCat("frame at byte ", pos - 8, " runs past the end"));
    std::string_view frame = in.substr(pos, n);
    pos += n;
    if (first) {
      if (!header.ParseFromArray(frame.data(), static_cast<int>(frame.size())))
        return loss("unreadable header frame");
      first = false;
      continue;
    }
    arena.Reset();
    auto* b = google::protobuf::Arena::CreateMessage<v1::Batch>(&arena);
    if (n > INT32_MAX || !b->ParseFromArray(frame.data(), static_cast<int>(n)))
      return loss(absl::StrCat("unreadable record frame at byte ", pos - n - 8));
    if (file != nullptr) file->Release(pos - n - 8, pos);
    if (absl::Status s = batch(*b); !s.ok()) return s;
  }
  if (first || !ended || pos != body) return loss("frames do not end where the file does");
  info = SnapshotInfo{major, minor, std::move(header)};
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Workspace>> Decode(std::string_view in, std::string_view name,
                                                  MappedFile* file, SnapshotInfo* info) {
  auto ws = std::make_unique<Workspace>();
  SnapshotInfo read;
  absl::Status s = WalkSnapshot(in, name, file, read, [&](const v1::Batch& b) -> absl::Status {
    absl::Status st = ws->Ingest(b);
    if (st.ok() || absl::IsResourceExhausted(st)) return st;  // the file may be fine
    return absl::DataLossError(absl::StrCat("snapshot ", QuotePath(name),
                                            ": inconsistent records: ", st.message()));
  });
  if (!s.ok()) return s;
  if (!google::protobuf::util::MessageDifferencer::Equals(read.header.counts(), ws->Counts()))
    return absl::DataLossError(
        absl::StrCat("snapshot ", QuotePath(name), ": record counts differ from the header's"));
  if (info != nullptr) *info = std::move(read);
  return ws;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Workspace>> DecodeSnapshot(std::string_view in,
                                                          std::string_view name,
                                                          SnapshotInfo* info) {
  return Decode(in, name, nullptr, info);
}

absl::StatusOr<std::unique_ptr<Workspace>> LoadSnapshot(const std::string& path,
                                                        SnapshotInfo* info) {
  absl::StatusOr<std::unique_ptr<MappedFile>> file = MappedFile::Open(path);
  if (!file.ok()) return file.status();
  return Decode((*file)->text(), path, file->get(), info);
}

absl::Status ReadSnapshotBatches(const std::string& path,
                                 const std::function<absl::Status(const v1::Batch&)>& batch,
                                 SnapshotInfo* info) {
  absl::StatusOr<std::unique_ptr<MappedFile>> file = MappedFile::Open(path);
  if (!file.ok()) return file.status();
  // Counts per kind, by the Batch field of the same name (as Workspace::Counts).
  v1::WorkspaceCounts counts;
  const auto* cr = counts.GetReflection();
  const auto* cd = counts.GetDescriptor();
  SnapshotInfo read;
  absl::Status s = WalkSnapshot((*file)->text(), path, file->get(), read,
                                [&](const v1::Batch& b) -> absl::Status {
    const auto* br = b.GetReflection();
    const auto* bd = b.GetDescriptor();
    for (int i = 0; i < bd->field_count(); ++i) {
      const auto* f = cd->FindFieldByName(bd->field(i)->name());
      if (f != nullptr)
        cr->SetUInt64(&counts, f, cr->GetUInt64(counts, f) + br->FieldSize(b, bd->field(i)));
    }
    return batch(b);
  });
  if (!s.ok()) return s;
  if (!google::protobuf::util::MessageDifferencer::Equals(read.header.counts(), counts))
    return absl::DataLossError(
        absl::StrCat("snapshot ", QuotePath(path), ": record counts differ from the header's"));
  if (info != nullptr) *info = std::move(read);
  return absl::OkStatus();
}

}  // namespace mitra
