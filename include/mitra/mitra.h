/* mitra.h: the C ABI of mitra, the relationship-marketing library.
 *
 * Conventions (they hold for every function below):
 *  - Plain C99. Only <stddef.h> and <stdint.h> are included (and
 *    mitra/version.h, macros only). Nothing but mitra_* is exported.
 *  - Names are mitra_<subject>_<result or action>. The subject is the handle
 *    a call works on (mitra_workspace_..., mitra_error_...) or, for a call
 *    that takes no handle, its capability area as the docs name it
 *    (mitra_value_..., mitra_graph_..., mitra_activation_...,
 *    mitra_channels_...). Then comes what the call returns, a noun
 *    (mitra_workspace_leaders, mitra_value_clv), or what it does, a verb
 *    (mitra_workspace_create, mitra_workspace_ingest). The names of 1.x
 *    never change, whatever this rule would say of them today; new names
 *    follow it. Each function is marked with the version that added it
 *    ("Since 1.1."): a host built against 1.n may call what is marked 1.n or
 *    earlier and check mitra_version_number() before calling newer ones.
 *  - Handles are opaque (mitra_workspace, mitra_error). Each handle type has a
 *    free function; freeing NULL does nothing. Using a handle after freeing
 *    it, or freeing it twice, is undefined behaviour, as in any C library.
 *    Debug builds of libmitra (no NDEBUG) detect it to help find the bug: a
 *    call given a freed workspace returns MITRA_FAILED_PRECONDITION, and a
 *    second free of a workspace or an error aborts with a message on stderr.
 *  - Input bytes are a pointer and a length. Messages (batches, requests,
 *    results) are serialized Protocol Buffers of package mitra.v1, described
 *    in proto/mitra/v1/; new fields never break old binaries.
 *  - Output bytes are allocated by the library and returned through
 *    (uint8_t** out, size_t* out_len); release them with mitra_free, never
 *    with the host's free. On failure *out is set to NULL and *out_len to 0.
 *  - Every function that can fail returns a mitra_status. The values mirror
 *    absl::StatusCode and never change. When `error` is not NULL, a failing
 *    call stores a new mitra_error there (the caller frees it with
 *    mitra_error_free) and a successful call stores NULL. There is no
 *    thread-local "last error": the error belongs to the call.
 *  - No function lets a C++ exception escape. Out of memory is reported as
 *    MITRA_RESOURCE_EXHAUSTED through a static error object, so the failure
 *    path never allocates.
 *  - A failing call changes nothing: a batch or file is applied whole or not
 *    at all.
 *  - Threads: functions taking `const mitra_workspace*` may run concurrently
 *    with each other on the same workspace; a function taking a non-const
 *    workspace (ingestion) waits for them and runs alone. Different
 *    workspaces are independent. Errors and output buffers may be freed on
 *    any thread.
 *  - Times are UTC seconds since the Unix epoch; money is in the workspace's
 *    one currency.
 *  - Memory: a request whose memory grows with a parameter (activation's
 *    epsilon, ell and k; threads; a panel's quotas) estimates what it needs
 *    before it allocates and reserves it from a memory budget; past the
 *    limit it is MITRA_RESOURCE_EXHAUSTED naming the parameter
 *    ("request.epsilon: ... needs an estimated N bytes ...") and nothing is
 *    allocated. (Linux overcommits memory: an oversized request would
 *    otherwise be killed by the kernel, never see an allocation fail.)
 *    Calls on a workspace reserve from that workspace's budget, shared by
 *    the requests running on it; calls that take no workspace
 *    (mitra_activation_plan, mitra_activation_simulate,
 *    mitra_graph_centrality, ...) from the process-wide budget. A
 *    workspace without a limit of its own follows the process-wide limit,
 *    whose default is half of the smallest of physical memory, RLIMIT_AS
 *    and the cgroup's memory limit. See "Memory limits" below.
 */
#ifndef MITRA_MITRA_H_
#define MITRA_MITRA_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* MITRA_API marks what the library exports. Hosts define nothing when they
 * link the shared library (on Windows the functions are then imported from
 * the DLL) and define MITRA_STATIC when they link libmitra.a (the CMake
 * target mitra::mitra_static defines it for them). The library's own build
 * defines MITRA_BUILDING. */
#if defined(_WIN32)
#if defined(MITRA_STATIC)
#define MITRA_API
#elif defined(MITRA_BUILDING)
#define MITRA_API __declspec(dllexport)
#else
#define MITRA_API __declspec(dllimport)
#endif
#else
#define MITRA_API __attribute__((visibility("default")))
#endif

/* C++ hosts see that no entry point throws. */
#ifdef __cplusplus
#define MITRA_NOEXCEPT noexcept
#else
#define MITRA_NOEXCEPT
#endif

/* ---- Version -------------------------------------------------------------
 * The macros are in mitra/version.h, which the C++ core includes alone. */
#include "mitra/version.h"

/* MITRA_VERSION_NUMBER of the library actually linked (compare with the
 * macro to detect a header/library mismatch). */
/* Since 1.0. */
MITRA_API uint32_t mitra_version_number(void) MITRA_NOEXCEPT;
/* "1.1.0": static storage, never freed. */
/* Since 1.0. */
MITRA_API const char* mitra_version_string(void) MITRA_NOEXCEPT;

/* ---- Status and errors --------------------------------------------------- */
typedef enum mitra_status {
  MITRA_OK = 0,
  MITRA_CANCELLED = 1,
  MITRA_UNKNOWN = 2,
  MITRA_INVALID_ARGUMENT = 3,
  MITRA_DEADLINE_EXCEEDED = 4,
  MITRA_NOT_FOUND = 5,
  MITRA_ALREADY_EXISTS = 6,
  MITRA_PERMISSION_DENIED = 7,
  MITRA_RESOURCE_EXHAUSTED = 8,
  MITRA_FAILED_PRECONDITION = 9,
  MITRA_ABORTED = 10,
  MITRA_OUT_OF_RANGE = 11,
  MITRA_UNIMPLEMENTED = 12,
  MITRA_INTERNAL = 13,
  MITRA_UNAVAILABLE = 14,
  MITRA_DATA_LOSS = 15,
  MITRA_UNAUTHENTICATED = 16
} mitra_status;

typedef struct mitra_error mitra_error;

/* The status of a failed call. */
/* Since 1.0. */
MITRA_API mitra_status mitra_error_code(const mitra_error* error) MITRA_NOEXCEPT;
/* A readable message naming the record and field at fault, valid until the
 * error is freed. Never NULL for a non-NULL error. */
/* Since 1.0. */
MITRA_API const char* mitra_error_message(const mitra_error* error) MITRA_NOEXCEPT;
/* Since 1.0. */
MITRA_API void mitra_error_free(mitra_error* error) MITRA_NOEXCEPT;
/* "INVALID_ARGUMENT" etc.: static storage. */
/* Since 1.0. */
MITRA_API const char* mitra_status_name(mitra_status status) MITRA_NOEXCEPT;

/* Releases a buffer returned by the library. NULL does nothing. */
/* Since 1.0. */
MITRA_API void mitra_free(void* buffer) MITRA_NOEXCEPT;

/* ---- Workspace ------------------------------------------------------------
 * A workspace holds one host's data (customers, purchases, communities, ...)
 * in compact columnar form, with the host's string ids mapped to dense
 * indices per entity kind. */
typedef struct mitra_workspace mitra_workspace;

/* Since 1.0. */
MITRA_API mitra_status mitra_workspace_create(mitra_workspace** out,
                                              mitra_error** error) MITRA_NOEXCEPT;
/* Since 1.0. */
MITRA_API void mitra_workspace_free(mitra_workspace* workspace) MITRA_NOEXCEPT;

/* Applies a serialized mitra.v1.Batch, whole or not at all. */
/* Since 1.0. */
MITRA_API mitra_status mitra_workspace_ingest(mitra_workspace* workspace,
                                              const uint8_t* batch,
                                              size_t batch_len,
                                              mitra_error** error) MITRA_NOEXCEPT;

/* Applies a CSV file of one entity kind ("customers", "transactions", ...:
 * the field names of mitra.v1.Batch), whole or not at all. Errors name the
 * file, line and column. */
