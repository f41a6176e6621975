#include "mitra/core/snapshot.h"

#include <cstring>
#include <ctime>

#include "absl/strings/str_cat.h"
#include "google/protobuf/arena.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/util/message_differencer.h"
#include "mitra/core/absl_view.h"
#include "mitra/core/atomic_file.h"
#include "mitra/core/crc32c.h"
#include "mitra/core/csv_import.h"
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

}  // namespace

absl::StatusOr<std::string> EncodeSnapshot(const Workspace& ws) {
  std::string out(kMagic, sizeof kMagic);
  PutLe(&out, kSnapshotMajor, 4);
  PutLe(&out, kSnapshotMinor, 4);
  v1::SnapshotHeader header;
  header.set_library_version(MITRA_VERSION_STRING);
  header.set_saved_unix_seconds(static_cast<int64_t>(std::time(nullptr)));
  *header.mutable_counts() = ws.Counts();
  PutFrame(&out, header);
  absl::Status s = ws.Export(kRecordsPerFrame, [&](v1::Batch& b) {
    PutFrame(&out, b);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  PutLe(&out, 0, 8);
  PutLe(&out, Crc32c(0, out.data(), out.size()), 4);
  return out;
}

absl::Status SaveSnapshot(const Workspace& ws, const std::string& path) {
  absl::StatusOr<std::string> bytes = EncodeSnapshot(ws);
  if (!bytes.ok()) return bytes.status();
  return ReplaceFileAtomically(path, *bytes, std::string_view(kMagic, sizeof kMagic));
}

absl::StatusOr<std::unique_ptr<Workspace>> DecodeSnapshot(std::string_view in,
                                                          std::string_view name,
                                                          SnapshotInfo* info) {
  auto loss = [&](std::string_view problem) {
    return absl::DataLossError(absl::StrCat("snapshot ", QuotePath(name), ": ", Av(problem)));
  };
  constexpr size_t kPrefix = sizeof kMagic + 8;
  if (in.size() < sizeof kMagic || std::memcmp(in.data(), kMagic, sizeof kMagic) != 0)
    return loss("not a mitra snapshot (bad magic bytes)");
  if (in.size() < kPrefix + 4) return loss("truncated (no version)");
  // Every format version ends with the CRC32C of all the bytes before it,
  // checked before any field is read: a flipped bit in the version must read
  // as corruption, not as a newer format, and a truncated or altered file is
  // caught before any of it is parsed.
  const size_t body = in.size() - 4;
  if (Crc32c(0, in.data(), body) != static_cast<uint32_t>(GetLe(in, body, 4)))
    return loss("checksum mismatch: the file is truncated or corrupted");
  const uint32_t major = static_cast<uint32_t>(GetLe(in, 8, 4));
  const uint32_t minor = static_cast<uint32_t>(GetLe(in, 12, 4));
  if (major > kSnapshotMajor)
    return absl::FailedPreconditionError(
        absl::StrCat("snapshot ", QuotePath(name), " has format ", major, ".", minor,
                     ", newer than this library reads (", kSnapshotMajor, ".x): upgrade mitra"));
  if (major < 1) return loss(absl::StrCat("unknown format version ", major, ".", minor));

  auto ws = std::make_unique<Workspace>();
  v1::SnapshotHeader header;
  size_t pos = kPrefix;
  bool first = true, ended = false;
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
    google::protobuf::Arena arena;  // see Chunker in workspace_export.cc
    auto* batch = google::protobuf::Arena::CreateMessage<v1::Batch>(&arena);
    if (n > INT32_MAX || !batch->ParseFromArray(frame.data(), static_cast<int>(n)))
      return loss(absl::StrCat("unreadable record frame at byte ", pos - n - 8));
    if (absl::Status s = ws->Ingest(*batch); !s.ok()) {
      if (absl::IsResourceExhausted(s)) return s;  // the file may be fine
      return loss(absl::StrCat("inconsistent records: ", s.message()));
    }
  }
  if (first || !ended || pos != body) return loss("frames do not end where the file does");
  if (!google::protobuf::util::MessageDifferencer::Equals(header.counts(), ws->Counts()))
    return loss("record counts differ from the header's");
  if (info != nullptr) *info = SnapshotInfo{major, minor, std::move(header)};
  return ws;
}

absl::StatusOr<std::unique_ptr<Workspace>> LoadSnapshot(const std::string& path,
                                                        SnapshotInfo* info) {
  absl::StatusOr<std::string> bytes = ReadFile(path);
  if (!bytes.ok()) return bytes.status();
  return DecodeSnapshot(*bytes, path, info);
}

}  // namespace mitra
