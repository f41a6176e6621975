/* Drives the C ABI end to end from C99, with protobuf messages encoded by
 * hand from the wire format (an independent check of the schema's field
 * numbers). Prints "N passed, M failed". */
#include <stdio.h>
#include <string.h>

#include "mitra/mitra.h"

static int passed = 0, failed = 0;

#define CHECK(cond)                                                    \
  do {                                                                 \
    if (cond) {                                                        \
      ++passed;                                                        \
    } else {                                                           \
      ++failed;                                                        \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                  \
  } while (0)

/* Reads the varint field `field` of a flat message of varints (counts). */
static uint64_t varint_field(const uint8_t* p, size_t n, unsigned field) {
  size_t i = 0;
  while (i < n) {
    unsigned key = p[i++];
    uint64_t v = 0;
    int shift = 0;
    while (i < n) {
      uint8_t b = p[i++];
      v |= (uint64_t)(b & 0x7F) << shift;
      shift += 7;
      if (!(b & 0x80)) break;
    }
    if ((key >> 3) == field && (key & 7) == 0) return v;
  }
  return 0;
}

int main(int argc, char** argv) {
  mitra_workspace* ws = NULL;
  mitra_error* err = NULL;
  uint8_t* out = NULL;
  size_t out_len = 0;
  char path[1024];

  CHECK(mitra_version_number() == MITRA_VERSION_NUMBER);
  CHECK(strcmp(mitra_version_string(), MITRA_VERSION_STRING) == 0);
  CHECK(strcmp(mitra_status_name(MITRA_DATA_LOSS), "DATA_LOSS") == 0);
  CHECK(MITRA_INVALID_ARGUMENT == 3 && MITRA_NOT_FOUND == 5 && MITRA_DATA_LOSS == 15);

  CHECK(mitra_workspace_create(&ws, &err) == MITRA_OK);
  CHECK(err == NULL && ws != NULL);

  /* Batch { customers { id: "c1" } customers { id: "c2" } }:
   * field 1 (customers), wire type 2 -> key 0x0A; Customer.id is field 1. */
  {
    static const uint8_t batch[] = {0x0A, 0x04, 0x0A, 0x02, 'c', '1',
                                    0x0A, 0x04, 0x0A, 0x02, 'c', '2'};
    CHECK(mitra_workspace_ingest(ws, batch, sizeof batch, &err) == MITRA_OK);
    CHECK(err == NULL);
  }
  /* A truncated batch: refused, nothing changes. */
  {
    static const uint8_t bad[] = {0x0A, 0x09, 0x0A, 0x02, 'c', '3'};
    CHECK(mitra_workspace_ingest(ws, bad, sizeof bad, &err) == MITRA_INVALID_ARGUMENT);
    CHECK(err != NULL && mitra_error_code(err) == MITRA_INVALID_ARGUMENT);
    CHECK(strstr(mitra_error_message(err), "mitra.v1.Batch") != NULL);
    mitra_error_free(err);
    err = NULL;
    /* The error object is optional. */
    CHECK(mitra_workspace_ingest(ws, bad, sizeof bad, NULL) == MITRA_INVALID_ARGUMENT);
  }
  /* A transaction for an unknown customer: NOT_FOUND naming record and field. */
  {
    static const char csv[] = "customer_id,time,amount\nc1,2024-01-01,10\nzz,2024-01-02,5\n";
    CHECK(mitra_workspace_ingest_csv_bytes(ws, "transactions", "tx.csv", (const uint8_t*)csv,
                                           strlen(csv), &err) == MITRA_NOT_FOUND);
    CHECK(err != NULL && strstr(mitra_error_message(err), "tx.csv:3:1 (customer_id)") != NULL);
    mitra_error_free(err);
    err = NULL;
  }
  {
    static const char csv[] = "customer_id,time,amount\nc1,2024-01-01,10\nc2,2024-01-02,5.5\n";
    CHECK(mitra_workspace_ingest_csv_bytes(ws, "transactions", NULL, (const uint8_t*)csv,
                                           strlen(csv), &err) == MITRA_OK);
  }
  /* WorkspaceCounts: customers is field 1, transactions field 6. */
  CHECK(mitra_workspace_counts(ws, &out, &out_len, &err) == MITRA_OK);
  CHECK(varint_field(out, out_len, 1) == 2);
  CHECK(varint_field(out, out_len, 6) == 2);
  mitra_free(out);

  /* Columns cross into caller memory. */
  {
    mitra_dtype dtype;
    size_t length = 0;
    double amounts[4] = {0};
    uint32_t customers[4] = {0};
    CHECK(mitra_workspace_column_info(ws, "transactions.amount", &dtype, &length, &err) == MITRA_OK);
    CHECK(dtype == MITRA_DTYPE_DOUBLE && length == 2);
    CHECK(mitra_workspace_column_copy(ws, "transactions.amount", amounts, sizeof amounts, &length,
                                      &err) == MITRA_OK);
    CHECK(amounts[0] == 10.0 && amounts[1] == 5.5);
    CHECK(mitra_workspace_column_copy(ws, "transactions.customer", customers, sizeof customers,
                                      &length, &err) == MITRA_OK);
    CHECK(customers[0] == 0 && customers[1] == 1);
    CHECK(mitra_workspace_column_copy(ws, "transactions.amount", amounts, 8, &length, &err) ==
          MITRA_OUT_OF_RANGE);
    mitra_error_free(err);
    err = NULL;
    CHECK(mitra_workspace_column_info(ws, "no.such", &dtype, &length, &err) == MITRA_NOT_FOUND);
    mitra_error_free(err);
    err = NULL;
  }
  /* IdList { ids: "c1" ids: "c2" } */
  CHECK(mitra_workspace_ids(ws, "customers", &out, &out_len, &err) == MITRA_OK);
  CHECK(out_len == 8 && memcmp(out, "\x0A\x02" "c1" "\x0A\x02" "c2", 8) == 0);
  mitra_free(out);

  /* Snapshot round trip through the file system. */
  snprintf(path, sizeof path, "%s/c99.mitra", argc > 1 ? argv[1] : ".");
  CHECK(mitra_workspace_save(ws, path, &err) == MITRA_OK);
  {
    mitra_workspace* loaded = NULL;
    uint8_t* a = NULL;
    uint8_t* b = NULL;
    size_t a_len = 0, b_len = 0;
    CHECK(mitra_workspace_load(path, &loaded, &err) == MITRA_OK);
    CHECK(mitra_workspace_export(ws, &a, &a_len, &err) == MITRA_OK);
    CHECK(mitra_workspace_export(loaded, &b, &b_len, &err) == MITRA_OK);
    CHECK(a_len == b_len && a_len > 0 && memcmp(a, b, a_len) == 0);
    /* Batch { customers { id: "c1" } customers { id: "c2" } transactions ... } */
    CHECK(a_len > 12 && memcmp(a, "\x0A\x04\x0A\x02" "c1" "\x0A\x04\x0A\x02" "c2", 12) == 0);
    mitra_free(a);
    mitra_free(b);
    mitra_workspace_free(loaded);
  }
  {
    mitra_workspace* none = NULL;
    CHECK(mitra_workspace_load("/nonexistent/x.mitra", &none, &err) == MITRA_NOT_FOUND);
    CHECK(none == NULL);
    mitra_error_free(err);
    err = NULL;
  }
  /* NULL arguments are errors, not crashes; freeing NULL is a no-op. */
  CHECK(mitra_workspace_ingest(NULL, NULL, 0, &err) == MITRA_INVALID_ARGUMENT);
  mitra_error_free(err);
  CHECK(mitra_workspace_counts(ws, NULL, &out_len, NULL) == MITRA_INVALID_ARGUMENT);
  mitra_free(NULL);
  mitra_error_free(NULL);
  mitra_workspace_free(NULL);
  mitra_workspace_free(ws);

  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
