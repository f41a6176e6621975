#include "mitra/core/csv_import.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <functional>
#include <memory>
#include <unordered_set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/arena.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "mitra/core/absl_view.h"
#include "mitra/core/csv_reader.h"
#include "mitra/core/mapped_file.h"
#include "mitra/core/text_checks.h"
#include "mitra/core/time_format.h"

namespace mitra {
namespace {

namespace pb = google::protobuf;

constexpr absl::string_view kTimeSuffix = "_unix_seconds";

// Columns a record cannot do without, per kind (docs/CSV.md, in bold). A
// constant table: nothing to allocate, nothing to fail.
struct Required {
  std::string_view kind;
  std::string_view columns[3];
};
constexpr Required kRequired[] = {
    {"customers", {"id"}},
    {"products", {"id"}},
    {"communities", {"id"}},
    {"channels", {"id", "kind"}},
    {"programs", {"id", "start"}},
    {"transactions", {"customer_id", "time", "amount"}},
    {"interactions", {"from_customer_id", "kind", "time"}},
    {"memberships", {"customer_id", "community_id", "joined"}},
    {"feedback", {"program_id", "customer_id", "time"}},
    {"referrals", {"referrer_id", "time"}},
};

const Required* RequiredColumns(std::string_view kind) {
  for (const Required& r : kRequired)
    if (r.kind == kind) return &r;
  return nullptr;
}

// The CSV column of a schema field: times drop their unit suffix.
std::string ColumnName(const pb::FieldDescriptor* f) {
  absl::string_view n = f->name();
  if (absl::EndsWith(n, kTimeSuffix)) n.remove_suffix(kTimeSuffix.size());
  return std::string(n);
}

// "INTERACTION_KIND_" for InteractionKind: the prefix every value carries.
std::string EnumPrefix(const pb::EnumDescriptor* e) {
  std::string out;
  for (char c : e->name()) {
    if (absl::ascii_isupper(c) && !out.empty()) out.push_back('_');
    out.push_back(absl::ascii_toupper(c));
  }
  return out + "_";
}

struct Column {
  std::string name;                    // as in the header
  const pb::FieldDescriptor* field;    // field of the record message
  std::string map_key;                 // for map columns ("city")
  bool required = false;
};

std::string KnownColumns(const pb::Descriptor* d) {
  std::vector<std::string> names;
  for (int i = 0; i < d->field_count(); ++i) {
    const pb::FieldDescriptor* f = d->field(i);
    names.push_back(f->is_map() ? ColumnName(f) + ".KEY" : ColumnName(f));
  }
  return absl::StrJoin(names, ", ");
}

// Parses one cell into the record. Returns the problem, or "" when fine.
std::string SetCell(pb::Message* record, const Column& col, std::string_view cell) {
  const pb::Reflection* r = record->GetReflection();
  const pb::FieldDescriptor* f = col.field;
  pb::Message* target = record;
  if (f->is_map()) {
    target = r->AddMessage(record, f);
    target->GetReflection()->SetString(target, f->message_type()->map_key(), col.map_key);
    f = f->message_type()->map_value();
    r = target->GetReflection();
  }
  if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_STRING) {
    if (f->is_repeated()) {
      for (absl::string_view item : absl::StrSplit(Av(cell), ';', absl::SkipEmpty()))
        r->AddString(target, f, std::string(item));
    } else {
      r->SetString(target, f, std::string(cell));
    }
    return "";
  }
  const absl::string_view v = absl::StripAsciiWhitespace(Av(cell));
  const char* b = v.data();
  const char* e = v.data() + v.size();
  switch (f->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_INT64: {
      if (absl::EndsWith(f->name(), kTimeSuffix)) {
        std::optional<int64_t> t = ParseTime(std::string_view(v.data(), v.size()));
        if (!t) return absl::StrCat("not a time: ", Quote(cell),
                                    " (seconds since 1970, or ISO 8601 like 2025-03-01)");
        r->SetInt64(target, f, *t);
        return "";
      }
      int64_t x;
      auto [p, ec] = std::from_chars(b, e, x);
      if (ec != std::errc() || p != e) return absl::StrCat("not an integer: ", Quote(cell));
      r->SetInt64(target, f, x);
      return "";
    }
    case pb::FieldDescriptor::CPPTYPE_INT32: {
      int32_t x;
      auto [p, ec] = std::from_chars(b, e, x);
      if (ec != std::errc() || p != e) return absl::StrCat("not an integer: ", Quote(cell));
      r->SetInt32(target, f, x);
      return "";
    }
    case pb::FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t x;
      auto [p, ec] = std::from_chars(b, e, x);
      if (ec != std::errc() || p != e) return absl::StrCat("not a count: ", Quote(cell));
      r->SetUInt64(target, f, x);
      return "";
    }
    case pb::FieldDescriptor::CPPTYPE_DOUBLE: {
      double x;
      auto [p, ec] = std::from_chars(b, e, x);
      if (ec != std::errc() || p != e) return absl::StrCat("not a number: ", Quote(cell));
      r->SetDouble(target, f, x);
      return "";
    }
    case pb::FieldDescriptor::CPPTYPE_BOOL: {
      std::string lower = absl::AsciiStrToLower(v);
      if (lower == "true" || lower == "1") r->SetBool(target, f, true);
      else if (lower == "false" || lower == "0") r->SetBool(target, f, false);
      else return absl::StrCat("not true/false/1/0: ", Quote(cell));
      return "";
    }
    case pb::FieldDescriptor::CPPTYPE_ENUM: {
      const pb::EnumDescriptor* en = f->enum_type();
      const std::string upper = absl::AsciiStrToUpper(v);
      const pb::EnumValueDescriptor* value = en->FindValueByName(EnumPrefix(en) + upper);
      if (!value) value = en->FindValueByName(upper);
      if (!value || value->number() == 0) {
        std::vector<std::string> names;
        for (int i = 1; i < en->value_count(); ++i)
          names.push_back(absl::AsciiStrToLower(en->value(i)->name().substr(EnumPrefix(en).size())));
        return absl::StrCat("unknown ", f->name(), " ", Quote(cell), " (one of ",
                            absl::StrJoin(names, ", "), ")");
      }
      r->SetEnumValue(target, f, value->number());
      return "";
    }
    default:
      return absl::StrCat("field type of ", f->name(), " has no CSV form");
  }
}

