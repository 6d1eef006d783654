#pragma once

// The ledger as every command opens it: its errors say what to do. A report that reads a
// damaged page, or an ingest that fills the disk, names the file, what happened to it and
// the command that helps, whichever command ran into it.

#include <memory>
#include <string>

#include "core/result.h"
#include "store/ledger.h"
#include "store/open_ledger.h"

namespace tally::app {

// `e`, a failure of the ledger at `path`, in words that say what to do: a damaged file
// names it and points to `tally doctor` and `tally rebuild`; a full disk says that nothing
// committed is lost and to free space. Any other error is returned as it is.
Error explain_ledger_error(const Error& e, const std::string& path);

// Opens the ledger at `path` (store/open_ledger.h) so that every error it returns, now or
// from any later call (ingest, reports), is explained as explain_ledger_error() does.
Result<std::unique_ptr<store::Ledger>> open_ledger(const std::string& path,
                                                   const store::OpenOptions& options = {});

}  // namespace tally::app
