// The message of an INVALID_ARGUMENT status (a test failure for any other
// code), for tests that compare a validation's whole wording.
#ifndef MITRA_TESTS_COMMON_INVALID_MESSAGE_H_
#define MITRA_TESTS_COMMON_INVALID_MESSAGE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gtest/gtest.h"

namespace mitra::testing {

inline std::string InvalidMessage(const absl::Status& s) {
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  return std::string(s.message());
}

template <typename T>
std::string InvalidMessage(const absl::StatusOr<T>& r) {
  return InvalidMessage(r.status());
}

}  // namespace mitra::testing

#endif  // MITRA_TESTS_COMMON_INVALID_MESSAGE_H_