/* Since 1.0. */
MITRA_API mitra_status mitra_workspace_ingest_csv(mitra_workspace* workspace,
                                                  const char* kind,
                                                  const char* path,
                                                  mitra_error** error) MITRA_NOEXCEPT;

/* The same for CSV text already in memory; `name` stands for the file name
 * in error messages (may be NULL). */
/* Since 1.0. */
MITRA_API mitra_status mitra_workspace_ingest_csv_bytes(
    mitra_workspace* workspace, const char* kind, const char* name,
    const uint8_t* csv, size_t csv_len, mitra_error** error) MITRA_NOEXCEPT;

/* A serialized mitra.v1.WorkspaceCounts. */
/* Since 1.0. */
MITRA_API mitra_status mitra_workspace_counts(const mitra_workspace* workspace,
                                              uint8_t** out, size_t* out_len,
                                              mitra_error** error) MITRA_NOEXCEPT;

/* Every record as one serialized mitra.v1.Batch (entity records first, in
 * dense index order). RESOURCE_EXHAUSTED past protobuf's 2 GiB limit: use a
 * snapshot for workspaces that large. */
/* Since 1.0. */
MITRA_API mitra_status mitra_workspace_export(const mitra_workspace* workspace,
                                              uint8_t** out, size_t* out_len,
                                              mitra_error** error) MITRA_NOEXCEPT;

/* A serialized mitra.v1.IdList: the ids of one entity kind in dense index
 * order (the indices that columns use). */
/* Since 1.0. */
MITRA_API mitra_status mitra_workspace_ids(const mitra_workspace* workspace,
                                           const char* kind, uint8_t** out,
                                           size_t* out_len,
                                           mitra_error** error) MITRA_NOEXCEPT;

/* ---- Memory limits (since 1.1) --------------------------------------------
 * The budgets described under "Memory" in the conventions. A limit is in
 * bytes; 0 removes a limit set before (the process-wide limit goes back to
 * its default, a workspace's back to following the process-wide one).
 * Requests already running keep what they reserved; a lower limit applies
 * to what they reserve next. */

/* Sets the process-wide limit: the budget of the calls that take no
 * workspace, and the limit of every workspace without one of its own. */
/* Since 1.1. */
MITRA_API mitra_status mitra_set_memory_limit(uint64_t bytes, mitra_error** error) MITRA_NOEXCEPT;
/* *bytes = the process-wide limit in force (the default when none is set). */
/* Since 1.1. */
MITRA_API mitra_status mitra_memory_limit(uint64_t* bytes, mitra_error** error) MITRA_NOEXCEPT;
/* Sets the workspace's own limit, shared by the requests run on it. */
/* Since 1.1. */
MITRA_API mitra_status mitra_workspace_set_memory_limit(mitra_workspace* workspace,
                                                        uint64_t bytes,
                                                        mitra_error** error) MITRA_NOEXCEPT;
/* *bytes = the workspace's limit in force (its own, else the process-wide
 * one). */
/* Since 1.1. */
MITRA_API mitra_status mitra_workspace_memory_limit(const mitra_workspace* workspace,
                                                    uint64_t* bytes,
                                                    mitra_error** error) MITRA_NOEXCEPT;

/* ---- Columns --------------------------------------------------------------
 * Numeric columns cross without protobuf: the caller owns the memory (a numpy
 * array, say) and the library copies into it. Names are "<kind>.<column>",
 * e.g. "transactions.customer" (uint32 dense index), "transactions.time"
 * (int64), "transactions.amount" (double); mitra_workspace_column_names lists
 * them all. A reference that is not set reads as UINT32_MAX, an absent time
 * as INT64_MIN, an absent number as NaN. */
typedef enum mitra_dtype {
  MITRA_DTYPE_UINT8 = 1,
  MITRA_DTYPE_UINT32 = 2,
  MITRA_DTYPE_INT64 = 3,
  MITRA_DTYPE_DOUBLE = 4
} mitra_dtype;

/* A serialized mitra.v1.IdList of every column name. */
/* Since 1.0. */
MITRA_API mitra_status mitra_workspace_column_names(
    const mitra_workspace* workspace, uint8_t** out, size_t* out_len,
    mitra_error** error) MITRA_NOEXCEPT;
/* The element type and length of a column. */
/* Since 1.0. */
MITRA_API mitra_status mitra_workspace_column_info(
    const mitra_workspace* workspace, const char* name, mitra_dtype* dtype,
    size_t* length, mitra_error** error) MITRA_NOEXCEPT;
/* Copies a column into `out`, which holds `out_bytes` bytes; *length gets
 * the element count. OUT_OF_RANGE when the column no longer fits (it grew
 * since mitra_workspace_column_info). */
/* Since 1.0. */
MITRA_API mitra_status mitra_workspace_column_copy(
    const mitra_workspace* workspace, const char* name, void* out,
    size_t out_bytes, size_t* length, mitra_error** error) MITRA_NOEXCEPT;

/* ---- Snapshots ------------------------------------------------------------
 * A snapshot file holds a whole workspace with a format version and a
 * checksum. Saving writes a temporary file beside `path`, syncs it and
 * renames it over `path`, so a crash leaves the old file or the new one.
 * Loading refuses a truncated or corrupted file (DATA_LOSS) or one from a
 * newer major format (FAILED_PRECONDITION) and creates nothing. */
/* Since 1.0. */
MITRA_API mitra_status mitra_workspace_save(const mitra_workspace* workspace,
                                            const char* path,
                                            mitra_error** error) MITRA_NOEXCEPT;
/* Since 1.0. */
MITRA_API mitra_status mitra_workspace_load(const char* path,
                                            mitra_workspace** out,
                                            mitra_error** error) MITRA_NOEXCEPT;

/* ---- Customer value -------------------------------------------------------
 * Purchases say what customers will do: BG/NBD, MBG/NBD and Pareto/NBD
 * (purchase models) and Gamma-Gamma (spend). Requests and models are
 * serialized messages of proto/mitra/v1/value.proto; per-customer inputs and
 * outputs are plain arrays of n doubles in the caller's memory (a numpy
 * array, say), so scoring millions of customers never touches protobuf.
 * frequency = x (repeat purchase periods), recency = t_x and T = age, in the
 * time unit the model was fitted in. */

/* A serialized mitra.v1.CustomerSummaries of the workspace's transactions,
 * from a serialized mitra.v1.SummaryRequest (calibration end, optional
 * holdout end, period and unit: never a hidden constant). */
/* Since 1.0. */
MITRA_API mitra_status mitra_workspace_value_summary(
    const mitra_workspace* workspace, const uint8_t* request, size_t request_len,
    uint8_t** out, size_t* out_len, mitra_error** error) MITRA_NOEXCEPT;

/* The same from plain transaction arrays: customer[i] (any uint32 key),
 * time[i] (unix seconds) and amount[i]; customer_id in the result holds the
 * keys as decimal strings. */
/* Since 1.0. */
MITRA_API mitra_status mitra_value_summarize(const uint32_t* customer, const int64_t* time,
                                             const double* amount, size_t n,
                                             const uint8_t* request, size_t request_len,
                                             uint8_t** out, size_t* out_len,
                                             mitra_error** error) MITRA_NOEXCEPT;

/* Fits a model by maximum likelihood: a serialized mitra.v1.FitRequest in,
 * a serialized mitra.v1.FittedModel (parameters by the papers' names, and
 * the fit report) out. A fit that fails is an error, never NaN. */
/* Since 1.0. */
MITRA_API mitra_status mitra_value_fit(const uint8_t* request, size_t request_len,
                                       uint8_t** out, size_t* out_len,
                                       mitra_error** error) MITRA_NOEXCEPT;

typedef enum mitra_value_quantity {
  MITRA_VALUE_EXPECTED_PURCHASES = 1,  /* E[purchases in the next t | x, t_x, T] */
  MITRA_VALUE_PROBABILITY_ALIVE = 2,   /* P(alive at T); t is ignored */
  MITRA_VALUE_PROBABILITY_ALIVE_AT = 3 /* P(alive at T + t) */
} mitra_value_quantity;

/* out[i] = the quantity for customer i under a fitted purchase model. */
/* Since 1.0. */
MITRA_API mitra_status mitra_value_predict(const uint8_t* model, size_t model_len,
                                           mitra_value_quantity quantity, double t,
                                           const double* frequency, const double* recency,
                                           const double* T, size_t n, double* out,
                                           mitra_error** error) MITRA_NOEXCEPT;