// Records per batch handed to the workspace: large enough that the
// per-batch work (a checkpoint, the validator's setup) costs nothing, small
// enough that the protobuf records of a batch stay a few megabytes however
// large the file.
constexpr size_t kChunkRows = 16384;

// One chunk of records. The batch lives on an Arena: protobuf 3.21 cannot
// destroy a message whose map insertion ran out of memory, and an arena never
// has to; resetting it between chunks reuses its blocks.
struct ParsedCsv {
  google::protobuf::Arena arena;
  v1::Batch* batch = google::protobuf::Arena::CreateMessage<v1::Batch>(&arena);
  std::vector<size_t> lines;   // line of each record of the chunk
  std::vector<Column> columns; // in header order
};

// Receives each full chunk; `consumed` is the bytes of text read so far.
using ChunkSink = std::function<absl::Status(ParsedCsv& chunk, size_t consumed)>;

// Reads the header, then hands the records to `sink` in chunks of at most
// `chunk_rows` (a file with a header and no records hands none).
absl::Status Parse(ParsedCsv& out, std::string_view kind, std::string_view name,
                   std::string_view text, size_t chunk_rows, const ChunkSink& sink) {
  const pb::FieldDescriptor* list = v1::Batch::descriptor()->FindFieldByName(std::string(kind));
  if (list == nullptr || list->message_type() == nullptr)
    return absl::InvalidArgumentError(
        absl::StrCat("unknown entity kind ", Quote(kind), " (one of ",
                     absl::StrJoin(KindNames(), ", "), ")"));
  const pb::Descriptor* d = list->message_type();
  const std::string file(name.empty() ? std::string(kind) + ".csv" : std::string(name));

  CsvReader reader(text, file);
  CsvRecordView rec;
  absl::StatusOr<bool> more = reader.Next(&rec);
  if (!more.ok()) return more.status();
  if (!*more)
    return absl::InvalidArgumentError(
        absl::StrCat(file, ": empty file (a header row naming the columns is required)"));

  const Required* required = RequiredColumns(kind);
  if (required == nullptr)
    return absl::InvalidArgumentError(absl::StrCat(Av(kind), " cannot be read from CSV"));
  auto is_required = [&](std::string_view name) {
    for (std::string_view c : required->columns)
      if (!c.empty() && c == name) return true;
    return false;
  };
  std::unordered_set<std::string> seen;
  for (size_t j = 0; j < rec.fields.size(); ++j) {
    const std::string h(rec.fields[j]);
    auto fail = [&](std::string problem) {
      return absl::InvalidArgumentError(
          absl::StrCat(file, ":", rec.line, ":", j + 1, " (", h, "): ", problem));
    };
    if (!seen.insert(h).second) return fail("column named twice in the header");
    Column col{h, nullptr, "", false};
    if (size_t dot = h.find('.'); dot != std::string::npos) {
      col.field = d->FindFieldByName(h.substr(0, dot));
      if (col.field == nullptr || !col.field->is_map())
        return fail(absl::StrCat("unknown column for ", Av(kind), " (known: ", KnownColumns(d), ")"));
      col.map_key = h.substr(dot + 1);
      if (std::string p = IdProblem(col.map_key); !p.empty()) return fail(p);
    } else {
      for (int i = 0; i < d->field_count() && col.field == nullptr; ++i) {
        if (!d->field(i)->is_map() && ColumnName(d->field(i)) == h) col.field = d->field(i);
      }
      if (col.field == nullptr)
        return fail(absl::StrCat("unknown column for ", Av(kind), " (known: ", KnownColumns(d), ")"));
    }
    col.required = is_required(h);
    out.columns.push_back(std::move(col));
  }
  for (std::string_view r : required->columns) {
    if (!r.empty() && !seen.count(std::string(r)))
      return absl::InvalidArgumentError(absl::StrCat(file, ":", rec.line, ": required column ",
                                                     Quote(r), " is missing from the header"));
  }

  const pb::Reflection* br = out.batch->GetReflection();
  auto flush = [&]() -> absl::Status {
    if (out.lines.empty()) return absl::OkStatus();
    absl::Status s = sink(out, reader.position());
    out.arena.Reset();
    out.batch = google::protobuf::Arena::CreateMessage<v1::Batch>(&out.arena);
    out.lines.clear();
    return s;
  };
  while (true) {
    more = reader.Next(&rec);
    if (!more.ok()) return more.status();
    if (!*more) break;
    if (rec.fields.size() != out.columns.size())
      return absl::InvalidArgumentError(absl::StrCat(file, ":", rec.line, ": expected ",
                                                     out.columns.size(), " fields as in the header, found ",
                                                     rec.fields.size()));
    pb::Message* record = br->AddMessage(out.batch, list);
    for (size_t j = 0; j < rec.fields.size(); ++j) {
      const Column& col = out.columns[j];
      const std::string_view cell = rec.fields[j];
      std::string problem;
      if (cell.empty()) {
        if (col.required) problem = "required, but empty";
      } else {
        problem = SetCell(record, col, cell);
      }
      if (!problem.empty())
        return absl::InvalidArgumentError(
            absl::StrCat(file, ":", rec.line, ":", j + 1, " (", col.name, "): ", problem));
    }
    out.lines.push_back(rec.line);
    if (out.lines.size() >= chunk_rows) {
      if (absl::Status s = flush(); !s.ok()) return s;
    }
  }
  return flush();
}

