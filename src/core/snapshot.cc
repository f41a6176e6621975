#include "mitra/core/snapshot.h"

#include <algorithm>
#include <cstring>
#include <ctime>
#include <functional>

#include "absl/strings/str_cat.h"
#include "google/protobuf/arena.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/util/message_differencer.h"
#include "mitra/core/absl_view.h"
#include "mitra/core/atomic_file.h"
#include "mitra/core/crc32c.h"
#include "mitra/core/csv_import.h"
#include "mitra/core/file_io.h"
#include "mitra/core/text_checks.h"
#include "mitra/version.h"
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
  // Record frames come as wire bytes straight from the columns: only their
  // length goes in front.
  absl::Status s = ws.ExportWire(kRecordsPerFrame, [&](std::string_view frame) {
    PutLe(&buf, frame.size(), 8);
    if (absl::Status s = flush(); !s.ok()) return s;
    crc = Crc32c(crc, frame.data(), frame.size());
    return out(frame);
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
  // Encoded straight into the temporary, a frame at a time.
  return ReplaceFileAtomically(
      path, [&](const ByteSink& out) { return EncodeSnapshot(ws, out); },
      std::string_view(kMagic, sizeof kMagic));
}

namespace {

// Reads `n` bytes at offset `at` of the snapshot into `to`.
using ReadBytes = std::function<absl::Status(uint64_t at, size_t n, char* to)>;

// Checks a whole snapshot of `size` bytes (magic, checksum, then version),
// then parses the header into `info` and hands each record frame to `batch`
// in file order. Bytes are read through `read` a slice or a frame at a time,
// so a pass over the file costs one frame of memory.
absl::Status WalkSnapshot(uint64_t size, const ReadBytes& read, std::string_view name,
                          SnapshotInfo& info,
                          const std::function<absl::Status(const v1::Batch&)>& batch) {
  auto loss = [&](std::string_view problem) {
    return absl::DataLossError(absl::StrCat("snapshot ", QuotePath(name), ": ", Av(problem)));
  };
  constexpr size_t kPrefix = sizeof kMagic + 8;
  char prefix[kPrefix];
  if (size < sizeof kMagic) return loss("not a mitra snapshot (bad magic bytes)");
  if (absl::Status s = read(0, sizeof kMagic, prefix); !s.ok()) return s;
  if (std::memcmp(prefix, kMagic, sizeof kMagic) != 0)
    return loss("not a mitra snapshot (bad magic bytes)");
  if (size < kPrefix + 4) return loss("truncated (no version)");
  // Every format version ends with the CRC32C of all the bytes before it,
  // checked before any field is read: a flipped bit in the version must read
  // as corruption, not as a newer format, and a truncated or altered file is
  // caught before any of it is parsed.
  const uint64_t body = size - 4;
  std::string buf;
  {
    constexpr size_t kCrcSlice = size_t{1} << 20;
    buf.resize(static_cast<size_t>(std::min<uint64_t>(kCrcSlice, size)));
    uint32_t crc = 0;
    for (uint64_t at = 0; at < body; at += kCrcSlice) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(kCrcSlice, body - at));
      if (absl::Status s = read(at, n, buf.data()); !s.ok()) return s;
      crc = Crc32c(crc, buf.data(), n);
    }
    if (absl::Status s = read(body, 4, buf.data()); !s.ok()) return s;
    if (crc != static_cast<uint32_t>(GetLe(std::string_view(buf.data(), 4), 0, 4)))
      return loss("checksum mismatch: the file is truncated or corrupted");
  }
  if (absl::Status s = read(0, kPrefix, prefix); !s.ok()) return s;
  const std::string_view pre(prefix, kPrefix);
  const uint32_t major = static_cast<uint32_t>(GetLe(pre, 8, 4));
  const uint32_t minor = static_cast<uint32_t>(GetLe(pre, 12, 4));
  if (major > kSnapshotMajor)
    return absl::FailedPreconditionError(
        absl::StrCat("snapshot ", QuotePath(name), " has format ", major, ".", minor,
                     ", newer than this library reads (", kSnapshotMajor, ".x): upgrade mitra"));
  if (major < 1) return loss(absl::StrCat("unknown format version ", major, ".", minor));

  v1::SnapshotHeader header;
  uint64_t pos = kPrefix;
  bool first = true, ended = false;
  google::protobuf::Arena arena;  // see Chunker in workspace_export.cc
  while (pos + 8 <= body) {
    char len[8];
    if (absl::Status s = read(pos, 8, len); !s.ok()) return s;
    const uint64_t n = GetLe(std::string_view(len, 8), 0, 8);
    pos += 8;
    if (n == 0) {
      ended = true;
      break;
    }
    if (n > body - pos) return loss(absl::StrCat("frame at byte ", pos - 8, " runs past the end"));
    if (n > INT32_MAX) return loss(absl::StrCat("unreadable record frame at byte ", pos - 8));
    // One frame in memory at a time; its size is bounded by the file's.
    buf.resize(static_cast<size_t>(n));
    if (absl::Status s = read(pos, static_cast<size_t>(n), buf.data()); !s.ok()) return s;
    pos += n;
    if (first) {
      if (!header.ParseFromArray(buf.data(), static_cast<int>(n)))
        return loss("unreadable header frame");
      first = false;
      continue;
    }
    arena.Reset();
    auto* b = google::protobuf::Arena::CreateMessage<v1::Batch>(&arena);
    if (!b->ParseFromArray(buf.data(), static_cast<int>(n)))
      return loss(absl::StrCat("unreadable record frame at byte ", pos - n - 8));
    if (absl::Status s = batch(*b); !s.ok()) return s;
  }
  if (first || !ended || pos != body) return loss("frames do not end where the file does");
  info = SnapshotInfo{major, minor, std::move(header)};
  return absl::OkStatus();
}