/* out[i] = E[X(t[i])], purchases of a new customer by time t[i]. */
/* Since 1.0. */
MITRA_API mitra_status mitra_value_expected_purchases_new(const uint8_t* model, size_t model_len,
                                                          const double* t, size_t n, double* out,
                                                          mitra_error** error) MITRA_NOEXCEPT;

/* out[i] = P(X(t) = count[i]) for a new customer (BG/NBD, MBG/NBD). */
/* Since 1.0. */
MITRA_API mitra_status mitra_value_probability_of_purchases(
    const uint8_t* model, size_t model_len, double t, const int32_t* count, size_t n,
    double* out, mitra_error** error) MITRA_NOEXCEPT;

/* out[i] = expected spend per transaction under a Gamma-Gamma model, given
 * x = frequency[i] and its mean repeat spend monetary_value[i]. */
/* Since 1.0. */
MITRA_API mitra_status mitra_value_expected_spend(const uint8_t* model, size_t model_len,
                                                  const double* frequency,
                                                  const double* monetary_value, size_t n,
                                                  double* out, mitra_error** error) MITRA_NOEXCEPT;

/* Customer lifetime value over `periods` periods of `period_length` model
 * time units each, discounted at `discount_rate` per period:
 * sum_k spend * (E[Y(k L)] - E[Y((k-1) L)]) / (1 + d)^k. */
/* Since 1.0. */
MITRA_API mitra_status mitra_value_clv(const uint8_t* purchase_model, size_t purchase_model_len,
                                       const uint8_t* spend_model, size_t spend_model_len,
                                       int32_t periods, double period_length,
                                       double discount_rate, const double* frequency,
                                       const double* recency, const double* T,
                                       const double* monetary_value, size_t n, double* out,
                                       mitra_error** error) MITRA_NOEXCEPT;

/* Prediction intervals from parameter uncertainty: a serialized
 * mitra.v1.PredictIntervalsRequest (the fitted purchase model and, for CLV
 * and expected spend, the Gamma-Gamma model, each with the log-parameter
 * covariance of its fit; the customers' columns; which predictions; the
 * horizon and CLV settings; draws, level and seed) in, a serialized
 * mitra.v1.PredictIntervalsResponse out: per prediction and customer the
 * estimate and the equal-tailed interval of the predictions at `draws`
 * parameter vectors drawn from the fits' asymptotic normal, the same for
 * the sum over customers, and the ESTIMATED basis of the total CLV.
 * Parameter uncertainty only (docs/VALUE.md). RESOURCE_EXHAUSTED names
 * draws past the memory limit. */
/* Since 1.1. */
MITRA_API mitra_status mitra_value_predict_intervals(const uint8_t* request, size_t request_len,
                                                     uint8_t** out, size_t* out_len,
                                                     mitra_error** error) MITRA_NOEXCEPT;

/* Holdout validation: predicted (the model's expected purchases over
 * holdout_length) against actual holdout purchases, by calibration
 * frequency, with customer-level MAE/RMSE and aggregate bias; a serialized
 * mitra.v1.HoldoutValidation. */
/* Since 1.0. */
MITRA_API mitra_status mitra_value_holdout(const uint8_t* model, size_t model_len,
                                           double holdout_length, const double* frequency,
                                           const double* recency, const double* T,
                                           const double* holdout_frequency, size_t n,
                                           uint8_t** out, size_t* out_len,
                                           mitra_error** error) MITRA_NOEXCEPT;

/* RFM scores and segments: a serialized mitra.v1.RfmRequest in, a
 * serialized mitra.v1.RfmResult out. */
/* Since 1.0. */
MITRA_API mitra_status mitra_value_rfm(const uint8_t* request, size_t request_len,
                                       uint8_t** out, size_t* out_len,
                                       mitra_error** error) MITRA_NOEXCEPT;

/* ---- Contract renewals and discrete opportunities (since 1.2) -------------
 * Two value models whose clock counts periods (docs/VALUE.md): sBG, the
 * shifted-beta-geometric model of subscriptions that renew or lapse at the
 * end of each period (Fader & Hardie 2007, 2010), and BG/BB, the
 * beta-geometric/beta-Bernoulli model of transactions at discrete
 * opportunities (Fader, Hardie & Shang 2010). Requests and models are
 * serialized messages of proto/mitra/v1/value.proto (SbgFitRequest,
 * SbgModel, BgBbModel, ...); per-customer and per-period data are plain
 * arrays in the caller's memory. For BG/BB, x[i] transactions in
 * opportunities[i] opportunities, the last at opportunity t_x[i] (0 when
 * x[i] = 0): whole numbers with 0 <= x <= t_x <= opportunities <= 10000;
 * errors name a bad row as "histories row i" with the paper's n for
 * opportunities. */

/* One sBG fit per cohort: a serialized mitra.v1.SbgFitRequest in (cohorts
 * as survivors per period or counts lost per period, options, horizon,
 * discount rate, value per period), a serialized mitra.v1.SbgFitResult out
 * (per cohort alpha, beta, standard errors, log-likelihood, S(t), projected
 * survivors, r(t), DERL, retention elasticity and, with a value per
 * period, the residual value of the active base with its MoneyBasis). */
/* Since 1.2. */
MITRA_API mitra_status mitra_value_sbg_fit(const uint8_t* request, size_t request_len,
                                           uint8_t** out, size_t* out_len,
                                           mitra_error** error) MITRA_NOEXCEPT;

typedef enum mitra_value_sbg_quantity {
  MITRA_VALUE_SBG_SURVIVAL = 1,   /* S(t), t >= 0 */
  MITRA_VALUE_SBG_RETENTION = 2,  /* r(t) = S(t) / S(t - 1), t >= 1 */
  MITRA_VALUE_SBG_DERL = 3,       /* DERL of a subscriber after t renewals */
  MITRA_VALUE_SBG_ELASTICITY = 4  /* the retention elasticity of that DERL */
} mitra_value_sbg_quantity;

/* out[i] = the quantity at t[i] (0..1000000) under a serialized
 * mitra.v1.SbgModel; discount_rate (per period, > 0) is read for DERL and
 * the elasticity only. */
/* Since 1.2. */
MITRA_API mitra_status mitra_value_sbg_predict(const uint8_t* model, size_t model_len,
                                               mitra_value_sbg_quantity quantity,
                                               double discount_rate, const int32_t* t, size_t n,
                                               double* out, mitra_error** error) MITRA_NOEXCEPT;

/* Fits BG/BB by maximum likelihood to n histories (weight NULL: each row
 * weighs 1; else weight[i] customers have row i's history); options a
 * serialized mitra.v1.FitOptions (NULL with length 0: the defaults;
 * initial by "alpha", "beta", "gamma", "delta"). Out: a serialized
 * mitra.v1.BgBbModel with its fit report. */
/* Since 1.2. */
MITRA_API mitra_status mitra_value_bgbb_fit(const double* x, const double* t_x,
                                            const double* opportunities, const double* weight,
                                            size_t n, const uint8_t* options, size_t options_len,
                                            uint8_t** out, size_t* out_len,
                                            mitra_error** error) MITRA_NOEXCEPT;

typedef enum mitra_value_bgbb_quantity {
  MITRA_VALUE_BGBB_PROBABILITY_ALIVE = 1,     /* P(alive at opportunity n + m), m >= 0 */
  MITRA_VALUE_BGBB_EXPECTED_TRANSACTIONS = 2  /* E[transactions in the next m], m >= 0 */
} mitra_value_bgbb_quantity;

/* out[i] = the quantity for history i under a serialized mitra.v1.BgBbModel. */
/* Since 1.2. */
MITRA_API mitra_status mitra_value_bgbb_predict(const uint8_t* model, size_t model_len,
                                                mitra_value_bgbb_quantity quantity, int32_t m,
                                                const double* x, const double* t_x,
                                                const double* opportunities, size_t n,
                                                double* out, mitra_error** error) MITRA_NOEXCEPT;

/* out[k] = P(X(opportunities) = k), k = 0..opportunities (out has
 * opportunities + 1 entries; 1..10000): the transactions of a new customer. */