// Names a record error by the file, the record's line and the field's column.
absl::Status CsvRecordStatus(const absl::Status& s, const RecordError& err, const ParsedCsv& chunk,
                             std::string_view kind, std::string_view name) {
  const std::string file(name.empty() ? std::string(kind) + ".csv" : std::string(name));
  std::string where = file;
  if (err.index < chunk.lines.size() && err.kind == kind)
    absl::StrAppend(&where, ":", chunk.lines[err.index]);
  std::string column = err.field;
  if (absl::EndsWith(column, kTimeSuffix)) column.resize(column.size() - kTimeSuffix.size());
  for (size_t j = 0; j < chunk.columns.size(); ++j) {
    if (chunk.columns[j].name == column) absl::StrAppend(&where, ":", j + 1);
  }
  if (!column.empty()) absl::StrAppend(&where, " (", column, ")");
  return absl::Status(s.code(), absl::StrCat(where, ": ", err.problem));
}

// IngestCsv over text that `file`, when given, maps: the pages of records
// already applied are handed back as the import goes.
absl::Status IngestCsvText(Workspace& ws, std::string_view kind, std::string_view name,
                           std::string_view text, MappedFile* file) {
  // A channel may name a parent defined further down the file, so channels
  // go in as one batch; no other kind refers to records of its own kind.
  const size_t chunk_rows = kind == "channels" ? SIZE_MAX : kChunkRows;
  // Chunks are applied as they come, so the file stays whole or nothing by
  // undoing them all when a later one fails.
  Workspace::Mark mark = ws.TakeMark();
  ParsedCsv parsed;
  size_t released = 0;
  auto apply = [&](ParsedCsv& chunk, size_t consumed) -> absl::Status {
    RecordError err;
    absl::Status st = ws.Ingest(*chunk.batch, &err);
    if (!st.ok()) {
      if (err.code == absl::StatusCode::kOk) return st;
      return CsvRecordStatus(st, err, chunk, kind, name);
    }
    if (file != nullptr) file->Release(released, consumed);
    released = consumed;
    return absl::OkStatus();
  };
  absl::Status s;
  try {
    s = Parse(parsed, kind, name, text, chunk_rows, apply);
  } catch (...) {  // std::bad_alloc: undo the chunks already applied too
    ws.RollbackTo(mark);
    throw;
  }
  if (!s.ok()) ws.RollbackTo(mark);
  return s;
}

}  // namespace

