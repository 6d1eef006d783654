#pragma once

// Writing a report to a file (`tally -o`) so that no reader sees it half-written.

#include <string>

#include "core/result.h"

namespace tally::app {

// Writes `data` to `path` through a temporary file in the same directory and a rename, so a
// reader never sees a half-written file and a failure leaves the old file in place.
//
// The file keeps the mode it had: a report written over a 0600 file stays private. The
// temporary is made 0600 and given that mode (and, where allowed, that group) only once it
// is complete, so the report is never more readable than the file it replaces, even while
// being written. A new file gets the mode any new file gets, 0666 less the umask: the
// temporary is then made with that mode by the kernel, not a fixed one. Fails with
// Errc::io, naming `path`.
Status write_file_atomically(const std::string& path, const std::string& data);

}  // namespace tally::app