/* Since 1.2. */
MITRA_API mitra_status mitra_value_bgbb_distribution(const uint8_t* model, size_t model_len,
                                                     int32_t opportunities, double* out,
                                                     mitra_error** error) MITRA_NOEXCEPT;

/* sBG per acquisition cohort of the workspace's transactions: a serialized
 * mitra.v1.WorkspaceSbgRequest in (the periods, the fit's settings), a
 * serialized mitra.v1.SbgFitResult out, one cohort per acquisition period
 * named by its start. */
/* Since 1.2. */
MITRA_API mitra_status mitra_workspace_value_sbg(const mitra_workspace* workspace,
                                                 const uint8_t* request, size_t request_len,
                                                 uint8_t** out, size_t* out_len,
                                                 mitra_error** error) MITRA_NOEXCEPT;

/* BG/BB on the workspace's customers, each period after a customer's first
 * an opportunity: a serialized mitra.v1.WorkspaceBgBbRequest in, a
 * serialized mitra.v1.WorkspaceBgBbResult out (the model, each customer's
 * history, P(alive) and expected transactions). */
/* Since 1.2. */
MITRA_API mitra_status mitra_workspace_value_bgbb(const mitra_workspace* workspace,
                                                  const uint8_t* request, size_t request_len,
                                                  uint8_t** out, size_t* out_len,
                                                  mitra_error** error) MITRA_NOEXCEPT;
/* ---- Customer value: tracking over time (since 1.2) ------------------------
 * The numbers of the calibration/holdout tracking plot (Fader, Hardie & Lee
 * 2005, Figure 2), P(alive) paths, the distribution of purchase counts and
 * the spend holdout check (docs/VALUE.md, "Tracking over time"). Times are
 * in the purchase model's time unit unless named *_seconds. */

/* out[k] = sum over i of E[X((k+1) step - birth[i])] over the customers born
 * before (k+1) step: the expected cumulative repeat transactions of the base
 * by the end of tracking period k+1, each customer entering at her first
 * purchase birth[i] (model time units after any common origin); out has
 * `periods` entries. */
/* Since 1.2. */
MITRA_API mitra_status mitra_value_expected_cumulative_transactions(
    const uint8_t* model, size_t model_len, const double* birth, size_t n, double step,
    int32_t periods, double* out, mitra_error** error) MITRA_NOEXCEPT;

/* Both tracking series from transactions customer[i], time[i] (unix
 * seconds): with the purchase rule of the summaries (a purchase falls in
 * period floor((time - origin) / period_seconds); a customer's first period
 * is her birth, each later period with a purchase one repeat purchase),
 * actual[k] counts the repeat purchases whose period has ended by
 * origin + (k+1) step units (unit_seconds each) and expected[k] is
 * mitra_value_expected_cumulative_transactions of the same births. Both
 * arrays have `periods` entries. */
/* Since 1.2. */
MITRA_API mitra_status mitra_value_tracking(const uint8_t* model, size_t model_len,
                                            const uint32_t* customer, const int64_t* time,
                                            size_t n, int64_t origin_unix_seconds,
                                            int64_t period_seconds, int64_t unit_seconds,
                                            double step, int32_t periods, double* expected,
                                            double* actual, mitra_error** error) MITRA_NOEXCEPT;

/* The same over the workspace's transactions. */
/* Since 1.2. */
MITRA_API mitra_status mitra_workspace_value_tracking(
    const mitra_workspace* workspace, const uint8_t* model, size_t model_len,
    int64_t origin_unix_seconds, int64_t period_seconds, int64_t unit_seconds, double step,
    int32_t periods, double* expected, double* actual, mitra_error** error) MITRA_NOEXCEPT;

/* out[j] = P(alive at times[j]) for one customer given her purchases up to
 * then: purchase_times (non-decreasing; the first is her birth, equal times
 * are one purchase) and times[j] >= purchase_times[0]. */
/* Since 1.2. */
MITRA_API mitra_status mitra_value_probability_alive_path(
    const uint8_t* model, size_t model_len, const double* purchase_times, size_t n_purchases,
    const double* times, size_t n_times, double* out, mitra_error** error) MITRA_NOEXCEPT;

/* out[i] = P(count[i] purchases in (T, T + t] | frequency[i], recency[i],
 * T[i]) under any purchase model (BG/NBD, MBG/NBD, Pareto/NBD); with
 * frequency, recency and T all NULL, P(X(t) = count[i]) for a new
 * customer. */
/* Since 1.2. */
MITRA_API mitra_status mitra_value_purchase_count_probability(
    const uint8_t* model, size_t model_len, double t, const int32_t* count,
    const double* frequency, const double* recency, const double* T, size_t n, double* out,
    mitra_error** error) MITRA_NOEXCEPT;

/* The spend holdout check: for the customers with holdout_frequency > 0,
 * the Gamma-Gamma expected spend per transaction given the calibration's
 * frequency and monetary_value against holdout_spend / holdout_frequency,
 * by calibration frequency; a serialized mitra.v1.HoldoutValidation whose
 * means are spend per transaction (mae, rmse per such customer; bias the
 * relative error of the mean). */
/* Since 1.2. */
MITRA_API mitra_status mitra_value_spend_holdout(
    const uint8_t* spend_model, size_t spend_model_len, const double* frequency,
    const double* monetary_value, const double* holdout_frequency, const double* holdout_spend,
    size_t n, uint8_t** out, size_t* out_len, mitra_error** error) MITRA_NOEXCEPT;

/* ---- Customer value: covariates (since 1.2) --------------------------------
 * BG/NBD, MBG/NBD and Pareto/NBD with time-invariant covariates, from plain
 * arrays (docs/VALUE.md, "Covariates"; mitra_value_fit with FitRequest's
 * covariate fields is the same fit through a message). Customer i has x[i]
 * repeat purchases, the last at t_x[i], by age T[i], in one time unit. Each
 * process's covariates are a row-major matrix of n rows: purchase[i * P + k]
 * is column k (P = purchase_columns) of customer i, purchase_len = n * P;
 * likewise dropout with D = dropout_columns. P or D may be 0 (that array
 * may then be NULL). Purchase covariates move alpha (alpha_i = alpha
 * exp(-g1' z1_i)); dropout covariates move a and b (a_i = a exp(g2' z2_i),
 * b_i likewise) or beta (beta_i = beta exp(-g2' z2_i)). Errors name the
 * argument: "purchase: has 5 values, expected ...", "purchase[7]: must be
 * finite", "customer data row 3: ...". */

typedef enum mitra_value_covariate_model {
  MITRA_VALUE_COVARIATE_BG_NBD = 1,     /* r, alpha, a, b */
  MITRA_VALUE_COVARIATE_MBG_NBD = 2,    /* r, alpha, a, b */
  MITRA_VALUE_COVARIATE_PARETO_NBD = 3  /* r, alpha, s, beta */
} mitra_value_covariate_model;

/* A fit's log-likelihood and the likelihood-ratio test of its covariates
 * against the same model without them: statistic = 2 (log_likelihood -
 * restricted_log_likelihood), chi-square on degrees_of_freedom = P + D. */
typedef struct mitra_value_covariate_test {
  double log_likelihood;
  double statistic;
  int32_t degrees_of_freedom;
  double p_value;
  double restricted_log_likelihood;
} mitra_value_covariate_test;

/* Fits the model with covariates by maximum likelihood (penalty >= 0: an L2
 * penalty on the coefficients, 0 for none). Out: params[4], the parameters
 * of a customer whose covariates are all 0 (r, alpha, a, b or r, alpha, s,
 * beta); coefficients[P + D], the purchase ones then the dropout ones;
 * standard_errors[4 + P + D] in the same order (params, then coefficients;
 * NaN when the Hessian at the optimum is not positive definite); *test.
 * Constant or collinear columns are refused (their coefficients could not
 * be told apart from alpha, a, b or beta). Nothing is written on error. */
/* Since 1.2. */
MITRA_API mitra_status mitra_value_fit_covariates(
    mitra_value_covariate_model model, const double* x, const double* t_x, const double* T,
    size_t n, const double* purchase, size_t purchase_len, size_t purchase_columns,
    const double* dropout, size_t dropout_len, size_t dropout_columns, double penalty,
    double* params, double* coefficients, double* standard_errors,
    mitra_value_covariate_test* test, mitra_error** error) MITRA_NOEXCEPT;