absl::StatusOr<v1::Batch> CsvToBatch(std::string_view kind, std::string_view name,
                                     std::string_view text) {
  v1::Batch all;
  ParsedCsv parsed;
  absl::Status s = Parse(parsed, kind, name, text, SIZE_MAX, [&](ParsedCsv& chunk, size_t) {
    all = *chunk.batch;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return all;
}

absl::Status IngestCsv(Workspace& ws, std::string_view kind, std::string_view name,
                       std::string_view text) {
  return IngestCsvText(ws, kind, name, text, nullptr);
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  // POSIX calls rather than iostreams: errno says exactly what failed, and
  // the only allocation is the string (bad_alloc, reported upstream).
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  auto fail = [&](std::string_view what) -> absl::Status {
    const int e = errno;
    if (fd >= 0) ::close(fd);
    return FileError(what, path, e);
  };
  if (fd < 0) return fail("cannot open");
  struct stat st;
  if (::fstat(fd, &st) != 0) return fail("cannot stat");
  if (!S_ISREG(st.st_mode)) {
    errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
    return fail("not a regular file:");
  }
  std::string text;
  try {
    text.resize(static_cast<size_t>(st.st_size));
  } catch (...) {
    ::close(fd);
    throw;
  }
  size_t got = 0;
  while (got < text.size()) {
    const ssize_t r = ::read(fd, text.data() + got, text.size() - got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return fail("cannot read");
    if (r == 0) break;
    got += static_cast<size_t>(r);
  }
  ::close(fd);
  if (got != text.size())
    return absl::DataLossError(absl::StrCat(QuotePath(path), " shrank while being read"));
  return text;
}

absl::Status IngestCsvFile(Workspace& ws, std::string_view kind, const std::string& path) {
  absl::StatusOr<std::unique_ptr<MappedFile>> file = MappedFile::Open(path);
  if (!file.ok()) return file.status();
  return IngestCsvText(ws, kind, path, (*file)->text(), file->get());
}

}  // namespace mitra
