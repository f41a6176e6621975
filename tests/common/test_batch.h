// A small batch holding every kind of record, for tests.
#ifndef MITRA_TESTS_COMMON_TEST_BATCH_H_
#define MITRA_TESTS_COMMON_TEST_BATCH_H_

#include "mitra/v1/batch.pb.h"

namespace mitra::testing {

// 3 customers, 2 products, 2 communities, 3 channels (child listed before
// its parent), 1 program, 4 transactions, 4 interactions, 3 memberships,
// 2 feedback responses, 2 referrals, 2 campaigns (a chain one with two
// channel members, a community one with one customer). Every optional field
// is used at least once set and once unset.
v1::Batch FullBatch();

}  // namespace mitra::testing

#endif  // MITRA_TESTS_COMMON_TEST_BATCH_H_