/* out[i] = the quantity for customer i at her own parameters under a fit
 * with covariates (params[4] and coefficients[P + D] as the fit returns
 * them; quantity and t as mitra_value_predict). The covariate matrices are
 * those of the customers predicted for, with the fit's columns. */
/* Since 1.2. */
MITRA_API mitra_status mitra_value_predict_covariates(
    mitra_value_covariate_model model, const double* params, const double* coefficients,
    mitra_value_quantity quantity, double t, const double* x, const double* t_x,
    const double* T, size_t n, const double* purchase, size_t purchase_len,
    size_t purchase_columns, const double* dropout, size_t dropout_len,
    size_t dropout_columns, double* out, mitra_error** error) MITRA_NOEXCEPT;

/* Tracking with covariates: out[k] = sum over i of E[X((k+1) step - birth[i])]
 * at customer i's own parameters (params[4] and coefficients[P + D] as
 * mitra_value_fit_covariates returns them; row i of the covariate matrices
 * is customer i) over the customers born before (k+1) step, as
 * mitra_value_expected_cumulative_transactions; out has `periods` entries
 * and is written only when the call succeeds. */
/* Since 1.2. */
MITRA_API mitra_status mitra_value_expected_cumulative_transactions_covariates(
    mitra_value_covariate_model model, const double* params, const double* coefficients,
    const double* birth, size_t n, const double* purchase, size_t purchase_len,
    size_t purchase_columns, const double* dropout, size_t dropout_len, size_t dropout_columns,
    double step, int32_t periods, double* out, mitra_error** error) MITRA_NOEXCEPT;

/* ---- Customer value: a covariate fit over customers held elsewhere ---------
 * The fit of mitra_value_fit_covariates when the customers are spread over
 * several processes or machines (docs/SCALE.md, "Covariates: a distributed
 * likelihood"). The fit centres and scales each covariate column by its
 * mean and standard deviation over all customers, and its optimiser
 * maximises a sum over customers: both are sums over blocks of customers.
 * A host (1) adds up each block's mitra_value_covariate_moments, twice (the
 * sums, then the cross-products about their centre), and (2) calls
 * mitra_value_fit_covariates_callback with the total, which calls the host
 * back at every step of mitra's optimiser; the host then evaluates
 * mitra_value_covariate_log_likelihood on each block at the parameters,
 * centre and scale it is given and returns the sum. Summed over the same
 * customers, the fit is mitra_value_fit's, up to the order of the sums. */

/* The moments of one block of n customers' columns (values row-major, n x
 * columns, n * columns values, all finite). With sum NULL: out[columns] =
 * the block's column sums. With sum[columns] (the sums over all blocks)
 * and count (the customers of all blocks, >= 1): out[columns * columns] =
 * the sum over the block's rows of (z - c)(z - c)', row-major, about the
 * centre c = sum / count. Both add up over blocks. out is written only when
 * the call succeeds. */
/* Since 1.2. */
MITRA_API mitra_status mitra_value_covariate_moments(const double* values, size_t n,
                                                     size_t columns, const double* sum,
                                                     double count, double* out,
                                                     mitra_error** error) MITRA_NOEXCEPT;

/* *log_likelihood = the sum over the block's n customers of weight[i] (NULL:
 * 1) times ln L, and gradient[4 + P + D] (may be NULL) its derivatives by
 * params[4] and coefficients[P + D] (arguments as mitra_value_fit_covariates
 * and mitra_value_predict_covariates). With center and scale (P + D
 * entries each, purchase columns first; scale > 0) each column is used as
 * (z - center) / scale: the coordinates mitra_value_fit_covariates_callback
 * asks for; NULL for both: the columns as given. n = 0 gives 0. Nothing is
 * written on error. */
/* Since 1.2. */
MITRA_API mitra_status mitra_value_covariate_log_likelihood(
    mitra_value_covariate_model model, const double* params, const double* coefficients,
    const double* center, const double* scale, const double* x, const double* t_x,
    const double* T, const double* weight, size_t n, const double* purchase, size_t purchase_len,
    size_t purchase_columns, const double* dropout, size_t dropout_len, size_t dropout_columns,
    double* log_likelihood, double* gradient, mitra_error** error) MITRA_NOEXCEPT;

/* The host's sum over all its customers: mitra_value_covariate_log_likelihood
 * at params[4], coefficients[P + D], center[P + D] and scale[P + D] over
 * every block, added up into *log_likelihood and gradient[4 + P + D].
 * Returns 0, or anything else to stop the fit (the host's failure; no
 * exception or longjmp may cross into mitra). Called from the thread that
 * called the fit, never concurrently. */
typedef int (*mitra_value_covariate_likelihood)(const double* params, const double* coefficients,
                                                const double* center, const double* scale,
                                                double* log_likelihood, double* gradient,
                                                void* user);

/* Fits the model with covariates by mitra's optimiser, the sum over
 * customers given by `log_likelihood` (called with `user`): request a
 * serialized mitra.v1.FitRequest as for mitra_value_fit with covariates
 * (model, options, unit_seconds, covariate names and penalty) but no
 * covariate values; its frequency, recency, T (and weight) are the same
 * customers without covariates, in any order and merged into weighted rows
 * or not (the fit without covariates, which starts this one and is the
 * likelihood-ratio test's restricted fit, and the total weight come from
 * them). count and purchase_sum[P], purchase_cross[P * P], dropout_sum[D],
 * dropout_cross[D * D]: the columns' moments summed over all blocks
 * (mitra_value_covariate_moments; NULL when P or D is 0). Out: a serialized
 * mitra.v1.FittedModel as mitra_value_fit returns it (report.rows =
 * count). Constant or collinear columns are refused as by
 * mitra_value_fit_covariates, naming FitRequest.purchase_covariates or
 * dropout_covariates. When the callback returns non-zero the fit stops:
 * MITRA_ABORTED, "log_likelihood: the host's callback returned 3 at
 * evaluation 12", nothing written. */
/* Since 1.2. */
MITRA_API mitra_status mitra_value_fit_covariates_callback(
    const uint8_t* request, size_t request_len, double count, const double* purchase_sum,
    const double* purchase_cross, const double* dropout_sum, const double* dropout_cross,
    mitra_value_covariate_likelihood log_likelihood, void* user, uint8_t** out, size_t* out_len,
    mitra_error** error) MITRA_NOEXCEPT;

/* ---- Customer value: a fit without covariates over customers held elsewhere
 * The fit of mitra_value_fit (BG/NBD, MBG/NBD, Pareto/NBD, Gamma-Gamma)
 * when the customers are spread over several processes or machines and
 * their summaries do not merge into few weighted rows: in continuous time
 * nearly every (x, t_x, T) is distinct, and so is Gamma-Gamma's mean spend
 * (docs/SCALE.md, "A distributed likelihood without covariates"). The host
 * calls mitra_value_fit_callback, which calls it back at every step of
 * mitra's optimiser; the host then evaluates mitra_value_log_likelihood on
 * each block at the parameters it is given and returns the sum. Summed
 * over the same customers, the fit is mitra_value_fit's, up to the order
 * of the sums. */

/* *log_likelihood = the sum over the block's n rows of weight[i] (NULL: 1)
 * times ln L under `model` (a mitra.v1.ValueModel number: 1 BG/NBD, 2
 * MBG/NBD, 3 Pareto/NBD, 4 Gamma-Gamma) at params[params_len], the natural
 * parameters in the model's order (r, alpha, a, b; r, alpha, s, beta; p,
 * q, gamma), each finite and > 0; gradient[params_len] (may be NULL) its
 * derivatives by them. Purchase models read frequency, recency and T
 * (monetary_value may be NULL); Gamma-Gamma reads frequency and
 * monetary_value (recency and T may be NULL), and its rows with frequency
 * 0 add nothing. Rows are checked as mitra_value_fit checks them ("block
 * row 3: ..."). n = 0 gives 0. Nothing is written on error. */
/* Since 1.2. */
MITRA_API mitra_status mitra_value_log_likelihood(
    int32_t model, const double* params, size_t params_len, const double* frequency,
    const double* recency, const double* T, const double* monetary_value, const double* weight,
    size_t n, double* log_likelihood, double* gradient, mitra_error** error) MITRA_NOEXCEPT;

