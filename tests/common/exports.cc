#include "common/exports.h"

#include "gtest/gtest.h"

namespace mitra::testing {

v1::Batch ExportAll(const Workspace& ws) {
  v1::Batch all;
  int batches = 0;
  EXPECT_TRUE(ws.Export(SIZE_MAX, [&](v1::Batch& b) {
    all.MergeFrom(b);
    ++batches;
    return absl::OkStatus();
  }).ok());
  EXPECT_LE(batches, 1) << "with no limit the export is one batch";
  return all;
}

std::string ExportBytes(const mitra_workspace* ws) {
  uint8_t* out = nullptr;
  size_t n = 0;
  EXPECT_EQ(mitra_workspace_export(ws, &out, &n, nullptr), MITRA_OK);
  std::string s(reinterpret_cast<char*>(out), n);
  mitra_free(out);
  return s;
}

}  // namespace mitra::testing