// Reads from a snapshot in memory.
ReadBytes ReadFromMemory(std::string_view in) {
  return [in](uint64_t at, size_t n, char* to) {
    std::memcpy(to, in.data() + at, n);
    return absl::OkStatus();
  };
}

// Reads from an open snapshot file with pread(), never a mapping.
ReadBytes ReadFromFile(FileReader& file) {
  return [&file](uint64_t at, size_t n, char* to) { return file.ReadAt(at, to, n); };
}

absl::StatusOr<std::unique_ptr<Workspace>> Decode(uint64_t size, const ReadBytes& read,
                                                  std::string_view name, SnapshotInfo* info) {
  auto ws = std::make_unique<Workspace>();
  SnapshotInfo got;
  absl::Status s = WalkSnapshot(size, read, name, got, [&](const v1::Batch& b) -> absl::Status {
    absl::Status st = ws->Ingest(b);
    if (st.ok() || absl::IsResourceExhausted(st)) return st;  // the file may be fine
    return absl::DataLossError(absl::StrCat("snapshot ", QuotePath(name),
                                            ": inconsistent records: ", st.message()));
  });
  if (!s.ok()) return s;
  if (!google::protobuf::util::MessageDifferencer::Equals(got.header.counts(), ws->Counts()))
    return absl::DataLossError(
        absl::StrCat("snapshot ", QuotePath(name), ": record counts differ from the header's"));
  if (info != nullptr) *info = std::move(got);
  return ws;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Workspace>> DecodeSnapshot(std::string_view in,
                                                          std::string_view name,
                                                          SnapshotInfo* info) {
  return Decode(in.size(), ReadFromMemory(in), name, info);
}

absl::StatusOr<std::unique_ptr<Workspace>> LoadSnapshot(const std::string& path,
                                                        SnapshotInfo* info) {
  FileReader file;
  if (absl::Status s = file.Open(path); !s.ok()) return s;
  return Decode(file.size(), ReadFromFile(file), path, info);
}

absl::Status ReadSnapshotBatches(const std::string& path,
                                 const std::function<absl::Status(const v1::Batch&)>& batch,
                                 SnapshotInfo* info) {
  FileReader file;
  if (absl::Status s = file.Open(path); !s.ok()) return s;
  // Counts per kind, by the Batch field of the same name (as Workspace::Counts).
  v1::WorkspaceCounts counts;
  const auto* cr = counts.GetReflection();
  const auto* cd = counts.GetDescriptor();
  SnapshotInfo got;
  absl::Status s = WalkSnapshot(file.size(), ReadFromFile(file), path, got,
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
  if (!google::protobuf::util::MessageDifferencer::Equals(got.header.counts(), counts))
    return absl::DataLossError(
        absl::StrCat("snapshot ", QuotePath(path), ": record counts differ from the header's"));
  if (info != nullptr) *info = std::move(got);
  return absl::OkStatus();
}

}  // namespace mitra