/* The host's sum over all its customers: mitra_value_log_likelihood at
 * params (as many as the model has) over every block, added up into
 * *log_likelihood and gradient. Returns 0, or anything else to stop the
 * fit (the host's failure; no exception or longjmp may cross into mitra).
 * Called from the thread that called the fit, never concurrently. */
typedef int (*mitra_value_likelihood)(const double* params, double* log_likelihood,
                                      double* gradient, void* user);

/* Fits the model by mitra's optimiser, the sum over customers given by
 * `log_likelihood` (called with `user`): request a serialized
 * mitra.v1.FitRequest with the model, options (initial, penalizer,
 * tolerances, standard_errors) and unit_seconds, and no rows; count the
 * total weight the sums cover (customers; Gamma-Gamma: those with
 * frequency > 0), a whole number >= 1. The start is options.initial or the
 * model's default, as mitra_value_fit's. Out: a serialized
 * mitra.v1.FittedModel as mitra_value_fit returns it, with report.rows =
 * count; Gamma-Gamma's spend_independence needs the rows and is absent.
 * Covariates are mitra_value_fit_covariates_callback's. When the callback
 * returns non-zero the fit stops: MITRA_ABORTED, "log_likelihood: the
 * host's callback returned 3 at evaluation 12", nothing written. */
/* Since 1.2. */
MITRA_API mitra_status mitra_value_fit_callback(const uint8_t* request, size_t request_len,
                                                double count,
                                                mitra_value_likelihood log_likelihood,
                                                void* user, uint8_t** out, size_t* out_len,
                                                mitra_error** error) MITRA_NOEXCEPT;

/* ---- Graphs (since 1.1) ----------------------------------------------------
 * Centralities, cores, betweenness and Leiden communities of any graph
 * (docs/GRAPH.md). A graph crosses as plain edge arrays in the caller's
 * memory: edge i is src[i] -> dst[i] with weight weights[i] (weights NULL:
 * unweighted), nodes 0..num_nodes-1. Duplicate edges are summed when
 * weighted and collapsed when not; self-loops are kept. Options are
 * serialized messages of proto/mitra/v1/graph.proto; per-node results are
 * written into caller arrays of num_nodes entries, and only when the call
 * succeeds. An id >= num_nodes or a negative/non-finite weight is
 * INVALID_ARGUMENT naming the array and the edge ("src[3]: ..."). */

/* values[v] = the centrality of node v: a serialized mitra.v1.CentralityRequest
 * (pagerank, katz, eigenvector, betweenness, sampled_betweenness, kcore, or
 * since 1.2 hits: its hubs or its authorities,
 * and whether the edges are directed) in, a serialized
 * mitra.v1.CentralityReport (iterations, convergence; for sampled
 * betweenness its guarantee) out. Non-convergence is FAILED_PRECONDITION. */
/* Since 1.1. */
MITRA_API mitra_status mitra_graph_centrality(uint32_t num_nodes, const uint32_t* src,
                                              const uint32_t* dst, const double* weights,
                                              size_t num_edges, const uint8_t* request,
                                              size_t request_len, double* values,
                                              uint8_t** report, size_t* report_len,
                                              mitra_error** error) MITRA_NOEXCEPT;

/* membership[v] = node v's Leiden community (numbered 0..k-1 in order of
 * each community's smallest node): a serialized mitra.v1.LeidenRequest in
 * (modularity or CPM, resolution, seed, ...), a serialized
 * mitra.v1.LeidenReport out (communities, quality, iterations). The edges
 * are read as undirected, unless (since 1.2) LeidenRequest.directed asks
 * for the directed form of modularity: then they are arcs src -> dst. */
/* Since 1.1. */
MITRA_API mitra_status mitra_graph_leiden(uint32_t num_nodes, const uint32_t* src,
                                          const uint32_t* dst, const double* weights,
                                          size_t num_edges, const uint8_t* request,
                                          size_t request_len, uint32_t* membership,
                                          uint8_t** report, size_t* report_len,
                                          mitra_error** error) MITRA_NOEXCEPT;

/* values[i] = edge i's value (num_edges entries; duplicate edges get the
 * value of the edge they merge into; in an undirected graph edge i is
 * {src[i], dst[i]}): a serialized mitra.v1.EdgeValuesRequest in
 * (betweenness: edge betweenness, networkx's edge_betweenness_centrality,
 * the ties that bridge communities; or truss: truss numbers on the
 * undirected simple view, networkx's k_truss, a self-loop 0), a serialized
 * mitra.v1.EdgeValuesReport out. */
/* Since 1.2. */
MITRA_API mitra_status mitra_graph_edge_values(uint32_t num_nodes, const uint32_t* src,
                                               const uint32_t* dst, const double* weights,
                                               size_t num_edges, const uint8_t* request,
                                               size_t request_len, double* values,
                                               uint8_t** report, size_t* report_len,
                                               mitra_error** error) MITRA_NOEXCEPT;

/* *out = the modularity of the partition membership[0..num_nodes) (each
 * entry < num_nodes) with the given resolution (finite, >= 0); `directed`
 * (0 or 1) selects Leicht & Newman's directed form, as networkx. */
/* Since 1.1. */
MITRA_API mitra_status mitra_graph_modularity(uint32_t num_nodes, const uint32_t* src,
                                              const uint32_t* dst, const double* weights,
                                              size_t num_edges, int32_t directed,
                                              const uint32_t* membership, double resolution,
                                              double* out, mitra_error** error) MITRA_NOEXCEPT;

/* One block's share of a PageRank power-iteration sweep, for PageRank
 * computed across machines (docs/SCALE.md): the edges (directed, as above)
 * are every out-edge of the nodes [first, last) and only those; x holds the
 * current values of those nodes (last - first finite entries). Writes
 * y[v] = the sum over the edges u -> v of x[u - first] w(u, v) / W(u), W(u)
 * the out-weight of u (its out-degree when weights is NULL), for every node
 * v (num_nodes entries), and *dangling = the sum of x[u - first] over the
 * nodes of the block without out-weight. Summed over the blocks these are
 * P^T x and the dangling mass of PageRank's iteration (mitra/graph/pagerank.h);
 * the caller applies damping and teleport. An edge whose source lies
 * outside the block is INVALID_ARGUMENT naming it ("src[4]: ..."). */
/* Since 1.2. */
MITRA_API mitra_status mitra_graph_transition_product(uint32_t num_nodes, const uint32_t* src,
                                                      const uint32_t* dst, const double* weights,
                                                      size_t num_edges, uint32_t first,
                                                      uint32_t last, const double* x, double* y,
                                                      double* dangling,
                                                      mitra_error** error) MITRA_NOEXCEPT;

/* The workspace's interaction graph (who acts towards whom, weighted by
 * kind and decayed by age): a serialized mitra.v1.InteractionGraphRequest
 * in, a serialized mitra.v1.Graph out (node_ids: the customer ids; one node
 * per customer, or per member of request.community_id). */
/* Since 1.1. */
MITRA_API mitra_status mitra_workspace_interaction_graph(
    const mitra_workspace* workspace, const uint8_t* request, size_t request_len,
    uint8_t** out, size_t* out_len, mitra_error** error) MITRA_NOEXCEPT;

/* Influence probabilities learned from the workspace (docs/GRAPH.md,
 * "Learning influence probabilities"): a serialized
 * mitra.v1.LearnInfluenceRequest in (the actions: purchases, optionally of
 * one product line, program joins or referral conversions; the method:
 * EM, Bernoulli, Jaccard or continuous time; the window; the interaction
 * graph's options; optionally a holdout split), a serialized
 * mitra.v1.LearnInfluenceReport out: per arc of the interaction graph
 * (customer ids) its trials, successes, raw estimate and Beta posterior
 * (mean, interval, alpha, beta); per interaction kind the fitted prior;
 * with a split, the holdout's log-likelihood and AUC per model. A bad
 * option is INVALID_ARGUMENT naming the request field
 * ("request.window_seconds: must be > 0, got 0"); a split that leaves a
 * period without actions is FAILED_PRECONDITION. */
/* Since 1.1. */
MITRA_API mitra_status mitra_workspace_learn_influence(
    const mitra_workspace* workspace, const uint8_t* request, size_t request_len,
    uint8_t** out, size_t* out_len, mitra_error** error) MITRA_NOEXCEPT;

