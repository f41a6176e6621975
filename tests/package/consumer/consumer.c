/* A host's first program: create a workspace, load two customers, count. */
#include <stdio.h>
#include <string.h>

#include "mitra/mitra.h"

int main(void) {
  static const char csv[] = "id,created\nc1,2025-01-01\nc2,\n";
  mitra_workspace* ws = NULL;
  mitra_error* err = NULL;
  uint8_t* ids = NULL;
  size_t len = 0;
  if (mitra_workspace_create(&ws, &err) != MITRA_OK ||
      mitra_workspace_ingest_csv_bytes(ws, "customers", "c.csv", (const uint8_t*)csv,
                                       strlen(csv), &err) != MITRA_OK ||
      mitra_workspace_ids(ws, "customers", &ids, &len, &err) != MITRA_OK) {
    fprintf(stderr, "%s\n", mitra_error_message(err));
    mitra_error_free(err);
    return 1;
  }
  /* IdList: two length-delimited entries of 2 bytes each. */
  printf("mitra %s customers=%d\n", mitra_version_string(), len == 8 ? 2 : -1);
  mitra_free(ids);
  mitra_workspace_free(ws);
  return 0;
}
