/* Load the sample brand's customers and purchases, total the revenue from
 * the amount column, and save a snapshot. Build: cc quickstart.c -lmitra */
#include <stdio.h>
#include <stdlib.h>

#include "mitra/mitra.h"

static int check(mitra_status s, mitra_error* err) {
  if (s == MITRA_OK) return 0;
  fprintf(stderr, "%s: %s\n", mitra_status_name(s), mitra_error_message(err));
  mitra_error_free(err);
  return 1;
}

int main(int argc, char** argv) {
  const char* dir = argc > 1 ? argv[1] : "data/sample";
  char path[4096];
  mitra_workspace* ws = NULL;
  mitra_error* err = NULL;
  size_t n = 0, i;
  double revenue = 0, *amounts;

  if (check(mitra_workspace_create(&ws, &err), err)) return 1;
  snprintf(path, sizeof path, "%s/customers.csv", dir);
  if (check(mitra_workspace_ingest_csv(ws, "customers", path, &err), err)) return 1;
  /* Transactions name products and channels: load those first. */
  snprintf(path, sizeof path, "%s/products.csv", dir);
  if (check(mitra_workspace_ingest_csv(ws, "products", path, &err), err)) return 1;
  snprintf(path, sizeof path, "%s/channels.csv", dir);
  if (check(mitra_workspace_ingest_csv(ws, "channels", path, &err), err)) return 1;
  snprintf(path, sizeof path, "%s/transactions.csv", dir);
  if (check(mitra_workspace_ingest_csv(ws, "transactions", path, &err), err)) return 1;

  if (check(mitra_workspace_column_info(ws, "transactions.amount", NULL, &n, &err), err)) return 1;
  amounts = malloc(n * sizeof *amounts + 1);
  if (check(mitra_workspace_column_copy(ws, "transactions.amount", amounts, n * sizeof *amounts,
                                        &n, &err), err)) return 1;
  for (i = 0; i < n; ++i) revenue += amounts[i];
  printf("mitra %s: %zu transactions, revenue %.2f\n", mitra_version_string(), n, revenue);
  free(amounts);

  if (check(mitra_workspace_save(ws, "quickstart.mitra", &err), err)) return 1;
  mitra_workspace_free(ws);
  return 0;
}