/* ---- Leaders (since 1.1) ---------------------------------------------------
 * Informal leaders and bridges of communities, trust and community health
 * (docs/LEADERS.md): serialized messages of proto/mitra/v1/leaders.proto in
 * and out. Customers and communities are named by id; an unknown id is
 * NOT_FOUND. */

/* A serialized mitra.v1.LeadersRequest in, a serialized mitra.v1.LeadersReport
 * (per community its leaders with their component scores; the bridges) out. */
/* Since 1.1. */
MITRA_API mitra_status mitra_workspace_leaders(const mitra_workspace* workspace,
                                               const uint8_t* request, size_t request_len,
                                               uint8_t** out, size_t* out_len,
                                               mitra_error** error) MITRA_NOEXCEPT;

/* A serialized mitra.v1.TrustRequest in, a serialized mitra.v1.TrustReport
 * (per customer: Beta reputation, EigenTrust, rank ladder level) out. */
/* Since 1.1. */
MITRA_API mitra_status mitra_workspace_trust(const mitra_workspace* workspace,
                                             const uint8_t* request, size_t request_len,
                                             uint8_t** out, size_t* out_len,
                                             mitra_error** error) MITRA_NOEXCEPT;

/* A serialized mitra.v1.HealthRequest in, a serialized mitra.v1.HealthReport
 * (per community: members, activity, growth per period; cohort retention)
 * out. */
/* Since 1.1. */
MITRA_API mitra_status mitra_workspace_community_health(
    const mitra_workspace* workspace, const uint8_t* request, size_t request_len,
    uint8_t** out, size_t* out_len, mitra_error** error) MITRA_NOEXCEPT;

/* ---- Activation (since 1.1) ------------------------------------------------
 * Activation planning (docs/ACTIVATION.md): which leaders to activate, at
 * what cost, and the reach to expect, under Independent Cascade or Linear
 * Threshold diffusion. The graph crosses as edge arrays as for "Graphs"
 * (edge i is src[i] -> dst[i], weights NULL: unweighted, nodes
 * 0..num_nodes-1; directed unless the request says otherwise); requests and
 * results are serialized messages of proto/mitra/v1/activation.proto.
 * *out is written only when the call succeeds. Bad input is
 * INVALID_ARGUMENT naming the field ("request.epsilon: ...", "src[3]: ...").
 * Seeded results do not depend on request.threads. */

/* A serialized mitra.v1.PlanRequest in (model, probabilities, k or budget
 * with costs, epsilon, ell, seed, candidates, excluded, must-include,
 * targets, groups and quotas, check_runs), a serialized mitra.v1.Plan out:
 * IMM's seeds in the order chosen with their marginal gains and costs, an
 * independent Monte-Carlo check of their reach with its 95% interval and
 * per-group reach, total cost, cost per expected reached node, and the
 * guarantee used. */
/* Since 1.1. */
MITRA_API mitra_status mitra_activation_plan(uint32_t num_nodes, const uint32_t* src,
                                             const uint32_t* dst, const double* weights,
                                             size_t num_edges, const uint8_t* request,
                                             size_t request_len, uint8_t** out,
                                             size_t* out_len, mitra_error** error) MITRA_NOEXCEPT;

/* A serialized mitra.v1.SimulateRequest in (seeds, model, probabilities,
 * runs, seed, targets, groups), a serialized mitra.v1.SpreadEstimate out
 * (mean spread, standard error, 95% interval, per-group reach). */
/* Since 1.1. */
MITRA_API mitra_status mitra_activation_simulate(uint32_t num_nodes, const uint32_t* src,
                                                 const uint32_t* dst, const double* weights,
                                                 size_t num_edges, const uint8_t* request,
                                                 size_t request_len, uint8_t** out,
                                                 size_t* out_len,
                                                 mitra_error** error) MITRA_NOEXCEPT;

/* The same on a workspace: a serialized mitra.v1.WorkspacePlanRequest in
 * (the PlanRequest settings, the interaction graph's kind weights and
 * half-life, candidates = the leaders found by the leaders capability or
 * every customer, incentive costs by customer id / customer attribute /
 * default, excluded and must-include customer ids, target communities,
 * per-community quotas), a serialized mitra.v1.WorkspacePlan out: the
 * chosen leaders by customer id with their community, leader rank, cost and
 * marginal gain, the plan, and the expected reach per home community. An
 * unknown customer or community id is NOT_FOUND. */
/* Since 1.1. */
MITRA_API mitra_status mitra_workspace_activation_plan(const mitra_workspace* workspace,
                                                       const uint8_t* request,
                                                       size_t request_len, uint8_t** out,
                                                       size_t* out_len,
                                                       mitra_error** error) MITRA_NOEXCEPT;

/* ---- Activation in pieces (since 1.2) --------------------------------------
 * IMM with its RR sets drawn across machines (docs/SCALE.md, "Activation"):
 * each machine draws its share of the sample's indices on its copy of the
 * graph (mitra_activation_rr_sets) and counts coverage over it
 * (mitra_activation_rr_coverage); the caller sums the counts, runs the
 * greedy on the sums (the allowed node of the most uncovered sets, the
 * smallest id among ties: the rule of mitra_activation_plan's greedy),
 * asks for the next sample size (mitra_activation_imm_stage) and finally
 * for the plan of its selection (mitra_activation_selection_plan). RR set i
 * depends only on the request's seed and i, so the result is
 * mitra_activation_plan's for the same request whatever the split.
 * The request is a serialized mitra.v1.PlanRequest as for
 * mitra_activation_plan, with algorithm IMM and without fresh_rr_sets (both
 * are INVALID_ARGUMENT naming the field); groups without quotas are only
 * reported, as there. */

/* RR sets [first, last) of IMM's sample for the request: *out holds
 * last - first uint32 set sizes followed by the sets' stored nodes (uint32,
 * host byte order, set after set), *out_len their bytes. Memory is reserved
 * first (RESOURCE_EXHAUSTED naming request.epsilon past the limit); last <
 * first, or last beyond request.max_rr_sets, is INVALID_ARGUMENT naming
 * last. */
/* Since 1.2. */
MITRA_API mitra_status mitra_activation_rr_sets(uint32_t num_nodes, const uint32_t* src,
                                                const uint32_t* dst, const double* weights,
                                                size_t num_edges, const uint8_t* request,
                                                size_t request_len, uint64_t first,
                                                uint64_t last, uint8_t** out, size_t* out_len,
                                                mitra_error** error) MITRA_NOEXCEPT;

/* Coverage over RR sets as mitra_activation_rr_sets returns them (sets:
 * sets_len uint32, the first num_sets of them the sizes): gains[i] (num_seeds
 * entries) = the sets whose first seed, in the order given, is seeds[i];
 * counts[v] (num_nodes entries) = the sets containing v that no seed
 * covers. Seeds distinct and < num_nodes ("seeds[2]: ..."); sizes that do
 * not add up to the nodes after them, or a node >= num_nodes, are
 * INVALID_ARGUMENT naming sets. */
/* Since 1.2. */
MITRA_API mitra_status mitra_activation_rr_coverage(uint32_t num_nodes, const uint32_t* sets,
                                                    size_t sets_len, uint64_t num_sets,
                                                    const uint32_t* seeds, size_t num_seeds,
                                                    uint64_t* gains, uint64_t* counts,
                                                    mitra_error** error) MITRA_NOEXCEPT;

/* IMM's next stage for the request on num_nodes nodes. round 0 (covered 0):
 * the first stage. round r >= 1: the greedy over phase-1 round r's sets
 * [0, *sets of round r) covered `covered` of them (must-include seeds
 * included). Writes *next_round = the next phase-1 round, or 0 for the
 * selection; *sets = the RR sets [0, *sets) the next greedy runs over
 * (sample up to there; for the selection ceil(lambda* / LB), or the last
 * round's sets when more, as IMM keeps them); *lower_bound = IMM's lower
 * bound on OPT when *next_round is 0, else 0. More sets than request.max_rr_sets is
 * RESOURCE_EXHAUSTED naming request.epsilon, as mitra_activation_plan. */
/* Since 1.2. */
MITRA_API mitra_status mitra_activation_imm_stage(uint32_t num_nodes, const uint8_t* request,
                                                  size_t request_len, uint32_t round,
                                                  uint64_t covered, uint32_t* next_round,
                                                  uint64_t* sets, double* lower_bound,
                                                  mitra_error** error) MITRA_NOEXCEPT;

