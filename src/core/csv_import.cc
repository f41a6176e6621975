#include "mitra/core/csv_import.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
#include <unordered_set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/arena.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "mitra/core/absl_view.h"
#include "mitra/core/csv_reader.h"
#include "mitra/core/file_io.h"
#include "mitra/core/money.h"
#include "mitra/core/text_checks.h"
#include "mitra/core/time_format.h"
#include "core/copy_bytes.h"
#include "core/plain_decimal.h"

namespace mitra {
namespace {

namespace pb = google::protobuf;

constexpr absl::string_view kTimeSuffix = "_unix_seconds";

// Columns a record cannot do without, per kind (docs/CSV.md, in bold). A
// constant table: nothing to allocate, nothing to fail.
struct Required {
  std::string_view kind;
  std::string_view columns[5];
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
    {"campaigns", {"id", "route", "start", "end", "spend"}},
    {"campaign_members", {"campaign_id"}},
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

// The file as the reader is given it: its path, or "<kind>.csv".
std::string FileName(std::string_view kind, std::string_view name) {
  return name.empty() ? std::string(kind) + ".csv" : std::string(name);
}
// ... and as messages show it.
std::string FileLabel(std::string_view kind, std::string_view name) {
  const std::string file = FileName(kind, name);
  return Escape(file, file.size());
}

// A header cell holding a carriage return comes from a file whose lines end
// in a bare CR (old Mac style), which CSV does not know: say so.
std::string CarriageReturnHint(std::string_view header_cell) {
  if (header_cell.find('\r') == std::string_view::npos) return "";
  return "; its lines seem to end in a bare CR: save the file with LF or CRLF line ends";
}

struct Column {
  std::string name;                    // as in the header
  const pb::FieldDescriptor* field = nullptr;  // field of the record message
  std::string map_key;                 // for map columns ("city")
  bool required = false;
  bool time = false;                   // a *_unix_seconds field, written as a time
  // Looked up once per file rather than once per cell (descriptors resolve
  // their type lazily, behind a lock check, on every call).
  const pb::FieldDescriptor* value = nullptr;  // the field a cell sets: the map's value for maps
  pb::FieldDescriptor::CppType type = pb::FieldDescriptor::CPPTYPE_STRING;
  bool is_map = false, repeated = false;
  std::string enum_prefix;  // "INTERACTION_KIND_" for an enum column
  // Where a TransactionRow keeps the column's cells (one of them is set
  // when the file is read into typed rows).
  std::string_view TransactionRow::*text = nullptr;
  int64_t TransactionRow::*whole = nullptr;
  double TransactionRow::*number = nullptr;
  // ... and a CustomerRow.
  enum class CustomerField { kNone, kId, kCreated, kAttribute } customer = CustomerField::kNone;
};

// Gives a customers column its place in a CustomerRow; false for a field
// the row does not hold.
bool PlaceInCustomerRow(Column& col) {
  using C = pb::FieldDescriptor;
  if (col.repeated) return false;
  switch (col.field->number()) {
    case v1::Customer::kIdFieldNumber: col.customer = Column::CustomerField::kId; break;
    case v1::Customer::kCreatedUnixSecondsFieldNumber:
      col.customer = Column::CustomerField::kCreated;
      return !col.is_map && col.type == C::CPPTYPE_INT64;
    case v1::Customer::kAttributesFieldNumber:
      col.customer = Column::CustomerField::kAttribute;
      return col.is_map && col.type == C::CPPTYPE_STRING;
    default: return false;
  }
  return !col.is_map && col.type == C::CPPTYPE_STRING;
}

// Gives a transactions column its place in a TransactionRow; false for a
// field the row does not hold (the file is then read into protobuf records).
bool PlaceInTransactionRow(Column& col) {
  if (col.is_map || col.repeated) return false;
  using C = pb::FieldDescriptor;
  switch (col.field->number()) {
    case v1::Transaction::kIdFieldNumber: col.text = &TransactionRow::id; break;
    case v1::Transaction::kCustomerIdFieldNumber: col.text = &TransactionRow::customer_id; break;
    case v1::Transaction::kProductIdFieldNumber: col.text = &TransactionRow::product_id; break;
    case v1::Transaction::kChannelIdFieldNumber: col.text = &TransactionRow::channel_id; break;
    case v1::Transaction::kTimeUnixSecondsFieldNumber:
      col.whole = &TransactionRow::time_unix_seconds;
      break;
    case v1::Transaction::kAmountFieldNumber: col.number = &TransactionRow::amount; break;
    case v1::Transaction::kQuantityFieldNumber: col.number = &TransactionRow::quantity; break;
    default: return false;
  }
  return (col.text && col.type == C::CPPTYPE_STRING) || (col.whole && col.type == C::CPPTYPE_INT64) ||
         (col.number && col.type == C::CPPTYPE_DOUBLE);
}

std::string KnownColumns(const pb::Descriptor* d) {
  std::vector<std::string> names;
  for (int i = 0; i < d->field_count(); ++i) {
    const pb::FieldDescriptor* f = d->field(i);
    names.push_back(f->is_map() ? ColumnName(f) + ".KEY" : ColumnName(f));
  }
  return absl::StrJoin(names, ", ");
}

// Cells arrive trimmed (CsvReader); each rule below reads one kind of cell
// and returns the problem, or "" when fine.

// Whether decimal text of a number out of double's range is too large
// (overflow) rather than too small (underflow): the power of ten of its
// first significant digit is >= 0.
bool MagnitudeAtLeastOne(std::string_view v) {
  size_t i = (!v.empty() && (v[0] == '-' || v[0] == '+')) ? 1 : 0;
  bool seen_point = false, significant = false;
  int64_t integer_digits = 0, zeros_after_point = 0;
  for (; i < v.size() && v[i] != 'e' && v[i] != 'E'; ++i) {
    if (v[i] == '.') { seen_point = true; continue; }
    if (!significant && v[i] == '0') {
      if (seen_point) ++zeros_after_point;
      continue;
    }
    significant = true;
    if (!seen_point) ++integer_digits;
  }
  // The power of ten of the first significant digit, before the exponent.
  const int64_t lead = integer_digits > 0 ? integer_digits - 1 : -(zeros_after_point + 1);
  int64_t exponent = 0;
  if (i < v.size()) {
    std::string_view e = v.substr(i + 1);
    const bool negative = !e.empty() && e[0] == '-';
    if (!e.empty() && (e[0] == '-' || e[0] == '+')) e.remove_prefix(1);
    // Exponents too long to hold only ever mean "out of range" in their direction.
    if (e.size() > 15) return !negative;
    for (char c : e) exponent = exponent * 10 + (c - '0');
    if (negative) exponent = -exponent;
  }
  return lead + exponent >= 0;
}

std::string ParseNumberCell(std::string_view v, double* x) {
  if (ReadPlainDecimal(v, x)) {
    *x = WithoutNegativeZero(*x);
    return "";
  }
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), *x);
  if (p != v.data() + v.size() || (ec != std::errc() && ec != std::errc::result_out_of_range))
    return absl::StrCat("not a number: ", Quote(v));
  if (ec == std::errc::result_out_of_range)
    return MagnitudeAtLeastOne(v)
               ? absl::StrCat("number out of range (beyond +/-1.8e308): ", Quote(v))
               : absl::StrCat("number out of range (nonzero but below 2.2e-308, it would "
                              "become 0): ",
                              Quote(v));
  *x = WithoutNegativeZero(*x);
  return "";
}

template <typename T>
std::string ParseWholeCell(std::string_view v, T* x, std::string_view what) {
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), *x);
  if (p != v.data() + v.size() || (ec != std::errc() && ec != std::errc::result_out_of_range))
    return absl::StrCat("not ", Av(what), ": ", Quote(v));
  if (ec == std::errc::result_out_of_range)
    return absl::StrCat("out of range (", std::numeric_limits<T>::min(), " .. ",
                        std::numeric_limits<T>::max(), "): ", Quote(v));
  return "";
}

