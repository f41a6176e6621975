#include "batch_json.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"

namespace mitra::cli {

namespace pb = google::protobuf;

void BatchJsonWriter::Put(std::string_view s) {
  // Pieces are a record or less: gather them, so the sink sees few large
  // writes (a write() per record made the export twice as slow).
  pending_.append(s);
  if (pending_.size() >= kFlushBytes) Flush();
}

void BatchJsonWriter::Flush() {
  if (status_.ok() && !pending_.empty()) status_ = out_(pending_);
  pending_.clear();
}

absl::Status BatchJsonWriter::Add(const v1::Batch& batch) {
  pb::util::JsonPrintOptions opts;
  opts.add_whitespace = true;
  opts.preserve_proto_field_names = true;
  const pb::Reflection* r = batch.GetReflection();
  const pb::Descriptor* d = batch.GetDescriptor();
  std::string json, indented;
  for (int f = 0; f < d->field_count(); ++f) {
    const pb::FieldDescriptor* field = d->field(f);
    const int n = r->FieldSize(batch, field);
    if (n == 0) continue;
    if (f < open_field_)
      return absl::InternalError(absl::StrCat("export brought ", field->name(),
                                              " after a later kind"));
    if (f != open_field_) {
      Put(open_field_ < 0 ? "{\n" : "\n ],\n");
      Put(absl::StrCat(" \"", field->name(), "\": [\n"));
      open_field_ = f;
    } else {
      Put(",\n");
    }
    for (int i = 0; i < n; ++i) {
      json.clear();
      if (auto s = pb::util::MessageToJsonString(r->GetRepeatedMessage(batch, field, i), &json,
                                                 opts);
          !s.ok())
        return absl::InternalError(std::string(s.message()));
      // The record's own lines, two levels deeper (inside the object and
      // the list), without its final line break.
      while (!json.empty() && json.back() == '\n') json.pop_back();
      indented.clear();
      indented.append("  ");
      for (char c : json) {
        indented.push_back(c);
        if (c == '\n') indented.append("  ");
      }
      if (i > 0) Put(",\n");
      Put(indented);
    }
  }
  return status_;
}

absl::Status BatchJsonWriter::Finish() {
  Put(open_field_ < 0 ? "{}\n" : "\n ]\n}\n");
  Flush();
  return status_;
}

}  // namespace mitra::cli