/* The serialized mitra.v1.Plan of the seeds the greedy chose (in order,
 * must-include first; seed i newly covering gains[i] of the sets) over the
 * selection stage's `sets` RR sets with its `lower_bound`
 * (mitra_activation_imm_stage), as mitra_activation_plan reports it, with
 * its Monte-Carlo check; rr_memory_bytes is 0 (no one process held the
 * sets). A `sets` that is not the stage's for lower_bound, or gains adding
 * up to more than sets, is INVALID_ARGUMENT naming the argument. */
/* Since 1.2. */
MITRA_API mitra_status mitra_activation_selection_plan(
    uint32_t num_nodes, const uint32_t* src, const uint32_t* dst, const double* weights,
    size_t num_edges, const uint8_t* request, size_t request_len, const uint32_t* seeds,
    const uint64_t* gains, size_t num_seeds, uint64_t sets, double lower_bound, uint8_t** out,
    size_t* out_len, mitra_error** error) MITRA_NOEXCEPT;

/* ---- Ladder (since 1.1) ----------------------------------------------------
 * The relationship ladder and external-employee contribution
 * (docs/LADDER.md): serialized messages of proto/mitra/v1/ladder.proto in
 * and out. Customers are named by id; an unknown id is NOT_FOUND; a bad
 * field is INVALID_ARGUMENT naming it ("request.rules.stages[2]..."). */

/* A serialized mitra.v1.LadderRequest in (rules, or the default ladder;
 * as_of; optional history), a serialized mitra.v1.LadderReport out: each
 * customer's stage with the evidence behind it and the next unmet
 * requirement, passive and active involvement, customers per stage, and per
 * period the funnel and the transitions between stages. */
/* Since 1.1. */
MITRA_API mitra_status mitra_workspace_ladder(const mitra_workspace* workspace,
                                              const uint8_t* request, size_t request_len,
                                              uint8_t** out, size_t* out_len,
                                              mitra_error** error) MITRA_NOEXCEPT;

/* A serialized mitra.v1.ContributionRequest in, a serialized
 * mitra.v1.ContributionReport out: per customer the money made as an
 * "external employee" (referral value, influence value, co-creation credit,
 * which add up to the total) and their own margin beside it. */
/* Since 1.1. */
MITRA_API mitra_status mitra_workspace_contribution(const mitra_workspace* workspace,
                                                    const uint8_t* request, size_t request_len,
                                                    uint8_t** out, size_t* out_len,
                                                    mitra_error** error) MITRA_NOEXCEPT;

/* ---- Co-creation (since 1.1) -----------------------------------------------
 * Co-creation programs (docs/COCREATION.md): trial panels, what the feedback
 * says, and what came of it. Serialized messages of
 * proto/mitra/v1/cocreation_analysis.proto in and out; customers, programs,
 * products and communities are named by id (an unknown id is NOT_FOUND); a
 * bad field is INVALID_ARGUMENT naming it ("request.quotas[1].max: ..."). */

/* A serialized mitra.v1.PanelRequest in (size, seed, quotas by attribute,
 * community or stage, candidates, fatigue window, propensity options), a
 * serialized mitra.v1.PanelReport out: the members in the order chosen with
 * their weights, and per quota whether it was met, by how much it falls
 * short and why. The same seed gives the same panel. With request.strict an
 * unmet quota is FAILED_PRECONDITION naming it. */
/* Since 1.1. */
MITRA_API mitra_status mitra_workspace_cocreation_panel(const mitra_workspace* workspace,
                                                        const uint8_t* request,
                                                        size_t request_len, uint8_t** out,
                                                        size_t* out_len,
                                                        mitra_error** error) MITRA_NOEXCEPT;

/* A serialized mitra.v1.FeedbackRequest in, a serialized
 * mitra.v1.FeedbackReport out: per program and product, each attribute's
 * mean, Bayesian average, Wilson bound of the positive share,
 * reviewer-corrected mean and shortfall test (Benjamini-Hochberg flagged),
 * and NPS with its interval. */
/* Since 1.1. */
MITRA_API mitra_status mitra_workspace_cocreation_feedback(const mitra_workspace* workspace,
                                                           const uint8_t* request,
                                                           size_t request_len, uint8_t** out,
                                                           size_t* out_len,
                                                           mitra_error** error) MITRA_NOEXCEPT;

/* A serialized mitra.v1.AdoptionRequest in (decisions taken on feedback), a
 * serialized mitra.v1.AdoptionReport out: per decision its before/after
 * measure with an interval, per program the adoption rate and value, and
 * each contributor's share of the value of adopted changes. */
/* Since 1.1. */
MITRA_API mitra_status mitra_workspace_cocreation_adoption(const mitra_workspace* workspace,
                                                           const uint8_t* request,
                                                           size_t request_len, uint8_t** out,
                                                           size_t* out_len,
                                                           mitra_error** error) MITRA_NOEXCEPT;

/* ---- Channels (since 1.1) -------------------------------------------------
 * Channel economics (docs/CHANNELS.md): the distribution chain's margin
 * stack, profit per member, cost to serve, conflict signals, and the chain
 * beside community activation on the same money. Serialized messages of
 * proto/mitra/v1/channel_economics.proto in and out; members are named by
 * Channel id; a bad field is INVALID_ARGUMENT naming it
 * ("request.rates.per_order: ..."), an unknown product id NOT_FOUND. */

/* A serialized mitra.v1.ChannelRequest in (window, activity rates,
 * incentives, conflict thresholds, optional linear demand, an activation
 * plan or request, conversion rate, budget), a serialized
 * mitra.v1.ChannelReport out: per member its sales (own and rolled up),
 * margin money, profit and cost to serve; per route (chain, direct,
 * community) its economics and cost per acquired customer; margin stacks;
 * shared customers, shared territories, undercutting and switching; the
 * community route's expected conversions and cost per acquired customer;
 * the side-by-side comparison; with a budget, its split. */
/* Since 1.1. */
MITRA_API mitra_status mitra_workspace_channel_economics(const mitra_workspace* workspace,
                                                         const uint8_t* request,
                                                         size_t request_len, uint8_t** out,
                                                         size_t* out_len,
                                                         mitra_error** error) MITRA_NOEXCEPT;

/* A serialized mitra.v1.CampaignEffectsRequest in (window, period length,
 * baseline periods, confidence, bootstrap draws and seed, spends to compare
 * at), a serialized mitra.v1.CampaignEffectsReport out: each campaign's
 * effect per treated unit and period by difference in differences against
 * the units no campaign of its route treated, its total and return per
 * unit spent, each with its interval and MoneyBasis; per route (chain,
 * community) the response a(1 - e^(-b spend)) fitted to its campaigns; with
 * both, the probability that community returns more than the chain. A
 * route or campaign that cannot be measured is a note in the report, not
 * an error. */
/* Since 1.1. */
MITRA_API mitra_status mitra_workspace_campaign_effects(const mitra_workspace* workspace,
                                                        const uint8_t* request, size_t request_len,
                                                        uint8_t** out, size_t* out_len,
                                                        mitra_error** error) MITRA_NOEXCEPT;

/* A serialized mitra.v1.BudgetRequest in (budget, routes with concave
 * responses and values per conversion), a serialized mitra.v1.BudgetSplit
 * out: the spend per route that maximises expected profit, each route's
 * marginal return at the optimum and the multiplier. No workspace. */
/* Since 1.1. */
MITRA_API mitra_status mitra_channels_budget_split(const uint8_t* request, size_t request_len,
                                                   uint8_t** out, size_t* out_len,
                                                   mitra_error** error) MITRA_NOEXCEPT;

/* A serialized mitra.v1.LinearDemandRequest in (q = a - b p, unit cost c),
 * a serialized mitra.v1.DoubleMarginalisation out: the integrated channel
 * and chains of 1..max_tiers independent tiers in closed form. */
/* Since 1.1. */
MITRA_API mitra_status mitra_channels_double_marginalisation(const uint8_t* request,
                                                             size_t request_len, uint8_t** out,
                                                             size_t* out_len,
                                                             mitra_error** error) MITRA_NOEXCEPT;

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif /* MITRA_MITRA_H_ */