std::string ParseTimeCell(std::string_view v, int64_t* t) {
  // The export forms first (most cells), then the rest, with the reason
  // only a refusal needs.
  if (std::optional<int64_t> parsed = ReadExportFormTime(v)) {
    *t = *parsed;
    return "";
  }
  std::string why;
  std::optional<int64_t> parsed = ParseTime(v, &why);
  if (!parsed) return absl::StrCat("not a time: ", Quote(v), " (", why, ")");
  *t = *parsed;
  return "";
}

// An integer cell: a time for *_unix_seconds fields, else a whole number.
std::string ParseInt64Cell(const Column& col, std::string_view v, int64_t* x) {
  return col.time ? ParseTimeCell(v, x) : ParseWholeCell(v, x, "an integer");
}

std::string ParseBoolCell(std::string_view v, bool* b) {
  const std::string lower = absl::AsciiStrToLower(Av(v));
  if (lower == "true" || lower == "1") *b = true;
  else if (lower == "false" || lower == "0") *b = false;
  else return absl::StrCat("not true/false/1/0: ", Quote(v));
  return "";
}

// Parses one cell into the record, whose reflection is `r`. Returns the
// problem, or "" when fine.
std::string SetCell(pb::Message* record, const pb::Reflection* r, const Column& col,
                    std::string_view cell) {
  const pb::FieldDescriptor* f = col.value;
  pb::Message* target = record;
  if (col.is_map) {
    target = r->AddMessage(record, col.field);
    r = target->GetReflection();
    r->SetString(target, col.field->message_type()->map_key(), col.map_key);
  }
  std::string problem;
  switch (col.type) {
    case pb::FieldDescriptor::CPPTYPE_STRING: {
      if (col.repeated) {
        for (std::string& item : CsvListItems(cell)) r->AddString(target, f, std::move(item));
      } else {
        r->SetString(target, f, std::string(cell));
      }
      return "";
    }
    case pb::FieldDescriptor::CPPTYPE_INT64: {
      int64_t x = 0;
      if ((problem = ParseInt64Cell(col, cell, &x)).empty()) r->SetInt64(target, f, x);
      return problem;
    }
    case pb::FieldDescriptor::CPPTYPE_INT32: {
      int32_t x = 0;
      if ((problem = ParseWholeCell(cell, &x, "an integer")).empty()) r->SetInt32(target, f, x);
      return problem;
    }
    case pb::FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t x = 0;
      if ((problem = ParseWholeCell(cell, &x, "a count")).empty()) r->SetUInt64(target, f, x);
      return problem;
    }
    case pb::FieldDescriptor::CPPTYPE_DOUBLE: {
      double x = 0;
      if ((problem = ParseNumberCell(cell, &x)).empty()) r->SetDouble(target, f, x);
      return problem;
    }
    case pb::FieldDescriptor::CPPTYPE_BOOL: {
      bool x = false;
      if ((problem = ParseBoolCell(cell, &x)).empty()) r->SetBool(target, f, x);
      return problem;
    }
    case pb::FieldDescriptor::CPPTYPE_ENUM: {
      const pb::EnumDescriptor* en = f->enum_type();
      const std::string upper = absl::AsciiStrToUpper(Av(cell));
      const pb::EnumValueDescriptor* value = en->FindValueByName(col.enum_prefix + upper);
      if (!value) value = en->FindValueByName(upper);
      if (!value || value->number() == 0) {
        std::vector<std::string> names;
        for (int i = 1; i < en->value_count(); ++i)
          names.push_back(absl::AsciiStrToLower(en->value(i)->name().substr(col.enum_prefix.size())));
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


// Copies of the text cells of a chunk of typed rows, at addresses that stay
// put while the reader's buffer moves on to the next block. Cleared, not
// freed, between chunks, so after the first chunk a row allocates nothing.
class CellStore {
 public:
  std::string_view Keep(std::string_view cell) {
    if (cell.empty()) return {};
    if (used_ + cell.size() > size_) Next(cell.size());
    char* at = blocks_[block_].get() + used_;
    CopyBytes(at, cell.data(), cell.size());
    used_ += cell.size();
    return std::string_view(at, cell.size());
  }
  void Clear() {
    block_ = 0;
    used_ = 0;
    size_ = blocks_.empty() ? 0 : sizes_[0];
  }

 private:
  static constexpr size_t kBlock = size_t{1} << 18;
  // Moves to the next block with room for `n` bytes; a block too small for
  // it is replaced (nothing of this chunk lies in it yet). Out of line, so
  // that Keep inlines into the cell loop.
  [[gnu::noinline]] void Next(size_t n) {
    if (size_ != 0) ++block_;
    if (block_ == blocks_.size()) {
      blocks_.emplace_back();
      sizes_.push_back(0);
    }
    if (sizes_[block_] < n) {
      const size_t size = std::max(kBlock, n);
      blocks_[block_].reset(new char[size]);
      sizes_[block_] = size;
    }
    used_ = 0;
    size_ = sizes_[block_];
  }
  std::vector<std::unique_ptr<char[]>> blocks_;
  std::vector<size_t> sizes_;
  size_t block_ = 0, used_ = 0, size_ = 0;  // the block being filled
};

// Parses one cell into a typed row. Returns the problem, or "" when fine.
std::string SetRowCell(CustomerRow& row, const Column& col, std::string_view cell,
                       CellStore& store, std::string_view* attribute) {
  std::string problem;
  switch (col.customer) {
    case Column::CustomerField::kId: row.id = store.Keep(cell); break;
    case Column::CustomerField::kCreated: {
      int64_t x = 0;
      if ((problem = ParseInt64Cell(col, cell, &x)).empty()) row.created_unix_seconds = x;
      break;
    }
    default: *attribute = store.Keep(cell);
  }
  return problem;
}
// (The problem is returned as the parser made it, with no string assigned
// on the way: per cell of a large file that copying showed. A cell that
// fails ends the parse, so what it left in the row does not matter.)
std::string SetRowCell(TransactionRow& row, const Column& col, std::string_view cell,
                       CellStore& store) {
  if (col.text) {
    row.*col.text = store.Keep(cell);
    return {};
  }
  if (col.whole) return ParseInt64Cell(col, cell, &(row.*col.whole));
  return ParseNumberCell(cell, &(row.*col.number));
}

// Records per batch handed to the workspace: large enough that the
// per-batch work (a checkpoint, the validator's setup) costs nothing, small
// enough that the protobuf records of a batch stay a few megabytes however
// large the file.
constexpr size_t kChunkRows = 16384;

// One chunk of records. The batch lives on an Arena: protobuf 3.21 cannot
// destroy a message whose map insertion ran out of memory, and an arena never
// has to.
struct ParsedCsv {
  google::protobuf::Arena arena;
  v1::Batch* batch = google::protobuf::Arena::CreateMessage<v1::Batch>(&arena);
  // Customers and transactions go into typed rows instead, with no
  // protobuf record per row, when asked for and every column has a place in
  // the row.
  enum class Rows { kRecords, kCustomers, kTransactions } rows = Rows::kRecords;
  std::vector<TransactionRow> transactions;
  std::vector<CustomerRow> customers;
  // The customers' attributes, row after row in key order, and where each
  // row's end; the rows' spans are set when the chunk is complete (the
  // vector may move while it fills).
  std::vector<std::pair<std::string_view, std::string_view>> attributes;
  std::vector<size_t> attributes_end;
  std::vector<std::string_view> row_attributes;  // by column, for the row being read
  std::vector<size_t> attribute_columns;         // the attribute columns in key order
  CellStore cells;  // the rows' text
  std::vector<size_t> lines;   // line of each record of the chunk
  std::vector<Column> columns; // in header order
};

// Receives each full chunk.
using ChunkSink = std::function<absl::Status(ParsedCsv& chunk)>;

// Gives `reader` its next block when it answers kNeedMore; null for text that
// is all in memory (the reader never needs more then).
using Refill = std::function<absl::Status(CsvReader& reader)>;

// Reads the header, then hands the records to `sink` in chunks of at most
// `chunk_rows` (a file with a header and no records hands none), as typed
// rows where `typed_rows` and the kind has them, else as protobuf records.
absl::Status Parse(ParsedCsv& out, std::string_view kind, std::string_view name,
                   CsvReader& reader, const Refill& refill, size_t chunk_rows, bool typed_rows,
                   const ChunkSink& sink) {
  const pb::FieldDescriptor* list = v1::Batch::descriptor()->FindFieldByName(std::string(kind));
  if (list == nullptr || list->message_type() == nullptr)
    return absl::InvalidArgumentError(
        absl::StrCat("unknown entity kind ", Quote(kind), " (one of ",
                     absl::StrJoin(KindNames(), ", "), ")"));
  const pb::Descriptor* d = list->message_type();
  const std::string file = FileLabel(kind, name);

  CsvRecordView rec;
  auto next = [&]() -> absl::StatusOr<bool> {
    while (true) {
      absl::StatusOr<CsvReader::Step> step = reader.Read(&rec);
      if (!step.ok()) return step.status();
      if (*step != CsvReader::Step::kNeedMore) return *step == CsvReader::Step::kRecord;
      if (absl::Status s = refill(reader); !s.ok()) return s;
    }
  };
  absl::StatusOr<bool> more = next();
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
          absl::StrCat(file, ":", rec.line, ":", j + 1, " (", Escape(h), "): ", problem));
    };
    if (!seen.insert(h).second) return fail("column named twice in the header");
    Column col;
    col.name = h;
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
        return fail(absl::StrCat("unknown column for ", Av(kind), " (known: ", KnownColumns(d), ")",
                                 CarriageReturnHint(h)));
    }
    col.required = is_required(h);
    const pb::FieldDescriptor* value =
        col.field->is_map() ? col.field->message_type()->map_value() : col.field;
    col.time = value->cpp_type() == pb::FieldDescriptor::CPPTYPE_INT64 &&
               absl::EndsWith(value->name(), kTimeSuffix);
    col.value = value;
    col.type = value->cpp_type();
    col.is_map = col.field->is_map();
    col.repeated = value->is_repeated();
    if (col.type == pb::FieldDescriptor::CPPTYPE_ENUM) col.enum_prefix = EnumPrefix(value->enum_type());
    out.columns.push_back(std::move(col));
  }
  for (std::string_view r : required->columns) {
    if (!r.empty() && !seen.count(std::string(r)))
      return absl::InvalidArgumentError(absl::StrCat(file, ":", rec.line, ": required column ",
                                                     Quote(r), " is missing from the header"));
  }
  if (typed_rows && d == v1::Transaction::descriptor() &&
      std::all_of(out.columns.begin(), out.columns.end(), PlaceInTransactionRow))
    out.rows = ParsedCsv::Rows::kTransactions;
  if (typed_rows && d == v1::Customer::descriptor() &&
      std::all_of(out.columns.begin(), out.columns.end(), PlaceInCustomerRow)) {
    out.rows = ParsedCsv::Rows::kCustomers;
    out.row_attributes.assign(out.columns.size(), {});
    for (size_t j = 0; j < out.columns.size(); ++j)
      if (out.columns[j].is_map) out.attribute_columns.push_back(j);
    std::sort(out.attribute_columns.begin(), out.attribute_columns.end(), [&](size_t a, size_t b) {
      return out.columns[a].map_key < out.columns[b].map_key;
    });
  }

  const pb::Reflection* br = out.batch->GetReflection();
  const pb::Reflection* rr = nullptr;  // every record's, taken from the first
  auto flush = [&]() -> absl::Status {
    if (out.lines.empty()) return absl::OkStatus();
    for (size_t k = 0, begin = 0; k < out.customers.size(); begin = out.attributes_end[k++])
      out.customers[k].attributes =
          std::span(out.attributes.data() + begin, out.attributes_end[k] - begin);
    if (absl::Status s = sink(out); !s.ok()) return s;
    // Cleared records stay allocated and AddMessage hands them out again,
    // their strings keeping their buffers: after the first chunk a record
    // costs no allocation. (A failure ends the parse, and the arena frees
    // everything at once.)
    if (out.rows == ParsedCsv::Rows::kRecords) br->ClearField(out.batch, list);
    out.transactions.clear();
    out.customers.clear();
    out.attributes.clear();
    out.attributes_end.clear();
    out.cells.Clear();
    out.lines.clear();
    return absl::OkStatus();
  };
  while (true) {
    more = next();
    if (!more.ok()) return more.status();
    if (!*more) break;
    if (rec.fields.size() != out.columns.size())
      return absl::InvalidArgumentError(absl::StrCat(file, ":", rec.line, ": expected ",
                                                     out.columns.size(), " fields as in the header, found ",
                                                     rec.fields.size()));
    pb::Message* record = nullptr;
    TransactionRow* transaction = nullptr;
    CustomerRow* customer = nullptr;
    switch (out.rows) {
      case ParsedCsv::Rows::kTransactions: transaction = &out.transactions.emplace_back(); break;
      case ParsedCsv::Rows::kCustomers: customer = &out.customers.emplace_back(); break;
      case ParsedCsv::Rows::kRecords:
        record = br->AddMessage(out.batch, list);
        if (rr == nullptr) rr = record->GetReflection();
    }
    for (size_t j = 0; j < rec.fields.size(); ++j) {
      const Column& col = out.columns[j];
      const std::string_view cell = rec.fields[j];
      const std::string problem =
          cell.empty() ? std::string(col.required ? "required, but empty" : "")
          : transaction ? SetRowCell(*transaction, col, cell, out.cells)
          : customer    ? SetRowCell(*customer, col, cell, out.cells, &out.row_attributes[j])
                        : SetCell(record, rr, col, cell);
      if (!problem.empty())
        return absl::InvalidArgumentError(
            absl::StrCat(file, ":", rec.line, ":", j + 1, " (", Escape(col.name), "): ", problem));
    }
    if (customer) {
      for (size_t j : out.attribute_columns) {
        if (out.row_attributes[j].empty()) continue;
        out.attributes.emplace_back(out.columns[j].map_key, out.row_attributes[j]);
        out.row_attributes[j] = {};
      }
      out.attributes_end.push_back(out.attributes.size());
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
  std::string where = FileLabel(kind, name);
  if (err.index < chunk.lines.size() && err.kind == kind)
    absl::StrAppend(&where, ":", chunk.lines[err.index]);
  std::string column = err.field;
  if (absl::EndsWith(column, kTimeSuffix)) column.resize(column.size() - kTimeSuffix.size());
  for (size_t j = 0; j < chunk.columns.size(); ++j) {
    if (chunk.columns[j].name == column) absl::StrAppend(&where, ":", j + 1);
  }
  if (!column.empty()) absl::StrAppend(&where, " (", Escape(column), ")");
  return absl::Status(s.code(), absl::StrCat(where, ": ", err.problem));
}

// Applies the CSV that `reader` reads (`refill` giving it more) in chunks.
// `total_bytes` is the size of the whole text, `consumed()` how much of it
// the records read so far took.
absl::Status IngestCsvFrom(Workspace& ws, std::string_view kind, std::string_view name,
                           CsvReader& reader, const Refill& refill, uint64_t total_bytes,
                           const std::function<uint64_t()>& consumed) {
  // A channel may name a parent defined further down the file, so channels
  // go in as one batch; no other kind refers to records of its own kind.
  const size_t chunk_rows = kind == "channels" ? SIZE_MAX : kChunkRows;
  // Chunks are applied as they come, so the file stays whole or nothing by
  // undoing them all when a later one fails.
  Workspace::Mark mark = ws.TakeMark();
  ParsedCsv parsed;
  bool first = true;
  auto apply = [&](ParsedCsv& chunk) -> absl::Status {
    // A full first chunk means a large file: make room for the records it
    // will hold, at the first chunk's bytes per record. Records, not line
    // breaks, are counted, so a file padded with blank lines cannot make the
    // workspace reserve more than its real records would need.
    if (first && chunk.lines.size() == chunk_rows) {
      const uint64_t used = consumed();
      if (used > 0 && total_bytes > used) {
        const bool with_ids = std::any_of(chunk.columns.begin(), chunk.columns.end(),
                                          [](const Column& c) { return c.name == "id"; });
        // The whole file's records (this chunk is not applied yet). The
        // columns get 1/16 to spare, as records vary in length and a
        // column that outgrows its room is copied whole into one twice its
        // size (pages reserved but never written cost no memory); the id
        // table, whose slots are all touched, gets the estimate alone.
        const double rows = static_cast<double>(total_bytes) / used * chunk.lines.size();
        ws.Reserve(kind, static_cast<size_t>(rows * 17 / 16) + 1, false);
        if (with_ids) ws.Reserve(kind, static_cast<size_t>(rows) + 1, true);
      }
    }
    first = false;
    RecordError err;
    absl::Status st = chunk.rows == ParsedCsv::Rows::kTransactions ? ws.Ingest(chunk.transactions, &err)
                      : chunk.rows == ParsedCsv::Rows::kCustomers  ? ws.Ingest(chunk.customers, &err)
                                                                   : ws.Ingest(*chunk.batch, &err);
    if (!st.ok() && err.code != absl::StatusCode::kOk)
      return CsvRecordStatus(st, err, chunk, kind, name);
    return st;
  };
  absl::Status s;
  try {
    s = Parse(parsed, kind, name, reader, refill, chunk_rows, /*typed_rows=*/true, apply);
  } catch (...) {  // std::bad_alloc: undo the chunks already applied too
    ws.RollbackTo(mark);
    throw;
  }
  if (!s.ok()) ws.RollbackTo(mark);
  return s;
}

// A CSV file read `block` bytes at a time with read() (never mapped: a file
// truncated meanwhile would raise SIGBUS). The buffer holds the unread rest
// of the last block (an incomplete record) and the next block.
class CsvFileBlocks {
 public:
  explicit CsvFileBlocks(size_t block) : block_(block < 4 ? 4 : block) {}

  // Opens the file (FileReader's checks) and reads the first block.
  absl::Status Open(const std::string& path) {
    if (absl::Status s = file_.Open(path); !s.ok()) return s;
    return ReadBlock();
  }
  std::string_view text() const { return std::string_view(buf_.get(), len_); }
  bool more() const { return more_; }
  uint64_t size() const { return file_.size(); }
  // Bytes of the file that `reader`'s records have taken so far.
  uint64_t Consumed(const CsvReader& reader) const {
    return read_ - len_ + reader.position();
  }

  // Keeps the text from `reader`'s position on, appends the next block and
  // hands the reader the result.
  absl::Status Refill(CsvReader& reader) {
    const size_t pos = reader.position();
    std::memmove(buf_.get(), buf_.get() + pos, len_ - pos);
    len_ -= pos;
    if (absl::Status s = ReadBlock(); !s.ok()) return s;
    reader.Continue(text(), more_);
    return absl::OkStatus();
  }

 private:
  absl::Status ReadBlock() {
    // No more than the file's size asks for (a small file costs no 16 MiB
    // buffer), but no less than 64 KiB, for files whose size says nothing.
    const uint64_t left = file_.size() > read_ ? file_.size() - read_ : 0;
    const size_t kept = len_;
    // A record longer than a block is parsed again from its start after each
    // read: reading at least as much as is kept doubles the buffer each time,
    // so that costs no more than reading it once more.
    size_t want = std::max(
        kept,
        static_cast<size_t>(std::min<uint64_t>(block_, std::max<uint64_t>(left + 1, 65536))));
    // The record carried over makes a full block not quite fit: read what
    // does fit rather than allocate a fresh buffer for every block, whose
    // pages would all be faulted in again (as much as the file's size).
    if (kept + want > capacity_ && capacity_ - kept >= std::max(kept, want / 2))
      want = capacity_ - kept;
    if (kept + want > capacity_) {
      // Uninitialised: a std::string would zero each block before read()
      // overwrites it (2 % of a large import).
      std::unique_ptr<char[]> bigger(new char[kept + want]);
      if (kept > 0) std::memcpy(bigger.get(), buf_.get(), kept);
      buf_ = std::move(bigger);
      capacity_ = kept + want;
    }
    absl::StatusOr<size_t> got = file_.Read(buf_.get() + kept, want);
    if (!got.ok()) return got.status();
    len_ = kept + *got;
    read_ += *got;
    // A short read is the end of the file; a full one may be followed by more.
    more_ = *got == want;
    return absl::OkStatus();
  }

  FileReader file_;
  const size_t block_;
  uint64_t read_ = 0;  // bytes of the file read so far
  std::unique_ptr<char[]> buf_;  // len_ bytes of text, room for capacity_
  size_t len_ = 0, capacity_ = 0;
  bool more_ = true;
};

}  // namespace

