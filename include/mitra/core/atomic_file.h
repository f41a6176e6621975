// Replacing a file atomically, and cleaning up after writers that died.
#ifndef MITRA_CORE_ATOMIC_FILE_H_
#define MITRA_CORE_ATOMIC_FILE_H_

#include <functional>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace mitra {

// Writes `bytes` to a temporary file beside `path`, fsyncs it, renames it over
// `path` and fsyncs the folder: after a crash `path` holds the old content or
// the new, never a mix. `bytes` must start with `magic`, which marks the
// temporary as this library's.
//
// The temporary is TemporaryPrefix(name of path) + 16 random hex digits: it
// always fits NAME_MAX. Its writer holds an exclusive flock() on it for its
// whole life; the kernel (or, on NFS, the lock manager once the client's
// lease ends) drops that lock when the writer dies, on any host. A save first
// removes temporaries of its target that have that exact name form, are
// regular files holding `magic` (or a prefix of it: killed before writing),
// and whose lock it can take: those of dead writers, never a live one's nor
// a file someone else made. Where locks are not supported no temporary is
// ever removed.
//
// An existing target's mode (and owner and group, where permitted) carries
// over; a new file is created 0600 (less the umask). A target that is not a
// regular file (a directory, FIFO or device) is INVALID_ARGUMENT. Errors name
// `path`, not the temporary, with file_io.h's ErrnoCode.
//
// A file that passes 4 MiB is written with O_DIRECT in 4 MiB blocks (the last
// padded to 4 KiB, then cut back with ftruncate): it is synced before the
// rename anyway, and the page cache's copy cost more CPU than the rest of the
// write. Where the file system refuses direct I/O, plain writes carry on.
absl::Status ReplaceFileAtomically(const std::string& path, std::string_view bytes,
                                   std::string_view magic);

// Receives the file's bytes a piece at a time.
using ByteSink = std::function<absl::Status(std::string_view)>;

// The same, the bytes handed by `produce` to its sink piece by piece (the
// first piece starting with `magic`), so they need never be in memory at
// once. An error from `produce` (or from the sink, which it must pass on)
// leaves the target untouched and removes the temporary.
absl::Status ReplaceFileAtomically(const std::string& path,
                                   const std::function<absl::Status(const ByteSink&)>& produce,
                                   std::string_view magic);

// ".<name, cut to fit>~<8 hex digits of CRC32C(name)>.mitra-tmp." for the
// file name `name` (no folder).
std::string TemporaryPrefix(std::string_view name);

}  // namespace mitra

#endif  // MITRA_CORE_ATOMIC_FILE_H_
