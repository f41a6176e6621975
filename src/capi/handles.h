// Misuse checks for the C ABI's handles. Using a freed handle, or freeing one
// twice, is undefined behaviour in any C library (mitra.h says so); in debug
// builds (no NDEBUG) mitra detects it so that a host finds its bug at the
// call that made it rather than as a crash somewhere later:
//  - workspaces are checked against a registry of live handles, so a freed
//    workspace is recognised without reading its freed memory; a call gets
//    FAILED_PRECONDITION and mitra_workspace_free aborts with a message;
//  - errors carry a magic number that mitra_error_free overwrites, and a
//    second free aborts with a message (an error is created on the
//    out-of-memory path, which must not allocate, so errors get no registry).
// Release builds keep none of this and cost nothing. Internal to libmitra.
#ifndef MITRA_SRC_CAPI_HANDLES_H_
#define MITRA_SRC_CAPI_HANDLES_H_

#include "absl/status/status.h"
#include "mitra/mitra.h"

#if !defined(NDEBUG)
#define MITRA_CHECK_HANDLES 1
#else
#define MITRA_CHECK_HANDLES 0
#endif

namespace mitra::capi {

// Records a new workspace handle as live (debug builds; may throw bad_alloc,
// so call it inside Guard before handing the handle out).
void RegisterWorkspace(const mitra_workspace* w);
// Forgets a handle about to be freed; aborts with a message when it is not
// live (double free, or a pointer mitra never returned). Never allocates.
void UnregisterWorkspace(const mitra_workspace* w) noexcept;
// NULL is INVALID_ARGUMENT naming `what`; a handle that is not live is
// FAILED_PRECONDITION (debug builds).
absl::Status CheckWorkspace(const mitra_workspace* w, const char* what = "workspace");

// Errors: the magic number, and the checks of mitra_error_code/message/free.
inline constexpr unsigned kErrorLive = 0x6d697472u;   // "mitr"
inline constexpr unsigned kErrorFreed = 0x64656164u;  // "dead"
// Aborts with a message when `e` is not a live error (debug builds).
void CheckError(const mitra_error* e, const char* function) noexcept;

}  // namespace mitra::capi

#endif  // MITRA_SRC_CAPI_HANDLES_H_