absl::StatusOr<v1::Batch> CsvToBatch(std::string_view kind, std::string_view name,
                                     std::string_view text) {
  v1::Batch all;
  ParsedCsv parsed;
  CsvReader reader(text, FileName(kind, name));
  absl::Status s = Parse(parsed, kind, name, reader, nullptr, SIZE_MAX, /*typed_rows=*/false,
                         [&](ParsedCsv& chunk) {
    all = *chunk.batch;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return all;
}

absl::Status IngestCsv(Workspace& ws, std::string_view kind, std::string_view name,
                       std::string_view text) {
  CsvReader reader(text, FileName(kind, name));
  return IngestCsvFrom(ws, kind, name, reader, nullptr, text.size(),
                       [&] { return uint64_t{reader.position()}; });
}

absl::Status IngestCsvFile(Workspace& ws, std::string_view kind, const std::string& path) {
  return IngestCsvFile(ws, kind, path, kCsvReadBlock);
}

absl::Status IngestCsvFile(Workspace& ws, std::string_view kind, const std::string& path,
                           size_t block_bytes) {
  CsvFileBlocks blocks(block_bytes);
  if (absl::Status s = blocks.Open(path); !s.ok()) return s;
  CsvReader reader(blocks.text(), FileName(kind, path), blocks.more());
  return IngestCsvFrom(ws, kind, path, reader, [&](CsvReader& r) { return blocks.Refill(r); },
                       blocks.size(), [&] { return blocks.Consumed(reader); });
}

}  // namespace mitra
